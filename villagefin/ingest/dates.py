"""Dates as ledgers write them (SPEC 3.3): date cells, Excel serials and every common text form."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_EXCEL_EPOCH = dt.date(1899, 12, 30)

_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# year and month run together, then the day: 201612/2 (a hand-kept journal's 2016-12-02)
_YM_D = re.compile(r"(\d{4})(0[1-9]|1[0-2])\s*[-/.]\s*(\d{1,2})")


class DateProblem(ValueError):
    """A date that cannot be read (reason is a short Chinese phrase, or "")."""


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateProblem("，这一天不存在") from None


def from_serial(n: float) -> dt.date:
    """An Excel serial day number (1900 system) → date."""
    if not 1 <= n < 2958466:
        raise DateProblem("")
    return _EXCEL_EPOCH + dt.timedelta(days=int(n))


def parse_date(value: object, year: int | None) -> dt.date:
    """A cell → date. `year` completes year-less forms (10月8日, 10-08); None means they are bad-date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateProblem("")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            # a date cell with a time part: the day counts
            return from_serial(value)
        n = int(value)
        if 19000101 <= n <= 21001231:
            m = _COMPACT.fullmatch(str(n))
            assert m
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if 20000 <= n <= 80000:
            return from_serial(n)
        raise DateProblem("")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise DateProblem("")
    m = _YMD.fullmatch(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _COMPACT.fullmatch(text) or _YM_D.fullmatch(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MD.fullmatch(text)
    if m:
        if year is None:
            raise DateProblem("，没有年份（检查全部月份时日期须写明年份）")
        return _make(year, int(m.group(1)), int(m.group(2)))
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return from_serial(int(text))
    raise DateProblem("")


def parse_part(value: object) -> int | None:
    """One of 年 / 月 / 日 in its own column: 2026, "10", "10月", 8.0."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip("年月日号").strip()
    return int(text) if text.isdigit() else None

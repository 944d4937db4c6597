"""Where the ledgers are: a village's globs and "#sheet" selectors, or the FILEs given (SPEC 2), and the
month being checked. Kept light (no readers imported) so that an unchanged re-publish can decide quickly."""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ConfigError, UsageError
from .model import Period

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


@dataclass(frozen=True, slots=True)
class Source:
    """One ledger to read for one village: a file, or one sheet of it ("all.xlsx#新街村")."""

    path: Path
    display: str  # as findings show it: relative to the workspace, or as given
    village: str
    sheet: str | None = None
    given: bool = False  # named on the command line (read whatever month its name says)


#: what a user is told when a --month cannot be read
MONTH_FORMS = "YYYY-MM（如 2026-10）、2026/10、2026.10、202610、2026年10月 或 10月（上个月所在的年份）"


def parse_month(text: str | None, today: dt.date | None = None) -> Period | None:
    """A month as people write it (`Period.parse`) → Period; "any" → None; None → the month before `today`."""
    today = today or shanghai_today()
    if text is None:
        return Period.last_ended(today)
    if text.strip().lower() == "any":
        return None
    period = Period.parse(text, today)
    if period is None:
        raise UsageError(f"月份「{text}」看不懂，请写成 {MONTH_FORMS}。")
    return period


_YEAR_MONTH = re.compile(
    r"(?<!\d)(20\d{2})\s*[年.\-_/]?\s*(0?[1-9]|1[0-2])(?!\d)\s*(?:月份?)?"
    r"(?:\s*[-~～至到]\s*(0?[1-9]|1[0-2])(?!\d)\s*(?:月份?)?)?")
_MONTH_RANGE = re.compile(r"(?<!\d)(0?[1-9]|1[0-2])\s*(?:月份?)?\s*[-~～至到]\s*(0?[1-9]|1[0-2])\s*月")
_MONTH_WORD = re.compile(r"(?<![\d.])(0?[1-9]|1[0-2])\s*月份?")
# 「五月村」 is a village, not May
_CN_MONTH = re.compile(r"(?<![一二三四五六七八九十〇零百])(十[一二]|[一二三四五六七八九十])月份?(?![村庄屯湾组社])")
_CN_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
              "十二": 12}
# what a file name says besides its village (「新街村 2026年10月 台账.xlsx」 → 新街村)
_FULL_DATE = re.compile(r"(?<!\d)20\d{2}(?:[-./]\d{1,2}[-./]\d{1,2}|\d{4})(?!\d)")
_DATE_WORDS = re.compile(r"(?<!\d)20\d{2}\s*年|\d{1,2}\s*[日号]|台账|账表|明细|支出")
_EDGES = " \t_-－—.·、,，()（）[]【】"


def _months(lo: str, hi: str | None) -> list[int]:
    a, b = int(lo), int(hi) if hi else int(lo)
    return list(range(a, b + 1)) if a <= b else [a, b]


def month_names(name: str) -> list[tuple[int | None, int]]:
    """The months a file or sheet name is named for, as (year or None, month): 「2026年11月」, 「2026-11」, 「11月」,
    「十一月」, 「11-12月」."""
    found: list[tuple[int | None, int]] = []
    rest = name

    def cut(m: re.Match) -> str:
        return " " * len(m.group(0))

    for m in _YEAR_MONTH.finditer(rest):
        found.extend((int(m.group(1)), k) for k in _months(m.group(2), m.group(3)))
    rest = _YEAR_MONTH.sub(cut, rest)
    for m in _MONTH_RANGE.finditer(rest):
        found.extend((None, k) for k in _months(m.group(1), m.group(2)))
    rest = _MONTH_RANGE.sub(cut, rest)
    found.extend((None, int(m.group(1))) for m in _MONTH_WORD.finditer(rest))
    rest = _MONTH_WORD.sub(cut, rest)
    found.extend((None, _CN_NUMBER[m.group(1)]) for m in _CN_MONTH.finditer(rest))
    return found


def names_other_month(name: str, period: Period) -> bool:
    """Whether a file or sheet is named for months that do not include `period` (SPEC 16)."""
    months = month_names(name)
    return bool(months) and not any(m == period.month and y in (None, period.year) for y, m in months)


def village_from_name(stem: str) -> str:
    """A village's name from a ledger's file name: without dates, months and the words 台账, 账表, 明细, 支出."""
    text = _FULL_DATE.sub(" ", stem)
    text = _YEAR_MONTH.sub(" ", text)
    text = _MONTH_RANGE.sub(" ", text)
    text = _MONTH_WORD.sub(" ", text)
    text = _CN_MONTH.sub(" ", text)
    text = _DATE_WORDS.sub(" ", text)
    text = " ".join(text.split()).strip(_EDGES)
    return text or stem


def shanghai_today() -> dt.date:
    """Today in Asia/Shanghai (UTC+8, no daylight saving), whatever the machine's zone."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()


def _skip_name(name: str) -> bool:
    return name.startswith(("~$", ".~lock", ".")) or name.startswith("~")


def _is_hidden(path: str) -> bool:
    try:
        attrs = getattr(os.stat(path), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def expand(pattern: str, root: Path) -> list[Path]:
    """A ledger glob relative to the workspace → files, skipping lock and hidden files."""
    base = pattern if os.path.isabs(pattern) else os.path.join(root, pattern)
    out = []
    for hit in sorted(glob.glob(base, recursive=True)):
        name = os.path.basename(hit)
        if _skip_name(name) or not os.path.isfile(hit) or _is_hidden(hit):
            continue
        out.append(Path(hit))
    return out


def require_villages(config: Config, villages: Sequence[str]) -> None:
    """UsageError naming the first village id (of --village) that villagefin.toml does not configure."""
    for vid in villages:
        if config.village(vid) is None:
            known = "、".join(v.id for v in config.villages) or "（配置中没有村）"
            raise UsageError(f"未知的村代号「{vid}」；villagefin.toml 中有：{known}。")


def resolve_sources(config: Config, paths: Sequence[str] | None, villages: Sequence[str] = (),
                    period: Period | None = None) -> list[Source]:
    """The ledgers to check: the FILEs given, or every (selected) village's configured globs.

    With `period`, a configured file named for another month (「王庄村 11月 账表.xls」 in December) is not one
    of them, even when the village has nothing else (SPEC 16); FILEs given are read whatever their names say.
    """
    require_villages(config, villages)
    root = config.root
    claims: dict[str, list[Source]] = {}  # resolved path → every claim on it
    configured: list[Source] = []
    if root is not None:
        for v in config.villages:
            for pattern in v.ledgers:
                glob_part, _, sheet = pattern.partition("#")
                for hit in expand(glob_part.strip(), root):
                    src = Source(hit, _display(hit, root), v.id, sheet.strip() or None)
                    others = claims.setdefault(str(hit.resolve()), [])
                    if any(o.village == v.id and o.sheet == src.sheet for o in others):
                        continue  # the same village names the same file twice: read it once
                    for o in others:
                        if o.sheet is None or src.sheet is None or o.sheet == src.sheet:
                            raise ConfigError(
                                f"配置项 villages.ledgers：文件 {src.display}"
                                f"{'#' + (src.sheet or o.sheet) if (src.sheet or o.sheet) else ''} "
                                f"同时属于村 \"{o.village}\" 和 \"{v.id}\"；同一个文件（或工作表）只能属于一个村，"
                                "同一工作簿的不同工作表请用 \"文件.xlsx#工作表名\" 分开。"
                            )
                    others.append(src)
                    if period is not None and not paths and not src.sheet and names_other_month(hit.stem, period):
                        continue
                    configured.append(src)
    if paths:
        by_path: dict[str, list[Source]] = {}
        for src in configured:
            by_path.setdefault(str(src.path.resolve()), []).append(src)
        out = []
        for given in paths:
            sheet = None
            p = Path(given)
            if not p.exists() and "#" in given:
                head, _, sheet = given.partition("#")
                p = Path(head)
            matches = by_path.get(str(p.resolve()), [])
            if sheet:
                matches = [m for m in matches if m.sheet in (None, sheet)]
            if matches:
                out.extend(Source(m.path, p.as_posix(), m.village, sheet or m.sheet, given=True) for m in matches
                           if not villages or m.village in villages)
            else:
                out.append(Source(p, p.as_posix(), village_from_name(p.stem if p.suffix else p.name), sheet,
                                  given=True))
        return out
    if villages:
        return [s for s in configured if s.village in villages]
    return configured

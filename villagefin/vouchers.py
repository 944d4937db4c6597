"""Voucher numbers (凭证号) as ledgers write them: 记-012, 记12, 记字第12号, 银付-3, 现收003, or a bare 12.

`parse_voucher()` turns any of these into a (series, number) key so that 记-12 and 记字第012号 compare equal;
`format_voucher()` writes the canonical form back (记-012).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# series (letters that are not digits), optional 字, optional separator, optional 第, digits, optional 号
_VOUCHER = re.compile(
    r"(?P<series>[^\d]*?)\s*字?\s*[-_#.、:：/\\—–－~]*\s*(?:No\.?)?\s*第?\s*(?P<number>\d+)\s*号?",
    re.IGNORECASE,
)
_SEPARATORS = "-_#.、:：/\\—–－~ \t"


@lru_cache(maxsize=65536)
def parse_voucher(text: str) -> tuple[str, int] | None:
    """The (series, number) key of a voucher number, or None when it holds no number.

    "记-012" → ("记", 12); "记字第12号" → ("记", 12); "银付-3" → ("银付", 3); "012" → ("", 12).
    Full-width forms and spaces are ignored.
    """
    if not text:
        return None
    norm = unicodedata.normalize("NFKC", str(text)).strip()
    match = _VOUCHER.fullmatch(norm)
    if match is None:
        return None
    series = match.group("series").strip(_SEPARATORS)
    if series.endswith("字"):
        series = series[:-1].rstrip(_SEPARATORS)
    number = int(match.group("number"))
    return series, number


def format_voucher(series: str, number: int, width: int = 3) -> str:
    """The canonical way to write a voucher number: ("记", 12) → "记-012"; ("", 12) → "012"."""
    digits = f"{number:0{width}d}"
    return f"{series}-{digits}" if series else digits

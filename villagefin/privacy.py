"""Masking of personal numbers in published text (SPEC 5.6, sharpened by SPEC 18).

`mask(text)` is the one function every text bound for a public file goes through: the expense fields, the
category and its group, a correction reason, and (as they come) query questions and answers, review opinions,
and file or sheet names shown. It hides, wherever they appear in a text field:

* a citizen ID: 18 characters, 17 digits then a digit or X, with a plausible birth date (YYYYMMDD at
  positions 7–14, year 1900–2099), not inside a longer run of letters or digits. Written plain or with a
  separator after its 6th and/or its 14th character. Kept: the first 6 and the last 4 characters
  → ``340123********1234``.
* a bank card number: a run of 16–19 digits not inside a longer digit run, or 4-digit groups separated
  by one and the same separator (the last group may have 1–3 digits) totalling 16–19 digits. Only the last
  4 digits are kept → ``****7890``. An 18-digit run whose date is not plausible is no ID, so it is
  masked as a card.
* a mobile number: 1[3-9] and 9 more digits not inside a longer digit run, plain or with a separator
  after its 3rd and/or its 7th digit (3-4-4, 3-8, 7-4; the two separators may differ), and may be preceded
  by the country code +86 or 0086 (itself kept) → ``+86 138****5678``.

A separator is one half-width space or hyphen, a full-width hyphen (－), an ideographic space (U+3000), a
no-break space or a typographic dash (‐ ‑ ‒ – —).

"Letters" are Latin letters: Chinese text around a number (身份证340123…领款) does not protect it.
Full-width digits (３４０１２３…) count as digits. Masked forms keep no separator.

Masking is idempotent: ``mask(mask(x)) == mask(x)``. The grouped card form refuses to touch a ``*`` or a digit
next to it, so what one masking leaves (``****7890 1234 …``) is never taken for a new number.
Invoice numbers are published in full: the caller does not pass the invoice field to `mask`.

It runs on every published text field of a county month (90,000 rows × several fields), so a string
with fewer than 11 digits (the shortest pattern) returns at once.
"""

from __future__ import annotations

import re

__all__ = ["mask"]

_D = "0-9\uff10-\uff19"  # ASCII and full-width digits (inside a character class)
_ALNUM = _D + "A-Za-z\uff21-\uff3a\uff41-\uff5a"  # digits and Latin letters, both widths
_X = "Xx\uff38\uff58"
_SEP = "[ \\-\uff0d\u3000\u00a0\u2010-\u2014]"  # see the module docstring
# around a grouped form: no digit or * next to it, nor one separator away
_GROUP_BEFORE = rf"(?<![{_D}*])(?<![{_D}*]{_SEP})"
_GROUP_AFTER = rf"(?![{_D}*])(?!{_SEP}[{_D}*])"

_ID_RE = re.compile(
    rf"""
    (?<![{_ALNUM}])
    (?P<head>[{_D}]{{6}})
    {_SEP}?
    (?P<birth>[{_D}]{{8}})
    {_SEP}?
    (?P<tail>[{_D}]{{3}}[{_D}{_X}])
    (?![{_ALNUM}])
    """,
    re.VERBOSE,
)
_CARD_RE = re.compile(
    rf"""
    (?<![{_D}])[{_D}]{{16,19}}(?![{_D}])
    |
    {_GROUP_BEFORE}
    [{_D}]{{4}}(?P<sep>{_SEP})[{_D}]{{4}}(?P=sep)[{_D}]{{4}}(?P=sep)[{_D}]{{4}}(?:(?P=sep)[{_D}]{{1,3}})?
    {_GROUP_AFTER}
    """,
    re.VERBOSE,
)
_MOBILE_RE = re.compile(
    rf"""
    (?:
        (?P<cc>(?:[+\uff0b]|(?<![{_D}])[0\uff10]{{2}})[8\uff18][6\uff16]{_SEP}?)  # +86 / 0086, kept
    |
        (?<![{_D}])
    )
    (?P<head>[1\uff11][3-9\uff13-\uff19][{_D}])
    (?:
        (?P<mid>[{_D}]{{4}})(?P<tail>[{_D}]{{4}})(?![{_D}])
    |
        {_SEP}?(?P<mid2>[{_D}]{{4}}){_SEP}?(?P<tail2>[{_D}]{{4}}){_GROUP_AFTER}
    )
    """,
    re.VERBOSE,
)
_DIGIT_RE = re.compile(f"[{_D}]")
_TO_ASCII = {cp: cp - 0xFF10 + 0x30 for cp in range(0xFF10, 0xFF1A)}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN_DIGITS = 11  # a mobile number, the shortest pattern


def _plausible_birth(yyyymmdd: str) -> bool:
    text = yyyymmdd.translate(_TO_ASCII)
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and day >= 1):
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS[month - 1]


def _id(match: re.Match[str]) -> str:
    if not _plausible_birth(match["birth"]):
        return match[0]  # not an ID; the card rule may still take it
    return match["head"] + "********" + match["tail"]


def _card(match: re.Match[str]) -> str:
    digits = _DIGIT_RE.findall(match[0])
    return "****" + "".join(digits[-4:])


def _mobile(match: re.Match[str]) -> str:
    return (match["cc"] or "") + match["head"] + "****" + (match["tail"] or match["tail2"])


def mask(text: str) -> str:
    """`text` with every citizen ID, bank card and mobile number masked (SPEC 5.6)."""
    # quick exits, cheapest first: most names and summaries hold no long number at all
    if len(text) < _MIN_DIGITS or _DIGIT_RE.search(text) is None:
        return text
    if len(_DIGIT_RE.findall(text)) < _MIN_DIGITS:
        return text
    # order matters: an 18-digit ID is also an 18-digit run, which the card rule would take
    text = _ID_RE.sub(_id, text)
    text = _CARD_RE.sub(_card, text)
    return _MOBILE_RE.sub(_mobile, text)

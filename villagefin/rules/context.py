"""What the rules share (SPEC 4): the rule context, the invoice key, the voucher index and small helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from ..chart import Chart
from ..config import Config
from ..model import Expense, Finding
from ..vouchers import parse_voucher

ZERO = Decimal("0")

_APPROVAL_FIELDS: tuple[tuple[str, str], ...] = (("handler", "经手人"), ("reviewer", "审核人"), ("approver", "审批人"))
_HAS_ALNUM = re.compile(r"[0-9A-Za-z]")
_MAX_OTHERS = 3
_TRAILING = "。.，,;；、"


@dataclass(frozen=True, slots=True)
class PublishedInvoice:
    """One use of an invoice number in a month already published (read from the archive by the caller)."""

    village: str
    period: str
    voucher: str
    amount: Decimal


@dataclass(frozen=True)
class RuleContext:
    """What rules need beyond the expenses and the config; all of it small values the caller provides."""

    period: str  # "2026-10" or "any"
    chart: Chart
    #: `invoice_key(number)` → its uses already published in OTHER periods (earlier revisions of the month
    #: excluded by the caller)
    published_invoices: Mapping[str, tuple[PublishedInvoice, ...]] = field(default_factory=dict)
    #: village → (voucher, file, sheet, row) of every voucher line of its journal sheets, expense or not
    journal_vouchers: Mapping[str, tuple[tuple[str, str, str | None, int], ...]] = field(default_factory=dict)
    # the voucher index of the expenses being checked, shared by the rules of one `apply_rules` call
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)


Rule = Callable[[Sequence[Expense], Config, RuleContext], Iterable[Finding]]


# -- helpers -----------------------------------------------------------------------------------------------------
def _where(file: str, sheet: str | None) -> str:
    return f"{file}「{sheet}」" if sheet else file


def _others(items: list[str]) -> str:
    shown = "；".join(items[:_MAX_OTHERS])
    return shown if len(items) <= _MAX_OTHERS else f"{shown} 等 {len(items)} 处"


def _norm_text(text: str) -> str:
    """Matching form of a text: NFKC (full-width → half-width) without any whitespace."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def invoice_key(number: str) -> str:
    """Matching form of an invoice number ("" for blanks and placeholders such as 无, /, 0).

    Callers that pass `published_invoices` key them by this, as the rule looks them up by it.
    """
    if not number:
        return ""
    if number.isascii() and number.isalnum():  # the common case, cheaply
        norm = number.upper()
    else:
        norm = _norm_text(str(number)).upper()
        if not _HAS_ALNUM.search(norm):
            return ""
    return norm if norm.strip("0") else ""


@lru_cache(maxsize=65536)
def _voucher_key(text: str) -> tuple[str, int] | tuple[str, str]:
    key = parse_voucher(text)
    return key if key is not None else ("?", _norm_text(text or ""))


_UNSET: object = object()
_SHEET_OF = itemgetter(1, 2)  # (file, sheet) of a journal line


def _has_number(key: tuple) -> bool:
    return key[0] != "?"


class _Index:
    """Vouchers of the expenses, computed once per context: one group per voucher number of one sheet.

    `keys[i]` is the voucher key of expense i and `gid[i]` its group; per group: the expense on its first row
    (`first`), its sheet (`group_sheet`, an index into `sheets`), key (`group_key`) and `totals`. `journal`
    holds the journals' vouchers that no expense group already places. A bare number (12) is folded into the
    village's only series (SPEC 10).
    """

    def __init__(self, expenses: Sequence[Expense], journal: Mapping[str, tuple]):
        keys = [_voucher_key(e.voucher) for e in expenses]
        # each voucher number as written is parsed once (a village of more vouchers than _voucher_key's cache
        # holds would parse each three times)
        self._keys: dict[str, tuple] = dict(zip([e.voucher for e in expenses], keys, strict=True))
        series: dict[str, set[str]] = {}
        village = None
        names: set[str] = set()
        for e, key in zip(expenses, keys, strict=True):
            if e.village != village:
                village = e.village
                names = series.setdefault(e.village, set())
            names.add(key[0])
        for names in series.values():
            names.discard("?")
        # a journal's vouchers (every line, expense or not): each voucher's first row in each sheet
        blocks: list[tuple[str, tuple, dict[str, int]]] = []
        for village, entries in journal.items():
            names = series.setdefault(village, set())
            for where, lines in groupby(entries, _SHEET_OF):
                # a comprehension, as this runs for every journal line
                first_row = {voucher: row for voucher, _f, _s, row in reversed(list(lines))}
                names.update((self._keys.get(voucher) or self._key(voucher))[0] for voucher in first_row)
                blocks.append((village, where, first_row))
        for names in series.values():
            names.discard("?")
        self._fold = fold = {v: next(iter(s - {""})) for v, s in series.items() if "" in s and len(s) == 2}
        if fold:
            keys = [
                (fold[e.village], key[1]) if key[0] == "" and e.village in fold else key
                for e, key in zip(expenses, keys, strict=True)
            ]
        self.keys = keys
        self._groups(expenses, keys)
        self.journal = self._journal_places(expenses, blocks)

    def _key(self, voucher: str) -> tuple:
        key = self._keys.get(voucher)
        if key is None:
            key = self._keys[voucher] = _voucher_key(voucher)
        return key

    def _groups(self, expenses: Sequence[Expense], keys: list[tuple]) -> None:
        gid: list[int] = []
        first: list[int] = []
        totals: list[Decimal] = []
        group_sheet: list[int] = []
        group_key: list[tuple] = []
        #: (village, file, sheet) of each sheet, and its voucher key → group
        self.sheets: list[tuple[str, str, str | None]] = []
        self.sheet_groups: list[dict[tuple, int]] = []
        sheet_ids: dict[tuple, int] = {}
        sid = -1
        ids: dict[tuple, int] = {}
        village = file = sheet = _UNSET
        for i, (e, key) in enumerate(zip(expenses, keys, strict=True)):
            if key[0] == "?" and not key[1]:
                key = ("?", "", i)  # no voucher number at all: a voucher of its own
            if e.sheet != sheet or e.file != file or e.village != village:
                # rows of one sheet come together: one lookup per sheet, not per row
                village, file, sheet = e.village, e.file, e.sheet
                here = (village, file, sheet)
                sid = sheet_ids.get(here, -1)
                if sid < 0:
                    sid = sheet_ids[here] = len(self.sheets)
                    self.sheets.append(here)
                    self.sheet_groups.append({})
                ids = self.sheet_groups[sid]
            g = ids.get(key)
            if g is None:
                g = ids[key] = len(first)
                first.append(i)
                totals.append(e.amount)
                group_sheet.append(sid)
                group_key.append(key)
            else:
                totals[g] += e.amount
                if e.row < expenses[first[g]].row:
                    first[g] = i
            gid.append(g)
        self.sheet_ids = sheet_ids
        self.sheets_of: dict[str, list[int]] = {}
        for sid, (village, _file, _sheet) in enumerate(self.sheets):
            self.sheets_of.setdefault(village, []).append(sid)
        self.group_sheet = group_sheet
        self.group_key = group_key
        self.gid = gid
        self.first = first
        self.totals = totals

    def _journal_places(self, expenses: Sequence[Expense], blocks: list) -> dict[str, dict[tuple, dict]]:
        """village → voucher key → (file, sheet) → (first row, voucher as written), for the journals'
        vouchers not already known, at that row or earlier, as an expense group of the same sheet."""
        out: dict[str, dict[tuple, dict[tuple, tuple[int, str]]]] = {}
        for village, where, first_row in blocks:
            sid = self.sheet_ids.get((village, *where), -1)
            groups = self.sheet_groups[sid] if sid >= 0 else {}
            for voucher, row in first_row.items():
                key = self.key_of(village, voucher)
                if key[0] == "?":
                    continue
                g = groups.get(key)
                if g is not None and expenses[self.first[g]].row <= row:
                    continue  # the expense rows say it already
                places = out.setdefault(village, {}).setdefault(key, {})
                known = places.get(where)
                if known is None or row < known[0]:
                    places[where] = (row, voucher)
        return out

    def key_of(self, village: str, voucher: str) -> tuple:
        """The voucher key of a voucher number as written, folded like the expenses' keys."""
        key = self._keys.get(voucher) or self._key(voucher)
        if key[0] == "" and village in self._fold:
            return (self._fold[village], key[1])
        return key

    def members(self, wanted: set[int]) -> dict[int, list[int]]:
        """The rows of some groups (in the order of the expenses)."""
        out: dict[int, list[int]] = {g: [] for g in wanted}
        for i, g in enumerate(self.gid):
            if g in out:
                out[g].append(i)
        return out


def _index(expenses: Sequence[Expense], context: RuleContext) -> _Index:
    memo = context._memo.get("index")
    if memo is not None and memo[0] is expenses:
        return memo[1]
    index = _Index(expenses, context.journal_vouchers)
    context._memo["index"] = (expenses, index)
    return index


def _sorted_rows(expenses: Sequence[Expense], rows: list[int]) -> list[int]:
    return sorted(rows, key=lambda i: (expenses[i].row, i))

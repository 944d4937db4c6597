"""The rules over normalised expenses (SPEC 4): plain functions in an explicit tuple, `RULES`.

Each rule is `(expenses, config, context) -> Iterable[Finding]`. Expenses of every village come in one
sequence and are grouped by `Expense.village` here. Rules never raise for a data problem, never mutate their
inputs, and stay linear: a county month (90,000 expenses) runs through all of them in a fraction of a second.

Thresholds (cash-over-limit, needs-resolution, possible-split) apply to a voucher's total, not to its item
rows; a voucher's attachments are declared once (the largest value on its rows). A voucher here is one
voucher number in one sheet of one village (the same number in two sheets is duplicate-voucher's business).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import NamedTuple

from .chart import Chart
from .config import Config
from .findings import excerpt, make, on_receipts, sorted_findings
from .model import CASH_JOURNAL, JOURNAL, Expense, Finding, has_resolution
from .money import display
from .public import funds_of, pick_balances
from .vouchers import format_voucher, parse_voucher

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


# -- errors ----------------------------------------------------------------------------------------------------
class _InvoiceUse(NamedTuple):
    """One voucher's use of an invoice number (or a published month's)."""

    amount: Decimal
    description: str
    rows: list[int] | None  # None for a use in a month already published
    code: str  # invoice_key of its 发票代码, "" when unknown
    payee: str  # matching form of its payee, "" when unknown


def _same_invoice(full: bool, a: _InvoiceUse, b: _InvoiceUse) -> str | None:
    """"error" when two uses of one number are surely one invoice, "warning" when they may be, else None.

    A 20-digit number (全电发票) is unique by itself; a shorter one only with its invoice code (发票代码), for two
    issuers print the same number. Without a code, the same payee makes it sure (SPEC 16)."""
    if full:
        return "error"
    if a.code and b.code:
        return "error" if a.code == b.code else None
    return "error" if a.payee and a.payee == b.payee else "warning"


def duplicate_invoice(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One invoice on two different vouchers: in this check (any village) or in a month published.

    duplicate-invoice when the uses are surely one invoice, possible-duplicate-invoice when a short number
    without its code is used for different payees (`_same_invoice`). A reversal that repeats the invoice of
    another use, for at most that use's amount (a full or partial 红字冲销), is not a duplicate.
    """
    first_use: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for i, e in enumerate(expenses):
        invoice = e.invoice
        if invoice:
            if not (invoice.isdigit() and invoice.isascii()):  # plain digits are their own key, cheaply
                invoice = invoice_key(invoice)
                if not invoice:
                    continue
            j = first_use.setdefault(invoice, i)
            if j != i:
                repeated.setdefault(invoice, [j]).append(i)
    published = context.published_invoices
    candidates = {invoice for invoice in repeated if invoice.strip("0")}  # 0, 000: placeholders
    if published:
        candidates.update(inv for inv in first_use if inv in published and inv.strip("0"))
    if not candidates:
        return
    index = _index(expenses, context)
    for invoice in sorted(candidates):
        rows = repeated.get(invoice) or [first_use[invoice]]
        past = published.get(invoice, ()) if published else ()
        vouchers: dict[tuple, list[int]] = {}
        for i in rows:
            vouchers.setdefault((expenses[i].village, index.keys[i]), []).append(i)
        if len(vouchers) + len(past) < 2:
            continue
        uses: list[_InvoiceUse] = []
        for (village, _key), used in vouchers.items():
            used = _sorted_rows(expenses, used)
            e = expenses[used[0]]
            total = sum((expenses[i].amount for i in used), ZERO)
            code = next((k for i in used if (k := invoice_key(expenses[i].invoice_code))), "")
            payee = next((p for i in used if (p := _norm_text(expenses[i].payee))), "")
            uses.append(_InvoiceUse(total, f"{village} {e.voucher}（{_where(e.file, e.sheet)} 第 {e.row} 行）", used,
                                    code, payee))
        for p in past:
            uses.append(_InvoiceUse(p.amount, f"{p.period} 已公开的 {p.village} {p.voucher}", None, "", ""))
        full = len(invoice) == 20 and invoice.isdigit()
        remaining = _cancel_reversals(uses, full)
        if len(remaining) < 2 or all(use.rows is None for use in remaining):
            continue
        for n, use in enumerate(remaining):
            if use.rows is None:
                continue
            sure: list[str] = []
            maybe: list[str] = []
            for m, other in enumerate(remaining):
                if m != n:
                    verdict = _same_invoice(full, use, other)
                    if verdict == "error":
                        sure.append(other.description)
                    elif verdict == "warning":
                        maybe.append(other.description)
            if not sure and not maybe:
                continue
            code = "duplicate-invoice" if sure else "possible-duplicate-invoice"
            others = _others(sure or maybe)
            for i in use.rows:
                e = expenses[i]
                yield make(code, village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                           column=e.column_of("invoice"), voucher=e.voucher,
                           invoice=excerpt(e.invoice, 30), other=others)


def _cancel_reversals(uses: list[_InvoiceUse], full: bool) -> list[_InvoiceUse]:
    """Drop each negative use that reverses another use of the invoice for at most what is left of it (a 红字冲销,
    full or partial); an original reversed in full is dropped with it."""
    left: dict[int, Decimal] = {n: use.amount for n, use in enumerate(uses) if use.amount > 0}
    dropped: set[int] = set()
    for n, use in enumerate(uses):
        if use.amount >= 0:
            continue
        need = -use.amount
        fits = [k for k, amount in left.items() if amount >= need and _same_invoice(full, use, uses[k])]
        if not fits:
            continue
        k = next((k for k in fits if left[k] == need), fits[0])  # the one it reverses in full, if any
        dropped.add(n)
        left[k] -= need
        if not left[k]:
            dropped.add(k)
            del left[k]
    return [use for n, use in enumerate(uses) if n not in dropped]


def duplicate_voucher(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One voucher number of one village in two different files or sheets (a revised file beside the old).

    Journals' vouchers count too, expense or not. One finding per row involved.
    """
    index = _index(expenses, context)
    # village → key → the first sheet it was seen in (a sheet id, or (file, sheet) for a journal's voucher)
    home: dict[str, dict[tuple, object]] = {}
    clashes: dict[tuple, set[tuple]] = {}

    def where(place: object) -> tuple:
        return index.sheets[place][1:] if isinstance(place, int) else place  # type: ignore[index]

    def clash(village: str, key: tuple, known: object, place: object) -> None:
        a, b = where(known), where(place)
        if a != b:
            clashes.setdefault((village, key), {a}).add(b)

    for sid, (village, _file, _sheet) in enumerate(index.sheets):
        seen = home.setdefault(village, {})
        for key in index.sheet_groups[sid]:
            if _has_number(key):
                known = seen.setdefault(key, sid)
                if known != sid:
                    clash(village, key, known, sid)
    for village, per_key in index.journal.items():
        seen = home.setdefault(village, {})
        for key, places in per_key.items():
            for place in places:
                known = seen.setdefault(key, place)
                if known is not place:
                    clash(village, key, known, place)
    if not clashes:
        return
    # every row involved, expense rows first: (village, key, file, sheet) → {row: (voucher, column)}
    rows: dict[tuple, dict[int, tuple[str, str | None]]] = {}
    clash_keys: dict[str, set[tuple]] = {}
    for village, key in clashes:
        clash_keys.setdefault(village, set()).add(key)
    wanted: set[int] = set()
    for sid, (village, _file, _sheet) in enumerate(index.sheets):
        groups = index.sheet_groups[sid]
        wanted.update(groups[key] for key in clash_keys.get(village, ()) if key in groups)
    for g, members in sorted(index.members(wanted).items()):
        village, file, sheet = index.sheets[index.group_sheet[g]]
        key = index.group_key[g]
        for i in members:
            e = expenses[i]
            rows.setdefault((village, key, file, sheet), {}).setdefault(e.row, (e.voucher, e.column_of("voucher")))
    if context.journal_vouchers:  # every line of a clashing voucher in a journal is a row involved
        columns = _voucher_columns(expenses)
        for village, entries in context.journal_vouchers.items():
            if village not in clash_keys:
                continue
            for voucher, file, sheet, row in entries:
                key = index.key_of(village, voucher)
                if (village, key) in clashes:
                    rows.setdefault((village, key, file, sheet), {}).setdefault(
                        row, (voucher, columns.get((file, sheet))))
    for (village, key, file, sheet), found in rows.items():
        others = _others([_where(f, s) for f, s in sorted(clashes[(village, key)], key=_place_key)
                          if (f, s) != (file, sheet)])
        for row, (voucher, column) in sorted(found.items()):
            yield make("duplicate-voucher", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=voucher, other=others)


def _place_key(place: tuple[str, str | None]) -> tuple[str, str]:
    return (place[0], place[1] or "")


def _voucher_columns(expenses: Sequence[Expense]) -> dict[tuple[str, str | None], str | None]:
    columns: dict[tuple[str, str | None], str | None] = {}
    last = None
    for e in expenses:
        where = (e.file, e.sheet)
        if where != last and where not in columns:
            columns[where] = e.column_of("voucher")
        last = where
    return columns


# -- warnings --------------------------------------------------------------------------------------------------
def voucher_gap(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Voucher numbers that skip within the month (记-011 then 记-013), per village and series.

    All the village's vouchers count, whichever file or sheet holds them (a run split across two files is no
    gap), and in journals every voucher, expense or not; a cash or bank journal's do not. The finding is on the first row of the voucher after
    the gap. With period "any", each month of the dates is looked at separately.
    """
    index = _index(expenses, context)
    by_month = context.period == "any"
    # (village, month, series) → the numbers used; where a number is, is looked up only for the gaps found
    numbers: dict[tuple, set[int]] = {}
    months_of: dict[str, set[str]] = {}
    group_month: dict[tuple, str] = {}
    for sid, (village, file, sheet) in enumerate(index.sheets):
        buckets: dict[str, set[int]] = {}
        groups = index.sheet_groups[sid]
        if groups and expenses[index.first[next(iter(groups.values()))]].layout == CASH_JOURNAL:
            continue  # a cash or bank journal holds only the vouchers that moved its money (SPEC 16)
        for key, g in groups.items():
            if not _has_number(key):
                continue
            if by_month:
                month = expenses[index.first[g]].date.strftime("%Y-%m")
                months_of.setdefault(village, set()).add(month)
                group_month[(village, file, sheet, key)] = month
                numbers.setdefault((village, month, key[0]), set()).add(key[1])
            else:
                found = buckets.get(key[0])
                if found is None:
                    found = buckets[key[0]] = numbers.setdefault((village, "", key[0]), set())
                found.add(key[1])
    for village, per_key in index.journal.items():
        for key, places in per_key.items():
            if not by_month:
                numbers.setdefault((village, "", key[0]), set()).add(key[1])
                continue
            for file, sheet in places:
                month = group_month.get((village, file, sheet, key))
                if month is None:
                    only = months_of.get(village, set())
                    if len(only) != 1:
                        continue  # a non-expense voucher of an unknown month
                    month = next(iter(only))
                numbers.setdefault((village, month, key[0]), set()).add(key[1])
    columns: dict | None = None

    def where(village: str, month: str, key: tuple) -> tuple:
        """(file, sheet, row, voucher as written, column) of the first row of a voucher."""
        nonlocal columns
        best: tuple | None = None
        for sid in index.sheets_of.get(village, ()):
            v, file, sheet = index.sheets[sid]
            g = index.sheet_groups[sid].get(key)
            if g is None:
                continue
            e = expenses[index.first[g]]
            if by_month and group_month.get((v, file, sheet, key)) != month:
                continue
            spot = (file, sheet or "", e.row, e.voucher, e.column_of("voucher"), sheet)
            if best is None or spot[:3] < best[:3]:
                best = spot
        for (file, sheet), (row, text) in index.journal.get(village, {}).get(key, {}).items():
            if by_month and group_month.get((village, file, sheet, key), month) != month:
                continue
            spot = (file, sheet or "", row, text, None, sheet)
            if best is None or spot[:3] < best[:3]:
                if columns is None:
                    columns = _voucher_columns(expenses)
                best = (*spot[:4], columns.get((file, sheet)), sheet)
        return best or ("", "", 0, format_voucher(*key), None, None)

    for (village, month, series), found in numbers.items():
        ordered = sorted(found)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before <= 1:
                continue
            file, _s, row, text, column, sheet = where(village, month, (series, after))
            before_text = where(village, month, (series, before))[3]
            width = _width(text)
            count = after - before - 1
            if count <= 3:
                missing = "、".join(format_voucher(series, n, width) for n in range(before + 1, after))
            else:
                missing = (f"{format_voucher(series, before + 1, width)} 至 "
                           f"{format_voucher(series, after - 1, width)}（共 {count} 张）")
            yield make("voucher-gap", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=text, before=before_text, after=text, missing=missing)


def _width(voucher: str) -> int:
    digits = re.search(r"(\d+)\D*$", unicodedata.normalize("NFKC", voucher or ""))
    return len(digits.group(1)) if digits else 3


_ROW_FIELDS = attrgetter(
    "village", "date", "voucher", "summary", "amount", "category", "payee", "handler", "reviewer", "approver",
    "invoice", "attachments", "method", "remarks", "account_code",
)


def duplicate_row(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Two identical expense rows of one village: every field equal except where the row is."""
    # a cheap first cut on the village's summaries and vouchers (a month repeats its summaries, 支付电费, but
    # two equal rows share their voucher too), then the full comparison of the few rows that share both
    firsts: dict[str, dict[tuple[str, str], int]] = {}
    first: dict[tuple[str, str], int] = {}
    alike: dict[tuple[str, str, str], list[int]] = {}
    village = None
    for i, e in enumerate(expenses):
        if e.village != village:
            village = e.village
            first = firsts.setdefault(village, {})
        j = first.setdefault((e.summary, e.voucher), i)
        if j != i:
            alike.setdefault((village, e.summary, e.voucher), [j]).append(i)
    for candidates in alike.values():
        same: dict[tuple, list[int]] = {}
        for i in candidates:
            same.setdefault(_ROW_FIELDS(expenses[i]), []).append(i)
        for rows in same.values():
            if len(rows) < 2:
                continue
            for i in rows:
                e = expenses[i]
                others = [
                    str(o.row) if (o.file, o.sheet) == (e.file, e.sheet) else f"{o.row}（{_where(o.file, o.sheet)}）"
                    for o in (expenses[j] for j in rows if j != i)
                ]
                other = "、".join(others[:_MAX_OTHERS]) + (" 等" if len(others) > _MAX_OTHERS else "")
                yield make("duplicate-row", village=e.village, file=e.file, sheet=e.sheet, row=e.row, column=None,
                           voucher=e.voucher, other=other)


def _column_letters() -> Callable[[Expense], dict[str, str]]:
    """An expense's column letters by field (what `Expense.column_of` says), worked out once per sheet: the
    expenses of one sheet share their `columns` tuple. For the rules that look at every row."""
    seen: dict[int, tuple[tuple, dict[str, str]]] = {}

    def letters(e: Expense) -> dict[str, str]:
        got = seen.get(id(e.columns))
        if got is None:
            by_field: dict[str, str] = {}
            for name, letter in e.columns:
                if letter is not None:
                    by_field.setdefault(name, letter)
            got = seen[id(e.columns)] = (e.columns, by_field)  # the tuple is kept, so its id stays its own
        return got[1]

    return letters


def missing_approval(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Handler, reviewer or approver blank; in a journal only for the columns the sheet has."""
    letters_of = _column_letters()
    for e in expenses:
        if e.handler.strip() and e.reviewer.strip() and e.approver.strip():
            continue
        journal = e.layout == JOURNAL
        letters = letters_of(e)
        blank = [
            (name, label)
            for name, label in _APPROVAL_FIELDS
            if not getattr(e, name).strip() and (not journal or name in letters)
        ]
        if not blank:
            continue
        column = next((letters[name] for name, _ in blank if name in letters), None)
        yield make("missing-approval", village=e.village, file=e.file, sheet=e.sheet, row=e.row, column=column,
                   voucher=e.voucher, fields="、".join(label for _, label in blank))


def missing_payee(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Payee blank: always in the expense-list layout, in a journal only when it has a payee column."""
    letters_of = _column_letters()
    for e in expenses:
        if not e.payee.strip():
            column = letters_of(e).get("payee")
            if e.layout != JOURNAL or column is not None:
                yield make("missing-payee", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                           column=column, voucher=e.voucher)


def no_attachments(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher whose attachments (the largest value on its rows) are blank or 0: once, on its first row.

    In a journal only when the sheet has an attachments column.
    """
    index = _index(expenses, context)
    declared = [0] * len(index.first)
    for e, g in zip(expenses, index.gid, strict=True):
        a = e.attachments
        if a and a > declared[g]:
            declared[g] = a
    for g, count in enumerate(declared):
        if count > 0:
            continue
        e = expenses[index.first[g]]
        if e.layout == JOURNAL and not e.has_column("attachments"):
            continue
        yield make("no-attachments", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                   column=e.column_of("attachments"), voucher=e.voucher)


def cash_over_limit(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher's cash payments (支付方式 contains 现金) together above `cash_limit`: once, on its first row."""
    limit = config.rules.cash_limit
    index = _index(expenses, context)
    cash: dict[int, Decimal] = {}
    for e, g in zip(expenses, index.gid, strict=True):
        if "现金" in e.method:
            cash[g] = cash.get(g, ZERO) + e.amount
    for g, total in sorted(cash.items()):
        if total > limit:
            e = expenses[index.first[g]]
            yield make("cash-over-limit", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                       column=e.column_of("method") or e.column_of("amount"), voucher=e.voucher,
                       amount=display(total), limit=display(limit))


def needs_resolution(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher whose total is above `resolution_threshold` and no row's 备注 names a 决议: on its first row."""
    limit = config.rules.resolution_threshold
    index = _index(expenses, context)
    large = {g for g, total in enumerate(index.totals) if total > limit}
    if not large:
        return
    for g, rows in sorted(index.members(large).items()):
        if any(has_resolution(expenses[i].remarks) for i in rows):
            continue
        e = expenses[index.first[g]]
        yield make("needs-resolution", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                   column=e.column_of("remarks") or e.column_of("amount"), voucher=e.voucher,
                   amount=display(index.totals[g]), limit=display(limit))


def possible_split(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One payee paid by several vouchers within `split_window_days`, each at most the threshold, together
    above it (a payment split to avoid a resolution). One finding per row involved."""
    limit = config.rules.resolution_threshold
    window = dt.timedelta(days=config.rules.split_window_days)
    index = _index(expenses, context)
    # vouchers that count: positive, and not above the threshold on their own (needs-resolution's business)
    eligible = [ZERO < total <= limit for total in index.totals]
    # first pass, cheap: each village's sum per payee as written, to skip the many that cannot reach the limit
    sums: dict[str, dict[str, Decimal]] = {}
    village = None
    per_village: dict[str, Decimal] = {}
    for e, g in zip(expenses, index.gid, strict=True):
        if e.payee and eligible[g]:
            if e.village != village:
                village = e.village
                per_village = sums.setdefault(village, {})
            per_village[e.payee] = per_village.get(e.payee, ZERO) + e.amount
    wanted: dict[str, dict[str, str]] = {}  # village → payee as written → matching form, for payees that may
    for village, by_raw in sums.items():
        merged: dict[str, Decimal] = {}
        norm_of = {raw: _norm_text(raw) for raw in by_raw}
        for raw, amount in by_raw.items():
            merged[norm_of[raw]] = merged.get(norm_of[raw], ZERO) + amount
        keep = {raw: norm for raw, norm in norm_of.items() if norm and merged[norm] > limit}
        if keep:
            wanted[village] = keep
    if not wanted:
        return
    by_payee: dict[tuple[str, str], dict[int, list[int]]] = {}
    for i, (e, g) in enumerate(zip(expenses, index.gid, strict=True)):
        keep = wanted.get(e.village)
        if keep is not None and eligible[g] and e.payee in keep:
            by_payee.setdefault((e.village, keep[e.payee]), {}).setdefault(g, []).append(i)
    for vouchers in by_payee.values():
        if len(vouchers) < 2:
            continue
        items = sorted(
            (expenses[rows[0]].date, expenses[rows[0]].amount, g, rows) if len(rows) == 1  # the common case
            else (min(expenses[i].date for i in rows), sum((expenses[i].amount for i in rows), ZERO), g, rows)
            for g, rows in vouchers.items()
        )
        involved = [False] * len(items)
        start, running, marked = 0, ZERO, 0
        for end, (date, amount, _g, _rows) in enumerate(items):
            running += amount
            while date - items[start][0] > window:
                running -= items[start][1]
                start += 1
            if running > limit and end > start:
                for k in range(max(start, marked), end + 1):
                    involved[k] = True
                marked = end + 1
        yield from _split_findings(expenses, items, involved, window, limit)


def _split_findings(expenses: Sequence[Expense], items: list[tuple], involved: list[bool],
                    window: dt.timedelta, limit: Decimal) -> Iterable[Finding]:
    cluster: list[int] = []
    for k in range(len(items) + 1):
        if k < len(items) and involved[k] and (not cluster or items[k][0] - items[cluster[-1]][0] <= window):
            cluster.append(k)
            continue
        if len(cluster) >= 2:
            total = sum((items[c][1] for c in cluster), ZERO)
            days = max((items[cluster[-1]][0] - items[cluster[0]][0]).days, 1)
            for c in cluster:
                for i in _sorted_rows(expenses, items[c][3]):
                    e = expenses[i]
                    yield make("possible-split", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                               column=e.column_of("payee"), voucher=e.voucher, payee=excerpt(e.payee),
                               days=days, count=len(cluster), amount=display(total), limit=display(limit))
        cluster = [k] if k < len(items) and involved[k] else []


def vague_summary(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A summary that is one of `vague_terms` or shorter than `min_summary_chars` characters."""
    terms = {_norm_text(t).rstrip(_TRAILING) for t in config.rules.vague_terms}
    minimum = config.rules.min_summary_chars
    longest = max((len(t) for t in terms), default=0)
    for e in expenses:
        summary = e.summary
        if (len(summary) > longest and len(summary) >= minimum and summary.isprintable() and " " not in summary
                and summary[-1] not in _TRAILING):
            continue  # long enough, no whitespace: neither a vague term nor too short (the common case)
        text = _norm_text(summary).rstrip(_TRAILING)
        if text and (text in terms or len(text) < minimum):
            yield make("vague-summary", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                       column=e.column_of("summary"), voucher=e.voucher, value=excerpt(e.summary))


def negative_amount(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A negative amount: a reversal (红字冲销), published as such."""
    for e in expenses:
        if e.amount < 0:
            yield make("negative-amount", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                       column=e.column_of("amount"), voucher=e.voucher, amount=display(e.amount))


def unknown_category(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A category that is neither a code nor a name (at any level) of the chart in use or `[chart] extra`."""
    lookup = context.chart.lookup
    for e in expenses:
        if e.category and lookup(e.category) is None and e.category.strip():
            yield make("unknown-category", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                       column=e.column_of("category"), voucher=e.voucher, value=excerpt(e.category))


RULES: tuple[Rule, ...] = (
    duplicate_invoice,
    duplicate_voucher,
    voucher_gap,
    duplicate_row,
    missing_approval,
    missing_payee,
    no_attachments,
    cash_over_limit,
    needs_resolution,
    possible_split,
    vague_summary,
    negative_amount,
    unknown_category,
)


def apply_rules(expenses: Sequence[Expense], config: Config, context: RuleContext) -> list[Finding]:
    """Every rule of `RULES` over the expenses; findings sorted by file, sheet, row."""
    findings: list[Finding] = []
    try:
        for rule in RULES:
            findings.extend(rule(expenses, config, context))
    finally:
        context._memo.clear()
    return list(sorted_findings(findings))


def village_rules() -> tuple[Rule, ...]:
    """The rules that look at one village at a time: all but duplicate-invoice, which needs the township.

    `check` runs these in the worker that read the village, and duplicate-invoice once over everything."""
    return tuple(r for r in RULES if r is not duplicate_invoice)


def reviewer_conflicts(village: str, reviewers: Sequence[str], expenses: Sequence) -> list[Finding]:
    """reviewer-conflict (SPEC 13): a reviewer is the handler, approver or payee of a line of the month reviewed.
    `expenses` are the public lines (anything with seq, voucher, handler, approver, payee). One finding per
    reviewer and role, naming every line (序号) concerned."""
    names = {_norm_text(r): r for r in reviewers if _norm_text(r)}
    hits: dict[tuple[str, str], list] = {}
    for e in expenses:
        for attr, role in (("handler", "经手人"), ("approver", "审批人"), ("payee", "收款方")):
            who = _norm_text(getattr(e, attr))
            if who in names:
                hits.setdefault((names[who], role), []).append(e)
    return [make("reviewer-conflict", village=village, voucher=lines[0].voucher, name=name, role=role,
                 seqs="、".join(str(e.seq) for e in lines))
            for (name, role), lines in hits.items()]


# -- 收支公开 (SPEC 12.3): balances and money lines of one village -------------------------------------------------

_COLUMN_NAMES = {"cash": "库存现金", "bank": "银行存款"}


@dataclass(frozen=True)
class VillageMoney:
    """What the money rules of one village look at: its money lines, expenses and balances (12.1, 12.2)."""

    village: str
    lines: Sequence = ()  # MoneyLine
    expenses: Sequence[Expense] = ()
    balances: Sequence = ()  # Balance, from the ledgers (and the archive's, source "archive")
    #: (file, sheet, 1-based row, 余额) of every cash-journal row whose balance is below zero
    negative_rows: Sequence[tuple[str, str | None, int, Decimal]] = ()
    #: column → the closing balance published for the previous month (from the archive, passed in)
    previous_closing: Mapping[str, Decimal] = field(default_factory=dict)
    #: debits and credits on 101 and 102 from its journals and its 科目余额表 (Movement, 账表相符)
    movements: Sequence = ()

    @cached_property
    def funds(self):
        """The money table of the village's ledgers (public.funds_of), worked out once for every rule."""
        return funds_of(self.lines, self.expenses, self.balances)

    @property
    def has_flows(self) -> bool:
        """Income or other flows (transfers and accrued income count too): a 收支 village."""
        return bool(self.lines)


MoneyRule = Callable[[VillageMoney, Config], Iterable[Finding]]


def _balance_place(b, closing: bool) -> dict:
    return {"file": b.file, "sheet": b.sheet, "row": b.closing_row if closing else b.opening_row}


def balance_mismatch(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """opening + in − out ≠ closing; two sources disagree; opening ≠ last month's published closing (12.3)."""
    ledger = [b for b in money.balances if b.source != "archive"]
    if not ledger and not money.previous_closing:
        return []
    out: list[Finding] = []
    v = money.village
    for column, label in _COLUMN_NAMES.items():
        mine = [b for b in ledger if b.column == column]
        for attr, what in (("opening", "上月结余"), ("closing", "本月结余")):
            given = [b for b in mine if getattr(b, attr) is not None]
            for other in given[1:]:
                first = given[0]
                if getattr(other, attr) != getattr(first, attr):
                    out.append(make("balance-mismatch", village=v, **_balance_place(other, attr == "closing"),
                                    what=f"{label}{what}（{_where(other.file or '', other.sheet)}）",
                                    stated=display(getattr(other, attr)),
                                    other=f"{_where(first.file or '', first.sheet)}的",
                                    computed=display(getattr(first, attr)),
                                    diff=display(getattr(other, attr) - getattr(first, attr))))
        opening, _ = pick_balances(mine)[column]
        previous = money.previous_closing.get(column)
        if opening is not None and previous is not None and opening != previous:
            first = next(b for b in mine if b.opening is not None)
            out.append(make("balance-mismatch", village=v, **_balance_place(first, False),
                            what=f"{label}上月结余", stated=display(opening), other="上月公开的本月结余",
                            computed=display(previous), diff=display(opening - previous)))
    funds = money.funds if len(ledger) == len(money.balances) else funds_of(money.lines, money.expenses, ledger)
    picked = pick_balances(ledger)
    for column, label in _COLUMN_NAMES.items():
        opening, closing = picked[column]
        if opening is None:
            opening = money.previous_closing.get(column)
        if opening is None or closing is None:
            continue
        computed = opening + funds.column(column).moved
        if computed != closing:
            place = next((b for b in ledger if b.column == column and b.closing is not None), None)
            out.append(make("balance-mismatch", village=v, **(_balance_place(place, True) if place else {}),
                            what=f"{label}本月结余", stated=display(closing),
                            other="按上月结余加减本月各笔收付算得的", computed=display(computed),
                            diff=display(closing - computed)))
    return out


_ACCOUNT_NAMES = {"cash": "库存现金（101）", "bank": "银行存款（102）"}


def journal_matches_trial_balance(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """账表相符 (12.2): where a village has a journal and a 科目余额表, the journal's total debits and credits on 101
    and on 102 equal the table's 本期发生 for them — else the export left vouchers out (balance-mismatch)."""
    journal = [m for m in money.movements if m.source == "journal"]
    tables = [m for m in money.movements if m.source == "trial-balance"]
    if not journal or not tables:
        return []
    out = []
    for table in tables:
        mine = [m for m in journal if m.column == table.column]
        for attr, side in (("debit", "借方"), ("credit", "贷方")):
            booked = sum((getattr(m, attr) for m in mine), Decimal("0.00"))
            stated = getattr(table, attr)
            if booked == stated:
                continue
            where = "、".join(dict.fromkeys(_where(m.file or "", m.sheet) for m in mine))
            out.append(make("balance-mismatch", village=money.village, file=table.file, sheet=table.sheet,
                            row=table.row, column=getattr(table, f"{attr}_column"),
                            what=f"序时账（{where}）{_ACCOUNT_NAMES[table.column]}{side}合计",
                            stated=display(booked), other=f"{_where(table.file or '', table.sheet)}的本期发生{side}",
                            computed=display(stated), diff=display(booked - stated)))
    return out


def negative_cash(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """The cash balance below zero at the month's end, or on any row of a cash journal (12.3)."""
    out = [make("negative-cash", village=money.village, file=file, sheet=sheet, row=row, amount=display(amount))
           for file, sheet, row, amount in money.negative_rows]
    if not out and (money.balances or money.lines):
        closing = money.funds.cash.closing
        if closing is not None and closing < 0:
            out.append(make("negative-cash", village=money.village, amount=display(closing)))
    return out


def cash_on_hand_over_limit(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """Cash at the month's end above `[rules] cash_on_hand_limit` (库存现金限额, default 5000)."""
    if not money.balances:
        return []
    closing = money.funds.cash.closing
    limit = config.rules.cash_on_hand_limit
    if closing is None or closing <= limit:
        return []
    place = next((b for b in money.balances if b.column == "cash" and b.closing is not None), None)
    return [make("cash-on-hand-over-limit", village=money.village, **(_balance_place(place, True) if place else {}),
                 amount=display(closing), limit=display(limit))]


def missing_balance(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """A village with income or other flows and no opening, or no closing, balance from any source (12.3)."""
    if not money.has_flows:
        return []
    has_opening = any(b.opening is not None for b in money.balances) or bool(money.previous_closing)
    has_closing = any(b.closing is not None for b in money.balances)
    missing = [what for ok, what in ((has_opening, "上月结余（期初余额）"), (has_closing, "本月结余（期末余额）"))
               if not ok]
    if not missing:
        return []
    return [make("missing-balance", village=money.village, what="和".join(missing))]


def unclassified_flow(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """A money line whose account has no type, or money in with no account (12.1, 12.2)."""
    out = []
    for line in money.lines:
        if line.kind not in ("other-in", "other-out") or line.flow_type not in ("", "其他"):
            continue
        if line.category:
            what = f"科目「{excerpt(line.category)}」"
        else:
            what = "这笔收款没有对方科目" if line.kind == "other-in" else "这笔付款没有对方科目"
        column = line.column_of("category") or line.column_of("account_code") or line.column_of("account_name")
        out.append(make("unclassified-flow", village=money.village, file=line.file, sheet=line.sheet, row=line.row,
                        column=column, voucher=line.voucher, what=what))
    return out


MONEY_RULES: tuple[MoneyRule, ...] = (
    balance_mismatch,
    journal_matches_trial_balance,
    negative_cash,
    cash_on_hand_over_limit,
    missing_balance,
    unclassified_flow,
)


def apply_money_rules(money: VillageMoney, config: Config) -> list[Finding]:
    """Every rule of `MONEY_RULES` over one village's money lines and balances."""
    findings: list[Finding] = []
    for rule in MONEY_RULES:
        findings.extend(rule(money, config))
    return findings


#: other payments are checked as expenses; income and other receipts as income (SPEC 12.3)
PAYMENT_RULES: tuple[Rule, ...] = (cash_over_limit, needs_resolution, possible_split, missing_approval,
                                   no_attachments)
RECEIPT_RULES: tuple[Rule, ...] = (duplicate_row, vague_summary, missing_payee)


def _as_expense(line) -> Expense:
    """A money line in the shape the expense rules read (its payer stands where an expense's payee does)."""
    return Expense(village=line.village, file=line.file, sheet=line.sheet, row=line.row, date=line.date,
                   voucher=line.voucher, summary=line.summary, amount=line.amount, category=line.category,
                   payee=line.payer, handler=line.handler, reviewer=line.reviewer, approver=line.approver,
                   invoice=line.invoice, attachments=line.attachments, method=line.method, remarks=line.remarks,
                   account_code=line.account_code, layout=JOURNAL if line.layout == JOURNAL else "expense-list",
                   columns=line.columns)


def line_rules(lines: Sequence, config: Config, context: RuleContext) -> list[Finding]:
    """The expense rules over a village's money lines (SPEC 12.3): other payments (其他付款) as expenses —
    cash-over-limit, needs-resolution, possible-split, missing-approval, no-attachments — and income and other
    receipts as income — duplicate-row, vague-summary, missing-payee (reading the payer). Transfers and accrued
    lines are not payments or receipts of money. An income line's invoice takes no part in duplicate-invoice."""
    payments = [_as_expense(ln) for ln in lines if ln.kind == "other-out" and ln.column]
    receipts = [_as_expense(ln) for ln in lines if ln.kind in ("income", "other-in")]
    findings: list[Finding] = []
    for group, rules in ((payments, PAYMENT_RULES), (receipts, RECEIPT_RULES)):
        if not group:
            continue
        own = RuleContext(period=context.period, chart=context.chart)  # a voucher index of its own
        for rule in rules:
            findings.extend(on_receipts(rule(group, config, own)) if group is receipts else rule(group, config, own))
    return findings

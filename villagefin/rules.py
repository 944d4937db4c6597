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
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from .chart import Chart
from .config import Config
from .findings import excerpt, make, sorted_findings
from .model import JOURNAL, Expense, Finding
from .vouchers import format_voucher, parse_voucher

ZERO = Decimal("0")

#: a remark that names a resolution (决议) of the villagers' meeting or the two committees
RESOLUTION_MARKERS: tuple[str, ...] = ("决议", "会议纪要", "会议决定", "会决定", "四议两公开")

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
    #: invoice number → its uses already published in OTHER periods (earlier revisions of the month excluded)
    published_invoices: Mapping[str, tuple[PublishedInvoice, ...]] = field(default_factory=dict)
    #: village → (voucher, file, sheet, row) of every voucher line of its journal sheets, expense or not
    journal_vouchers: Mapping[str, tuple[tuple[str, str, str | None, int], ...]] = field(default_factory=dict)


Rule = Callable[[Sequence[Expense], Config, RuleContext], Iterable[Finding]]


# -- shared helpers ------------------------------------------------------------------------------------------
def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


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


def _norm_invoice(text: str) -> str:
    """Matching form of an invoice number; "" for blanks and placeholders (无, /, 0)."""
    if not text:
        return ""
    if text.isascii() and text.isalnum():  # the common case, cheaply
        norm = text.upper()
    else:
        norm = _norm_text(str(text)).upper()
        if not _HAS_ALNUM.search(norm):
            return ""
    return norm if norm.strip("0") else ""


class _Vouchers:
    """Each expense's voucher key, with a bare number folded into the village's only series (SPEC 10)."""

    def __init__(self, expenses: Sequence[Expense], journal: Mapping[str, tuple] | None = None):
        raw = [parse_voucher(e.voucher) for e in expenses]
        series: dict[str, set[str]] = defaultdict(set)
        for e, key in zip(expenses, raw, strict=True):
            if key is not None:
                series[e.village].add(key[0])
        self.journal: dict[str, list[tuple[tuple, str, str, str | None, int]]] = {}
        for village, entries in (journal or {}).items():
            parsed = []
            for voucher, file, sheet, row in entries:
                key = parse_voucher(voucher)
                if key is None:
                    continue
                series[village].add(key[0])
                parsed.append((key, voucher, file, sheet, row))
            self.journal[village] = parsed
        # "" (a bare 12) means the village's only series when it has exactly one other
        self._fold = {v: next(iter(s - {""})) for v, s in series.items() if "" in s and len(s) == 2}
        self.keys: list[tuple] = [
            self.fold(e.village, key) if key is not None else ("?", _norm_text(e.voucher)) for e, key in zip(expenses, raw, strict=True)
        ]
        for village, parsed in self.journal.items():
            self.journal[village] = [(self.fold(village, k), *rest) for k, *rest in parsed]
        self._groups: dict[tuple, list[int]] | None = None

    def fold(self, village: str, key: tuple[str, int]) -> tuple[str, int]:
        if key[0] == "":
            series = self._fold.get(village)
            if series is not None:
                return (series, key[1])
        return key


# The voucher index is shared by several rules of one `apply_rules` call: a one-slot memo keyed on the
# identity of the sequence (it holds a reference, so the identity cannot be reused while cached).
_memo: tuple[object, object, _Vouchers] | None = None


def _voucher_index(expenses: Sequence[Expense], context: RuleContext) -> _Vouchers:
    global _memo
    memo = _memo
    if memo is not None and memo[0] is expenses and memo[1] is context.journal_vouchers:
        return memo[2]
    index = _Vouchers(expenses, context.journal_vouchers)
    _memo = (expenses, context.journal_vouchers, index)
    return index


def _voucher_groups(expenses: Sequence[Expense], index: _Vouchers) -> dict[tuple, list[int]]:
    """(village, file, sheet, voucher key) → indices of its expenses, in row order (computed once per index)."""
    if index._groups is not None:
        return index._groups
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (e, key) in enumerate(zip(expenses, index.keys, strict=True)):
        groups[(e.village, e.file, e.sheet, key)].append(i)
    for rows in groups.values():
        if len(rows) > 1:
            rows.sort(key=lambda i: expenses[i].row)
    index._groups = dict(groups)
    return index._groups


# -- errors ----------------------------------------------------------------------------------------------------
def duplicate_invoice(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One invoice number on two different vouchers: in this check (any village) or in a month published.

    A reversal that repeats the invoice of the voucher it reverses, with the opposite amount, is not a
    duplicate: such pairs cancel out before the remaining uses are compared.
    """
    index = _voucher_index(expenses, context)
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(expenses):
        if e.invoice:
            invoice = _norm_invoice(e.invoice)
            if invoice:
                rows_of[invoice].append(i)
    published: dict[str, list[PublishedInvoice]] = {}
    for number, items in context.published_invoices.items():
        norm = _norm_invoice(number)
        if norm in rows_of:
            published.setdefault(norm, []).extend(items)
    for invoice, rows_used in rows_of.items():
        past = published.get(invoice, ())
        if len(rows_used) < 2 and not past:
            continue
        vouchers: dict[tuple, list[int]] = defaultdict(list)
        for i in rows_used:
            vouchers[(expenses[i].village, index.keys[i])].append(i)
        if len(vouchers) + len(past) < 2:
            continue
        # each use: (amount, description, rows or None for a published use)
        entries: list[tuple[Decimal, str, list[int] | None]] = []
        for (village, _key), rows in vouchers.items():
            first = expenses[rows[0]]
            total = sum((expenses[i].amount for i in rows), ZERO)
            entries.append((total, f"{village} {first.voucher}（{_where(first.file, first.sheet)} 第 {first.row} 行）", rows))
        for p in past:
            entries.append((p.amount, f"{p.period} 已公开的 {p.village} {p.voucher}", None))
        remaining = _cancel_reversals(entries)
        if len(remaining) < 2 or all(rows is None for _, _, rows in remaining):
            continue
        for n, (_amount, _desc, rows) in enumerate(remaining):
            if rows is None:
                continue
            others = _others([desc for m, (_a, desc, _r) in enumerate(remaining) if m != n])
            for i in rows:
                e = expenses[i]
                yield make("duplicate-invoice", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                           column=e.column_of("invoice"), voucher=e.voucher,
                           invoice=excerpt(e.invoice, 30), other=others)


def _cancel_reversals(entries: list[tuple[Decimal, str, list[int] | None]]) -> list:
    """Drop each negative use together with one use of the opposite amount (a 红字冲销 and its original)."""
    positives: dict[Decimal, list[int]] = defaultdict(list)
    for n, (amount, _d, _r) in enumerate(entries):
        if amount > 0:
            positives[amount].append(n)
    dropped: set[int] = set()
    for n, (amount, _d, _r) in enumerate(entries):
        if amount < 0:
            match = positives.get(-amount)
            if match:
                dropped.add(match.pop(0))
                dropped.add(n)
    return [entry for n, entry in enumerate(entries) if n not in dropped]


def duplicate_voucher(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One voucher number of one village in two different files or sheets (a revised file beside the old)."""
    index = _voucher_index(expenses, context)
    # (village, key) → {(file, sheet)}: from the voucher groups (one per sheet) and the journals' vouchers
    places: dict[tuple, set[tuple]] = defaultdict(set)
    for village, file, sheet, key in _voucher_groups(expenses, index):
        if key[0] != "?":
            places[(village, key)].add((file, sheet))
    for village, entries in index.journal.items():
        for key, _voucher, file, sheet, _row in entries:
            places[(village, key)].add((file, sheet))
    clashes = {vk: where for vk, where in places.items() if len(where) > 1}
    if not clashes:
        return
    # every row involved, expense rows first: (village, key, file, sheet) → {row: finding arguments}
    rows: dict[tuple, dict[int, tuple[str, str | None]]] = defaultdict(dict)
    for (village, file, sheet, key), group in _voucher_groups(expenses, index).items():
        if (village, key) in clashes:
            for i in group:
                e = expenses[i]
                rows[(village, key, file, sheet)].setdefault(e.row, (e.voucher, e.column_of("voucher")))
    columns = _voucher_columns(expenses)
    for village, entries in index.journal.items():
        for key, voucher, file, sheet, row in entries:
            if (village, key) in clashes:
                rows[(village, key, file, sheet)].setdefault(row, (voucher, columns.get((file, sheet))))
    for (village, key, file, sheet), found in rows.items():
        others = _others([_where(f, s) for (f, s) in sorted(clashes[(village, key)], key=_place_key)
                          if (f, s) != (file, sheet)])
        for row, (voucher, column) in found.items():
            yield make("duplicate-voucher", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=voucher, other=others)


def _place_key(place: tuple[str, str | None]) -> tuple[str, str]:
    return (place[0], place[1] or "")


def _voucher_columns(expenses: Sequence[Expense]) -> dict[tuple[str, str | None], str | None]:
    columns: dict[tuple[str, str | None], str | None] = {}
    for e in expenses:
        where = (e.file, e.sheet)
        if where not in columns:
            columns[where] = e.column_of("voucher")
    return columns


# -- warnings --------------------------------------------------------------------------------------------------
def voucher_gap(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Voucher numbers that skip within the month (记-011 then 记-013), per village and series.

    All the village's vouchers count, whichever file or sheet holds them (a run split across two files is no
    gap), and in journals every voucher, expense or not. The finding is on the first row of the voucher after
    the gap. With period "any", each month of the dates is looked at separately.
    """
    index = _voucher_index(expenses, context)
    by_month = context.period == "any"
    # (village, month, series) → number → (file, sheet, row, voucher text, column)
    numbers: dict[tuple, dict[int, tuple]] = defaultdict(dict)

    def note(group: tuple, number: int, place: tuple) -> None:
        known = numbers[group].get(number)
        if known is None or place[:3] < known[:3]:
            numbers[group][number] = place

    months_of: dict[str, set[str]] = defaultdict(set)
    sheet_month: dict[tuple, str] = {}
    for e, key in zip(expenses, index.keys, strict=True):
        if key[0] == "?":
            continue
        month = e.date.strftime("%Y-%m") if by_month else ""
        months_of[e.village].add(month)
        sheet_month.setdefault((e.village, e.file, e.sheet, key), month)
        note((e.village, month, key[0]), key[1],
             (e.file, e.sheet or "", e.row, e.voucher, e.column_of("voucher"), e.sheet))
    columns = _voucher_columns(expenses)
    for village, entries in index.journal.items():
        for key, text, file, sheet, row in entries:
            if by_month:
                month = sheet_month.get((village, file, sheet, key))
                if month is None:
                    only = months_of.get(village, set())
                    if len(only) != 1:
                        continue
                    month = next(iter(only))
            else:
                month = ""
            note((village, month, key[0]), key[1], (file, sheet or "", row, text, columns.get((file, sheet)), sheet))
    for (village, _month, series), found in numbers.items():
        ordered = sorted(found)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before <= 1:
                continue
            file, _s, row, text, column, sheet = found[after]
            width = _width(text)
            missing = (
                "、".join(format_voucher(series, n, width) for n in range(before + 1, after))
                if after - before - 1 <= 3
                else f"{format_voucher(series, before + 1, width)} 至 {format_voucher(series, after - 1, width)}"
                f"（共 {after - before - 1} 张）"
            )
            yield make("voucher-gap", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=text, before=found[before][3], after=text, missing=missing)


def _width(voucher: str) -> int:
    digits = re.search(r"(\d+)\D*$", unicodedata.normalize("NFKC", voucher or ""))
    return len(digits.group(1)) if digits else 3


_ROW_FIELDS = attrgetter(
    "village", "date", "voucher", "summary", "amount", "category", "payee", "handler", "reviewer", "approver",
    "invoice", "attachments", "method", "remarks", "account_code",
)


def duplicate_row(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Two identical expense rows of one village: every field equal except where the row is."""
    same: dict[tuple, list[int]] = defaultdict(list)
    for i, e in enumerate(expenses):
        same[_ROW_FIELDS(e)].append(i)
    for rows in same.values():
        if len(rows) < 2:
            continue
        for i in rows:
            e = expenses[i]
            others = []
            for j in rows:
                if j == i:
                    continue
                o = expenses[j]
                others.append(str(o.row) if (o.file, o.sheet) == (e.file, e.sheet) else f"{o.row}（{_where(o.file, o.sheet)}）")
            yield make("duplicate-row", village=e.village, file=e.file, sheet=e.sheet, row=e.row, column=None,
                       voucher=e.voucher, other="、".join(others[:_MAX_OTHERS]) + ("等" if len(others) > _MAX_OTHERS else ""))


def missing_approval(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Handler, reviewer or approver blank; in a journal only for the columns the sheet has."""
    for e in expenses:
        if e.handler.strip() and e.reviewer.strip() and e.approver.strip():
            continue
        journal = e.layout == JOURNAL
        blank = [
            (name, label)
            for name, label in _APPROVAL_FIELDS
            if not getattr(e, name).strip() and (not journal or e.has_column(name))
        ]
        if not blank:
            continue
        column = next((e.column_of(name) for name, _ in blank if e.has_column(name)), None)
        yield make("missing-approval", village=e.village, file=e.file, sheet=e.sheet, row=e.row, column=column,
                   voucher=e.voucher, fields="、".join(label for _, label in blank))


def missing_payee(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Payee blank: always in the expense-list layout, in a journal only when it has a payee column."""
    for e in expenses:
        if not e.payee.strip() and (e.layout != JOURNAL or e.has_column("payee")):
            yield make("missing-payee", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                       column=e.column_of("payee"), voucher=e.voucher)


def no_attachments(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher whose attachments (the largest value on its rows) are blank or 0: once, on its first row."""
    for rows in _voucher_groups(expenses, _voucher_index(expenses, context)).values():
        first = expenses[rows[0]]
        if first.layout == JOURNAL and not any(expenses[i].has_column("attachments") for i in rows):
            continue
        declared = [expenses[i].attachments for i in rows if expenses[i].attachments is not None]
        if declared and max(declared) > 0:
            continue
        yield make("no-attachments", village=first.village, file=first.file, sheet=first.sheet, row=first.row,
                   column=first.column_of("attachments"), voucher=first.voucher)


def cash_over_limit(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher's cash payments (支付方式 contains 现金) together above `cash_limit`: once, on its first row."""
    limit = config.rules.cash_limit
    for rows in _voucher_groups(expenses, _voucher_index(expenses, context)).values():
        cash = [i for i in rows if "现金" in expenses[i].method]
        if not cash:
            continue
        total = sum((expenses[i].amount for i in cash), ZERO)
        if total > limit:
            first = expenses[rows[0]]
            yield make("cash-over-limit", village=first.village, file=first.file, sheet=first.sheet, row=first.row,
                       column=first.column_of("method") or first.column_of("amount"), voucher=first.voucher,
                       amount=_money(total), limit=_money(limit))


def has_resolution(text: str) -> bool:
    """Whether a remark names a resolution: 决议, 会议纪要, 会议决定, 四议两公开."""
    return any(marker in text for marker in RESOLUTION_MARKERS)


def needs_resolution(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A voucher whose total is above `resolution_threshold` and no row's 备注 names a 决议: on its first row."""
    limit = config.rules.resolution_threshold
    for rows in _voucher_groups(expenses, _voucher_index(expenses, context)).values():
        total = sum((expenses[i].amount for i in rows), ZERO)
        if total <= limit or any(has_resolution(expenses[i].remarks) for i in rows):
            continue
        first = expenses[rows[0]]
        yield make("needs-resolution", village=first.village, file=first.file, sheet=first.sheet, row=first.row,
                   column=first.column_of("remarks") or first.column_of("amount"), voucher=first.voucher,
                   amount=_money(total), limit=_money(limit))


def possible_split(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One payee paid by several vouchers within `split_window_days`, each at most the threshold, together
    above it (a payment split to avoid a resolution). One finding per row involved."""
    limit = config.rules.resolution_threshold
    window = dt.timedelta(days=config.rules.split_window_days)
    # (village, payee) → voucher → [rows]
    by_payee: dict[tuple[str, str], dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for group, rows in _voucher_groups(expenses, _voucher_index(expenses, context)).items():
        total = sum((expenses[i].amount for i in rows), ZERO)
        if total <= 0 or total > limit:
            continue  # above the threshold on its own: needs-resolution's business
        for i in rows:
            payee = _norm_text(expenses[i].payee)
            if payee:
                by_payee[(group[0], payee)][group].append(i)
    for vouchers in by_payee.values():
        if len(vouchers) < 2:
            continue
        items = sorted(
            (min(expenses[i].date for i in rows), sum((expenses[i].amount for i in rows), ZERO), rows)
            for rows in vouchers.values()
        )
        involved = [False] * len(items)
        start, running, marked = 0, ZERO, 0
        for end, (date, amount, _rows) in enumerate(items):
            running += amount
            while date - items[start][0] > window:
                running -= items[start][1]
                start += 1
            if running > limit and end > start:
                for k in range(max(start, marked), end + 1):
                    involved[k] = True
                marked = end + 1
        yield from _split_findings(expenses, items, involved, window, limit)


def _split_findings(expenses, items, involved, window, limit) -> Iterable[Finding]:
    cluster: list[int] = []
    for k in range(len(items) + 1):
        if k < len(items) and involved[k] and (not cluster or items[k][0] - items[cluster[-1]][0] <= window):
            cluster.append(k)
            continue
        if len(cluster) >= 2:
            total = sum((items[c][1] for c in cluster), ZERO)
            days = max((items[cluster[-1]][0] - items[cluster[0]][0]).days, 1)
            for c in cluster:
                for i in items[c][2]:
                    e = expenses[i]
                    yield make("possible-split", village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                               column=e.column_of("payee"), voucher=e.voucher, payee=excerpt(e.payee),
                               days=days, count=len(cluster), amount=_money(total), limit=_money(limit))
        cluster = [k] if k < len(items) and involved[k] else []


def vague_summary(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A summary that is one of `vague_terms` or shorter than `min_summary_chars` characters."""
    terms = {_norm_text(t) for t in config.rules.vague_terms}
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
                       column=e.column_of("amount"), voucher=e.voucher, amount=_money(e.amount))


def unknown_category(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """A category that is neither a code nor a name (at any level) of the chart in use or `[chart] extra`."""
    chart = context.chart
    for e in expenses:
        if e.category and e.category.strip() and chart.lookup(e.category) is None:
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
    global _memo
    findings: list[Finding] = []
    try:
        for rule in RULES:
            findings.extend(rule(expenses, config, context))
    finally:
        _memo = None
    return list(sorted_findings(findings))

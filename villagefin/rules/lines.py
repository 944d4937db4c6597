"""The rules that look at each expense row or voucher (SPEC 4): duplicate-row, missing-approval, missing-payee,
no-attachments, cash-over-limit, needs-resolution, possible-split, vague-summary, negative-amount, unknown-category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import attrgetter

from ..config import Config
from ..findings import excerpt, make
from ..model import JOURNAL, Expense, Finding, has_resolution
from ..money import display
from .context import (
    _APPROVAL_FIELDS,
    _MAX_OTHERS,
    _TRAILING,
    ZERO,
    RuleContext,
    _index,
    _norm_text,
    _sorted_rows,
    _where,
)

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

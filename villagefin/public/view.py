"""The public view of a village-month (SPEC 5, 12.4), built in one function: `build_village_view`.

It is built from checked records in a check worker (`view_from_records`, what `PublicDocuments` writes as
expenses.json) or from an archived revision (`view_from_document`, with its receipts, queries and review):
text masked (SPEC 5.6), totals and 大写 computed, categories grouped, the fingerprint set. Renderers take the
view and never touch raw records, so privacy and escaping are decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..model import BANK, CASH, CheckedVillage, Period
from ..money import ZERO, capitals
from ..privacy import mask
from ..vouchers import parse_voucher
from .document import VillageDocument, document_of, expenses_from_json, money_from_json, parse
from .funds import funds_of, with_carried_opening
from .records import (
    IN,
    OUT,
    TRANSFER_TYPE,
    CategoryTotal,
    Correction,
    PublicExpense,
    PublicFlow,
    PublicIncome,
    PublicQuery,
    PublicReview,
    Receipt,
    Township,
    VillageView,
    annex_key,
)


def township_of(config) -> Township:
    t = config.township
    return Township(name=t.name, county=t.county, supervision_phone=t.supervision_phone,
                    portal_url=t.portal_url.rstrip("/"))


def _order_key(e) -> tuple:
    parsed = parse_voucher(e.voucher)
    return (e.date, parsed[0] if parsed else e.voucher, parsed[1] if parsed else 0, e.voucher, e.file,
            e.sheet or "", e.row)


def public_expenses(expenses: Sequence, chart, receipts: Mapping[str, tuple[Receipt, ...]] | None = None
                    ) -> tuple[PublicExpense, ...]:
    """Ledger records → what is published: ordered by date and voucher, numbered, text masked (SPEC 5.6).

    The invoice field is published in full; every other text goes through `privacy.mask`, the category's group
    too (an unknown category is its own group, SPEC 18)."""
    out = []
    receipts = receipts or {}
    for seq, e in enumerate(sorted(expenses, key=_order_key), start=1):
        out.append(PublicExpense(
            seq=seq, date=e.date, voucher=mask(e.voucher), summary=mask(e.summary),
            category=mask(e.category), group=mask(chart.group_of(e.category)) if e.category else "未分类",
            payee=mask(e.payee), amount=e.amount, method=mask(e.method), handler=mask(e.handler),
            reviewer=mask(e.reviewer), approver=mask(e.approver), attachments=e.attachments,
            invoice=e.invoice, remarks=mask(e.remarks), receipts=receipts.get(e.voucher, ()),
        ))
    return tuple(out)


def categories_of(expenses: Sequence[PublicExpense]) -> tuple[CategoryTotal, ...]:
    acc: dict[str, list] = {}
    for e in expenses:
        slot = acc.setdefault(e.group, [0, ZERO])
        slot[0] += 1
        slot[1] += e.amount
    ordered = sorted(acc.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return tuple(CategoryTotal(name, n, total) for name, (n, total) in ordered)


def build_village_view(
    expenses: Sequence[PublicExpense],
    *,
    township: Township,
    village_id: str,
    village_name: str,
    year: int,
    month: int,
    publication_date: dt.date,
    ytd_before: Decimal = ZERO,
    ytd_from_month: int | None = None,
    ytd_income_before: Decimal = ZERO,
    receipts: Mapping[str, tuple[Receipt, ...]] | None = None,
    carried: Mapping[str, Decimal] | None = None,
    fingerprint: str = "",
    **extra,
) -> VillageView:
    """A village's month from its public expenses: the one place a `VillageView` is made.

    `ytd_before` is what earlier months of the year published (`ytd_income_before` the same for income);
    `receipts` the published scans of each voucher; `carried` the previous month's published closing balances,
    shown as the opening where no ledger gave one (SPEC 12.2: not part of the fingerprint). `extra` may carry
    the other fields of the view: income, flows and funds (a 收支 village), revision, corrections, links, ….
    """
    if receipts:
        expenses = [replace(e, receipts=receipts.get(e.voucher, ())) for e in expenses]
    total = sum((e.amount for e in expenses), ZERO)
    if extra.get("funds") is not None:
        extra["ytd_income"] = ytd_income_before + sum((i.amount for i in extra.get("income", ())), ZERO)
        if carried:
            extra["funds"] = with_carried_opening(extra["funds"], carried)
    return VillageView(
        township=township, village_id=village_id, village_name=village_name, year=year, month=month,
        publication_date=publication_date, expenses=tuple(expenses), total=total,
        total_capitals=capitals(total), categories=categories_of(expenses),
        ytd_total=ytd_before + total, ytd_from_month=ytd_from_month or month, fingerprint=fingerprint, **extra,
    )


def public_income(lines: Sequence) -> tuple[PublicIncome, ...]:
    """Income money lines → 二、收入明细: ordered by date and voucher, numbered 收1…, text masked (SPEC 5.6)."""
    income = sorted((ln for ln in lines if ln.kind == "income"), key=_order_key)
    return tuple(PublicIncome(
        seq=f"收{n}", date=ln.date, voucher=mask(ln.voucher), summary=mask(ln.summary), category=mask(ln.category),
        payer=mask(ln.payer), amount=ln.amount, method=mask(ln.method), handler=mask(ln.handler),
        reviewer=mask(ln.reviewer), approver=mask(ln.approver), attachments=ln.attachments,
    ) for n, ln in enumerate(income, start=1))


_COLUMN_TEXT = {CASH: "现金", BANK: "银行"}


def public_flows(lines: Sequence) -> tuple[PublicFlow, ...]:
    """Other money in and out, and transfers → 四、其他收付, numbered 其1…, text masked."""
    flows = sorted((ln for ln in lines if ln.kind in ("other-in", "other-out", "transfer")), key=_order_key)
    out = []
    for n, ln in enumerate(flows, start=1):
        if ln.kind == "transfer":
            kind, direction = TRANSFER_TYPE, IN if ln.column == CASH else OUT
            method = f"{_COLUMN_TEXT.get(ln.source, '')}→{_COLUMN_TEXT.get(ln.column, '')}"
        else:
            kind, direction = ln.flow_type or "其他", IN if ln.kind == "other-in" else OUT
            method = mask(ln.method)
        out.append(PublicFlow(seq=f"其{n}", date=ln.date, voucher=mask(ln.voucher), summary=mask(ln.summary),
                              type=kind, direction=direction, amount=ln.amount, method=method))
    return tuple(out)


def public_money(lines: Sequence, expenses: Sequence, balances: Sequence) -> dict:
    """The keyword arguments `build_village_view` takes for a 收支 village (none for one with expenses only)."""
    if not lines and not balances:
        return {}
    return {"income": public_income(lines), "flows": public_flows(lines), "funds": funds_of(lines, expenses,
                                                                                             balances)}


# ---- from checked records (a check worker) -------------------------------------------------------------------


def view_from_records(village: CheckedVillage, *, township: Township, period: Period) -> VillageView:
    """The view of a village's month from the records its check gave (SPEC 5.5, 5.6; 12.4 for a 收支 village)."""
    return build_village_view(
        public_expenses(village.expenses, village.chart), township=township, village_id=village.village,
        village_name=village.name, year=period.year, month=period.month, publication_date=dt.date(period.year, period.month, 1),
        **public_money(village.lines, village.expenses, village.balances))


@dataclass(frozen=True)
class PublicDocuments:
    """`run_check`'s `on_village` callback for publish, review and status: each village's expenses.json is
    written in the worker that checked it (picklable: it travels to the workers once)."""

    township: Township
    period: Period

    def __call__(self, village: CheckedVillage) -> VillageDocument:
        return document_of(view_from_records(village, township=self.township, period=self.period))


# ---- from an archived revision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """Everything a revision of a village-month shows besides its expenses.json: small, so that a process
    that renders a county never holds its expense records (the workers build each view from the bytes)."""

    village_id: str
    village_name: str
    publication_date: dt.date
    ytd_before: Decimal
    ytd_from_month: int | None
    revision: int
    corrections: tuple[Correction, ...]
    preview: bool
    receipts_published: bool
    fingerprint: str
    count: int
    total: Decimal
    prev_period: str | None = None  # the village's nearest published months, for the page's links
    next_period: str | None = None
    queries: tuple[PublicQuery, ...] = ()  # SPEC 14: the month's queries, masked
    review: PublicReview | None = None  # SPEC 13: the recorded approval of this revision's data
    reply_days: int = 10
    #: a 收支 village's income and 月末结余 (SPEC 12.4), for the township page and summary sheet
    income: Decimal | None = None
    closing: Decimal | None = None
    #: income published earlier in the year (本年累计收入), and the previous month's published closing
    #: balances (column, amount), shown as the opening where no ledger gives one (not in the fingerprint)
    ytd_income_before: Decimal = ZERO
    carried: tuple[tuple[str, Decimal], ...] = ()

    @property
    def annex_key(self) -> str:
        return annex_key(self.queries, self.review)


def view_from_document(edition: Edition, data: bytes, *, township: Township, period: Period,
                       receipts: Callable[[Sequence[str]], Mapping[str, tuple[Receipt, ...]]] | None = None
                       ) -> VillageView:
    """The view of a revision from its expenses.json bytes; `receipts` gives the published scans of the
    document's vouchers (the caller looks in the village's receipts folder)."""
    doc = parse(data)
    items = expenses_from_json(doc)
    e = edition
    return build_village_view(
        items, township=township, village_id=e.village_id, village_name=e.village_name, year=period.year,
        month=period.month, publication_date=e.publication_date, ytd_before=e.ytd_before,
        ytd_from_month=e.ytd_from_month, ytd_income_before=e.ytd_income_before,
        receipts=receipts([x.voucher for x in items]) if receipts is not None else None,
        carried=dict(e.carried), fingerprint=e.fingerprint, revision=e.revision, corrections=e.corrections,
        preview=e.preview, receipts_published=e.receipts_published, prev_period=e.prev_period,
        next_period=e.next_period, queries=e.queries, review=e.review, reply_days=e.reply_days,
        **money_from_json(doc))

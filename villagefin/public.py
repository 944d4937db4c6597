"""The public view of a month (SPEC 5): what every renderer sees, and nothing else.

Ledger records become `VillageView`s here, once: text masked (SPEC 5.6), totals and 大写 computed,
categories grouped, the data fingerprint set. Renderers (PDF, pages, open data) take these views and
never touch raw records, so privacy and escaping are decided in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from .model import ACCRUED_METHOD, BANK, CASH, Period, VillageStatus
from .money import ZERO, capitals, plain
from .privacy import mask
from .vouchers import parse_voucher


@dataclass(frozen=True, slots=True)
class Township:
    name: str
    county: str
    supervision_phone: str
    portal_url: str  # no trailing slash


@dataclass(frozen=True, slots=True)
class Receipt:
    """One published receipt scan; paths relative to the village folder (e.g. "receipts/记-012-1.jpg")."""

    image: str
    thumbnail: str


@dataclass(frozen=True, slots=True)
class PublicExpense:
    seq: int  # 序号, 1-based in publication order
    date: dt.date
    voucher: str
    summary: str  # masked
    category: str  # as the ledger names it (masked), e.g. "办公费" or "管理费用_办公费"
    group: str  # plain-language group for the category breakdown, e.g. "管理费用"
    payee: str  # masked
    amount: Decimal
    method: str
    handler: str  # masked
    reviewer: str  # masked
    approver: str  # masked
    attachments: int | None
    invoice: str  # published in full
    remarks: str  # masked
    receipts: tuple[Receipt, ...] = ()


@dataclass(frozen=True, slots=True)
class CategoryTotal:
    name: str
    count: int
    total: Decimal


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction notice (更正说明) of one revision."""

    revision: int
    reason: str
    added: tuple[str, ...]  # voucher numbers
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    date: dt.date  # publication date of that revision


#: direction of a line of 四、其他收付 (SPEC 12.4: 收/付); a 内部转账 is 收 or 付 from the cash column's point of
#: view (提现 into cash 收, 存现 out of it 付; bank to bank 付) and counts in neither total. MOVED: what months
#: published before 2026-12-04 wrote for a transfer (read back as it is).
IN = "收"
OUT = "付"
MOVED = "转"
TRANSFER_TYPE = "内部转账"


@dataclass(frozen=True, slots=True)
class PublicIncome:
    """One line of 二、收入明细 (SPEC 12.4); text masked."""

    seq: str  # 收1, 收2, …
    date: dt.date
    voucher: str
    summary: str
    category: str
    payer: str
    amount: Decimal
    method: str
    handler: str
    reviewer: str
    approver: str
    attachments: int | None


@dataclass(frozen=True, slots=True)
class PublicFlow:
    """One line of 四、其他收付: other money in (收) or out (付), or a transfer (type 内部转账, 收 into cash or 付)."""

    seq: str  # 其1, 其2, …
    date: dt.date
    voucher: str
    summary: str
    type: str
    direction: str
    amount: Decimal
    method: str


@dataclass(frozen=True, slots=True)
class PublicQuery:
    """A villager's query as published (SPEC 14): masked text, never the asker."""

    number: str  # "Q2026-003"
    received: dt.date
    channel: str
    revision: int  # the revision whose line it concerns
    item: str  # that revision's 序号
    voucher: str  # masked
    summary: str  # masked
    question: str  # masked
    answer: str  # masked; "" while unanswered
    answer_date: dt.date | None
    deadline: dt.date

    @property
    def line(self) -> str:
        """The line it concerns: 「第2版 序号12 凭证 记-012 摘要」 (a later correction does not move it)."""
        return f"第{self.revision}版 序号{self.item} 凭证 {self.voucher} {self.summary}".strip()


@dataclass(frozen=True, slots=True)
class PublicReview:
    """A recorded approval as the 村务监督委员会意见 box shows it (SPEC 13): masked opinion and names."""

    opinion: str
    reviewers: tuple[str, ...]
    date: dt.date

    @property
    def text(self) -> str:
        return f"审核意见：{self.opinion}。审核人：{'、'.join(self.reviewers)} {self.date.isoformat()}"


def ask_line(phone: str, reply_days: int) -> str:
    """How to ask about a line (SPEC 14), on every sheet and village page."""
    return (f"对任一笔收支有疑问，请拨打监督电话{phone}或投意见箱，说明村名、月份和序号；"
            f"{reply_days}日内答复并公开。")


def public_query(*, number: str, received: dt.date, channel: str, revision: int, item: str, voucher: str,
                 summary: str, question: str, answer: str, answer_date: dt.date | None,
                 reply_days: int) -> PublicQuery:
    """A query as published: every text masked (SPEC 5.6, 18); the asker is not even an argument."""
    return PublicQuery(
        number=number, received=received, channel=mask(channel), revision=revision, item=mask(item),
        voucher=mask(voucher), summary=mask(summary), question=mask(question), answer=mask(answer),
        answer_date=answer_date if answer else None, deadline=received + dt.timedelta(days=reply_days))


def public_review(*, opinion: str, reviewers: Sequence[str], date: dt.date) -> PublicReview:
    return PublicReview(opinion=mask(opinion), reviewers=tuple(mask(r) for r in reviewers), date=date)


def annex_key(queries: Sequence[PublicQuery], review: PublicReview | None) -> str:
    """A month's queries and approval as published, hashed: stored in the manifest as `annex_key`, so that a
    query added or answered, or an approval recorded, redraws that village's pages (no new revision)."""
    if not queries and review is None:
        return ""
    return hashlib.sha256(repr((tuple(queries), review)).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class VillageView:
    township: Township
    village_id: str  # ASCII slug used in paths
    village_name: str
    year: int
    month: int
    publication_date: dt.date
    expenses: tuple[PublicExpense, ...]
    total: Decimal
    total_capitals: str  # 人民币大写 of total
    categories: tuple[CategoryTotal, ...]  # by group, largest first
    ytd_total: Decimal  # 本年累计, including this month
    ytd_from_month: int  # first month counted (1 when the archive has the whole year)
    fingerprint: str  # first 16 hex of sha256 of expenses.json bytes ("" until set)
    revision: int = 1
    corrections: tuple[Correction, ...] = ()  # newest first
    preview: bool = False
    receipts_published: bool = True  # False: receipts can be inspected at the village office
    prev_period: str | None = None  # "2026-09" when that month was published, for links
    next_period: str | None = None
    queries: tuple[PublicQuery, ...] = ()  # 村民质询与答复 about this month (SPEC 14)
    review: PublicReview | None = None  # the committee's recorded approval of these data (SPEC 13)
    reply_days: int = 10
    #: 收支 villages (SPEC 12.4): income (收1…), other flows and transfers (其1…), the money table; None = a
    #: village with expenses only, published as before section 12
    income: tuple[PublicIncome, ...] = ()
    flows: tuple[PublicFlow, ...] = ()
    funds: Funds | None = None
    ytd_income: Decimal = ZERO  # 本年累计收入, including this month

    @property
    def period(self) -> str:
        return Period(self.year, self.month).key

    @property
    def ask_line(self) -> str:
        return ask_line(self.township.supervision_phone, self.reply_days)

    @property
    def count(self) -> int:
        return len(self.expenses)

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def period_end(self) -> dt.date:
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def page_url(self) -> str:
        """Absolute URL of this village's page, for the QR code on the sheet."""
        return f"{self.township.portal_url.rstrip('/')}/{self.period}/{self.village_id}/"

    @property
    def title(self) -> str:
        if self.is_money:
            return f"{self.village_name}{self.year}年{self.month}月财务收支明细公开表"
        return f"{self.village_name}{self.year}年{self.month}月财务支出明细公开表"

    @property
    def is_money(self) -> bool:
        """A 收支 village: it has income, other flows or balances (SPEC 12.4)."""
        return self.funds is not None

    @property
    def income_total(self) -> Decimal:
        return sum((i.amount for i in self.income), ZERO)

    @property
    def income_capitals(self) -> str:
        return capitals(self.income_total)

    @property
    def flows_in_total(self) -> Decimal:
        """其他收款 of 四、其他收付 (transfers are not in it: they are 0 in 资金概况's 合计)."""
        return sum((f.amount for f in self.flows if f.direction == IN and f.type != TRANSFER_TYPE), ZERO)

    @property
    def flows_out_total(self) -> Decimal:
        return sum((f.amount for f in self.flows if f.direction == OUT and f.type != TRANSFER_TYPE), ZERO)

    @property
    def closing_total(self) -> Decimal | None:
        """本月结余 of cash and bank together; None when either is unknown (or not a 收支 village)."""
        if self.funds is None or self.funds.cash.closing is None or self.funds.bank.closing is None:
            return None
        return self.funds.cash.closing + self.funds.bank.closing


@dataclass(frozen=True, slots=True)
class VillageRow:
    """One line of the township page and summary sheet."""

    village_id: str
    village_name: str
    status: VillageStatus
    count: int | None  # None where nothing is published
    total: Decimal | None
    publication_date: dt.date | None
    revision: int | None = None
    #: a 收支 village's income and 月末结余 (cash + bank); None otherwise or when unknown
    income: Decimal | None = None
    closing: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TownshipView:
    township: Township
    year: int
    month: int
    publication_date: dt.date
    villages: tuple[VillageRow, ...]
    total: Decimal  # of the published villages
    total_capitals: str
    preview: bool = False

    @property
    def period(self) -> str:
        return Period(self.year, self.month).key

    @property
    def has_money(self) -> bool:
        """Some village of the month is a 收支 village (SPEC 12.4)."""
        return any(v.income is not None for v in self.villages)

    @property
    def income_total(self) -> Decimal:
        return sum((v.income for v in self.villages if v.income is not None), ZERO)

    @property
    def closing_total(self) -> Decimal | None:
        """The villages' 月末结余 added up; None when no village gave one (shown as "—", never as 0.00)."""
        known = [v.closing for v in self.villages if v.closing is not None]
        return sum(known, ZERO) if known else None


# ---- building views ----------------------------------------------------------------------------------------


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


def content_hash(e: PublicExpense) -> str:
    """sha256 of one published expense's content (not its number in the list): what the archive keeps."""
    record = (e.date.isoformat(), e.voucher, e.summary, e.category, e.payee, str(e.amount), e.method, e.handler,
              e.reviewer, e.approver, str(e.attachments), e.invoice, e.remarks)
    return hashlib.sha256("\x1f".join(record).encode("utf-8")).hexdigest()


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
    **extra,
) -> VillageView:
    """A village's month from its public expenses; `ytd_before` is what earlier months of the year published
    (`ytd_income_before` the same for income). `extra` may carry income, flows and funds (a 收支 village)."""
    total = sum((e.amount for e in expenses), ZERO)
    if extra.get("funds") is not None:
        extra["ytd_income"] = ytd_income_before + sum((i.amount for i in extra.get("income", ())), ZERO)
    return VillageView(
        township=township, village_id=village_id, village_name=village_name, year=year, month=month,
        publication_date=publication_date, expenses=tuple(expenses), total=total,
        total_capitals=capitals(total), categories=categories_of(expenses),
        ytd_total=ytd_before + total, ytd_from_month=ytd_from_month or month, fingerprint="", **extra,
    )


# ---- expenses.json: written, read back and fingerprinted here only ------------------------------------------
# It is a function of the village's expense records only. Nothing that changes with settings alone
# (publication date, revision, fingerprint, phone number, paper) goes in: "unchanged data" is defined as a
# byte-identical expenses.json (SPEC 5.1), and the data fingerprint is the sha256 of its bytes.
def _expense_record(e: PublicExpense) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "date": e.date.isoformat(),
        "voucher": e.voucher,
        "summary": e.summary,
        "category": e.category,
        "group": e.group,
        "payee": e.payee,
        "amount": plain(e.amount),
        "method": e.method,
        "handler": e.handler,
        "reviewer": e.reviewer,
        "approver": e.approver,
        "attachments": e.attachments,
        "invoice": e.invoice,
        "remarks": e.remarks,
    }


def expenses_json(view: VillageView) -> bytes:
    """The village's expenses.json: UTF-8, Chinese as itself, keys sorted, amounts as plain strings."""
    doc = {
        "village": {"id": view.village_id, "name": view.village_name},
        "period": view.period,
        "count": view.count,
        "total": plain(view.total),
        "categories": [{"name": c.name, "count": c.count, "total": plain(c.total)} for c in view.categories],
        "expenses": [_expense_record(e) for e in view.expenses],
    }
    if view.funds is not None:  # a 收支 village (SPEC 12.4); a village with expenses only is as before
        doc["income"] = [_income_record(i) for i in view.income]
        doc["flows"] = [_flow_record(f) for f in view.flows]
        doc["balances"] = balances_record(view.funds)
        doc["income_total"] = plain(view.income_total)
    return _dump(doc)


#: the keys a 收支 village's expenses.json adds (SPEC 12.4)
MONEY_KEYS = ("income", "flows", "balances", "income_total")


def _dump(doc: dict[str, Any]) -> bytes:
    """expenses.json bytes of a document: one record per line, keys sorted, readable and stable."""
    doc = dict(doc)
    # one expense per line, keys sorted: readable, stable, and written by json's C encoder (indent= is not)
    lists = {}
    for key, mark in (("expenses", "\x00"), ("income", "\x01"), ("flows", "\x02")):
        if key in doc:
            lists[mark] = doc[key]
            doc[key] = mark  # a placeholder no ledger text can hold (json escapes a real control character)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    for mark, records in lists.items():
        body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records)
        text = text.replace(json.dumps(mark), f"[\n{body}\n]" if records else "[]")
    return (text + "\n").encode("utf-8")


def fingerprint(json_bytes: bytes) -> str:
    """The data fingerprint printed on sheets and pages: first 16 hex digits of sha256(expenses.json)."""
    return hashlib.sha256(json_bytes).hexdigest()[:16]


def expenses_from_json(data: bytes) -> tuple[PublicExpense, ...]:
    """The public expenses back from an archived expenses.json (receipts are not in it: see site.view_of)."""
    doc = json.loads(data.decode("utf-8"))
    out = []
    for r in doc["expenses"]:
        out.append(PublicExpense(
            seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
            category=r["category"], group=r["group"], payee=r["payee"], amount=Decimal(r["amount"]),
            method=r["method"], handler=r["handler"], reviewer=r["reviewer"], approver=r["approver"],
            attachments=r["attachments"], invoice=r["invoice"], remarks=r.get("remarks", ""),
        ))
    return tuple(out)


# ---- 收支公开 (SPEC 12): income, other flows and the money table -----------------------------------------------
#: where a source's balance ranks when two give one (the first that gives it is shown; they must agree)
BALANCE_SOURCES = ("cash-journal", "bank-journal", "balances-sheet", "trial-balance", "archive")


def money_column(method: str) -> str:
    """The money column an expense or income line of a given payment method moved (SPEC 12.2, 12.4): cash for
    现金, "" for 挂账 (no money moved), the bank for any other method or none."""
    method = (method or "").strip()
    if method == ACCRUED_METHOD:
        return ""
    return CASH if method.startswith("现金") else BANK


@dataclass(frozen=True, slots=True)
class ColumnFunds:
    """One column of 一、资金概况 (库存现金 or 银行存款). `closing` is the stated closing balance where a source
    gives one, else the computed one (None when the opening is unknown too)."""

    opening: Decimal | None
    income: Decimal = ZERO
    expense: Decimal = ZERO
    other_in: Decimal = ZERO
    other_out: Decimal = ZERO
    transfer: Decimal = ZERO  # net: into this column minus out of it
    closing: Decimal | None = None

    @property
    def moved(self) -> Decimal:
        """收入 − 支出 + 其他收款 − 其他付款 ± 内部转账."""
        return self.income - self.expense + self.other_in - self.other_out + self.transfer

    @property
    def computed_closing(self) -> Decimal | None:
        return None if self.opening is None else self.opening + self.moved


@dataclass(frozen=True, slots=True)
class Funds:
    """一、资金概况: the cash and bank columns, and the accrued (挂账) income and expense that moved no money."""

    cash: ColumnFunds
    bank: ColumnFunds
    accrued_income: Decimal = ZERO
    accrued_expense: Decimal = ZERO

    def column(self, name: str) -> ColumnFunds:
        return self.cash if name == CASH else self.bank


def pick_balances(balances: Sequence) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """column → (opening, closing): for each, the first source (in BALANCE_SOURCES order) that gives it."""
    ranked = sorted(balances, key=lambda b: BALANCE_SOURCES.index(b.source) if b.source in BALANCE_SOURCES
                    else len(BALANCE_SOURCES))
    out: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for column in (CASH, BANK):
        mine = [b for b in ranked if b.column == column]
        opening = next((b.opening for b in mine if b.opening is not None), None)
        closing = next((b.closing for b in mine if b.closing is not None), None)
        out[column] = (opening, closing)
    return out


def funds_of(lines: Sequence, expenses: Sequence, balances: Sequence = ()) -> Funds:
    """The money table of SPEC 12.4 from money lines (kind, column, source, amount), expenses (amount and
    method) and balances (column, opening, closing, source). Only money that moved counts in the columns."""
    acc = {CASH: dict.fromkeys(("income", "expense", "other_in", "other_out", "transfer"), ZERO),
           BANK: dict.fromkeys(("income", "expense", "other_in", "other_out", "transfer"), ZERO)}
    accrued_income = accrued_expense = ZERO
    for e in expenses:
        column = money_column(e.method)
        if column:
            acc[column]["expense"] += e.amount
        else:
            accrued_expense += e.amount
    for line in lines:
        if line.kind == "transfer":
            if line.column in acc:
                acc[line.column]["transfer"] += line.amount
            if line.source in acc:
                acc[line.source]["transfer"] -= line.amount
            continue
        if line.column not in acc:  # accrued
            if line.kind == "income":
                accrued_income += line.amount
            continue
        key = {"income": "income", "other-in": "other_in", "other-out": "other_out"}.get(line.kind)
        if key:
            acc[line.column][key] += line.amount
    picked = pick_balances(balances)
    columns = {}
    for column in (CASH, BANK):
        opening, closing = picked[column]
        funds = ColumnFunds(opening=opening, **acc[column])
        if closing is None:
            closing = funds.computed_closing
        columns[column] = ColumnFunds(opening=opening, closing=closing, **acc[column])
    return Funds(cash=columns[CASH], bank=columns[BANK], accrued_income=accrued_income,
                 accrued_expense=accrued_expense)


def _plain_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else plain(amount)


def balances_record(funds: Funds) -> dict[str, Any]:
    """The `balances` object of expenses.json and `check --format json` (SPEC 12.4); amounts plain strings,
    an unknown opening or closing null."""
    def column(c: ColumnFunds) -> dict[str, Any]:
        return {"opening": _plain_or_none(c.opening), "income": plain(c.income), "expense": plain(c.expense),
                "other_in": plain(c.other_in), "other_out": plain(c.other_out), "transfer": plain(c.transfer),
                "closing": _plain_or_none(c.closing)}

    return {"cash": column(funds.cash), "bank": column(funds.bank),
            "accrued": {"income": plain(funds.accrued_income), "expense": plain(funds.accrued_expense)}}


# ---- 收支 lines in the public view and in expenses.json -----------------------------------------------------


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


def _income_record(i: PublicIncome) -> dict[str, Any]:
    return {"seq": i.seq, "date": i.date.isoformat(), "voucher": i.voucher, "summary": i.summary,
            "category": i.category, "payer": i.payer, "amount": plain(i.amount), "method": i.method,
            "handler": i.handler, "reviewer": i.reviewer, "approver": i.approver, "attachments": i.attachments}


def _flow_record(f: PublicFlow) -> dict[str, Any]:
    return {"seq": f.seq, "date": f.date.isoformat(), "voucher": f.voucher, "summary": f.summary, "type": f.type,
            "direction": f.direction, "amount": plain(f.amount), "method": f.method}


def _amount_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def line_hashes(data: bytes) -> list[tuple[str, str]]:
    """(voucher, content hash) of every line an archived expenses.json publishes: its expenses, and a 收支
    village's income and other flows (what a correction compares, SPEC 5.1 and 12.4)."""
    out = [(e.voucher, content_hash(e)) for e in expenses_from_json(data)]
    money = money_from_json(data)
    for line in (*money.get("income", ()), *money.get("flows", ())):
        record = [type(line).__name__] + [str(getattr(line, f.name)) for f in fields(line) if f.name != "seq"]
        out.append((line.voucher, hashlib.sha256("\x1f".join(record).encode("utf-8")).hexdigest()))
    return out


def money_from_json(data: bytes) -> dict:
    """income, flows and funds back from an archived expenses.json, as `build_village_view` takes them; {} for
    a village with expenses only, or a month published before section 12 (no `income` key)."""
    doc = json.loads(data.decode("utf-8"))
    if "income" not in doc:
        return {}
    income = tuple(PublicIncome(
        seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
        category=r["category"], payer=r["payer"], amount=Decimal(r["amount"]), method=r["method"],
        handler=r["handler"], reviewer=r["reviewer"], approver=r["approver"], attachments=r["attachments"],
    ) for r in doc["income"])
    flows = tuple(PublicFlow(
        seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
        type=r["type"], direction=r["direction"], amount=Decimal(r["amount"]), method=r["method"],
    ) for r in doc["flows"])
    b = doc["balances"]

    def column(c: dict) -> ColumnFunds:
        return ColumnFunds(opening=_amount_or_none(c["opening"]), income=Decimal(c["income"]),
                           expense=Decimal(c["expense"]), other_in=Decimal(c["other_in"]),
                           other_out=Decimal(c["other_out"]), transfer=Decimal(c["transfer"]),
                           closing=_amount_or_none(c["closing"]))

    funds = Funds(cash=column(b["cash"]), bank=column(b["bank"]), accrued_income=Decimal(b["accrued"]["income"]),
                  accrued_expense=Decimal(b["accrued"]["expense"]))
    return {"income": income, "flows": flows, "funds": funds}


def money_totals(data: bytes) -> dict[str, Decimal | None]:
    """income and 月末结余 (cash + bank) of a 收支 village's expenses.json, as keywords; {} for any other (a
    cheap look for the key first: the township page asks this of every village of a county)."""
    if b'"income_total"' not in data:
        return {}
    doc = json.loads(data.decode("utf-8"))
    if "income_total" not in doc:
        return {}
    cash, bank = doc["balances"]["cash"]["closing"], doc["balances"]["bank"]["closing"]
    closing = None if cash is None or bank is None else Decimal(cash) + Decimal(bank)
    return {"income": Decimal(doc["income_total"]), "closing": closing}


def without_money(data: bytes) -> bytes:
    """The expenses.json a village would have published before section 12: its money keys left out. A month
    archived before it counts as unchanged when this equals its archived bytes (SPEC 12.4)."""
    doc = json.loads(data.decode("utf-8"))
    if not any(key in doc for key in MONEY_KEYS):
        return data
    for key in MONEY_KEYS:
        doc.pop(key, None)
    return _dump(doc)


def closings_of(data: bytes) -> dict[str, Decimal]:
    """column → the closing balance a published expenses.json gives (cash, bank); {} when it gives none."""
    if b'"balances"' not in data:
        return {}
    doc = json.loads(data.decode("utf-8"))
    balances = doc.get("balances") or {}
    return {column: Decimal(balances[column]["closing"]) for column in (CASH, BANK)
            if balances.get(column, {}).get("closing") is not None}


def with_carried_opening(funds: Funds, carried: Mapping[str, Decimal]) -> Funds:
    """The money table with the previous month's published closing as the opening where no ledger gave one
    (SPEC 12.2): shown, but not part of the month's expenses.json or fingerprint."""
    columns = {}
    for column in (CASH, BANK):
        c = funds.column(column)
        if c.opening is None and column in carried:
            opening = carried[column]
            closing = c.closing if c.closing is not None else opening + c.moved
            c = ColumnFunds(opening=opening, income=c.income, expense=c.expense, other_in=c.other_in,
                            other_out=c.other_out, transfer=c.transfer, closing=closing)
        columns[column] = c
    return Funds(cash=columns[CASH], bank=columns[BANK], accrued_income=funds.accrued_income,
                 accrued_expense=funds.accrued_expense)

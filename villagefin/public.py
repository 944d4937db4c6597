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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import Period, VillageStatus
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
        return f"{self.village_name}{self.year}年{self.month}月财务支出明细公开表"


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
    **extra,
) -> VillageView:
    """A village's month from its public expenses; `ytd_before` is what earlier months of the year published."""
    total = sum((e.amount for e in expenses), ZERO)
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
    # one expense per line, keys sorted: readable, stable, and written by json's C encoder (indent= is not)
    records = doc["expenses"]
    doc["expenses"] = "\x00"  # a placeholder no ledger text can hold (json escapes a real NUL as \u0000)
    body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True).replace('"\\u0000"', f"[\n{body}\n]" if records else "[]")
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

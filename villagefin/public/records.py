"""The records of the public view (SPEC 5): what every renderer sees, and nothing else.

Frozen and masked: a `VillageView` is made by `public.view` only; `TownshipView` and `VillageRow` are the month's
township page and summary sheet. Renderers take these and never touch raw records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Period, VillageStatus
from ..money import ZERO, capitals
from ..privacy import mask
from .funds import Funds


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
    """One line of 四、其他收付: other money in (收) or out (付), or a transfer (转, type 内部转账)."""

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
    def flows_in_count(self) -> int:
        """How many lines 其他收款 counts (transfers are not among them)."""
        return sum(1 for f in self.flows if f.direction == IN and f.type != TRANSFER_TYPE)

    @property
    def flows_out_count(self) -> int:
        return sum(1 for f in self.flows if f.direction == OUT and f.type != TRANSFER_TYPE)

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

"""Portal pages (SPEC 5.4): the village page, the township page of a month, and the root index.

Templates are Jinja2 files: the package's own (``villagefin/templates`` when installed, ``<repo>/templates``
in a checkout) and, searched first, a workspace ``templates/`` folder. A workspace template can extend a stock
one as ``{% extends "default:village.html" %}``, and ``village-{id}.html`` is looked up before
``village.html``. Autoescape is on and undefined names are errors.

Each page gets ONE typed context object, a frozen dataclass documented below (`VillagePage`,
`TownshipPage`, `RootPage`); its fields are the template's top-level names. Amounts and dates arrive in the
context already formatted as the page shows them, so a workspace template needs no filter to write a figure
(the filters ``yuan``, ``cn_date`` and ``urlpath`` are there too).

Every link is relative and names a file ("hexi/index.html", "../../assets/site.css"): the site works from
``file://`` (where a folder link shows a file listing) and from any static host. Nothing is fetched: no CDN,
no web font, no script is needed to read a page.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..model import Period, VillageStatus, cn_date
from ..money import display
from ..public import (
    Correction,
    PublicExpense,
    Township,
    TownshipView,
    VillageView,
)
from ..resources import templates_dir

if TYPE_CHECKING:
    import jinja2

#: files of the assets folder that `write_assets` copies into ``site/assets/``
ASSET_FILES: tuple[str, ...] = ("site.css",)

#: files of a village folder (and of each ``revisions/rN/`` folder) that the village page links to
VILLAGE_DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("noticeboard.pdf", "公开栏公开表（PDF，可打印）"),
    ("expenses.csv", "支出明细（CSV，可用 Excel/WPS 打开）"),
    ("expenses.json", "数据文件（JSON）"),
)
#: the open data a 收支 village adds (SPEC 12.4)
MONEY_DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("income.csv", "收入明细（CSV，可用 Excel/WPS 打开）"),
    ("flows.csv", "其他收付明细（CSV，可用 Excel/WPS 打开）"),
)
TOWNSHIP_DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("summary.pdf", "全镇汇总表（PDF）"),
    ("print-all.pdf", "各村公开表合订本（PDF，一次打印）"),
)

# CSS class per village status on the township page
_STATUS_CLASS = {
    VillageStatus.PUBLISHED: "st-ok",
    VillageStatus.CORRECTED: "st-fix",
    VillageStatus.BLOCKED: "st-err",
    VillageStatus.MISSING: "st-miss",
    VillageStatus.PENDING: "st-miss",
    VillageStatus.AWAITING_REVIEW: "st-miss",
    VillageStatus.REVIEW_REJECTED: "st-err",
}


# --------------------------------------------------------------------------------------------- context types
@dataclass(frozen=True, slots=True)
class Link:
    href: str  # relative, names a file
    label: str


@dataclass(frozen=True, slots=True)
class MonthLink:
    """One month in the "其他月份" navigation; links to that month's township page."""

    period: str  # "2026-10"
    label: str  # "2026年10月"
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class ReceiptLink:
    image: str  # URL-quoted path relative to the village folder
    thumbnail: str
    alt: str


@dataclass(frozen=True, slots=True)
class ExpenseRow:
    """One expense as the page shows it: every field already a display string ("" when blank)."""

    seq: int
    date: str  # "10月8日"
    iso_date: str  # "2026-10-08", for <time datetime>
    voucher: str
    summary: str
    category: str
    group: str
    payee: str
    amount: str  # "1,234.50" / "-123.00"
    negative: bool  # a reversal (冲销)
    method: str
    handler: str
    reviewer: str
    approver: str
    attachments: str  # "2" or ""
    invoice: str
    remarks: str
    receipts: tuple[ReceiptLink, ...]


@dataclass(frozen=True, slots=True)
class CategoryBar:
    name: str
    count: int
    total: str  # "1,234.50"
    percent: str  # bar width, "42.5" (share of the largest category, by absolute amount)
    share: str  # share of the month's total, "36%" ("" when the total is not positive)
    negative: bool


@dataclass(frozen=True, slots=True)
class CorrectionNotice:
    revision: int
    date: str  # "2026年11月8日"
    reason: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueryNotice:
    """One villager's query on the village page (SPEC 14): display strings, masked upstream, autoescaped here."""

    number: str  # "Q2026-003"
    received: str  # "2026年11月8日"
    channel: str
    line: str  # "序号12 凭证 记-012 购买办公用品" (第2版 before it after a correction)
    question: str
    answer: str  # "" while unanswered
    answer_date: str  # "2026年11月12日" or ""
    pending: str  # "待答复（答复期限 2026-11-18）" while unanswered, else ""


@dataclass(frozen=True, slots=True)
class RevisionLinks:
    """Files of one earlier revision, kept in ``revisions/r{N}/``."""

    revision: int
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class VillageLine:
    """One village on the township page."""

    village_id: str
    name: str
    href: str | None  # "xinjie/index.html" when published, else None
    status: str  # 已公开 | 已更正 | 有错误未公开 | 未报送
    status_class: str
    count: str  # "12" or "" when nothing is published
    total: str  # "1,234.50" or ""
    date: str  # publication date, "11月5日" or ""
    revision: int | None
    income: str = ""  # "1,234.50" for a 收支 village, else ""
    closing: str = ""  # 月末结余 (cash + bank), "" when unknown


@dataclass(frozen=True, slots=True)
class RootMonth:
    period: str
    label: str  # "2026年10月"
    href: str  # "2026-10/index.html"
    total: str
    villages: int


@dataclass(frozen=True, slots=True)
class FundsLine:
    """One row of 资金概况: 上月结余 … 本月结余 in the cash, bank and total columns ("—" when unknown)."""

    label: str
    cash: str
    bank: str
    total: str
    strong: bool


@dataclass(frozen=True, slots=True)
class IncomeRow:
    seq: str  # 收1
    date: str
    iso_date: str
    voucher: str
    summary: str
    category: str
    payer: str
    amount: str
    negative: bool
    method: str
    handler: str
    reviewer: str
    approver: str
    attachments: str


@dataclass(frozen=True, slots=True)
class FlowRow:
    seq: str  # 其1
    date: str
    iso_date: str
    voucher: str
    summary: str
    type: str
    direction: str  # 收 or 付 (a 内部转账: from the cash column's point of view)
    amount: str
    method: str


@dataclass(frozen=True, slots=True)
class MoneyPage:
    """The 收支 parts of a village page (SPEC 12.4)."""

    funds: tuple[FundsLine, ...]
    income_total: str
    income_capitals: str
    income_negative: bool
    expense_total: str
    closing: str  # 本月结余, cash + bank ("—" when unknown)
    accrued_note: str  # the accrued (挂账) income and expense that moved no money, "" when none
    income: tuple[IncomeRow, ...]
    flows: tuple[FlowRow, ...]
    flows_in: str
    flows_out: str
    ytd_income: str


@dataclass(frozen=True, slots=True)
class VillagePage:
    """Context of village.html (``YYYY-MM/<id>/index.html``).

    Common to every page: page_title, township, css_href, root_href, phone, phone_href, months, preview.
    """

    page_title: str
    township: Township
    css_href: str  # "../../assets/site.css"
    root_href: str  # "../../index.html"
    phone: str  # 监督电话 as printed
    phone_href: str  # "tel:05507000000", "" when no phone is set
    months: tuple[MonthLink, ...]
    preview: bool
    view: VillageView  # the public view itself, for workspace templates that want more
    village_id: str
    village_name: str
    township_href: str  # "../index.html"
    period_label: str  # "2026年10月"
    period_range: str  # "2026年10月1日至10月31日"
    publication_date: str  # "2026年11月5日"
    total: str
    total_negative: bool
    total_capitals: str
    count: int
    ytd_label: str  # "本年累计" or "本年累计（自10月起）"
    ytd_total: str
    categories: tuple[CategoryBar, ...]
    expenses: tuple[ExpenseRow, ...]
    has_reversals: bool
    receipts_published: bool
    corrections: tuple[CorrectionNotice, ...]
    revision: int
    revisions: tuple[RevisionLinks, ...]  # earlier revisions, newest first
    downloads: tuple[Link, ...]
    prev: Link | None  # previous month's page of this village
    next: Link | None
    fingerprint: str
    ask_line: str = ""  # how to ask about a line (SPEC 14)
    queries: tuple[QueryNotice, ...] = ()  # 村民质询与答复
    review_line: str = ""  # 「审核意见：…。审核人：… 日期」 when the committee's approval is recorded (SPEC 13)
    #: a 收支 village (SPEC 12.4): 资金概况, 收入 and 其他收付; None for a village with expenses only
    money: MoneyPage | None = None


@dataclass(frozen=True, slots=True)
class TownshipPage:
    """Context of township.html (``YYYY-MM/index.html``)."""

    page_title: str
    township: Township
    css_href: str  # "../assets/site.css"
    root_href: str  # "../index.html"
    phone: str
    phone_href: str
    months: tuple[MonthLink, ...]
    preview: bool
    view: TownshipView
    period_label: str
    publication_date: str
    total: str
    total_capitals: str
    villages: tuple[VillageLine, ...]
    published_count: int
    village_count: int
    downloads: tuple[Link, ...]
    #: some village of the month is a 收支 village: the page adds 收入 and 月末结余 (SPEC 12.4)
    has_money: bool = False
    income_total: str = ""
    closing_total: str = ""


@dataclass(frozen=True, slots=True)
class RootPage:
    """Context of root.html (``index.html``): the months published, newest first."""

    page_title: str
    township: Township
    css_href: str  # "assets/site.css"
    root_href: str  # "index.html"
    phone: str
    phone_href: str
    months: tuple[MonthLink, ...]  # empty: this page is the list of months
    preview: bool
    month_rows: tuple[RootMonth, ...]
    portal_url: str  # shown as text, not as a link


PAGE_CONTEXTS: dict[str, type] = {
    "village.html": VillagePage,
    "township.html": TownshipPage,
    "root.html": RootPage,
}


def context_dict(page: Any) -> dict[str, Any]:
    """The template namespace of a page context: its fields, shallow (the view objects stay objects)."""
    return {f.name: getattr(page, f.name) for f in fields(page)}


# ------------------------------------------------------------------------------------------------ environment
def period_label(period: str) -> str:
    """ "2026-10" -> "2026年10月"."""
    return Period.from_key(period).label()


def urlpath(path: str) -> str:
    """A relative path as an href: percent-encoded (Chinese file names), never absolute or with a scheme."""
    path = path.replace("\\", "/").lstrip("/")
    return quote(path, safe="/")


def yuan(d: Decimal) -> str:
    return display(d)


def make_environment(workspace_templates: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment: workspace templates first, then the package's; ``default:`` names the package's."""
    import jinja2  # heavy: only when pages are rendered, not whenever this module is imported (SPEC 9, 9a)

    package = jinja2.FileSystemLoader(str(templates_dir()), encoding="utf-8")
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": package}, delimiter=":")]
    if workspace_templates is not None and Path(workspace_templates).is_dir():
        loaders.append(jinja2.FileSystemLoader(str(workspace_templates), encoding="utf-8"))
    loaders.append(package)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yuan"] = yuan
    env.filters["cn_date"] = cn_date
    env.filters["urlpath"] = urlpath
    return env


# ---------------------------------------------------------------------------------------------- page builders
def _phone_href(phone: str) -> str:
    digits = re.sub(r"[^0-9+]", "", phone)
    return f"tel:{digits}" if digits else ""


def _month_links(months: Sequence[str], current: str | None, prefix: str) -> tuple[MonthLink, ...]:
    ordered = sorted(set(months), reverse=True)
    return tuple(
        MonthLink(period=m, label=period_label(m), href=f"{prefix}{m}/index.html", current=(m == current))
        for m in ordered
    )


def _expense_row(e: PublicExpense, receipts_published: bool) -> ExpenseRow:
    receipts: tuple[ReceiptLink, ...] = ()
    if receipts_published:
        receipts = tuple(
            ReceiptLink(
                image=urlpath(r.image),
                thumbnail=urlpath(r.thumbnail or r.image),
                alt=f"凭证{e.voucher}原始票据第{i}张",
            )
            for i, r in enumerate(e.receipts, start=1)
        )
    return ExpenseRow(
        seq=e.seq,
        date=cn_date(e.date, year=False),
        iso_date=e.date.isoformat(),
        voucher=e.voucher,
        summary=e.summary,
        category=e.category,
        group=e.group,
        payee=e.payee,
        amount=display(e.amount),
        negative=e.amount < 0,
        method=e.method,
        handler=e.handler,
        reviewer=e.reviewer,
        approver=e.approver,
        attachments="" if e.attachments is None else str(e.attachments),
        invoice=e.invoice,
        remarks=e.remarks,
        receipts=receipts,
    )


def _category_bars(view: VillageView) -> tuple[CategoryBar, ...]:
    biggest = max((abs(c.total) for c in view.categories), default=Decimal(0))
    bars = []
    for c in view.categories:
        width = (abs(c.total) * 100 / biggest) if biggest else Decimal(0)
        share = ""
        if view.total > 0 and c.total >= 0:
            share = f"{(c.total * 100 / view.total).quantize(Decimal('1'))}%"
        bars.append(
            CategoryBar(
                name=c.name,
                count=c.count,
                total=display(c.total),
                percent=f"{width.quantize(Decimal('0.1'))}",
                share=share,
                negative=c.total < 0,
            )
        )
    return tuple(bars)


def _correction(c: Correction) -> CorrectionNotice:
    return CorrectionNotice(
        revision=c.revision,
        date=cn_date(c.date),
        reason=c.reason,
        added=tuple(c.added),
        removed=tuple(c.removed),
        changed=tuple(c.changed),
    )


def _revision_links(view: VillageView) -> tuple[RevisionLinks, ...]:
    return tuple(
        RevisionLinks(
            revision=n,
            links=tuple(
                Link(href=f"revisions/r{n}/{name}", label=label) for name, label in VILLAGE_DOWNLOADS
            ),
        )
        for n in range(view.revision - 1, 0, -1)
    )


def _opt(amount: Decimal | None) -> str:
    return "—" if amount is None else display(amount)


def _sum_or_none(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b


def money_page(view: VillageView) -> MoneyPage | None:
    """The 收支 context of a village page, or None for a village with expenses only."""
    funds = view.funds
    if funds is None:
        return None
    cash, bank = funds.cash, funds.bank
    lines = []
    for label, attr in (("上月结余", "opening"), ("本月收入", "income"), ("本月支出", "expense"),
                        ("其他收款", "other_in"), ("其他付款", "other_out"), ("内部转账", "transfer"),
                        ("本月结余", "closing")):
        a, b = getattr(cash, attr), getattr(bank, attr)
        total = Decimal("0.00") if attr == "transfer" else _sum_or_none(a, b)
        lines.append(FundsLine(label, _opt(a), _opt(b), _opt(total), attr in ("opening", "closing")))
    note = ""
    if funds.accrued_income or funds.accrued_expense:
        note = (f"本月另有挂账（未收付现金或银行存款）收入 {display(funds.accrued_income)} 元、"
                f"支出 {display(funds.accrued_expense)} 元，不计入上表。")
    income = tuple(IncomeRow(
        seq=i.seq, date=cn_date(i.date, year=False), iso_date=i.date.isoformat(), voucher=i.voucher,
        summary=i.summary, category=i.category, payer=i.payer, amount=display(i.amount), negative=i.amount < 0,
        method=i.method, handler=i.handler, reviewer=i.reviewer, approver=i.approver,
        attachments="" if i.attachments is None else str(i.attachments)) for i in view.income)
    flows = tuple(FlowRow(
        seq=f.seq, date=cn_date(f.date, year=False), iso_date=f.date.isoformat(), voucher=f.voucher,
        summary=f.summary, type=f.type, direction=f.direction, amount=display(f.amount), method=f.method)
        for f in view.flows)
    return MoneyPage(
        funds=tuple(lines), income_total=display(view.income_total), income_capitals=view.income_capitals,
        income_negative=view.income_total < 0, expense_total=display(view.total),
        closing=_opt(_sum_or_none(cash.closing, bank.closing)), accrued_note=note, income=income, flows=flows,
        flows_in=display(view.flows_in_total), flows_out=display(view.flows_out_total),
        ytd_income=display(view.ytd_income))


def village_page(view: VillageView, *, months: Sequence[str]) -> VillagePage:
    """The context of a village page (``YYYY-MM/<id>/index.html``)."""
    ytd_label = "本年累计" if view.ytd_from_month <= 1 else f"本年累计（自{view.ytd_from_month}月起）"
    rows = tuple(_expense_row(e, view.receipts_published) for e in view.expenses)
    vid = view.village_id

    def month_link(period: str | None) -> Link | None:
        if not period:
            return None
        return Link(href=f"../../{period}/{vid}/index.html", label=period_label(period))

    return VillagePage(
        page_title=view.title,
        township=view.township,
        css_href="../../assets/site.css",
        root_href="../../index.html",
        phone=view.township.supervision_phone,
        phone_href=_phone_href(view.township.supervision_phone),
        months=_month_links([*months, view.period], view.period, "../../"),
        preview=view.preview,
        view=view,
        village_id=vid,
        village_name=view.village_name,
        township_href="../index.html",
        period_label=period_label(view.period),
        period_range=f"{cn_date(view.period_start)}至{cn_date(view.period_end, year=False)}",
        publication_date=cn_date(view.publication_date),
        total=display(view.total),
        total_negative=view.total < 0,
        total_capitals=view.total_capitals,
        count=view.count,
        ytd_label=ytd_label,
        ytd_total=display(view.ytd_total),
        categories=_category_bars(view),
        expenses=rows,
        has_reversals=any(r.negative for r in rows),
        receipts_published=view.receipts_published,
        corrections=tuple(_correction(c) for c in view.corrections),
        revision=view.revision,
        revisions=_revision_links(view),
        downloads=tuple(Link(href=name, label=label) for name, label in VILLAGE_DOWNLOADS
                        + (MONEY_DOWNLOADS if view.is_money else ())),
        prev=month_link(view.prev_period),
        next=month_link(view.next_period),
        fingerprint=view.fingerprint,
        ask_line=view.ask_line,
        queries=tuple(_query_notice(q) for q in view.queries),
        review_line=view.review.text if view.review is not None else "",
        money=money_page(view),
    )


def _query_notice(q: Any) -> QueryNotice:
    return QueryNotice(
        number=q.number, received=cn_date(q.received), channel=q.channel, line=q.line, question=q.question,
        answer=q.answer, answer_date=cn_date(q.answer_date) if q.answer_date else "",
        pending="" if q.answer else f"待答复（答复期限 {q.deadline.isoformat()}）")


def _village_line(row: Any) -> VillageLine:
    published = row.status.is_public
    return VillageLine(
        village_id=row.village_id,
        name=row.village_name,
        href=f"{row.village_id}/index.html" if published else None,
        status=row.status.text,
        status_class=_STATUS_CLASS.get(row.status, "st-miss"),
        count="" if row.count is None else str(row.count),
        total="" if row.total is None else display(row.total),
        date="" if row.publication_date is None else cn_date(row.publication_date, year=False),
        revision=row.revision,
        income="" if row.income is None else display(row.income),
        closing="" if row.closing is None else display(row.closing),
    )


def township_page(view: TownshipView, *, months: Sequence[str]) -> TownshipPage:
    """The context of a township page (``YYYY-MM/index.html``)."""
    lines = tuple(_village_line(v) for v in view.villages)
    label = period_label(view.period)
    return TownshipPage(
        # a month with 收支 villages publishes income too (SPEC 12.4), as its summary.pdf says; others as before
        page_title=f"{view.township.name}{label}村级财务{'收支' if view.has_money else '支出'}公开",
        township=view.township,
        css_href="../assets/site.css",
        root_href="../index.html",
        phone=view.township.supervision_phone,
        phone_href=_phone_href(view.township.supervision_phone),
        months=_month_links([*months, view.period], view.period, "../"),
        preview=view.preview,
        view=view,
        period_label=label,
        publication_date=cn_date(view.publication_date),
        total=display(view.total),
        total_capitals=view.total_capitals,
        villages=lines,
        published_count=sum(1 for v in lines if v.href),
        village_count=len(lines),
        downloads=tuple(Link(href=name, label=label) for name, label in TOWNSHIP_DOWNLOADS),
        has_money=view.has_money,
        income_total=display(view.income_total) if view.has_money else "",
        closing_total=(display(view.closing_total) if view.closing_total is not None else "—") if view.has_money else "",
    )


def root_page(township: Township, months: Sequence[tuple[str, Decimal, int]], preview: bool = False) -> RootPage:
    """The context of the root index (``index.html``)."""
    rows = tuple(
        RootMonth(period=p, label=period_label(p), href=f"{p}/index.html", total=display(total), villages=n)
        for p, total, n in sorted(months, key=lambda m: m[0], reverse=True)
    )
    return RootPage(
        page_title=f"{township.name}村级财务公开",
        township=township,
        css_href="assets/site.css",
        root_href="index.html",
        phone=township.supervision_phone,
        phone_href=_phone_href(township.supervision_phone),
        months=(),
        preview=preview,
        month_rows=rows,
        portal_url=township.portal_url,
    )


# -------------------------------------------------------------------------------------------------- rendering
def render_village_page(env: jinja2.Environment, view: VillageView, *, months: Sequence[str]) -> str:
    """HTML of ``YYYY-MM/<id>/index.html``; ``months`` are the periods published, for the month navigation."""
    template = env.select_template([f"village-{view.village_id}.html", "village.html"])
    return template.render(context_dict(village_page(view, months=months)))


def render_township_page(env: jinja2.Environment, view: TownshipView, *, months: Sequence[str]) -> str:
    """HTML of ``YYYY-MM/index.html``."""
    template = env.get_template("township.html")
    return template.render(context_dict(township_page(view, months=months)))


def render_root_page(
    env: jinja2.Environment, township: Township, months: Sequence[tuple[str, Decimal, int]], preview: bool = False
) -> str:
    """HTML of the root ``index.html``; ``months`` are (period, township total, villages published)."""
    template = env.get_template("root.html")
    return template.render(context_dict(root_page(township, months, preview)))


def write_assets(site_dir: Path, workspace_templates: Path | None = None) -> None:
    """Copy the stylesheet into ``site_dir/assets/`` (a workspace ``templates/assets/`` file wins)."""
    target = Path(site_dir) / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for name in ASSET_FILES:
        source = templates_dir() / "assets" / name
        if workspace_templates is not None:
            own = Path(workspace_templates) / "assets" / name
            if own.is_file():
                source = own
        shutil.copyfile(source, target / name)

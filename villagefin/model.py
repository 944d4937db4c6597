"""Plain immutable records that flow through villagefin: expenses, findings, and the check report.

Everything here is a frozen, slotted dataclass so that a county month (90,000 rows) stays small and
nothing downstream can mutate what a reader produced.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

#: The fields of one expense, in the order a ledger usually has them.
FIELDS: tuple[str, ...] = (
    "date",
    "voucher",
    "summary",
    "amount",
    "category",
    "payee",
    "handler",
    "reviewer",
    "approver",
    "invoice",
    "attachments",
    "method",
    "remarks",
)
REQUIRED_FIELDS: tuple[str, ...] = ("date", "voucher", "summary", "amount")

#: a remark that names a resolution (决议) of the villagers' meeting or the two committees
RESOLUTION_MARKERS: tuple[str, ...] = ("决议", "会议纪要", "会议决定", "会决定", "四议两公开")
_NO_RESOLUTION = re.compile(r"(无|没有|未经?|尚无|暂无|未作|未形成|缺)\s*(决议|会议纪要|会议决定)")


def has_resolution(text: str) -> bool:
    """Whether a remark names a resolution: 决议, 会议纪要, 会议决定, 四议两公开 ("无决议" does not).

    Here, below the rules (needs-resolution) and the sheets (which print such a remark under its summary)."""
    if not text:
        return False
    text = _NO_RESOLUTION.sub("", text)
    return any(marker in text for marker in RESOLUTION_MARKERS)

ERROR = "error"
WARNING = "warning"



class VillageStatus(str, Enum):
    """A village's state in a month, as the township page, the summary sheet and the manifest give it.

    The value is the code (stored in manifests); `text` is what people read."""

    PUBLISHED = "published"
    CORRECTED = "corrected"
    BLOCKED = "blocked"
    MISSING = "missing"
    #: clean ledgers that this run did not publish (`publish --village` named others) and no publication of the
    #: month: shown as 未报送, SPEC 5.4's word for a village with nothing published for the month (its list has no
    #: 待公开). The code stays, so that manifests written before keep reading.
    PENDING = "pending"
    #: clean ledgers held back by `[publication] require_review`: no approval of these data yet (SPEC 13)
    AWAITING_REVIEW = "awaiting-review"
    #: the committee's latest conclusion on these data was 修改后公开 or 不同意公开 (SPEC 13)
    REVIEW_REJECTED = "review-rejected"

    @property
    def text(self) -> str:
        return _STATUS_TEXT[self]

    @property
    def is_public(self) -> bool:
        return self in (VillageStatus.PUBLISHED, VillageStatus.CORRECTED)


_STATUS_TEXT = {
    VillageStatus.PUBLISHED: "已公开",
    VillageStatus.CORRECTED: "已更正",
    VillageStatus.BLOCKED: "有错误未公开",
    VillageStatus.MISSING: "未报送",
    VillageStatus.PENDING: "未报送",
    VillageStatus.AWAITING_REVIEW: "待审核",
    VillageStatus.REVIEW_REJECTED: "审核未通过",
}


class Outcome(str, Enum):
    """What one publish run did with a village (code, with the Chinese text people read)."""

    NEW = "new"
    CORRECTION = "correction"
    UNCHANGED = "unchanged"
    REWRITTEN = "rewritten"
    #: unchanged data, drawn again because settings, templates or font changed
    RERENDERED = "rerendered"
    SKIPPED_ERRORS = "errors"
    SKIPPED_MISSING = "missing"
    REFUSED = "refused"
    PREVIEWED = "preview"
    #: held back by the review gate (SPEC 13): no approval of the data about to be published
    AWAITING_REVIEW = "awaiting-review"
    #: held back by the review gate: the committee concluded 修改后公开 or 不同意公开
    REVIEW_REJECTED = "review-rejected"

    @property
    def text(self) -> str:
        return _OUTCOME_TEXT[self]

    @property
    def skipped(self) -> bool:
        return self in (Outcome.SKIPPED_ERRORS, Outcome.SKIPPED_MISSING, Outcome.REFUSED, Outcome.AWAITING_REVIEW,
                        Outcome.REVIEW_REJECTED)


_OUTCOME_TEXT = {
    Outcome.NEW: "已公开",
    Outcome.CORRECTION: "已发布更正",
    Outcome.UNCHANGED: "数据未变，未重写",
    Outcome.REWRITTEN: "已按存档重写输出",
    Outcome.RERENDERED: "数据未变，已按新设置重新生成",
    Outcome.SKIPPED_ERRORS: "有错误，未公开",
    Outcome.SKIPPED_MISSING: "未报送（没有找到本月账表），未公开：请村里报送账表，放到该村 ledgers 指定的位置后重新运行 publish",
    Outcome.REFUSED: "第 {revision} 版仍有效；数据已变更，如需更正请加 --correct \"原因\"",
    Outcome.PREVIEWED: "已生成预览",
    Outcome.AWAITING_REVIEW: ("待审核，未公开：请运行 villagefin review 打印审核稿，村务监督委员会审核同意后用 "
                              "villagefin review --approve 登记，再运行 publish"),
    Outcome.REVIEW_REJECTED: ("审核未通过，未公开：请按审核意见改正账表，重新运行 villagefin review 送审，"
                              "审核同意并登记后再运行 publish"),
}

class ReviewConclusion(str, Enum):
    """The committee's conclusion on a review copy (SPEC 13): code, with the words on the 审核记录 page."""

    APPROVE = "approve"
    REVISE = "revise"
    REJECT = "reject"

    @property
    def text(self) -> str:
        return _CONCLUSION_TEXT[self]


_CONCLUSION_TEXT = {
    ReviewConclusion.APPROVE: "同意公开",
    ReviewConclusion.REVISE: "修改后公开",
    ReviewConclusion.REJECT: "不同意公开",
}


#: how a villager's question reached the village (SPEC 14: `query add --channel`)
QUERY_CHANNELS: tuple[str, ...] = ("电话", "意见箱", "当面", "网上", "其他")


class QueryState(str, Enum):
    """Where a villager's query stands (SPEC 14)."""

    OPEN = "open"
    ANSWERED = "answered"
    OVERDUE = "overdue"

    @property
    def text(self) -> str:
        return _QUERY_STATE_TEXT[self]


_QUERY_STATE_TEXT = {
    QueryState.OPEN: "待答复",
    QueryState.ANSWERED: "已答复",
    QueryState.OVERDUE: "逾期未答复",
}

EXPENSE_LIST = "expense-list"
JOURNAL = "journal"
#: a cash or bank journal (现金 / 银行存款日记账): read like an expense list, its amount the outgoing column
CASH_JOURNAL = "cash-journal"


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month being checked or published."""

    year: int
    month: int

    def contains(self, d: dt.date) -> bool:
        return d.year == self.year and d.month == self.month

    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def key(self) -> str:
        """"2026-10": folders, URLs, the archive and JSON use this form."""
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def from_key(cls, key: str) -> Period:
        """The inverse of `key` (for keys this program wrote; user input goes through the month parser)."""
        year, month = key.split("-")
        return cls(int(year), int(month))


    @classmethod
    def last_ended(cls, today: dt.date) -> Period:
        """The month before `today`'s: the one a monthly run is about."""
        last = today.replace(day=1) - dt.timedelta(days=1)
        return cls(last.year, last.month)

    @classmethod
    def parse(cls, text: str, today: dt.date) -> Period | None:
        """A month as people write it (SPEC 16): 2026-11, 2026/11, 2026.11, 202611, 2026年11月, or 11月 alone
        (in the year of the month before `today`). Full-width digits count; None when `text` is no month."""
        norm = unicodedata.normalize("NFKC", text).strip()
        m = _YEAR_MONTH.fullmatch(norm) or _COMPACT_MONTH.fullmatch(norm)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
        else:
            m = _MONTH_ALONE.fullmatch(norm)
            if not m:
                return None
            year, month = cls.last_ended(today).year, int(m.group(1))
        if not (1900 <= year <= 2999 and 1 <= month <= 12):
            return None
        return cls(year, month)


_YEAR_MONTH = re.compile(r"([0-9]{4})\s*(?:[-/.]|年)\s*([0-9]{1,2})\s*(?:月份?)?")
_COMPACT_MONTH = re.compile(r"([0-9]{4})([0-9]{2})")
_MONTH_ALONE = re.compile(r"([0-9]{1,2})\s*月份?")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a run goes, as opposed to what it does: passed down explicitly (no environment variables)."""

    #: let a defect of ours raise with its traceback instead of becoming a finding or a one-line error
    debug: bool = False
    #: read and render in this process, without worker processes (debugging, and tests that patch a function)
    inline: bool = False


DEFAULT_OPTIONS = RunOptions()


def cn_date(d: dt.date, *, year: bool = True) -> str:
    """2026年10月8日 (or 10月8日): every date that people read on a sheet or a page."""
    if year:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.month}月{d.day}日"


def letter_of(columns: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The column letter a record's sheet has for field `name` (its `columns`), or None."""
    for key, letter in columns:
        if key == name:
            return letter
    return None


@dataclass(frozen=True, slots=True)
class Expense:
    """One expense item as read from a ledger row (or a journal's debit line on an expense account)."""

    village: str
    file: str
    sheet: str | None
    row: int
    date: dt.date
    voucher: str
    summary: str
    amount: Decimal
    category: str = ""
    payee: str = ""
    handler: str = ""
    reviewer: str = ""
    approver: str = ""
    invoice: str = ""
    attachments: int | None = None
    method: str = ""
    remarks: str = ""
    #: journal layout: the account code of the debit line ("" in an expense list)
    account_code: str = ""
    layout: str = EXPENSE_LIST
    #: (field, column letter) for every field the sheet has a column for
    columns: tuple[tuple[str, str], ...] = ()
    #: 发票代码: an old-style invoice number is unique only with it (SPEC 16)
    invoice_code: str = ""

    def __reduce__(self):
        # pickled by position: several times faster than the dataclass default (workers send these back)
        return (Expense, tuple(getattr(self, f) for f in _EXPENSE_SLOTS))

    def column_of(self, name: str) -> str | None:
        return letter_of(self.columns, name)

    def has_column(self, name: str) -> bool:
        return self.column_of(name) is not None


#: kinds of a money line other than an expense (SPEC 12.1); expenses stay `Expense` records
INCOME = "income"
OTHER_IN = "other-in"
OTHER_OUT = "other-out"
TRANSFER = "transfer"
#: an expense line in `flows` (the money table counts it; the expense list is the `Expense` records)
EXPENSE = "expense"
LINE_KINDS: tuple[str, ...] = (INCOME, OTHER_IN, OTHER_OUT, TRANSFER)

#: the money columns of SPEC 12.4: 库存现金 (101) and 银行存款 (102); "" = accrued (挂账), no money moved
CASH = "cash"
BANK = "bank"
ACCRUED = ""
#: the payment method an accrued line is published with
ACCRUED_METHOD = "挂账"

CASH_JOURNAL = "cash-journal"
TRIAL_BALANCE = "trial-balance"
#: what the reader calls a 资金余额 sheet of an expense-list village; `check --format json` says "expense-list"
BALANCES_SHEET = "balances"


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """One line of money that is not an expense (SPEC 12.1): income, other money in or out, or a transfer
    between 101 and 102. Build it by keyword. `amount` is signed as published: a refund of income is negative;
    other-in / other-out and transfers are positive, their direction is the kind (a transfer's `column` is the
    account the money went into, `source` the one it left)."""

    village: str
    file: str
    sheet: str | None
    row: int
    date: dt.date
    voucher: str
    summary: str
    amount: Decimal
    kind: str
    #: for other-in / other-out: the type of SPEC 12.1's table (征地补偿及捐赠 … 其他)
    flow_type: str = ""
    #: cash or bank: the money column of 12.4 the line moves; ACCRUED ("") when no money moved (挂账)
    column: str = CASH
    #: for a transfer: the column the money left
    source: str = ""
    category: str = ""
    payer: str = ""
    handler: str = ""
    reviewer: str = ""
    approver: str = ""
    invoice: str = ""
    attachments: int | None = None
    method: str = ""
    remarks: str = ""
    account_code: str = ""
    layout: str = EXPENSE_LIST
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def money_in(self) -> bool:
        return self.kind in (INCOME, OTHER_IN)

    def column_of(self, name: str) -> str | None:
        return letter_of(self.columns, name)


@dataclass(frozen=True, slots=True)
class Balance:
    """Opening and closing balance of one money account (cash or bank) for a month, from one source (12.2).
    Build it by keyword; None = that source does not give it."""

    village: str
    column: str  # CASH or BANK
    opening: Decimal | None
    closing: Decimal | None
    #: where it came from: cash-journal, bank-journal, balances-sheet, trial-balance, archive
    source: str
    file: str | None = None
    sheet: str | None = None
    #: rows of the opening and closing figures (1-based), where a sheet gave them
    opening_row: int | None = None
    closing_row: int | None = None
    #: a bank sub-account's name, where a source gives one line per bank account
    name: str = ""


@dataclass(frozen=True, slots=True)
class Movement:
    """The month's total debits and credits on cash (101) or bank (102) from one source: a journal's lines, or a
    科目余额表's 本期发生 (SPEC 12.2, 账表相符). Build it by keyword."""

    village: str
    column: str  # CASH or BANK
    debit: Decimal
    credit: Decimal
    source: str  # "journal" or "trial-balance"
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # the 科目余额表's row (1-based); None for a journal
    #: column letters of the 本期发生 借方 and 贷方 (a 科目余额表)
    debit_column: str | None = None
    credit_column: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, pointing as precisely as it can at where it is."""

    # field order is the sort order: file, sheet, row, column, then the rest
    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    code: str
    severity: str
    village: str | None
    voucher: str | None
    message: str

    def __reduce__(self):
        return (Finding, (self.file, self.sheet, self.row, self.column, self.code, self.severity, self.village,
                          self.voucher, self.message))

    def sort_key(self) -> tuple:
        return (
            self.file or "",
            self.sheet or "",
            self.row if self.row is not None else -1,
            _column_number(self.column),
            self.code,
            self.voucher or "",
            self.message,
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "village": self.village,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "voucher": self.voucher,
            "message": self.message,
        }


_EXPENSE_SLOTS = Expense.__slots__


def _column_number(letter: str | None) -> int:
    if not letter:
        return -1
    n = 0
    for ch in letter:
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letter (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class SheetRead:
    """One sheet that was read: what `check --format json` lists under "files"."""

    path: str
    village: str
    sheet: str | None
    layout: str
    rows: int
    expenses: int

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "village": self.village,
            "sheet": self.sheet,
            # a 资金余额 sheet is part of the expense-list layout (SPEC 12.2, 12.3 name no layout of its own)
            "layout": EXPENSE_LIST if self.layout == BALANCES_SHEET else self.layout,
            "rows": self.rows,
            "expenses": self.expenses,
        }


@dataclass(frozen=True, slots=True)
class VillageTotals:
    expenses: int
    total: Decimal
    errors: int
    warnings: int


@dataclass(frozen=True)
class CheckedVillage:
    """One village's records after its rules, as `run_check` hands them to its `on_village` callback (in the
    worker process that read them): what `publish` needs to build the village's public view there."""

    village: str
    name: str
    expenses: tuple[Expense, ...]
    lines: tuple[MoneyLine, ...]  # income, other flows and transfers (SPEC 12)
    balances: tuple[Balance, ...]
    chart: object  # chart.Chart: the groups of the categories


@dataclass(frozen=True)
class CheckReport:
    """The result of `run_check()`: every sheet read, every expense, every finding (sorted)."""

    period: str  # "YYYY-MM" or "any"
    files: tuple[SheetRead, ...]
    expenses: tuple[Expense, ...]
    findings: tuple[Finding, ...]
    #: village id → display name, for every village checked (in config order)
    village_names: dict[str, str] = field(default_factory=dict)
    #: village id → (expenses, total), also when the records themselves were not kept
    village_counts: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    #: village id → what `run_check`'s `on_village` callback returned for it (publish: the village's public
    #: expenses.json, built in the workers)
    outputs: dict[str, object] = field(default_factory=dict)
    #: advice beside the findings, said once (「账表日期都在2026年10月，是否要加 --month 2026-10？」)
    notes: tuple[str, ...] = ()
    #: village id → {"income", "income_total", "flows", "balances"} for 收支 villages (SPEC 12.3)
    money: dict[str, dict] = field(default_factory=dict)
    #: income, other flows and transfers of every village (when the records are kept)
    lines: tuple = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def found_no_ledger(self) -> bool:
        """No sheet was read and no finding names a file: there was nothing to check (`check` exits 1)."""
        return not self.files and not any(f.file for f in self.findings)

    def expenses_of(self, village: str) -> tuple[Expense, ...]:
        return tuple(e for e in self.expenses if e.village == village)

    def findings_of(self, village: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.village == village)

    def village_totals(self) -> dict[str, VillageTotals]:
        out: dict[str, list] = {v: [0, Decimal("0.00"), 0, 0] for v in self.village_names}
        if self.village_counts:
            for v, (count, total) in self.village_counts.items():
                out.setdefault(v, [0, Decimal("0.00"), 0, 0])[:2] = [count, total]
        else:
            for e in self.expenses:
                acc = out.setdefault(e.village, [0, Decimal("0.00"), 0, 0])
                acc[0] += 1
                acc[1] += e.amount
        for f in self.findings:
            if f.village is None:
                continue
            acc = out.setdefault(f.village, [0, Decimal("0.00"), 0, 0])
            acc[2 if f.severity == ERROR else 3] += 1
        return {k: VillageTotals(*v) for k, v in out.items()}


@dataclass
class VillageOutcome:
    """What a publish run did with one village, with its figures and the errors that stopped it."""

    village_id: str
    village_name: str
    outcome: Outcome
    revision: int | None = None
    count: int | None = None
    total: Decimal | None = None
    errors: tuple[Finding, ...] = ()

    @property
    def text(self) -> str:
        return self.outcome.text.format(revision=self.revision)

    @property
    def skipped(self) -> bool:
        return self.outcome.skipped

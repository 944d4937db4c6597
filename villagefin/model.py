"""Plain immutable records that flow through villagefin: expenses, findings, and the check report.

Everything here is a frozen, slotted dataclass so that a county month (90,000 rows) stays small and
nothing downstream can mutate what a reader produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

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

ERROR = "error"
WARNING = "warning"

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
        return f"{self.year:04d}-{self.month:02d}"


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
        for key, letter in self.columns:
            if key == name:
                return letter
        return None

    def has_column(self, name: str) -> bool:
        return self.column_of(name) is not None


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
            "layout": self.layout,
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
    #: village id → (expenses.json bytes, archive rows), when asked for (publish builds them in the workers)
    public: dict[str, tuple[bytes, tuple]] = field(default_factory=dict)
    #: advice beside the findings, said once (「账表日期都在2026年10月，是否要加 --month 2026-10？」)
    notes: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

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

"""What every sheet reader shares (SPEC 3.2, 3.3): a sheet's cells and columns (`_Sheet`), the result of one
sheet (`SheetResult`), row labels and their classes (total, subtotal, carried, footer), and one expense from a row."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .. import findings as F
from .. import model as M
from ..model import EXPENSE_LIST, JOURNAL, Expense, Finding, Period, SheetRead, column_letter
from ..money import AmountError, display, parse_amount
from .dates import DateProblem, parse_date, parse_part
from .headers import Header
from .read import RawSheet

FIELD_NAMES = {
    "date": "日期",
    "voucher": "凭证号",
    "summary": "摘要",
    "amount": "金额",
}
_TEXT_FIELDS = ("summary", "category", "payee", "handler", "reviewer", "approver", "invoice", "method", "remarks",
                "invoice_code")
_FILL_DOWN = ("date", "voucher", "voucher_word", "year", "month", "day")

_CARRIED = ("承前页", "过次页", "上页合计", "本页合计", "本年累计", "上年结转", "期初余额", "上月结余", "承上页",
            "转下页", "结转下月", "本月结余", "期末余额", "本月累计", "上月结转", "上期结转")
_TOTALS = ("本月合计", "合计", "总计", "本期合计", "本月发生额合计")
#: a cash or bank journal's month total, the one total row it cross-checks (SPEC 16); its 本日合计 rows are
#: subtotals, and its other totals (本年累计 …) are carried rows
_MONTH_TOTALS = ("本月合计", "本期合计")
_FOOTER = re.compile(r"(制表|审核|复核|记账|出纳|会计|负责人|主管|填表|经办|报账员|监督)人?\s*[:：]")
_LABEL_SPACE = re.compile(r"[\s\u3000:：]+")
_ZERO = Decimal("0.00")


@dataclass
class SheetResult:
    """What one sheet gave: its entry for the report, its expenses, its own findings."""

    read: SheetRead | None
    expenses: list[Expense] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: (voucher, file, sheet, row) of every voucher the sheet shows (for voucher-gap and duplicate-voucher); an
    #: expense list leaves out its expenses' rows, which the rules know from the expenses themselves
    vouchers: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    has_header: bool = False
    has_data: bool = False
    #: expenses dated inside the period (for skipping other months' sheets of a workbook)
    in_period: int = 0
    #: income, other flows and transfers (SPEC 12.1, 12.2); balances a cash or bank journal gives
    lines: list[M.MoneyLine] = field(default_factory=list)
    balances: list[M.Balance] = field(default_factory=list)
    #: a cash journal's rows whose 余额 is below zero: (1-based row, balance)
    negative_cash: list[tuple[int, Decimal]] = field(default_factory=list)
    #: the sheet is a cash or bank journal (日记账)
    cash_journal: bool = False
    #: a journal's, or a 科目余额表's, debits and credits on 101 and 102 (账表相符, SPEC 12.2)
    movements: list[M.Movement] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as text: strings stripped, whole floats without ".0", dates as ISO."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@lru_cache(maxsize=65536)
def _label_of(text: str) -> str:
    """A cell's text as a row label (voucher numbers and labels repeat from sheet to sheet: worked out once)."""
    return _LABEL_SPACE.sub("", text)


def _row_label(row: list, cols: tuple[int, ...]) -> str:
    for c in cols:
        if c < len(row):
            v = row[c]
            if isinstance(v, str) and v:
                label = _label_of(v)
                # a date or number written as text (月 / 日 columns of "10" and "31") names no row: read on
                if label and not label[0].isdigit():
                    return label
    return ""


_LABEL_STARTS = frozenset("承过上本期转结小合总月")


def _classify(label: str) -> str | None:
    """'carried', 'subtotal', 'total' or None for an ordinary row."""
    if not label or (label[0] not in _LABEL_STARTS and not label.endswith("小计")):
        return None
    for word in _CARRIED:
        if label.startswith(word):
            return "carried"
    if label.startswith(("小计", "本日合计")) or label.endswith("小计"):
        return "subtotal"
    for word in _TOTALS:
        if label.startswith(word):
            return "total"
    return None


def _has_data(row: list) -> bool:
    for v in row:
        if v != "" and v is not None:
            return True
    return False


class _Sheet:
    """Shared state while one sheet is normalised."""

    def __init__(self, raw: RawSheet, village: str, file: str, sheet: str | None, header: Header,
                 period: Period | None):
        self.raw = raw
        self.village = village
        self.file = file
        self.sheet = sheet
        self.header = header
        self.period = period
        self.cols = header.cols
        self.findings: list[Finding] = []
        self.letters = {f: column_letter(c) for f, c in header.cols.items()}
        # merged cells fill down only in the date and voucher columns (SPEC 3.3)
        self.fill: dict[tuple[int, int], tuple[int, int]] = {}
        wanted = {header.cols[f] for f in _FILL_DOWN if f in header.cols}
        for r0, c0, r1, c1 in raw.merged:
            if r1 > r0 and r1 > header.row:
                for c in range(c0, c1 + 1):
                    if c in wanted:
                        for r in range(max(r0 + 1, header.row + 1), r1 + 1):
                            self.fill[(r, c)] = (r0, c0)
        self.no_value = raw.formula_no_value

    def cell(self, r: int, name: str) -> object:
        c = self.cols.get(name)
        if c is None:
            return ""
        row = self.raw.rows[r]
        v = row[c] if c < len(row) else ""
        if (v == "" or v is None) and self.fill:
            src = self.fill.get((r, c))
            if src is not None:
                srow = self.raw.rows[src[0]]
                v = srow[src[1]] if src[1] < len(srow) else ""
        return "" if v is None else v

    def add(self, code: str, r: int | None, name: str | None = None, voucher: str | None = None,
            column: str | None = None, **params: object) -> None:
        col = column if column is not None else (self.letters.get(name) if name else None)
        self.findings.append(F.make(
            code, village=self.village, file=self.file, sheet=self.sheet,
            row=None if r is None else r + 1, column=col, voucher=voucher or None, **params,
        ))

    def blocked(self, r: int, name: str) -> bool:
        """A formula cell with no cached value: reported once, and not also as blank."""
        c = self.cols.get(name)
        return c is not None and (r, c) in self.no_value

    def date(self, r: int, voucher: str) -> dt.date | None:
        year = self.period.year if self.period else None
        if self.header.header_year:
            year = self.header.header_year
        if "date" in self.cols:
            value = self.cell(r, "date")
            if value == "" or (isinstance(value, str) and not value.strip()):
                return None
            try:
                d = parse_date(value, year)
            except DateProblem as exc:
                self.add("bad-date", r, "date", voucher, value=F.excerpt(cell_text(value)), detail=str(exc))
                return None
            return self._in_period(r, d, voucher, "date")
        # 年 / 月 / 日 (or 月 / 日) in their own columns
        y = parse_part(self.cell(r, "year")) if "year" in self.cols else year
        m = parse_part(self.cell(r, "month"))
        d_ = parse_part(self.cell(r, "day"))
        raw_m, raw_d = self.cell(r, "month"), self.cell(r, "day")
        if raw_m == "" and raw_d == "":
            return None
        shown = f"{cell_text(self.cell(r, 'year')) + '年' if 'year' in self.cols else ''}{cell_text(raw_m)}月{cell_text(raw_d)}日"
        if y is None and "year" not in self.cols:
            self.add("bad-date", r, "month", voucher, value=shown, detail="，没有年份（检查全部月份时日期须写明年份）")
            return None
        if y is None or m is None or d_ is None:
            self.add("bad-date", r, "month" if m is None else "day", voucher, value=shown, detail="")
            return None
        try:
            d = dt.date(y, m, d_)
        except ValueError:
            self.add("bad-date", r, "day", voucher, value=shown, detail="，这一天不存在")
            return None
        return self._in_period(r, d, voucher, "month")

    def _in_period(self, r: int, d: dt.date, voucher: str, name: str) -> dt.date:
        if self.period and not self.period.contains(d):
            self.add("date-outside-period", r, name, voucher, value=d.isoformat(), period=self.period.label())
        return d

    def parsed(self, r: int, name: str, voucher: str) -> Decimal | None | bool:
        """The amount in a cell: a Decimal, None when blank, False when unreadable (said as bad-amount)."""
        value = self.cell(r, name)
        try:
            return parse_amount(value)
        except AmountError as exc:
            self.add("bad-amount", r, name, voucher, value=F.excerpt(cell_text(value)), reason=exc.reason)
            return False

    def amount(self, r: int, name: str, voucher: str) -> Decimal | None:
        """An expense's amount, or None when blank, unreadable or zero (the last two said as bad-amount)."""
        a = self.parsed(r, name, voucher)
        if a is False:
            return None
        if a is not None and a == 0:
            self.add("bad-amount", r, name, voucher, value=F.excerpt(cell_text(self.cell(r, name))),
                     reason="为零，支出金额不能为 0")
            return None
        return a

    def check_total(self, r: int, name: str, computed: Decimal) -> None:
        if self.blocked(r, name):
            self.add("formula-no-value", r, name)
            return
        value = self.cell(r, name)
        try:
            stated = parse_amount(value)
        except AmountError as exc:
            self.add("bad-amount", r, name, value=F.excerpt(cell_text(value)), reason=exc.reason)
            return
        if stated is None:
            return
        if stated != computed:
            self.add("total-mismatch", r, name, stated=display(stated), computed=display(computed),
                     diff=display(stated - computed))


def _voucher(sheet: _Sheet, r: int) -> str:
    number = cell_text(sheet.cell(r, "voucher"))
    if "voucher_word" in sheet.cols and sheet.cols["voucher_word"] != sheet.cols.get("voucher"):
        word = cell_text(sheet.cell(r, "voucher_word"))
        if word and number:
            return f"{word}-{number}"
    return number


def _label_cols(header: Header) -> tuple[int, ...]:
    cols = [header.cols[f] for f in ("date", "voucher", "voucher_word", "summary", "month", "year") if f in header.cols]
    return tuple(dict.fromkeys([0, 1, *cols]))


def _attachments(value: object) -> int | None:
    if type(value) is float and value.is_integer() and value >= 0:
        return int(value)  # the common case
    if value == "" or value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and value >= 0 else None
    digits = re.match(r"\s*(\d+)", str(value))
    return int(digits.group(1)) if digits else None


def _expense(s: _Sheet, r: int, d: dt.date, voucher: str, summary: str, amount: Decimal,
             columns: tuple[tuple[str, str], ...], amount_col: int, **extra: object) -> Expense:
    texts = {name: cell_text(s.cell(r, name)) for name in _TEXT_FIELDS if name in s.cols and name != "summary"}
    texts.update({k: v for k, v in extra.items() if isinstance(v, str)})
    attachments = extra.get("attachments")
    return Expense(
        village=s.village, file=s.file, sheet=s.sheet, row=r + 1, date=d, voucher=voucher, summary=summary,
        amount=amount,
        category=texts.get("category", ""),
        payee=texts.get("payee", ""),
        handler=texts.get("handler", ""),
        reviewer=texts.get("reviewer", ""),
        approver=texts.get("approver", ""),
        invoice=texts.get("invoice", ""),
        attachments=(_attachments(attachments if attachments is not None else s.cell(r, "attachments"))
                     if "attachments" in s.cols else None),
        method=texts.get("method", ""),
        remarks=texts.get("remarks", ""),
        account_code=str(extra.get("account_code", "")),
        layout=JOURNAL if "account_code" in extra else EXPENSE_LIST,
        columns=columns,
        invoice_code=texts.get("invoice_code", ""),
    )

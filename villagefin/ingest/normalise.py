"""Cells → `Expense` records and the findings a sheet itself shows (SPEC 3.2, 3.3, 4).

This is where a sheet's rows are classified (expense, total, subtotal, carried total, footer, blank), required
fields checked, dates and amounts parsed, and a journal's vouchers balanced. Findings that need more than one
sheet (duplicates, gaps, thresholds) are the rules' business (`villagefin.rules`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from .. import findings as F
from .. import model as M
from ..model import CASH_JOURNAL, EXPENSE_LIST, JOURNAL, Expense, Finding, Period, SheetRead, column_letter
from ..money import AmountError, display, parse_amount
from . import flows as FL
from .dates import DateProblem, parse_date, parse_part
from .headers import Header, find_header, missing_columns, norm_label
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


class _ListColumns:
    """Where an expense list's (or a cash or bank journal's) fields are, resolved once for all its rows."""

    def __init__(self, s: _Sheet, columns: tuple[tuple[str, str], ...]):
        cols = s.cols
        self.columns = columns
        self.labels = _label_cols(s.header)
        self.amount = cols["amount"]
        self.summary = cols["summary"]
        self.voucher = cols.get("voucher")
        self.date = cols.get("date")
        self.date_parts = [cols[f] for f in ("date", "month", "day") if f in cols]
        self.one_date = self.date if self.date_parts == [self.date] else None
        self.period = (s.period.year, s.period.month) if s.period is not None else None
        self.word = "voucher_word" in cols and cols["voucher_word"] != self.voucher
        #: the text fields of Expense in its field order; None where the sheet has no such column
        self.texts = [cols.get(n) for n in _EXPENSE_TEXTS]
        # all of them at once, where the sheet has every one of those columns and the row reaches them all
        self.all_texts = itemgetter(*self.texts) if None not in self.texts else None
        self.texts_width = max((c for c in self.texts if c is not None), default=-1) + 1
        self.attachments = cols.get("attachments")
        self.code = cols.get("invoice_code")
        self.watched = [(n, c) for n, c in cols.items() if n in _WATCHED]
        self.cash = s.header.cash_journal
        self.layout = CASH_JOURNAL if self.cash else EXPENSE_LIST
        # a 现金日记账 pays in cash, a 银行存款日记账 by bank, when the sheet has no payment-method column
        self.method = _journal_method(s) if self.cash and "method" not in cols else ""
        # cells are read straight from the row where no merged cell fills down and no formula lacks its value
        self.plain = not s.fill and not s.no_value


def _expense_list(s: _Sheet, columns: tuple[tuple[str, str], ...], vouchers: list,
                  income: _IncomeList | None = None) -> tuple[list, int]:
    """An expense list's (or a cash or bank journal's) rows → its expenses (an income list's money lines, with
    `income`) and the number of rows counted; the vouchers of the other rows go into `vouchers` (a cash
    journal's none), the sheet's own findings into `s`."""
    k = _ListColumns(s, columns)
    rows = s.raw.rows
    out: list = []
    total: Decimal = _ZERO
    counted = 0
    other_month: set[int] = set()  # a cash journal's rows dated in another month (1-based)
    period = s.period
    for r in range(s.header.row + 1, len(rows)):
        row = rows[r]
        if not _has_data(row):
            continue
        label = _row_label(row, k.labels)
        kind = _classify(label)
        if kind == "total":
            running = _total_row(s, k, r, label, total)
            if running is None:
                break  # footer rows after the total are not expenses
            total = running
            continue
        if kind is not None:
            continue  # carried totals and subtotals are not expenses
        counted += 1
        voucher, raw_amount, summary, date_blank = _list_fields(s, k, r, row)
        if voucher and not k.cash:  # a cash journal holds only part of the vouchers: no voucher-gap from it
            vouchers.append((voucher, s.file, s.sheet, r + 1))
        amount_blank = type(raw_amount) is not float and (raw_amount == "" or raw_amount is None or (
            isinstance(raw_amount, str) and not raw_amount.strip()))
        if (amount_blank or not voucher) and _not_an_expense(s, k, r, row, voucher, summary, amount_blank,
                                                             date_blank):
            continue
        ok = True
        if s.no_value or date_blank or amount_blank or not voucher or not summary:
            ok = _row_findings(s, k, r, voucher, summary, amount_blank, date_blank)
        amount = None if amount_blank else _list_amount(s, k, r, raw_amount, voucher)
        if amount is not None:
            total += amount
        if date_blank:
            continue
        d = _list_date(s, k, r, row, voucher)
        if k.cash and d is not None and period is not None and not period.contains(d):
            other_month.add(r + 1)
        if ok and amount is not None and d is not None:
            if income is not None:
                out.append(income.line(s, k, r, row, d, voucher, summary, amount))
                continue
            out.append(_list_expense(s, k, r, row, d, voucher, summary, amount))
            if voucher and not k.cash:
                vouchers.pop()  # the expense shows its voucher to the rules itself: no second entry to place
    if other_month and any(period.contains(e.date) for e in out):
        # a cash journal runs across months (「大华11-12月」): the rows of other months are not this month's
        # lines, nor its errors
        out = [e for e in out if e.row not in other_month]
        s.findings = [f for f in s.findings if f.row not in other_month]
    return out, counted


def _total_row(s: _Sheet, k: _ListColumns, r: int, label: str, total: Decimal) -> Decimal | None:
    """A total row, cross-checked against the rows before it: None when it ends the list, else the running
    total to go on with. A cash journal runs on past its month total (本月合计, then the next month's rows):
    only the month total is cross-checked, against the rows since the one before."""
    if not k.cash:
        s.check_total(r, "amount", total)
        return None
    if label.startswith(_MONTH_TOTALS):
        s.check_total(r, "amount", total)
        return _ZERO
    return total


def _list_fields(s: _Sheet, k: _ListColumns, r: int, row: list) -> tuple[str, object, str, bool]:
    """(voucher, amount cell, summary, whether every date column is blank) of an expense list's row."""
    if not k.plain:
        return (_voucher(s, r), s.cell(r, "amount"), cell_text(s.cell(r, "summary")),
                all(s.cell(r, f) == "" for f in ("date", "month", "day") if f in s.cols))
    n = len(row)
    number = row[k.voucher] if k.voucher is not None and k.voucher < n else ""
    number = number.strip() if isinstance(number, str) else cell_text(number)
    if k.word and number and s.cell(r, "voucher_word") != "":
        number = f"{cell_text(s.cell(r, 'voucher_word'))}-{number}"
    summary = row[k.summary] if k.summary < n else ""
    summary = summary.strip() if isinstance(summary, str) else cell_text(summary)
    if k.one_date is not None:  # one date column, the common case
        date_blank = k.one_date >= n or row[k.one_date] in ("", None)
    else:
        date_blank = all((row[c] if c < n else "") in ("", None) for c in k.date_parts)
    return number, row[k.amount] if k.amount < n else "", summary, date_blank


def _not_an_expense(s: _Sheet, k: _ListColumns, r: int, row: list, voucher: str, summary: str,
                    amount_blank: bool, date_blank: bool) -> bool:
    """A row that holds no expense: a cash journal's income or 上月结余, a footer or a note."""
    if k.cash and amount_blank and not s.blocked(r, "amount"):
        return True  # income, 上月结余: not an expense
    if amount_blank and not voucher and date_blank:
        if not summary or _FOOTER.search(summary) or _FOOTER.search(_row_label(row, (0,))):
            return True  # a footer or note line, not an expense
    return (not summary and not voucher and date_blank and not amount_blank
            and _FOOTER.search(_row_label(row, (0,))) is not None)


def _row_findings(s: _Sheet, k: _ListColumns, r: int, voucher: str, summary: str, amount_blank: bool,
                  date_blank: bool) -> bool:
    """formula-no-value and missing-field of an expense row; False when a required field is missing."""
    blocked = s.blocked if s.no_value else None
    if blocked:
        for name, c in k.watched:
            if (r, c) in s.no_value:
                s.add("formula-no-value", r, name, voucher)
    ok = True
    if date_blank and not (blocked and any(blocked(r, f) for f in ("date", "month", "day"))):
        s.add("missing-field", r, "date" if "date" in s.cols else "month", voucher, field=FIELD_NAMES["date"])
        ok = False
    if not voucher and not (blocked and blocked(r, "voucher")):
        s.add("missing-field", r, "voucher", voucher, field=FIELD_NAMES["voucher"])
        ok = False
    if not summary and not (blocked and blocked(r, "summary")):
        s.add("missing-field", r, "summary", voucher, field=FIELD_NAMES["summary"])
        ok = False
    if amount_blank:
        if not (blocked and blocked(r, "amount")):
            s.add("missing-field", r, "amount", voucher, field=FIELD_NAMES["amount"])
        ok = False
    return ok


def _list_amount(s: _Sheet, k: _ListColumns, r: int, raw: object, voucher: str) -> Decimal | None:
    """An expense row's amount; None when unreadable or zero (said as bad-amount)."""
    if k.plain and type(raw) is float:  # the common case: a number cell
        try:
            amount = parse_amount(raw)
        except AmountError:
            amount = None
        if amount:
            return amount
    return s.amount(r, "amount", voucher)  # reads it again, and reports what is wrong


def _list_date(s: _Sheet, k: _ListColumns, r: int, row: list, voucher: str) -> dt.date | None:
    if k.plain and k.date is not None:
        value = row[k.date] if k.date < len(row) else ""
        if type(value) is dt.date and (value.year, value.month) == k.period:
            return value  # the common case, without a detour
    return s.date(r, voucher)


def _list_texts(s: _Sheet, k: _ListColumns, r: int, row: list) -> tuple[list[str], int | None, str]:
    """An expense list's row: its text fields (in Expense's order), attachments and 发票代码."""
    if k.plain:
        n = len(row)
        if k.all_texts is not None and n >= k.texts_width:
            t = [v.strip() if type(v) is str else cell_text(v) for v in k.all_texts(row)]
        else:
            t = ["" if c is None or c >= n else (v.strip() if isinstance(v := row[c], str) else cell_text(v))
                 for c in k.texts]
        att = None if k.attachments is None else _attachments(row[k.attachments] if k.attachments < n else "")
        code = "" if k.code is None or k.code >= n else cell_text(row[k.code])
    else:
        t = ["" if c is None else cell_text(s.cell(r, name)) for name, c in zip(_EXPENSE_TEXTS, k.texts,
                                                                              strict=True)]
        att = _attachments(s.cell(r, "attachments")) if k.attachments is not None else None
        code = "" if k.code is None else cell_text(s.cell(r, "invoice_code"))
    return t, att, code


def _list_expense(s: _Sheet, k: _ListColumns, r: int, row: list, d: dt.date, voucher: str, summary: str,
                  amount: Decimal) -> Expense:
    t, att, code = _list_texts(s, k, r, row)
    return Expense(
        village=s.village, file=s.file, sheet=s.sheet, row=r + 1, date=d, voucher=voucher, summary=summary,
        amount=amount, category=t[0], payee=t[1], handler=t[2], reviewer=t[3], approver=t[4], invoice=t[5],
        attachments=att, method=t[6] or k.method, remarks=t[7], layout=k.layout, columns=k.columns,
        invoice_code=code,
    )


def _journal_method(s: _Sheet) -> str:
    """现金 or 银行 from a cash or bank journal's sheet name or title rows ("" when neither says)."""
    texts = [s.raw.name] + [cell_text(v) for row in s.raw.rows[:s.header.first_row] for v in row]
    text = " ".join(texts)
    if "现金" in text:
        return "现金"
    if "银行" in text:
        return "银行"
    return ""


#: Expense's text fields after summary, in its field order (attachments sits between invoice and method)
_EXPENSE_TEXTS = ("category", "payee", "handler", "reviewer", "approver", "invoice", "method", "remarks")

_WATCHED = frozenset(("amount", "date", "voucher", "summary", "category", "payee", "handler", "reviewer", "approver",
                      "invoice", "attachments", "method", "remarks", "month", "day", "year", "invoice_code"))


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


@dataclass
class _Line:
    r: int
    voucher: str
    date: dt.date | None
    summary: str
    code: str
    name: str
    debit: Decimal | None
    credit: Decimal | None
    ok: bool


def _journal(s: _Sheet, columns: tuple[tuple[str, str], ...], chart_for: Callable,
             money: list[M.MoneyLine] | None = None,
             movements: list[M.Movement] | None = None) -> tuple[list[Expense], int, list]:
    """A journal's (序时账's) rows → the expenses of its balanced vouchers, the rows counted, and every voucher
    it shows (for voucher-gap); its income and other flows go into `money`, its debits and credits on 101 and
    102 into `movements`."""
    lines, counted = _journal_lines(s)
    groups: dict[str, list[_Line]] = {}
    for line in lines:
        if line.voucher:
            groups.setdefault(line.voucher, []).append(line)
    enterprise = enterprise_codes(ln.code for ln in lines if ln.code)
    if enterprise:
        shown = "、".join(enterprise[:8]) + (f" 等 {len(enterprise)} 个" if len(enterprise) > 8 else "")
        s.findings.clear()  # said once for the sheet, none of its lines being read
        s.add("unknown-chart", None, value=shown)
        return [], counted, []
    chart = chart_for([ln.code for ln in lines if ln.code])
    if movements is not None:  # its debits and credits on 101 and 102 in the month (账表相符, SPEC 12.2)
        movements.extend(FL.journal_movements(
            (ln for ln in lines if ln.date is None or s.period is None or s.period.contains(ln.date)), chart,
            village=s.village, file=s.file, sheet=s.sheet))
    out: list[Expense] = []
    vouchers = []
    methods: dict[str, str] = {}  # voucher → 现金/银行/挂账, for a sheet with money lines (SPEC 12.1)
    for voucher, group in groups.items():
        vouchers.append((voucher, s.file, s.sheet, group[0].r + 1))
        out.extend(_voucher_expenses(s, columns, chart, voucher, group, money=money, methods=methods))
    if money:
        # a sheet with income or other flows publishes 收支: its expenses carry the voucher's money column
        out = [replace(e, method=methods.get(e.voucher, e.method)) for e in out]
    if money is not None and any(e.amount < 0 for e in out):
        out.sort(key=lambda e: e.row)  # refunds were added before their voucher's debits
    return out, counted, vouchers


def _journal_lines(s: _Sheet) -> tuple[list[_Line], int]:
    """A journal's lines up to its total row (cross-checked against them), and the rows counted."""
    rows = s.raw.rows
    label_cols = _label_cols(s.header)
    lines: list[_Line] = []
    debits = credits = _ZERO
    counted = 0
    for r in range(s.header.row + 1, len(rows)):
        row = rows[r]
        if not _has_data(row):
            continue
        kind = _classify(_row_label(row, label_cols))
        if kind in ("carried", "subtotal"):
            continue
        if kind == "total":
            if "debit" in s.cols:
                s.check_total(r, "debit", debits)
                s.check_total(r, "credit", credits)
            else:
                s.check_total(r, "amount", debits)
            break
        line = _journal_line(s, r, row, lines[-1] if lines else None)
        if line is None:
            continue  # a footer or note line
        counted += 1
        debits += line.debit or _ZERO
        credits += line.credit or _ZERO
        lines.append(line)
    return lines, counted


def _journal_line(s: _Sheet, r: int, row: list, prev: _Line | None) -> _Line | None:
    """One journal row (None for a footer or note line), its findings said. A continuation line of a voucher
    often leaves the voucher's number and date blank: it takes them from the line before."""
    voucher = _voucher(s, r)
    date_blank = s.cell(r, "date") == "" if "date" in s.cols else False
    code = cell_text(s.cell(r, "account_code"))
    name = cell_text(s.cell(r, "account_name"))
    summary = cell_text(s.cell(r, "summary"))
    if not voucher and date_blank and not code and not name:
        if not summary or _FOOTER.search(summary) or _FOOTER.search(_row_label(row, (0,))):
            return None
    for fname, c in s.cols.items():
        if (r, c) in s.no_value:
            s.add("formula-no-value", r, fname, voucher)
    inherited = False
    if not voucher and date_blank and prev is not None:
        voucher, inherited = prev.voucher, True
    elif date_blank and prev is not None and voucher == prev.voucher:
        inherited = True  # the voucher's date only on its first line
    ok = True
    if not voucher:
        s.add("missing-field", r, "voucher", None, field=FIELD_NAMES["voucher"])
        ok = False
    if inherited:
        d = prev.date if prev else None
    elif date_blank:
        s.add("missing-field", r, "date", voucher, field=FIELD_NAMES["date"])
        d = None
        ok = False
    else:
        d = s.date(r, voucher)
        ok = ok and d is not None
    debit, credit, readable = _journal_sides(s, r, voucher)
    return _Line(r, voucher, d, summary, code, name, debit, credit, ok and readable)


def _journal_sides(s: _Sheet, r: int, voucher: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """A journal line's debit and credit, from 借方 / 贷方 or from 金额 and its 借贷方向; False when an amount is
    unreadable or has no direction (said)."""
    if "debit" in s.cols:
        debit = _journal_amount(s, r, "debit", voucher)
        credit = _journal_amount(s, r, "credit", voucher)
        if debit is False or credit is False:  # unreadable amount, already reported
            return None, None, False
        return debit, credit, True
    a = _journal_amount(s, r, "amount", voucher)
    direction = cell_text(s.cell(r, "direction"))
    if a is False:
        return None, None, False
    if a is None:
        return None, None, True
    if direction.startswith("贷") or direction == "0":  # 金蝶 KIS's FDC: 1 = 借, 0 = 贷
        return None, a, True
    if direction.startswith("借") or direction == "1":
        return a, None, True
    s.add("missing-field", r, "direction", voucher, field="借贷方向")
    return None, None, False


def _voucher_expenses(s: _Sheet, columns: tuple[tuple[str, str], ...], chart, voucher: str, group: list[_Line],
                      *, money: list[M.MoneyLine] | None, methods: dict[str, str]) -> list[Expense]:
    """A journal voucher's expenses: none unless every line of it was read and it balances (unbalanced-voucher
    on each line otherwise). Its money lines go into `money` (when asked for), its money column into
    `methods`; refunds come first, then the debits on expense accounts."""
    debit_sum = sum((ln.debit or _ZERO for ln in group), _ZERO)
    credit_sum = sum((ln.credit or _ZERO for ln in group), _ZERO)
    if not all(ln.ok for ln in group):
        return []
    if debit_sum != credit_sum:
        for ln in group:
            side = "amount" if "debit" not in s.cols else ("credit" if ln.credit and not ln.debit else "debit")
            s.add("unbalanced-voucher", ln.r, side, voucher, debit=display(debit_sum), credit=display(credit_sum))
        return []
    method = ""
    for ln in group:
        if ln.credit:
            kind = chart.cash_or_bank(ln.code, ln.name)
            if kind:
                method = kind
                break
    first_summary = next((ln.summary for ln in group if ln.summary), "")
    out: list[Expense] = []
    if money is not None:
        flows = FL.voucher_flows(_voucher_lines(s, group, first_summary), chart, village=s.village, file=s.file,
                                 sheet=s.sheet, columns=columns)
        money.extend(flows.lines)
        methods[voucher] = flows.method
        for v in flows.refunds:
            out.append(_expense(s, v.row - 1, v.date, voucher, v.summary, -(v.credit or _ZERO), columns,
                                s.cols.get("credit", 0), account_code=v.code, category=v.name or v.code,
                                method=flows.method))
    out.extend(_debit_expenses(s, columns, chart, voucher, group, method, first_summary))
    return out


def _debit_expenses(s: _Sheet, columns: tuple[tuple[str, str], ...], chart, voucher: str, group: list[_Line],
                    method: str, first_summary: str) -> list[Expense]:
    """A balanced voucher's debit lines on expense accounts, as expenses (unknown-category for a debit the
    chart cannot place, so that no spending vanishes unseen)."""
    out: list[Expense] = []
    carried: dict[str, str] | None = None
    for ln in group:
        if not ln.debit:
            continue
        if not chart.is_expense(ln.code, ln.name):
            if (ln.code or ln.name) and chart.lookup(ln.code) is None and chart.lookup(ln.name) is None:
                s.add("unknown-category", ln.r, "account_code" if ln.code else "account_name", voucher,
                      value=F.excerpt(" ".join(x for x in (ln.code, ln.name) if x)))
            continue
        summary = ln.summary or first_summary
        if not summary:
            s.add("missing-field", ln.r, "summary", voucher, field=FIELD_NAMES["summary"])
            continue
        assert ln.date is not None
        if carried is None:
            carried = _voucher_fields(s, group)
        out.append(_expense(s, ln.r, ln.date, voucher, summary, ln.debit, columns, s.cols.get("debit", 0),
                            account_code=ln.code, category=ln.name or ln.code,
                            method=method or cell_text(s.cell(ln.r, "method")),
                            **{k: v for k, v in carried.items() if not cell_text(s.cell(ln.r, k))}))
    return out


#: what bookkeeping software prints only on a voucher's first line (金蝶 KIS's 审核人, 制单, 附件数): it holds
#: for the voucher's other lines too (SPEC 16)
_VOUCHER_FIELDS = ("handler", "reviewer", "approver", "attachments")


def _voucher_fields(s: _Sheet, group: list[_Line]) -> dict[str, str]:
    """The voucher-level fields of a voucher: the first value each has on any of its lines."""
    out: dict[str, str] = {}
    for name in _VOUCHER_FIELDS:
        if name not in s.cols:
            continue
        for ln in group:
            value = cell_text(s.cell(ln.r, name))
            if value:
                out[name] = value
                break
    return out


_LEADING_DIGITS = re.compile(r"\d+")


def enterprise_codes(codes: Iterable[str]) -> list[str]:
    """The first-level codes of an enterprise chart (企业会计准则: 1001 库存现金, 1002 银行存款, 6602 管理费用 …)
    when a journal has such lines and none on a village's 101 or 102; else [] (SPEC 16)."""
    seen: set[str] = set()
    village_cash = False
    for code in codes:
        m = _LEADING_DIGITS.match(unicodedata.normalize("NFKC", str(code)).strip())
        if not m:
            continue
        digits = m.group(0)
        if digits.startswith(("101", "102")):
            village_cash = True
        elif len(digits) >= 4:
            seen.add(digits[:4])  # an enterprise chart's first level has four digits
    telling = sorted(c for c in seen if c in ("1001", "1002") or c[0] == "6")
    if village_cash or not telling:
        return []
    return telling + sorted(seen.difference(telling))


def _voucher_lines(s: _Sheet, group: list[_Line], first_summary: str) -> list[FL.VoucherLine]:
    return [FL.VoucherLine(row=ln.r + 1, voucher=ln.voucher, date=ln.date, summary=ln.summary or first_summary,
                           code=ln.code, name=ln.name, debit=ln.debit, credit=ln.credit,
                           texts=tuple((n, cell_text(s.cell(ln.r, n))) for n in _TEXT_FIELDS
                                       if n in s.cols and n != "summary"),
                           attachments=_attachments(s.cell(ln.r, "attachments")) if "attachments" in s.cols else None)
            for ln in group if ln.date is not None]


def _cash_journal(s: _Sheet, columns: tuple[tuple[str, str], ...], chart_for: Callable, result: SheetResult) -> None:
    """A cash or bank journal's income, other flows, transfers and balance (SPEC 12.2), beside its expenses."""
    cols = s.cols
    c_in = "income" if "income" in cols else ("debit" if "debit" in cols else None)
    label_cols = _label_cols(s.header)
    rows: list[FL.CashRow] = []
    accounts: list[str] = []
    total_in = _ZERO  # money in since the last month total: its 本月合计 is checked like the money out (SPEC 12.3)
    for r in range(s.header.row + 1, len(s.raw.rows)):
        row = s.raw.rows[r]
        if not _has_data(row):
            continue
        label = _row_label(row, label_cols)
        voucher = _voucher(s, r)
        money_in = None
        if c_in and _classify(label) == "total" and label.startswith(_MONTH_TOTALS):
            s.check_total(r, c_in, total_in)
            total_in = _ZERO
        if c_in:  # an unreadable income amount is said here (the expense reader skips this column)
            money_in = _quiet_amount(s, r, c_in) if _classify(label) else _income_amount(s, r, c_in, voucher)
            if money_in is not None and not _classify(label):
                total_in += money_in
        money_out = _quiet_amount(s, r, "amount")
        balance = _quiet_amount(s, r, "balance") if "balance" in cols else None
        if money_in is None and money_out is None and balance is None:
            continue
        account = cell_text(s.cell(r, "category"))
        accounts.append(account)
        d = None
        if not _classify(label):
            d = s.date(r, voucher) if money_in and not money_out else _quiet_date(s, r)
        rows.append(FL.CashRow(
            row=r + 1, date=d, voucher=voucher, summary=cell_text(s.cell(r, "summary")), account=account,
            money_in=money_in, money_out=money_out, balance=balance, label=label,
            texts=tuple((n, cell_text(s.cell(r, n))) for n in _TEXT_FIELDS if n in cols and n != "summary"),
            attachments=_attachments(s.cell(r, "attachments")) if "attachments" in cols else None))
    column = FL.journal_column(*[s.raw.name] + [cell_text(v) for row in s.raw.rows[:s.header.first_row] for v in row]
                               + [s.file])
    got = FL.cash_journal_flows(rows, chart_for(accounts), column=column, village=s.village, file=s.file,
                                sheet=s.sheet, columns=columns, period=s.period)
    result.cash_journal = True
    result.lines.extend(got.lines)
    if got.balance is not None:
        result.balances.append(got.balance)
    result.negative_cash.extend(got.negative)
    if got.not_expenses or got.refunds:
        kept = [e for e in result.expenses if e.row not in got.not_expenses]
        by_row = {cr.row: cr for cr in rows}
        for row, amount in got.refunds:
            cr = by_row[row]
            kept.append(_expense(s, row - 1, cr.date, cr.voucher, cr.summary, amount, columns, cols["amount"],
                                 method=dict(cr.texts).get("method", "") or FL.METHOD_OF[column]))
        result.expenses = sorted(kept, key=lambda e: e.row)
    if got.lines or got.balance is not None:
        # a 收支 sheet (SPEC 12.4): its payments leave this journal's account, whatever the sheet's name says
        result.expenses = [e if e.method else replace(e, method=FL.METHOD_OF[column]) for e in result.expenses]


def _header_labels(raw: RawSheet, header: Header) -> list[tuple[int, str]]:
    return [(c, norm_label(v)) for r in range(header.first_row, header.row + 1) for c, v in enumerate(raw.rows[r])]


def _payer_column(raw: RawSheet, header: Header) -> int | None:
    return next((c for c, label in _header_labels(raw, header) if label in FL.PAYER_HEADS), None)


def _is_income_list(raw: RawSheet, header: Header) -> bool:
    """An income list (SPEC 12.2): a payer column, or 金额 on a sheet whose name or title says 收入."""
    if _payer_column(raw, header) is not None:
        return True
    title = " ".join([raw.name] + [cell_text(v) for row in raw.rows[:header.first_row] for v in row])
    return "收入" in title and "支出" not in title


def _says_income_amount(raw: RawSheet) -> bool:
    """A cheap look at the first rows' texts for 收入金额 / 收款金额 (before any header is normalised)."""
    text = "\x00".join([v for row in raw.rows[:30] for v in row if isinstance(v, str)])
    return any(word in text for word in FL.INCOME_AMOUNT_HEADS)


def _income_amount_header(raw: RawSheet) -> tuple[RawSheet, Header | None]:
    """A header whose amount is 收入金额 or 收款金额 beside a payer column: read with 金额 in its place."""
    for r, row in enumerate(raw.rows[:30]):
        labels = [norm_label(v) for v in row]
        if any(label in FL.PAYER_HEADS for label in labels):
            at = next((c for c, label in enumerate(labels) if label in FL.INCOME_AMOUNT_HEADS), None)
            if at is None:
                continue
            rows = list(raw.rows)
            rows[r] = [*row[:at], "金额", *row[at + 1:]]
            changed = replace(raw, rows=rows)
            header = find_header(changed.rows, changed.merged)
            if header is not None and header.layout == EXPENSE_LIST and not header.cash_journal:
                return changed, header
    return raw, None


class _IncomeList:
    """An income list's rows, read and checked as an expense list's are, become income or other money in
    (SPEC 12.2) instead of expenses."""

    def __init__(self, s: _Sheet, chart_for: Callable):
        self.chart = chart_for(())
        self.payer = _payer_column(s.raw, s.header)
        self.kinds: dict[str, tuple[str, str]] = {}  # a list repeats its few categories and methods
        self.columns: dict[str, str] = {}

    def line(self, s: _Sheet, k: _ListColumns, r: int, row: list, d: dt.date, voucher: str, summary: str,
             amount: Decimal) -> M.MoneyLine:
        t, att, _code = _list_texts(s, k, r, row)
        category, method = t[0], t[6] or k.method
        kind, flow_type = self.kinds.get(category) or self.kinds.setdefault(
            category, FL.income_kind(category, self.chart))
        column = self.columns.get(method) or self.columns.setdefault(method, FL.money_column_of(method))
        payer = cell_text(row[self.payer]) if self.payer is not None and self.payer < len(row) else t[1]
        return M.MoneyLine(
            village=s.village, file=s.file, sheet=s.sheet, row=r + 1, date=d, voucher=voucher, summary=summary,
            amount=amount, kind=kind, flow_type=flow_type, column=column, category=category, payer=payer,
            handler=t[2], reviewer=t[3], approver=t[4], invoice=t[5], attachments=att, method=method,
            remarks=t[7], layout=EXPENSE_LIST, columns=k.columns)


def _balances_sheet(raw: RawSheet, village: str, file: str, sheet: str | None, result: SheetResult,
                    period: Period | None = None) -> bool:
    """A 资金余额表 or 科目余额表 (SPEC 12.2): its cash and bank balances (and a 科目余额表's 本期发生 on them) into
    `result`; False if it is not one. A 科目余额表 whose title names another period gives one date-outside-period
    and nothing else."""
    rows = raw.rows
    for h in range(min(len(rows), 30)):
        labels = [norm_label(v) for v in rows[h]]
        below = [norm_label(v) for v in rows[h + 1]] if h + 1 < len(rows) else []
        found = FL.balance_columns(labels, below)
        if found is None:
            continue
        start = h + 2 if found.two_rows else h + 1
        data = []

        def amount(row: list, c: int | None, r: int) -> Decimal | None:
            if c is None or c >= len(row):
                return None
            try:
                return parse_amount(row[c])
            except AmountError as exc:
                result.findings.append(F.make("bad-amount", village=village, file=file, sheet=sheet, row=r + 1,
                                              column=column_letter(c), value=F.excerpt(cell_text(row[c])),
                                              reason=exc.reason))
                return None

        def figure(row: list, f: FL.Figure, r: int) -> Decimal | None:
            direction = cell_text(row[f.direction]) if f.direction is not None and f.direction < len(row) else ""
            return FL.signed_balance(amount(row, f.amount, r), amount(row, f.credit, r), direction)

        for r in range(start, len(rows)):
            row = rows[r]
            texts = [cell_text(v) for v in row[:found.first]]
            code = next((t for t in texts if t and t.replace(".", "").isdigit()), "")
            name = next((t for t in texts if t and not t.replace(".", "").isdigit()), "")
            if not code and not name:
                continue
            data.append(FL.BalanceRow(row=r + 1, code=code, name=_LABEL_SPACE.sub("", name),
                                      opening=figure(row, found.opening, r), closing=figure(row, found.closing, r),
                                      debit=amount(row, found.debit, r), credit=amount(row, found.credit, r)))
        balances = FL.sheet_balances(data, village=village, file=file, sheet=sheet)
        if not balances:
            return False
        result.has_header = True
        layout = balances[0].source
        trial = layout == "trial-balance"
        result.read = SheetRead(path=file, village=village, sheet=sheet,
                                layout=M.TRIAL_BALANCE if trial else "balances", rows=len(data), expenses=0)
        if trial and period is not None and _other_period(raw, h, village, file, sheet, period, result):
            return True  # its balances are another month's: not used
        # a balances sheet left blank (the template's 资金余额 before it is filled in) states no balance
        result.balances.extend(b for b in balances if b.opening is not None or b.closing is not None)
        if trial and found.debit is not None and found.credit is not None:
            result.movements.extend(FL.sheet_movements(
                data, village=village, file=file, sheet=sheet, debit_column=column_letter(found.debit),
                credit_column=column_letter(found.credit)))
        return True
    return False


def _other_period(raw: RawSheet, header_row: int, village: str, file: str, sheet: str | None, period: Period,
                  result: SheetResult) -> bool:
    """A 科目余额表 whose title rows name a period other than the month checked: one date-outside-period."""
    for r in range(header_row):
        texts = [cell_text(v) for v in raw.rows[r]]
        for c, text in enumerate(texts):
            months = FL.title_months([text])
            if months and any(m != (period.year, period.month) for m in months):
                shown = "至".join(dict.fromkeys(f"{y}年{m}月" for y, m in months))
                result.findings.append(F.make("date-outside-period", village=village, file=file, sheet=sheet,
                                              row=r + 1, column=column_letter(c),
                                              value=f"{shown}（科目余额表标题「{F.excerpt(text)}」）",
                                              period=period.label()))
                return True
    return False


def _income_amount(s: _Sheet, r: int, name: str, voucher: str) -> Decimal | None:
    """Money in on a journal row: None when blank or zero; an unreadable amount is bad-amount."""
    try:
        a = parse_amount(s.cell(r, name))
    except AmountError:
        s.parsed(r, name, voucher)  # says bad-amount
        return None
    return None if a is None or a == 0 else a


def _quiet_amount(s: _Sheet, r: int, name: str) -> Decimal | None:
    """An amount already said (or not ours to say) elsewhere: None when blank, zero or unreadable."""
    try:
        a = parse_amount(s.cell(r, name))
    except AmountError:
        return None
    return None if a is None or a == 0 and name != "balance" else a


def _quiet_date(s: _Sheet, r: int) -> dt.date | None:
    year = s.header.header_year or (s.period.year if s.period else None)
    if "date" not in s.cols:
        m, d = parse_part(s.cell(r, "month")), parse_part(s.cell(r, "day"))
        y = parse_part(s.cell(r, "year")) if "year" in s.cols else year
        try:
            return dt.date(y, m, d) if y and m and d else None
        except ValueError:
            return None
    try:
        return parse_date(s.cell(r, "date"), year)
    except DateProblem:
        return None


def _journal_amount(s: _Sheet, r: int, name: str, voucher: str):
    """Decimal, None for blank (0.00 on the unused side counts as blank), False when unreadable."""
    if s.blocked(r, name):
        return False
    a = s.parsed(r, name, voucher)
    if a is False:
        return False
    return None if a is None or a == 0 else a


def hidden_findings(raw: RawSheet, village: str, file: str, sheet: str | None) -> list[Finding]:
    """hidden-content: one per hidden row and column that holds data (a hidden sheet is said by the caller)."""
    out = []
    rows = raw.rows
    for r in sorted(raw.hidden_rows):
        if r < len(rows) and _has_data(rows[r]):
            out.append(F.make("hidden-content", village=village, file=file, sheet=sheet, row=r + 1,
                              what=f"第 {r + 1} 行"))
    for c in sorted(raw.hidden_cols):
        if any(c < len(row) and row[c] != "" and row[c] is not None for row in rows):
            out.append(F.make("hidden-content", village=village, file=file, sheet=sheet,
                              column=column_letter(c), what=f"第 {column_letter(c)} 列"))
    return out


def sheet_has_data(raw: RawSheet) -> bool:
    return any(_has_data(row) for row in raw.rows)


def normalise_sheet(raw: RawSheet, *, village: str, file: str, period: Period | None,
                    chart_for: Callable, sheet: str | None = "") -> SheetResult:
    """One sheet → SheetResult. `chart_for(codes)` gives the chart for a journal's account codes; `sheet` is
    the sheet name findings show ("" = the raw sheet's own name; None for a CSV file, which has no sheets)."""
    if sheet == "":
        sheet = raw.name
    result = SheetResult(read=None, has_data=sheet_has_data(raw))
    if not result.has_data:
        return result
    # 收入金额 / 收款金额 beside a payer column: an income list, read with 金额 in its place (tried first when the
    # words are there at all, so that an income sheet is not first scanned in vain for an expense header)
    header, income_list = None, False
    if _says_income_amount(raw):
        raw, header = _income_amount_header(raw)
        income_list = header is not None
    if header is None:
        header = find_header(raw.rows, raw.merged)
    if header is None:
        if _balances_sheet(raw, village, file, sheet, result, period):
            return result
        near = missing_columns(raw.rows, raw.merged)
        if near is not None:
            detail = f"第 {near[0] + 1} 行像是表头，但缺少{''.join(f'「{n}」' for n in near[1])}列"
        else:
            detail = "没有一行同时包含日期、凭证号、摘要和金额列"
        result.findings.append(F.make("no-header", village=village, file=file, sheet=sheet, detail=detail))
        return result
    result.has_header = True
    s = _Sheet(raw, village, file, sheet, header, period)
    columns = tuple((name, s.letters[name]) for name in header.cols)
    if header.layout == JOURNAL:
        expenses, counted, vouchers = _journal(s, columns, chart_for, result.lines, result.movements)
        result.vouchers = vouchers
    elif not header.cash_journal and (income_list or _is_income_list(raw, header)):
        result.lines, counted = _expense_list(s, columns, result.vouchers, _IncomeList(s, chart_for))
        expenses = []
    else:
        expenses, counted = _expense_list(s, columns, result.vouchers)
    result.expenses = expenses
    if header.cash_journal:
        _cash_journal(s, columns, chart_for, result)
        expenses = result.expenses
    result.findings = s.findings + hidden_findings(raw, village, file, sheet)
    if period:
        result.in_period = sum(1 for e in expenses if period.contains(e.date))
    result.read = SheetRead(path=file, village=village, sheet=sheet,
                            layout=CASH_JOURNAL if header.cash_journal else header.layout,
                            rows=counted, expenses=len(expenses))
    return result

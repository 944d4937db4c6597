"""The expense-list reader (SPEC 3.2): its columns (`_ListColumns`), its rows → expenses, totals checked; and the
income list (SPEC 12.2), read the same way into money lines (`_IncomeList`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from operator import itemgetter

from .. import model as M
from ..model import CASH_JOURNAL, EXPENSE_LIST, Expense
from ..money import AmountError, parse_amount
from . import flows as FL
from .headers import Header, find_header, norm_label
from .read import RawSheet
from .sheet import (
    _FOOTER,
    _MONTH_TOTALS,
    _ZERO,
    FIELD_NAMES,
    _attachments,
    _classify,
    _has_data,
    _label_cols,
    _row_label,
    _Sheet,
    _voucher,
    cell_text,
)


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

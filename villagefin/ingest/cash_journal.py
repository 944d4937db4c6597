"""The 现金/银行日记账 reader (SPEC 12.2, 16) and the balances sheet (SPEC 12.2): a cash or bank journal's rows → expenses
and money lines, and a sheet of opening and closing balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from .. import findings as F
from .. import model as M
from ..model import Period, SheetRead, column_letter
from ..money import AmountError, parse_amount
from . import flows as FL
from .dates import DateProblem, parse_date, parse_part
from .headers import norm_label
from .read import RawSheet
from .sheet import (
    _LABEL_SPACE,
    _MONTH_TOTALS,
    _TEXT_FIELDS,
    _ZERO,
    SheetResult,
    _attachments,
    _classify,
    _expense,
    _has_data,
    _label_cols,
    _row_label,
    _Sheet,
    _voucher,
    cell_text,
)


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
        kind = _classify(label)  # None for an ordinary row
        voucher = _voucher(s, r)
        money_in = None
        if c_in and kind == "total" and label.startswith(_MONTH_TOTALS):
            s.check_total(r, c_in, total_in)
            total_in = _ZERO
        if c_in:  # an unreadable income amount is said here (the expense reader skips this column)
            money_in = _quiet_amount(s, r, c_in) if kind else _income_amount(s, r, c_in, voucher)
            if money_in is not None and not kind:
                total_in += money_in
        money_out = _quiet_amount(s, r, "amount")
        balance = _quiet_amount(s, r, "balance") if "balance" in cols else None
        if money_in is None and money_out is None and balance is None:
            continue
        account = cell_text(s.cell(r, "category"))
        accounts.append(account)
        d = None
        if not kind:
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

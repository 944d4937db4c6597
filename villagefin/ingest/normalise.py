"""Cells → `Expense` records and the findings a sheet itself shows (SPEC 3.2, 3.3, 4).

This is where a sheet's rows are classified (expense, total, subtotal, carried total, footer, blank), required
fields checked, dates and amounts parsed, and a journal's vouchers balanced. Findings that need more than one
sheet (duplicates, gaps, thresholds) are the rules' business (`villagefin.rules`).
"""

from __future__ import annotations

from collections.abc import Callable

from .. import findings as F
from ..model import CASH_JOURNAL, JOURNAL, Finding, Period, SheetRead, column_letter
from .cash_journal import _balances_sheet, _cash_journal
from .expense_list import (
    _expense_list,
    _income_amount_header,
    _IncomeList,
    _is_income_list,
    _says_income_amount,
)
from .headers import find_header, missing_columns
from .journal import _journal, enterprise_codes
from .read import RawSheet
from .sheet import FIELD_NAMES, SheetResult, _has_data, _Sheet, cell_text

__all__ = ["FIELD_NAMES", "SheetResult", "cell_text", "enterprise_codes", "hidden_findings", "normalise_sheet",
           "sheet_has_data"]


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

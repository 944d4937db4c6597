"""The 序时账 reader (SPEC 3.3, 16): journal lines grouped by voucher, each voucher balanced, its debit lines on
expense accounts → expenses, and every voucher's lines for the money flows."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from .. import findings as F
from .. import model as M
from ..model import Expense
from ..money import display
from . import flows as FL
from .sheet import (
    _FOOTER,
    _TEXT_FIELDS,
    _ZERO,
    FIELD_NAMES,
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
    chart = chart_for([ln.code or ln.name for ln in lines if ln.code or ln.name])  # names decide when no code does
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


def _journal_amount(s: _Sheet, r: int, name: str, voucher: str):
    """Decimal, None for blank (0.00 on the unused side counts as blank), False when unreadable."""
    if s.blocked(r, name):
        return False
    a = s.parsed(r, name, voucher)
    if a is False:
        return False
    return None if a is None or a == 0 else a

"""Money lines and balances from normalised ledger lines (SPEC 12.1, 12.2): pure functions, no cells.

`voucher_flows` turns one balanced journal voucher into money lines: in a voucher that touches 101 库存现金 or
102 银行存款 every other line is a line of its account's kind (a credit is money in, a debit money out); a
voucher that touches both puts its lines in the bank column and its 101 movement in 内部转账; a voucher that
touches neither gives only accrued (挂账) income; a 结转 voucher (closing into 321/322) gives nothing.
Expenses stay `Expense` records, made where they always were; this module says which refunds (credits on an
expense account in a money voucher) become negative expenses and which payment method the voucher's lines get.

`cash_journal_flows` does the same for the rows of a cash or bank journal (日记账) and reads its balances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..chart import CASH_KIND, EXPENSE, INCOME, OTHER_TYPE, Chart, flow_types
from ..model import (
    ACCRUED,
    ACCRUED_METHOD,
    BANK,
    CASH,
    CASH_JOURNAL,
    JOURNAL,
    OTHER_IN,
    OTHER_OUT,
    TRANSFER,
    Balance,
    MoneyLine,
    Period,
)
from ..model import INCOME as INCOME_LINE

_ZERO = Decimal("0.00")
#: the payment method of a line, by the money column it moves (as journals gave expenses before)
METHOD_OF = {CASH: "现金", BANK: "银行", ACCRUED: ACCRUED_METHOD}
#: words in a journal's title, sheet or file name that make it a bank journal (SPEC 12.2)
_BANK_WORDS = ("银行", "存款", "信用社", "农商")
#: summaries that say money moved between cash and bank when a row has no account
_TRANSFER_WORDS = ("提现", "存现")
#: rows of a cash journal whose 余额 is the opening balance
OPENING_LABELS = ("上月结转", "上月结余", "上期结转", "上年结转", "期初余额")
#: the row whose 余额 is the closing balance (else the last row's)
CLOSING_LABELS = ("本月合计",)


@dataclass(frozen=True, slots=True)
class VoucherLine:
    """One line of a balanced journal voucher, already read and parsed (row is 1-based)."""

    row: int
    voucher: str
    date: dt.date
    summary: str
    code: str = ""
    name: str = ""
    debit: Decimal | None = None
    credit: Decimal | None = None
    #: the line's other text fields from its cells (payer, handler, invoice, …), as (field, text)
    texts: tuple[tuple[str, str], ...] = ()
    attachments: int | None = None


@dataclass
class VoucherFlows:
    """What one voucher gives besides its expense debits."""

    lines: list[MoneyLine] = field(default_factory=list)
    #: credits on an expense account in a voucher that moved money: refunds, published as negative expenses
    refunds: list[VoucherLine] = field(default_factory=list)
    #: the payment method of the voucher's expense and income lines: 现金, 银行 or 挂账
    method: str = ACCRUED_METHOD
    #: a 结转 voucher (income or expense closed into 321/322): it gives nothing
    closing: bool = False


def _line(v: VoucherLine, *, kind: str, amount: Decimal, column: str, village: str, file: str, sheet: str | None,
          columns: tuple[tuple[str, str], ...], flow_type: str = "", source: str = "", method: str = "") -> MoneyLine:
    texts = dict(v.texts)
    return MoneyLine(
        village=village, file=file, sheet=sheet, row=v.row, date=v.date, voucher=v.voucher, summary=v.summary,
        amount=amount, kind=kind, flow_type=flow_type, column=column, source=source,
        category=v.name or v.code, payer=texts.get("payer", "") or texts.get("payee", ""),
        handler=texts.get("handler", ""), reviewer=texts.get("reviewer", ""), approver=texts.get("approver", ""),
        invoice=texts.get("invoice", ""), attachments=v.attachments, method=method or texts.get("method", ""),
        remarks=texts.get("remarks", ""), account_code=v.code, layout=JOURNAL, columns=columns,
    )


def voucher_flows(group: Sequence[VoucherLine], chart: Chart, *, village: str, file: str, sheet: str | None,
                  columns: tuple[tuple[str, str], ...] = ()) -> VoucherFlows:
    """The money lines of one balanced journal voucher (SPEC 12.1)."""
    kinds = [chart.kind_of(v.code, v.name) for v in group]
    cash_side = [chart.cash_or_bank(v.code, v.name) if k == CASH_KIND else None for v, k in zip(group, kinds, strict=True)]
    touches_cash = "现金" in cash_side
    touches_bank = "银行" in cash_side
    out = VoucherFlows()
    if not touches_cash and not touches_bank:
        if any(chart.is_closing(v.code, v.name) for v in group):
            out.closing = True
            return out
        # accrued (挂账): only income lines; expenses are the caller's as always
        for v, kind in zip(group, kinds, strict=True):
            if kind == INCOME:
                amount = (v.credit or _ZERO) - (v.debit or _ZERO)
                if amount:
                    out.lines.append(_line(v, kind=INCOME_LINE, amount=amount, column=ACCRUED, village=village,
                                           file=file, sheet=sheet, columns=columns, method=ACCRUED_METHOD))
        return out
    column = BANK if touches_bank else CASH
    out.method = METHOD_OF[column]
    kw = dict(village=village, file=file, sheet=sheet, columns=columns)
    for v, kind, side in zip(group, kinds, cash_side, strict=True):
        if side == "现金" and touches_bank:
            # a voucher that touches both: its 101 movement is 内部转账 (提现 into cash, 存现 out of it)
            if v.debit:
                out.lines.append(_line(v, kind=TRANSFER, amount=v.debit, column=CASH, source=BANK, **kw))
            if v.credit:
                out.lines.append(_line(v, kind=TRANSFER, amount=v.credit, column=BANK, source=CASH, **kw))
            continue
        if side is not None:
            continue  # the cash or bank entry itself: the column of every other line
        if kind == EXPENSE:
            if v.credit and not v.debit:
                out.refunds.append(v)
            continue
        if kind == INCOME:
            amount = (v.credit or _ZERO) - (v.debit or _ZERO)
            if amount:
                out.lines.append(_line(v, kind=INCOME_LINE, amount=amount, column=column, method=out.method, **kw))
            continue
        flow_type = chart.flow_type(v.code, v.name, v.summary) or OTHER_TYPE
        if v.credit:
            out.lines.append(_line(v, kind=OTHER_IN, amount=v.credit, column=column, flow_type=flow_type,
                                   method=out.method, **kw))
        if v.debit:
            out.lines.append(_line(v, kind=OTHER_OUT, amount=v.debit, column=column, flow_type=flow_type,
                                   method=out.method, **kw))
    if touches_bank and not touches_cash and all(side == "银行" for side in cash_side):
        # bank to bank (two 102 sub-accounts): one transfer, the debit side's amount
        moved = sum((v.debit or _ZERO for v in group), _ZERO)
        if moved:
            first = next(v for v in group if v.debit)
            out.lines.append(_line(first, kind=TRANSFER, amount=moved, column=BANK, source=BANK, **kw))
    return out


# -- cash and bank journals (日记账) ----------------------------------------------------------------------------


def journal_column(*texts: str) -> str:
    """The account a cash or bank journal keeps: bank when its title, sheet or file name says 银行, 存款, 信用社
    or 农商, else cash (SPEC 12.2)."""
    joined = " ".join(t for t in texts if t)
    return BANK if any(word in joined for word in _BANK_WORDS) else CASH


@dataclass(frozen=True, slots=True)
class CashRow:
    """One row of a cash or bank journal, already parsed (row is 1-based). `label` is the row's label text
    (上月结转, 本月合计…); rows with neither amount nor balance need not be given."""

    row: int
    date: dt.date | None
    voucher: str
    summary: str
    account: str = ""
    money_in: Decimal | None = None
    money_out: Decimal | None = None
    balance: Decimal | None = None
    label: str = ""
    texts: tuple[tuple[str, str], ...] = ()
    attachments: int | None = None


@dataclass
class CashJournalFlows:
    lines: list[MoneyLine] = field(default_factory=list)
    #: rows with money out that are not expenses (other payments and transfers): not `Expense` records
    not_expenses: set[int] = field(default_factory=set)
    balance: Balance | None = None
    #: (row, negative amount) of money in on an expense account: refunds, published as negative expenses
    refunds: list[tuple[int, Decimal]] = field(default_factory=list)
    #: (row, 余额) of every row whose balance is below zero (a cash journal: negative-cash)
    negative: list[tuple[int, Decimal]] = field(default_factory=list)


def _is_opening(label: str) -> bool:
    return any(label.startswith(word) for word in OPENING_LABELS)


def _is_closing(label: str) -> bool:
    return any(label.startswith(word) for word in CLOSING_LABELS)


def cash_journal_flows(rows: Iterable[CashRow], chart: Chart, *, column: str, village: str, file: str,
                       sheet: str | None, columns: tuple[tuple[str, str], ...] = (),
                       with_lines: bool = True, period: Period | None = None) -> CashJournalFlows:
    """Money lines and the balance of one cash (column CASH) or bank (BANK) journal (SPEC 12.2).

    Money out with an expense account, or no account, is an expense (the caller's `Expense` as today); with
    another account it is 其他付款 of that account's type; with 101/102 (or a 提现/存现 summary and no account)
    it is 内部转账. Money in with an income account is income; with no account it is 其他收款 of type 其他.
    `with_lines=False` reads the balance only (a village that has a 序时账). With `period`, a journal that runs
    across months gives the month's own lines and balances: its opening is the last balance stated before the
    month's rows (none when money moved after it), and rows after the month are left out."""
    out = CashJournalFlows()
    opening = opening_row = closing = closing_row = None
    last_balance = last_row = None
    where = "in"  # where the rows read so far stand against `period`: before, in or after it
    for r in rows:
        label = r.label
        if period is not None and r.date is not None:
            start = dt.date(period.year, period.month, 1)
            where = "before" if r.date < start else ("in" if period.contains(r.date) else "after")
        if where == "after":
            continue
        if where == "before":  # an earlier month: it only carries the opening forward
            if r.balance is not None:  # a stated balance (a row's, 本月合计's, 上月结转's) is where it stood
                opening, opening_row = r.balance, r.row
            elif (r.money_in or r.money_out) and not (label and _is_closing(label)):
                # money moved after the last stated balance: the month's opening is not stated in this journal
                # (the 期初余额 at its top is an earlier month's); it then comes from the archive, if anywhere
                opening = opening_row = None
            if column == CASH and r.balance is not None and r.balance < 0:
                out.negative.append((r.row, r.balance))
            continue
        if r.balance is not None:
            if _is_opening(label):
                if opening is None:
                    opening, opening_row = r.balance, r.row
            elif _is_closing(label):
                closing, closing_row = r.balance, r.row
            else:
                last_balance, last_row = r.balance, r.row
            if column == CASH and r.balance < 0:
                out.negative.append((r.row, r.balance))
        if not with_lines or label and (_is_opening(label) or _is_closing(label)) or r.date is None:
            continue
        for amount, money_in in ((r.money_in, True), (r.money_out, False)):
            if not amount:
                continue
            kind = chart.kind_of(r.account, r.account) if r.account else None
            side = chart.cash_or_bank(r.account, r.account) if kind == CASH_KIND else None
            texts = dict(r.texts)
            common = dict(village=village, file=file, sheet=sheet, row=r.row, date=r.date, voucher=r.voucher,
                          summary=r.summary, category=r.account, payer=texts.get("payer", "") or texts.get("payee", ""),
                          handler=texts.get("handler", ""), reviewer=texts.get("reviewer", ""),
                          approver=texts.get("approver", ""), invoice=texts.get("invoice", ""),
                          attachments=r.attachments, method=texts.get("method", "") or METHOD_OF[column],
                          remarks=texts.get("remarks", ""), layout=CASH_JOURNAL, columns=columns)
            transfer = kind == CASH_KIND or (not r.account and any(w in r.summary for w in _TRANSFER_WORDS))
            if transfer:
                # a cash journal's transfers are with the bank; a bank journal's with cash, or another bank account
                counter = BANK if column == CASH else {"现金": CASH, "银行": BANK}.get(side or "", CASH)
                to_column, from_column = (column, counter) if money_in else (counter, column)
                out.lines.append(MoneyLine(amount=amount, kind=TRANSFER, column=to_column, source=from_column,
                                           **common))
                if not money_in:
                    out.not_expenses.add(r.row)
                continue
            if kind == EXPENSE or (kind is None and not money_in):
                if money_in:  # money back on an expense account: a refund, a negative expense
                    out.refunds.append((r.row, -amount))
                continue  # money out: the caller's expense, as before this section
            if kind == INCOME:
                signed = amount if money_in else -amount
                out.lines.append(MoneyLine(amount=signed, kind=INCOME_LINE, column=column, **common))
                if not money_in:
                    out.not_expenses.add(r.row)
                continue
            flow_type = (chart.flow_type(r.account, r.account, r.summary) if kind else "") or OTHER_TYPE
            out.lines.append(MoneyLine(amount=amount, kind=OTHER_IN if money_in else OTHER_OUT, flow_type=flow_type,
                                       column=column, **common))
            if not money_in:
                out.not_expenses.add(r.row)
    if closing is None:
        closing, closing_row = last_balance, last_row
    if opening is not None or closing is not None:
        out.balance = Balance(village=village, column=column, opening=opening, closing=closing,
                              source="cash-journal" if column == CASH else "bank-journal", file=file, sheet=sheet,
                              opening_row=opening_row, closing_row=closing_row)
    return out


# -- balances sheets (资金余额表) and trial balances (科目余额表) ------------------------------------------------------

_OPENING_HEADS = ("期初余额", "上月结余", "上月余额", "年初余额", "期初")
_CLOSING_HEADS = ("期末余额", "本月结余", "本月余额", "期末")
_CASH_NAMES = ("库存现金", "现金")
_BANK_NAMES = ("银行存款", "银行", "信用社", "农商", "存款")


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One data row of a balances sheet: its account code and name (either may be "") and its two figures."""

    row: int  # 1-based
    code: str
    name: str
    opening: Decimal | None
    closing: Decimal | None


def balance_columns(labels: Sequence[str], below: Sequence[str] = ()) -> tuple[int, int] | None:
    """(opening column, closing column) of a header row — 期初余额 / 上月结余 and 期末余额 / 本月结余 — or None.
    `below` is the row under it: where 期初余额 stands over 借方 / 贷方, the 借方 column (cash and bank are debit
    balances)."""
    def find(heads: tuple[str, ...]) -> int | None:
        for head in heads:
            for c, label in enumerate(labels):
                if label.startswith(head) and "发生" not in label:
                    if c + 1 < len(labels) and c < len(below) and below[c] == "贷方" and c + 1 < len(below) \
                            and below[c + 1] == "借方":
                        return c + 1
                    return c
        return None

    opening, closing = find(_OPENING_HEADS), find(_CLOSING_HEADS)
    if opening is None or closing is None or opening == closing:
        return None
    return opening, closing


def _money_of(code: str, name: str) -> str | None:
    digits = "".join(ch for ch in code if ch.isdigit())
    if digits[:3] == "101":
        return CASH
    if digits[:3] == "102":
        return BANK
    if digits:
        return None
    if any(name.startswith(n) for n in _CASH_NAMES):
        return CASH
    if any(n in name for n in _BANK_NAMES):
        return BANK
    return None


def sheet_balances(rows: Iterable[BalanceRow], *, village: str, file: str, sheet: str | None) -> list[Balance]:
    """Opening and closing balances of cash and bank from a 资金余额表 (rows 库存现金, 银行存款 or one row per bank
    account) or a 科目余额表 (its first-level 101 and 102 lines, else the sum of their sub-account lines)."""
    rows = list(rows)
    coded = any(r.code for r in rows)
    out = []
    for column in (CASH, BANK):
        mine = [r for r in rows if _money_of(r.code, r.name) == column]
        if not mine:
            continue
        if coded:
            first = [r for r in mine if "".join(ch for ch in r.code if ch.isdigit()) in ("101", "102")]
            mine = first or mine
        else:
            whole = [r for r in mine if r.name in ("库存现金", "现金", "银行存款")]
            mine = whole or mine
        opening = None if all(r.opening is None for r in mine) else sum((r.opening or _ZERO for r in mine), _ZERO)
        closing = None if all(r.closing is None for r in mine) else sum((r.closing or _ZERO for r in mine), _ZERO)
        out.append(Balance(village=village, column=column, opening=opening, closing=closing,
                           source="trial-balance" if coded else "balances-sheet", file=file, sheet=sheet,
                           opening_row=mine[0].row, closing_row=mine[-1].row))
    return out


# -- income lists (收入明细表) of expense-list villages --------------------------------------------------------------

#: header words of an income list's payer column, and of its amount column (SPEC 12.2)
PAYER_HEADS = ("付款方", "付款单位", "交款人", "交款单位", "缴款人", "缴款单位")
INCOME_AMOUNT_HEADS = ("收入金额", "收款金额")


def money_column_of(method: str) -> str:
    """An expense-list village's line: cash if paid 现金, else the bank (SPEC 12.2); 挂账 moves no money."""
    method = (method or "").strip()
    if method == ACCRUED_METHOD:
        return ACCRUED
    return CASH if method.startswith("现金") else BANK


def income_kind(category: str, chart: Chart) -> tuple[str, str]:
    """(kind, type) of a line of an income list by its category: an income account (or none) is income; an
    other account, or a type of SPEC 12.1's table, is other money in of that type."""
    text = (category or "").strip()
    if not text:
        return INCOME_LINE, ""
    if text in flow_types():
        return OTHER_IN, text
    kind = chart.kind_of(text, text)
    if kind is None or kind == INCOME:
        return INCOME_LINE, ""
    if kind in (EXPENSE, CASH_KIND):  # an expense or cash account on an income list: said as 其他
        return OTHER_IN, OTHER_TYPE
    return OTHER_IN, chart.flow_type(text, text) or OTHER_TYPE

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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

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
    Movement,
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
    stated = _StatedBalances()
    where = "in"  # where the rows read so far stand against `period`: before, in or after it
    for r in rows:
        if period is not None and r.date is not None:
            start = dt.date(period.year, period.month, 1)
            where = "before" if r.date < start else ("in" if period.contains(r.date) else "after")
        if where == "after":
            continue
        if where == "before":  # an earlier month: it only carries the opening forward
            stated.before_month(r)
            if column == CASH and r.balance is not None and r.balance < 0:
                out.negative.append((r.row, r.balance))
            continue
        if r.balance is not None:
            stated.in_month(r)
            if column == CASH and r.balance < 0:
                out.negative.append((r.row, r.balance))
        label = r.label
        if not with_lines or label and (_is_opening(label) or _is_closing(label)) or r.date is None:
            continue
        for amount, money_in in ((r.money_in, True), (r.money_out, False)):
            if amount:
                _cash_row_line(out, r, amount, money_in, chart, column=column, village=village, file=file,
                               sheet=sheet, columns=columns)
    out.balance = stated.balance(village=village, column=column, file=file, sheet=sheet)
    return out


@dataclass
class _StatedBalances:
    """The opening and closing balances a cash or bank journal states, as its rows are read in order."""

    opening: Decimal | None = None
    opening_row: int | None = None
    closing: Decimal | None = None
    closing_row: int | None = None
    last: Decimal | None = None  # the last balance of an ordinary row: the closing when none is stated
    last_row: int | None = None

    def before_month(self, r: CashRow) -> None:
        """A row of a month before the one read."""
        if r.balance is not None:  # a stated balance (a row's, 本月合计's, 上月结转's) is where it stood
            self.opening, self.opening_row = r.balance, r.row
        elif (r.money_in or r.money_out) and not (r.label and _is_closing(r.label)):
            # money moved after the last stated balance: the month's opening is not stated in this journal
            # (the 期初余额 at its top is an earlier month's); it then comes from the archive, if anywhere
            self.opening = self.opening_row = None

    def in_month(self, r: CashRow) -> None:
        """A row of the month that states a balance."""
        if _is_opening(r.label):
            if self.opening is None:
                self.opening, self.opening_row = r.balance, r.row
        elif _is_closing(r.label):
            self.closing, self.closing_row = r.balance, r.row
        else:
            self.last, self.last_row = r.balance, r.row

    def balance(self, *, village: str, column: str, file: str, sheet: str | None) -> Balance | None:
        closing, closing_row = ((self.closing, self.closing_row) if self.closing is not None
                                else (self.last, self.last_row))
        if self.opening is None and closing is None:
            return None
        return Balance(village=village, column=column, opening=self.opening, closing=closing,
                       source="cash-journal" if column == CASH else "bank-journal", file=file, sheet=sheet,
                       opening_row=self.opening_row, closing_row=closing_row)


def _cash_row_line(out: CashJournalFlows, r: CashRow, amount: Decimal, money_in: bool, chart: Chart, *,
                   column: str, village: str, file: str, sheet: str | None,
                   columns: tuple[tuple[str, str], ...]) -> None:
    """One side of a journal row (money in or out) into `out`: a transfer, a refund, income or another flow;
    money out on an expense account (or none) is left to the caller's expense."""
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
        out.lines.append(MoneyLine(amount=amount, kind=TRANSFER, column=to_column, source=from_column, **common))
    elif kind == EXPENSE or (kind is None and not money_in):
        if money_in:  # money back on an expense account: a refund, a negative expense
            out.refunds.append((r.row, -amount))
        return  # money out: the caller's expense, as before this section
    elif kind == INCOME:
        out.lines.append(MoneyLine(amount=amount if money_in else -amount, kind=INCOME_LINE, column=column,
                                   **common))
    else:
        flow_type = (chart.flow_type(r.account, r.account, r.summary) if kind else "") or OTHER_TYPE
        out.lines.append(MoneyLine(amount=amount, kind=OTHER_IN if money_in else OTHER_OUT, flow_type=flow_type,
                                   column=column, **common))
    if not money_in:
        out.not_expenses.add(r.row)


# -- balances sheets (资金余额表) and trial balances (科目余额表) ------------------------------------------------------

_OPENING_HEADS = ("期初余额", "上月结余", "上月余额", "年初余额", "期初")
_CLOSING_HEADS = ("期末余额", "本月结余", "本月余额", "期末")
_CASH_NAMES = ("库存现金", "现金")
_BANK_NAMES = ("银行存款", "银行", "信用社", "农商", "存款")
#: the labels a two-row header puts under 期初余额, 本期发生 and 期末余额 (用友, 金蝶 exports)
_SUB_LABELS = ("借方", "贷方", "方向", "金额", "余额", "借方金额", "贷方金额", "余额方向")


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One data row of a balances sheet: its account code and name (either may be ""), its two balances (a
    debit balance positive) and, in a 科目余额表, its 本期发生 借方 and 贷方."""

    row: int  # 1-based
    code: str
    name: str
    opening: Decimal | None
    closing: Decimal | None
    debit: Decimal | None = None
    credit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """Where one balance stands in a row: an amount column, and a 贷方 column beside it (借方 − 贷方) or a 方向
    column (借 / 贷) that signs it."""

    amount: int
    credit: int | None = None
    direction: int | None = None

    @property
    def columns(self) -> tuple[int, ...]:
        return tuple(c for c in (self.amount, self.credit, self.direction) if c is not None)


@dataclass(frozen=True, slots=True)
class BalanceColumns:
    """The columns of a balances sheet's header: 期初余额, 期末余额, and a 科目余额表's 本期发生 借方 / 贷方."""

    opening: Figure
    closing: Figure
    debit: int | None = None
    credit: int | None = None
    #: the header takes two rows (期初余额 over 借方 / 贷方, or over 方向 / 金额)
    two_rows: bool = False

    @property
    def first(self) -> int:
        """The first figure column: the account code and name stand before it."""
        cols = [*self.opening.columns, *self.closing.columns, self.debit, self.credit]
        return min(c for c in cols if c is not None)


def _full_labels(labels: Sequence[str], below: Sequence[str]) -> tuple[list[tuple[str, str]], bool]:
    """(head, sub) of each column. A head merged across columns (期初余额 over 借方 / 贷方) is empty in all but its
    first cell: it carries to the sub-labels on its right."""
    width = max(len(labels), len(below))
    top = [labels[c] if c < len(labels) else "" for c in range(width)]
    two = sum(1 for s in below if s in _SUB_LABELS) >= 2 and not any(ch.isdigit() for s in below for ch in s)
    if not two:
        return [(t, "") for t in top], False
    out = []
    group = ""
    for c in range(width):
        sub = below[c] if c < len(below) and below[c] in _SUB_LABELS else ""
        if top[c]:
            group = top[c]
        head = top[c] or (group if sub else "")
        out.append((head, sub))
    return out, True


def _figure(cols: list[tuple[str, str]], heads: tuple[str, ...], labels: Sequence[str]) -> Figure | None:
    for want in heads:
        mine = [c for c, (head, _sub) in enumerate(cols) if head.startswith(want) and "发生" not in head
                and "累计" not in head]
        if not mine:
            continue
        direction = next((c for c in mine if (cols[c][1] or cols[c][0]).endswith("方向")), None)
        credit = next((c for c in mine if c != direction and "贷" in (cols[c][1] or cols[c][0][len(want):])), None)
        amount = next((c for c in mine if c not in (direction, credit)), None)
        if amount is None:
            continue
        if direction is None and credit is None and amount > 0 and labels[amount - 1].endswith("方向"):
            direction = amount - 1  # 方向 | 期初余额: the direction column just before the amount
        return Figure(amount=amount, credit=credit, direction=direction)
    return None


def _moved(cols: list[tuple[str, str]], taken: set[int]) -> tuple[int | None, int | None]:
    """The 本期发生 借方 and 贷方 columns (本期发生 over 借方 / 贷方, 本期借方, 借方发生额, or 借方 / 贷方 alone)."""
    debit = credit = None
    for strict in (True, False):
        for c, (head, sub) in enumerate(cols):
            if c in taken or "累计" in head or "本年" in head or "年初" in head:
                continue
            side = sub or head
            movement = ("发生" in head or head.startswith(("本期", "本月"))) if strict else \
                head in ("借方", "贷方", "借方金额", "贷方金额")
            if not movement:
                continue
            if "借" in side and debit is None:
                debit = c
            elif "贷" in side and credit is None:
                credit = c
        if debit is not None and credit is not None:
            return debit, credit
        debit = credit = None
    return None, None


def balance_columns(labels: Sequence[str], below: Sequence[str] = ()) -> BalanceColumns | None:
    """The columns of a header row — 期初余额 / 上月结余 and 期末余额 / 本月结余, each alone, over 借方 / 贷方, over
    方向 / 金额, or after a 方向 column — and of 本期发生 借方 / 贷方 where it has them; None when it is not one.
    `below` is the row under it (the second row of a two-row header)."""
    cols, two = _full_labels(labels, below)
    padded = [*labels, *[""] * (len(cols) - len(labels))]
    opening, closing = _figure(cols, _OPENING_HEADS, padded), _figure(cols, _CLOSING_HEADS, padded)
    if opening is None or closing is None or set(opening.columns) & set(closing.columns):
        return None
    debit, credit = _moved(cols, {*opening.columns, *closing.columns})
    return BalanceColumns(opening=opening, closing=closing, debit=debit, credit=credit, two_rows=two)


def signed_balance(amount: Decimal | None, credit: Decimal | None = None, direction: str = "") -> Decimal | None:
    """A balance as a debit balance: 借方 − 贷方, or the amount signed by its 方向 (贷 is negative; 平 is 0)."""
    if amount is None and credit is None:
        return None
    value = (amount or _ZERO) - (credit or _ZERO)
    return -value if direction.strip().startswith("贷") else value


_PERIOD = re.compile(r"(\d{4})\s*(?:年\s*(?:第\s*)?|[.\-/])\s*(\d{1,2})(?!\d)"
                     r"(?:\s*(?:月|期)?\s*(?:-|—|－|~|～|至|到)\s*(?:第\s*)?(\d{1,2})\s*(?:月|期))?")


def title_months(texts: Iterable[str]) -> list[tuple[int, int]]:
    """The (year, month) a 科目余额表's title rows name as its period — 「2026年10月」, 「2026年第10期」,
    「期间：2026.10-2026.10」, 「2026年1-10月」 — in order; a date the sheet was printed or made on is not its
    period. [] when the title names none."""
    out: list[tuple[int, int]] = []
    for text in texts:
        if any(word in text for word in ("日期", "打印", "制表", "编制时间")):
            continue
        for m in _PERIOD.finditer(text):
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                out.append((year, month))
            if m.group(3) and 1 <= int(m.group(3)) <= 12:
                out.append((year, int(m.group(3))))
    return out


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


def _money_rows(rows: Sequence[BalanceRow], column: str, coded: bool) -> list[BalanceRow]:
    """A sheet's rows for cash or bank: the first-level line, else its sub-account lines (one per bank)."""
    mine = [r for r in rows if _money_of(r.code, r.name) == column]
    if coded:
        first = [r for r in mine if "".join(ch for ch in r.code if ch.isdigit()) in ("101", "102")]
        return first or mine
    whole = [r for r in mine if r.name in ("库存现金", "现金", "银行存款")]
    return whole or mine


def _total(values: Iterable[Decimal | None]) -> Decimal | None:
    values = list(values)
    return None if all(v is None for v in values) else sum((v or _ZERO for v in values), _ZERO)


def sheet_balances(rows: Iterable[BalanceRow], *, village: str, file: str, sheet: str | None) -> list[Balance]:
    """Opening and closing balances of cash and bank from a 资金余额表 (rows 库存现金, 银行存款 or one row per bank
    account) or a 科目余额表 (its first-level 101 and 102 lines, else the sum of their sub-account lines)."""
    rows = list(rows)
    coded = any(r.code for r in rows)
    out = []
    for column in (CASH, BANK):
        mine = _money_rows(rows, column, coded)
        if not mine:
            continue
        out.append(Balance(village=village, column=column, opening=_total(r.opening for r in mine),
                           closing=_total(r.closing for r in mine),
                           source="trial-balance" if coded else "balances-sheet", file=file, sheet=sheet,
                           opening_row=mine[0].row, closing_row=mine[-1].row))
    return out


def sheet_movements(rows: Iterable[BalanceRow], *, village: str, file: str, sheet: str | None,
                    debit_column: str | None = None, credit_column: str | None = None) -> list[Movement]:
    """A 科目余额表's 本期发生 借方 and 贷方 on 101 and on 102 (first-level lines, else the sum of their sub-accounts),
    for 账表相符 with the journal (SPEC 12.2); none for an account the table has no line for."""
    rows = list(rows)
    out = []
    for column in (CASH, BANK):
        mine = _money_rows(rows, column, True)
        if not mine:
            continue  # a blank 本期发生 on a 101 or 102 line is no movement: 0
        out.append(Movement(village=village, column=column, debit=_total(r.debit for r in mine) or _ZERO,
                            credit=_total(r.credit for r in mine) or _ZERO, source="trial-balance", file=file,
                            sheet=sheet, row=mine[0].row, debit_column=debit_column, credit_column=credit_column))
    return out


class Posting(Protocol):
    """A journal line as `journal_movements` reads it (a `VoucherLine`, or the reader's own line)."""

    code: str
    name: str
    debit: Decimal | None
    credit: Decimal | None


def journal_movements(lines: Iterable[Posting], chart: Chart, *, village: str, file: str,
                      sheet: str | None) -> list[Movement]:
    """A journal's total debits and credits on 101 and on 102 (0 where it has none), for 账表相符 (SPEC 12.2)."""
    sums = {CASH: [_ZERO, _ZERO], BANK: [_ZERO, _ZERO]}
    for v in lines:
        if chart.kind_of(v.code, v.name) != CASH_KIND:
            continue
        side = {"现金": CASH, "银行": BANK}.get(chart.cash_or_bank(v.code, v.name) or "")
        if side is None:
            continue
        sums[side][0] += v.debit or _ZERO
        sums[side][1] += v.credit or _ZERO
    return [Movement(village=village, column=column, debit=d, credit=c, source="journal", file=file, sheet=sheet)
            for column, (d, c) in sums.items()]


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

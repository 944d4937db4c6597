"""The money rules of 收支公开 (SPEC 12.3): balances and money lines of one village, and the expense rules over
its money lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..config import Config
from ..findings import excerpt, make, on_receipts
from ..model import JOURNAL, Expense, Finding
from ..money import display
from ..public import funds_of, pick_balances
from .context import Rule, RuleContext, _where
from .lines import (
    cash_over_limit,
    duplicate_row,
    missing_approval,
    missing_payee,
    needs_resolution,
    no_attachments,
    possible_split,
    vague_summary,
)

# -- 收支公开 (SPEC 12.3): balances and money lines of one village -------------------------------------------------

_COLUMN_NAMES = {"cash": "库存现金", "bank": "银行存款"}


@dataclass(frozen=True)
class VillageMoney:
    """What the money rules of one village look at: its money lines, expenses and balances (12.1, 12.2)."""

    village: str
    lines: Sequence = ()  # MoneyLine
    expenses: Sequence[Expense] = ()
    balances: Sequence = ()  # Balance, from the ledgers (and the archive's, source "archive")
    #: (file, sheet, 1-based row, 余额) of every cash-journal row whose balance is below zero
    negative_rows: Sequence[tuple[str, str | None, int, Decimal]] = ()
    #: column → the closing balance published for the previous month (from the archive, passed in)
    previous_closing: Mapping[str, Decimal] = field(default_factory=dict)
    #: debits and credits on 101 and 102 from its journals and its 科目余额表 (Movement, 账表相符)
    movements: Sequence = ()

    @cached_property
    def funds(self):
        """The money table of the village's ledgers (public.funds_of), worked out once for every rule."""
        return funds_of(self.lines, self.expenses, self.balances)

    @property
    def has_flows(self) -> bool:
        """Income or other flows (transfers and accrued income count too): a 收支 village."""
        return bool(self.lines)


MoneyRule = Callable[[VillageMoney, Config], Iterable[Finding]]


def _balance_place(b, closing: bool) -> dict:
    return {"file": b.file, "sheet": b.sheet, "row": b.closing_row if closing else b.opening_row}


def balance_mismatch(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """opening + in − out ≠ closing; two sources disagree; opening ≠ last month's published closing (12.3)."""
    ledger = [b for b in money.balances if b.source != "archive"]
    if not ledger and not money.previous_closing:
        return []
    out: list[Finding] = []
    v = money.village
    for column, label in _COLUMN_NAMES.items():
        mine = [b for b in ledger if b.column == column]
        for attr, what in (("opening", "上月结余"), ("closing", "本月结余")):
            given = [b for b in mine if getattr(b, attr) is not None]
            for other in given[1:]:
                first = given[0]
                if getattr(other, attr) != getattr(first, attr):
                    out.append(make("balance-mismatch", village=v, **_balance_place(other, attr == "closing"),
                                    what=f"{label}{what}（{_where(other.file or '', other.sheet)}）",
                                    stated=display(getattr(other, attr)),
                                    other=f"{_where(first.file or '', first.sheet)}的",
                                    computed=display(getattr(first, attr)),
                                    diff=display(getattr(other, attr) - getattr(first, attr))))
        opening, _ = pick_balances(mine)[column]
        previous = money.previous_closing.get(column)
        if opening is not None and previous is not None and opening != previous:
            first = next(b for b in mine if b.opening is not None)
            out.append(make("balance-mismatch", village=v, **_balance_place(first, False),
                            what=f"{label}上月结余", stated=display(opening), other="上月公开的本月结余",
                            computed=display(previous), diff=display(opening - previous)))
    funds = money.funds if len(ledger) == len(money.balances) else funds_of(money.lines, money.expenses, ledger)
    picked = pick_balances(ledger)
    for column, label in _COLUMN_NAMES.items():
        opening, closing = picked[column]
        if opening is None:
            opening = money.previous_closing.get(column)
        if opening is None or closing is None:
            continue
        computed = opening + funds.column(column).moved
        if computed != closing:
            place = next((b for b in ledger if b.column == column and b.closing is not None), None)
            out.append(make("balance-mismatch", village=v, **(_balance_place(place, True) if place else {}),
                            what=f"{label}本月结余", stated=display(closing),
                            other="按上月结余加减本月各笔收付算得的", computed=display(computed),
                            diff=display(closing - computed)))
    return out


_ACCOUNT_NAMES = {"cash": "库存现金（101）", "bank": "银行存款（102）"}


def journal_matches_trial_balance(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """账表相符 (12.2): where a village has a journal and a 科目余额表, the journal's total debits and credits on 101
    and on 102 equal the table's 本期发生 for them — else the export left vouchers out (balance-mismatch)."""
    journal = [m for m in money.movements if m.source == "journal"]
    tables = [m for m in money.movements if m.source == "trial-balance"]
    if not journal or not tables:
        return []
    out = []
    for table in tables:
        mine = [m for m in journal if m.column == table.column]
        for attr, side in (("debit", "借方"), ("credit", "贷方")):
            booked = sum((getattr(m, attr) for m in mine), Decimal("0.00"))
            stated = getattr(table, attr)
            if booked == stated:
                continue
            where = "、".join(dict.fromkeys(_where(m.file or "", m.sheet) for m in mine))
            out.append(make("balance-mismatch", village=money.village, file=table.file, sheet=table.sheet,
                            row=table.row, column=getattr(table, f"{attr}_column"),
                            what=f"序时账（{where}）{_ACCOUNT_NAMES[table.column]}{side}合计",
                            stated=display(booked), other=f"{_where(table.file or '', table.sheet)}的本期发生{side}",
                            computed=display(stated), diff=display(booked - stated)))
    return out


def negative_cash(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """The cash balance below zero at the month's end, or on any row of a cash journal (12.3)."""
    out = [make("negative-cash", village=money.village, file=file, sheet=sheet, row=row, amount=display(amount))
           for file, sheet, row, amount in money.negative_rows]
    if not out and (money.balances or money.lines):
        closing = money.funds.cash.closing
        if closing is not None and closing < 0:
            out.append(make("negative-cash", village=money.village, amount=display(closing)))
    return out


def cash_on_hand_over_limit(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """Cash at the month's end above `[rules] cash_on_hand_limit` (库存现金限额, default 5000)."""
    if not money.balances:
        return []
    closing = money.funds.cash.closing
    limit = config.rules.cash_on_hand_limit
    if closing is None or closing <= limit:
        return []
    place = next((b for b in money.balances if b.column == "cash" and b.closing is not None), None)
    return [make("cash-on-hand-over-limit", village=money.village, **(_balance_place(place, True) if place else {}),
                 amount=display(closing), limit=display(limit))]


def missing_balance(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """A village with income or other flows and no opening, or no closing, balance from any source (12.3)."""
    if not money.has_flows:
        return []
    has_opening = any(b.opening is not None for b in money.balances) or bool(money.previous_closing)
    has_closing = any(b.closing is not None for b in money.balances)
    missing = [what for ok, what in ((has_opening, "上月结余（期初余额）"), (has_closing, "本月结余（期末余额）"))
               if not ok]
    if not missing:
        return []
    return [make("missing-balance", village=money.village, what="和".join(missing))]


def unclassified_flow(money: VillageMoney, config: Config) -> Iterable[Finding]:
    """A money line whose account has no type, or money in with no account (12.1, 12.2)."""
    out = []
    for line in money.lines:
        if line.kind not in ("other-in", "other-out") or line.flow_type not in ("", "其他"):
            continue
        if line.category:
            what = f"科目「{excerpt(line.category)}」"
        else:
            what = "这笔收款没有对方科目" if line.kind == "other-in" else "这笔付款没有对方科目"
        column = line.column_of("category") or line.column_of("account_code") or line.column_of("account_name")
        out.append(make("unclassified-flow", village=money.village, file=line.file, sheet=line.sheet, row=line.row,
                        column=column, voucher=line.voucher, what=what))
    return out


MONEY_RULES: tuple[MoneyRule, ...] = (
    balance_mismatch,
    journal_matches_trial_balance,
    negative_cash,
    cash_on_hand_over_limit,
    missing_balance,
    unclassified_flow,
)


def apply_money_rules(money: VillageMoney, config: Config) -> list[Finding]:
    """Every rule of `MONEY_RULES` over one village's money lines and balances."""
    findings: list[Finding] = []
    for rule in MONEY_RULES:
        findings.extend(rule(money, config))
    return findings


#: other payments are checked as expenses; income and other receipts as income (SPEC 12.3)
PAYMENT_RULES: tuple[Rule, ...] = (cash_over_limit, needs_resolution, possible_split, missing_approval,
                                   no_attachments)
RECEIPT_RULES: tuple[Rule, ...] = (duplicate_row, vague_summary, missing_payee)


def _as_expense(line) -> Expense:
    """A money line in the shape the expense rules read (its payer stands where an expense's payee does)."""
    return Expense(village=line.village, file=line.file, sheet=line.sheet, row=line.row, date=line.date,
                   voucher=line.voucher, summary=line.summary, amount=line.amount, category=line.category,
                   payee=line.payer, handler=line.handler, reviewer=line.reviewer, approver=line.approver,
                   invoice=line.invoice, attachments=line.attachments, method=line.method, remarks=line.remarks,
                   account_code=line.account_code, layout=JOURNAL if line.layout == JOURNAL else "expense-list",
                   columns=line.columns)


def line_rules(lines: Sequence, config: Config, context: RuleContext) -> list[Finding]:
    """The expense rules over a village's money lines (SPEC 12.3): other payments (其他付款) as expenses —
    cash-over-limit, needs-resolution, possible-split, missing-approval, no-attachments — and income and other
    receipts as income — duplicate-row, vague-summary, missing-payee (reading the payer). Transfers and accrued
    lines are not payments or receipts of money. An income line's invoice takes no part in duplicate-invoice."""
    payments = [_as_expense(ln) for ln in lines if ln.kind == "other-out" and ln.column]
    receipts = [_as_expense(ln) for ln in lines if ln.kind in ("income", "other-in")]
    findings: list[Finding] = []
    for group, rules in ((payments, PAYMENT_RULES), (receipts, RECEIPT_RULES)):
        if not group:
            continue
        own = RuleContext(period=context.period, chart=context.chart)  # a voucher index of its own
        for rule in rules:
            findings.extend(on_receipts(rule(group, config, own)) if group is receipts else rule(group, config, own))
    return findings

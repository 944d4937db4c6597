"""The money table of a 收支 village (SPEC 12.2, 12.4): 一、资金概况, worked out from money lines, expenses and
balances, once. `rules` checks it; the public view shows it; expenses.json writes it through `as_record`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import ACCRUED_METHOD, BANK, CASH
from ..money import ZERO, plain

#: where a source's balance ranks when two give one (the first that gives it is shown; they must agree)
BALANCE_SOURCES = ("cash-journal", "bank-journal", "balances-sheet", "trial-balance", "archive")


def money_column(method: str) -> str:
    """The money column an expense or income line of a given payment method moved (SPEC 12.2, 12.4): cash for
    现金, "" for 挂账 (no money moved), the bank for any other method or none."""
    method = (method or "").strip()
    if method == ACCRUED_METHOD:
        return ""
    return CASH if method.startswith("现金") else BANK


@dataclass(frozen=True, slots=True)
class ColumnFunds:
    """One column of 一、资金概况 (库存现金 or 银行存款). `closing` is the stated closing balance where a source
    gives one, else the computed one (None when the opening is unknown too)."""

    opening: Decimal | None
    income: Decimal = ZERO
    expense: Decimal = ZERO
    other_in: Decimal = ZERO
    other_out: Decimal = ZERO
    transfer: Decimal = ZERO  # net: into this column minus out of it
    closing: Decimal | None = None

    @property
    def moved(self) -> Decimal:
        """收入 − 支出 + 其他收款 − 其他付款 ± 内部转账."""
        return self.income - self.expense + self.other_in - self.other_out + self.transfer

    @property
    def computed_closing(self) -> Decimal | None:
        return None if self.opening is None else self.opening + self.moved


@dataclass(frozen=True, slots=True)
class Funds:
    """一、资金概况: the cash and bank columns, and the accrued (挂账) income and expense that moved no money."""

    cash: ColumnFunds
    bank: ColumnFunds
    accrued_income: Decimal = ZERO
    accrued_expense: Decimal = ZERO

    def column(self, name: str) -> ColumnFunds:
        return self.cash if name == CASH else self.bank

    def as_record(self) -> dict[str, Any]:
        """The `balances` object of expenses.json and `check --format json` (SPEC 12.4): amounts as plain
        strings, an unknown opening or closing null (so that `check` needs no import of the public view)."""
        return {"cash": _column_record(self.cash), "bank": _column_record(self.bank),
                "accrued": {"income": plain(self.accrued_income), "expense": plain(self.accrued_expense)}}


def pick_balances(balances: Sequence) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """column → (opening, closing): for each, the first source (in BALANCE_SOURCES order) that gives it."""
    ranked = sorted(balances, key=lambda b: BALANCE_SOURCES.index(b.source) if b.source in BALANCE_SOURCES
                    else len(BALANCE_SOURCES))
    out: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for column in (CASH, BANK):
        mine = [b for b in ranked if b.column == column]
        opening = next((b.opening for b in mine if b.opening is not None), None)
        closing = next((b.closing for b in mine if b.closing is not None), None)
        out[column] = (opening, closing)
    return out


def funds_of(lines: Sequence, expenses: Sequence, balances: Sequence = ()) -> Funds:
    """The money table of SPEC 12.4 from money lines (kind, column, source, amount), expenses (amount and
    method) and balances (column, opening, closing, source). Only money that moved counts in the columns."""
    acc = {CASH: dict.fromkeys(("income", "expense", "other_in", "other_out", "transfer"), ZERO),
           BANK: dict.fromkeys(("income", "expense", "other_in", "other_out", "transfer"), ZERO)}
    accrued_income = accrued_expense = ZERO
    for e in expenses:
        column = money_column(e.method)
        if column:
            acc[column]["expense"] += e.amount
        else:
            accrued_expense += e.amount
    for line in lines:
        if line.kind == "transfer":
            if line.column in acc:
                acc[line.column]["transfer"] += line.amount
            if line.source in acc:
                acc[line.source]["transfer"] -= line.amount
            continue
        if line.column not in acc:  # accrued
            if line.kind == "income":
                accrued_income += line.amount
            continue
        key = {"income": "income", "other-in": "other_in", "other-out": "other_out"}.get(line.kind)
        if key:
            acc[line.column][key] += line.amount
    picked = pick_balances(balances)
    columns = {}
    for column in (CASH, BANK):
        opening, closing = picked[column]
        funds = ColumnFunds(opening=opening, **acc[column])
        if closing is None:
            closing = funds.computed_closing
        columns[column] = ColumnFunds(opening=opening, closing=closing, **acc[column])
    return Funds(cash=columns[CASH], bank=columns[BANK], accrued_income=accrued_income,
                 accrued_expense=accrued_expense)


def _plain_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else plain(amount)


def _column_record(c: ColumnFunds) -> dict[str, Any]:
    return {"opening": _plain_or_none(c.opening), "income": plain(c.income), "expense": plain(c.expense),
            "other_in": plain(c.other_in), "other_out": plain(c.other_out), "transfer": plain(c.transfer),
            "closing": _plain_or_none(c.closing)}


def with_carried_opening(funds: Funds, carried: Mapping[str, Decimal]) -> Funds:
    """The money table with the previous month's published closing as the opening where no ledger gave one
    (SPEC 12.2): shown, but not part of the month's expenses.json or fingerprint."""
    columns = {}
    for column in (CASH, BANK):
        c = funds.column(column)
        if c.opening is None and column in carried:
            opening = carried[column]
            closing = c.closing if c.closing is not None else opening + c.moved
            c = ColumnFunds(opening=opening, income=c.income, expense=c.expense, other_in=c.other_in,
                            other_out=c.other_out, transfer=c.transfer, closing=closing)
        columns[column] = c
    return Funds(cash=columns[CASH], bank=columns[BANK], accrued_income=funds.accrued_income,
                 accrued_expense=funds.accrued_expense)

"""The rules over normalised expenses (SPEC 4): plain functions in an explicit tuple, `RULES`.

Each rule is `(expenses, config, context) -> Iterable[Finding]`. Expenses of every village come in one
sequence and are grouped by `Expense.village` here. Rules never raise for a data problem, never mutate their
inputs, and stay linear: a county month (90,000 expenses) runs through all of them in a fraction of a second.

Thresholds (cash-over-limit, needs-resolution, possible-split) apply to a voucher's total, not to its item
rows; a voucher's attachments are declared once (the largest value on its rows). A voucher here is one
voucher number in one sheet of one village (the same number in two sheets is duplicate-voucher's business).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Config
from ..findings import make, sorted_findings
from ..model import Expense, Finding, has_resolution
from .context import PublishedInvoice, Rule, RuleContext, _norm_text, invoice_key
from .invoices import duplicate_invoice
from .lines import (
    cash_over_limit,
    duplicate_row,
    missing_approval,
    missing_payee,
    needs_resolution,
    negative_amount,
    no_attachments,
    possible_split,
    unknown_category,
    vague_summary,
)
from .money import (
    MONEY_RULES,
    PAYMENT_RULES,
    RECEIPT_RULES,
    MoneyRule,
    VillageMoney,
    apply_money_rules,
    balance_mismatch,
    cash_on_hand_over_limit,
    journal_matches_trial_balance,
    line_rules,
    missing_balance,
    negative_cash,
    unclassified_flow,
)
from .vouchers import duplicate_voucher, voucher_gap

__all__ = [
    "MONEY_RULES", "PAYMENT_RULES", "RECEIPT_RULES", "RULES", "MoneyRule", "PublishedInvoice", "Rule", "RuleContext",
    "VillageMoney", "apply_money_rules", "apply_rules", "balance_mismatch", "cash_on_hand_over_limit",
    "cash_over_limit", "duplicate_invoice", "duplicate_row", "duplicate_voucher", "has_resolution", "invoice_key",
    "journal_matches_trial_balance", "line_rules", "missing_approval", "missing_balance", "missing_payee",
    "needs_resolution", "negative_amount", "negative_cash", "no_attachments", "possible_split",
    "reviewer_conflicts", "unclassified_flow", "unknown_category", "vague_summary", "village_rules", "voucher_gap",
]


RULES: tuple[Rule, ...] = (
    duplicate_invoice,
    duplicate_voucher,
    voucher_gap,
    duplicate_row,
    missing_approval,
    missing_payee,
    no_attachments,
    cash_over_limit,
    needs_resolution,
    possible_split,
    vague_summary,
    negative_amount,
    unknown_category,
)


def apply_rules(expenses: Sequence[Expense], config: Config, context: RuleContext) -> list[Finding]:
    """Every rule of `RULES` over the expenses; findings sorted by file, sheet, row."""
    findings: list[Finding] = []
    try:
        for rule in RULES:
            findings.extend(rule(expenses, config, context))
    finally:
        context._memo.clear()
    return list(sorted_findings(findings))


def village_rules() -> tuple[Rule, ...]:
    """The rules that look at one village at a time: all but duplicate-invoice, which needs the township.

    `check` runs these in the worker that read the village, and duplicate-invoice once over everything."""
    return tuple(r for r in RULES if r is not duplicate_invoice)


def reviewer_conflicts(village: str, reviewers: Sequence[str], expenses: Sequence) -> list[Finding]:
    """reviewer-conflict (SPEC 13): a reviewer is the handler, approver or payee of a line of the month reviewed.
    `expenses` are the public lines (anything with seq, voucher, handler, approver, payee). One finding per
    reviewer and role, naming every line (序号) concerned."""
    names = {_norm_text(r): r for r in reviewers if _norm_text(r)}
    hits: dict[tuple[str, str], list] = {}
    for e in expenses:
        for attr, role in (("handler", "经手人"), ("approver", "审批人"), ("payee", "收款方")):
            who = _norm_text(getattr(e, attr))
            if who in names:
                hits.setdefault((names[who], role), []).append(e)
    return [make("reviewer-conflict", village=village, voucher=lines[0].voucher, name=name, role=role,
                 seqs="、".join(str(e.seq) for e in lines))
            for (name, role), lines in hits.items()]

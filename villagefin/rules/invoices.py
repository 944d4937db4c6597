"""duplicate-invoice (SPEC 4, SPEC 16): one invoice on two different vouchers, here or in a month published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from ..config import Config
from ..findings import excerpt, make
from ..model import Expense, Finding
from .context import ZERO, RuleContext, _index, _norm_text, _others, _sorted_rows, _where, invoice_key


# -- errors ----------------------------------------------------------------------------------------------------
class _InvoiceUse(NamedTuple):
    """One voucher's use of an invoice number (or a published month's)."""

    amount: Decimal
    description: str
    rows: list[int] | None  # None for a use in a month already published
    code: str  # invoice_key of its 发票代码, "" when unknown
    payee: str  # matching form of its payee, "" when unknown


def _same_invoice(full: bool, a: _InvoiceUse, b: _InvoiceUse) -> str | None:
    """"error" when two uses of one number are surely one invoice, "warning" when they may be, else None.

    A 20-digit number (全电发票) is unique by itself; a shorter one only with its invoice code (发票代码), for two
    issuers print the same number. Without a code, the same payee makes it sure (SPEC 16)."""
    if full:
        return "error"
    if a.code and b.code:
        return "error" if a.code == b.code else None
    return "error" if a.payee and a.payee == b.payee else "warning"


def duplicate_invoice(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One invoice on two different vouchers: in this check (any village) or in a month published.

    duplicate-invoice when the uses are surely one invoice, possible-duplicate-invoice when a short number
    without its code is used for different payees (`_same_invoice`). A reversal that repeats the invoice of
    another use, for at most that use's amount (a full or partial 红字冲销), is not a duplicate.
    """
    first_use: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for i, e in enumerate(expenses):
        invoice = e.invoice
        if invoice:
            if not (invoice.isdigit() and invoice.isascii()):  # plain digits are their own key, cheaply
                invoice = invoice_key(invoice)
                if not invoice:
                    continue
            j = first_use.setdefault(invoice, i)
            if j != i:
                repeated.setdefault(invoice, [j]).append(i)
    published = context.published_invoices
    candidates = {invoice for invoice in repeated if invoice.strip("0")}  # 0, 000: placeholders
    if published:
        candidates.update(inv for inv in first_use if inv in published and inv.strip("0"))
    if not candidates:
        return
    index = _index(expenses, context)
    for invoice in sorted(candidates):
        rows = repeated.get(invoice) or [first_use[invoice]]
        past = published.get(invoice, ()) if published else ()
        vouchers: dict[tuple, list[int]] = {}
        for i in rows:
            vouchers.setdefault((expenses[i].village, index.keys[i]), []).append(i)
        if len(vouchers) + len(past) < 2:
            continue
        uses: list[_InvoiceUse] = []
        for (village, _key), used in vouchers.items():
            used = _sorted_rows(expenses, used)
            e = expenses[used[0]]
            total = sum((expenses[i].amount for i in used), ZERO)
            code = next((k for i in used if (k := invoice_key(expenses[i].invoice_code))), "")
            payee = next((p for i in used if (p := _norm_text(expenses[i].payee))), "")
            uses.append(_InvoiceUse(total, f"{village} {e.voucher}（{_where(e.file, e.sheet)} 第 {e.row} 行）", used,
                                    code, payee))
        for p in past:
            uses.append(_InvoiceUse(p.amount, f"{p.period} 已公开的 {p.village} {p.voucher}", None, "", ""))
        full = len(invoice) == 20 and invoice.isdigit()
        remaining = _cancel_reversals(uses, full)
        if len(remaining) < 2 or all(use.rows is None for use in remaining):
            continue
        for n, use in enumerate(remaining):
            if use.rows is None:
                continue
            sure: list[str] = []
            maybe: list[str] = []
            for m, other in enumerate(remaining):
                if m != n:
                    verdict = _same_invoice(full, use, other)
                    if verdict == "error":
                        sure.append(other.description)
                    elif verdict == "warning":
                        maybe.append(other.description)
            if not sure and not maybe:
                continue
            code = "duplicate-invoice" if sure else "possible-duplicate-invoice"
            others = _others(sure or maybe)
            for i in use.rows:
                e = expenses[i]
                yield make(code, village=e.village, file=e.file, sheet=e.sheet, row=e.row,
                           column=e.column_of("invoice"), voucher=e.voucher,
                           invoice=excerpt(e.invoice, 30), other=others)


def _cancel_reversals(uses: list[_InvoiceUse], full: bool) -> list[_InvoiceUse]:
    """Drop each negative use that reverses another use of the invoice for at most what is left of it (a 红字冲销,
    full or partial); an original reversed in full is dropped with it."""
    left: dict[int, Decimal] = {n: use.amount for n, use in enumerate(uses) if use.amount > 0}
    dropped: set[int] = set()
    for n, use in enumerate(uses):
        if use.amount >= 0:
            continue
        need = -use.amount
        fits = [k for k, amount in left.items() if amount >= need and _same_invoice(full, use, uses[k])]
        if not fits:
            continue
        k = next((k for k in fits if left[k] == need), fits[0])  # the one it reverses in full, if any
        dropped.add(n)
        left[k] -= need
        if not left[k]:
            dropped.add(k)
            del left[k]
    return [use for n, use in enumerate(uses) if n not in dropped]

"""What earlier published months tell the rules, loaded the one way that check, publish and status share.

Rules never open the archive (SPEC 17): the caller loads this small value and passes it in. Today it is the
invoices already published in other months, keyed the way the duplicate-invoice rule looks them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from .archive import ARCHIVE_DIR, ARCHIVE_NAME, Archive, InvoiceUse, archive_path
from .errors import ArchiveDamaged
from .findings import make
from .model import Finding, Period
from .rules import PublishedInvoice, invoice_key

#: invoice_key(number) → its uses in the latest revision of every published month but the one being checked
PublishedInvoices = Mapping[str, tuple[PublishedInvoice, ...]]


def keyed_invoices(raw: Mapping[str, tuple[InvoiceUse, ...]]) -> dict[str, tuple[PublishedInvoice, ...]]:
    """invoice → PublishedInvoice uses, keyed the way the duplicate-invoice rule looks them up."""
    out: dict[str, tuple[PublishedInvoice, ...]] = {}
    for inv, uses in raw.items():
        key = invoice_key(inv)
        if key:
            out[key] = out.get(key, ()) + tuple(
                PublishedInvoice(village=u.village, period=u.period, voucher=u.voucher, amount=u.amount) for u in uses)
    return out


def published_invoices_of(arc: Archive, period_key: str) -> dict[str, tuple[PublishedInvoice, ...]]:
    """From an archive already open (publish holds one for the whole run)."""
    return keyed_invoices(arc.invoices(exclude_period=period_key))


def load_history(root: Path | None, period_key: str | None) -> dict[str, tuple[PublishedInvoice, ...]]:
    """For `check` and `status`: invoices published in other months (empty without a workspace or archive)."""
    if root is None or not archive_path(root).exists():
        return {}
    with Archive(root, create=False) as arc:
        return published_invoices_of(arc, period_key or "")


def history_for_check(root: Path | None, period_key: str | None
                      ) -> tuple[dict[str, tuple[PublishedInvoice, ...]], tuple[Finding, ...]]:
    """For `check`: the history, and the warnings to add to its report. A damaged archive does not stop `check`
    (SPEC 18): it runs without the history and says that cross-month duplicates were not checked."""
    try:
        return load_history(root, period_key), ()
    except ArchiveDamaged:
        return {}, (make("archive-unreadable", file=f"{ARCHIVE_DIR}/{ARCHIVE_NAME}"),)


#: village → column (cash, bank) → the closing balance published for the month before the one checked
PreviousClosings = Mapping[str, Mapping[str, Decimal]]


def previous_closings_of(arc: Archive, period: Period, villages: Iterable[str]) -> dict[str, dict[str, Decimal]]:
    """Each village's closing balances published for the month before `period` (SPEC 12.2, 12.3)."""
    out = {}
    for village in villages:
        closing = arc.previous_closing(village, period)
        if closing:
            out[village] = closing
    return out


def load_previous_closings(root: Path | None, period: Period | None, villages: Iterable[str]) -> dict:
    """For `check`: the previous month's published closing balances (empty without an archive or a month)."""
    if root is None or period is None or not archive_path(root).exists():
        return {}
    try:
        with Archive(root, create=False) as arc:
            return previous_closings_of(arc, period, villages)
    except ArchiveDamaged:  # `check` runs on without the archive; history_for_check says so (SPEC 18)
        return {}

"""One village folder of a month (SPEC 5.2): noticeboard.pdf, index.html, expenses.csv/json, receipts/ and
revisions/rN/, drawn from the public view of its archived (or previewed) expenses.json. Runs in the render
workers of `site.build`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..config import Config
from ..fonts import missing_glyphs, register
from ..model import Period
from ..money import ZERO, display
from ..public import Edition, VillageView, township_of, view_from_document
from ..receipts import receipt_sources, receipts_for_vouchers, write_receipt_images
from ..redact import receipt_verdicts
from ..render.opendata import expenses_csv, flows_csv, income_csv, queries_csv
from ..render.pages import make_environment, render_village_page
from ..render.pdf import ReceiptPage, render_noticeboard, sheet_texts


@dataclass(frozen=True)
class VillageJob:
    """Everything a worker needs to write one village folder."""

    edition: Edition
    data: bytes  # the expenses.json bytes (as archived)
    earlier: tuple[tuple[Edition, bytes], ...]  # earlier revisions, oldest first
    folder: Path


def view_of(edition: Edition, data: bytes, config: Config, period: Period) -> VillageView:
    """The public view of a revision, from its expenses.json bytes and its village's receipts folder."""
    village = config.village(edition.village_id)
    receipts = None
    if edition.receipts_published and village is not None:
        def receipts(vouchers: Sequence[str]) -> dict:
            verdicts = receipt_verdicts(config, village)  # a scan withheld by covering is not linked (SPEC 15)
            return receipts_for_vouchers(config, village, vouchers, period,
                                         verdicts.publishable if verdicts else None)
    return view_from_document(edition, data, township=township_of(config), period=period, receipts=receipts)


def render_village(job: VillageJob, config: Config, period: Period, settings, months: Sequence[str]) -> str:
    """Write noticeboard.pdf, index.html, expenses.csv/json, receipts/ and revisions/rN/ of one village;
    return the characters its sheet needs that the font cannot draw (glyph-missing)."""
    register(settings.font)
    view = view_of(job.edition, job.data, config, period)
    folder = job.folder
    folder.mkdir(parents=True, exist_ok=True)
    pdf_kw = dict(font=settings.font, paper=settings.paper, orientation=settings.orientation)
    receipt_pages = ()
    village = config.village(view.village_id)
    if view.receipts_published and village is not None:
        verdicts = receipt_verdicts(config, village)
        files = receipt_sources(config, village, view, verdicts.publishable if verdicts else None)
        write_receipt_images(files, folder, verdicts)
        if settings.with_receipts:
            receipt_pages = tuple(ReceiptPage(folder / target, caption) for target, caption in captions(view))
    render_noticeboard(view, folder / "noticeboard.pdf", receipts=receipt_pages, **pdf_kw)
    _write_data(view, job.data, folder)
    env = _environment(settings.workspace_templates)
    (folder / "index.html").write_text(render_village_page(env, view, months=months), encoding="utf-8")
    for edition, data in job.earlier:
        old = view_of(edition, data, config, period)
        sub = folder / "revisions" / f"r{edition.revision}"
        sub.mkdir(parents=True, exist_ok=True)
        render_noticeboard(old, sub / "noticeboard.pdf", **pdf_kw)
        _write_data(old, data, sub)
    return missing_glyphs(settings.font, sheet_texts(view)) if settings.font.embedded else ""


def _write_data(view: VillageView, data: bytes, folder: Path) -> None:
    """A revision's open data: expenses.json (its archived bytes) and the CSVs — income.csv and flows.csv for a
    收支 village (SPEC 12.4), queries.csv when it has queries (SPEC 14); earlier revisions keep theirs too."""
    (folder / "expenses.json").write_bytes(data)
    (folder / "expenses.csv").write_bytes(expenses_csv(view))
    if view.queries:
        (folder / "queries.csv").write_bytes(queries_csv(view))
    if view.is_money:
        (folder / "income.csv").write_bytes(income_csv(view))
        (folder / "flows.csv").write_bytes(flows_csv(view))


_ENVIRONMENTS: dict = {}


def _environment(workspace_templates: Path | None):
    """One Jinja environment per process and template folder (building one costs more than a page)."""
    env = _ENVIRONMENTS.get(workspace_templates)
    if env is None:
        env = _ENVIRONMENTS[workspace_templates] = make_environment(workspace_templates)
    return env


def captions(view: VillageView) -> list[tuple[str, str]]:
    """(receipt image, caption) for the appendix: each voucher's scans once, captioned with the village, the
    voucher, its date and its total (a voucher's rows share its receipts)."""
    totals: dict[str, Decimal] = {}
    first: dict[str, object] = {}
    for e in view.expenses:
        totals[e.voucher] = totals.get(e.voucher, ZERO) + e.amount
        first.setdefault(e.voucher, e)
    out = []
    for voucher, e in first.items():
        for r in e.receipts:
            out.append((r.image, f"{view.village_name}  凭证 {voucher}  {e.date.isoformat()}  "
                                 f"金额 {display(totals[voucher])} 元"))
    return out


_WORKER: tuple = ()


def set_worker_context(config: Config, period: Period, settings, months: Sequence[str]) -> None:
    global _WORKER
    _WORKER = (config, period, settings, months)


def render_many(jobs: Sequence[VillageJob]) -> dict[str, str]:
    config, period, settings, months = _WORKER
    return {job.edition.village_id: render_village(job, config, period, settings, months) for job in jobs}

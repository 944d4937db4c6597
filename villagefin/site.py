"""Writing a month of the site (SPEC 5.2): village folders, township files, manifest, root index, zip.

`MonthBuild.run()` decides which village folders must be (re)rendered, builds the whole month folder in a temp
folder (copying the folders that stay as they were), and swaps it in atomically; then the root index, the
assets and the upload zip, each replaced atomically too. Village folders are rendered in worker processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import __version__
from .archive import Archive, Publication
from .config import Config
from .fonts import missing_glyphs, register
from .manifest import damaged_files, read_manifest, write_manifest
from .model import ERROR, CheckReport, Outcome, Period, ReviewConclusion, VillageOutcome, VillageStatus
from .money import ZERO, capitals, display, plain
from .output import (
    atomic_write,
    copy_tree,
    files_under,
    new_build_dir,
    recover,
    sha256_file,
    swap_in,
    write_zip,
)
from .privacy import mask
from .public import (
    Correction,
    Edition,
    TownshipView,
    VillageRow,
    VillageView,
    annex_key,
    fingerprint,
    money_totals,
    township_of,
    view_from_document,
)
from .public import public_query as _public_query
from .public import public_review as _public_review
from .receipts import receipt_sources, receipts_for_vouchers, write_receipt_images
from .redact import receipt_verdicts
from .render.opendata import expenses_csv, flows_csv, income_csv, queries_csv
from .render.pages import (
    make_environment,
    render_root_page,
    render_township_page,
    render_village_page,
    write_assets,
)
from .render.pdf import ReceiptPage, render_noticeboard, render_noticeboards, render_summary, sheet_texts
from .resources import templates_dir


@dataclass(frozen=True)
class VillageJob:
    """Everything a worker needs to write one village folder."""

    meta: Edition
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
    view = view_of(job.meta, job.data, config, period)
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
            receipt_pages = tuple(ReceiptPage(folder / target, caption) for target, caption in _captions(view))
    render_noticeboard(view, folder / "noticeboard.pdf", receipts=receipt_pages, **pdf_kw)
    (folder / "expenses.json").write_bytes(job.data)
    (folder / "expenses.csv").write_bytes(expenses_csv(view))
    if view.queries:  # SPEC 14: the month's questions and answers as open data too
        (folder / "queries.csv").write_bytes(queries_csv(view))
    if view.is_money:  # a 收支 village (SPEC 12.4)
        (folder / "income.csv").write_bytes(income_csv(view))
        (folder / "flows.csv").write_bytes(flows_csv(view))
    env = _environment(settings.workspace_templates)
    (folder / "index.html").write_text(render_village_page(env, view, months=months), encoding="utf-8")
    for meta, data in job.earlier:
        old = view_of(meta, data, config, period)
        sub = folder / "revisions" / f"r{meta.revision}"
        sub.mkdir(parents=True, exist_ok=True)
        render_noticeboard(old, sub / "noticeboard.pdf", **pdf_kw)
        (sub / "expenses.json").write_bytes(data)
        (sub / "expenses.csv").write_bytes(expenses_csv(old))
    return missing_glyphs(settings.font, sheet_texts(view)) if settings.font.embedded else ""


_ENVIRONMENTS: dict = {}


def _environment(workspace_templates: Path | None):
    """One Jinja environment per process and template folder (building one costs more than a page)."""
    env = _ENVIRONMENTS.get(workspace_templates)
    if env is None:
        env = _ENVIRONMENTS[workspace_templates] = make_environment(workspace_templates)
    return env


def _captions(view: VillageView) -> list[tuple[str, str]]:
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


def _set_worker_context(config: Config, period: Period, settings, months: Sequence[str]) -> None:
    global _WORKER
    _WORKER = (config, period, settings, months)


def _render_many(jobs: Sequence[VillageJob]) -> dict[str, str]:
    config, period, settings, months = _WORKER
    return {job.meta.village_id: render_village(job, config, period, settings, months) for job in jobs}


def _tree_digest(h, folder: Path | None) -> None:
    if folder is None or not Path(folder).is_dir():
        h.update(b"-\n")
        return
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(folder).as_posix()}:{sha256_file(p)}\n".encode())


def render_key(config: Config, settings) -> str:
    """What a month's output is rendered with besides its archived data (SPEC 16): the settings a page or
    sheet shows, the templates, the font, villagefin's version. A re-publish of unchanged data whose key
    changed rewrites the month from the archive."""
    h = hashlib.sha256()
    t, pub = config.township, config.publication
    villages = [(v.id, v.name, v.receipts, v.publish_receipts) for v in config.villages]
    font = settings.font
    h.update(repr((__version__, t.name, t.county, t.supervision_phone, t.portal_url, t.publication_day,
                   pub.paper, pub.orientation, villages, getattr(font, "path", None),
                   getattr(font, "subfont_index", None), getattr(font, "embedded", None),
                   settings.with_receipts)).encode())
    if getattr(font, "path", None):
        try:
            st = os.stat(font.path)
            h.update(f"font:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError:
            pass
    _tree_digest(h, templates_dir())
    _tree_digest(h, settings.workspace_templates)
    return h.hexdigest()


def write_month_zip(out_dir: Path, label: str) -> Path:
    """villagefin-YYYY-MM.zip: the month folder, the root index and the assets (SPEC 5.2), atomically."""
    month_dir = out_dir / label
    entries = [(p, f"{label}/{p.relative_to(month_dir).as_posix()}") for p in files_under(month_dir)]
    entries.append((out_dir / "index.html", "index.html"))
    entries += [(p, f"assets/{p.relative_to(out_dir / 'assets').as_posix()}")
                for p in files_under(out_dir / "assets")]
    path = out_dir / f"villagefin-{label}.zip"
    write_zip(path, entries)
    return path


def refresh_zips(out_dir: Path, months: Sequence[str]) -> list[str]:
    """Rebuild every month's zip whose root index is not the current one (SPEC 18: months in any order):
    each zip carries the root index, and an upload of any of them must not bring back an older one."""
    try:
        current = (out_dir / "index.html").read_bytes()
    except OSError:
        return []
    done = []
    for label in months:
        path = out_dir / f"villagefin-{label}.zip"
        if not (out_dir / label / "manifest.json").is_file():
            continue
        try:
            with zipfile.ZipFile(path) as zf:
                same = zf.read("index.html") == current
        except (OSError, KeyError, zipfile.BadZipFile):
            same = False
        if not same:
            write_month_zip(out_dir, label)
            done.append(label)
    return done


@dataclass
class MonthBuild:
    config: Config
    arc: Archive
    period: Period
    out_dir: Path
    settings: object
    preview: bool
    report: CheckReport
    outcomes: list
    fresh: dict[str, bytes]  # village id → expenses.json bytes of this run's data
    publication_date: dt.date
    progress: Callable[[int, int], None] | None = None
    rewritten_villages: set[str] = field(default_factory=set)
    zip_path: Path | None = None
    missing_glyphs: dict[str, str] = field(default_factory=dict)
    #: villages whose folders are redrawn even though up to date (a later month now follows them)
    forced: frozenset[str] = frozenset()
    #: keep the statuses the month's manifest shows (an earlier month redrawn for its links)
    keep_statuses: bool = False
    #: the settings, templates and font this run renders with (`render_key`); "" for a preview
    render_key: str = ""
    #: True when published villages were redrawn only because the render key changed
    rerendered: bool = False

    @property
    def label(self) -> str:
        return self.period.key

    # ---- decisions -----------------------------------------------------------------------------------------
    def _meta(self, pub: Publication) -> Edition:
        """A published revision's meta (the expenses stay in its archived bytes)."""
        v = self.config.village(pub.village)
        ytd_before, ytd_from = self.arc.year_to_date(pub.village, self.period.year, self.period.month)
        revisions = [p for p in self.arc.revisions(pub.village, pub.period) if p.revision <= pub.revision]
        return Edition(
            village_id=pub.village, village_name=v.name if v else pub.village_name,
            publication_date=pub.publication_date, ytd_before=ytd_before, ytd_from_month=ytd_from,
            revision=pub.revision, corrections=corrections_of(revisions), preview=False,
            receipts_published=bool(v and v.receipts and v.publish_receipts), fingerprint=pub.fingerprint,
            count=pub.count, total=pub.total, **self._neighbours(pub.village),
            **money_totals(pub.expenses_json), **self._carried(pub.village, pub.expenses_json),
            **annex_of(self.arc, self.config, pub.village, pub.period, pub.fingerprint))

    def _preview_meta(self, vid: str, data: bytes) -> Edition:
        v = self.config.village(vid)
        assert v is not None
        ytd_before, ytd_from = self.arc.year_to_date(vid, self.period.year, self.period.month)
        count, total = self.report.village_counts.get(vid, (0, ZERO))
        return Edition(
            village_id=vid, village_name=v.name, publication_date=self.publication_date, ytd_before=ytd_before,
            ytd_from_month=ytd_from, revision=1, corrections=(), preview=True,
            receipts_published=bool(v.receipts and v.publish_receipts), fingerprint=fingerprint(data),
            count=count, total=total, **self._neighbours(vid),
            **money_totals(data), **self._carried(vid, data),
            **annex_of(self.arc, self.config, vid, self.label, fingerprint(data)))

    def _carried(self, vid: str, data: bytes) -> dict:
        """A 收支 village's 本年累计收入 before this month and last month's closing balances (SPEC 12.2, 12.4)."""
        if b'"income_total"' not in data:
            return {}
        return {"ytd_income_before": self.arc.income_to_date(vid, self.period.year, self.period.month),
                "carried": tuple(sorted(self.arc.previous_closing(vid, self.period).items()))}

    def _neighbours(self, vid: str) -> dict[str, str | None]:
        """The village's published months just before and after this one (links on its page)."""
        months = self.arc.village_periods(vid) if not self.preview else []
        before = [m for m in months if m < self.label]
        after = [m for m in months if m > self.label]
        return {"prev_period": before[-1] if before else None, "next_period": after[0] if after else None}

    def _manifest(self) -> dict:
        return self._manifest_of(self.label)

    def _manifest_of(self, label: str) -> dict:
        return read_manifest(self.out_dir / label)

    def _statuses(self, latest: dict[str, Publication]) -> dict[str, VillageStatus]:
        return village_statuses(self.config, self.outcomes, latest, self.report, self.preview)

    # ---- the run -------------------------------------------------------------------------------------------
    def run(self) -> bool:
        """Write what needs writing; False when the month's output already shows the archive (nothing done)."""
        recover(self.out_dir)
        month_dir = self.out_dir / self.label
        latest = {} if self.preview else self.arc.latest_of_period(self.label)
        manifest = self._manifest()
        status = manifest["statuses"] if self.keep_statuses and "statuses" in manifest else self._statuses(latest)
        shown = manifest.get("villages", {})
        metas: dict[str, Edition] = {}
        data: dict[str, bytes] = {}
        render: list[str] = []
        keep: list[str] = []
        damaged: set[str] = set()
        rekey = False
        if self.preview:
            for vid, raw in self.fresh.items():
                metas[vid], data[vid] = self._preview_meta(vid, raw), raw
                render.append(vid)
        else:
            # every file of the manifest present with its sha256, else the month is rewritten from the archive
            damaged = damaged_files(month_dir)
            whole = "manifest.json" in damaged
            # settings, templates or font changed since the month was drawn: every village is drawn again
            rekey = month_dir.is_dir() and manifest.get("render_key") != self.render_key
            for v in self.config.villages:
                pub = latest.get(v.id)
                if pub is None:
                    continue
                metas[v.id] = self._meta(pub)
                entry = shown.get(v.id, {})
                up_to_date = (month_dir / v.id / "index.html").is_file() and entry.get("fingerprint") == \
                    pub.fingerprint and entry.get("revision") == pub.revision and not whole \
                    and not any(d.startswith(f"{v.id}/") for d in damaged) \
                    and entry.get("annex_key", "") == metas[v.id].annex_key
                if v.id in self.fresh or v.id in self.forced or not up_to_date or rekey:
                    data[v.id] = pub.expenses_json
                    render.append(v.id)
                    if v.id not in self.fresh and v.id not in self.forced:
                        if not up_to_date:
                            self.rewritten_villages.add(v.id)
                        else:
                            self.rerendered = True
                else:
                    keep.append(v.id)
        statuses_same = manifest.get("statuses") == status
        root_ok = (self.out_dir / "index.html").is_file() and (self.out_dir / f"villagefin-{self.label}.zip").is_file()
        if (not render and statuses_same and month_dir.is_dir() and root_ok and not self.preview and not damaged
                and not rekey):
            self.zip_path = self.out_dir / f"villagefin-{self.label}.zip"
            return False
        months = self._months()
        build = new_build_dir(self.out_dir, self.label)
        try:
            for vid in keep:
                copy_tree(month_dir / vid, build / vid)
            jobs = [self._job(metas[vid], data[vid], build / vid) for vid in render]
            # the township files are drawn here while the workers draw the village folders
            order = [v.id for v in self.config.villages if v.id in metas]
            self._render_jobs(jobs, months, order, build, lambda: self._township(build, metas, status, months))
            self._write_manifest(build, metas, status)
            swap_in(build, month_dir)
        except BaseException:
            import shutil

            shutil.rmtree(build, ignore_errors=True)
            raise
        self._root(months)
        self._zip(month_dir)
        return True

    def _job(self, meta: Edition, data: bytes, folder: Path) -> VillageJob:
        earlier: list[tuple[Edition, bytes]] = []
        if not self.preview and meta.revision > 1:
            for pub in self.arc.revisions(meta.village_id, self.label):
                if pub.revision < meta.revision:
                    earlier.append((self._meta(pub), pub.expenses_json))
        return VillageJob(meta=meta, data=data, earlier=tuple(earlier), folder=folder)

    def _render_jobs(self, jobs: list[VillageJob], months: list[str], order: Sequence[str], build: Path,
                     meanwhile: Callable[[], None]) -> None:
        """Village folders in worker processes; meanwhile the township files here, then print-all.pdf joined
        village by village as soon as each village's sheet is written."""
        register(self.settings.font)  # once, before the workers fork, so that they inherit the parsed font
        workers = min(len(jobs), os.cpu_count() or 1)
        if workers <= 1 or self.settings.inline:
            for i, job in enumerate(jobs, 1):
                self.missing_glyphs[job.meta.village_id] = render_village(job, self.config, self.period,
                                                                          self.settings, months)
                if self.progress:
                    self.progress(i, len(jobs))
            meanwhile()
            self._print_all(build, order, {})
            return
        # contiguous chunks in village order, so that print-all can be joined while later chunks are drawn
        size = max(1, -(-len(jobs) // (workers * 4)))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        with ProcessPoolExecutor(max_workers=workers, initializer=_set_worker_context,
                                 initargs=(self.config, self.period, self.settings, months)) as pool:
            futures = [pool.submit(_render_many, chunk) for chunk in chunks]
            meanwhile()
            ready = {job.meta.village_id: fut for fut, chunk in zip(futures, chunks, strict=True) for job in chunk}
            self._print_all(build, order, ready)
            for done, fut in enumerate(as_completed(futures), 1):
                self.missing_glyphs.update(fut.result())
                if self.progress:
                    self.progress(done, len(futures))

    def _months(self) -> list[str]:
        if self.preview:  # the months previewed in this folder
            months = {p.name for p in self.out_dir.glob("20[0-9][0-9]-[01][0-9]") if (p / "manifest.json").is_file()}
            return sorted(months | {self.label})
        months = set(self.arc.periods())
        months.add(self.label)
        return sorted(months)

    def _township(self, build: Path, views: dict[str, Edition], status: dict[str, str],
                  months: list[str]) -> None:
        rows = []
        total = ZERO
        for v in self.config.villages:
            view = views.get(v.id)
            if status.get(v.id) == VillageStatus.BLOCKED:
                view = None  # a preview's draft of a village with errors: listed as such, in no total
            if view is not None:
                total += view.total
            rows.append(VillageRow(
                village_id=v.id, village_name=v.name, status=VillageStatus(status.get(v.id, VillageStatus.MISSING)),
                count=view.count if view else None, total=view.total if view else None,
                publication_date=view.publication_date if view else None,
                revision=view.revision if view else None,
                income=view.income if view else None, closing=view.closing if view else None))
        tview = TownshipView(township=township_of(self.config), year=self.period.year, month=self.period.month,
                             publication_date=self.publication_date, villages=tuple(rows), total=total,
                             total_capitals=capitals(total), preview=self.preview)
        s = self.settings
        register(s.font)
        kw = dict(font=s.font, paper=s.paper, orientation=s.orientation)
        render_summary(tview, build / "summary.pdf", **kw)
        env = make_environment(s.workspace_templates)
        (build / "index.html").write_text(render_township_page(env, tview, months=months), encoding="utf-8")

    def _print_all(self, build: Path, village_ids: Sequence[str], ready: dict) -> None:
        """print-all.pdf: the township summary, then every village's sheets in config order, joined page for
        page (pypdf) from the PDFs just written, rather than drawn a second time. `ready` holds the future of
        each village still being drawn."""
        from pypdf import PdfWriter  # heavy: only when a month is written

        writer = PdfWriter()
        writer.append(str(build / "summary.pdf"))  # written first (`meanwhile`), before any village is joined
        if not village_ids:  # nothing published yet: after the summary, one page that says so
            s = self.settings
            note = io.BytesIO()
            render_noticeboards([], note, font=s.font, paper=s.paper, orientation=s.orientation)
            writer.append(note)
        for vid in village_ids:
            if vid in ready:
                ready[vid].result()
            writer.append(str(build / vid / "noticeboard.pdf"))
        writer.add_metadata({"/Title": f"{self.config.township.name}{self.period.year}年{self.period.month}月各村财务支出公开表"})
        with open(build / "print-all.pdf", "wb") as f:
            writer.write(f)

    def _write_manifest(self, build: Path, views: dict[str, Edition], status: dict[str, str]) -> None:
        files = [{"path": p.relative_to(build).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
                 for p in files_under(build)]
        # "villages": the villages this month folder publishes (SPEC 5.2); "statuses": every configured village
        villages = {v.id: {"expenses": views[v.id].count, "total": plain(views[v.id].total),
                           "revision": views[v.id].revision, "fingerprint": views[v.id].fingerprint,
                           "annex_key": views[v.id].annex_key}
                    for v in self.config.villages if v.id in views}
        statuses = {v.id: VillageStatus(status.get(v.id, VillageStatus.MISSING)).value for v in self.config.villages}
        doc = {"period": self.label, "files": files, "villages": villages, "statuses": statuses,
               "preview": self.preview, "render_key": self.render_key}
        write_manifest(build, doc)

    def _root(self, months: list[str]) -> None:
        rows = []
        for label in sorted(months, reverse=True):
            if self.preview:  # from each previewed month's own manifest
                doc = self._manifest_of(label)
                shown = {k: v for k, v in doc.get("villages", {}).items()
                         if doc.get("statuses", {}).get(k) != VillageStatus.BLOCKED.value}
                total = sum((Decimal(v["total"]) for v in shown.values()), ZERO)
                count = len(shown)
            else:
                pubs = self.arc.latest_of_period(label)
                total = sum((p.total for p in pubs.values()), Decimal("0.00"))
                count = len(pubs)
            rows.append((label, total, count))
        env = make_environment(self.settings.workspace_templates)
        html = render_root_page(env, township_of(self.config), rows, preview=self.preview)
        assets = new_build_dir(self.out_dir, "assets")
        write_assets(assets, self.settings.workspace_templates)
        swap_in(assets / "assets", self.out_dir / "assets")
        import shutil

        shutil.rmtree(assets, ignore_errors=True)
        atomic_write(self.out_dir / "index.html", html.encode("utf-8"))

    def _zip(self, month_dir: Path) -> None:
        self.zip_path = write_month_zip(self.out_dir, self.label)


def village_statuses(config: Config, outcomes: Sequence[VillageOutcome], latest: Mapping[str, Publication],
                     report: CheckReport, preview: bool) -> dict[str, VillageStatus]:
    """Every configured village's status in the month, decided here only: this run's outcome, else the
    archive, else what the check found."""
    out: dict[str, VillageStatus] = {}
    for o in outcomes:
        pub = latest.get(o.village_id)
        if preview and o.outcome == Outcome.PREVIEWED:  # a draft: errors still say so
            out[o.village_id] = VillageStatus.BLOCKED if o.errors else VillageStatus.PUBLISHED
        elif pub is not None:
            out[o.village_id] = VillageStatus.CORRECTED if pub.revision > 1 else VillageStatus.PUBLISHED
        elif o.outcome == Outcome.SKIPPED_ERRORS or (preview and o.errors):
            out[o.village_id] = VillageStatus.BLOCKED
        elif o.outcome == Outcome.AWAITING_REVIEW:
            out[o.village_id] = VillageStatus.AWAITING_REVIEW
        elif o.outcome == Outcome.REVIEW_REJECTED:
            out[o.village_id] = VillageStatus.REVIEW_REJECTED
        else:
            out[o.village_id] = VillageStatus.MISSING
    blocked = {f.village for f in report.findings if f.severity == ERROR}
    found = {s.village for s in report.files} | {f.village for f in report.findings if f.file}
    for v in config.villages:
        if v.id in out:
            continue
        pub = latest.get(v.id)
        if pub is not None:
            out[v.id] = VillageStatus.CORRECTED if pub.revision > 1 else VillageStatus.PUBLISHED
        elif v.id in blocked:
            out[v.id] = VillageStatus.BLOCKED
        else:
            out[v.id] = VillageStatus.PENDING if v.id in found else VillageStatus.MISSING
    return out


def annex_of(arc: Archive, config: Config, village: str, period: str, fp: str) -> dict:
    """The queries about a village-month and the approval of data `fp`, as its pages publish them (SPEC 13, 14):
    Edition fields. The approval shown is the latest review of exactly these data, when it approves."""
    days = config.queries.reply_days
    queries = tuple(
        _public_query(number=q.number, received=q.received, channel=q.channel, revision=q.revision, item=q.item,
                      voucher=q.voucher, summary=q.summary, question=q.question, answer=q.answer,
                      answer_date=q.answer_date, reply_days=days)
        for q in arc.queries(village=village, period=period))
    review = None
    for r in reversed(arc.reviews(village=village, period=period)):
        if r.fingerprint == fp:
            if r.conclusion == ReviewConclusion.APPROVE:
                review = _public_review(opinion=r.opinion, reviewers=r.reviewers, date=r.review_date)
            break
    return {"queries": queries, "review": review, "reply_days": days}


def corrections_of(revisions: Sequence[Publication]) -> tuple[Correction, ...]:
    """The corrections a village page lists, newest first, from the month's archived revisions."""
    return tuple(
        Correction(revision=p.revision, reason=mask(p.correction_reason or ""), added=p.added, removed=p.removed,
                   changed=p.changed, date=p.publication_date)
        for p in sorted(revisions, key=lambda p: -p.revision) if p.revision > 1
    )


def relink(config: Config, arc: Archive, out_dir: Path, period: Period, villages: Sequence[str],
           settings, key: str) -> list[str]:
    """After `villages` published `period`, redraw their pages of the nearest published months before and
    after it (from the archive, as any rewrite), so that those pages link to the new month (SPEC 5.4:
    previous/next month), in whatever order the months were published (SPEC 18). Returns the months redrawn:
    their upload bundles changed."""
    label = period.key
    redraw: dict[str, set[str]] = {}
    for vid in villages:
        months = arc.village_periods(vid)
        before = [m for m in months if m < label]
        after = [m for m in months if m > label]
        for neighbour in (before[-1:] + after[:1]):
            page = out_dir / neighbour / vid / "index.html"
            try:
                text = page.read_text(encoding="utf-8")
            except OSError:
                continue
            if f"../../{label}/{vid}/index.html" not in text:
                redraw.setdefault(neighbour, set()).add(vid)
    for month, vids in sorted(redraw.items()):
        pubs = arc.latest_of_period(month)
        MonthBuild(config=config, arc=arc, period=Period.from_key(month), out_dir=out_dir, settings=settings,
                   preview=False, report=CheckReport(period=month, files=(), expenses=(), findings=()),
                   outcomes=[], fresh={}, publication_date=max(p.publication_date for p in pubs.values()),
                   forced=frozenset(vids), keep_statuses=True, render_key=key).run()
    return sorted(redraw)


def refresh_annexes(config: Config, arc: Archive, out_dir: Path, settings, exclude: str, key: str) -> list[str]:
    """Redraw, from the archive, the village folders of other published months whose queries or approval
    changed since they were drawn (SPEC 14: no revision added); return the months whose bundle was rewritten.

    The manifest keeps each village's `annex_key`; only months with queries or reviews are looked at (both are
    append-only, so a key once set never goes back to empty without a review of that month), and in them only
    villages that have some or show a key: a workspace with none costs two small queries."""
    touched: set[tuple[str, str]] = {(q.village, q.period) for q in arc.queries()}
    touched |= {(r.village, r.period) for r in arc.reviews()}
    changed: list[str] = []
    for month in sorted({period for _vid, period in touched}):
        if month == exclude:
            continue
        doc = read_manifest(out_dir / month)
        if not doc:
            continue  # that month's output is not in this folder
        shown = doc.get("villages", {})
        pubs = arc.latest_of_period(month)
        redraw = set()
        for vid, pub in pubs.items():
            entry = shown.get(vid)
            if entry is None or config.village(vid) is None:
                continue
            if (vid, month) not in touched and not entry.get("annex_key"):
                continue
            key = annex_key(**{k: val for k, val in annex_of(arc, config, vid, month, pub.fingerprint).items()
                               if k in ("queries", "review")})
            if entry.get("annex_key", "") != key:
                redraw.add(vid)
        if not redraw:
            continue
        MonthBuild(config=config, arc=arc, period=Period.from_key(month), out_dir=out_dir, settings=settings,
                   preview=False, report=CheckReport(period=month, files=(), expenses=(), findings=()),
                   outcomes=[], fresh={}, publication_date=max(p.publication_date for p in pubs.values()),
                   forced=frozenset(redraw), keep_statuses=True, render_key=key).run()
        changed.append(month)
    return changed

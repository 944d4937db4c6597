"""Writing a month of the site (SPEC 5.2): village folders, township files, manifest, root index, zip.

`MonthBuild.run()` reads a snapshot of the archive and of the month's output, lets `plan` decide what to
draw, builds the whole month folder in a temp folder (copying the village folders that stay as they were,
drawing the others in worker processes), writes the manifest and swaps the folder in atomically; then the
root index, the assets and the upload zip, each replaced atomically too. It returns a frozen `BuildResult`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import zipfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..archive import Archive
from ..config import Config
from ..fonts import register
from ..manifest import damaged_files, read_manifest, write_manifest
from ..model import ERROR, CheckReport, Period, VillageOutcome, VillageStatus
from ..money import ZERO, capitals, plain
from ..output import (
    atomic_write,
    copy_tree,
    files_under,
    new_build_dir,
    recover,
    sha256_file,
    swap_in,
    write_zip,
)
from ..public import Edition, TownshipView, VillageRow, annex_key, township_of
from ..redact import RULES_VERSION
from ..render.pages import make_environment, render_root_page, render_township_page, write_assets
from ..render.pdf import render_noticeboards, render_summary
from ..resources import templates_dir
from .editions import annex_of, edition_of, preview_edition
from .plan import MonthPlan, MonthSnapshot, Shown, links_of, plan_month, stale_annexes, stale_links
from .village import VillageJob, render_many, render_village, set_worker_context


@dataclass(frozen=True)
class Settings:
    """What rendering needs besides the views (picklable, for worker processes)."""

    paper: str
    orientation: str
    font: object  # fonts.FontChoice
    workspace_templates: Path | None
    with_receipts: bool
    #: render in this process, without worker processes (RunOptions.inline)
    inline: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a month build did."""

    written: bool  # False: the month's output already showed the archive; nothing was written
    zip_path: Path
    rewritten_villages: frozenset[str] = frozenset()  # drawn again: the output did not show the archive
    rerendered: bool = False  # published villages drawn again only because the render key changed
    missing_glyphs: Mapping[str, str] = field(default_factory=dict)  # village → characters the font lacks


def _tree_digest(h, folder: Path | None) -> None:
    if folder is None or not Path(folder).is_dir():
        h.update(b"-\n")
        return
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(folder).as_posix()}:{sha256_file(p)}\n".encode())


def render_key(config: Config, settings) -> str:
    """What a month's output is rendered with besides its archived data (SPEC 16): the settings a page or
    sheet shows, the templates, the font, villagefin's version, the rules that cover numbers on scans. A
    re-publish of unchanged data whose key changed rewrites the month from the archive (a scan published under
    older covering rules is covered again)."""
    h = hashlib.sha256()
    t, pub = config.township, config.publication
    villages = [(v.id, v.name, v.receipts, v.publish_receipts) for v in config.villages]
    font = settings.font
    h.update(repr((__version__, t.name, t.county, t.supervision_phone, t.portal_url, t.publication_day,
                   pub.paper, pub.orientation, villages, getattr(font, "path", None),
                   getattr(font, "subfont_index", None), getattr(font, "embedded", None),
                   settings.with_receipts, RULES_VERSION)).encode())
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


@dataclass(frozen=True)
class MonthBuild:
    """One month of the site to write (built by keyword; `run()` writes it)."""

    config: Config
    arc: Archive
    period: Period
    out_dir: Path
    settings: Settings
    publication_date: dt.date
    preview: bool = False
    report: CheckReport | None = None  # this run's check (statuses of villages not published)
    outcomes: tuple[VillageOutcome, ...] = ()
    fresh: Mapping[str, bytes] = field(default_factory=dict)  # village id → expenses.json bytes of this run
    progress: Callable[[int, int], None] | None = None
    #: villages whose folders are redrawn even though up to date (a later month now follows them)
    forced: frozenset[str] = frozenset()
    #: keep the statuses the month's manifest shows (an earlier month redrawn from the archive)
    keep_statuses: bool = False
    #: the settings, templates and font this run renders with (`render_key`); "" for a preview
    render_key: str = ""

    @property
    def label(self) -> str:
        return self.period.key

    def run(self) -> BuildResult:
        """Write what needs writing (nothing when the month's output already shows the archive)."""
        recover(self.out_dir)
        snapshot = self._snapshot()
        plan = plan_month(snapshot)
        zip_path = self.out_dir / f"villagefin-{self.label}.zip"
        if not plan.write:
            return BuildResult(written=False, zip_path=zip_path)
        months = self._months()
        glyphs = self._write_month(plan, snapshot, months)
        self._root(months)
        write_month_zip(self.out_dir, self.label)
        return BuildResult(written=True, zip_path=zip_path, rewritten_villages=plan.rewritten,
                           rerendered=plan.rerendered, missing_glyphs=glyphs)

    # ---- reading the snapshot --------------------------------------------------------------------------------
    def _snapshot(self) -> MonthSnapshot:
        latest = {} if self.preview else self.arc.latest_of_period(self.label)
        if self.preview:
            counts = self.report.village_counts if self.report else {}
            editions = {vid: preview_edition(self.arc, self.config, self.period, vid, data, self.publication_date,
                                             counts) for vid, data in self.fresh.items()}
        else:
            editions = {v.id: edition_of(self.arc, self.config, self.period, latest[v.id])
                        for v in self.config.villages if v.id in latest}
        report = self.report or CheckReport(period=self.label, files=(), expenses=(), findings=())
        return MonthSnapshot(
            label=self.label, preview=self.preview, villages=tuple(v.id for v in self.config.villages),
            latest=latest, editions=editions, shown=self._shown(editions), render_key=self.render_key,
            fresh=tuple(self.fresh), forced=self.forced, outcomes=tuple(self.outcomes),
            # villages with errors, and villages whose ledgers were found, in this run's check
            blocked=frozenset(f.village for f in report.findings if f.severity == ERROR and f.village),
            found=frozenset({s.village for s in report.files} | {f.village for f in report.findings if f.file}),
            keep_statuses=self.keep_statuses)

    def _shown(self, editions: Mapping[str, Edition]) -> Shown:
        month_dir = self.out_dir / self.label
        return Shown(
            manifest=read_manifest(month_dir),
            damaged=frozenset() if self.preview else frozenset(damaged_files(month_dir)),
            exists=month_dir.is_dir(),
            pages=frozenset(vid for vid in editions if (month_dir / vid / "index.html").is_file()),
            root_ok=(self.out_dir / "index.html").is_file()
            and (self.out_dir / f"villagefin-{self.label}.zip").is_file())

    def _months(self) -> list[str]:
        if self.preview:  # the months previewed in this folder
            months = {p.name for p in self.out_dir.glob("20[0-9][0-9]-[01][0-9]") if (p / "manifest.json").is_file()}
            return sorted(months | {self.label})
        months = set(self.arc.periods())
        months.add(self.label)
        return sorted(months)

    # ---- writing the month folder ----------------------------------------------------------------------------
    def _write_month(self, plan: MonthPlan, snapshot: MonthSnapshot, months: list[str]) -> dict[str, str]:
        """The month folder built in a temp folder and swapped in; returns the characters each village's
        sheet needs that the font cannot draw."""
        month_dir = self.out_dir / self.label
        editions = snapshot.editions
        build = new_build_dir(self.out_dir, self.label)
        try:
            for vid in plan.keep:
                copy_tree(month_dir / vid, build / vid)
            jobs = [self._job(editions[vid], self._data(snapshot, vid), build / vid) for vid in plan.render]
            # the township files are drawn here while the workers draw the village folders
            order = [vid for vid in snapshot.villages if vid in editions]
            # print-all.pdf's title says 收支 when a village of the month is a 收支 village, as summary.pdf does
            kind = "收支" if any(editions[vid].income is not None for vid in order) else "支出"
            glyphs = self._render_jobs(jobs, months, order, build,
                                       lambda: self._township(build, editions, plan.statuses, months), kind)
            self._write_manifest(build, editions, plan.statuses)
            swap_in(build, month_dir)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        return glyphs

    def _data(self, snapshot: MonthSnapshot, vid: str) -> bytes:
        """The expenses.json a village folder is drawn from: the archived revision (the preview's data)."""
        return self.fresh[vid] if self.preview else snapshot.latest[vid].expenses_json

    def _job(self, edition: Edition, data: bytes, folder: Path) -> VillageJob:
        earlier: list[tuple[Edition, bytes]] = []
        if not self.preview and edition.revision > 1:
            for pub in self.arc.revisions(edition.village_id, self.label):
                if pub.revision < edition.revision:
                    earlier.append((edition_of(self.arc, self.config, self.period, pub), pub.expenses_json))
        return VillageJob(edition=edition, data=data, earlier=tuple(earlier), folder=folder)

    def _render_jobs(self, jobs: list[VillageJob], months: list[str], order: Sequence[str], build: Path,
                     meanwhile: Callable[[], None], kind: str = "支出") -> dict[str, str]:
        """Village folders in worker processes; meanwhile the township files here, then print-all.pdf joined
        village by village as soon as each village's sheet is written."""
        register(self.settings.font)  # once, before the workers fork, so that they inherit the parsed font
        glyphs: dict[str, str] = {}
        workers = min(len(jobs), os.cpu_count() or 1)
        if workers <= 1 or self.settings.inline:
            for i, job in enumerate(jobs, 1):
                glyphs[job.edition.village_id] = render_village(job, self.config, self.period, self.settings, months)
                if self.progress:
                    self.progress(i, len(jobs))
            meanwhile()
            self._print_all(build, order, {}, kind)
            return glyphs
        # contiguous chunks in village order, so that print-all can be joined while later chunks are drawn
        size = max(1, -(-len(jobs) // (workers * 4)))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        with ProcessPoolExecutor(max_workers=workers, initializer=set_worker_context,
                                 initargs=(self.config, self.period, self.settings, months)) as pool:
            futures = [pool.submit(render_many, chunk) for chunk in chunks]
            meanwhile()
            ready = {job.edition.village_id: fut for fut, chunk in zip(futures, chunks, strict=True) for job in chunk}
            self._print_all(build, order, ready, kind)
            for done, fut in enumerate(as_completed(futures), 1):
                glyphs.update(fut.result())
                if self.progress:
                    self.progress(done, len(futures))
        return glyphs

    def _township(self, build: Path, views: Mapping[str, Edition], status: Mapping[str, VillageStatus],
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

    def _print_all(self, build: Path, village_ids: Sequence[str], ready: dict, kind: str = "支出") -> None:
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
        writer.add_metadata({"/Title": f"{self.config.township.name}{self.period.year}年{self.period.month}月各村财务{kind}公开表"})
        with open(build / "print-all.pdf", "wb") as f:
            writer.write(f)

    def _write_manifest(self, build: Path, editions: Mapping[str, Edition],
                        status: Mapping[str, VillageStatus]) -> None:
        files = [{"path": p.relative_to(build).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
                 for p in files_under(build)]
        # "villages": the villages this month folder publishes (SPEC 5.2), with what their pages show (the
        # links too: `relink` decides from them); "statuses": every configured village
        villages = {v.id: {"expenses": e.count, "total": plain(e.total), "revision": e.revision,
                           "fingerprint": e.fingerprint, "annex_key": e.annex_key,
                           "prev_period": e.prev_period, "next_period": e.next_period}
                    for v in self.config.villages if (e := editions.get(v.id)) is not None}
        statuses = {v.id: VillageStatus(status.get(v.id, VillageStatus.MISSING)).value for v in self.config.villages}
        doc = {"period": self.label, "files": files, "villages": villages, "statuses": statuses,
               "preview": self.preview, "render_key": self.render_key}
        write_manifest(build, doc)

    def _root(self, months: list[str]) -> None:
        rows = []
        for label in sorted(months, reverse=True):
            if self.preview:  # from each previewed month's own manifest
                doc = read_manifest(self.out_dir / label)
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
        shutil.rmtree(assets, ignore_errors=True)
        atomic_write(self.out_dir / "index.html", html.encode("utf-8"))


def _redraw(config: Config, arc: Archive, out_dir: Path, month: str, villages: set[str], settings: Settings,
            key: str) -> None:
    """Redraw villages of an earlier-built month from the archive, its statuses kept."""
    pubs = arc.latest_of_period(month)
    MonthBuild(config=config, arc=arc, period=Period.from_key(month), out_dir=out_dir, settings=settings,
               publication_date=max(p.publication_date for p in pubs.values()), forced=frozenset(villages),
               keep_statuses=True, render_key=key).run()


def relink(config: Config, arc: Archive, out_dir: Path, period: Period, villages: Sequence[str],
           settings: Settings, key: str) -> list[str]:
    """After `villages` published `period`, redraw their pages of the nearest published months before and
    after it whose links (as their manifests tell) are not the archive's, so that those pages link to the
    new month (SPEC 5.4: previous/next month), in whatever order the months were published (SPEC 18).
    Returns the months redrawn: their upload bundles changed."""
    periods = {vid: arc.village_periods(vid) for vid in villages}
    around = {m for months in periods.values() for m in links_of(months, period.key) if m is not None}
    redraw = stale_links(period.key, periods, {m: read_manifest(out_dir / m) for m in sorted(around)})
    for month, vids in sorted(redraw.items()):
        _redraw(config, arc, out_dir, month, vids, settings, key)
    return sorted(redraw)


def refresh_annexes(config: Config, arc: Archive, out_dir: Path, settings: Settings, exclude: str,
                    key: str) -> list[str]:
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
        keys = {}
        for vid, pub in arc.latest_of_period(month).items():
            if vid not in shown or config.village(vid) is None:
                continue
            if (vid, month) not in touched and not shown[vid].get("annex_key"):
                continue
            annex = annex_of(arc, config, vid, month, pub.fingerprint)
            keys[vid] = annex_key(annex["queries"], annex["review"])
        redraw = stale_annexes(doc, keys)
        if redraw:
            _redraw(config, arc, out_dir, month, redraw, settings, key)
            changed.append(month)
    return changed

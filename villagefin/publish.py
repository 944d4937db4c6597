"""`run_publish()` (SPEC 5.1): check → public view → archive → render into a temp folder → atomic swap.

The archive comes first and the site is a function of it: every village-month on the site is rendered from
the expenses.json bytes its archived revision holds. So a run killed after archiving and before swapping is
repaired by the next run (the output is rewritten from the archive, no revision added), and re-publishing
unchanged data rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from . import state
from .archive import Archive, Publication, publish_lock
from .check import run_check
from .config import Config
from .errors import storage_error
from .findings import make
from .fonts import find_font
from .history import previous_closings_of, published_invoices_of
from .model import (
    ERROR,
    CheckReport,
    Finding,
    Outcome,
    ReviewConclusion,
    VillageOutcome,
)
from .output import ensure_writable
from .privacy import mask
from .public import (
    LineHash,
    PublicDocuments,
    VillageDocument,
    expenses_from_json,
    fingerprint,
    line_hashes,
    township_of,
    without_money,
)
from .receipt_review import MonthScans
from .redact import terminal_progress
from .replay import (  # noqa: F401 (the outcome names are kept for the callers)
    AWAITING_REVIEW,
    CORRECTION,
    NEW,
    PREVIEWED,
    REFUSED,
    RERENDERED,
    REVIEW_REJECTED,
    REWRITTEN,
    SKIPPED_ERRORS,
    SKIPPED_MISSING,
    UNCHANGED,
    PublishContext,
    PublishResult,
    prepare_publish,
    remember,
    replay_unchanged,
)
from .rules import reviewer_conflicts
from .site import BuildResult, MonthBuild, Settings, refresh_annexes, refresh_zips, relink, render_key


def diff_vouchers(old: bytes, new: VillageDocument) -> tuple[tuple[str, ...], ...]:
    """(added, removed, changed) voucher numbers between an archived revision's expenses.json and this run's
    document: their expenses and, for a 收支 village, their income and other flows too (SPEC 12.4: a correction
    lists every kind of line)."""
    def by_voucher(lines: Sequence[LineHash]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for voucher, digest in lines:
            out.setdefault(voucher, []).append(digest)
        return {k: sorted(v) for k, v in out.items()}

    a, b = by_voucher(line_hashes(old)), by_voucher(new.lines)
    added = tuple(v for v in b if v not in a)
    removed = tuple(v for v in a if v not in b)
    changed = tuple(v for v in b if v in a and a[v] != b[v])
    return added, removed, changed


def run_publish(config: Config, **asked) -> PublishResult:
    """Publish (or preview) one month for the configured villages (the arguments of `prepare_publish`). Bad
    data never raises: it is reported."""
    ctx = prepare_publish(config, **asked)
    return replay_unchanged(ctx) or publish_prepared(ctx)


def publish_prepared(ctx: PublishContext) -> PublishResult:
    """The full run, when `replay_unchanged` had no answer: under the workspace's lock."""
    try:
        with publish_lock(ctx.root):
            return _publish(ctx)
    except OSError as exc:  # a full disk, a folder taken away meanwhile: one line naming the folder
        raise storage_error(exc, _failed_folder(exc, ctx.out_dir, ctx.root)) from None

def _failed_folder(exc: OSError, out_dir: Path, root: Path) -> Path:
    """The folder to name for a write that failed: the output or the workspace's .villagefin, else the file's."""
    if not exc.filename:
        return out_dir
    path = Path(str(exc.filename))
    for folder in (out_dir, root / ".villagefin"):
        if path == folder or folder in path.parents:
            return folder
    return path.parent


def _publish(ctx: PublishContext) -> PublishResult:
    """Check, archive what changed, then write the site from the archive (under the workspace's lock)."""
    font, font_note = _font(ctx)
    try:  # before anything is archived (SPEC 18): an output folder that cannot be written stops here
        ensure_writable(ctx.out_dir)
    except OSError as exc:
        raise storage_error(exc, ctx.out_dir) from None
    with Archive(ctx.root, create=not ctx.preview) as arc:
        if not ctx.preview:  # where this month's output goes, for `status` to compare with the archive
            state.remember_output(ctx.root, ctx.label, ctx.out_dir)
        report = _check(ctx, arc)
        documents: Mapping[str, VillageDocument] = report.outputs
        errors_of: dict[str, list[Finding]] = {}
        for f in report.findings:
            if f.severity == ERROR and f.village:
                errors_of.setdefault(f.village, []).append(f)
        # the scans to cover; an official publish stops here, before anything is archived, when they would
        # need the OCR engine and it cannot be loaded (SPEC 15)
        scans = MonthScans.plan(ctx.config, ctx.period, {
            vid: documents[vid].data for vid in _selected(ctx)
            if vid in documents and (ctx.preview or not errors_of.get(vid))})
        if not ctx.preview:
            scans.require_engine()
        outcomes, fresh = _record(ctx, arc, report, errors_of)
        receipt_warnings = scans.cover(list(fresh), terminal_progress())
        settings = Settings(ctx.config.publication.paper, ctx.config.publication.orientation, font,
                            ctx.root / "templates" if (ctx.root / "templates").is_dir() else None,
                            ctx.with_receipts, inline=ctx.options.inline)
        built, bundles = _write_site(ctx, arc, report, outcomes, fresh, settings)
        conflicts = [] if ctx.preview else _conflicts(arc, ctx.label, outcomes, fresh)
        sheets = scans.contact_sheets(ctx.month_dir, list(fresh), font.path)
    result = PublishResult(
        period=ctx.label, preview=ctx.preview, out_dir=ctx.out_dir, month_dir=ctx.month_dir,
        publication_date=ctx.publication_date, on_time=ctx.on_time, outcomes=outcomes, report=report,
        warnings=_glyph_warnings(built.missing_glyphs) + receipt_warnings + conflicts, font_note=font_note,
        rewritten=built.written, zip_path=built.zip_path, bundles_changed=sorted(bundles), receipt_sheets=sheets)
    if not ctx.preview:
        remember(ctx.config, ctx.label, ctx.villages, result, ctx.with_receipts)
    return result


def _font(ctx: PublishContext):
    """The sheets' font (an official publish refuses without an embeddable one), and a note when a preview
    falls back to the reader's own."""
    configured = ctx.config.publication.font
    if configured and not Path(configured).is_absolute():
        configured = str(ctx.root / configured)
    font = find_font(configured, allow_fallback=ctx.preview)
    if font.embedded:
        return font, None
    return font, ("没有找到可嵌入的中文字体，本次预览使用 PDF 阅读器自带的宋体（未嵌入）。正式公开前请安装字体"
                  "（Debian/Ubuntu：apt-get install fonts-wqy-microhei）或在 villagefin.toml 的 [publication] font 中指定。")


def _check(ctx: PublishContext, arc: Archive) -> CheckReport:
    """The month checked with the archive's history; the workers write each village's public expenses.json as
    they check it, so this process only compares bytes with the archive, records, and hands them on."""
    config = ctx.config
    return run_check(None, config, month=ctx.label, published_invoices=published_invoices_of(arc, ctx.label),
                     progress=ctx.progress, keep_expenses=False,
                     on_village=PublicDocuments(township_of(config), ctx.period), options=ctx.options,
                     previous_closing=previous_closings_of(arc, ctx.period, [v.id for v in config.villages]))


def _selected(ctx: PublishContext) -> list[str]:
    return [v.id for v in ctx.config.villages if not ctx.villages or v.id in ctx.villages]


def _record(ctx: PublishContext, arc: Archive, report: CheckReport, errors_of: Mapping[str, list[Finding]]
            ) -> tuple[list[VillageOutcome], dict[str, bytes]]:
    """Each village asked for: skipped, unchanged, refused, held for review, or archived as a new revision
    (SPEC 5.1, 13). Returns the outcomes and the expenses.json bytes this run published (or previews)."""
    found = {s.village for s in report.files} | {f.village for f in report.findings if f.file and f.village}
    documents: Mapping[str, VillageDocument] = report.outputs
    outcomes: list[VillageOutcome] = []
    fresh: dict[str, bytes] = {}  # village id → expenses.json bytes of this run's data
    for v in ctx.config.villages:
        if v.id not in _selected(ctx):
            continue
        errors = tuple(errors_of.get(v.id, ()))
        if v.id not in found:
            outcomes.append(VillageOutcome(v.id, v.name, SKIPPED_MISSING))
        elif errors and not ctx.preview:
            outcomes.append(VillageOutcome(v.id, v.name, SKIPPED_ERRORS, errors=errors))
        elif ctx.preview:
            count, total = report.village_counts[v.id]
            outcomes.append(VillageOutcome(v.id, v.name, PREVIEWED, None, count, total, errors))
            fresh[v.id] = documents[v.id].data
        else:
            outcome = _archive_village(ctx, arc, v.id, v.name, documents[v.id], report.village_counts[v.id])
            outcomes.append(outcome)
            if outcome.outcome in (NEW, CORRECTION):
                fresh[v.id] = documents[v.id].data
    return outcomes, fresh


def _archive_village(ctx: PublishContext, arc: Archive, vid: str, name: str, doc: VillageDocument,
                     counts: tuple[int, Decimal]) -> VillageOutcome:
    """One village's data against its latest archived revision: recorded as a new one when it may be."""
    count, total = counts
    latest = arc.latest(vid, ctx.label)
    if latest is not None and (latest.expenses_json == doc.data or (
            not ctx.correct and without_money(doc.data) == latest.expenses_json)):
        # a month archived before 收支 publication stays as it was unless corrected (SPEC 12.4)
        return VillageOutcome(vid, name, UNCHANGED, latest.revision, count, total)
    if latest is not None and not ctx.correct:
        return VillageOutcome(vid, name, REFUSED, latest.revision, count, total)
    gate = _review_gate(ctx.config, arc, vid, ctx.label, doc.fingerprint)
    if gate is not None:  # SPEC 13: only approved data go out
        return VillageOutcome(vid, name, gate, latest.revision if latest else None, count, total)
    revision = 1 if latest is None else latest.revision + 1
    added, removed, changed = diff_vouchers(latest.expenses_json, doc) if latest is not None else ((), (), ())
    pub = Publication(
        village=vid, village_name=name, period=ctx.label, revision=revision, run_at=ctx.run_at.isoformat(),
        publication_date=ctx.publication_date, on_time=ctx.on_time, count=count, total=total,
        fingerprint=doc.fingerprint, expenses_json=doc.data,
        correction_reason=mask(ctx.correct) if latest is not None else None,  # public text (SPEC 18)
        added=added, removed=removed, changed=changed,
    )
    arc.record(pub, doc.rows)
    return VillageOutcome(vid, name, NEW if latest is None else CORRECTION, revision, count, total)


def _write_site(ctx: PublishContext, arc: Archive, report: CheckReport, outcomes: list[VillageOutcome],
                fresh: dict[str, bytes], settings: Settings) -> tuple[BuildResult, list[str]]:
    """The month written from the archive, its villages' neighbouring months relinked, the other months whose
    queries or approvals changed redrawn, and every zip whose root index is stale rebuilt. Returns the build
    and the months whose upload bundle changed. A write that fails after archiving says so (SPEC 18)."""
    key = "" if ctx.preview else render_key(ctx.config, settings)
    archived = any(o.outcome in (NEW, CORRECTION) for o in outcomes)
    try:
        built = MonthBuild(config=ctx.config, arc=arc, period=ctx.period, out_dir=ctx.out_dir, settings=settings,
                           publication_date=ctx.publication_date, preview=ctx.preview, report=report,
                           outcomes=tuple(outcomes), fresh=fresh, progress=ctx.progress, render_key=key).run()
        _mark_redrawn(outcomes, built)
        if ctx.preview:
            return built, []
        linked = relink(ctx.config, arc, ctx.out_dir, ctx.period,
                        [o.village_id for o in outcomes if o.outcome in (NEW, CORRECTION)], settings, key)
        # a month already out whose pages were redrawn from the archive (queries, approvals): upload it again
        bundles = [ctx.label] if built.written and any(o.outcome in (REWRITTEN, RERENDERED)
                                                       for o in outcomes) else []
        bundles += [m for m in refresh_annexes(ctx.config, arc, ctx.out_dir, settings, exclude=ctx.label, key=key)
                    if m not in linked]
        bundles += linked
        if built.written or bundles:  # a zip rebuilt for the root index changed too (SPEC 14, 18)
            bundles += [m for m in refresh_zips(ctx.out_dir, arc.periods()) if m not in bundles]
    except OSError as exc:  # the archive is ahead of the output: the next run rebuilds it (SPEC 18)
        raise storage_error(exc, _failed_folder(exc, ctx.out_dir, ctx.root), after_archive=archived) from None
    return built, bundles


def _mark_redrawn(outcomes: list[VillageOutcome], built: BuildResult) -> None:
    """An unchanged village whose folder was written again says so: rewritten (the output did not show the
    archive) or re-rendered (the settings, templates or font changed)."""
    for o in outcomes:
        if o.outcome == UNCHANGED and o.village_id in built.rewritten_villages:
            o.outcome = REWRITTEN
        elif o.outcome == UNCHANGED and built.rerendered:
            o.outcome = RERENDERED


def _review_gate(config: Config, arc: Archive, village: str, label: str, fp: str) -> Outcome | None:
    """None when the village may add a revision; else why not (SPEC 13: require_review)."""
    if not config.publication.require_review:
        return None
    review = arc.latest_review(village, label)
    if review is None or review.fingerprint != fp:
        return AWAITING_REVIEW
    return None if review.conclusion == ReviewConclusion.APPROVE else REVIEW_REJECTED


def _conflicts(arc: Archive, label: str, outcomes: Sequence[VillageOutcome], fresh: dict[str, bytes]) -> list[Finding]:
    """reviewer-conflict for the villages this run published with a recorded approval of their data."""
    out: list[Finding] = []
    for o in outcomes:
        if o.outcome not in (NEW, CORRECTION) or o.village_id not in fresh:
            continue
        data = fresh[o.village_id]
        review = arc.latest_review(o.village_id, label)
        if review is not None and review.fingerprint == fingerprint(data) and review.conclusion == ReviewConclusion.APPROVE:
            out += reviewer_conflicts(o.village_id, review.reviewers, expenses_from_json(data))
    return out


def _glyph_warnings(missing: dict[str, str]) -> list[Finding]:
    """glyph-missing: characters of the published text that the PDF font cannot draw (found by the renderers)."""
    return [make("glyph-missing", village=vid, chars=" ".join(chars)) for vid, chars in sorted(missing.items())
            if chars]

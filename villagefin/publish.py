"""`run_publish()` (SPEC 5.1): check → public view → archive → render into a temp folder → atomic swap.

The archive comes first and the site is a function of it: every village-month on the site is rendered from
the expenses.json bytes its archived revision holds. So a run killed after archiving and before swapping is
repaired by the next run (the output is rewritten from the archive, no revision added), and re-publishing
unchanged data rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import state
from .archive import Archive, ExpenseHash, Publication, publish_lock
from .config import Config, check_not_placeholders
from .errors import ConfigError, PublishRefused, UsageError, storage_error
from .findings import make
from .ledgers import parse_month, require_villages, shanghai_today
from .manifest import damaged_files
from .model import (
    DEFAULT_OPTIONS,
    ERROR,
    CheckReport,
    Finding,
    Outcome,
    Period,
    ReviewConclusion,
    RunOptions,
    VillageOutcome,
)
from .output import ensure_writable
from .privacy import mask
from .public import (
    expenses_from_json,
    fingerprint,
    line_hashes,
    township_of,
    without_money,
)

# what happened to a village in a run (names kept for the callers; the codes live in model.Outcome)
NEW, CORRECTION, UNCHANGED, REWRITTEN = Outcome.NEW, Outcome.CORRECTION, Outcome.UNCHANGED, Outcome.REWRITTEN
SKIPPED_ERRORS, SKIPPED_MISSING = Outcome.SKIPPED_ERRORS, Outcome.SKIPPED_MISSING
REFUSED, PREVIEWED, RERENDERED = Outcome.REFUSED, Outcome.PREVIEWED, Outcome.RERENDERED
AWAITING_REVIEW, REVIEW_REJECTED = Outcome.AWAITING_REVIEW, Outcome.REVIEW_REJECTED


@dataclass
class PublishResult:
    period: str
    preview: bool
    out_dir: Path
    month_dir: Path
    publication_date: dt.date
    on_time: bool
    outcomes: list[VillageOutcome]
    report: CheckReport
    warnings: list[Finding] = field(default_factory=list)
    font_note: str | None = None
    rewritten: bool = False  # False: nothing was written (unchanged month)
    zip_path: Path | None = None
    #: months whose upload bundle this run rewrote (queries or reviews redrawn): upload them again (SPEC 14)
    bundles_changed: list[str] = field(default_factory=list)
    receipt_sheets: list[Path] = field(default_factory=list)  # receipts contact sheets written (SPEC 15)

    @property
    def exit_code(self) -> int:
        return 1 if any(o.skipped for o in self.outcomes) else 0


def scheduled_date(period: Period, day: int) -> dt.date:
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    return dt.date(year, month, day)


def diff_vouchers(old: bytes, new: bytes) -> tuple[tuple[str, ...], ...]:
    """(added, removed, changed) voucher numbers between two revisions' expenses.json: their expenses and, for a
    收支 village, their income and other flows too (SPEC 12.4: a correction lists every kind of line)."""
    def by_voucher(data: bytes) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for voucher, digest in line_hashes(data):
            out.setdefault(voucher, []).append(digest)
        return {k: sorted(v) for k, v in out.items()}

    a, b = by_voucher(old), by_voucher(new)
    added = tuple(v for v in b if v not in a)
    removed = tuple(v for v in a if v not in b)
    changed = tuple(v for v in b if v in a and a[v] != b[v])
    return added, removed, changed


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


def run_publish(
    config: Config,
    *,
    month: str | None = None,
    villages: Sequence[str] = (),
    out: Path | None = None,
    preview: bool = False,
    date: dt.date | None = None,
    correct: str | None = None,
    with_receipts: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    allow_placeholders: bool = False,
) -> PublishResult:
    """Publish (or preview) one month for the configured villages. Bad data never raises: it is reported.

    `allow_placeholders` is for `demo` only: its samples are examples, with an example.org portal."""
    if config.root is None:
        raise ConfigError("publish 需要镇工作目录（含 villagefin.toml）；请先运行 villagefin init。")
    root = config.root
    if not preview and not allow_placeholders:
        check_not_placeholders(config)
    require_villages(config, villages)
    today = today or shanghai_today()
    period = parse_month(month, today)
    if period is None:
        raise UsageError("publish 需要具体月份，例如 --month 2026-10。")
    label = period.key
    if (today.year, today.month) <= (period.year, period.month) and not preview:
        raise PublishRefused(f"{period.year}年{period.month}月还没有结束，不能正式公开；如需先看效果，请加 --preview 生成预览稿。")
    scheduled = scheduled_date(period, config.township.publication_day)
    if date is not None and date < scheduled.replace(day=1):
        raise UsageError(f"公开日期 {date.isoformat()} 早于 {period.year}年{period.month}月结束；"
                         f"请用 {scheduled.replace(day=1).isoformat()} 或之后的日期。")
    pub_date = date or max(today, scheduled)
    on_time = pub_date <= scheduled
    out_dir = Path(out) if out is not None else root / ("preview" if preview else "site")
    if not out_dir.is_absolute():
        out_dir = Path.cwd() / out_dir
    month_dir = out_dir / label
    if preview and _is_official(month_dir):
        raise PublishRefused(f"{month_dir} 是正式公开的输出，预览不能覆盖它；请用 --out 指定另一个文件夹。")
    if not preview and not correct:
        remembered = state.load(root, label)
        if (remembered and remembered.get("inputs") == state.inputs_fingerprint(config, label, villages, out_dir)
                and remembered.get("with_receipts", False) == with_receipts
                and state.output_intact(out_dir, label, remembered) and not damaged_files(month_dir)):
            return _replay(remembered, label, out_dir)

    try:
        with publish_lock(root):
            return _publish(config, root, period, label, villages, out_dir, month_dir, preview, pub_date, on_time,
                            correct, with_receipts, progress, now, options)
    except OSError as exc:  # a full disk, a folder taken away meanwhile: one line naming the folder
        raise storage_error(exc, _failed_folder(exc, out_dir, root)) from None


def _failed_folder(exc: OSError, out_dir: Path, root: Path) -> Path:
    """The folder to name for a write that failed: the output or the workspace's .villagefin, else the file's."""
    if not exc.filename:
        return out_dir
    path = Path(str(exc.filename))
    for folder in (out_dir, root / ".villagefin"):
        if path == folder or folder in path.parents:
            return folder
    return path.parent


def _publish(config: Config, root: Path, period: Period, label: str, villages: Sequence[str], out_dir: Path,
             month_dir: Path, preview: bool, pub_date: dt.date, on_time: bool, correct: str | None,
             with_receipts: bool, progress: Callable[[int, int], None] | None,
             now: dt.datetime | None, options: RunOptions) -> PublishResult:
    # the readers, renderers and OCR are imported only when there is work to do: an unchanged re-publish
    # replays the remembered result from `state` without them (SPEC 9: under 10% of a full publish)
    from .check import PublicSpec, run_check
    from .fonts import find_font
    from .history import previous_closings_of, published_invoices_of
    from .receipt_review import MonthScans
    from .redact import terminal_progress
    from .site import MonthBuild, refresh_annexes, refresh_zips, relink, render_key

    configured_font = config.publication.font
    if configured_font and not Path(configured_font).is_absolute():
        configured_font = str(root / configured_font)
    font = find_font(configured_font, allow_fallback=preview)
    try:  # before anything is archived (SPEC 18): an output folder that cannot be written stops here
        ensure_writable(out_dir)
    except OSError as exc:
        raise storage_error(exc, out_dir) from None
    font_note = None
    if not font.embedded:
        font_note = ("没有找到可嵌入的中文字体，本次预览使用 PDF 阅读器自带的宋体（未嵌入）。正式公开前请安装字体"
                     "（Debian/Ubuntu：apt-get install fonts-wqy-microhei）或在 villagefin.toml 的 [publication] font 中指定。")

    with Archive(root, create=not preview) as arc:
        invoices = published_invoices_of(arc, label)
        if not preview:  # where this month's output goes, for `status` to compare with the archive
            state.remember_output(root, label, out_dir)
        # the workers build each village's public expenses.json as they check it: this process only
        # compares bytes with the archive, records, and hands the bytes on to the renderers
        report = run_check(None, config, month=label, published_invoices=invoices, progress=progress,
                           keep_expenses=False, public=PublicSpec(township_of(config), period.year, period.month),
                           options=options,
                           previous_closing=previous_closings_of(arc, period, [v.id for v in config.villages]))
        selected = [v for v in config.villages if not villages or v.id in villages]
        outcomes: list[VillageOutcome] = []
        fresh: dict[str, bytes] = {}  # village id → expenses.json bytes of this run's data
        run_at = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone(dt.timedelta(hours=8)))
        found_in: set[str] = {s.village for s in report.files}
        found_in.update(f.village for f in report.findings if f.file and f.village)
        errors_of: dict[str, list[Finding]] = {}
        for f in report.findings:
            if f.severity == ERROR and f.village:
                errors_of.setdefault(f.village, []).append(f)
        # the scans to cover; an official publish stops here, before anything is archived, when they would
        # need the OCR engine and it cannot be loaded (SPEC 15)
        scans = MonthScans.plan(config, period, {v.id: report.public[v.id][0] for v in selected
                                                 if v.id in report.public and (preview or not errors_of.get(v.id))})
        if not preview:
            scans.require_engine()
        for v in selected:
            errors = tuple(errors_of.get(v.id, ()))
            if v.id not in found_in:
                outcomes.append(VillageOutcome(v.id, v.name, SKIPPED_MISSING))
                continue
            if errors and not preview:
                outcomes.append(VillageOutcome(v.id, v.name, SKIPPED_ERRORS, errors=errors))
                continue
            data, rows = report.public[v.id]
            count, total = report.village_counts[v.id]
            if preview:
                outcomes.append(VillageOutcome(v.id, v.name, PREVIEWED, None, count, total, errors))
                fresh[v.id] = data
                continue
            latest = arc.latest(v.id, label)
            if latest is not None and (latest.expenses_json == data or (
                    not correct and without_money(data) == latest.expenses_json)):
                # a month archived before 收支 publication stays as it was unless corrected (SPEC 12.4)
                outcomes.append(VillageOutcome(v.id, v.name, UNCHANGED, latest.revision, count, total))
                continue
            if latest is not None and not correct:
                outcomes.append(VillageOutcome(v.id, v.name, REFUSED, latest.revision, count, total))
                continue
            gate = _review_gate(config, arc, v.id, label, fingerprint(data))
            if gate is not None:  # SPEC 13: only approved data go out
                outcomes.append(VillageOutcome(v.id, v.name, gate, latest.revision if latest else None, count, total))
                continue
            revision = 1 if latest is None else latest.revision + 1
            added = removed = changed = ()
            if latest is not None:
                added, removed, changed = diff_vouchers(latest.expenses_json, data)
            pub = Publication(
                village=v.id, village_name=v.name, period=label, revision=revision, run_at=run_at.isoformat(),
                publication_date=pub_date, on_time=on_time, count=count, total=total,
                fingerprint=fingerprint(data), expenses_json=data,
                correction_reason=mask(correct) if latest is not None else None,  # public text (SPEC 18)
                added=added, removed=removed, changed=changed,
            )
            arc.record(pub, [ExpenseHash(*row) for row in rows])
            outcomes.append(VillageOutcome(v.id, v.name, NEW if latest is None else CORRECTION, revision,
                                           count, total))
            fresh[v.id] = data
        receipt_warnings = scans.cover(list(fresh), terminal_progress())
        settings = Settings(config.publication.paper, config.publication.orientation, font,
                            root / "templates" if (root / "templates").is_dir() else None, with_receipts,
                            inline=options.inline)
        key = "" if preview else render_key(config, settings)
        build = MonthBuild(config=config, arc=arc, period=period, out_dir=out_dir, settings=settings,
                           preview=preview, report=report, outcomes=outcomes, fresh=fresh,
                           publication_date=pub_date, progress=progress, render_key=key)
        archived = any(o.outcome in (NEW, CORRECTION) for o in outcomes)
        linked: list[str] = []
        try:
            rewritten = build.run()
            if not preview:
                linked = relink(config, arc, out_dir, period, [o.village_id for o in outcomes
                                                               if o.outcome in (NEW, CORRECTION)], settings, key)
        except OSError as exc:  # the archive is ahead of the output: the next run rebuilds it (SPEC 18)
            raise storage_error(exc, _failed_folder(exc, out_dir, root), after_archive=archived) from None
        for o in outcomes:
            if o.outcome == UNCHANGED and o.village_id in build.rewritten_villages:
                o.outcome = REWRITTEN
            elif o.outcome == UNCHANGED and build.rerendered:
                o.outcome = RERENDERED
        # a month already out whose pages were redrawn from the archive (queries, approvals): upload it again
        bundles = [label] if rewritten and any(o.outcome in (REWRITTEN, RERENDERED) for o in outcomes) else []
        if not preview:
            try:
                bundles += [m for m in refresh_annexes(config, arc, out_dir, settings, exclude=label, key=key)
                            if m not in linked]
                bundles += linked
                if rewritten or bundles:  # a zip rebuilt for the root index changed too (SPEC 14, 18)
                    bundles += [m for m in refresh_zips(out_dir, arc.periods()) if m not in bundles]
            except OSError as exc:
                raise storage_error(exc, _failed_folder(exc, out_dir, root), after_archive=archived) from None
        conflicts = [] if preview else _conflicts(arc, label, outcomes, fresh)
        sheets = scans.contact_sheets(month_dir, list(fresh), font.path)
    warnings = _glyph_warnings(build.missing_glyphs) + receipt_warnings + conflicts
    result = PublishResult(
        period=label, preview=preview, out_dir=out_dir, month_dir=month_dir, publication_date=pub_date,
        on_time=on_time, outcomes=outcomes, report=report, warnings=warnings, font_note=font_note,
        rewritten=rewritten, zip_path=build.zip_path, bundles_changed=sorted(bundles),
        receipt_sheets=sheets,
    )
    if not preview:
        _remember(config, label, villages, result, with_receipts)
    return result


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
    from .rules import reviewer_conflicts  # heavy: see _publish

    out: list[Finding] = []
    for o in outcomes:
        if o.outcome not in (NEW, CORRECTION) or o.village_id not in fresh:
            continue
        data = fresh[o.village_id]
        review = arc.latest_review(o.village_id, label)
        if review is not None and review.fingerprint == fingerprint(data) and review.conclusion == ReviewConclusion.APPROVE:
            out += reviewer_conflicts(o.village_id, review.reviewers, expenses_from_json(data))
    return out


def _remember(config: Config, label: str, villages: Sequence[str], result: PublishResult,
              with_receipts: bool) -> None:
    """Save what this run was made from and what it said (see `state`)."""
    assert config.root is not None
    doc = {
        "inputs": state.inputs_fingerprint(config, label, villages, result.out_dir),
        "manifest": state.manifest_hash(result.month_dir),
        "publication_date": result.publication_date.isoformat(),
        "on_time": result.on_time,
        "with_receipts": with_receipts,
        "outcomes": [{"village_id": o.village_id, "village_name": o.village_name, "outcome": o.outcome,
                      "revision": o.revision, "count": o.count, "total": None if o.total is None else str(o.total),
                      "errors": [f.as_dict() for f in o.errors]} for o in result.outcomes],
        "warnings": [f.as_dict() for f in result.warnings],
    }
    state.save(config.root, label, doc)


def _replay(doc: dict, label: str, out_dir: Path) -> PublishResult:
    """The result of the remembered run, as an unchanged re-publish reports it: nothing is rewritten."""
    def finding(d: dict) -> Finding:
        return Finding(**{k: d[k] for k in ("file", "sheet", "row", "column", "code", "severity", "village",
                                             "voucher", "message")})

    outcomes = []
    for o in doc["outcomes"]:
        kind = UNCHANGED if o["outcome"] in (NEW, CORRECTION, REWRITTEN, RERENDERED, UNCHANGED) else Outcome(o["outcome"])
        outcomes.append(VillageOutcome(o["village_id"], o["village_name"], kind, o["revision"], o["count"],
                                       None if o["total"] is None else Decimal(o["total"]),
                                       tuple(finding(f) for f in o["errors"])))
    return PublishResult(
        period=label, preview=False, out_dir=out_dir, month_dir=out_dir / label,
        publication_date=dt.date.fromisoformat(doc["publication_date"]), on_time=doc["on_time"],
        outcomes=outcomes, report=CheckReport(period=label, files=(), expenses=(), findings=()),
        warnings=[finding(f) for f in doc["warnings"]], rewritten=False, zip_path=out_dir / f"villagefin-{label}.zip",
    )


def _is_official(month_dir: Path) -> bool:
    manifest = month_dir / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return not json.loads(manifest.read_text(encoding="utf-8")).get("preview", False)
    except (OSError, ValueError):
        return False


def _glyph_warnings(missing: dict[str, str]) -> list[Finding]:
    """glyph-missing: characters of the published text that the PDF font cannot draw (found by the renderers)."""
    return [make("glyph-missing", village=vid, chars=" ".join(chars)) for vid, chars in sorted(missing.items())
            if chars]

"""`villagefin review` (SPEC 13): review copies for the committee, and their recorded conclusions.

`run_review()` checks the month as publish would and writes, for each village with no errors, a review copy
`review/<YYYY-MM>/<id>-审核稿.pdf` (the sheets as they would be published, watermarked 「审核稿」, the receipts,
a 审核记录 page), remembering in the archive the data fingerprint each copy shows. `run_review_decision()`
records the committee's conclusion on that fingerprint, if the village's data still are those data. With
`[publication] require_review = true`, publish adds a revision only for data whose latest review approves them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .archive import Archive, ReviewCopy, ReviewRecord
from .check import run_check
from .config import Config
from .errors import ConfigError, UsageError
from .fonts import find_font, register
from .ledgers import parse_month, require_villages, shanghai_today
from .model import ERROR, Finding, Period, ReviewConclusion
from .output import atomic_write
from .public import Edition, PublicDocuments, VillageDocument, expenses_from_json, township_of
from .receipt_review import MonthScans
from .receipts import receipt_sources, write_receipt_images
from .redact import receipt_verdicts, terminal_progress
from .render.pdf import ReceiptPage
from .render.pdf_review import ReviewSheet, render_review_copy
from .rules import reviewer_conflicts
from .site import annex_of, captions, corrections_of, view_of

REVIEW_DIR = "review"
#: scans as they will be published (EXIF removed, personal numbers covered), kept for the next review copies
RECEIPTS_CACHE = Path(".villagefin") / "review-receipts" / "covered"
FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_NAME_SEP = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class ReviewCopyLine:
    village_id: str
    village_name: str
    path: Path | None  # None: no copy (errors, or no ledger)
    fingerprint: str = ""
    count: int = 0
    total: Decimal = Decimal("0.00")
    errors: tuple[Finding, ...] = ()
    missing: bool = False  # no ledger found


@dataclass
class ReviewRun:
    period: str
    villages: list[ReviewCopyLine] = field(default_factory=list)
    #: receipt-redacted / receipt-withheld: what covering the scans did (SPEC 15: OCR runs in review too)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if all(v.path is not None for v in self.villages) else 1


@dataclass(frozen=True)
class ReviewDecision:
    period: str
    village_id: str
    village_name: str
    conclusion: ReviewConclusion
    reviewed: str  # the fingerprint reviewed
    current: str | None  # the fingerprint of the village's data now (None: errors or no ledger)
    recorded: ReviewRecord | None  # None: nothing recorded (the data differ from what was reviewed)
    warnings: tuple[Finding, ...] = ()
    errors: int = 0

    @property
    def exit_code(self) -> int:
        return 0 if self.recorded is not None else 1


def _period(config: Config, month: str | None, today: dt.date | None) -> Period:
    if config.root is None:
        raise ConfigError("review 需要镇工作目录（含 villagefin.toml）；请进入工作目录运行，或用 --config 指定。")
    period = parse_month(month, today or shanghai_today())
    if period is None:
        raise UsageError("review 需要具体月份，例如 --month 2026-10。")
    return period


def copy_path(root: Path, period: str, village_id: str) -> Path:
    return root / REVIEW_DIR / period / f"{village_id}-审核稿.pdf"


def _publication_date(period: Period, day: int, today: dt.date) -> dt.date:
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    return max(today, dt.date(year, month, day))


def run_review(config: Config, *, month: str | None = None, villages: Sequence[str] = (),
               today: dt.date | None = None, now: dt.datetime | None = None,
               progress: Callable[[int, int], None] | None = None) -> ReviewRun:
    """Write a review copy for every named (else every configured) village whose month has no errors."""
    period = _period(config, month, today)
    require_villages(config, villages)
    root = config.root
    assert root is not None
    today = today or shanghai_today()
    label = period.key
    report = run_check(None, config, month=label, villages=villages, keep_expenses=False, progress=progress,
                       on_village=PublicDocuments(township_of(config), period))
    documents: dict[str, VillageDocument] = report.outputs
    configured = config.publication.font
    if configured and not Path(configured).is_absolute():
        configured = str(root / configured)
    font = find_font(configured, allow_fallback=True)
    register(font)
    found = {s.village for s in report.files} | {f.village for f in report.findings if f.file and f.village}
    errors_of: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.severity == ERROR and f.village:
            errors_of.setdefault(f.village, []).append(f)
    written = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    pub_date = _publication_date(period, config.township.publication_day, today)
    run = ReviewRun(period=label)
    jobs: list[_CopyJob] = []
    with Archive(root) as arc:
        for v in config.villages:
            if villages and v.id not in villages:
                continue
            if v.id not in found:
                run.villages.append(ReviewCopyLine(v.id, v.name, None, missing=True))
                continue
            if errors_of.get(v.id):
                run.villages.append(ReviewCopyLine(v.id, v.name, None, errors=tuple(errors_of[v.id])))
                continue
            data, fp = documents[v.id].data, documents[v.id].fingerprint
            count, total = report.village_counts[v.id]
            latest = arc.latest(v.id, label)
            revision = 1 if latest is None else latest.revision + (latest.expenses_json != data)
            ytd_before, ytd_from = arc.year_to_date(v.id, period.year, period.month)
            meta = Edition(
                village_id=v.id, village_name=v.name, publication_date=pub_date, ytd_before=ytd_before,
                ytd_from_month=ytd_from, revision=revision, corrections=corrections_of(arc.revisions(v.id, label)),
                preview=False, receipts_published=bool(v.receipts and v.publish_receipts), fingerprint=fp,
                count=count, total=total, **annex_of(arc, config, v.id, label, fp))
            path = copy_path(root, label, v.id)
            jobs.append(_CopyJob(meta=meta, data=data, path=path))
            run.villages.append(ReviewCopyLine(v.id, v.name, path, fp, count, total))
        # the copies show every scan as it will be published: covered first (SPEC 15), from the cache when read
        scans = MonthScans.plan(config, period, {job.meta.village_id: job.data for job in jobs})
        run.warnings.extend(scans.cover([job.meta.village_id for job in jobs], terminal_progress()))
        context = _CopyContext(config=config, period=period, font=font, written=written)
        _render_copies(jobs, context)
        for job in jobs:
            arc.record_review_copy(ReviewCopy(village=job.meta.village_id, period=label, fingerprint=job.meta.fingerprint,
                                              path=str(job.path), written_at=written.isoformat()))
    return run


@dataclass(frozen=True)
class _CopyJob:
    meta: Edition
    data: bytes  # the expenses.json bytes the copy shows
    path: Path


@dataclass(frozen=True)
class _CopyContext:
    """What every copy needs besides its job (picklable, for worker processes)."""

    config: Config
    period: Period
    font: object  # fonts.FontChoice
    written: dt.datetime


def _render_copy(job: _CopyJob, ctx: _CopyContext) -> None:
    config, meta = ctx.config, job.meta
    register(ctx.font)
    view = view_of(meta, job.data, config, ctx.period)
    village = config.village(meta.village_id)
    hint = (f"villagefin review --month {ctx.period.key} --village {meta.village_id} --approve --by \"姓名,姓名\" "
            f"--fingerprint {meta.fingerprint}")
    assert config.root is not None and village is not None
    receipts = _receipt_pages(config, village, view, config.root / RECEIPTS_CACHE / ctx.period.key / meta.village_id)
    buffer = io.BytesIO()
    render_review_copy(view, buffer, sheet=ReviewSheet(written=ctx.written, record_hint=hint), receipts=receipts,
                       font=ctx.font, paper=config.publication.paper, orientation=config.publication.orientation)
    atomic_write(job.path, buffer.getvalue())


def _render_many(jobs: Sequence[_CopyJob], ctx: _CopyContext) -> None:
    for job in jobs:
        _render_copy(job, ctx)


def _render_copies(jobs: Sequence[_CopyJob], ctx: _CopyContext) -> None:
    """Each copy in a worker process (a township's copies take two cores' time), a few inline."""
    workers = min(os.cpu_count() or 1, len(jobs) // 2)
    if workers <= 1:
        _render_many(jobs, ctx)
        return
    chunks = [jobs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for fut in [pool.submit(_render_many, chunk, ctx) for chunk in chunks]:
            fut.result()


def _receipt_pages(config: Config, village, view, folder: Path) -> tuple[ReceiptPage, ...]:
    """The scans the page will publish, written (EXIF removed) beside the copy, for the appendix."""
    if not view.receipts_published:
        return ()
    verdicts = receipt_verdicts(config, village)  # None: published as they are ("as-is")
    files = receipt_sources(config, village, view, verdicts.publishable if verdicts else None)
    if not files:
        return ()
    # cleaned scans are kept between runs: a scan is cleaned again only when it is newer than its copy
    stale = []
    for source, target in files:
        dest = folder / target
        try:
            if dest.stat().st_mtime_ns >= Path(source.split("#page=")[0]).stat().st_mtime_ns:
                continue
        except OSError:
            pass
        stale.append((source, target))
    write_receipt_images(stale, folder, verdicts)
    return tuple(ReceiptPage(folder / target, caption) for target, caption in captions(view)
                 if (folder / target).is_file())


def parse_reviewers(text: str) -> tuple[str, ...]:
    names = tuple(n for n in _NAME_SEP.split(text or "") if n)
    if not names:
        raise UsageError("--by 须写明审核人姓名，多人用逗号分隔，例如 --by \"王建国,李秀英\"。")
    return names


def run_review_decision(config: Config, *, village: str, conclusion: ReviewConclusion, by: str,
                        opinion: str | None = None, date: dt.date | None = None, fingerprint_: str | None = None,
                        month: str | None = None, today: dt.date | None = None,
                        now: dt.datetime | None = None) -> ReviewDecision:
    """Record the committee's conclusion on the data of the latest review copy (or `fingerprint_`), if the
    village's data still are those data; otherwise record nothing (exit 1)."""
    period = _period(config, month, today)
    require_villages(config, [village])
    root = config.root
    assert root is not None
    today = today or shanghai_today()
    label = period.key
    reviewers = parse_reviewers(by)
    v = config.village(village)
    assert v is not None
    if fingerprint_ is not None:
        reviewed = fingerprint_.strip().lower()
        if not FINGERPRINT.fullmatch(reviewed):
            raise UsageError(f"--fingerprint「{fingerprint_}」不是数据指纹；请抄写审核稿上的 16 位数据指纹，例如 0123456789abcdef。")
    else:
        with Archive(root) as arc:
            copy = arc.latest_review_copy(village, label)
        if copy is None:
            raise UsageError(f"{v.name} {period.label()}还没有审核稿；请先运行 villagefin review --month {label} "
                             f"--village {village} 打印审核稿，或用 --fingerprint 写明审核稿上的数据指纹。")
        reviewed = copy.fingerprint
    report = run_check(None, config, month=label, villages=[village], keep_expenses=False,
                       on_village=PublicDocuments(township_of(config), period))
    documents: dict[str, VillageDocument] = report.outputs
    errors = sum(1 for f in report.findings if f.severity == ERROR and f.village == village)
    current = None
    data = None
    if not errors and village in documents:
        data, current = documents[village].data, documents[village].fingerprint
    if current != reviewed:
        return ReviewDecision(period=label, village_id=village, village_name=v.name, conclusion=conclusion,
                              reviewed=reviewed, current=current, recorded=None, errors=errors)
    text = (opinion or "").strip() or conclusion.text
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    record = ReviewRecord(village=village, period=label, fingerprint=reviewed, reviewers=reviewers,
                          conclusion=conclusion, opinion=text, review_date=date or today, run_at=when.isoformat())
    with Archive(root) as arc:
        arc.record_review(record)
    warnings: tuple[Finding, ...] = ()
    if conclusion == ReviewConclusion.APPROVE and data is not None:
        warnings = tuple(reviewer_conflicts(village, reviewers, expenses_from_json(data)))
    return ReviewDecision(period=label, village_id=village, village_name=v.name, conclusion=conclusion,
                          reviewed=reviewed, current=current, recorded=record, warnings=warnings)

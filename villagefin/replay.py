"""A publish run as it was asked for (`PublishContext`), what it says (`PublishResult`), and the cheap answer
when nothing changed (SPEC 9: an unchanged re-publish costs under 10% of a full one).

`prepare_publish` checks the request and decides the month, dates and folders; `replay_unchanged` returns the
remembered result of the last official publish when nothing it was made from changed and its output is whole.
Only when there is work does the command load `publish` (the check, the archive writes, the renderers, OCR).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import state
from .config import Config, check_not_placeholders
from .errors import ConfigError, PublishRefused, UsageError
from .ledgers import parse_month, require_villages, shanghai_today
from .manifest import damaged_files, read_manifest
from .model import DEFAULT_OPTIONS, CheckReport, Finding, Outcome, Period, RunOptions, VillageOutcome

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

@dataclass(frozen=True)
class PublishContext:
    """One publish run, decided before anything is read (built by keyword): the month, the villages asked
    for, where the output goes, the publication date, and how the run was asked."""

    config: Config
    root: Path
    period: Period
    villages: tuple[str, ...]  # asked for with --village (empty: all)
    out_dir: Path
    preview: bool
    publication_date: dt.date
    on_time: bool
    run_at: dt.datetime  # in Beijing time, as the archive records it
    correct: str | None = None
    with_receipts: bool = False
    progress: Callable[[int, int], None] | None = None
    options: RunOptions = DEFAULT_OPTIONS

    @property
    def label(self) -> str:
        return self.period.key

    @property
    def month_dir(self) -> Path:
        return self.out_dir / self.label


def prepare_publish(
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
) -> PublishContext:
    """The publish run asked for, checked before anything is read: a usage error or a refusal raises here.

    `allow_placeholders` is for `demo` only: its samples are examples, with an example.org portal."""
    if config.root is None:
        raise ConfigError("publish 需要镇工作目录（含 villagefin.toml）；请先运行 villagefin init。")
    if not preview and not allow_placeholders:
        check_not_placeholders(config)
    require_villages(config, villages)
    today = today or shanghai_today()
    period = parse_month(month, today)
    if period is None:
        raise UsageError("publish 需要具体月份，例如 --month 2026-10。")
    if (today.year, today.month) <= (period.year, period.month) and not preview:
        raise PublishRefused(f"{period.year}年{period.month}月还没有结束，不能正式公开；如需先看效果，请加 --preview 生成预览稿。")
    pub_date, on_time = _publication_date(config, period, date, today)
    ctx = PublishContext(
        config=config, root=config.root, period=period, villages=tuple(villages),
        out_dir=_out_dir(config.root, out, preview), preview=preview, publication_date=pub_date, on_time=on_time,
        run_at=(now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone(dt.timedelta(hours=8))),
        correct=correct, with_receipts=with_receipts, progress=progress, options=options)
    if preview and _is_official(ctx.month_dir):
        raise PublishRefused(f"{ctx.month_dir} 是正式公开的输出，预览不能覆盖它；请用 --out 指定另一个文件夹。")
    return ctx


def _publication_date(config: Config, period: Period, date: dt.date | None, today: dt.date) -> tuple[dt.date, bool]:
    """The date printed on the month's sheets and whether it is on time (SPEC 5.1)."""
    scheduled = scheduled_date(period, config.township.publication_day)
    if date is not None and date < scheduled.replace(day=1):
        raise UsageError(f"公开日期 {date.isoformat()} 早于 {period.year}年{period.month}月结束；"
                         f"请用 {scheduled.replace(day=1).isoformat()} 或之后的日期。")
    pub_date = date or max(today, scheduled)
    return pub_date, pub_date <= scheduled

def _out_dir(root: Path, out: Path | None, preview: bool) -> Path:
    out_dir = Path(out) if out is not None else root / ("preview" if preview else "site")
    return out_dir if out_dir.is_absolute() else Path.cwd() / out_dir

def replay_unchanged(ctx: PublishContext) -> PublishResult | None:
    """The remembered result of the last official publish when nothing it was made from changed and its output
    is whole (SPEC 9: an unchanged re-publish costs almost nothing); None otherwise."""
    if ctx.preview or ctx.correct:
        return None
    remembered = state.load(ctx.root, ctx.label)
    if (remembered and remembered.get("inputs") == state.inputs_fingerprint(ctx.config, ctx.label, ctx.villages,
                                                                           ctx.out_dir)
            and remembered.get("with_receipts", False) == ctx.with_receipts
            and state.output_intact(ctx.out_dir, ctx.label, remembered) and not damaged_files(ctx.month_dir)):
        return _replay(remembered, ctx.label, ctx.out_dir)
    return None

def remember(config: Config, label: str, villages: Sequence[str], result: PublishResult,
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
    """The month folder holds an official publish (its manifest says so): a preview must not overwrite it."""
    doc = read_manifest(month_dir)
    return bool(doc) and not doc.get("preview", False)

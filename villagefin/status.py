"""`villagefin status` and `villagefin history` (SPEC 7, 8): who is missing, late, or needs a correction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import state
from .archive import Archive, Publication, QueryRecord, ReviewRecord, archive_path
from .check import run_check
from .config import Config
from .errors import UsageError
from .ingest.read import ReadError, sheet_names
from .ledgers import parse_month, require_villages, resolve_sources, shanghai_today
from .manifest import shown_revisions
from .model import QueryState, ReviewConclusion
from .public import PublicDocuments, VillageDocument, fingerprint, township_of


@dataclass(frozen=True)
class VillageStatus:
    village_id: str
    village_name: str
    ledgers: int  # ledger files (or selected sheets) found
    expenses: int
    total: Decimal
    errors: int
    warnings: int
    published: Publication | None
    changed_since: bool  # the ledgers now differ from what was published: a correction is needed
    #: archived, but the month's output does not show that revision (a publish failed after archiving)
    output_behind: bool = False
    review: str = ""  # SPEC 13: 待审核 / 已审核 / 审核未通过 for the data now in the ledgers ("" when not asked)

    @property
    def state(self) -> str:
        if self.published is None:
            return "未公开"
        p = self.published
        if self.output_behind:
            return f"第{p.revision}版已存档，输出未完成，请重新运行 publish"
        label = "按时" if p.on_time else "逾期"
        if p.backdated:
            label += "，补登"
        return f"已公开 第{p.revision}版 {p.publication_date.isoformat()}（{label}）"


REVIEWED, REVIEW_PENDING, REVIEW_FAILED = "已审核", "待审核", "审核未通过"


@dataclass(frozen=True)
class StatusReport:
    period: str
    villages: tuple[VillageStatus, ...]
    unread_sheets: tuple[tuple[str, str], ...]  # (file, sheet) of workbooks that no village reads
    open_queries: tuple[OpenQuery, ...] = ()  # SPEC 14: every query not yet answered, overdue ones marked


@dataclass(frozen=True)
class OpenQuery:
    record: QueryRecord
    deadline: dt.date
    state: QueryState


def run_status(config: Config, *, month: str | None = None, today: dt.date | None = None) -> StatusReport:
    if config.root is None:
        raise UsageError("status 需要镇工作目录（含 villagefin.toml）。")
    period = parse_month(month, today or shanghai_today())
    if period is None:
        raise UsageError("status 需要具体月份，例如 --month 2026-10。")
    label = period.key
    # the workers build each village's expenses.json as publish would, to tell a changed ledger
    report = run_check(None, config, month=label, keep_expenses=False,
                       on_village=PublicDocuments(township_of(config), period))
    documents: dict[str, VillageDocument] = report.outputs
    sources = resolve_sources(config, None, period=period)
    totals = report.village_totals()
    out = []
    shown = shown_revisions(state.output_dir(config.root, label) / label)
    with Archive(config.root, create=False) as arc:
        latest = arc.latest_of_period(label) if archive_path(config.root).exists() else {}
        for v in config.villages:
            t = totals.get(v.id)
            pub = latest.get(v.id)
            changed = False
            if pub is not None and t is not None and t.errors == 0 and v.id in documents:
                changed = documents[v.id].data != pub.expenses_json
            review = ""
            if t is not None and t.errors == 0 and v.id in documents:
                review = _review_state(config, arc, v.id, label, documents[v.id].data, pub)
            out.append(VillageStatus(
                village_id=v.id, village_name=v.name, ledgers=sum(1 for s in sources if s.village == v.id),
                expenses=t.expenses if t else 0, total=t.total if t else Decimal("0.00"),
                errors=t.errors if t else 0, warnings=t.warnings if t else 0, published=pub, changed_since=changed,
                output_behind=pub is not None and shown.get(v.id) != pub.revision,
                review=review))
        today = today or shanghai_today()
        days = config.queries.reply_days
        pending = tuple(OpenQuery(q, q.deadline(days), q.state(days, today)) for q in arc.queries() if not q.answer)
    return StatusReport(period=label, villages=tuple(out), unread_sheets=tuple(_unread_sheets(config, sources)),
                        open_queries=pending)


def _review_state(config: Config, arc: Archive, village: str, label: str, data: bytes, pub: Publication | None) -> str:
    """待审核 / 已审核 / 审核未通过 of the data now in the ledgers; "" when nobody asks (no gate, no review) or when
    they are what is already published without a review."""
    review = arc.latest_review(village, label)
    fp = fingerprint(data)
    if review is not None and review.fingerprint == fp:
        return REVIEWED if review.conclusion == ReviewConclusion.APPROVE else REVIEW_FAILED
    if pub is not None and pub.expenses_json == data:
        return ""
    return REVIEW_PENDING if config.publication.require_review or review is not None else ""


def _unread_sheets(config: Config, sources) -> list[tuple[str, str]]:
    """Sheets of workbooks read by "#sheet" selectors that no village reads."""
    selected: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    whole: set[str] = set()
    for s in sources:
        key = str(s.path.resolve())
        display[key] = s.display
        if s.sheet is None:
            whole.add(key)
        else:
            selected.setdefault(key, set()).add(s.sheet)
    out = []
    for key, names in selected.items():
        if key in whole:
            continue
        try:
            all_names = sheet_names(key)
        except ReadError:
            continue
        out.extend((display[key], name) for name, _hidden in all_names if name not in names)
    return out


def run_history(config: Config, *, villages: Sequence[str] = (), month: str | None = None) -> list[Publication]:
    if config.root is None:
        raise UsageError("history 需要镇工作目录（含 villagefin.toml）。")
    require_villages(config, villages)
    label = None
    if month:
        period = parse_month(month)
        label = None if period is None else period.key
    if not archive_path(config.root).exists():
        return []
    with Archive(config.root, create=False) as arc:
        rows = arc.history(period=label)
    return [r for r in rows if not villages or r.village in villages]


def run_review_history(config: Config, *, villages: Sequence[str] = (), month: str | None = None) -> list[ReviewRecord]:
    """The reviews recorded (SPEC 13), for `history` to list beside the revisions."""
    if config.root is None or not archive_path(config.root).exists():
        return []
    label = None
    if month:
        period = parse_month(month)
        label = None if period is None else f"{period.year:04d}-{period.month:02d}"
    with Archive(config.root, create=False) as arc:
        rows = arc.reviews(period=label)
    return [r for r in rows if not villages or r.village in villages]

"""`villagefin status` and `villagefin history` (SPEC 7, 8): who is missing, late, or needs a correction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .archive import Archive, Publication, archive_path
from .check import run_check
from .config import Config
from .errors import UsageError
from .ledgers import parse_month, resolve_sources, shanghai_today
from .money import display


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

    @property
    def state(self) -> str:
        if self.published is None:
            return "未公开"
        p = self.published
        label = "按时" if p.on_time else "逾期"
        if p.backdated:
            label += "，补登"
        return f"已公开 第{p.revision}版 {p.publication_date.isoformat()}（{label}）"


@dataclass(frozen=True)
class StatusReport:
    period: str
    villages: tuple[VillageStatus, ...]
    unread_sheets: tuple[tuple[str, str], ...]  # (file, sheet) of workbooks that no village reads


def run_status(config: Config, *, month: str | None = None, today: dt.date | None = None) -> StatusReport:
    from .check import PublicSpec
    from .public import township_of

    if config.root is None:
        raise UsageError("status 需要镇工作目录（含 villagefin.toml）。")
    period = parse_month(month, today or shanghai_today())
    if period is None:
        raise UsageError("status 需要具体月份，例如 --month 2026-10。")
    label = f"{period.year:04d}-{period.month:02d}"
    # the workers build each village's expenses.json as publish would, to tell a changed ledger
    report = run_check(None, config, month=label, keep_expenses=False,
                       public=PublicSpec(township_of(config), period.year, period.month))
    sources = resolve_sources(config, None, period=period)
    totals = report.village_totals()
    out = []
    with Archive(config.root, create=False) as arc:
        latest = arc.latest_of_period(label) if archive_path(config.root).exists() else {}
        for v in config.villages:
            t = totals.get(v.id)
            pub = latest.get(v.id)
            changed = False
            if pub is not None and t is not None and t.errors == 0 and v.id in report.public:
                changed = report.public[v.id][0] != pub.expenses_json
            out.append(VillageStatus(
                village_id=v.id, village_name=v.name, ledgers=sum(1 for s in sources if s.village == v.id),
                expenses=t.expenses if t else 0, total=t.total if t else Decimal("0.00"),
                errors=t.errors if t else 0, warnings=t.warnings if t else 0, published=pub, changed_since=changed))
    return StatusReport(period=label, villages=tuple(out), unread_sheets=tuple(_unread_sheets(config, sources)))


def _unread_sheets(config: Config, sources) -> list[tuple[str, str]]:
    """Sheets of workbooks read by "#sheet" selectors that no village reads."""
    from .ingest.read import ReadError, sheet_names

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


def status_text(report: StatusReport) -> str:
    y, m = report.period.split("-")
    lines = [f"{y}年{int(m)}月 各村情况："]
    for v in report.villages:
        if v.ledgers == 0:
            lines.append(f"  {v.village_name}（{v.village_id}）：未报送（没有找到账表）；{v.state}")
            continue
        line = (f"  {v.village_name}（{v.village_id}）：账表 {v.ledgers} 个，支出 {v.expenses} 笔，"
                f"合计 {display(v.total)} 元，错误 {v.errors} 个，警告 {v.warnings} 个；{v.state}")
        if v.changed_since:
            line += "；账表已改动，与已公开的数据不同，需要用 publish --correct \"原因\" 发布更正"
        elif v.errors and v.published is None:
            line += "；须改正错误后才能公开"
        lines.append(line)
    if report.unread_sheets:
        lines.append("没有任何村读取的工作表：")
        lines.extend(f"  {f}「{s}」" for f, s in report.unread_sheets)
    return "\n".join(lines)


def run_history(config: Config, *, villages: Sequence[str] = (), month: str | None = None) -> list[Publication]:
    if config.root is None:
        raise UsageError("history 需要镇工作目录（含 villagefin.toml）。")
    for vid in villages:
        if config.village(vid) is None:
            raise UsageError(f"未知的村代号「{vid}」。")
    label = None
    if month:
        period = parse_month(month)
        label = None if period is None else f"{period.year:04d}-{period.month:02d}"
    if not archive_path(config.root).exists():
        return []
    with Archive(config.root, create=False) as arc:
        rows = arc.history(period=label)
    return [r for r in rows if not villages or r.village in villages]


def history_text(rows: Sequence[Publication]) -> str:
    if not rows:
        return "还没有正式公开的记录。"
    lines = ["月份     村            版本  公开日期     实际运行时间          情况        笔数    金额（元）     更正原因"]
    for p in rows:
        state = "按时" if p.on_time else "逾期"
        if p.backdated:
            state += "，补登"
        lines.append(f"{p.period}  {p.village_name:<8} 第{p.revision}版 {p.publication_date.isoformat()}  "
                     f"{p.run_at[:19].replace('T', ' ')}  {state:<6} {p.count:>5}  {display(p.total):>14}  "
                     f"{p.correction_reason or ''}")
    return "\n".join(lines)

"""Reports for people: check (and its JSON for tools, SPEC 4.1), publish, status and history.

One module for every human-readable report, shared by the commands and `demo`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .archive import Publication
from .model import ERROR, CheckReport, Period
from .money import display, plain
from .publish import CORRECTION, NEW, PREVIEWED, REFUSED, PublishResult
from .status import StatusReport

_SEVERITY = {ERROR: "错误", "warning": "警告"}


def report_dict(report: CheckReport) -> dict:
    """The JSON document of `check --format json`."""
    totals = report.village_totals()
    return {
        "period": report.period,
        "files": [f.as_dict() for f in report.files],
        "findings": [f.as_dict() for f in report.findings],
        "villages": {
            vid: {"expenses": t.expenses, "total": plain(t.total), "errors": t.errors, "warnings": t.warnings,
                  **_money_dict(report.money.get(vid))}
            for vid, t in totals.items()
        },
        "errors": report.errors,
        "warnings": report.warnings,
    }


def _money_dict(money: dict | None) -> dict:
    """income, income_total, flows and balances of a 收支 village (SPEC 12.3); nothing for the others."""
    if not money:
        return {}
    return {"income": money["income"], "income_total": plain(money["income_total"]), "flows": money["flows"],
            "balances": money["balances"]}


def report_json(report: CheckReport) -> str:
    # one finding per line: readable, and far faster than indent= (which leaves json's C encoder)
    doc = report_dict(report)
    findings = doc.pop("findings")
    head = json.dumps(doc, ensure_ascii=False)[:-1]
    body = ",\n  ".join(json.dumps(f, ensure_ascii=False) for f in findings)
    return head + (', "findings": [\n  ' + body + "\n]}" if findings else ', "findings": []}')


def where(f) -> str:
    parts = []
    if f.file:
        parts.append(f.file)
    if f.sheet:
        parts.append(f"工作表「{f.sheet}」")
    if f.row is not None:
        parts.append(f"第 {f.row} 行")
    if f.column:
        parts.append(f"{f.column} 列")
    if f.voucher:
        parts.append(f"凭证 {f.voucher}")
    return " ".join(parts)


def report_text(report: CheckReport) -> str:
    """A report an accountant reads: findings village by village, then counts and totals."""
    lines: list[str] = []
    period = "全部月份" if report.period == "any" else Period.from_key(report.period).label()
    lines.append(f"检查期间：{period}")
    totals = report.village_totals()
    by_village: dict[str | None, list] = {}
    for f in report.findings:
        by_village.setdefault(f.village, []).append(f)
    order = list(dict.fromkeys([*report.village_names, *totals, *by_village]))
    for vid in order:
        name = report.village_names.get(vid, vid) if vid else "（未归属）"
        t = totals.get(vid) if vid else None
        lines.append("")
        head = f"■ {name}"
        if vid and name != vid:
            head += f"（{vid}）"
        if t is not None:
            head += f"：支出 {t.expenses} 笔，合计 {display(t.total)} 元；错误 {t.errors} 个，警告 {t.warnings} 个"
            if t.expenses == 0 and t.errors == 0 and not any(s.village == vid for s in report.files):
                head += "（未找到账表）"
        lines.append(head)
        for f in by_village.get(vid, []):
            lines.append(f"  [{_SEVERITY.get(f.severity, f.severity)}] {where(f)}：{f.message}（{f.code}）")
    lines.append("")
    read = {s.village for s in report.files} | {f.village for f in report.findings if f.file}
    missing = [report.village_names.get(v, v) for v in report.village_names if v not in read]
    if missing:
        lines.append(f"未找到账表的村（未报送）：{'、'.join(missing)}。请把账表放到 villagefin.toml 中该村 ledgers 指定的位置。")
    status = "有错误，须改正后才能正式公开" if report.errors else "没有错误，可以公开"
    count = sum(t.expenses for t in totals.values())
    lines.append(f"共读取 {len(report.files)} 个工作表，支出 {count} 笔；"
                 f"错误 {report.errors} 个，警告 {report.warnings} 个。{status}。")
    return "\n".join(lines)


def publish_text(result: PublishResult) -> str:
    """What `publish` and `demo` print: one line per village, then where the output is."""

    kind = "预览" if result.preview else "正式公开"
    head = f"{Period.from_key(result.period).label()} {kind}"
    if any(o.outcome in (NEW, CORRECTION, PREVIEWED) for o in result.outcomes):  # the date of what this run printed
        timing = "" if result.preview else ("（按时）" if result.on_time else "（逾期）")
        head += f"，公开日期 {result.publication_date.isoformat()}{timing}"
    lines = [head]
    if result.font_note:
        lines.append(result.font_note)
    for o in result.outcomes:
        line = f"  {o.village_name}（{o.village_id}）：{o.text}"
        if o.count is not None:
            line += f"，{o.count} 笔，合计 {display(o.total)} 元"
        if o.revision:
            line += f"，第 {o.revision} 版"
        lines.append(line)
        for f in o.errors:
            lines.append(f"      [错误] {where(f)}：{f.message}（{f.code}）")
    for f in result.warnings:
        lines.append(f"  [警告] {f.village}：{f.message}（{f.code}）")
    if result.rewritten:
        lines.append(f"输出：{result.month_dir}")
        lines.append(f"  公开栏 PDF：{result.month_dir / '<村代号>' / 'noticeboard.pdf'}；合订本：{result.month_dir / 'print-all.pdf'}")
        lines.append(f"  网页首页：{result.out_dir / 'index.html'}")
        if result.zip_path:
            lines.append(f"  上传压缩包：{result.zip_path}")
    elif any(o.outcome == REFUSED for o in result.outcomes):
        lines.append(f"输出未改动：{result.month_dir}")
    else:
        lines.append(f"数据没有变化，输出未重写：{result.month_dir}")
    skipped = [o for o in result.outcomes if o.skipped]
    if skipped:
        lines.append(f"{len(skipped)} 个村未公开，请改正后重新运行 villagefin publish。")
    return "\n".join(lines)


def status_text(report: StatusReport) -> str:
    lines = [f"{Period.from_key(report.period).label()} 各村情况："]
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

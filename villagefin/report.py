"""The check report for people (text) and for tools (JSON, SPEC 4.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .model import ERROR, CheckReport
from .money import plain

_SEVERITY = {ERROR: "错误", "warning": "警告"}


def report_dict(report: CheckReport, *, findings: bool = True) -> dict:
    """The JSON document of `check --format json` (without its findings if asked)."""
    totals = report.village_totals()
    return {
        "period": report.period,
        "files": [f.as_dict() for f in report.files],
        **({"findings": [f.as_dict() for f in report.findings]} if findings else {}),
        "villages": {
            vid: {"expenses": t.expenses, "total": plain(t.total), "errors": t.errors, "warnings": t.warnings}
            for vid, t in totals.items()
        },
        "errors": report.errors,
        "warnings": report.warnings,
    }


def report_json(report: CheckReport) -> str:
    return "".join(report_json_chunks(report))


def report_json_chunks(report: CheckReport) -> Iterator[str]:
    """`report_json` in pieces, for writing as it is made: a county's (or a hostile ledger's) 450,000 findings
    as one string, beside their dicts, took a gigabyte (SPEC 18)."""
    # one finding per line: readable, and far faster than indent= (which leaves json's C encoder)
    yield json.dumps(report_dict(report, findings=False), ensure_ascii=False)[:-1]
    if not report.findings:
        yield ', "findings": []}'
        return
    yield ', "findings": [\n  '
    batch: list[str] = []
    for i, f in enumerate(report.findings):
        batch.append(json.dumps(f.as_dict(), ensure_ascii=False))
        if len(batch) == 2000:
            yield ",\n  ".join(batch) + (",\n  " if i + 1 < len(report.findings) else "")
            batch = []
    if batch:
        yield ",\n  ".join(batch)
    yield "\n]}"


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
    from .money import display

    lines: list[str] = []
    period = "全部月份" if report.period == "any" else f"{report.period[:4]}年{int(report.period[5:])}月"
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

"""Reports for people: check (and its JSON for tools, SPEC 4.1), publish, status and history.

One module for every human-readable report, shared by the commands and `demo`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .model import ERROR, CheckReport, Outcome, Period, QueryState, VillageOutcome
from .money import display, plain
from .replay import PublishResult

if TYPE_CHECKING:  # annotations only: these modules read ledgers, draw or open the archive (see commands)
    from .archive import Publication, ReviewRecord
    from .queries import QueryLine
    from .review import ReviewDecision, ReviewRun
    from .status import StatusReport

NEW, CORRECTION, PREVIEWED, REFUSED = Outcome.NEW, Outcome.CORRECTION, Outcome.PREVIEWED, Outcome.REFUSED

_SEVERITY = {ERROR: "错误", "warning": "警告"}


def report_dict(report: CheckReport, *, findings: bool = True) -> dict:
    """The JSON document of `check --format json` (without its findings if asked)."""
    totals = report.village_totals()
    return {
        "period": report.period,
        "files": [f.as_dict() for f in report.files],
        **({"findings": [f.as_dict() for f in report.findings]} if findings else {}),
        "villages": {
            vid: {"expenses": t.expenses, "total": plain(t.total), "errors": t.errors, "warnings": t.warnings,
                  **_money_dict(report.money.get(vid))}
            for vid, t in totals.items()
        },
        "errors": report.errors,
        "warnings": report.warnings,
        **({"notes": list(report.notes)} if report.notes else {}),
    }


def _money_dict(money: dict | None) -> dict:
    """income, income_total, flows and balances of a 收支 village (SPEC 12.3); nothing for the others."""
    if not money:
        return {}
    return {"income": money["income"], "income_total": plain(money["income_total"]), "flows": money["flows"],
            "balances": money["balances"]}


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
    lines.extend(f"提示：{note}" for note in report.notes)
    if report.found_no_ledger:
        lines.append("没有找到任何账表，没有检查任何内容：请把账表放到 villagefin.toml 中各村 ledgers 指定的位置，"
                     "或在 check 后面给出账表文件，然后重新检查。")
        return "\n".join(lines)
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
        if o.outcome == REFUSED:  # the counts are of the changed ledgers, which were not published
            if o.count is not None:
                line += f"（现账表 {o.count} 笔，合计 {display(o.total)} 元）"
        else:
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
        for sheet in result.receipt_sheets:
            lines.append(f"  票据核对页（扫描件公开的样子，请逐张看一遍）：{sheet}")
    elif any(o.outcome == REFUSED for o in result.outcomes):
        lines.append(f"输出未改动：{result.month_dir}")
    else:
        lines.append(f"数据没有变化，输出未重写：{result.month_dir}")
    if result.bundles_changed:
        lines.append("以下月份的上传压缩包已更新（村民质询与答复、审核意见、前后月链接或首页的月份列表），请重新上传："
                     + "、".join(f"villagefin-{m}.zip" for m in result.bundles_changed))
    lines.extend(_skipped_advice(result.outcomes))
    return "\n".join(lines)


def _skipped_advice(outcomes: Sequence[VillageOutcome]) -> list[str]:
    """What to do about the villages this run did not publish: each kind is told its own remedy."""
    count = {kind: sum(1 for o in outcomes if o.outcome == kind)
             for kind in (Outcome.SKIPPED_ERRORS, Outcome.SKIPPED_MISSING, Outcome.REFUSED)}
    out = []
    if count[Outcome.SKIPPED_ERRORS]:
        out.append(f"{count[Outcome.SKIPPED_ERRORS]} 个村有错误未公开：请改正账表后重新运行 villagefin publish。")
    if count[Outcome.SKIPPED_MISSING]:
        out.append(f"{count[Outcome.SKIPPED_MISSING]} 个村未报送：请村里报送本月账表，放好后重新运行 villagefin publish。")
    if count[Outcome.REFUSED]:
        out.append(f"{count[Outcome.REFUSED]} 个村的账表在公开后有改动：已公开的版本仍有效；如需更正，请运行 "
                   "villagefin publish --correct \"原因\"。")
    return out


def status_text(report: StatusReport) -> str:
    lines = [f"{Period.from_key(report.period).label()} 各村情况："]
    for v in report.villages:
        if v.ledgers == 0:
            ask = "；请村里报送本月账表，放到该村 ledgers 指定的位置" if v.published is None else ""
            lines.append(f"  {v.village_name}（{v.village_id}）：未报送（没有找到账表）；{v.state}{ask}")
            continue
        line = (f"  {v.village_name}（{v.village_id}）：账表 {v.ledgers} 个，支出 {v.expenses} 笔，"
                f"合计 {display(v.total)} 元，错误 {v.errors} 个，警告 {v.warnings} 个；{v.state}")
        if v.changed_since:
            line += "；账表已改动，与已公开的数据不同，需要用 publish --correct \"原因\" 发布更正"
        elif v.errors and v.published is None:
            line += "；须改正错误后才能公开"
        if v.review:
            line += f"；{v.review}"
            if v.review == "待审核":
                line += "（运行 villagefin review 打印审核稿送审）"
        lines.append(line)
    if report.open_queries:
        overdue = sum(1 for q in report.open_queries if q.state == QueryState.OVERDUE)
        lines.append(f"未答复的村民质询 {len(report.open_queries)} 条，其中逾期未答复 {overdue} 条"
                     "（用 villagefin query answer 编号 --answer \"答复\" 登记答复）：")
        for q in report.open_queries:
            r = q.record
            lines.append(f"  {r.number}  {r.village} {r.period} 序号{r.item} 凭证 {r.voucher}  收到 "
                         f"{r.received.isoformat()}  答复期限 {q.deadline.isoformat()}  {q.state.text}")
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


# ---- review (SPEC 13) ---------------------------------------------------------------------------------------
def review_text(run: ReviewRun) -> str:
    y, m = run.period.split("-")
    lines = [f"{y}年{int(m)}月 审核稿："]
    for v in run.villages:
        head = f"  {v.village_name}（{v.village_id}）："
        if v.path is not None:
            lines.append(f"{head}{v.count} 笔，合计 {display(v.total)} 元，数据指纹 {v.fingerprint}；审核稿 {v.path}")
        elif v.missing:
            lines.append(f"{head}未报送（没有找到账表），没有审核稿")
        else:
            lines.append(f"{head}有 {len(v.errors)} 个错误，没有审核稿；请改正后重新运行 villagefin review")
            for f in v.errors:
                lines.append(f"      [错误] {where(f)}：{f.message}（{f.code}）")
    for f in run.warnings:
        lines.append(f"  [警告] {f.village}：{f.message}（{f.code}）")
    if any(v.path for v in run.villages):
        lines.append("请打印审核稿交村务监督委员会审核签字；审核后用 villagefin review --village 村代号 --approve "
                     "（或 --revise / --reject）--by \"姓名,姓名\" --opinion \"意见\" 登记，再运行 villagefin publish。")
    return "\n".join(lines)


def review_decision_text(d: ReviewDecision) -> str:
    if d.recorded is None:
        why = (f"现在有 {d.errors} 个错误" if d.errors else
               "没有找到账表" if d.current is None else f"现在的数据指纹是 {d.current}")
        return (f"未登记：{d.village_name}（{d.village_id}）审核的数据（指纹 {d.reviewed}）与现在的账表不同（{why}）。"
                f"账表审核后被改动过，请重新运行 villagefin review --village {d.village_id} 打印新的审核稿送审。")
    r = d.recorded
    lines = [f"已登记 {d.village_name}（{d.village_id}）{d.period} 的审核：{r.conclusion.text}；审核人 "
             f"{'、'.join(r.reviewers)}；意见「{r.opinion}」；审核日期 {r.review_date.isoformat()}；数据指纹 {r.fingerprint}。"]
    for f in d.warnings:
        lines.append(f"  [警告] {f.message}（{f.code}）")
    return "\n".join(lines)


def review_history_text(reviews: Sequence[ReviewRecord]) -> str:
    if not reviews:
        return ""
    lines = ["审核记录：", "月份     村            审核日期     结论        审核人              数据指纹          意见"]
    for r in reviews:
        lines.append(f"{r.period}  {r.village:<12} {r.review_date.isoformat()}  {r.conclusion.text:<8} "
                     f"{'、'.join(r.reviewers):<16} {r.fingerprint}  {r.opinion}")
    return "\n".join(lines)


# ---- queries (SPEC 14) --------------------------------------------------------------------------------------
def query_line_text(q: QueryLine) -> str:
    r = q.record
    answered = f"，{r.answer_date.isoformat()} 已答复" if r.answer_date else ""
    return (f"{r.number}  {r.village} {r.period} {q.line}  收到 {r.received.isoformat()}（{r.channel}）"
            f"  答复期限 {q.deadline.isoformat()}{answered}  {q.state.text}")


def query_added_text(q: QueryLine) -> str:
    text = (f"已登记质询 {q.record.number}：{q.record.village} {q.record.period} {q.line}；"
            f"请在 {q.deadline.isoformat()} 前答复（villagefin query answer {q.record.number} --answer \"答复内容\"），"
            "下次运行 villagefin publish 时公开。")
    if q.others:  # --voucher on a voucher with several lines: the query is on the first (SPEC 14)
        text += (f"\n提示：凭证 {q.record.voucher} 在公开表上还有序号 {'、'.join(q.others)}；质询记在序号"
                 f" {q.record.item} 上。若问的是另一笔，请用 --item 序号 重新登记。")
    return text


def query_answered_text(q: QueryLine) -> str:
    replaced = f"（替换了此前的答复，共 {q.record.answers} 次答复，均已存档）" if q.record.answers > 1 else ""
    return (f"已登记 {q.record.number} 的答复{replaced}；下次运行 villagefin publish 时更新 {q.record.period} "
            "的公开表和网页，请重新打印张贴、重新上传。")


def query_list_text(lines: Sequence[QueryLine]) -> str:
    if not lines:
        return "没有符合条件的质询。"
    out = [query_line_text(q) for q in lines]
    overdue = sum(1 for q in lines if q.state == QueryState.OVERDUE)
    open_ = sum(1 for q in lines if q.state == QueryState.OPEN)
    out.append(f"共 {len(lines)} 条：待答复 {open_} 条，逾期未答复 {overdue} 条。")
    return "\n".join(out)


def query_list_json(lines: Sequence[QueryLine]) -> str:
    return json.dumps([q.as_dict() for q in lines], ensure_ascii=False, indent=1)

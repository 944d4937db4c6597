"""`villagefin demo`: the whole monthly routine on the bundled sample township (October 2026)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .check import run_check
from .config import load_config
from .errors import FontError
from .model import ReviewConclusion
from .publish import run_publish
from .queries import run_query_add, run_query_answer
from .resources import samples_dir
from .review import run_review, run_review_decision
from .text import publish_text, query_added_text, query_answered_text, review_decision_text

SAMPLES_PERIOD = "2026-10"
#: the demo publishes as if it ran on the samples' publication day, whatever today is
DEMO_TODAY = dt.date(2026, 11, 5)
DEMO_NOW = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
#: the village the demo takes through review (SPEC 13) and queries (SPEC 14)
DEMO_VILLAGE = "xinjie"


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    site: Path
    text: str


def run_demo(out: Path, progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Copy the samples into `out/workspace` (an installed package is read-only), check, then publish."""
    out = Path(out).resolve()
    workspace, site = out / "workspace", out / "site"
    for folder in (workspace, site):
        if folder.exists():
            shutil.rmtree(folder)
    shutil.copytree(samples_dir(), workspace, ignore=shutil.ignore_patterns("EXPECTED.json", "__pycache__"))
    config = load_config(workspace)
    report = run_check(None, config, month=SAMPLES_PERIOD)
    lines = [f"示例乡镇已复制到 {workspace}",
             f"第一步 检查：{len(report.expenses)} 笔支出，错误 {report.errors} 个，警告 {report.warnings} 个"
             "（石桥村故意留有错误，演示检查结果；可运行 villagefin check 查看详情）。",
             "第二步 审核：为新街村打印审核稿，村务监督委员会审核同意后登记"]
    review = run_review(config, month=SAMPLES_PERIOD, villages=[DEMO_VILLAGE], today=DEMO_TODAY, now=DEMO_NOW)
    lines += [f"  审核稿：{v.path}" for v in review.villages if v.path]
    decision = run_review_decision(config, village=DEMO_VILLAGE, conclusion=ReviewConclusion.APPROVE,
                                   by="王建国,李秀英", opinion="账实相符，同意公开", date=DEMO_TODAY,
                                   month=SAMPLES_PERIOD, today=DEMO_TODAY, now=DEMO_NOW)
    lines.append("  " + review_decision_text(decision))
    lines.append("第三步 公开：")
    try:
        result = run_publish(config, month=SAMPLES_PERIOD, out=site, today=DEMO_TODAY, date=DEMO_TODAY,
                             progress=progress, allow_placeholders=True)  # the samples are examples
    except FontError:  # a machine without a CJK font: a preview, whose note says how to install one
        lines.append("  本机没有可嵌入的中文字体，演示改为生成预览稿。")
        result = run_publish(config, month=SAMPLES_PERIOD, out=site, today=DEMO_TODAY, date=DEMO_TODAY,
                             preview=True, progress=progress)
    lines.append(publish_text(result))
    if not result.preview:
        lines.append("第四步 村民质询：两位村民对新街村10月公开表提出疑问，一条已答复，一条待答复")
        asked = run_query_add(config, village=DEMO_VILLAGE, month=SAMPLES_PERIOD, item="12", channel="电话",
                              question="卫生室9月电费为什么由村里支付？", received=dt.date(2026, 11, 6),
                              asker="（示例）村民甲", now=DEMO_NOW + dt.timedelta(days=1))
        lines.append("  " + query_added_text(asked))
        answered = run_query_answer(config, asked.record.number, by="新街村村委会", date=dt.date(2026, 11, 9),
                                    answer="卫生室为村集体所有，其水电费按村民代表会议决议由村集体承担。",
                                    now=DEMO_NOW + dt.timedelta(days=4))
        lines.append("  " + query_answered_text(answered))
        open_ = run_query_add(config, village=DEMO_VILLAGE, month=SAMPLES_PERIOD, voucher="记-001",
                              channel="意见箱", question="村部宽带费每月都一样吗？", received=dt.date(2026, 11, 8),
                              now=DEMO_NOW + dt.timedelta(days=3))
        lines.append("  " + query_added_text(open_))
        again = run_publish(config, month=SAMPLES_PERIOD, out=site, today=DEMO_TODAY, date=DEMO_TODAY,
                            progress=progress, allow_placeholders=True)
        lines.append("第五步 再次公开（质询与答复写进新街村10月的公开表和网页，不增加版本）：")
        lines.append(publish_text(again))
    lines.append("")
    lines.append(f"用浏览器打开网页：{site / 'index.html'}")
    lines.append(f"打印公开栏：{site / SAMPLES_PERIOD / 'print-all.pdf'}（各村一次打印）")
    lines.append(f"在示例工作目录中试试：cd {workspace} && villagefin check --month {SAMPLES_PERIOD}")
    return DemoResult(workspace=workspace, site=site, text="\n".join(lines))

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
from .publish import run_publish
from .resources import samples_dir
from .text import publish_text

SAMPLES_PERIOD = "2026-10"
#: the demo publishes as if it ran on the samples' publication day, whatever today is
DEMO_TODAY = dt.date(2026, 11, 5)


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
             "第二步 公开："]
    try:
        result = run_publish(config, month=SAMPLES_PERIOD, out=site, today=DEMO_TODAY, date=DEMO_TODAY,
                             progress=progress, allow_placeholders=True)  # the samples are examples
    except FontError:  # a machine without a CJK font: a preview, whose note says how to install one
        lines.append("  本机没有可嵌入的中文字体，演示改为生成预览稿。")
        result = run_publish(config, month=SAMPLES_PERIOD, out=site, today=DEMO_TODAY, date=DEMO_TODAY,
                             preview=True, progress=progress)
    lines.append(publish_text(result))
    lines.append("")
    lines.append(f"用浏览器打开网页：{site / 'index.html'}")
    lines.append(f"打印公开栏：{site / SAMPLES_PERIOD / 'print-all.pdf'}（各村一次打印）")
    lines.append(f"在示例工作目录中试试：cd {workspace} && villagefin check --month {SAMPLES_PERIOD}")
    return DemoResult(workspace=workspace, site=site, text="\n".join(lines))

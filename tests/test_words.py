"""Everyday words (SPEC 16 "Words"): what a refused, a missing and an empty run say, and a 「凭证 X：」 location
that is never repeated by its message. Through the real CLI (click's CliRunner) on workspaces built here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import HEADER, expense_row
from PIL import Image

from villagefin.commands import cli

CONFIG = """
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.tianchang.gov.cn"

[[villages]]
id = "xinjie"
name = "新街村"
ledgers = ["ledgers/xinjie/*.xlsx"]
receipts = "ledgers/xinjie/receipts"

[[villages]]
id = "hexi"
name = "河西村"
ledgers = ["ledgers/hexi/*.xlsx"]
"""


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--config", str(ws / "villagefin.toml")], prog_name="villagefin")


def write_ledger(path: Path, rows: list[list], sheet: str = "10月") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "新街镇"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(CONFIG, encoding="utf-8")
    (ws / "ledgers" / "xinjie" / "receipts").mkdir(parents=True)
    (ws / "ledgers" / "hexi").mkdir(parents=True)
    return ws


def test_a_refused_change_says_the_published_revision_stays_valid_and_a_missing_village_to_submit(tmp_path):
    ws = workspace(tmp_path)
    ledger = write_ledger(ws / "ledgers" / "xinjie" / "2026-10.xlsx", [
        HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", "257.00", attachments=None)])
    first = run(ws, "publish", "--month", "2026-10", "--date", "2026-11-05")
    assert first.exit_code == 1, first.output  # hexi has no ledger
    hexi = next(line for line in first.output.splitlines() if "河西村" in line)
    assert "未报送" in hexi and "报送" in hexi.split("未报送", 1)[1]
    assert "更正" not in hexi and "改正" not in hexi
    assert "1 个村未报送：请村里报送本月账表" in first.output
    status = run(ws, "status", "--month", "2026-10")
    hexi = next(line for line in status.output.splitlines() if "河西村" in line)
    assert "未报送" in hexi and "请村里报送本月账表" in hexi and "更正" not in hexi, status.output
    assert "改正" not in first.output  # nothing here has errors to correct

    write_ledger(ledger, [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", "257.00", attachments=None),
                          expense_row(9, "记-002", "支付10月村部电费", "812.50", attachments=None)])
    refused = run(ws, "publish", "--month", "2026-10", "--date", "2026-11-05")
    assert refused.exit_code == 1
    xinjie = next(line for line in refused.output.splitlines() if "新街村" in line)
    assert '第 1 版仍有效；数据已变更，如需更正请加 --correct "原因"' in xinjie, refused.output
    assert "未公开" not in xinjie and "第 2 版" not in xinjie
    assert "已公开的版本仍有效" in refused.output and "请改正" not in refused.output


def test_check_that_found_no_ledger_says_so_and_exits_1(tmp_path):
    ws = workspace(tmp_path)
    result = run(ws, "check", "--month", "2026-10")
    assert result.exit_code == 1, result.output
    assert "没有找到任何账表" in result.output and "可以公开" not in result.output
    (ws / "ledgers" / "hexi" / "notes.txt").write_text("x", encoding="utf-8")  # not a ledger either
    assert run(ws, "check", "--month", "2026-10").exit_code == 1
    write_ledger(ws / "ledgers" / "hexi" / "2026-10.xlsx", [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包",
                                                                                  "10.00")])
    found = run(ws, "check", "--month", "2026-10")
    assert found.exit_code == 0 and "没有错误，可以公开" in found.output and "没有找到任何账表" not in found.output


def test_a_voucher_location_is_never_repeated_by_its_message(tmp_path):
    ws = workspace(tmp_path)
    # receipt-mismatch: two attachments declared, one scan
    write_ledger(ws / "ledgers" / "xinjie" / "2026-10.xlsx", [
        HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", "257.00", attachments=2),
        expense_row(9, "记-002", "支付10月村部电费", "812.50", attachments=None)])
    Image.new("RGB", (60, 40), (200, 60, 60)).save(ws / "ledgers" / "xinjie" / "receipts" / "记-001.jpg")
    # duplicate-voucher: 记-002 in a second file of the same village
    write_ledger(ws / "ledgers" / "xinjie" / "补录.xlsx", [
        HEADER, expense_row(10, "记-002", "支付10月村部水费", "80.00", attachments=None)])
    # unbalanced-voucher: a journal whose voucher 记-1 does not balance
    write_ledger(ws / "ledgers" / "hexi" / "序时账.xlsx", [
        ["日期", "凭证号", "摘要", "科目编码", "科目名称", "金额", "方向"],
        [dt.date(2026, 10, 8), "记-1", "购买办公用品", "51301", "管理费用_办公费", 300, "借"],
        [dt.date(2026, 10, 8), "记-1", "购买办公用品", "102", "银行存款", 299, "贷"]])
    result = run(ws, "check", "--month", "2026-10")
    codes = set(re.findall(r"（([a-z-]+)）$", result.output, re.M))
    assert {"receipt-mismatch", "duplicate-voucher", "unbalanced-voucher"} <= codes, result.output
    located = re.findall(r"凭证 (\S+)：(.*)$", result.output, re.M)
    assert len(located) >= 4
    for voucher, message in located:
        assert f"凭证 {voucher}" not in message and f"凭证号 {voucher}" not in message, (voucher, message)

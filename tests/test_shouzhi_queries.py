"""A 收支 village's other lines through the command line (SPEC 12.3, 12.4, 14): a query on an income line (收N)
or another flow (其N), by 序号 or by voucher, published on the sheet, the page and queries.csv; missing-payee of
money that came in names the payer; a 内部转账 is 收 or 付 in flows.csv and expenses.json alike and in neither
total of 四、其他收付. One real cash journal (现金日记账, written with openpyxl) of one village."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_review import pdftext, revisions, run

TOML = """\
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.xinjiezhen.gov.cn"

[[villages]]
id = "lize"
name = "李泽村"
ledgers = ["ledgers/lize/*.xlsx"]
"""

HEADER = ["日期", "凭证号", "摘要", "对方科目", "收款方", "收入", "支出", "余额", "经手人", "审核人", "审批人", "附件张数"]


def _row(day: int, voucher: str, summary: str, account: str, money_in, money_out, balance, payee: str = "") -> list:
    return [dt.date(2026, 10, day), voucher, summary, account, payee, money_in, money_out, balance,
            "林国玲", "卢爱梅", "高晓玲", 1]


#: opening 1000; 现-3 is one voucher with an expense line and an income line; 现-4 提现 and 现-5 存现 are 内部转账
ROWS = [_row(3, "现-1", "收到村集体房屋租金", "经营收入", 600, None, 1600),
        _row(5, "现-2", "收到农户缴纳一事一议筹资款", "一事一议资金", 300, None, 1900),
        _row(8, "现-3", "购买村部打印纸10包", "管理费用", None, 85.5, 1814.5, payee="天长市文具店"),
        _row(8, "现-3", "收到废旧报纸变卖款", "其他收入", 20, None, 1834.5),
        _row(12, "现-4", "从银行提取备用金", "银行存款", 1000, None, 2834.5),
        _row(20, "现-5", "将多余现金存入银行", "银行存款", None, 500, 2334.5)]


def _workspace(root: Path) -> Path:
    ws = root / "ws"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(TOML, encoding="utf-8")
    wb = Workbook()
    sheet = wb.active
    sheet.title = "现金日记账"
    sheet.append(["李泽村现金日记账"])
    sheet.append(HEADER)
    sheet.append([dt.date(2026, 10, 1), None, "上月结转", None, None, None, None, 1000])
    for r in ROWS:
        sheet.append(r)
    path = ws / "ledgers" / "lize" / "2026-10.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    return ws


@pytest.fixture(scope="module")
def published_once(tmp_path_factory) -> Path:
    ws = _workspace(tmp_path_factory.mktemp("shouzhi"))
    out = run(ws, "publish", "--month", "2026-10", "--date", "2026-11-05")
    assert out.exit_code == 0, out.output
    return ws


@pytest.fixture
def published(published_once: Path, tmp_path: Path) -> Path:
    """A copy of the published workspace for each test (queries change its archive)."""
    return Path(shutil.copytree(published_once, tmp_path / "ws"))


def add(ws: Path, *args: str):
    return run(ws, "query", "add", "--village", "lize", "--month", "2026-10", *args)


def _page_text(path: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_a_query_on_an_income_line_and_on_a_transfer_is_published_with_its_seq(published):
    ws = published
    income = add(ws, "--item", "收2", "--question", "废报纸卖了多少斤？", "--received", "2026-11-10")
    assert income.exit_code == 0, income.output
    assert income.output.splitlines()[0] == "Q2026-001"
    assert "第1版 序号收2 凭证 现-3 收到废旧报纸变卖款" in income.output
    flow = add(ws, "--item", " 其 3 ", "--question", "为何把现金存回银行？", "--received", "2026-11-11")
    assert flow.exit_code == 0, flow.output
    assert "第1版 序号其3 凭证 现-5 将多余现金存入银行" in flow.output
    other = add(ws, "--item", "其1", "--question", "一事一议筹资款收了几户？", "--received", "2026-11-12")
    assert other.exit_code == 0 and "序号其1 凭证 现-2" in other.output
    listed = json.loads(run(ws, "query", "list", "--format", "json").output)
    assert [(q["item"], q["voucher"], q["summary"]) for q in listed] == [
        ("收2", "现-3", "收到废旧报纸变卖款"), ("其3", "现-5", "将多余现金存入银行"),
        ("其1", "现-2", "收到农户缴纳一事一议筹资款")]

    out = run(ws, "publish", "--month", "2026-10", "--date", "2026-11-05")
    assert out.exit_code == 0, out.output
    assert "villagefin-2026-10.zip" in out.output and revisions(ws, "lize") == 1
    village = ws / "site" / "2026-10" / "lize"
    sheet = re.sub(r"\s+", " ", pdftext(village / "noticeboard.pdf"))
    assert "Q2026-001" in sheet and "第1版 序号收2 凭证 现-3 收到废旧报纸变卖款" in sheet
    assert "Q2026-002" in sheet and "第1版 序号其3 凭证 现-5 将多余现金存入银行" in sheet
    page = _page_text(village / "index.html")
    assert "第1版 序号收2 凭证 现-3 收到废旧报纸变卖款" in page and "废报纸卖了多少斤？" in page
    assert "第1版 序号其3 凭证 现-5" in page and "为何把现金存回银行？" in page
    rows = list(csv.DictReader(io.StringIO((village / "queries.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["number"], r["revision"], r["item"], r["voucher"]) for r in rows] == [
        ("Q2026-001", "1", "收2", "现-3"), ("Q2026-002", "1", "其3", "现-5"), ("Q2026-003", "1", "其1", "现-2")]


def test_a_query_by_voucher_reaches_income_and_names_the_other_lines_of_the_voucher(published):
    ws = published
    income = add(ws, "--voucher", "现-1", "--question", "房屋租金为何比去年少？")
    assert income.exit_code == 0, income.output
    assert "序号收1 凭证 现-1 收到村集体房屋租金" in income.output and "提示" not in income.output
    # 现-3 is on 收2 (二、收入明细) and on 1 (三、支出明细): the sheet's first, and the other is named
    both = add(ws, "--voucher", "现-3", "--question", "这张凭证为何既有收入又有支出？")
    assert both.exit_code == 0, both.output
    assert "序号收2 凭证 现-3" in both.output
    assert "凭证 现-3 在公开表上还有序号 1；质询记在序号 收2 上" in both.output and "--item" in both.output
    transfer = add(ws, "--voucher", "现-4", "--question", "提了多少备用金？")
    assert transfer.exit_code == 0 and "序号其2 凭证 现-4 从银行提取备用金" in transfer.output
    typed = add(ws, "--item", "序号 收０２", "--question", "卖了多少斤？")  # full-width, a leading zero
    assert typed.exit_code == 0 and "序号收2 凭证 现-3" in typed.output


def test_an_item_that_is_not_there_lists_every_section(published):
    ws = published
    for item in ("收9", "其4", "2", "收"):
        out = add(ws, "--item", item, "--question", "这一笔是什么？")
        assert out.exit_code == 2, (item, out.output)
        assert f"没有序号 {item}" in out.output
        assert "共 6 笔，序号 收1–收2、1、其1–其3" in out.output, out.output
    assert "Traceback" not in out.output
    missing = add(ws, "--voucher", "现-9", "--question", "这一笔是什么？")
    assert missing.exit_code == 2 and "没有凭证 现-9" in missing.output


def test_missing_payee_of_money_that_came_in_names_the_payer(published):
    ws = published
    out = run(ws, "check", "--month", "2026-10", "--format", "json")
    doc = json.loads(out.output)
    payee = {f["voucher"]: f["message"] for f in doc["findings"] if f["code"] == "missing-payee"}
    # 现-1 and 现-3 (income) and 现-2 (其他收款) name no payer; the expense of 现-3 names its payee
    assert set(payee) == {"现-1", "现-2", "现-3"}
    for message in payee.values():
        assert message.startswith("付款方为空") and "付款单位或交款人" in message and "收款" not in message


def test_transfers_are_receipts_or_payments_of_cash_and_in_neither_total(published_once):
    village = published_once / "site" / "2026-10" / "lize"
    rows = list(csv.DictReader(io.StringIO((village / "flows.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["seq"], r["type"], r["direction"], r["amount"]) for r in rows] == [
        ("其1", "一事一议", "收", "300.00"), ("其2", "内部转账", "收", "1000.00"), ("其3", "内部转账", "付", "500.00")]
    doc = json.loads((village / "expenses.json").read_text(encoding="utf-8"))
    # the JSON's flows are the CSV's rows, keyed by its column names
    assert [{k: str(v) for k, v in f.items()} for f in doc["flows"]] == rows
    assert doc["balances"]["cash"]["other_in"] == "300.00" and doc["balances"]["cash"]["transfer"] == "500.00"
    sheet = pdftext(village / "noticeboard.pdf")
    flows = sheet[sheet.index("四、其他收付"):]
    assert re.search(r"^\s*其2\s.*（银行→现金）.*内部转账\s+收\s+1,000\.00\s*$", flows, re.M)
    assert re.search(r"^\s*其3\s.*（现金→银行）.*内部转账\s+付\s+500\.00\s*$", flows, re.M)
    # 其他收款 is 300.00 as in 一、资金概况 (never 1,300.00): a 内部转账 moves money, it is not 收 or 付 of the village
    assert re.search(r"其他收款合计（共 1 笔，不含内部转账）\s+300\.00", flows)
    assert re.search(r"其他付款合计（共 0 笔，不含内部转账）\s+0\.00", flows)
    assert re.search(r"本页小计（其他收付）\s+收 300\.00\s+付 0\.00", flows)
    funds = next(line for line in sheet.splitlines() if line.strip().startswith("其他收款"))
    assert "300.00" in funds
    page = _page_text(village / "index.html")
    assert "其他收款合计 ¥300.00" in page and "其他付款合计 ¥0.00" in page
    cells = re.findall(r'data-label="收/付">([^<]*)<', (village / "index.html").read_text(encoding="utf-8"))
    assert cells == ["收", "收", "付"]
    assert sum((Decimal(r["amount"]) for r in rows if r["type"] != "内部转账" and r["direction"] == "收"),
               Decimal(0)) == Decimal(doc["balances"]["cash"]["other_in"])

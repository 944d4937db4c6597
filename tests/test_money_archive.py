"""收支 across months (SPEC 12.2, 12.3, 12.4): each revision archives its income, flows and balances; the closing
published for a month is the next month's opening (shown, not fingerprinted) and is checked against it; a month
archived before 收支 publication stays as it was unless corrected."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from villagefin.archive import Archive, archive_path
from villagefin.check import run_check
from villagefin.config import load_config
from villagefin.history import load_previous_closings
from villagefin.model import Period
from villagefin.public import without_money
from villagefin.publish import run_publish

TOML = """
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.xinjiezhen.gov.cn"
publication_day = 5

[[villages]]
id = "lize"
name = "李泽村"
ledgers = ["ledgers/*.xlsx"]
"""

HEADER = ["日期", "凭证号", "摘要", "对方科目", "收款方", "收入", "支出", "余额", "经手人", "审核人", "审批人", "附件张数"]


def _journal(path: Path, month: int, opening: float | None, rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "现金日记账"
    ws.append(["李泽村现金日记账"])
    ws.append(HEADER)
    if opening is not None:
        ws.append([dt.date(2026, month, 1), None, "上月结转", None, None, None, None, opening])
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _row(month: int, day: int, voucher: str, summary: str, account: str, money_in, money_out, balance) -> list:
    return [dt.date(2026, month, day), voucher, summary, account, "天长市文具店" if money_out else "",
            money_in, money_out, balance, "林国玲", "卢爱梅", "高晓玲", 1]


OCTOBER = [_row(10, 3, "现收-1", "收到村集体房屋租金", "经营收入", 600, None, 1600),
           _row(10, 8, "现付-1", "购买村部打印纸10包", "管理费用", None, 85.5, 1514.5)]
NOVEMBER = [_row(11, 4, "现收-1", "收到农户缴纳一事一议筹资款", "一事一议资金", 300, None, 1814.5),
            _row(11, 9, "现付-1", "购买村部中性笔2盒", "管理费用", None, 34.5, 1780)]


def _workspace(tmp_path: Path, november_opening: float | None) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(TOML, encoding="utf-8")
    _journal(ws / "ledgers" / "2026-10.xlsx", 10, 1000, OCTOBER)
    _journal(ws / "ledgers" / "2026-11.xlsx", 11, november_opening, NOVEMBER)
    return ws


def _pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_closing_published_is_next_opening_shown_but_not_fingerprinted(tmp_path):
    ws = _workspace(tmp_path, november_opening=None)
    config = load_config(ws)
    october = run_publish(config, month="2026-10", today=dt.date(2026, 11, 5))
    assert [o.outcome for o in october.outcomes] == ["new"]
    with Archive(ws) as arc:
        pub = arc.latest("lize", "2026-10")
        doc = json.loads(pub.expenses_json)
        assert doc["balances"]["cash"]["closing"] == "1514.50"  # archived with the revision
        assert [i["amount"] for i in doc["income"]] == ["600.00"]
        assert arc.previous_closing("lize", Period(2026, 11)) == {"cash": Decimal("1514.50")}
        assert arc.income_to_date("lize", 2026, 11) == Decimal("600.00")
    info = subprocess.run(["pdfinfo", str(ws / "site" / "2026-10" / "print-all.pdf")], capture_output=True,
                          text=True, check=True).stdout
    assert "各村财务收支公开表" in info  # print-all.pdf is titled as its 收支 sheets are
    november = run_publish(load_config(ws), month="2026-11", today=dt.date(2026, 12, 5))
    assert [o.outcome for o in november.outcomes] == ["new"]
    folder = ws / "site" / "2026-11" / "lize"
    doc = json.loads((folder / "expenses.json").read_bytes())
    assert doc["balances"]["cash"]["opening"] is None  # the archive's opening is not part of the data
    text = _pdftext(folder / "noticeboard.pdf")
    opening = next(line for line in text.splitlines() if line.strip().startswith("上月结余"))
    closing = next(line for line in text.splitlines() if line.strip().startswith("本月结余"))
    assert "1,514.50" in opening
    assert "1,780.00" in closing  # 1514.50 + 300 − 34.50
    assert "本年累计（自10月起）收入：600.00 元" in text  # October's 600; 一事一议 money is not income
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "1,514.50" in html and "1,780.00" in html


def test_an_opening_that_differs_from_last_months_closing_is_balance_mismatch(tmp_path):
    ws = _workspace(tmp_path, november_opening=1500)  # October published 1514.50
    run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 5))
    config = load_config(ws)
    previous = load_previous_closings(config.root, Period(2026, 11), ["lize"])
    assert previous == {"lize": {"cash": Decimal("1514.50")}}
    report = run_check(None, config, month="2026-11", previous_closing=previous)
    found = [f for f in report.findings if f.code == "balance-mismatch"]
    assert any("与上月公开的本月结余 1,514.50 元不符" in f.message and "1,500.00" in f.message for f in found)
    # the same ledger checked without the archive: no such finding
    alone = run_check(None, config, month="2026-11")
    assert not any("与上月公开的本月结余" in f.message for f in alone.findings if f.code == "balance-mismatch")
    result = run_publish(load_config(ws), month="2026-11", today=dt.date(2026, 12, 5))
    assert [o.outcome for o in result.outcomes] == ["errors"]


def test_a_month_archived_before_shouzhi_stays_unchanged_until_corrected(tmp_path):
    ws = _workspace(tmp_path, november_opening=None)
    run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 5))
    with Archive(ws) as arc:
        old = without_money(arc.latest("lize", "2026-10").expenses_json)
    assert b'"income"' not in old and json.loads(old)["expenses"]
    # the archived revision as it was before section 12 (no money keys)
    with sqlite3.connect(archive_path(ws)) as conn:
        conn.execute("UPDATE publications SET expenses_json=? WHERE village='lize'", (old,))
    again = run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 6))
    assert [o.outcome for o in again.outcomes] in (["unchanged"], ["rewritten"])
    corrected = run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 6), correct="补充公开收入和余额")
    assert [(o.outcome, o.revision) for o in corrected.outcomes] == [("correction", 2)]
    with Archive(ws) as arc:
        assert b'"income"' in arc.latest("lize", "2026-10").expenses_json


def test_a_correction_of_an_income_line_is_listed_in_the_correction(tmp_path):
    """SPEC 12 deliverable 6: corrections list added, removed and changed income lines too, not only expenses."""
    ws = _workspace(tmp_path, 1514.5)
    config = load_config(ws)
    run_publish(config, month="2026-10", today=dt.date(2026, 11, 5))
    fixed = [_row(10, 3, "现收-1", "收到村集体房屋租金", "经营收入", 650, None, 1650),
             _row(10, 8, "现付-1", "购买村部打印纸10包", "管理费用", None, 85.5, 1564.5),
             _row(10, 20, "现收-2", "收到鱼塘承包费", "发包及上交收入", 200, None, 1764.5)]
    _journal(ws / "ledgers" / "2026-10.xlsx", 10, 1000, fixed)
    result = run_publish(config, month="2026-10", today=dt.date(2026, 11, 9), correct="租金少记50元，补记承包费")
    assert {o.outcome for o in result.outcomes} == {"correction"}
    with Archive(ws, create=False) as arc:
        latest = arc.latest("lize", "2026-10")
    assert latest.revision == 2 and latest.changed == ("现收-1",) and latest.added == ("现收-2",)
    assert latest.removed == ()
    page = (ws / "site" / "2026-10" / "lize" / "index.html").read_text(encoding="utf-8")
    assert "现收-1" in page and "现收-2" in page
    # the first revision keeps its own open data, income and flows included (SPEC 5.2 revisions/r1/)
    r1 = ws / "site" / "2026-10" / "lize" / "revisions" / "r1"
    income = (r1 / "income.csv").read_text(encoding="utf-8-sig")
    assert "600.00" in income and "650.00" not in income and "鱼塘承包费" not in income
    assert (r1 / "flows.csv").is_file() and (r1 / "expenses.json").is_file()

"""收支 pages (SPEC 12.4): the village page shows 资金概况 first (收入, 支出, 本月结余 in view at 360 px), then 收入,
支出 and 其他收付 with every line's 序号; the township page adds 收入 and 月末结余; expense-only pages as before."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from conftest import SAMPLES, sample_workspace

from villagefin.config import load_config
from villagefin.publish import run_publish

TODAY = dt.date(2026, 11, 5)
EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))
QIANJIN_INCOME = Decimal(EXPECTED["villages"]["qianjin"]["income_total"])
#: the township's income: every publishable 收支 village's (石桥村 has errors and is not published)
TOWNSHIP_INCOME = sum(Decimal(v["income_total"]) for vid, v in EXPECTED["villages"].items()
                      if "income_total" in v and vid not in ("shiqiao",))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("money") / "ws"
    sample_workspace(ws)
    run_publish(load_config(ws), month="2026-10", today=TODAY)
    return ws / "site" / "2026-10"


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_village_page_order_and_every_line(site):
    html = (site / "qianjin" / "index.html").read_text(encoding="utf-8")
    assert "前进村2026年10月财务收支明细公开表" in html
    positions = [html.index(t) for t in ("一、资金概况", "二、收入明细", "三、支出明细", "四、其他收付")]
    assert positions == sorted(positions)
    assert html.index("一、资金概况") < html.index('id="month-total"')
    for seq in ("收1", "收2", "其1"):
        assert f'id="{seq}"' in html
    assert 'href="income.csv"' in html and 'href="flows.csv"' in html
    text = _text(html)
    assert "36,000.00" in text and "18,600.00" in text and f"{QIANJIN_INCOME:,.2f}" in text


def test_township_page_adds_income_and_closing(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "收入（元）" in html and "月末结余（元）" in html and 'id="month-income"' in html
    assert "<title>新街镇2026年10月村级财务收支公开</title>" in html and "财务支出公开" not in html  # as summary.pdf
    row = re.search(r"前进村.*?</tr>", html, re.S).group(0)
    assert f"{QIANJIN_INCOME:,.2f}" in row


def test_expense_only_village_page_has_no_money_parts(site):
    html = (site / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "资金概况" not in html and "收入明细" not in html and "income.csv" not in html
    assert "财务支出明细公开表" in html


@pytest.fixture(scope="module")
def context() -> Any:
    with chromium(375, 812) as ctx:
        yield ctx


@pytest.mark.parametrize("width", [360, 375])
def test_money_page_on_a_phone(context, site, width):
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 640})
        page.goto((site / "qianjin" / "index.html").as_uri())
        page.wait_for_load_state("load")
        dims = page.evaluate("() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth})")
        assert dims["doc"] <= width and dims["body"] <= width, dims
        for key in ("month-income", "month-expense", "month-closing"):
            box = page.evaluate(
                f"() => {{ const r = document.getElementById('{key}').getBoundingClientRect();"
                " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, w: innerWidth, h: innerHeight}; }")
            assert 0 <= box["left"] and box["right"] <= box["w"], (key, box)
            assert 0 <= box["top"] and box["bottom"] <= box["h"], (key, box)  # without scrolling at all
        income = page.evaluate("() => document.getElementById('month-income').textContent")
        assert Decimal(income.strip("¥").replace(",", "")) == QIANJIN_INCOME
        # income and flow lines are cards on a phone, like expenses; every field shown
        assert page.evaluate("getComputedStyle(document.getElementById('收1')).display") == "grid"
        assert page.evaluate("document.querySelectorAll('#收1 td').length") == 12
    finally:
        page.close()


def test_summary_sheet_adds_income_and_closing(site):
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(site / "summary.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "收入（元）" in text and "月末结余（元）" in text
    qianjin = next(line for line in text.splitlines() if "前进村" in line)
    assert f"{QIANJIN_INCOME:,.2f}" in qianjin
    total = next(line for line in text.splitlines() if "合计（已公开" in line)
    assert f"{TOWNSHIP_INCOME:,.2f}" in total  # the township's income total: its published 收支 villages' income

"""The 收支 sheet (SPEC 12.4), read back with pdftotext: title, four sections, per-page 本页小计 that add up to
the rows on that page, totals in figures and 大写, 本年累计收入 beside 本年累计支出."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import replace
from decimal import Decimal

import pytest
from test_money_public import _view

from villagefin.chart import load_chart
from villagefin.config import ChartConf
from villagefin.fonts import find_font
from villagefin.model import Expense
from villagefin.money import capitals
from villagefin.public import categories_of, public_expenses
from villagefin.render.pdf import render_noticeboard

AMOUNT = re.compile(r"-?\d[\d,]*\.\d\d")


@pytest.fixture(scope="module")
def font():
    return find_font(allow_fallback=False)


def _money_view(n_expenses: int):
    chart = load_chart(ChartConf(system="2023"))
    expenses = [Expense(village="v", file="f.xlsx", sheet="S", row=10 + i, date=dt.date(2026, 10, 1 + i % 28),
                        voucher=f"记-{20 + i}", summary=f"购买村部办公用品第{i}批", amount=Decimal("123.45") + i,
                        category="办公费", payee="天长市文具店", handler="张三", approver="王五", attachments=1,
                        method="现金") for i in range(n_expenses)]
    items = public_expenses(expenses, chart)
    total = sum((e.amount for e in items), Decimal("0.00"))
    return replace(_view(), expenses=items, total=total, total_capitals=capitals(total),
                   categories=categories_of(items), ytd_total=total + Decimal("10000.00"), fingerprint="0" * 16)


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _amounts(line: str) -> list[Decimal]:
    return [Decimal(a.replace(",", "")) for a in AMOUNT.findall(line)]


def test_short_sheet_has_every_section_and_its_totals(tmp_path, font):
    view = _money_view(3)
    out = tmp_path / "noticeboard.pdf"
    render_noticeboard(view, out, font=font)
    text = "\n".join(_pages(out))
    assert "测试村2026年10月财务收支明细公开表" in text
    for title in ("一、资金概况", "二、收入明细", "三、支出明细", "四、其他收付"):
        assert title in text
    for label in ("上月结余", "本月收入", "本月支出", "其他收款", "其他付款", "内部转账", "本月结余"):
        assert label in text
    closing = next(line for line in text.splitlines() if line.strip().startswith("本月结余"))
    assert _amounts(closing) == [Decimal("2420.50"), Decimal("12200.00"), Decimal("14620.50")]
    assert "挂账" in text and "300.00" in text  # the footnote of accrued income
    assert "本月收入合计（共 3 笔）" in text and "伍仟肆佰贰拾元零伍角整" in text
    assert capitals(view.total).replace("人民币", "") in text
    # 其3 is a 内部转账 (提现, 收 from the cash column's point of view): in neither total, as in 资金概况
    assert "其他收款合计（共 1 笔，不含内部转账）" in text and "其他付款合计（共 1 笔，不含内部转账）" in text
    assert re.search(r"^\s*其3\s.*（银行→现金）.*内部转账\s+收\s+1,000\.00", text, re.M)
    assert "本年累计（自10月起）收入：6,420.50 元" in text
    assert f"支出：{view.ytd_total:,.2f} 元" in text
    for seq in ("收1", "收2", "收3", "其1", "其2", "其3"):
        assert re.search(rf"^\s*{seq}\s", text, re.M), seq
    assert "138****5678" in text and "13812345678" not in text


def test_every_page_subtotal_adds_up_to_its_rows(tmp_path, font):
    view = _money_view(60)
    out = tmp_path / "noticeboard.pdf"
    pages = render_noticeboard(view, out, font=font)
    texts = _pages(out)
    assert len(texts) == pages >= 3
    seen_expenses = 0
    grand = Decimal("0.00")
    for page in texts:
        lines = page.splitlines()
        assert "第" in lines[-1] or any("页 共" in ln for ln in lines)
        income = [_amounts(ln)[-1] for ln in lines if re.match(r"^\s*收\d+\s", ln)]
        expenses = [_amounts(ln)[-1] for ln in lines if re.match(r"^\s*\d+\s+10月\d+日", ln)]
        subtotals = {m.group(1): _amounts(ln)[-1] for ln in lines
                     if (m := re.search(r"本页小计（(收入|支出)）", ln))}
        if income:
            assert subtotals["收入"] == sum(income)
        if expenses:
            assert subtotals["支出"] == sum(expenses)
            seen_expenses += len(expenses)
            grand += sum(expenses)
        else:
            assert "支出" not in subtotals
        if "本页小计（其他收付）" in page:
            line = next(ln for ln in lines if "本页小计（其他收付）" in ln)
            assert _amounts(line) == [Decimal("1200.00"), Decimal("800.00")]
    assert seen_expenses == 60 and grand == view.total
    assert "三、支出明细（续）" in "\n".join(texts)


def test_an_expense_only_view_keeps_the_old_sheet(tmp_path, font):
    view = replace(_money_view(2), funds=None, income=(), flows=())
    out = tmp_path / "noticeboard.pdf"
    render_noticeboard(view, out, font=font)
    text = "\n".join(_pages(out))
    assert "财务支出明细公开表" in text and "一、资金概况" not in text and "收入明细" not in text

"""The 收支 sheet (SPEC 12.4), read back with pdftotext: title, four sections, per-page 本页小计 that add up to
the rows on that page, totals in figures and 大写, 本年累计收入 beside 本年累计支出."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import HEADER, PORTAL, expense_row
from test_money_public import _view
from test_pdf import bbox_words

from villagefin.chart import load_chart
from villagefin.config import ChartConf, load_config
from villagefin.fonts import find_font, register
from villagefin.model import Expense
from villagefin.money import capitals
from villagefin.public import categories_of, public_expenses
from villagefin.publish import run_publish
from villagefin.render.pdf import render_noticeboard
from villagefin.render.pdf_grid import style
from villagefin.render.pdf_money import MoneySheet

AMOUNT = re.compile(r"-?\d[\d,]*\.\d\d")


@pytest.fixture(scope="module")
def font():
    return find_font(allow_fallback=False)


def _money_view(n_expenses: int, remarks=lambda i: ""):
    chart = load_chart(ChartConf(system="2023"))
    expenses = [Expense(village="v", file="f.xlsx", sheet="S", row=10 + i, date=dt.date(2026, 10, 1 + i % 28),
                        voucher=f"记-{20 + i}", summary=f"购买村部办公用品第{i}批", amount=Decimal("123.45") + i,
                        category="办公费", payee="天长市文具店", handler="张三", approver="王五", attachments=1,
                        method="现金", remarks=remarks(i)) for i in range(n_expenses)]
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


@pytest.mark.parametrize("remarks", [lambda i: "", lambda i: f"2026年第{i}次村民代表会议决议" if i % 3 else ""],
                         ids=["plain", "with-resolutions"])
def test_every_page_subtotal_adds_up_to_its_rows(tmp_path, font, remarks):
    view = _money_view(60, remarks)
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
    # remark lines take room and still every page adds up; each 决议 is printed once, under its own summary
    noted = [e for e in view.expenses if e.remarks]
    assert "\n".join(texts).count("村民代表会议决议") == len(noted)
    lines = "\n".join(texts).splitlines()
    for e in noted:  # pdftotext puts the row's one-line cells between the summary's line and the remark's
        at = next(i for i, line in enumerate(lines) if e.summary in line)
        assert e.remarks in lines[at + 1] + lines[at + 2], lines[at:at + 3]


def test_an_expense_only_view_keeps_the_old_sheet(tmp_path, font):
    view = replace(_money_view(2), funds=None, income=(), flows=())
    out = tmp_path / "noticeboard.pdf"
    render_noticeboard(view, out, font=font)
    text = "\n".join(_pages(out))
    assert "财务支出明细公开表" in text and "一、资金概况" not in text and "收入明细" not in text


RESOLUTION = "2026年第3次村民代表会议决议"
INCOME_HEADER = ["日期", "凭证号", "摘要", "类别", "付款方", "收入金额", "结算方式", "经手人", "审核人", "审批人", "附件张数"]


def test_a_resolution_remark_is_printed_under_its_summary_on_a_shouzhi_sheet(write_xlsx, tmp_path):
    """SPEC 16 and 12.4: 三、支出明细 is the expense sheet's table, so a remark naming a 决议 is printed on the
    line under its summary — read from a real workbook, published, read back with pdftotext."""
    expenses = [HEADER,
                expense_row(8, "记-1", "购买村部打印纸10包", 300, remarks="现金支付"),
                expense_row(12, "记-2", "村道硬化工程进度款", 60000, category="公益支出",
                            payee="天长市路宝市政工程有限公司", remarks=RESOLUTION)]
    income = [INCOME_HEADER, [dt.date(2026, 10, 3), "收-1", "收到村集体厂房第四季度租金", "经营收入", "天长市某厂",
                              18600, "转账", "林国玲", "卢爱梅", "高晓玲", 1]]
    write_xlsx(name="ws/ledgers/2026-10.xlsx", sheets={"支出": expenses, "收入": income})
    ws = tmp_path / "ws"
    (ws / "villagefin.toml").write_text(
        f'[township]\nname = "新街镇"\ncounty = "天长市"\nsupervision_phone = "0550-7000000"\n'
        f'portal_url = "{PORTAL}"\n\n[[villages]]\nid = "lize"\nname = "李泽村"\nledgers = ["ledgers/*.xlsx"]\n',
        encoding="utf-8")
    run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 5))
    out = ws / "site" / "2026-10" / "lize" / "noticeboard.pdf"
    lines = "\n".join(_pages(out)).splitlines()
    assert "李泽村2026年10月财务收支明细公开表" in lines[0] + lines[1]
    assert any(re.match(r"^\s*收1\s", line) and "18,600.00" in line for line in lines)  # the income line
    text = "\n".join(lines)
    assert text.index("三、支出明细") < text.index(RESOLUTION) < text.index("本月支出合计（共 2 笔）")
    assert "现金支付" not in text  # only a remark that names a 决议 is printed
    words: dict[str, tuple] = {}
    for w in bbox_words(out):
        words.setdefault(w[1], w)  # the first: the row, not the category subtotal on the last page
    summary, remark, seq, amount = words["村道硬化工程进度款"], words[RESOLUTION], words["记-2"], words["60,000.00"]
    assert summary[0] == remark[0] == amount[0] == 1
    assert abs(remark[3] - summary[3] - style("A4", "landscape").leading) < 0.5  # on the line under the summary…
    assert abs(remark[2] - summary[2]) < 0.5  # …in the same column…
    assert abs((remark[5] - remark[3]) - (seq[5] - seq[3])) < 0.2  # …at body size
    assert summary[3] <= amount[3] <= remark[3]  # one row: its amount beside the two lines


def _alone_without_travelling_rows(view, font, orientation: str) -> bool:
    """Whether the plain page-by-page layout (before any rows travel) leaves the sign-off's page without a row
    of 四、其他收付: the rows ended too near the bottom of a page for the closing to fit under them."""
    sheet = MoneySheet(view, None, register(font), style("A4", orientation), signoff=None, footer=None)
    return not any(b.kind == "row" for b in sheet._lay_out()[-1].blocks)


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_the_last_rows_travel_with_the_sign_off(tmp_path, font, orientation):
    """Rows that end near the bottom of a page, where the sign-off block no longer fits under them: the last
    rows of 四、其他收付 go to the last page with it (the sign-off never stands alone), and every page's 本页小计
    still adds up to its section's total."""
    near_bottom = 0
    for n in range(0, 40):  # the expense counts that end the rows near a page's bottom, found by trying
        view = _money_view(n)
        near_bottom += _alone_without_travelling_rows(view, font, orientation)
        out = tmp_path / f"{orientation}-{n}.pdf"
        pages = render_noticeboard(view, out, font=font, orientation=orientation)
        texts = _pages(out)
        assert len(texts) == pages
        last = texts[-1].splitlines()
        assert any("签字" in ln for ln in last), n
        flow_rows = [ln for ln in last if re.match(r"^\s*其\d+\s", ln)]
        assert len(flow_rows) >= 2, (n, texts[-1])  # rows of the table with the sign-off, never one alone
        assert any("本页小计（其他收付）" in ln for ln in last) and any("其他付款合计" in ln for ln in last), n
        subtotals = {"收入": Decimal(0), "支出": Decimal(0)}
        flows_in = flows_out = Decimal(0)
        for page in texts:
            for ln in page.splitlines():
                if m := re.search(r"本页小计（(收入|支出)）", ln):
                    subtotals[m.group(1)] += _amounts(ln)[-1]
                elif "本页小计（其他收付）" in ln:
                    got_in, got_out = _amounts(ln)
                    flows_in += got_in
                    flows_out += got_out
        assert subtotals == {"收入": view.income_total, "支出": view.total}, n
        assert (flows_in, flows_out) == (view.flows_in_total, view.flows_out_total), n
    assert near_bottom >= 3  # the case was exercised: for some counts the closing did not fit under the rows


def test_columns_follow_the_text_so_names_and_categories_do_not_wrap(tmp_path, font):
    """SPEC 16: a cell does not wrap for one or two characters while 摘要 has room — on a 收支 sheet too. The
    categories and payees of this sheet fit their columns on landscape A4, so each is printed on one line."""
    view = _money_view(4)
    expenses = tuple(replace(e, category=cat, payee=payee) for e, (cat, payee) in zip(view.expenses, [
        ("公益支出/路灯维修", "天长市光明电器维修部"), ("经营支出/厂房维修", "天长市金鼎钢结构有限公司"),
        ("管理费用/误工补贴", "石立杰"), ("公益支出/垃圾清运", "天长市洁美环境服务有限公司")], strict=True))
    view = replace(view, expenses=expenses, categories=categories_of(expenses))
    out = tmp_path / "noticeboard.pdf"
    render_noticeboard(view, out, font=font)
    text = "\n".join(_pages(out))
    for e in expenses:
        assert e.category in text and e.payee in text, (e.category, e.payee)

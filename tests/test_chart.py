"""The built-in charts of accounts (SPEC 3.2): 2004 and 2023 systems, lookups, expense accounts, detection."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from villagefin.chart import Account, Chart, detect_system, expense_groups, load_chart
from villagefin.config import ChartConf, ExtraAccount

C2023 = load_chart(ChartConf(system="2023"))
C2004 = load_chart(ChartConf(system="2004"))


def test_chart_data_is_package_data_with_both_systems():
    raw = resources.files("villagefin").joinpath("data", "chart.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert set(data["systems"]) == {"2004", "2023"}
    for system in data["systems"].values():
        codes = [a["code"] for a in system["accounts"]]
        assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("code", "name"), [
    ("101", "现金"), ("102", "银行存款"), ("112", "应收款"), ("113", "内部往来"), ("131", "牲畜（禽）资产"),
    ("151", "固定资产"), ("154", "在建工程"), ("212", "应付福利费"), ("231", "一事一议资金"), ("311", "公积公益金"),
    ("401", "生产（劳务）成本"), ("501", "经营收入"), ("502", "经营支出"), ("511", "发包及上交收入"),
    ("522", "补助收入"), ("531", "其他收入"), ("541", "管理费用"), ("551", "其他支出"), ("561", "投资收益"),
])
def test_2004_first_level_accounts(code, name):
    account = C2004.lookup(code)
    assert account is not None and (account.code, account.name, account.system) == (code, name, "2004")


@pytest.mark.parametrize(("code", "name"), [
    ("101", "库存现金"), ("102", "银行存款"), ("131", "消耗性生物资产"), ("132", "生产性生物资产"),
    ("161", "无形资产"), ("181", "待处理财产损溢"), ("221", "应交税费"), ("242", "专项应付款"),
    ("501", "经营收入"), ("502", "投资收益"), ("503", "补助收入"), ("504", "其他收入"), ("511", "经营支出"),
    ("512", "税金及附加"), ("513", "管理费用"), ("514", "公益支出"), ("515", "其他支出"), ("521", "所得税费用"),
])
def test_2023_first_level_accounts(code, name):
    account = C2023.lookup(code)
    assert account is not None and (account.code, account.name, account.system) == (code, name, "2023")


def test_expense_accounts_by_code_prefix():
    assert [c for c in ("502", "511", "541", "551", "101", "102", "501") if C2004.is_expense(c)] == ["502", "541", "551"]
    assert [c for c in ("502", "511", "512", "513", "514", "515", "521", "101", "503") if C2023.is_expense(c)] == [
        "511", "512", "513", "514", "515", "521"]
    assert C2023.is_expense("5130101") and C2023.is_expense("51399") and not C2023.is_expense("10201")
    assert C2004.is_expense("54101") and not C2004.is_expense("51101")


def test_expense_accounts_by_name_or_path():
    assert C2023.is_expense(name="管理费用_办公费")
    assert C2023.is_expense(name="管理费用/自定义明细")  # the top level decides
    assert C2023.is_expense(code="", name="公益支出")
    assert not C2023.is_expense(name="银行存款")
    assert not C2023.is_expense(name="不存在的科目")
    # a code the chart does not know falls back to the name
    assert C2023.is_expense(code="6602", name="管理费用-办公费")
    # the code wins when the chart knows it
    assert not C2023.is_expense(code="102", name="管理费用")


@pytest.mark.parametrize("text", [
    "51301", "513", "办公费", "管理费用", "管理费用_办公费", "管理费用/办公费", "管理费用-办公费", "管理费用 - 办公费",
    "513 管理费用", "51301 办公费", "51301办公费", "５１３０１", "办 公 费", "管理费用＿办公费",
])
def test_lookup_by_code_name_or_path(text):
    account = C2023.lookup(text)
    assert account is not None
    assert account.code in ("513", "51301")
    assert account.group == "管理费用" and account.expense


def test_lookup_details():
    assert C2023.lookup("51301").name == "办公费"
    assert C2023.lookup("业务招待费").name == "招待费"  # a common alias
    assert C2023.lookup("生产(劳务)成本").code == "401"  # half-width brackets
    assert C2023.lookup("管理费用_新设明细").code == "513"  # unknown detail under a known account
    assert C2023.lookup("5130199").code == "51301"  # a finer code than the chart has
    assert C2023.lookup("水泥款") is None
    assert C2023.lookup("") is None
    assert C2023.lookup("12") is None


def test_group_of():
    assert C2023.group_of("办公费") == "管理费用"
    assert C2023.group_of("道路维修") == "公益支出"
    assert C2023.group_of("税金及附加") == "税费" and C2023.group_of("521") == "税费"
    assert C2004.group_of("道路维修") == "公益支出"  # under 551 其他支出, published as 公益支出
    assert C2004.group_of("利息支出") == "其他支出"
    assert C2023.group_of("水泥款") == "水泥款"
    assert C2023.group_of("  ") == "未分类"
    assert set(expense_groups()) == {"管理费用", "公益支出", "经营支出", "其他支出", "税费"}
    for account in C2023.expense_accounts() + C2004.expense_accounts():
        assert account.group in expense_groups()


def test_cash_or_bank():
    assert C2023.cash_or_bank("101") == "现金" and C2023.cash_or_bank("10101") == "现金"
    assert C2023.cash_or_bank("102") == "银行" and C2004.cash_or_bank("1020101") == "银行"
    assert C2023.cash_or_bank(name="库存现金") == "现金" and C2004.cash_or_bank(name="现金") == "现金"
    assert C2023.cash_or_bank(name="银行存款_农商行") == "银行"
    assert C2023.cash_or_bank("513") is None and C2023.cash_or_bank(name="管理费用") is None
    assert C2023.cash_or_bank() is None


def test_detect_system():
    assert detect_system(["101", "54101", "55101", "502"]) == "2004"
    assert detect_system(["102", "51301", "514"]) == "2023"
    assert detect_system(["521"]) == "2023"
    assert detect_system(["502", "511", "101"]) == "2023"  # the colliding codes decide nothing
    assert detect_system([]) == "2023"
    assert detect_system(["", "abc", None]) == "2023"


def test_load_chart_auto_and_extra():
    assert load_chart(ChartConf(system="auto"), ["54101", "102"]).system == "2004"
    assert load_chart(ChartConf(system="auto"), ["51401"]).system == "2023"
    assert load_chart(ChartConf(system="2023"), ["54101"]).system == "2023"  # explicit wins
    chart = load_chart(ChartConf(system="2004", extra=(
        ExtraAccount("54199", "村庄亮化", "公益支出"),
        ExtraAccount("60101", "代收代付", "代收款"),
        ExtraAccount("70101", "临时用工", "管理费用"),
    )))
    assert chart.lookup("村庄亮化") == Account("54199", "村庄亮化", "公益支出", True, "2004")
    assert chart.is_expense("54199") and chart.is_expense("70101")  # expense prefix / expense group
    assert not chart.is_expense("60101") and chart.lookup("代收代付") is not None
    assert chart.group_of("村庄亮化") == "公益支出"
    # an extra account of a code the chart has wins
    chart = load_chart(ChartConf(system="2004", extra=(ExtraAccount("54105", "村民小组长误工补贴", "管理费用"),)))
    assert chart.lookup("54105").name == "村民小组长误工补贴"


def test_chart_is_a_chart():
    assert isinstance(C2023, Chart) and C2023.system == "2023"
    names = [a.name for a in C2023.expense_accounts()]
    assert names[0] == "经营支出" and "办公费" in names and "银行存款" not in names


def test_codes_as_software_and_numeric_cells_write_them():
    assert C2023.lookup("513.01").code == "51301" and C2023.lookup("513-01").code == "51301"
    assert C2023.lookup("51301.0").code == "51301"  # read from a numeric cell
    assert C2023.is_expense("513.01") and C2023.cash_or_bank("102.01") == "银行"

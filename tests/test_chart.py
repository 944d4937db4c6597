"""The built-in charts of accounts (SPEC 3.2): 2004 and 2023 systems, lookups, expense accounts, detection."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from villagefin.chart import Account, Chart, detect_system, expense_groups, flow_types, load_chart
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
    ("161", "无形资产"), ("181", "待处理财产损溢"), ("211", "应付款"), ("212", "应付工资"), ("213", "应付劳务费"),
    ("214", "应交税费"), ("221", "长期借款及应付款"), ("231", "一事一议资金"), ("241", "专项应付款"),
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
    # names vote only where no code does: first-level names of one system alone (现金 is written in both)
    assert detect_system(["发包及上交收入", "办公费", "银行存款/农商行"]) == "2004"
    assert detect_system(["农业税附加返还收入_上级返还"]) == "2004"
    assert detect_system(["现金", "办公费"]) == "2023"
    assert detect_system(["公益支出—路灯", "发包及上交收入", "应付劳务费"]) == "2023"
    assert detect_system(["514", "发包及上交收入"]) == "2023"  # a code that votes outweighs names


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


# -- SPEC 12.1: every first-level account with its kind and type -------------------------------------------------

_FIRST_2004 = {
    "101": ("cash", ""), "102": ("cash", ""), "111": ("other", "投资"), "112": ("other", "往来款"),
    "113": ("other", "往来款"), "121": ("other", "资产"), "131": ("other", "资产"), "132": ("other", "资产"),
    "141": ("other", "投资"), "151": ("other", "资产"), "152": ("other", ""), "153": ("other", "资产"),
    "154": ("other", "资产"), "161": ("other", "资产"), "201": ("other", "借款"), "202": ("other", "往来款"),
    "211": ("other", "工资劳务"), "212": ("other", "福利"), "221": ("other", "借款"), "231": ("other", "一事一议"),
    "241": ("other", "专项资金"), "301": ("other", ""), "311": ("other", "征地补偿及捐赠"), "321": ("other", ""),
    "322": ("other", ""), "401": ("other", ""), "501": ("income", ""), "502": ("expense", ""),
    "511": ("income", ""), "521": ("income", ""), "522": ("income", ""), "531": ("income", ""),
    "541": ("expense", ""), "551": ("expense", ""), "561": ("income", ""),
}
_FIRST_2023 = {
    "101": ("cash", ""), "102": ("cash", ""), "111": ("other", "投资"), "112": ("other", "往来款"),
    "113": ("other", "往来款"), "121": ("other", "资产"), "131": ("other", "资产"), "132": ("other", "资产"),
    "133": ("other", "资产"), "134": ("other", "资产"), "141": ("other", "投资"), "151": ("other", "资产"),
    "152": ("other", ""), "153": ("other", "资产"), "154": ("other", "资产"), "161": ("other", "资产"),
    "162": ("other", ""), "171": ("other", ""), "181": ("other", ""), "201": ("other", "借款"),
    "211": ("other", "往来款"), "212": ("other", "工资劳务"), "213": ("other", "工资劳务"), "214": ("other", "税费"),
    "221": ("other", "借款"), "231": ("other", "一事一议"), "241": ("other", "专项资金"), "301": ("other", ""),
    "311": ("other", "征地补偿及捐赠"), "321": ("other", ""), "322": ("other", ""), "401": ("other", ""),
    "501": ("income", ""), "502": ("income", ""), "503": ("income", ""), "504": ("income", ""),
    "511": ("expense", ""), "512": ("expense", ""), "513": ("expense", ""), "514": ("expense", ""),
    "515": ("expense", ""), "521": ("expense", ""),
}


@pytest.mark.parametrize(("chart", "expected"), [(C2004, _FIRST_2004), (C2023, _FIRST_2023)])
def test_every_first_level_account_has_its_kind_and_type(chart, expected):
    first = {a.code: a for a in chart.accounts if len(a.code) == 3}
    assert set(first) == set(expected)  # no more, no fewer first-level accounts than the official list
    for code, (kind, flow_type) in expected.items():
        assert (first[code].kind, first[code].flow_type) == (kind, flow_type), code
        assert chart.kind_of(code) == kind
        assert chart.flow_type(code) == flow_type
    assert "242" not in first and "202" not in _FIRST_2023


def test_flow_types_are_the_spec_table():
    assert flow_types() == ("征地补偿及捐赠", "一事一议", "专项资金", "借款", "往来款", "工资劳务", "福利", "税费",
                            "资产", "投资", "其他")
    for chart in (C2004, C2023):
        assert {a.flow_type for a in chart.accounts} - {""} <= set(flow_types())


def test_classification_by_prefix_first_level_name_or_detail_name():
    # a detail code the chart does not know: its first-level prefix
    assert C2023.kind_of("2140199") == "other" and C2023.flow_type("2140199") == "税费"
    assert C2023.kind_of("50399") == "income" and C2004.kind_of("52299") == "income"
    assert C2023.kind_of("1020101") == "cash"
    # no code: the first-level name, a path, or a detail name of the chart in use
    assert C2023.kind_of(name="补助收入") == "income" and C2004.kind_of(name="发包及上交收入") == "income"
    assert C2023.flow_type(name="一事一议资金") == "一事一议"
    assert C2023.flow_type(name="短期借款_信用社") == "借款"
    assert C2023.kind_of(name="管理费用_办公费") == "expense" and C2023.kind_of(name="办公费") == "expense"
    assert C2023.kind_of(name="银行存款") == "cash" and C2004.kind_of(name="现金") == "cash"
    # the same code means different things in the two systems
    assert C2004.kind_of("502") == "expense" and C2023.kind_of("502") == "income"
    assert C2004.kind_of("511") == "income" and C2023.kind_of("511") == "expense"
    assert C2004.flow_type("211") == "工资劳务" and C2023.flow_type("211") == "往来款"
    # unknown accounts
    assert C2023.kind_of("999") is None and C2023.kind_of(name="不存在的科目") is None
    assert C2023.flow_type("999") == ""


def test_2004_internal_account_with_yishi_summary_is_yishi():
    assert C2004.flow_type("113", summary="收一事一议筹资款") == "一事一议"
    assert C2004.flow_type("11301", summary="收一事一议筹资款") == "一事一议"
    assert C2004.flow_type("113", summary="收回借款") == "往来款"
    assert C2023.flow_type("113", summary="收一事一议筹资款") == "往来款"  # 2023 has 231 for it


def test_closing_accounts():
    assert C2023.is_closing("321") and C2023.is_closing("32201") and C2004.is_closing(name="本年收益")
    assert not C2023.is_closing("311") and not C2023.is_closing(name="管理费用")


def test_auto_decides_only_on_codes_of_one_system():
    for code in ("202", "522", "531", "541", "551", "561"):
        assert detect_system([code]) == "2004", code
    for code in ("133", "134", "162", "181", "213", "214", "503", "504", "512", "513", "514", "515"):
        assert detect_system([code, "202"]) == "2023" or detect_system([code, code, "202"]) == "2023", code
        assert detect_system(["541", code, code]) == "2023", code
    # codes in both systems, whatever they mean in each, decide nothing: 2004 wins on one vote
    for code in ("502", "511", "521", "211", "212", "221", "231", "241", "242", "161", "101", "102"):
        assert detect_system([code, code, code, "541"]) == "2004", code


def test_extra_account_under_an_other_account_takes_its_type():
    chart = load_chart(ChartConf(system="2023", extra=(ExtraAccount("21401", "代扣个税", ""),
                                                       ExtraAccount("50301", "村级组织运转补助", ""))))
    assert chart.kind_of("21401") == "other" and chart.flow_type("21401") == "税费"
    assert chart.kind_of(name="村级组织运转补助") == "income"


def test_one_chart_serves_every_village_of_a_configuration():
    # a county check asks for the chart twice per village: built once, its lookups remembered across villages
    conf = ChartConf(system="auto", extra=(ExtraAccount(code="51399", name="防汛物资", group=""),))
    first = load_chart(conf, ["51301"])
    assert load_chart(conf, ["51302", "101"]) is first
    assert load_chart(conf, ["522"]) is not first and load_chart(conf, ["522"]).system == "2004"
    assert load_chart(ChartConf(system="auto", extra=conf.extra), ()) is first  # equal configurations share it
    assert first.lookup("防汛物资").code == "51399"

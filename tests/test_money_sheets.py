"""Expense-list villages (SPEC 12.2): an income list sheet and a balances sheet (资金余额表) beside the expense
list, and a 科目余额表 export; read from real workbooks through `check`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from conftest import HEADER, expense_row

from villagefin.check import run_check
from villagefin.config import load_config
from villagefin.text import report_dict

TOML = '[township]\nname = "新街镇"\n\n[[villages]]\nid = "lize"\nname = "李泽村"\nledgers = ["ledgers/*.xlsx"]\n'

EXPENSES = [["李泽村2026年10月支出明细"], HEADER,
            expense_row(8, "记-1", "购买村部打印纸10包", 300, method="现金"),
            expense_row(9, "记-2", "支付村道修补工程款", 5000, method="转账", category="公益支出")]
INCOME = [["李泽村2026年10月收入明细"],
          ["日期", "凭证号", "摘要", "类别", "付款方", "收入金额", "结算方式", "经手人", "审核人", "审批人", "附件张数"],
          [dt.date(2026, 10, 3), "收-1", "收到村集体厂房第四季度租金", "经营收入", "天长市某厂", 18600, "转账",
           "林国玲", "卢爱梅", "高晓玲", 1],
          [dt.date(2026, 10, 5), "收-2", "收到村民缴纳的灌溉水费", "经营收入", "王某某 13812345678", 860, "现金",
           "林国玲", "卢爱梅", "高晓玲", 1],
          [dt.date(2026, 10, 6), "收-3", "收到镇拨付道路建设专项资金", "专项资金", "新街镇财政所", 50000, "转账",
           "林国玲", "卢爱梅", "高晓玲", 1],
          ["合计", None, None, None, None, 69460, None, None, None, None, None]]


def _balances(cash_closing=1560, bank_closing=113600):
    return [["李泽村2026年10月资金余额表"],
            ["项目", "上月结余", "本月结余"],
            ["库存现金", 1000, cash_closing],
            ["银行存款", 50000, bank_closing]]


def _check(write_xlsx, tmp_path, **sheets):
    write_xlsx(name="ws/ledgers/2026-10.xlsx", sheets=sheets)
    (tmp_path / "ws" / "villagefin.toml").write_text(TOML, encoding="utf-8")
    return run_check(None, load_config(tmp_path / "ws"), month="2026-10")


def test_income_list_and_balances_sheet_make_a_shouzhi_village(write_xlsx, tmp_path):
    report = _check(write_xlsx, tmp_path, 支出=EXPENSES, 收入=INCOME, 资金余额=_balances())
    assert [e.voucher for e in report.expenses] == ["记-1", "记-2"]  # income rows are not expenses
    assert [(ln.kind, ln.flow_type, ln.column, ln.amount, ln.payer) for ln in report.lines] == [
        ("income", "", "bank", D("18600.00"), "天长市某厂"),
        ("income", "", "cash", D("860.00"), "王某某 13812345678"),
        ("other-in", "专项资金", "bank", D("50000.00"), "新街镇财政所")]
    [village] = report_dict(report)["villages"].values()
    # cash 1000 + 860 − 300 = 1560; bank 50000 + 18600 + 50000 − 5000 = 113600
    assert village["balances"]["cash"]["closing"] == "1560.00" and village["balances"]["bank"]["closing"] == "113600.00"
    assert (village["income"], village["income_total"], village["flows"]) == (2, "19460.00", 1)
    assert not [f for f in report.findings if f.severity == "error"], report.findings
    assert {s.layout for s in report.files} == {"expense-list", "balances"}


def test_balances_sheet_that_does_not_add_up(write_xlsx, tmp_path):
    report = _check(write_xlsx, tmp_path, 支出=EXPENSES, 收入=INCOME, 资金余额=_balances(cash_closing=1600))
    mismatch = [f for f in report.findings if f.code == "balance-mismatch"]
    assert [(f.sheet, f.row) for f in mismatch] == [("资金余额", 3)]
    assert "1,600.00" in mismatch[0].message and "1,560.00" in mismatch[0].message and "40.00" in mismatch[0].message


def test_income_list_total_row_is_checked_against_its_own_lines(write_xlsx, tmp_path):
    income = [row[:] for row in INCOME]
    income[-1][5] = 69000
    report = _check(write_xlsx, tmp_path, 支出=EXPENSES, 收入=income, 资金余额=_balances())
    assert [(f.code, f.sheet, f.row) for f in report.findings if f.code == "total-mismatch"] == [
        ("total-mismatch", "收入", 6)]


def test_trial_balance_export_gives_first_level_balances(write_xlsx, tmp_path):
    trial = [["科目余额表"], ["期间：2026年10月"],
             ["科目编码", "科目名称", "期初余额", None, "本期发生", None, "期末余额", None],
             [None, None, "借方", "贷方", "借方", "贷方", "借方", "贷方"],
             ["101", "库存现金", 1000, None, 860, 300, 1560, None],
             ["102", "银行存款", 50000, None, 68600, 5000, 113600, None],
             ["10201", "银行存款_农商行", 30000, None, 68600, 5000, 93600, None],
             ["501", "经营收入", None, None, None, 19460, None, 19460]]
    report = _check(write_xlsx, tmp_path, 支出=EXPENSES, 收入=INCOME, 科目余额表=trial)
    [village] = report_dict(report)["villages"].values()
    assert village["balances"]["cash"]["opening"] == "1000.00" and village["balances"]["bank"]["opening"] == "50000.00"
    assert village["balances"]["bank"]["closing"] == "113600.00"
    assert "trial-balance" in {s.layout for s in report.files}
    assert not [f for f in report.findings if f.code in ("balance-mismatch", "no-header")]

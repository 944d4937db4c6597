"""收支公开 checks (SPEC 12.3): each rule fires where it should and stays silent otherwise; and the whole path
from a real journal or cash journal workbook through `check`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

from conftest import codes

from villagefin.config import Config, Rules
from villagefin.model import Balance, Expense, MoneyLine
from villagefin.public import funds_of
from villagefin.rules import (
    VillageMoney,
    apply_money_rules,
    balance_mismatch,
    cash_on_hand_over_limit,
    missing_balance,
    negative_cash,
    unclassified_flow,
)
from villagefin.text import report_dict

CONFIG = Config()
DAY = dt.date(2026, 10, 8)


def ml(kind, amount, column="cash", source="", flow_type="", row=5, category="", columns=()):
    return MoneyLine(village="v", file="f.xlsx", sheet="S", row=row, date=DAY, voucher=f"记-{row}", summary="摘要",
                     amount=D(amount), kind=kind, flow_type=flow_type, column=column, source=source,
                     category=category, columns=columns)


def ex(amount, method="现金", row=9):
    return Expense(village="v", file="f.xlsx", sheet="S", row=row, date=DAY, voucher=f"记-{row}", summary="买纸",
                   amount=D(amount), method=method)


def bal(column, opening, closing, source="cash-journal", file="f.xlsx", opening_row=3, closing_row=20):
    return Balance(village="v", column=column, opening=None if opening is None else D(opening),
                   closing=None if closing is None else D(closing), source=source, file=file, sheet="S",
                   opening_row=opening_row, closing_row=closing_row)


def found(rule, money, config=CONFIG):
    return [(f.code, f.row, f.message) for f in rule(money, config)]


# 1000 + 500 income − 200 expense + 50 other-in − 300 other-out + 100 from the bank = 1150
LINES = [ml("income", "500.00"), ml("other-in", "50.00", flow_type="借款"),
         ml("other-out", "300.00", flow_type="工资劳务"), ml("transfer", "100.00", column="cash", source="bank")]
EXPENSES = [ex("200.00"), ex("40.00", method="转账"), ex("70.00", method="挂账")]


def test_funds_add_up_per_column():
    funds = funds_of(LINES + [ml("income", "30.00", column="")], EXPENSES,
                     [bal("cash", "1000.00", "1150.00"), bal("bank", "900.00", None, source="bank-journal")])
    c, b = funds.cash, funds.bank
    assert (c.opening, c.income, c.expense, c.other_in, c.other_out, c.transfer, c.closing) == (
        D("1000.00"), D("500.00"), D("200.00"), D("50.00"), D("300.00"), D("100.00"), D("1150.00"))
    assert c.computed_closing == D("1000.00") + D("500.00") - D("200.00") + D("50.00") - D("300.00") + D("100.00")
    # the bank paid 40 and gave 100 to cash; its closing is computed where no source gives one
    assert (b.expense, b.transfer, b.closing) == (D("40.00"), D("-100.00"), D("760.00"))
    assert c.transfer + b.transfer == 0  # 内部转账 is 0 in 合计
    assert (funds.accrued_income, funds.accrued_expense) == (D("30.00"), D("70.00"))


def test_balance_mismatch_fires_on_arithmetic_and_is_silent_when_it_adds_up():
    ok = VillageMoney(village="v", lines=LINES, expenses=EXPENSES, balances=[bal("cash", "1000.00", "1150.00")])
    assert found(balance_mismatch, ok) == []
    bad = VillageMoney(village="v", lines=LINES, expenses=EXPENSES, balances=[bal("cash", "1000.00", "1150.01")])
    [(code, row, message)] = found(balance_mismatch, bad)
    assert (code, row) == ("balance-mismatch", 20)
    assert "1,150.01" in message and "1,150.00" in message and "0.01" in message  # both figures, the difference


def test_balance_mismatch_between_sources_and_against_last_month():
    two = VillageMoney(village="v", lines=LINES, expenses=EXPENSES,
                       balances=[bal("cash", "1000.00", "1150.00"),
                                 bal("cash", "1000.00", "1150.00", source="balances-sheet", file="余额表.xlsx"),
                                 bal("cash", "999.00", None, source="trial-balance", file="科目余额表.xlsx",
                                     opening_row=7)])
    result = found(balance_mismatch, two)
    assert [(c, r) for c, r, _ in result] == [("balance-mismatch", 7)] and "科目余额表.xlsx" in result[0][2]
    last = VillageMoney(village="v", lines=LINES, expenses=EXPENSES, balances=[bal("cash", "1000.00", "1150.00")],
                        previous_closing={"cash": D("1001.00")})
    [(code, row, message)] = found(balance_mismatch, last)
    assert (code, row) == ("balance-mismatch", 3) and "上月公开" in message
    same = VillageMoney(village="v", lines=LINES, expenses=EXPENSES, balances=[bal("cash", "1000.00", "1150.00")],
                        previous_closing={"cash": D("1000.00")})
    assert found(balance_mismatch, same) == []


def test_negative_cash_rows_and_month_end():
    rows = VillageMoney(village="v", negative_rows=[("f.xlsx", "S", 7, D("-20.00"))],
                        balances=[bal("cash", "10.00", "80.00")])
    assert [(c, r) for c, r, _ in found(negative_cash, rows)] == [("negative-cash", 7)]
    end = VillageMoney(village="v", lines=[ml("other-out", "30.00", flow_type="借款")],
                       balances=[bal("cash", "10.00", None)])
    [(code, row, message)] = found(negative_cash, end)
    assert code == "negative-cash" and "-20.00" in message
    assert found(negative_cash, VillageMoney(village="v", balances=[bal("cash", "10.00", "0.00")])) == []
    assert found(negative_cash, VillageMoney(village="v", balances=[bal("bank", "10.00", "-5.00")])) == []


def test_cash_on_hand_over_limit_default_and_configured():
    over = VillageMoney(village="v", balances=[bal("cash", "100.00", "5000.01")])
    assert [c for c, _, _ in found(cash_on_hand_over_limit, over)] == ["cash-on-hand-over-limit"]
    at = VillageMoney(village="v", balances=[bal("cash", "100.00", "5000.00")])
    assert found(cash_on_hand_over_limit, at) == []
    assert Rules().cash_on_hand_limit == D("5000")
    strict = Config(rules=Rules(cash_on_hand_limit=D("3000")))
    assert [c for c, _, _ in found(cash_on_hand_over_limit, at, strict)] == ["cash-on-hand-over-limit"]
    assert found(cash_on_hand_over_limit, VillageMoney(village="v", balances=[bal("bank", "1", "99999.00")])) == []


def test_missing_balance():
    [(code, row, message)] = found(missing_balance, VillageMoney(village="v", lines=LINES))
    assert (code, row) == ("missing-balance", None)
    assert message.startswith("本月有收入或其他收付，但没有上月结余（期初余额）和本月结余（期末余额）。")
    half = VillageMoney(village="v", lines=LINES, balances=[bal("cash", "1.00", None)])
    assert found(missing_balance, half)[0][2].startswith("本月有收入或其他收付，但没有本月结余（期末余额）。")
    assert found(missing_balance, VillageMoney(village="v", lines=LINES, balances=[bal("cash", "1", "2")])) == []
    assert found(missing_balance, VillageMoney(village="v", expenses=EXPENSES)) == []  # expenses only


def test_unclassified_flow():
    lines = [ml("other-in", "5.00", flow_type="其他", row=4, category="累计折旧", columns=(("category", "D"),)),
             ml("other-in", "6.00", flow_type="其他", row=6), ml("other-out", "7.00", flow_type="借款", row=8),
             ml("income", "8.00", row=10)]
    result = list(unclassified_flow(VillageMoney(village="v", lines=lines), CONFIG))
    assert [(f.code, f.row, f.column, f.severity) for f in result] == [
        ("unclassified-flow", 4, "D", "warning"), ("unclassified-flow", 6, None, "warning")]
    assert "累计折旧" in result[0].message and "没有对方科目" in result[1].message


def test_every_money_rule_is_silent_on_a_clean_village():
    clean = VillageMoney(village="v", lines=LINES, expenses=EXPENSES,
                         balances=[bal("cash", "1000.00", "1150.00"), bal("bank", "900.00", "760.00",
                                                                         source="bank-journal")])
    assert apply_money_rules(clean, CONFIG) == []


# -- through check, from real workbooks ------------------------------------------------------------------------------

def test_cash_journal_through_check(write_xlsx, check_file):
    rows = [["新街村现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结转", None, None, None, 4000],
            [dt.date(2026, 10, 3), "现收-1", "收到农户缴纳一事一议筹资款", "一事一议资金", 1200, None, 5200],
            [dt.date(2026, 10, 5), "现收-2", "收到村集体房屋租金", "经营收入", 600, None, 5800],
            [dt.date(2026, 10, 6), "现付-1", "支付保洁员10月工资", "应付工资", None, 500, 5300],
            [dt.date(2026, 10, 8), "现付-2", "购买垃圾袋100个", "管理费用", None, 85.5, 5214.5],
            [dt.date(2026, 10, 9), "现付-3", "存现", "银行存款", None, 200, 5014.5],
            [None, None, "本月合计", None, 1800, 785.5, 5014.5]]
    report = check_file(write_xlsx(rows))
    assert [(e.voucher, e.amount) for e in report.expenses] == [("现付-2", D("85.50"))]
    assert [(ln.kind, ln.flow_type, ln.voucher, ln.amount) for ln in report.lines] == [
        ("other-in", "一事一议", "现收-1", D("1200.00")), ("income", "", "现收-2", D("600.00")),
        ("other-out", "工资劳务", "现付-1", D("500.00")), ("transfer", "", "现付-3", D("200.00"))]
    # 4000 + 600 − 85.50 + 1200 − 500 − 200 = 5014.50: it adds up; above the 5000 cash-on-hand limit
    assert [c for c in codes(report) if c[0] in ("balance-mismatch", "cash-on-hand-over-limit")] == [
        ("cash-on-hand-over-limit", 9, None)]
    [village] = report_dict(report)["villages"].values()
    assert (village["income"], village["income_total"], village["flows"]) == (1, "600.00", 3)
    cash = village["balances"]["cash"]
    assert cash == {"opening": "4000.00", "income": "600.00", "expense": "85.50", "other_in": "1200.00",
                    "other_out": "500.00", "transfer": "-200.00", "closing": "5014.50"}
    json.dumps(village, ensure_ascii=False)  # plain JSON values only


def test_cash_journal_that_does_not_add_up_and_goes_negative(write_xlsx, check_file):
    rows = [["现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结余", None, None, None, 100],
            [dt.date(2026, 10, 3), "现付-1", "购买办公用纸10包", "管理费用", None, 300, -200],
            [dt.date(2026, 10, 5), "现收-1", "收到租金", "经营收入", 500, None, 310]]
    report = check_file(write_xlsx(rows))
    found_codes = codes(report)
    assert ("negative-cash", 4, None) in found_codes
    assert ("balance-mismatch", 5, None) in found_codes  # 100 − 300 + 500 = 300, not 310
    mismatch = next(f for f in report.findings if f.code == "balance-mismatch")
    assert "310.00" in mismatch.message and "300.00" in mismatch.message and "10.00" in mismatch.message


def test_journal_through_check_gives_lines_and_keeps_expenses(write_xlsx, check_file):
    rows = [["日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额"],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "51301", "管理费用_办公费", 300, 0],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "102", "银行存款", 0, 300],
            [dt.date(2026, 10, 9), "记-2", "收到镇拨付村级组织运转经费", "102", "银行存款", 5000, None],
            [dt.date(2026, 10, 9), "记-2", "收到镇拨付村级组织运转经费", "503", "补助收入", None, 5000],
            [dt.date(2026, 10, 10), "记-3", "提现备用", "101", "库存现金", 1000, None],
            [dt.date(2026, 10, 10), "记-3", "提现备用", "102", "银行存款", None, 1000],
            [dt.date(2026, 10, 11), "记-4", "计提保洁员工资", "51302", "管理费用_保洁费", 800, None],
            [dt.date(2026, 10, 11), "记-4", "计提保洁员工资", "212", "应付工资", None, 800],
            [dt.date(2026, 10, 31), "记-5", "结转本月收入", "503", "补助收入", 5000, None],
            [dt.date(2026, 10, 31), "记-5", "结转本月收入", "321", "本年收益", None, 5000],
            [dt.date(2026, 10, 12), "记-6", "退回多付的办公费", "101", "库存现金", 20, None],
            [dt.date(2026, 10, 12), "记-6", "退回多付的办公费", "51301", "管理费用_办公费", None, 20]]
    report = check_file(write_xlsx(rows))
    assert [(ln.kind, ln.voucher, ln.column, ln.source, ln.amount, ln.method) for ln in report.lines] == [
        ("income", "记-2", "bank", "", D("5000.00"), "银行"), ("transfer", "记-3", "cash", "bank", D("1000.00"), "")]
    assert [(e.voucher, e.amount, e.method) for e in report.expenses] == [
        ("记-1", D("300.00"), "银行"), ("记-4", D("800.00"), "挂账"), ("记-6", D("-20.00"), "现金")]
    funds = funds_of(report.lines, report.expenses)
    assert (funds.bank.income, funds.bank.expense, funds.bank.transfer) == (D("5000.00"), D("300.00"), D("-1000.00"))
    assert (funds.cash.expense, funds.cash.transfer, funds.accrued_expense) == (D("-20.00"), D("1000.00"), D("800.00"))


def test_cash_on_hand_limit_is_read_from_the_config():
    import pytest

    from villagefin.config import parse_config
    from villagefin.errors import ConfigError

    base = {"township": {"name": "新街镇"}}
    assert parse_config({**base, "rules": {"cash_on_hand_limit": "3000"}}).rules.cash_on_hand_limit == D("3000")
    assert parse_config(base).rules.cash_on_hand_limit == D("5000")
    with pytest.raises(ConfigError, match="cash_on_hand_limit"):
        parse_config({**base, "rules": {"cash_on_hand_limit": "-1"}})


def test_other_payments_are_checked_as_expenses_and_receipts_as_income():
    from villagefin.chart import load_chart
    from villagefin.config import ChartConf
    from villagefin.rules import RuleContext, line_rules

    context = RuleContext(period="2026-10", chart=load_chart(ChartConf(system="2023")))
    pay = MoneyLine(village="v", file="f.xlsx", sheet="S", row=7, date=DAY, voucher="现付-3", summary="归还村民借款",
                    amount=D("3000.00"), kind="other-out", flow_type="借款", column="cash", method="现金",
                    payer="张三", handler="林国玲", reviewer="卢爱梅", approver="高晓玲", attachments=1,
                    columns=(("method", "L"), ("amount", "G")))
    got = [(f.code, f.row) for f in line_rules([pay], CONFIG, context)]
    assert got == [("cash-over-limit", 7)]  # 3000 in cash, above the 1000 cash limit
    quiet = [(f.code, f.row) for f in line_rules([MoneyLine(**{**{s: getattr(pay, s) for s in pay.__slots__},
                                                                "amount": D("300.00")})], CONFIG, context)]
    assert quiet == []
    receipt = MoneyLine(village="v", file="f.xlsx", sheet="S", row=9, date=DAY, voucher="现收-1", summary="其他",
                        amount=D("50.00"), kind="income", column="cash", payer="")
    got = sorted(f.code for f in line_rules([receipt], CONFIG, context))
    assert got == ["missing-payee", "vague-summary"]
    named = MoneyLine(village="v", file="f.xlsx", sheet="S", row=9, date=DAY, voucher="现收-1",
                      summary="收到村集体厂房第四季度租金", amount=D("50.00"), kind="income", column="cash",
                      payer="天长市某公司")
    assert line_rules([named], CONFIG, context) == []
    # transfers and accrued payments move no money of the village to anyone: not checked as payments
    moved = MoneyLine(**{**{s: getattr(pay, s) for s in pay.__slots__}, "kind": "transfer", "source": "bank"})
    assert line_rules([moved], CONFIG, context) == []


def test_journal_and_cash_journal_together_count_nothing_twice(write_xlsx, tmp_path):
    journal = [["日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额"],
               [dt.date(2026, 10, 8), "记-1", "购买村部打印纸10包", "51301", "管理费用_办公费", 300, None],
               [dt.date(2026, 10, 8), "记-1", "购买村部打印纸10包", "101", "库存现金", None, 300],
               [dt.date(2026, 10, 9), "记-2", "收到村集体房屋租金", "101", "库存现金", 600, None],
               [dt.date(2026, 10, 9), "记-2", "收到村集体房屋租金", "501", "经营收入", None, 600]]
    daybook = [["现金日记账"],
               ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
               [dt.date(2026, 10, 1), None, "上月结转", None, None, None, 1000],
               [dt.date(2026, 10, 8), "记-1", "购买村部打印纸10包", "管理费用", None, 300, 700],
               [dt.date(2026, 10, 9), "记-2", "收到村集体房屋租金", "经营收入", 600, None, 1300],
               [None, None, "本月合计", None, 600, 300, 1300]]
    write_xlsx(journal, name="ws/ledgers/序时账.xlsx", sheet="序时账")
    write_xlsx(daybook, name="ws/ledgers/现金日记账.xlsx", sheet="现金日记账")
    (tmp_path / "ws" / "villagefin.toml").write_text(
        '[township]\nname = "新街镇"\n\n[[villages]]\nid = "lize"\nname = "李泽村"\nledgers = ["ledgers/*.xlsx"]\n',
        encoding="utf-8")
    from villagefin.check import run_check
    from villagefin.config import load_config

    report = run_check(None, load_config(tmp_path / "ws"), month="2026-10")
    assert [(e.voucher, e.amount, e.file.endswith("序时账.xlsx")) for e in report.expenses] == [
        ("记-1", D("300.00"), True)]
    assert [(ln.kind, ln.voucher, ln.layout) for ln in report.lines] == [("income", "记-2", "journal")]
    assert not [f for f in report.findings if f.code in ("duplicate-voucher", "balance-mismatch", "missing-balance")]
    [village] = report_dict(report)["villages"].values()
    assert village["expenses"] == 1 and village["income"] == 1
    assert village["balances"]["cash"]["opening"] == "1000.00" and village["balances"]["cash"]["closing"] == "1300.00"


def test_a_transfer_in_both_cash_and_bank_journals_is_one_transfer(write_xlsx, tmp_path):
    from villagefin.check import run_check
    from villagefin.config import load_config

    cash = [["现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结转", None, None, None, 3000],
            [dt.date(2026, 10, 8), "记-1", "购买村部打印纸10包", "管理费用", None, 300, 2700],
            [dt.date(2026, 10, 9), "记-2", "存现", "银行存款", None, 2000, 700],
            [None, None, "本月合计", None, None, 2300, 700]]
    bank = [["银行存款日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结转", None, None, None, 10000],
            [dt.date(2026, 10, 9), "记-2", "存现", "库存现金", 2000, None, 12000],
            [dt.date(2026, 10, 12), "记-3", "支付村道修补费", "公益支出", None, 1500, 10500],
            [None, None, "本月合计", None, 2000, 1500, 10500]]
    write_xlsx(cash, name="ws/ledgers/现金日记账.xlsx", sheet="现金日记账")
    write_xlsx(bank, name="ws/ledgers/银行日记账.xlsx", sheet="银行存款日记账")
    (tmp_path / "ws" / "villagefin.toml").write_text(
        '[township]\nname = "新街镇"\n\n[[villages]]\nid = "lize"\nname = "李泽村"\nledgers = ["ledgers/*.xlsx"]\n',
        encoding="utf-8")
    report = run_check(None, load_config(tmp_path / "ws"), month="2026-10")
    assert [(ln.kind, ln.voucher, ln.column, ln.source, ln.amount) for ln in report.lines] == [
        ("transfer", "记-2", "bank", "cash", D("2000.00"))]
    assert [e.voucher for e in report.expenses] == ["记-1", "记-3"]
    assert [f.code for f in report.findings if f.severity == "error"] == []
    assert "voucher-gap" not in {f.code for f in report.findings}  # 记-2 is still seen by voucher-gap
    [village] = report_dict(report)["villages"].values()
    assert village["balances"]["cash"]["closing"] == "700.00" and village["balances"]["bank"]["closing"] == "10500.00"
    assert village["balances"]["cash"]["transfer"] == "-2000.00" and village["balances"]["bank"]["transfer"] == "2000.00"


def test_cash_journal_income_amount_that_cannot_be_read_is_bad_amount(write_xlsx, check_file):
    rows = [["现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结余", None, None, None, 100],
            [dt.date(2026, 10, 5), "现收-1", "收到村集体房屋租金", "经营收入", "五百元", None, 600],
            [dt.date(2026, 10, 6), "现付-1", "购买村部打印纸10包", "管理费用", 0, 50, 550]]
    report = check_file(write_xlsx(rows))
    assert ("bad-amount", 4, "E") in codes(report)
    assert [c for c in codes(report) if c[0] == "bad-amount"] == [("bad-amount", 4, "E")]  # 0 on the unused side


def _cash_journal_paying(*payments):
    """A cash journal whose payments (对方科目, amount, invoice) all go to one shop."""
    rows = [["现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额", "发票号码", "收款方", "经手人", "审核人",
             "审批人", "附件张数"],
            [DAY, None, "上月结转", None, None, None, 3000, None, None, None, None, None, None]]
    left = 3000
    for n, (account, amount, invoice) in enumerate(payments, start=1):
        left -= amount
        rows.append([DAY, f"记-{n}", f"付家具店货款{n}", account, None, amount, left, invoice, "家具店", "甲", "乙", "丙", 1])
    return rows


def test_duplicate_invoice_covers_other_payments(write_xlsx, check_file):
    # SPEC 12.3: other payments are checked as expenses, duplicate-invoice included
    invoice = "12345678901234567890"
    report = check_file(write_xlsx(_cash_journal_paying(("应付款", 300, invoice), ("应付款", 300, invoice),
                                                        ("管理费用", 300, invoice))))
    assert sorted(r for c, r, _ in codes(report) if c == "duplicate-invoice") == [4, 5, 6]


def test_paying_an_accrued_expense_under_its_invoice_is_not_a_duplicate(write_xlsx, check_file):
    # 计提 (挂账) then 付款 under the same invoice is one use of it; other payments with other invoices are silent
    journal = [["日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额", "发票号码"],
               [DAY, "记-1", "购办公桌", "51301", "管理费用_办公费", 300, None, "12345678901234567890"],
               [DAY, "记-1", "购办公桌", "211", "应付款", None, 300, "12345678901234567890"],
               [DAY, "记-2", "付家具店货款", "211", "应付款", 300, None, "12345678901234567890"],
               [DAY, "记-2", "付家具店货款", "101", "库存现金", None, 300, "12345678901234567890"]]
    report = check_file(write_xlsx(journal))
    assert [ln.kind for ln in report.lines] == ["other-out"]
    assert not [c for c in codes(report) if "duplicate-invoice" in c[0]]
    report = check_file(write_xlsx(_cash_journal_paying(("应付款", 300, "11111111111111111111"),
                                                        ("管理费用", 300, "22222222222222222222"))))
    assert not [c for c in codes(report) if "duplicate-invoice" in c[0]]


def test_a_cash_journal_month_total_is_checked_on_its_money_in_too(write_xlsx, check_file):
    # SPEC 12.3: a sheet's total row is checked against the lines of its own kind — the 收入 column as well
    rows = [["现金日记账"],
            ["日期", "凭证号", "摘要", "对方科目", "收入", "支出", "余额"],
            [DAY, None, "上月结转", None, None, None, 1000],
            [DAY, "现收-1", "收到村集体房屋租金", "经营收入", 500, None, 1500],
            [DAY, "现收-2", "收到鱼塘承包费", "发包及上交收入", 300, None, 1800],
            [DAY, "现付-1", "购买村部打印纸10包", "管理费用", None, 85.5, 1714.5],
            [None, None, "本月合计", None, 900, 85.5, 1714.5]]
    report = check_file(write_xlsx(rows))
    mismatch = [f for f in report.findings if f.code == "total-mismatch"]
    assert [(f.row, f.column) for f in mismatch] == [(7, "E")]
    assert "900.00" in mismatch[0].message and "800.00" in mismatch[0].message
    rows[-1][4] = 800
    assert not [f for f in check_file(write_xlsx(rows)).findings if f.code == "total-mismatch"]


def test_a_journal_of_names_only_is_read_with_the_chart_its_names_belong_to(write_xlsx, check_file):
    # [chart] system = "auto" (the default): no code decides, so 2004's 发包及上交收入 does — income, not 其他收款
    rows = [["日期", "凭证字号", "摘要", "科目名称", "借方", "贷方"],
            [DAY, "记-1", "购买办公用品", "办公费", 150, None], [DAY, "记-1", "购买办公用品", "现金", None, 150],
            [DAY, "记-2", "收到发包款", "发包及上交收入", None, 900],
            [DAY, "记-2", "收到发包款", "银行存款/农商行", 900, None]]
    report = check_file(write_xlsx(rows))
    assert [(ln.kind, ln.amount) for ln in report.lines] == [("income", D("900.00"))]
    assert "unclassified-flow" not in [f.code for f in report.findings]
    # 现金 alone, written in both systems, does not make a 2023 village's journal a 2004 one
    rows = [rows[0], [DAY, "记-1", "村道路灯维修", "公益支出", 150, None], [DAY, "记-1", "村道路灯维修", "现金", None, 150]]
    report = check_file(write_xlsx(rows))
    assert [e.category for e in report.expenses] == ["公益支出"]
    assert "unknown-category" not in [f.code for f in report.findings]

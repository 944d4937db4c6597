"""科目余额表 (trial balance export, SPEC 12.2): its layouts as 用友 and 金蝶 export them, its title's period, and
账表相符 — the journal's debits and credits on 101 and 102 against the table's 本期发生."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from conftest import codes

from villagefin.config import Config
from villagefin.ingest.flows import BalanceRow, balance_columns, sheet_movements, signed_balance, title_months
from villagefin.model import Movement
from villagefin.rules import VillageMoney, apply_money_rules, journal_matches_trial_balance
from villagefin.text import report_dict

# 10月: rent 18600 into the bank, water fees 860 in cash, paper 300 in cash, road repair 5000 by bank, 1000 drawn
JOURNAL = [["日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额"],
           [dt.date(2026, 10, 3), "记-1", "收到村集体厂房第四季度租金", "102", "银行存款", 18600, None],
           [dt.date(2026, 10, 3), "记-1", "收到村集体厂房第四季度租金", "501", "经营收入", None, 18600],
           [dt.date(2026, 10, 5), "记-2", "收到村民缴纳的灌溉水费", "101", "库存现金", 860, None],
           [dt.date(2026, 10, 5), "记-2", "收到村民缴纳的灌溉水费", "501", "经营收入", None, 860],
           [dt.date(2026, 10, 8), "记-3", "购买村部打印纸10包", "51301", "管理费用_办公费", 300, None],
           [dt.date(2026, 10, 8), "记-3", "购买村部打印纸10包", "101", "库存现金", None, 300],
           [dt.date(2026, 10, 9), "记-4", "支付村道修补工程款", "51302", "管理费用_修理费", 5000, None],
           [dt.date(2026, 10, 9), "记-4", "支付村道修补工程款", "10201", "银行存款_农商行", None, 5000],
           [dt.date(2026, 10, 10), "记-5", "提现备用", "101", "库存现金", 1000, None],
           [dt.date(2026, 10, 10), "记-5", "提现备用", "10201", "银行存款_农商行", None, 1000]]

# 用友: 期初余额 / 本期发生 / 期末余额 each over 借方 / 贷方, merged across two header rows
YONYOU = [["科目余额表"],
          ["期间：2026.10-2026.10", None, None, None, "编制单位：李泽村村民委员会"],
          ["科目编码", "科目名称", "期初余额", None, "本期发生", None, "期末余额", None],
          [None, None, "借方", "贷方", "借方", "贷方", "借方", "贷方"],
          ["101", "库存现金", 1000, None, 1860, 300, 2560, None],
          ["102", "银行存款", 50000, None, 18600, 6000, 62600, None],
          ["10201", "银行存款_农商行", 50000, None, 18600, 6000, 62600, None],
          ["501", "经营收入", None, None, None, 19460, None, 19460],
          ["合计", None, 51000, None, 20460, 25760, 65160, 19460]]
YONYOU_MERGED = ("A1:H1", "A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:H3")

# 金蝶: 期初余额 / 期末余额 over 方向 / 金额
KINGDEE = [["科目余额表"],
           ["2026年第10期", None, None, None, "打印日期：2026-11-03"],
           ["科目代码", "科目名称", "期初余额", None, "本期发生额", None, "期末余额", None],
           [None, None, "方向", "金额", "借方", "贷方", "方向", "金额"],
           ["101", "库存现金", "借", 1000, 1860, 300, "借", 2560],
           ["102", "银行存款", "借", 50000, 18600, 6000, "借", 62600],
           ["501", "经营收入", "平", 0, 0, 19460, "贷", 19460]]
KINGDEE_MERGED = ("A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:H3")


def _book(write_xlsx, trial, merged, journal=JOURNAL, name="李泽村.xlsx"):
    # the 科目余额表 is the sheet written with merged cells; the journal sits beside it in the same workbook
    return write_xlsx(trial, name=name, sheet="科目余额表", merged=merged, sheets={"序时账": journal})


def _balances(report):
    [village] = report_dict(report)["villages"].values()
    return {k: (v["opening"], v["closing"]) for k, v in village["balances"].items() if k in ("cash", "bank")}


def test_journal_and_yonyou_trial_balance_that_agree_to_the_fen(write_xlsx, check_file):
    report = check_file(_book(write_xlsx, YONYOU, YONYOU_MERGED))
    assert {s.layout for s in report.files} == {"trial-balance", "journal"}
    assert [f for f in report.findings if f.severity == "error"] == []
    assert _balances(report) == {"cash": ("1000.00", "2560.00"), "bank": ("50000.00", "62600.00")}
    assert [c for c in codes(report) if c[0] in ("balance-mismatch", "date-outside-period", "no-header",
                                                 "bad-amount")] == []


def test_kingdee_direction_layout_reads_the_same(write_xlsx, check_file):
    report = check_file(_book(write_xlsx, KINGDEE, KINGDEE_MERGED))
    assert _balances(report) == {"cash": ("1000.00", "2560.00"), "bank": ("50000.00", "62600.00")}
    # the print date of November in the title is not the table's period
    assert [c for c in codes(report) if c[0] in ("balance-mismatch", "date-outside-period", "bad-amount")] == []


def test_voucher_left_out_of_the_journal_export_is_balance_mismatch(write_xlsx, check_file):
    journal = [row for row in JOURNAL if not (len(row) > 1 and row[1] == "记-2")]  # the 860 water fees
    report = check_file(_book(write_xlsx, YONYOU, YONYOU_MERGED, journal=journal))
    agree = [f for f in report.findings if f.code == "balance-mismatch" and "序时账（" in f.message]
    assert [(f.sheet, f.row, f.column) for f in agree] == [("科目余额表", 5, "E")]  # 101's 本期发生 借方
    message = agree[0].message
    assert "库存现金（101）借方合计" in message and "序时账" in message
    assert "1,000.00" in message and "1,860.00" in message and "-860.00" in message  # both figures, the difference
    assert agree[0].severity == "error"


def test_bank_voucher_left_out_names_102(write_xlsx, check_file):
    journal = [row for row in JOURNAL if not (len(row) > 1 and row[1] == "记-4")]  # the 5000 road repair
    report = check_file(_book(write_xlsx, KINGDEE, KINGDEE_MERGED, journal=journal))
    agree = [f for f in report.findings if f.code == "balance-mismatch" and "序时账（" in f.message]
    assert [(f.row, f.column) for f in agree] == [(6, "F")]
    assert "银行存款（102）贷方合计" in agree[0].message
    assert "1,000.00" in agree[0].message and "6,000.00" in agree[0].message and "-5,000.00" in agree[0].message


def test_trial_balance_of_another_month_is_date_outside_period_and_not_used(write_xlsx, check_file):
    september = [row[:] for row in YONYOU]
    september[1][0] = "期间：2026.09-2026.09"
    september[4][6] = 9999  # its figures are September's: they must not be compared or shown
    report = check_file(_book(write_xlsx, september, YONYOU_MERGED))
    outside = [f for f in report.findings if f.code == "date-outside-period"]
    assert [(f.sheet, f.row, f.column) for f in outside] == [("科目余额表", 2, "A")]
    assert "2026年9月" in outside[0].message and "2026年10月" in outside[0].message
    assert not [f for f in report.findings if f.code == "balance-mismatch"]
    [village] = report_dict(report)["villages"].values()
    assert village["balances"]["cash"]["closing"] != "9999.00"


def test_trial_balance_alone_checks_no_movements(write_xlsx, check_file):
    # no journal in the village: 账表相符 has nothing to compare
    report = check_file(write_xlsx(YONYOU, name="余额表.xlsx", sheet="科目余额表", merged=YONYOU_MERGED))
    assert not [f for f in report.findings if f.code == "balance-mismatch" and "序时账（" in f.message]
    assert _balances(report) == {"cash": ("1000.00", "2560.00"), "bank": ("50000.00", "62600.00")}


# -- the pure functions -----------------------------------------------------------------------------------------

def test_header_layouts():
    two = balance_columns(["科目编码", "科目名称", "期初余额", "", "本期发生", "", "期末余额", ""],
                          ["", "", "借方", "贷方", "借方", "贷方", "借方", "贷方"])
    assert (two.opening.amount, two.opening.credit, two.closing.amount, two.closing.credit) == (2, 3, 6, 7)
    assert (two.debit, two.credit, two.two_rows, two.first) == (4, 5, True, 2)
    # 方向 before each balance, 借方 / 贷方 alone between them (one header row)
    one = balance_columns(["科目编码", "科目名称", "方向", "期初余额", "借方", "贷方", "方向", "期末余额"], ["101"])
    assert (one.opening.amount, one.opening.direction, one.closing.amount, one.closing.direction) == (3, 2, 7, 6)
    assert (one.debit, one.credit, one.two_rows, one.first) == (4, 5, False, 2)
    # 金蝶's 本年累计 is not the month's movement
    kis = balance_columns(["科目代码", "科目名称", "期初余额", "", "本年累计发生额", "", "本期发生额", "",
                           "期末余额", ""], ["", "", "借方", "贷方", "借方", "贷方", "借方", "贷方", "借方", "贷方"])
    assert (kis.debit, kis.credit, kis.closing.amount) == (6, 7, 8)
    # a 资金余额表 has no movement columns
    plain = balance_columns(["项目", "上月结余", "本月结余"], ["库存现金", "1000", "1560"])
    assert (plain.opening.amount, plain.closing.amount, plain.debit) == (1, 2, None)
    assert balance_columns(["日期", "摘要", "金额"]) is None


def test_signed_balance():
    assert signed_balance(D("100.00"), direction="借") == D("100.00")
    assert signed_balance(D("100.00"), direction="贷") == D("-100.00")
    assert signed_balance(None, D("30.00")) == D("-30.00")  # a credit balance in the 贷方 column
    assert signed_balance(D("0"), direction="平") == 0
    assert signed_balance(None) is None


def test_title_months():
    assert title_months(["科目余额表 2026年10月"]) == [(2026, 10)]
    assert title_months(["期间：2026.10-2026.10"]) == [(2026, 10), (2026, 10)]
    assert title_months(["2026年第10期"]) == [(2026, 10)]
    assert title_months(["会计期间：2026年1-10月"]) == [(2026, 1), (2026, 10)]
    assert title_months(["打印日期：2026-11-03", "编制单位：李泽村"]) == []
    assert title_months(["科目余额表"]) == []


def test_sheet_movements_sum_sub_accounts_when_no_first_level_line():
    rows = [BalanceRow(5, "10201", "银行存款_农商行", D("1"), D("2"), D("100.00"), D("40.00")),
            BalanceRow(6, "10202", "银行存款_邮储", D("1"), D("2"), D("5.00"), None),
            BalanceRow(7, "501", "经营收入", None, None, None, D("105.00"))]
    [bank] = sheet_movements(rows, village="v", file="f.xlsx", sheet="S", debit_column="E", credit_column="F")
    assert (bank.column, bank.debit, bank.credit, bank.row) == ("bank", D("105.00"), D("40.00"), 5)


def _mv(column, debit, credit, source, row=None):
    return Movement(village="v", column=column, debit=D(debit), credit=D(credit), source=source, file="f.xlsx",
                    sheet="序时账" if source == "journal" else "科目余额表", row=row,
                    debit_column="E" if row else None, credit_column="F" if row else None)


def test_journal_matches_trial_balance_rule():
    table = [_mv("cash", "1860.00", "300.00", "trial-balance", 5), _mv("bank", "18600.00", "6000.00",
                                                                        "trial-balance", 6)]
    journal = [_mv("cash", "1860.00", "300.00", "journal"), _mv("bank", "18600.00", "6000.00", "journal")]
    assert apply_money_rules(VillageMoney(village="v", movements=table + journal), Config()) == []
    short = [_mv("cash", "1860.00", "300.00", "journal"), _mv("bank", "18600.00", "5999.99", "journal")]
    [f] = journal_matches_trial_balance(VillageMoney(village="v", movements=table + short), Config())
    assert (f.code, f.row, f.column) == ("balance-mismatch", 6, "F")
    assert "5,999.99" in f.message and "6,000.00" in f.message and "-0.01" in f.message
    # a table without a journal, or a journal without a table: nothing to compare
    assert list(journal_matches_trial_balance(VillageMoney(village="v", movements=table), Config())) == []
    assert list(journal_matches_trial_balance(VillageMoney(village="v", movements=short), Config())) == []

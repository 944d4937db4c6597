"""Money lines from journal vouchers and cash/bank journal rows (SPEC 12.1, 12.2): the pure functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from villagefin.chart import load_chart
from villagefin.config import ChartConf
from villagefin.ingest.flows import CashRow, VoucherLine, cash_journal_flows, journal_column, voucher_flows

C2023 = load_chart(ChartConf(system="2023"))
C2004 = load_chart(ChartConf(system="2004"))
DAY = dt.date(2026, 10, 8)
KW = dict(village="xinjie", file="序时账.xlsx", sheet="Sheet1")


def line(row, code, debit=None, credit=None, summary="摘要", name="", voucher="记-1", texts=()):
    return VoucherLine(row=row, voucher=voucher, date=DAY, summary=summary, code=code, name=name,
                       debit=None if debit is None else D(debit), credit=None if credit is None else D(credit),
                       texts=texts)


def kinds(flows):
    return [(m.kind, m.flow_type, m.column, m.source, str(m.amount)) for m in flows.lines]


def test_income_into_bank_and_its_method():
    f = voucher_flows([line(2, "102", debit="5000.00"), line(3, "503", credit="5000.00",
                                                              texts=(("payee", "镇财政所"),))], C2023, **KW)
    assert kinds(f) == [("income", "", "bank", "", "5000.00")]
    assert f.method == "银行" and f.lines[0].method == "银行" and f.lines[0].payer == "镇财政所"
    assert f.lines[0].row == 3 and f.lines[0].category == "503"


def test_income_refund_is_negative_income_and_2004_codes():
    f = voucher_flows([line(2, "511", debit="200.00"), line(3, "101", credit="200.00")], C2004, **KW)
    assert kinds(f) == [("income", "", "cash", "", "-200.00")]
    f = voucher_flows([line(2, "502", debit="300.00"), line(3, "101", credit="300.00")], C2004, **KW)
    assert kinds(f) == []  # 502 is an expense in 2004: the caller's Expense
    f = voucher_flows([line(2, "101", debit="300.00"), line(3, "502", credit="300.00")], C2023, **KW)
    assert kinds(f) == [("income", "", "cash", "", "300.00")]  # 502 is 投资收益 in 2023


def test_other_flows_by_type_credit_in_debit_out():
    f = voucher_flows([line(2, "102", debit="80000.00"), line(3, "241", credit="50000.00"),
                       line(4, "311", credit="30000.00")], C2023, **KW)
    assert kinds(f) == [("other-in", "专项资金", "bank", "", "50000.00"),
                        ("other-in", "征地补偿及捐赠", "bank", "", "30000.00")]
    f = voucher_flows([line(2, "212", debit="3000.00"), line(3, "101", credit="3000.00")], C2023, **KW)
    assert kinds(f) == [("other-out", "工资劳务", "cash", "", "3000.00")]
    f = voucher_flows([line(2, "11301", debit="100.00", summary="代收一事一议筹资"), line(3, "101", credit="100.00")],
                      C2004, **KW)
    assert kinds(f) == [("other-out", "一事一议", "cash", "", "100.00")]


def test_account_without_type_or_unknown_is_other():
    f = voucher_flows([line(2, "152", debit="10.00"), line(3, "999", debit="5.00"), line(4, "102", credit="15.00")],
                      C2023, **KW)
    assert kinds(f) == [("other-out", "其他", "bank", "", "10.00"), ("other-out", "其他", "bank", "", "5.00")]


def test_expense_refund_in_a_money_voucher():
    refund = line(3, "51301", credit="50.00")
    f = voucher_flows([line(2, "101", debit="50.00"), refund], C2023, **KW)
    assert f.refunds == [refund] and f.lines == []


def test_voucher_touching_both_goes_to_bank_with_101_as_transfer():
    # 提现: cash in from the bank
    f = voucher_flows([line(2, "101", debit="2000.00", summary="提现"), line(3, "102", credit="2000.00")], C2023, **KW)
    assert kinds(f) == [("transfer", "", "cash", "bank", "2000.00")]
    # 存现, with a fee paid from the bank in the same voucher
    f = voucher_flows([line(2, "102", debit="1000.00"), line(3, "51399", debit="5.00"),
                       line(4, "101", credit="1000.00"), line(5, "102", credit="5.00")], C2023, **KW)
    assert kinds(f) == [("transfer", "", "bank", "cash", "1000.00")]
    assert f.method == "银行"
    # an income received partly in cash and partly in the bank: income in the bank column, 101 as transfer
    f = voucher_flows([line(2, "101", debit="100.00"), line(3, "102", debit="900.00"),
                       line(4, "501", credit="1000.00")], C2023, **KW)
    assert kinds(f) == [("transfer", "", "cash", "bank", "100.00"), ("income", "", "bank", "", "1000.00")]


def test_bank_to_bank_is_one_transfer():
    f = voucher_flows([line(2, "10201", debit="700.00"), line(3, "10202", credit="700.00")], C2023, **KW)
    assert kinds(f) == [("transfer", "", "bank", "bank", "700.00")]


def test_accrued_income_and_closing_vouchers():
    f = voucher_flows([line(2, "112", debit="600.00"), line(3, "501", credit="600.00")], C2023, **KW)
    assert kinds(f) == [("income", "", "", "", "600.00")]
    assert f.method == "挂账" and f.lines[0].method == "挂账"
    f = voucher_flows([line(2, "513", debit="600.00"), line(3, "211", credit="600.00")], C2023, **KW)
    assert kinds(f) == [] and f.method == "挂账"  # an accrued expense: the caller's Expense, method 挂账
    f = voucher_flows([line(2, "501", debit="600.00"), line(3, "503", debit="400.00"),
                       line(4, "321", credit="1000.00")], C2023, **KW)
    assert f.closing and kinds(f) == []
    f = voucher_flows([line(2, "321", debit="800.00"), line(3, "513", credit="800.00")], C2023, **KW)
    assert f.closing and f.refunds == [] and kinds(f) == []


def test_lines_found_by_name_when_there_is_no_code():
    f = voucher_flows([line(2, "", name="银行存款", debit="10.00"), line(3, "", name="补助收入", credit="10.00")],
                      C2023, **KW)
    assert kinds(f) == [("income", "", "bank", "", "10.00")]


# -- cash and bank journals ---------------------------------------------------------------------------------------

def crow(row, summary, account="", money_in=None, money_out=None, balance=None, label="", date=DAY):
    return CashRow(row=row, date=date, voucher=f"记-{row}", summary=summary, account=account,
                   money_in=None if money_in is None else D(money_in),
                   money_out=None if money_out is None else D(money_out),
                   balance=None if balance is None else D(balance), label=label)


def test_journal_column_from_title_sheet_or_file():
    assert journal_column("新街村现金日记账") == "cash"
    for text in ("银行存款日记账", "农商行", "信用社账户", "存款"):
        assert journal_column("Sheet1", text) == "bank"


def test_cash_journal_rows_kinds_and_balances():
    rows = [
        crow(4, "上月结转", balance="1000.00", label="上月结转", date=None),
        crow(5, "收村集体资产租金", account="经营收入", money_in="500.00", balance="1500.00"),
        crow(6, "买办公用品", account="管理费用", money_out="200.00", balance="1300.00"),
        crow(7, "付工资", account="应付工资", money_out="300.00", balance="1000.00"),
        crow(8, "收到款项", money_in="50.00", balance="1050.00"),
        crow(9, "存现", money_out="1000.00", balance="50.00"),
        crow(10, "修路", money_out="10.00", balance="40.00"),
        crow(11, "退回多付办公费", account="管理费用", money_in="5.00", balance="45.00"),
        crow(12, "本月合计", money_in="555.00", money_out="1510.00", balance="45.00", label="本月合计", date=None),
    ]
    f = cash_journal_flows(rows, C2023, column="cash", **KW)
    assert kinds(f) == [("income", "", "cash", "", "500.00"), ("other-out", "工资劳务", "cash", "", "300.00"),
                        ("other-in", "其他", "cash", "", "50.00"), ("transfer", "", "bank", "cash", "1000.00")]
    assert f.not_expenses == {7, 9}  # rows 6 and 10 stay expenses
    assert f.refunds == [(11, D("-5.00"))]
    b = f.balance
    assert (b.column, b.opening, b.closing, b.opening_row, b.closing_row, b.source) == (
        "cash", D("1000.00"), D("45.00"), 4, 12, "cash-journal")
    assert f.negative == []
    # the balance still adds up: opening + in − out = closing
    assert b.opening + D("555.00") - D("1510.00") == b.closing


def test_cash_journal_closing_from_last_row_and_negative_rows():
    rows = [crow(3, "上年结转", balance="10.00", label="上年结转"),
            crow(4, "买水", account="管理费用", money_out="30.00", balance="-20.00"),
            crow(5, "收租", account="501", money_in="100.00", balance="80.00")]
    f = cash_journal_flows(rows, C2023, column="cash", **KW)
    assert (f.balance.opening, f.balance.closing, f.balance.closing_row) == (D("10.00"), D("80.00"), 5)
    assert f.negative == [(4, D("-20.00"))]
    assert cash_journal_flows(rows, C2023, column="bank", **KW).negative == []  # a bank journal may be overdrawn


def test_bank_journal_transfers_and_balance_only():
    rows = [crow(3, "期初余额", balance="9000.00", label="期初余额"),
            crow(4, "提现", account="库存现金", money_out="2000.00", balance="7000.00"),
            crow(5, "转入信用社账户", account="银行存款", money_out="1000.00", balance="6000.00")]
    f = cash_journal_flows(rows, C2023, column="bank", **KW)
    assert kinds(f) == [("transfer", "", "cash", "bank", "2000.00"), ("transfer", "", "bank", "bank", "1000.00")]
    assert f.balance.source == "bank-journal"
    only = cash_journal_flows(rows, C2023, column="bank", with_lines=False, **KW)
    assert only.lines == [] and only.not_expenses == set() and only.balance == f.balance

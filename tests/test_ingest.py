"""Reading real ledgers: headers, layouts, row kinds, dates, amounts (SPEC 3.2, 3.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import HEADER, codes, errors, expense_row


def test_standard_expense_list_with_title_total_and_footer(write_xlsx, check_file):
    rows = [
        ["新街村2026年10月支出明细"],
        [],
        HEADER,
        expense_row(8, "记-001", "购买办公用打印纸10包", 257.0),
        expense_row(9, "记-002", "村部10月电费", "1,234.50"),
        [],
        ["本月合计", None, None, None, None, 1491.5],
        ["制表人：张三", None, "审核：李四"],
    ]
    report = check_file(write_xlsx(rows))
    assert codes(report) == []
    assert [e.amount for e in report.expenses] == [Decimal("257.00"), Decimal("1234.50")]
    assert [e.row for e in report.expenses] == [4, 5]
    assert report.files[0].layout == "expense-list"
    assert report.files[0].village == "新街村"  # no workspace: the file name is the village
    e = report.expenses[0]
    assert (e.date, e.voucher, e.payee, e.handler, e.attachments, e.method) == (
        dt.date(2026, 10, 8), "记-001", "天长市文具店", "张三", 1, "转账")


def test_total_mismatch_points_at_total_row_amount_column(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100), expense_row(9, "记-002", "村部10月电费", 50),
            ["合  计", None, None, None, None, 160]]
    report = check_file(write_xlsx(rows))
    assert codes(report) == [("total-mismatch", 4, "F")]
    assert "160.00" in report.findings[0].message and "150.00" in report.findings[0].message


def test_subtotal_and_carried_rows_are_not_expenses(write_xlsx, check_file):
    rows = [HEADER,
            ["承前页", None, None, None, None, 999],
            expense_row(8, "记-001", "购买办公用打印纸10包", 100),
            ["小计", None, None, None, None, 100],
            ["本页合计", None, None, None, None, 100],
            ["过次页", None, None, None, None, 1099],
            expense_row(9, "记-002", "村部10月电费", 50),
            ["本年累计", None, None, None, None, 123456],
            ["本月合计", None, None, None, None, 150]]
    report = check_file(write_xlsx(rows))
    assert codes(report) == []
    assert len(report.expenses) == 2


def test_aliases_padded_and_full_width_headers(write_xlsx, check_file):
    header = ["报销日期", "凭 证 编 号", "摘      要", "支出金额（元）", "领款人", "经办人", "监委会审核", "批准人", "附件数", "结算方式"]
    rows = [header, [dt.date(2026, 10, 3), "记-5", "维修村部水管及配件", "￥1234.50元", "天长水电", "甲", "乙", "丙", 2, "现金"]]
    report = check_file(write_xlsx(rows))
    e = report.expenses[0]
    assert (e.voucher, e.amount, e.payee, e.handler, e.reviewer, e.approver, e.attachments, e.method) == (
        "记-5", Decimal("1234.50"), "天长水电", "甲", "乙", "丙", 2, "现金")


def test_two_row_header_voucher_word_and_number(write_xlsx, check_file):
    rows = [["日期", "凭证", None, "摘要", "金额", "收款人"],
            [None, "字", "号", None, None, None],
            [dt.date(2026, 10, 8), "记", 12, "大庄组更换太阳能路灯电池", 1559.7, "光明电器"]]
    report = check_file(write_xlsx(rows, merged=["A1:A2", "B1:C1", "D1:D2", "E1:E2", "F1:F2"]))
    assert [e.voucher for e in report.expenses] == ["记-12"]
    assert report.expenses[0].row == 3


def test_year_over_month_and_day_columns(write_xlsx, check_file):
    rows = [["2026年", None, "凭证号", "摘要", "金额"],
            ["月", "日", None, None, None],
            [10, 8, "记-001", "购买办公用打印纸10包", 100]]
    report = check_file(write_xlsx(rows, merged=["A1:B1", "C1:C2", "D1:D2", "E1:E2"]), month="any")
    assert errors(report) == []
    assert report.expenses[0].date == dt.date(2026, 10, 8)


def test_month_day_columns_take_year_from_period(write_xlsx, check_file):
    rows = [["月", "日", "凭证号", "摘要", "金额"], [10, 8, "记-001", "购买办公用打印纸10包", 100]]
    report = check_file(write_xlsx(rows))
    assert report.expenses[0].date == dt.date(2026, 10, 8)
    report = check_file(write_xlsx(rows, name="b.xlsx"), month="any")
    assert errors(report) == [("bad-date", 2, "A")]


def test_every_date_form(write_xlsx, check_file):
    forms = [dt.date(2026, 10, 8), dt.datetime(2026, 10, 8, 0, 0), 46303, "2026-10-08", "2026/10/8", "2026.10.8",
             "2026年10月8日", "20261008", 20261008, "10月8日", "10-08"]
    rows = [HEADER] + [expense_row(8, f"记-{i:03d}", "购买办公用打印纸10包", 10) for i in range(1, len(forms) + 1)]
    for row, form in zip(rows[1:], forms, strict=True):
        row[0] = form
    report = check_file(write_xlsx(rows))
    assert codes(report) == []
    assert {e.date for e in report.expenses} == {dt.date(2026, 10, 8)}


def test_bad_and_outside_dates(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10), expense_row(8, "记-002", "购买办公用打印纸10包", 10),
            expense_row(8, "记-003", "购买办公用打印纸10包", 10), expense_row(8, "记-004", "购买办公用打印纸10包", 10)]
    rows[1][0] = "2026-02-30"
    rows[2][0] = "昨天"
    rows[3][0] = dt.date(2026, 9, 30)
    report = check_file(write_xlsx(rows))
    assert codes(report) == [("bad-date", 2, "A"), ("bad-date", 3, "A"), ("date-outside-period", 4, "A")]
    assert all(f.severity == "error" for f in report.findings)


def test_every_amount_form(write_xlsx, check_file):
    forms = ["1,234.50", "¥1234.5", "￥1234.50元", "１２３４．５０", 1234.5000000001, "1234.5", 1234.5]
    rows = [HEADER] + [expense_row(8, f"记-{i:03d}", "购买办公用打印纸10包", f) for i, f in enumerate(forms, 1)]
    rows.append(expense_row(9, "记-020", "冲销记-001多付款项", "(123.00)"))
    report = check_file(write_xlsx(rows))
    assert [e.amount for e in report.expenses] == [Decimal("1234.50")] * len(forms) + [Decimal("-123.00")]
    assert ("negative-amount", len(forms) + 2, "F") in codes(report)


def test_bad_amounts(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 12.345), expense_row(8, "记-002", "购买办公用打印纸10包", 0),
            expense_row(8, "记-003", "购买办公用打印纸10包", "十二元"), expense_row(8, "记-004", "购买办公用打印纸10包", None)]
    report = check_file(write_xlsx(rows))
    assert [c for c in codes(report) if c[0] != "voucher-gap"] == [
        ("bad-amount", 2, "F"), ("bad-amount", 3, "F"), ("bad-amount", 4, "F"), ("missing-field", 5, "F")]
    assert report.expenses == ()


def test_missing_fields_each_named(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "", "", 10)]
    rows[1][0] = None
    report = check_file(write_xlsx(rows))
    assert codes(report) == [("missing-field", 2, "A"), ("missing-field", 2, "B"), ("missing-field", 2, "C")]
    assert "日期" in report.findings[0].message and "凭证号" in report.findings[1].message


def test_merged_date_fills_down_but_blank_unmerged_stays_blank(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10), expense_row(8, "记-001", "购买墨盒2个", 20),
            expense_row(9, "记-002", "村部10月电费", 30), expense_row(9, "记-003", "村部10月水费", 40)]
    rows[2][0] = rows[2][1] = None
    rows[4][0] = None
    report = check_file(write_xlsx(rows, merged=["A2:A3", "B2:B3"]))
    assert [(e.row, e.voucher, e.date.day) for e in report.expenses] == [(2, "记-001", 8), (3, "记-001", 8),
                                                                         (4, "记-002", 9)]
    assert ("missing-field", 5, "A") in codes(report)


def test_formula_without_cached_value(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", "=100+1"), expense_row(9, "记-002", "村部10月电费", 50),
            ["合计", None, None, None, None, "=SUM(F2:F3)"]]
    report = check_file(write_xlsx(rows))
    assert codes(report) == [("formula-no-value", 2, "F"), ("formula-no-value", 4, "F")]


def test_hidden_rows_columns_and_sheets_are_read_and_said(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10), expense_row(9, "记-002", "村部10月电费", 20)]
    other = [HEADER, expense_row(10, "记-003", "村部10月水费", 30)]
    path = write_xlsx(rows, hidden_rows=[3], hidden_cols=["M"], sheets={"隐藏": other}, hidden_sheets=["隐藏"])
    report = check_file(path)
    assert len(report.expenses) == 3
    hidden = [(f.sheet, f.row, f.column) for f in report.findings if f.code == "hidden-content"]
    assert hidden == [("10月", None, "M"), ("10月", 3, None), ("隐藏", None, None)]


def test_empty_hidden_column_is_not_reported(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)]
    report = check_file(write_xlsx(rows, hidden_cols=["N"]))
    assert codes(report) == []


def test_notes_sheet_beside_ledger_is_ignored_but_lone_sheet_without_header_is_no_header(write_xlsx, check_file):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)]
    report = check_file(write_xlsx(rows, sheets={"说明": [["本表由村报账员填写"]]}))
    assert errors(report) == []
    report = check_file(write_xlsx([["随便写的"], [1, 2, 3]], name="乱.xlsx"))
    assert errors(report) == [("no-header", None, None)]
    assert report.findings[0].sheet == "10月"


def test_a_sheet_not_named_for_another_month_is_read_in_full(write_xlsx, check_file):
    """Only a sheet named for another month is passed over; a mis-dated or hidden sheet is reported."""
    oct_ = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 20)]
    extra = [HEADER, expense_row(30, "记-002", "十月补记办公用品", 100, month=9)]
    report = check_file(write_xlsx(oct_, sheets={"补充": extra}, hidden_sheets=["补充"]))
    assert [(f.code, f.sheet) for f in report.findings if f.severity == "error" or f.code == "hidden-content"] == [
        ("hidden-content", "补充"), ("date-outside-period", "补充")]


def test_workbook_with_a_sheet_per_month_reads_the_month(write_xlsx, check_file):
    sep = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10, month=9)]
    oct_ = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 20)]
    report = check_file(write_xlsx(sep, sheet="9月", sheets={"10月": oct_}))
    assert codes(report) == []
    assert [e.amount for e in report.expenses] == [Decimal("20.00")]


def test_cash_journal_reads_outgoing_column(write_xlsx, check_file):
    rows = [["现金日记账"],
            ["日期", "凭证号", "摘要", "收入", "支出", "余额"],
            [dt.date(2026, 10, 1), None, "上月结余", None, None, 5000],
            [dt.date(2026, 10, 3), "现付-1", "支付保洁员10月工资", None, 1700, 3300],
            [dt.date(2026, 10, 5), "现收-1", "收到租金", 800, None, 4100],
            [dt.date(2026, 10, 8), "现付-2", "购买垃圾袋100个", None, 85.5, 4014.5]]
    report = check_file(write_xlsx(rows))
    assert [(e.voucher, e.amount) for e in report.expenses] == [("现付-1", Decimal("1700.00")),
                                                                ("现付-2", Decimal("85.50"))]
    assert report.files[0].layout == "cash-journal"  # SPEC 12.3
    assert {e.method for e in report.expenses} == {"现金"}  # a 现金日记账 pays in cash
    assert [f.code for f in report.findings if f.code == "cash-over-limit"] == ["cash-over-limit"]


def test_journal_debit_credit_layout(write_xlsx, check_file):
    rows = [["日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额"],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "51301", "管理费用_办公费", 300, 0],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "102", "银行存款", 0, 300],
            [dt.date(2026, 10, 9), "记-2", "收到上级补助", "102", "银行存款", 5000, None],
            [dt.date(2026, 10, 9), "记-2", "收到上级补助", "411", "补助收入", None, 5000],
            [dt.date(2026, 10, 10), "记-3", "支付保洁工资", "51302", "管理费用_保洁费", 1200, None],
            [dt.date(2026, 10, 10), "记-3", "支付保洁工资", "51303", "管理费用_误工补贴", 100, None],
            [dt.date(2026, 10, 10), "记-3", "支付保洁工资", "101", "库存现金", None, 1300],
            ["合计", None, None, None, None, 6600, 6600]]
    report = check_file(write_xlsx(rows))
    assert report.files[0].layout == "journal"
    assert [(e.voucher, e.amount, e.method, e.account_code) for e in report.expenses] == [
        ("记-1", Decimal("300.00"), "银行", "51301"), ("记-3", Decimal("1200.00"), "现金", "51302"),
        ("记-3", Decimal("100.00"), "现金", "51303")]
    # a journal without approval/payee/attachment columns gets no warning for them; cash over 1000 is said;
    # its income makes it a 收支 village, and no source gives its balances (SPEC 12.3)
    assert codes(report) == [("missing-balance", None, None), ("cash-over-limit", 6, "F")]


def test_journal_unbalanced_voucher_and_total_row(write_xlsx, check_file):
    rows = [["日期", "凭证号", "摘要", "科目编码", "科目名称", "金额", "方向"],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "51301", "管理费用_办公费", 300, "借"],
            [dt.date(2026, 10, 8), "记-1", "购买办公用品", "102", "银行存款", 299, "贷"],
            [dt.date(2026, 10, 9), "记-2", "修路", "514", "公益支出", 800, "借"],
            [dt.date(2026, 10, 9), "记-2", "修路", "102", "银行存款", 800, "贷"],
            ["合计", None, None, None, None, 1000, None]]
    report = check_file(write_xlsx(rows))
    assert ("unbalanced-voucher", 2, "F") in errors(report) and ("unbalanced-voucher", 3, "F") in errors(report)
    assert [e.voucher for e in report.expenses] == ["记-2"]
    assert ("total-mismatch", 6, "F") in errors(report)


def test_csv_gb18030_with_quoted_line_break_keeps_excel_row_numbers(tmp_path, check_file):
    text = ("日期,凭证号,摘要,金额\r\n2026/10/8,记-1,\"购买办公用品\n打印纸\",\"1,234.50\"\r\n"
            "2026/10/9,记-2,村部电费,abc\r\n")
    path = tmp_path / "河西村.csv"
    path.write_bytes(text.encode("gb18030"))
    report = check_file(path)
    assert report.expenses[0].summary == "购买办公用品\n打印纸"
    assert errors(report) == [("bad-amount", 3, "D")]
    assert report.findings[0].sheet is None
    assert report.files[0].village == "河西村"


def test_csv_semicolon_and_tab(tmp_path, check_file):
    for name, sep in (("a.csv", ";"), ("b.csv", "\t")):
        path = tmp_path / name
        path.write_text(sep.join(["日期", "凭证号", "摘要", "金额"]) + "\n" + sep.join(
            ["2026-10-08", "记-1", "购买办公用品", "12.50"]) + "\n", encoding="utf-8-sig")
        report = check_file(path)
        assert [e.amount for e in report.expenses] == [Decimal("12.50")], name

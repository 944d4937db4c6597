"""Real ledgers and everyday use (SPEC 16): cash and bank journals, journals as bookkeeping software exports
them, no-header that names what is missing, duplicate-invoice keys, months in file names — each on a workbook
written here in the shape the real one has, and every external real file of ../shared/external-real/ read
where it lies (never copied into the project)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import HEADER, REPO, codes, errors, expense_row
from test_check import cli
from test_rules import ctx, exp, run

from villagefin.check import run_check
from villagefin.config import Config, load_config
from villagefin.ledgers import names_other_month, shanghai_today, village_from_name
from villagefin.model import Period
from villagefin.rules import PublishedInvoice, duplicate_invoice, invoice_key, voucher_gap
from villagefin.text import report_dict, report_text

EXTERNAL = REPO.parent / "shared" / "external-real"


def external(name: str) -> Path:
    path = EXTERNAL / name
    assert path.is_file(), f"{path} is missing: CI keeps ../shared/external-real beside the checkout"
    return path


# -- cash and bank journals --------------------------------------------------------------------------------------
def yonyou_cash_journal(month_total: float = 2105.5) -> list[list]:
    """用友's 三栏式 现金日记账: 2026年 over 月 / 日, 凭证 over 字 / 号, 对方科目, 借方 / 贷方 / 方向 / 余额, a 本日合计
    after each day, 上月结转, 本月合计 and 本年累计."""
    return [
        ["现金日记账"],
        ["2026年", None, "凭证", None, "摘要", "对方科目", "借方", "贷方", "方向", "余额"],
        ["月", "日", "字", "号", None, None, None, None, None, None],
        [10, 1, None, None, "上月结转", None, None, None, "借", 5000],
        [10, 3, "现付", 1, "支付保洁员10月工资", "管理费用", None, 1700, "借", 3300],
        [10, 3, None, None, "本日合计", None, None, 1700, "借", 3300],
        [10, 5, "现收", 1, "收到鱼塘承包费", "发包收入", 800, None, "借", 4100],
        [10, 5, None, None, "本日小计", None, 800, None, "借", 4100],
        [10, 8, "现付", 3, "购买垃圾袋100个", "公益支出", None, 85.5, "借", 4014.5],
        [10, 8, "现付", 4, "支付村部10月电费", "管理费用", None, 320, "借", 3694.5],
        [10, 8, None, None, "本日合计", None, None, 405.5, "借", 3694.5],
        [10, 31, None, None, "本月合计", None, 800, month_total, "借", 3694.5],
        [10, 31, None, None, "本月累计", None, 800, month_total, "借", 3694.5],
        [10, 31, None, None, "本年累计", None, 9800, 23105.5, "借", 3694.5],
    ]


YONYOU_MERGED = ("A1:J1", "A2:B2", "C2:D2", "E2:E3", "F2:F3", "G2:G3", "H2:H3", "I2:I3", "J2:J3")


def test_yonyou_cash_journal_day_totals_are_not_lines(write_xlsx, check_file):
    path = write_xlsx(yonyou_cash_journal(), name="新街村现金日记账.xlsx", sheet="现金日记账", merged=YONYOU_MERGED)
    report = check_file(path)
    assert [(e.voucher, e.amount, e.category) for e in report.expenses] == [
        ("现付-1", Decimal("1700.00"), "管理费用"), ("现付-3", Decimal("85.50"), "公益支出"),
        ("现付-4", Decimal("320.00"), "管理费用")]
    assert errors(report) == []  # no 本日合计 expense without a voucher, no false total-mismatch
    assert report.files[0].layout == "cash-journal"
    assert {e.method for e in report.expenses} == {"现金"}
    # 现付-2 is in the bank journal or void: a cash journal holds only part of the vouchers
    assert "voucher-gap" not in {f.code for f in report.findings}


def test_total_rows_found_behind_dates_written_as_text(write_xlsx, check_file):
    rows = [[str(v) if isinstance(v, int) and i >= 3 and j < 2 else v for j, v in enumerate(row)]
            for i, row in enumerate(yonyou_cash_journal())]
    assert rows[11][:2] == ["10", "31"]
    report = check_file(write_xlsx(rows, sheet="现金日记账", merged=YONYOU_MERGED))
    assert [e.voucher for e in report.expenses] == ["现付-1", "现付-3", "现付-4"] and errors(report) == []
    listing = [HEADER, expense_row(8, "记-001", "购买村部办公用打印纸", 120),
               ["2026-10-31", None, "本月合计", None, None, 120]]
    report = check_file(write_xlsx(listing, name="台账.xlsx"))
    assert len(report.expenses) == 1 and errors(report) == []


def test_cash_journal_month_total_is_cross_checked(write_xlsx, check_file):
    path = write_xlsx(yonyou_cash_journal(month_total=2000), sheet="现金日记账", merged=YONYOU_MERGED)
    report = check_file(path)
    assert errors(report) == [("total-mismatch", 12, "H")]  # 本月合计 only; 本月累计 and 本年累计 are carried


def test_cash_journal_headed_debit_credit_amounts_and_debit_balance(write_xlsx, check_file):
    # the hand-kept shape: 借方金额 is money in, 贷方金额 money out, 借方余额 the balance
    rows = [["库存现金日记账"],
            ["日期", "凭证号", "摘要", "借方金额", "贷方金额", "借方余额"],
            [None, None, "期初余额", None, None, 5000],
            [dt.date(2026, 10, 8), "现付-01", "村部伙食费", None, 360, 4640],
            [dt.date(2026, 10, 9), "现收-01", "收到租金", 500, None, 5140],
            ["202610/12", "现付-02", "购买排插两个", None, 24, 5116]]
    report = check_file(write_xlsx(rows))
    assert [(e.voucher, e.amount, e.date) for e in report.expenses] == [
        ("现付-01", Decimal("360.00"), dt.date(2026, 10, 8)), ("现付-02", Decimal("24.00"), dt.date(2026, 10, 12))]
    assert errors(report) == []


def test_cash_journal_across_months_gives_this_months_rows(write_xlsx, check_file):
    rows = [["日期", "凭证号", "摘要", "收入", "支出", "结余"],
            [dt.date(2026, 9, 28), "现付-08", "购买村部茶叶", None, 120, 880],
            [dt.date(2026, 9, 30), None, "本月合计", None, 120, 880],
            [dt.date(2026, 10, 8), "现付-01", "购买村部打印纸", None, 80, 800],
            [dt.date(2026, 10, 31), None, "本月合计", None, 80, 800]]
    report = check_file(write_xlsx(rows, sheet="9-10月"))
    assert [e.voucher for e in report.expenses] == ["现付-01"]
    assert errors(report) == []  # September's row is not an October error, and each month total holds
    # a cash journal with nothing of the month is still said: its rows are outside the period
    only_september = check_file(write_xlsx(rows[:3], name="九月.xlsx", sheet="现金"))
    assert [c for c, _r, _c in errors(only_september)] == ["date-outside-period"]


def test_voucher_gap_ignores_cash_journal_rows():
    rows = [exp(3, "现付-1", layout="cash-journal"), exp(4, "现付-3", layout="cash-journal")]
    assert run(voucher_gap, rows) == []
    assert len(run(voucher_gap, [exp(3, "记-1"), exp(4, "记-3")])) == 1


# -- journals ----------------------------------------------------------------------------------------------------
KIS_HEADER = ["审核", "日期", "会计期间", "凭证字号", "摘要", "科目代码", "科目名称", "借方", "贷方", "制单", "审核人",
              "附件数"]


def test_journal_voucher_fields_on_first_line_carry_to_its_other_lines(write_xlsx, check_file):
    """金蝶 KIS's 会计分录序时簿 prints date, 凭证字号, 制单, 审核人 and 附件数 on a voucher's first line only."""
    d = dt.date(2026, 10, 9)
    rows = [KIS_HEADER,
            ["√", d, "2026.10", "记 - 1", "购买村部办公用打印纸", "51301", "管理费用 - 办公费", 120, 0, "张会计",
             "李审核", 2],
            [None, None, None, None, "支付村部10月电费", "51302", "管理费用 - 水电费", 300, 0, None, None, None],
            [None, None, None, None, "付款", "102", "银行存款", 0, 420, None, None, None],
            ["√", d, "2026.10", "记 - 2", "付路灯维修款", "102", "银行存款", 0, 860, "张会计", "李审核", 3],
            [None, None, None, None, "维修村道路灯三盏", "514", "公益支出", 860, 0, None, None, None],
            ["√", d, "2026.10", "记 - 3", "支付保洁员10月工资", "51303", "管理费用 - 工资", 1700, 0, "张会计",
             "李审核", 1],
            [None, None, None, "记 - 3", "付款", "101", "库存现金", 0, 1700, None, None, None],
            [None, None, None, None, "合计", None, None, 2980, 2980, None, None, 6]]
    report = check_file(write_xlsx(rows, sheet="会计分录序时簿"))
    assert [(e.voucher, e.amount, e.handler, e.reviewer, e.attachments) for e in report.expenses] == [
        ("记 - 1", Decimal("120.00"), "张会计", "李审核", 2), ("记 - 1", Decimal("300.00"), "张会计", "李审核", 2),
        ("记 - 2", Decimal("860.00"), "张会计", "李审核", 3), ("记 - 3", Decimal("1700.00"), "张会计", "李审核", 1)]
    assert [e.method for e in report.expenses] == ["银行", "银行", "银行", "现金"]
    found = {f.code for f in report.findings}
    assert not found & {"missing-approval", "no-attachments", "missing-field", "total-mismatch"}, report.findings


def test_enterprise_chart_journal_is_unknown_chart_and_gives_no_lines(write_xlsx, check_file):
    d = dt.date(2026, 10, 9)
    rows = [KIS_HEADER,
            ["√", d, "2026.10", "记 - 1", "*餐费", "6602.10", "管理费用 - 业务招待费", 1481, 0, "单", "雷", 2],
            [None, None, None, None, "刘嘉圣", "1002.13.01", "银行存款 - 工行", 0, 1481, None, None, None],
            ["√", d, "2026.10", "记 - 2", "缴纳增值税", "2221.01", "应交税费 - 增值税", 900, 0, "单", "雷", 1],
            [None, None, None, None, "缴税", "1002.13.01", "银行存款 - 工行", 0, 900, None, None, None],
            ["√", d, "2026.10", "记 - 3", "*施工图集", "5101.04", "开发间接费用 - 办公费", 251.2, 0, "单", "雷", 1],
            [None, None, None, None, "付款", "1001", "库存现金", 0, 251.2, None, None, None]]
    report = check_file(write_xlsx(rows, sheet="会计分录序时簿"))
    assert report.expenses == ()
    assert [(f.code, f.row, f.column, f.severity) for f in report.findings] == [
        ("unknown-chart", None, None, "error")]
    message = report.findings[0].message
    assert message.index("1001") < message.index("1002") < message.index("6602") < message.index("2221")
    # a village journal with a four-digit detail code is a village journal
    village = [KIS_HEADER,
               ["√", d, "2026.10", "记 - 1", "购买村部办公用打印纸", "5130", "管理费用", 120, 0, "张", "李", 1],
               [None, None, None, None, "付款", "101", "库存现金", 0, 120, None, None, None]]
    assert [e.amount for e in check_file(write_xlsx(village, name="村.xlsx")).expenses] == [Decimal("120.00")]


@pytest.mark.parametrize("names", [
    ("FDATE", "FGROUP", "FNUM", "FEXP", "FACCTID", "FDC", "FAMOUNT", "FPREPARE", "FATTACHMENTS"),
    ("fdate", "fgroup", "fnum", "fexp", "facctid", "fdebit", "fcredit", "fprepare", "fattachments"),
])
def test_kingdee_kis_dbf_field_names(write_xlsx, check_file, names):
    """金蝶 KIS's voucher table (.dbf) opened in Excel and saved as .xlsx: its field names are the header."""
    d = dt.date(2026, 10, 12)
    by_direction = names[5] == "FDC"
    header = [*names[:5], names[5], names[6], *names[7:]]

    def line(num, exp_, code, debit, credit, prepare="张会计", attachments=1):
        if by_direction:
            middle = [1 if debit else 0, debit or credit]
        else:
            middle = [debit or 0, credit or 0]
        return [d, "记", num, exp_, code, *middle, prepare, attachments]

    rows = [header,
            line(1, "购买村部办公用打印纸", "51301", 120, None),
            line(1, "购买村部办公用打印纸", "102", None, 120),
            line(2, "维修村道路灯三盏", "514", 860, None),
            line(2, "维修村道路灯三盏", "101", None, 860)]
    report = check_file(write_xlsx(rows, sheet="GLVCH"))
    assert report.files[0].layout == "journal"
    assert [(e.voucher, e.amount, e.handler, e.attachments, e.method) for e in report.expenses] == [
        ("记-1", Decimal("120.00"), "张会计", 1, "银行"), ("记-2", Decimal("860.00"), "张会计", 1, "现金")]
    assert errors(report) == []


# -- no-header names what is missing -----------------------------------------------------------------------------
def test_no_header_names_the_missing_column(write_xlsx, check_file):
    rows = [["新街村2026年10月支出明细"],
            ["日期", "摘要", "金额", "收款方"],
            [dt.date(2026, 10, 8), "购买村部办公用打印纸", 120, "天长市文具店"]]
    report = check_file(write_xlsx(rows))
    assert codes(report) == [("no-header", None, None)]
    message = report.findings[0].message
    assert "第 2 行像是表头，但缺少「凭证号」列" in message
    assert "「日期」「" not in message.split("。")[0]  # the columns it has are not said to be missing
    # nothing like a header at all: the four required columns are named
    bare = check_file(write_xlsx([["10月份开支"], ["买纸", 120]], name="空.xlsx"))
    assert "没有一行同时包含日期、凭证号、摘要和金额列" in bare.findings[0].message


# -- duplicate-invoice keys --------------------------------------------------------------------------------------
def test_short_invoice_number_is_unique_only_with_its_code():
    a = exp(3, "记-001", invoice="04400123", invoice_code="144001900111", payee="天长市供电所")
    b = exp(3, "记-005", village="hexi", file="河西村.xlsx", invoice="04400123", invoice_code="233002000222",
            payee="天长市供电所")
    assert run(duplicate_invoice, [a, b]) == []  # two issuers print the same number
    same_code = exp(3, "记-005", village="hexi", file="河西村.xlsx", invoice="04400123",
                    invoice_code="1440 0190 0111", payee="别的收款方")
    assert [f.code for f in run(duplicate_invoice, [a, same_code])] == ["duplicate-invoice"] * 2


def test_short_invoice_number_without_code_is_sure_only_for_the_same_payee():
    a = exp(3, "记-001", invoice="04400123", payee="天长市文具店")
    same_payee = exp(5, "记-004", invoice="04400123", payee="天长市 文具店")
    other_payee = exp(3, "记-002", village="hexi", file="河西村.xlsx", invoice="04400123", payee="天长市供电所")
    assert [(f.code, f.severity) for f in run(duplicate_invoice, [a, same_payee])] == [
        ("duplicate-invoice", "error")] * 2
    found = run(duplicate_invoice, [a, other_payee])
    assert [(f.code, f.severity) for f in found] == [("possible-duplicate-invoice", "warning")] * 2
    assert "记-002" in found[0].message and "发票代码" in found[0].message
    # one sure and one possible use of the same number: the sure one is said
    found = run(duplicate_invoice, [a, same_payee, other_payee])
    assert [f.code for f in found] == ["duplicate-invoice", "duplicate-invoice", "possible-duplicate-invoice"]


def test_twenty_digit_invoice_is_unique_by_itself():
    number = "26442000000123456789"
    a = exp(3, "记-001", invoice=number, payee="天长市文具店")
    b = exp(3, "记-002", village="hexi", file="河西村.xlsx", invoice=number, payee="别的收款方")
    assert [f.code for f in run(duplicate_invoice, [a, b])] == ["duplicate-invoice"] * 2
    published = {invoice_key(number): (PublishedInvoice("hexi", "2026-09", "记-004", Decimal("300.00")),)}
    assert [f.code for f in run(duplicate_invoice, [a], context=ctx(published_invoices=published))] == [
        "duplicate-invoice"]
    # a short number published before, payee unknown: possible
    short = {invoice_key("5550001"): published[invoice_key(number)]}
    found = run(duplicate_invoice, [exp(3, invoice="5550001")], context=ctx(published_invoices=short))
    assert [f.code for f in found] == ["possible-duplicate-invoice"]


def test_invoice_code_column_is_read_and_decides(write_xlsx, check_file):
    header = [*HEADER, "发票代码"]

    def ledger(name, code, payee):
        rows = [header, [*expense_row(8, "记-001", "购买村部办公用打印纸", 120, invoice="04400123", payee=payee), code]]
        return write_xlsx(rows, name=name)

    a = ledger("新街村.xlsx", "144001900111", "天长市文具店")
    b = ledger("河西村.xlsx", "233002000222", "天长市文具店")
    report = check_file(a, b)
    assert [e.invoice_code for e in report.expenses] == ["144001900111", "233002000222"]
    assert codes(report) == []
    c = ledger("东风村.xlsx", "", "天长市供电所")
    d = ledger("前进村.xlsx", "", "天长市五金店")
    assert {f.code for f in check_file(c, d).findings} == {"possible-duplicate-invoice"}  # warnings: no block


# -- months in file names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, other", [
    ("王庄村 11月 账表", True), ("2026-11", True), ("新街村2026年11月", True), ("十一月", True), ("202611", True),
    ("12月", False), ("大华11-12月", False), ("新街村十二月支出明细", False), ("新街村", False), ("Sheet1", False),
    ("2025年12月", True), ("新街村20261203导出", False), ("五月村", False), ("五月村十一月", True),
])
def test_names_for_another_month(name, other):
    assert names_other_month(name, Period(2026, 12)) is other


def test_village_is_the_file_name_without_dates_and_words():
    assert village_from_name("新街村 2026年10月 台账") == "新街村"
    assert village_from_name("王庄村 11月 账表") == "王庄村"
    assert village_from_name("河西村2026-10支出明细") == "河西村"
    assert village_from_name("2026年10月台账") == "2026年10月台账"  # nothing left: the name as it is


def _workspace(tmp_path: Path, write_xlsx) -> Path:
    (tmp_path / "villagefin.toml").write_text(
        '[township]\nname = "新街镇"\n\n'
        '[[villages]]\nid = "wangzhuang"\nname = "王庄村"\nledgers = ["ledgers/wangzhuang/*.xlsx"]\n\n'
        '[[villages]]\nid = "xinjie"\nname = "新街村"\nledgers = ["ledgers/xinjie.xlsx"]\n', encoding="utf-8")
    november = [HEADER, *(expense_row(3 + i, f"记-{i + 1:03d}", "购买村部办公用打印纸", 100 + i, month=11,
                                      invoice=str(7000 + i)) for i in range(3))]
    write_xlsx(november, name="ledgers/wangzhuang/王庄村 11月 账表.xlsx", sheet="Sheet1")
    december = [HEADER, expense_row(3, "记-001", "支付村部12月电费", 320, month=12, invoice="8001")]
    december[1][0] = dt.date(2026, 12, 3)
    # 新街村 keeps one workbook, a sheet per month
    write_xlsx(december, name="ledgers/xinjie.xlsx", sheet="12月", sheets={"11月": november})
    return tmp_path


def test_last_months_file_is_not_read_for_this_month(tmp_path, write_xlsx):
    from villagefin.publish import SKIPPED_MISSING, run_publish
    from villagefin.status import run_status
    from villagefin.text import status_text

    config = load_config(_workspace(tmp_path, write_xlsx))
    report = run_check(None, config, month="2026-12")
    assert [(s.village, s.sheet) for s in report.files] == [("xinjie", "12月")]
    assert report.findings_of("wangzhuang") == () and report.village_totals()["wangzhuang"].expenses == 0
    assert errors(report) == []
    status = run_status(config, month="2026-12", today=dt.date(2026, 12, 3))
    by_id = {v.village_id: v for v in status.villages}
    assert (by_id["wangzhuang"].ledgers, by_id["wangzhuang"].errors) == (0, 0)
    assert "王庄村（wangzhuang）：未报送" in status_text(status)
    preview = run_publish(config, month="2026-12", preview=True, today=dt.date(2026, 12, 3),
                          out=tmp_path / "preview")
    outcomes = {o.village_id: o.outcome for o in preview.outcomes}
    assert outcomes["wangzhuang"] == SKIPPED_MISSING
    # November is read in November, its own sheet of 新街村's workbook too
    november = run_check(None, config, month="2026-11")
    assert sorted((s.village, s.sheet) for s in november.files) == [("wangzhuang", "Sheet1"), ("xinjie", "11月")]


def test_check_file_without_month_hints_at_the_month(tmp_path, write_xlsx):
    last = shanghai_today().replace(day=1) - dt.timedelta(days=1)
    before = last.replace(day=1) - dt.timedelta(days=1)  # two months ago: never the default month
    rows = [HEADER, *(expense_row(3 + i, f"记-{i + 1:03d}", "购买村部办公用打印纸", 100 + i) for i in range(4))]
    for row in rows[1:]:
        row[0] = row[0].replace(year=before.year, month=before.month)
    name = f"新街村 {before.year}年{before.month}月 台账.xlsx"
    write_xlsx(rows, name=name)
    proc = cli("check", name, cwd=tmp_path)
    hint = f"账表日期都在{before.year}年{before.month}月，是否要加 --month {before.year:04d}-{before.month:02d}？"
    assert proc.stdout.count(hint) == 1, proc.stdout
    assert "■ 新街村：" in proc.stdout and proc.stdout.count("date-outside-period") == 4
    proc = cli("check", name, "--month", f"{before.year:04d}-{before.month:02d}", cwd=tmp_path)
    assert proc.returncode == 0 and "是否要加 --month" not in proc.stdout


def test_month_hint_only_when_every_date_is_in_one_other_month(write_xlsx):
    rows = [HEADER, expense_row(8, "记-001", "购买村部办公用打印纸", 120),
            expense_row(9, "记-002", "购买村部办公用墨盒", 220, month=9)]
    path = write_xlsx(rows, name="新街村.xlsx")
    mixed = run_check([str(path)], Config(), today=dt.date(2026, 12, 3))
    assert mixed.notes == ()
    path = write_xlsx(rows[:2], name="河西村.xlsx")
    report = run_check([str(path)], Config(), today=dt.date(2026, 12, 3))
    assert report.notes == ("账表日期都在2026年10月，是否要加 --month 2026-10？",)
    assert report_text(report).count("是否要加 --month 2026-10") == 1
    assert report_dict(report)["notes"] == list(report.notes) and "notes" not in report_dict(mixed)


# -- the external real files, each as its README row says ---------------------------------------------------------
def test_external_kingdee_kis_journal_uses_a_chart_it_does_not_know():
    report = run_check([str(external("real/kingdee_kis_fenlu_xushibu_2020-05.xlsx"))], Config(), month="2020-05")
    assert [(f.code, f.sheet, f.row) for f in report.findings] == [("unknown-chart", "会计分录序时簿", None)]
    assert "1002" in report.findings[0].message and "6602" in report.findings[0].message
    assert report.expenses == () and report.files[0].layout == "journal"
    # checked for another month: still said once, not with a date-outside-period per voucher
    other = run_check([str(external("real/kingdee_kis_fenlu_xushibu_2020-05.xlsx"))], Config(), month="2026-10")
    assert [f.code for f in other.findings] == ["unknown-chart"]


@pytest.mark.parametrize("name", ["real/kingdee_eas_jizhang_pingzheng_xianshou.xls",
                                  "real/kingdee_eas_jizhang_pingzheng_yinshou.xls"])
def test_external_kingdee_eas_voucher_print_names_what_is_missing(name):
    proc = cli("check", str(external(name)), "--month", "2020-01")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "像是表头，但缺少「日期」「凭证号」列" in proc.stdout and proc.stdout.count("（no-header）") == 1


def test_external_handkept_cash_journal_without_voucher_column():
    report = run_check([str(external("real/handkept_xianjin_rijizhang_2016.xlsx"))], Config(), month="2016-12")
    assert report.findings and {f.code for f in report.findings} == {"no-header"}
    for f in report.findings:
        assert "缺少「凭证号」列" in f.message, f.message


def test_external_handkept_cash_journal_with_voucher_is_read_as_a_cash_journal():
    report = run_check([str(external("derived/handkept_xianjin_rijizhang_dahua_with_voucher.xlsx"))], Config(),
                       month="2016-12")
    assert report.errors == 0
    assert len(report.expenses) == 42 and sum(e.amount for e in report.expenses) == Decimal("11880.52")
    assert [s.layout for s in report.files] == ["cash-journal"]
    assert {e.method for e in report.expenses} == {"现金"}


def test_external_petty_cash_list_names_the_missing_column():
    report = run_check([str(external("real/handkept_zhanhui_feiyong_2016-11.xlsx"))], Config(), month="2016-11")
    assert [f.code for f in report.findings] == ["no-header"]
    assert "缺少「凭证号」" in report.findings[0].message


def test_external_bank_statement_is_no_header_without_traceback():
    proc = cli("check", str(external("real/bank_zhanghu_mingxi_2017-02.xlsx")), "--month", "2017-02",
               "--format", "json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert '"no-header"' in proc.stdout and '"errors": 1' in proc.stdout


def test_external_password_protected_file():
    report = run_check([str(external("real/encrypted_xianjin_rijizhang.xlsx"))], Config())
    assert [f.code for f in report.findings] == ["unreadable-file"]
    assert "密码" in report.findings[0].message


def test_a_journal_across_months_opens_the_month_at_its_last_stated_balance(write_xlsx, check_file):
    """The 期初余额 at the top of a September–October journal is September's: October opens at the last
    balance stated before its rows, and has no stated opening when money moved after it (SPEC 12.2)."""
    rows = [["库存现金日记账"],
            ["日期", "凭证号", "摘要", "借方金额", "贷方金额", "借方余额"],
            [None, None, "期初余额", None, None, 5000],
            [dt.date(2026, 9, 8), "现付-01", "村部伙食费", None, 120, None],
            [dt.date(2026, 10, 8), "现付-01", "购买排插两个", None, 80, None]]
    unstated = check_file(write_xlsx(rows, name="unstated.xlsx"))
    assert [e.voucher for e in unstated.expenses] == ["现付-01"] and errors(unstated) == []
    assert unstated.money == {}  # no balance stated for October: not a 收支 village, no false negative-cash
    stated = rows[:4] + [[dt.date(2026, 9, 30), None, "本月合计", None, 120, 4880]] + rows[4:]
    report = check_file(write_xlsx(stated, name="stated.xlsx"))
    assert errors(report) == []
    cash = next(iter(report.money.values()))["balances"]["cash"]
    assert (cash["opening"], cash["expense"], cash["closing"]) == ("4880.00", "80.00", "4800.00")

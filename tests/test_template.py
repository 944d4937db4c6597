"""The blank ledger template (SPEC 8): headers, validation, frozen header, 填写说明; a filled copy checks clean."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from villagefin.config import ChartConf, Config, ExtraAccount, Village
from villagefin.errors import UsageError
from villagefin.template import (
    ACCOUNTS_NAME,
    FUNDS_SHEET,
    GUIDE_SHEET,
    HEADERS,
    INCOME_SHEET,
    LEDGER_SHEET,
    METHODS,
    write_template,
)

CONFIG = Config(villages=(Village(id="xinjie", name="新街村", ledgers=("ledgers/xinjie/*.xlsx",)),))


def validations(ws) -> dict[str, object]:
    """Column letter → its data validation."""
    return {get_column_letter(rng.min_col): dv for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}


def test_headers_title_and_frozen_header(tmp_path):
    path = write_template(tmp_path / "新街村.xlsx", CONFIG, "xinjie")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [LEDGER_SHEET, INCOME_SHEET, FUNDS_SHEET, GUIDE_SHEET]  # SPEC 12.2
    ws = wb[LEDGER_SHEET]
    assert ws["A1"].value == "新街村支出明细"
    assert tuple(c.value for c in ws[2]) == HEADERS
    assert HEADERS == ("日期", "凭证号", "摘要", "科目", "收款方", "金额（元）", "经手人", "审核人", "审批人",
                       "发票号码", "附件张数", "支付方式", "备注")
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["B"].width
    assert ws.column_dimensions["J"].number_format == "@"  # invoice numbers keep their leading zeros
    # no village: no title row
    ws = openpyxl.load_workbook(write_template(tmp_path / "blank.xlsx", Config()))[LEDGER_SHEET]
    assert tuple(c.value for c in ws[1]) == HEADERS and ws.freeze_panes == "A2"


def test_data_validation(tmp_path):
    path = write_template(tmp_path / "t.xlsx", CONFIG, "xinjie")
    wb = openpyxl.load_workbook(path)
    dvs = validations(wb[LEDGER_SHEET])
    assert dvs["A"].type == "date"
    assert "A3:A1002" in str(dvs["A"].sqref)
    amount = dvs["F"]
    assert amount.type == "custom" and "<>0" in amount.formula1 and "ROUND(F3,2)" in amount.formula1
    assert "负数" in amount.prompt and "冲销" in amount.prompt
    assert dvs["L"].type == "list" and dvs["L"].formula1 == '"' + ",".join(METHODS) + '"'
    assert METHODS == ("现金", "转账", "银行", "微信", "支付宝")
    assert dvs["K"].type == "whole"
    category = dvs["D"]
    assert category.type == "list" and category.formula1 == ACCOUNTS_NAME
    # the drop-down's source: the chart in use, on the 填写说明 sheet
    ref = wb.defined_names[ACCOUNTS_NAME].attr_text
    sheet, cells = ref.split("!")
    assert sheet.strip("'") == GUIDE_SHEET
    names = [c[0].value for c in wb[GUIDE_SHEET][cells.replace("$", "")]]
    assert {"管理费用", "办公费", "公益支出", "道路维修"} <= set(names)
    assert "银行存款" not in names


def test_category_list_follows_the_chart_and_extra(tmp_path):
    config = Config(chart=ChartConf(system="2004", extra=(ExtraAccount("54199", "村庄亮化", "公益支出"),)))
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", config))
    cells = wb.defined_names[ACCOUNTS_NAME].attr_text.split("!")[1].replace("$", "")
    rows = [(c[0].value, c[1].value) for c in wb[GUIDE_SHEET][cells.replace("B", "A", 1)]]
    assert ("541", "管理费用") in rows and ("54199", "村庄亮化") in rows
    assert all(code[:3] != "513" for code, _ in rows)  # 2023 codes are not in a 2004 list


def test_guide_sheet_explains_columns_total_row_and_receipts(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", CONFIG))
    text = "\n".join(str(v) for row in wb[GUIDE_SHEET].iter_rows(values_only=True) for v in row if v)
    for header in HEADERS:
        assert header in text
    for needle in ("合计", "记-012.jpg", "记-012-2.jpg", "记-012/", "12.jpeg", "决议", "冲销", "50,000", "1,000"):
        assert needle in text, needle


def test_unknown_village_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="nowhere"):
        write_template(tmp_path / "t.xlsx", CONFIG, "nowhere")


def test_template_is_written_atomically(tmp_path):
    # the file is written atomically: nothing but the template is left in the folder
    write_template(tmp_path / "t.xlsx", CONFIG)
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


@pytest.mark.parametrize("village", [None, "xinjie"])
def test_filled_template_checks_clean(tmp_path, village):
    from villagefin.check import run_check

    path = write_template(tmp_path / "新街村.xlsx", CONFIG, village)
    wb = openpyxl.load_workbook(path)
    ws = wb[LEDGER_SHEET]
    first = 3 if village else 2
    rows = [
        (dt.date(2026, 10, 8), "记-001", "购买村部办公用打印纸10包", "办公费", "新华书店", 120, "张三", "李四", "王五",
         "04400123", 1, "转账", ""),
        (dt.date(2026, 10, 9), "记-002", "支付十月村部电费", "水电费", "国网某某供电所", 356.8, "张三", "李四", "王五",
         "04400124", 1, "银行", ""),
        (dt.date(2026, 10, 15), "记-003", "村道两侧绿化补植苗木", "绿化费", "某某苗木场", 4800, "张三", "李四", "王五",
         "04400125", 2, "转账", ""),
    ]
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            if value != "":
                ws.cell(row=r, column=c, value=value)
    wb.save(path)
    report = run_check([path], Config(), month="2026-10")
    assert [f"{f.code} {f.sheet} {f.row} {f.message}" for f in report.findings] == []
    assert len(report.expenses) == 3
    assert sum(e.amount for e in report.expenses) == sum(Decimal(str(r[5])) for r in rows)


def test_date_rule_spans_2000_to_2099(tmp_path):
    dv = validations(openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", Config()))[LEDGER_SHEET])["A"]
    origin = dt.date(1899, 12, 30)  # Excel's day 0
    assert origin + dt.timedelta(days=int(dv.formula1)) == dt.date(2000, 1, 1)
    assert origin + dt.timedelta(days=int(dv.formula2)) == dt.date(2099, 12, 31)


def test_the_money_sheets_filled_in_are_read_as_income_and_balances(tmp_path):
    """SPEC 12.2: the template's 收入明细 is an income list (付款方, 收入金额) and its 资金余额 a balances sheet; what
    a village fills in is read back as income, other receipts and balances that add up; left empty, they cost
    nothing (no finding)."""
    import datetime as dt
    from decimal import Decimal

    from villagefin.check import run_check

    blank = write_template(tmp_path / "空白.xlsx", CONFIG, "xinjie")
    empty = run_check([str(blank)], CONFIG, month="2026-10")
    assert empty.errors == 0 and not empty.money
    path = write_template(tmp_path / "新街村.xlsx", CONFIG, "xinjie")
    wb = openpyxl.load_workbook(path)
    spend = wb[LEDGER_SHEET]
    spend.append([dt.date(2026, 10, 8), "记-001", "购买村部办公用打印纸10包", "办公费", "天长市文具店", 120.5, "张三",
                  "李四", "王五", "04400123", 1, "现金", ""])
    spend.append([dt.date(2026, 10, 9), "记-002", "支付10月村部电费", "水电费", "天长市供电公司", 812.5, "张三",
                  "李四", "王五", "04400124", 1, "转账", ""])
    income = wb[INCOME_SHEET]
    income.append([dt.date(2026, 10, 10), "记-003", "收到镇财政所拨付村级组织运转经费", "补助收入", "新街镇财政所",
                   36000, "转账", "张三", "李四", "王五", 1, ""])
    income.append([dt.date(2026, 10, 12), "记-004", "收到农村道路专项资金", "专项应付款", "天长市交通运输局", 50000,
                   "转账", "张三", "李四", "王五", 1, ""])
    funds = wb[FUNDS_SHEET]
    funds["B3"], funds["C3"] = 1000, 879.5  # 库存现金: 1000 − 120.50
    funds["B4"], funds["C4"] = 20000, 105187.5  # 银行存款: 20000 + 36000 + 50000 − 812.50
    wb.save(path)
    report = run_check([str(path)], CONFIG, month="2026-10")
    assert report.errors == 0, [f.message for f in report.findings if f.severity == "error"]
    money = next(iter(report.money.values()))
    assert money["income_total"] in (Decimal("36000.00"), "36000.00")
    cash, bank = money["balances"]["cash"], money["balances"]["bank"]
    assert (cash["opening"], cash["expense"], cash["closing"]) == ("1000.00", "120.50", "879.50")
    assert (bank["income"], bank["other_in"], bank["expense"], bank["closing"]) == \
        ("36000.00", "50000.00", "812.50", "105187.50")
    # a closing that does not add up is balance-mismatch
    funds["C4"] = 105000
    wb.save(path)
    assert "balance-mismatch" in {f.code for f in run_check([str(path)], CONFIG, month="2026-10").findings}

"""Generate the spreadsheet fixtures under tests/fixtures/ — real files named for what they break (STYLE 11).

Run from the repository root:  python tools/make_fixtures.py
Writes every fixture, tests/fixtures/EXPECTED.json (the findings, counts and totals each file must give for
period 2026-10 with the default rules and no workspace) and tests/fixtures/README.md (the same, as a table).

Deterministic: random.Random(2026); openpyxl files get fixed zip timestamps, the encrypted file a seeded salt.
Files written by LibreOffice (lo-*, formula-cached.xlsx, xls-*.xls) carry LibreOffice's own timestamps.
The hostile files are checked with python-calamine, xlrd and openpyxl in child processes and what each
library did is recorded in EXPECTED.json and the README (SPEC 11).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_samples import (  # noqa: E402  (tools/ is not a package)
    CENT,
    MONEY_FMT,
    STANDARD_HEADER,
    TITLE,
    Item,
    Registry,
    build_village,
    fmt_thousands,
    make_staff,
    money_str,
    normalise_zip,
    save_xlsx,
    soffice_convert,
    style_header,
    total,
    validate_clean,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures"
YEAR, MONTH = 2026, 10

# columns of the standard 13-column form
COL = dict(date="A", voucher="B", summary="C", category="D", payee="E", amount="F", handler="G",
           reviewer="H", approver="I", invoice="J", attachments="K", method="L", remarks="M")

rng = random.Random(2027)  # not 2026: fixture invoice numbers must not repeat the samples' ones
reg = Registry(rng)
EXPECTED: dict[str, dict] = {}
HOSTILE_BASE: dict[str, dict] = {}
ORDER: list[str] = []


# --------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------


def items(n: int, *, start: int = 1, single: bool = True, keys: tuple[str, ...] | None = None) -> list[Item]:
    """n clean expense items in consecutive vouchers start..; no warning rule fires on them."""
    staff = make_staff(reg)
    its = build_village(rng, reg, "测试村", n, staff, single_rows=single,
                        keys=keys or ("office", "power", "water", "phone", "labour", "meeting", "road",
                                      "green", "flood", "garbage", "lamp", "fish", "plant"))
    for it in its:
        it.voucher_no += start - 1
        if it.method == "现金" and it.amount > Decimal("1000"):
            it.method = "转账"
    validate_clean("fixture", its)
    return its


def std_values(it: Item, *, date: object = None, amount: object = None, voucher: object = None) -> list:
    return [it.date if date is None else date, it.voucher() if voucher is None else voucher, it.summary,
            it.category, it.payee, it.amount if amount is None else amount, it.handler, it.reviewer,
            it.approver, it.invoice or None, it.attachments, it.method, it.remarks or None]


def write_rows(ws, first_row: int, rows: list[list], *, date_fmt: str = "yyyy-mm-dd") -> None:
    for r, vals in enumerate(rows, start=first_row):
        for c, v in enumerate(vals, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = date_fmt
        if len(vals) >= 10:
            ws.cell(row=r, column=10).number_format = "@"


def header(ws, row: int = 1, labels: tuple[str, ...] = STANDARD_HEADER) -> None:
    for c, h in enumerate(labels, start=1):
        ws.cell(row=row, column=c, value=h)
    style_header(ws, row, len(labels))


def find(code: str, row: int | None, column: str | None, sheet: str | None) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "code": code}


def expect(name: str, what: str, *, layout: str | None = "expense-list", expenses: list[Item] | None = None,
           errors: list[dict] | None = None, warnings: list[dict] | None = None, sheets: list | None = None,
           total_override: Decimal | None = None, count_override: int | None = None, note: str = "",
           **extra: object) -> None:
    exp = expenses or []
    EXPECTED[name] = {
        "what": what,
        "layout": layout,
        "sheets": sheets if sheets is not None else [],
        "expenses": count_override if count_override is not None else (len(exp) if layout else 0),
        "total": money_str(total_override if total_override is not None else total(exp)),
        "errors": errors or [],
        "warnings": warnings or [],
        **({"note": note} if note else {}),
        **extra,
    }
    ORDER.append(name)


def new_wb(sheet: str = "Sheet1"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    return wb, ws


# --------------------------------------------------------------------------------------------------------
# layouts
# --------------------------------------------------------------------------------------------------------


def two_row_header_workbook(its: list[Item]) -> Workbook:
    """Title; 2026年 merged over 月/日; 凭证 merged over 字/号; the other headers merged over both rows."""
    wb, ws = new_wb("10月")
    labels = ["月", "日", "字", "号", "摘要", "科目", "收款方", "金额（元）", "经手人", "审核人", "审批人",
              "发票号码", "附件张数", "支付方式", "备注"]
    n = len(labels)
    ws.cell(row=1, column=1, value="高庄村2026年10月支出明细").font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=2, column=1, value="2026年")
    ws.merge_cells("A2:B2")
    ws.cell(row=2, column=3, value="凭证")
    ws.merge_cells("C2:D2")
    for c in range(1, 5):
        ws.cell(row=3, column=c, value=labels[c - 1])
    for c in range(5, n + 1):
        ws.cell(row=2, column=c, value=labels[c - 1])
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    style_header(ws, 2, n)
    style_header(ws, 3, n)
    rows = []
    for it in its:
        v = std_values(it)
        rows.append([it.date.month, it.date.day, "记", it.voucher_no] + v[2:])
    write_rows(ws, 4, rows)
    for r in range(4, 4 + len(rows)):
        ws.cell(row=r, column=10).number_format = "General"
        ws.cell(row=r, column=12).number_format = "@"
    return wb


def wps_two_row_header() -> None:
    its = items(8)
    path = OUT / "wps-two-row-header.xlsx"
    save_xlsx(two_row_header_workbook(its), path)
    expect(path.name, "两行表头（WPS 常见）：2026年 合并在 月/日 之上，凭证 合并在 字/号 之上；标题行在表头上方",
           expenses=its, sheets=["10月"], header_rows=[2, 3], first_data_row=4,
           vouchers=[f"记-{it.voucher_no}" for it in its])


def padded_header() -> None:
    its = items(6)
    wb, ws = new_wb("支出")
    labels = ("日　　期", "凭 证 号", "摘      要", "科　目", "收款方 ", "金　额（元）", "经手人", "审核人",
              "审批人", "发票\n号码", "附件张数", "支付方式", "备　注")
    header(ws, 1, labels)
    write_rows(ws, 2, [std_values(it) for it in its])
    path = OUT / "padded-header.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "表头有空格、全角空格、换行和单位后缀：「摘      要」「金　额（元）」「发票\\n号码」",
           expenses=its, sheets=["支出"])


def merged_date_cells() -> None:
    its = items(10, single=False, keys=("office", "labour", "power", "flood"))
    # force voucher groups: rows 2-4 one voucher, 5-6 one, 7 one, 8-9 one, 10-11 one
    groups = [(2, 4), (5, 6), (7, 7), (8, 9), (10, 11)]
    base = dt.date(YEAR, MONTH, 12)
    for g, (a, b) in enumerate(groups):
        for r in range(a, b + 1):
            it = its[r - 2]
            it.voucher_no = g + 1
            it.date = base + dt.timedelta(days=g)
            it.attachments = 1
            it.method = "转账"
    wb, ws = new_wb("10月")
    header(ws)
    write_rows(ws, 2, [std_values(it) for it in its])
    # vertical merges keep the value of their top-left cell only
    for a, b in ((2, 4), (5, 6), (10, 11)):
        for r in range(a + 1, b + 1):
            ws.cell(row=r, column=1).value = None
            ws.cell(row=r, column=2).value = None
        ws.merge_cells(f"A{a}:A{b}")
        ws.merge_cells(f"B{a}:B{b}")
    # 8-9: same voucher but NOT merged; the date of row 9 is simply blank → missing-field
    ws.cell(row=9, column=1).value = None
    path = OUT / "merged-date-cells.xlsx"
    save_xlsx(wb, path)
    read = [it for r, it in enumerate(its, start=2) if r != 9]
    expect(path.name, "纵向合并的日期、凭证号单元格覆盖其所跨各行；第 9 行日期为空且未合并，必须报空（不向下填充）",
           expenses=read, sheets=["10月"],
           errors=[find("missing-field", 9, "A", "10月")],
           note="expenses/total leave out row 9 (its date is blank). Rows 3-4, 6 and 11 take date and voucher "
                "from the merged cell above.",
           merged=["A2:A4", "B2:B4", "A5:A6", "B5:B6", "A10:A11", "B10:B11"])


def title_and_footer() -> None:
    its = items(10)
    wb, ws = new_wb("10月")
    ws.cell(row=1, column=1, value="王庄村2026年10月财务支出明细表").font = TITLE
    ws.merge_cells("A1:M1")
    ws.cell(row=2, column=1, value="编制单位：王庄村村民委员会")
    ws.cell(row=2, column=6, value="2026年10月")
    ws.cell(row=2, column=12, value="单位：元")
    header(ws, 4)
    write_rows(ws, 5, [std_values(it) for it in its])
    r = 5 + len(its)
    ws.cell(row=r, column=3, value="本月合计")
    ws.cell(row=r, column=6, value=total(its)).number_format = MONEY_FMT
    ws.cell(row=r + 2, column=1, value="制表人：王丽　　　审核：李强　　　村负责人：张建国")
    ws.cell(row=r + 3, column=1, value="填报日期：2026年11月3日")
    ws.cell(row=r + 4, column=1, value="说明：本表一式三份，村务公开栏张贴一份。")
    path = OUT / "title-and-footer.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "标题两行、空行、表头在第 4 行；本月合计（正确）；合计后有制表人、日期、说明等落款行",
           expenses=its, sheets=["10月"], header_row=4, total_row=r)


def subtotal_and_carried() -> None:
    its = items(12)
    wb, ws = new_wb("10月")
    header(ws)
    r = 2
    layout: list[tuple[int, str]] = []

    def label_row(text: str, amount: Decimal | None, col: int = 3) -> None:
        nonlocal r
        ws.cell(row=r, column=col, value=text)
        if amount is not None:
            ws.cell(row=r, column=6, value=amount).number_format = MONEY_FMT
        layout.append((r, text))
        r += 1

    def item_rows(chunk: list[Item]) -> None:
        nonlocal r
        write_rows(ws, r, [std_values(it) for it in chunk])
        r += len(chunk)

    label_row("上年结转", Decimal("125800.00"))
    label_row("期初余额", Decimal("38650.20"))
    item_rows(its[:5])
    label_row("小计", total(its[:5]))
    item_rows(its[5:8])
    label_row("本页合计", total(its[:8]), col=1)  # written in the date column
    label_row("过次页", total(its[:8]))
    label_row("承前页", total(its[:8]))
    item_rows(its[8:12])
    label_row("小计", total(its[8:12]))
    label_row("上页合计", total(its[:8]))
    label_row("本月合计", total(its))
    label_row("本年累计", Decimal("1086420.55"))
    path = OUT / "subtotal-and-carried.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "小计、承前页、过次页、本页合计、上页合计、本年累计、上年结转、期初余额 行都不是支出；本月合计与明细相符",
           expenses=its, sheets=["10月"], label_rows={str(k): v for k, v in layout})


def dates_every_form() -> None:
    forms: list[tuple[object, str]] = [
        (dt.date(YEAR, MONTH, 8), "date cell"),
        (46303, "Excel serial number (General format)"),
        ("2026-10-08", "text"),
        ("2026/10/8", "text"),
        ("2026.10.8", "text"),
        ("2026年10月8日", "text"),
        ("20261008", "text"),
        ("10月8日", "text, year from the period"),
        ("10-08", "text, year from the period"),
    ]
    its = items(len(forms))
    wb, ws = new_wb("10月")
    header(ws)
    rows = []
    for it, (value, _) in zip(its, forms, strict=True):
        it.date = dt.date(YEAR, MONTH, 8)
        rows.append(std_values(it, date=value))
    write_rows(ws, 2, rows)
    ws.cell(row=3, column=1).number_format = "General"
    for r in range(4, 2 + len(forms)):
        ws.cell(row=r, column=1).number_format = "@"
    path = OUT / "dates-every-form.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "日期的各种写法：日期单元格、序列号 46303、2026-10-08、2026/10/8、2026.10.8、2026年10月8日、20261008、10月8日、10-08",
           expenses=its, sheets=["10月"],
           dates={str(r): {"written": str(v), "form": f, "date": "2026-10-08"}
                  for r, (v, f) in enumerate(forms, start=2)},
           note="every row is 2026-10-08. With --month any, rows 9 (10月8日) and 10 (10-08) have no year: bad-date.")


def bad_dates() -> None:
    forms: list[tuple[object, str | None]] = [
        ("2026-02-30", "bad-date"),
        ("2026-13-01", "bad-date"),
        ("2026年10月32日", "bad-date"),
        ("下周一", "bad-date"),
        (dt.date(YEAR, 9, 30), "date-outside-period"),
        ("2026-11-01", "date-outside-period"),
        (dt.date(YEAR, MONTH, 31), None),
    ]
    its = items(len(forms))
    wb, ws = new_wb("10月")
    header(ws)
    rows = []
    for it, (value, _) in zip(its, forms, strict=True):
        rows.append(std_values(it, date=value))
    write_rows(ws, 2, rows)
    path = OUT / "bad-dates.xlsx"
    save_xlsx(wb, path)
    errs = [find(code, r, "A", "10月") for r, (_, code) in enumerate(forms, start=2) if code]
    ok = [it for it, (_, code) in zip(its, forms, strict=True) if code in (None, "date-outside-period")]
    in_period = [its[-1]]
    expect(path.name, "不存在或无法识别的日期（2026-02-30、2026-13-01、10月32日、“下周一”）→ bad-date；9月30日、11月1日 → date-outside-period",
           expenses=ok, sheets=["10月"], errors=errs,
           note="expenses/total count the rows whose date can be read (the two outside the period included); "
                f"in the period alone: 1 expense, {money_str(total(in_period))}.")


def amounts_every_form() -> None:
    forms: list[tuple[object, Decimal | None, str | None]] = [
        ("1,234.50", Decimal("1234.50"), None),
        ("¥1234.5", Decimal("1234.50"), None),
        ("￥1234.50元", Decimal("1234.50"), None),
        ("１２３４．５０", Decimal("1234.50"), None),
        ("(123.00)", Decimal("-123.00"), "negative-amount"),
        (1234.5000000001, Decimal("1234.50"), None),
        (12.345, None, "bad-amount"),
        ("  860.00 ", Decimal("860.00"), None),
        (88, Decimal("88.00"), None),
    ]
    its = items(len(forms), keys=("office", "meeting", "lamp", "flood", "green", "road", "fish", "plant"))
    wb, ws = new_wb("10月")
    header(ws)
    rows = []
    for it, (value, amt, _) in zip(its, forms, strict=True):
        if amt is not None:
            it.amount = amt
        rows.append(std_values(it, amount=value))
    for it in its:
        it.method = "转账"
    its[4].summary = f"冲销{its[3].voucher()}多付货款"
    rows[4][2] = its[4].summary
    write_rows(ws, 2, rows)
    for r in range(2, 2 + len(forms)):
        ws.cell(row=r, column=6).number_format = "@" if isinstance(ws.cell(row=r, column=6).value, str) else "0.00"
    path = OUT / "amounts-every-form.xlsx"
    save_xlsx(wb, path)
    read = [it for it, (_, amt, _) in zip(its, forms, strict=True) if amt is not None]
    expect(path.name, "金额的各种写法：1,234.50、¥1234.5、￥1234.50元、全角数字、(123.00) 即 −123.00、浮点噪声 1234.5000000001、12.345（三位小数，错误）",
           expenses=read, sheets=["10月"],
           errors=[find("bad-amount", 8, "F", "10月")],
           warnings=[find("negative-amount", 6, "F", "10月")],
           amounts={str(r): (money_str(a) if a is not None else None)
                    for r, (_, a, _) in enumerate(forms, start=2)},
           note="row 8 (12.345) is not an expense; the total includes the reversal −123.00.")


def formula_no_value() -> None:
    its = items(4)
    wb, ws = new_wb("10月")
    header(ws)
    rows = [std_values(it) for it in its]
    rows[1][5] = "=200+150.5"
    write_rows(ws, 2, rows)
    path = OUT / "formula-no-value.xlsx"
    save_xlsx(wb, path, shared_strings=False)  # exactly as openpyxl writes it: inline strings
    read = [it for k, it in enumerate(its) if k != 1]
    expect(path.name, "金额是 openpyxl 写入的公式 =200+150.5，文件中没有缓存的计算结果（文字为 openpyxl 的 inlineStr 写法）",
           expenses=read, sheets=["10月"], errors=[find("formula-no-value", 3, "F", "10月")],
           note="expenses/total leave out row 3.")


def formula_cached(tmp: Path, lo_jobs: list) -> None:
    its = items(5)
    wb, ws = new_wb("10月")
    header(ws)
    rows = [std_values(it) for it in its]
    # amounts as formulas whose values are the same amounts
    for k, it in enumerate(its):
        whole = int(it.amount)
        frac = it.amount - whole
        rows[k][5] = f"={whole}+{frac}" if frac else f"={whole}*1"
    write_rows(ws, 2, rows)
    r = 2 + len(its)
    ws.cell(row=r, column=3, value="合计")
    ws.cell(row=r, column=6, value=f"=SUM(F2:F{r - 1})")
    src = tmp / "formula-cached.xlsx"
    save_xlsx(wb, src)
    lo_jobs.append((src, "xlsx", "formula-cached.xlsx"))
    expect("formula-cached.xlsx", "公式金额和 =SUM 合计行，经 LibreOffice 另存，文件中有缓存的计算结果（与 Excel/WPS 保存的一样）",
           expenses=its, sheets=["10月"], total_row=r, written_by="LibreOffice --convert-to xlsx")


def hidden_rows_cols_sheet() -> None:
    main = items(7)
    extra = items(3, start=8)
    wb, ws = new_wb("10月")
    header(ws)
    # rows 2..10: items at 2,3,4,5(hidden),6, 7 empty+hidden, 8,9 ; remarks column M hidden and holding data
    layout = [main[0], main[1], main[2], main[3], main[4], None, main[5], main[6]]
    r = 2
    for it in layout:
        if it is not None:
            it.remarks = it.remarks or f"内部核对{it.voucher_no:02d}"
            write_rows(ws, r, [std_values(it)])
        r += 1
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[7].hidden = True  # hidden but empty: nothing to say
    ws.column_dimensions["M"].hidden = True  # 备注 hidden, holds data
    ws.column_dimensions["P"].hidden = True  # hidden but empty
    ws2 = wb.create_sheet("备用")
    header(ws2)
    write_rows(ws2, 2, [std_values(it) for it in extra])
    ws2.sheet_state = "hidden"
    path = OUT / "hidden-rows-cols-sheet.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "隐藏行（第 5 行有数据、第 7 行为空）、隐藏列（M 备注列有数据、P 列为空）、隐藏工作表“备用”（有数据）",
           expenses=main + extra, sheets=["10月", "备用"],
           warnings=[find("hidden-content", None, "M", "10月"), find("hidden-content", 5, None, "10月"),
                     find("hidden-content", None, None, "备用")],
           note="hidden content is read: the hidden row 5 and the hidden sheet's three expenses (记-008..记-010) "
                "count. Hidden empty row 7 and hidden empty column P give no finding.")


def cash_journal() -> None:
    its = items(8, start=3, keys=("office", "labour", "meeting", "water", "phone", "lamp"))
    for it in its:
        if it.amount > Decimal("1000"):
            it.amount = (it.amount / 4).quantize(CENT)
        it.method = ""
    wb, ws = new_wb("现金日记账")
    ws.cell(row=1, column=1, value="现金日记账").font = TITLE
    ws.cell(row=2, column=1, value="单位：李洼村　　2026年10月")
    labels = ("日期", "凭证号", "摘要", "科目", "收款方", "收入", "支出", "余额", "经手人", "审核人", "审批人", "附件张数")
    header(ws, 3, labels)
    balance = Decimal("1250.60")
    r = 4
    ws.cell(row=r, column=3, value="上月结余")
    ws.cell(row=r, column=8, value=balance).number_format = MONEY_FMT
    r += 1
    incomes = [(dt.date(YEAR, MONTH, 8), "记-001", "从银行提取备用金", "银行存款", Decimal("3000.00")),
               (dt.date(YEAR, MONTH, 8), "记-002", "收到村民交来的农田灌溉水费", "经营收入", Decimal("860.00"))]
    income_total = Decimal("0")
    for day, v, summary, cat, amt in incomes:
        balance += amt
        income_total += amt
        for c, val in enumerate((day, v, summary, cat, None, amt, None, balance, "出纳", None, None, None), start=1):
            ws.cell(row=r, column=c, value=val)
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        r += 1
    first_exp = r
    for it in its:
        if it.date < dt.date(YEAR, MONTH, 8):
            it.date = dt.date(YEAR, MONTH, 8)
        balance -= it.amount
        vals = (it.date, it.voucher(), it.summary, it.category, it.payee, None, it.amount, balance, it.handler,
                it.reviewer, it.approver, it.attachments)
        for c, val in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=val)
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        r += 1
    ws.cell(row=r, column=3, value="本月合计")
    ws.cell(row=r, column=6, value=income_total)
    ws.cell(row=r, column=7, value=total(its))
    ws.cell(row=r, column=8, value=balance)
    assert balance > 0
    path = OUT / "cash-journal.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "现金日记账：收入/支出/余额三栏，上月结余行、收入行不是支出；支出栏为金额；本月合计（支出栏）相符",
           layout="cash-journal", expenses=its, sheets=["现金日记账"], cash_journal=True, first_expense_row=first_exp,
           total_row=r,
           note="income vouchers 记-001/记-002 come first so the expense vouchers 记-003..记-010 are consecutive "
                "whether or not voucher-gap looks at income rows; every payment is at most 1000 in case the "
                "reader takes 现金 as the method of a cash journal.")


JOURNAL_EXPENSE_KEYS = ("office", "power", "meeting", "road", "green", "garbage", "lamp", "fish", "plant")


def journal_lines(its: list[Item], *, bank: tuple[str, str], cash: tuple[str, str],
                  name_style: str = "_") -> list[tuple]:
    """(date, voucher, summary, code, name, debit, credit) lines, one voucher per item."""
    lines = []
    for it in its:
        v = f"记-{it.voucher_no}"
        name = it.account_name.replace("_", name_style)
        lines.append((it.date, v, it.summary, it.account_code, name, it.amount, None))
        code, acct = cash if it.method == "现金" else bank
        lines.append((it.date, v, it.summary, code, acct, None, it.amount))
    return lines


def journal_amount_direction() -> None:
    its = items(6, keys=JOURNAL_EXPENSE_KEYS)
    lines = journal_lines(its, bank=("10201", "银行存款_农商银行"), cash=("101", "库存现金"))
    last = its[-1]
    nv = last.voucher_no + 1
    day = last.date
    lines += [(day, f"记-{nv}", "收到镇财政拨付防汛补助", "10201", "银行存款_农商银行", Decimal("5000.00"), None),
              (day, f"记-{nv}", "收到镇财政拨付防汛补助", "503", "补助收入", None, Decimal("5000.00"))]
    wb, ws = new_wb("凭证明细")
    header(ws, 1, ("日期", "凭证字号", "摘要", "科目编码", "科目名称", "金额", "方向"))
    r = 2
    for d, v, s, code, name, dr, cr in lines:
        vals = (d, v, s, code, name, dr if dr is not None else cr, "借" if dr is not None else "贷")
        for c, val in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=val)
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=4).number_format = "@"
        r += 1
    path = OUT / "journal-amount-direction.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "凭证明细：一个金额列 + 方向列（借/贷）；贷方为 10201 银行存款子科目；含一张非支出凭证（收到补助）",
           layout="journal", expenses=its, sheets=["凭证明细"], chart="2023")


def journal_unbalanced() -> None:
    its = items(5, keys=JOURNAL_EXPENSE_KEYS)
    # voucher 记-3: credit 90.00 short of its debit
    bad = its[2]
    if bad.amount < Decimal("500"):
        bad.amount = Decimal("1580.00")
    lines = journal_lines(its, bank=("102", "银行存款"), cash=("101", "库存现金"))
    k = next(i for i, ln in enumerate(lines) if ln[1] == f"记-{bad.voucher_no}" and ln[6] is not None)
    d, v, s, code, name, dr, cr = lines[k]
    lines[k] = (d, v, s, code, name, dr, cr - Decimal("90.00"))
    wb, ws = new_wb("序时账")
    header(ws, 1, ("日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额"))
    r = 2
    dsum = csum = Decimal("0")
    bad_rows = []
    for d, v, s, code, name, dr, cr in lines:
        # the unused side is written as 0.00, as some software exports it
        vals = (d, v, s, code, name, dr if dr is not None else Decimal("0.00"), cr if cr is not None else Decimal("0.00"))
        for c, val in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=val)
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=4).number_format = "@"
        ws.cell(row=r, column=6).number_format = MONEY_FMT
        ws.cell(row=r, column=7).number_format = MONEY_FMT
        dsum += dr or 0
        csum += cr or 0
        if v == f"记-{bad.voucher_no}":
            bad_rows.append((r, "F" if dr is not None else "G"))
        r += 1
    ws.cell(row=r, column=3, value="合计")
    ws.cell(row=r, column=6, value=dsum)
    ws.cell(row=r, column=7, value=csum)
    path = OUT / "journal-unbalanced.xlsx"
    save_xlsx(wb, path)
    good = [it for it in its if it is not bad]
    expect(path.name, f"序时账中 记-{bad.voucher_no} 借方 {money_str(bad.amount)} 贷方少 90.00；未用的一方写 0.00；合计行按列与各行之和相符（借贷合计因此不等，但不是 total-mismatch）",
           layout="journal", expenses=good, sheets=["序时账"],
           errors=[find("unbalanced-voucher", r_, col, "序时账") for r_, col in bad_rows],
           total_row=r, debit_total=money_str(dsum), credit_total=money_str(csum),
           note=f"the lines of 记-{bad.voucher_no} are not expenses; column of unbalanced-voucher is not fixed by "
                "the spec: here each line's own amount cell (借方 F on the debit line, 贷方 G on the credit line).")


def journal_chart_2004() -> None:
    its = items(5, keys=("office", "power", "meeting", "fish", "plant"))
    remap = {"513": ("541", "管理费用"), "511": ("502", "经营支出"), "514": ("541", "管理费用")}
    for it in its:
        prefix = it.account_code[:3]
        new_code, top = remap[prefix]
        it.account_code = new_code + it.account_code[3:]
        it.account_name = top + "_" + it.account_name.split("_", 1)[1]
    lines = journal_lines(its, bank=("102", "银行存款"), cash=("101", "现金"))
    nv = its[-1].voucher_no + 1
    day = its[-1].date
    lines += [(day, f"记-{nv}", "收到合作社分红", "102", "银行存款", Decimal("12000.00"), None),
              (day, f"记-{nv}", "收到合作社分红", "511", "投资收益", None, Decimal("12000.00"))]
    wb, ws = new_wb("序时账")
    header(ws, 1, ("日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方", "贷方"))
    r = 2
    for d, v, s, code, name, dr, cr in lines:
        for c, val in enumerate((d, v, s, code, name, dr, cr), start=1):
            ws.cell(row=r, column=c, value=val)
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=4).number_format = "@"
        r += 1
    path = OUT / "journal-chart-2004.xlsx"
    save_xlsx(wb, path)
    expect(path.name, "2004 年村集体经济组织会计制度科目（541 管理费用、502 经营支出、101 现金）；511 在 2004 制度中是投资收益（贷方），"
           "[chart] system = \"auto\" 应选 2004",
           layout="journal", expenses=its, sheets=["序时账"], chart="2004",
           note="with [chart] system = \"2023\" the 541/502 lines are not expenses (and would be unknown-category).")


# --------------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------------

CSV_HEADER = ("日期", "凭证号", "摘要", "科目", "收款方", "金额", "经手人", "审核人", "审批人", "发票号码", "附件张数",
              "支付方式", "备注")


def csv_row(it: Item, *, amount: str | None = None, date: str | None = None) -> list[str]:
    return [date or it.date.isoformat(), it.voucher(), it.summary, it.category, it.payee,
            fmt_thousands(it.amount) if amount is None else amount, it.handler, it.reviewer, it.approver,
            it.invoice, str(it.attachments), it.method, it.remarks]


def gb18030_quoted_newline() -> None:
    its = items(8)
    its[2].summary = "购买防汛物资\n（编织袋、救生衣）"
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for k, it in enumerate(its):
        w.writerow(csv_row(it, amount="" if k == 5 else None))
    path = OUT / "gb18030-quoted-newline.csv"
    path.write_bytes(buf.getvalue().encode("gb18030"))
    read = [it for k, it in enumerate(its) if k != 5]
    expect(path.name, "GB18030 编码 CSV，第 4 行摘要在引号内换行（一条记录占两行文本）；第 7 行（Excel 显示的行号）金额为空",
           expenses=read, sheets=[None], errors=[find("missing-field", 7, "F", None)],
           note="the record with the line break is Excel row 4; the blank amount is in record 7 of the file, "
                "which is text line 8. sheet is null for a CSV here (use whatever the reader reports).",
           encoding="gb18030", delimiter=",")


def utf8_bom_semicolon() -> None:
    its = items(6)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for it in its:
        w.writerow(csv_row(it, amount=money_str(it.amount)))
    path = OUT / "utf8-bom-semicolon.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    expect(path.name, "UTF-8 带 BOM，分号分隔", expenses=its, sheets=[None], encoding="utf-8-sig", delimiter=";")


def tab_separated() -> None:
    its = items(6)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for it in its:
        w.writerow(csv_row(it, date=f"{it.date.year}/{it.date.month}/{it.date.day}"))
    path = OUT / "tab-separated.csv"
    path.write_bytes(buf.getvalue().encode("gb18030"))
    expect(path.name, "制表符分隔（Excel“文本文件(制表符分隔)”），GB18030 编码，金额带千分位", expenses=its, sheets=[None],
           encoding="gb18030", delimiter="\\t")


# --------------------------------------------------------------------------------------------------------
# LibreOffice-written files
# --------------------------------------------------------------------------------------------------------


def basic_workbook(its: list[Item], title: str) -> Workbook:
    wb, ws = new_wb("10月")
    ws.cell(row=1, column=1, value=title).font = TITLE
    header(ws, 2)
    write_rows(ws, 3, [std_values(it) for it in its])
    r = 3 + len(its)
    ws.cell(row=r, column=3, value="合计")
    ws.cell(row=r, column=6, value=total(its))
    return wb


def lo_sources(tmp: Path, lo_jobs: list) -> None:
    # each file its own data: no invoice number repeats across fixtures checked together
    for suffix in ("xls", "xlsx"):
        its = items(8)
        src = tmp / f"src-{suffix}" / "lo-basic.xlsx"
        src.parent.mkdir()
        save_xlsx(basic_workbook(its, "李洼村2026年10月支出明细"), src)
        lo_jobs.append((src, suffix, f"lo-basic.{suffix}"))
        expect(f"lo-basic.{suffix}", f"LibreOffice 写的 .{suffix}：标题、表头、8 笔支出、合计", expenses=its,
               sheets=["10月"], written_by=f"LibreOffice --convert-to {suffix}")

    # hidden row + hidden sheet, as .xls (xlrd formatting_info has the row info)
    main, extra = items(6), items(2, start=7)
    wb, ws = new_wb("10月")
    header(ws)
    write_rows(ws, 2, [std_values(it) for it in main])
    ws.row_dimensions[4].hidden = True
    ws2 = wb.create_sheet("草稿")
    header(ws2)
    write_rows(ws2, 2, [std_values(it) for it in extra])
    ws2.sheet_state = "hidden"
    src = tmp / "lo-hidden-sheet.xlsx"
    save_xlsx(wb, src)
    lo_jobs.append((src, "xls", "lo-hidden-sheet.xls"))
    expect("lo-hidden-sheet.xls", "LibreOffice 写的 .xls：第 4 行隐藏（有数据），隐藏工作表“草稿”有 2 笔支出",
           expenses=main + extra, sheets=["10月", "草稿"],
           warnings=[find("hidden-content", 4, None, "10月"), find("hidden-content", None, None, "草稿")],
           written_by="LibreOffice --convert-to xls")

    # the base of the patched hostile .xls files: its own data, so its invoices repeat no other fixture's
    its = items(8)
    src = tmp / "src-hostile" / "xls-base.xlsx"
    src.parent.mkdir()
    save_xlsx(basic_workbook(its, "孙庄村2026年10月支出明细"), src)
    lo_jobs.append((src, "xls", tmp / "xls-base.xls"))
    HOSTILE_BASE["xls"] = {"sheets": ["10月"], "layout": "expense-list", "expenses": len(its),
                           "total": money_str(total(its)), "errors": [], "warnings": []}

    # the WPS two-row header, through LibreOffice into .xls (merged cells as BIFF MERGEDCELLS)
    its = items(8)
    src = tmp / "lo-two-row-header.xlsx"
    save_xlsx(two_row_header_workbook(its), src)
    lo_jobs.append((src, "xls", "lo-two-row-header.xls"))
    expect("lo-two-row-header.xls", "与 wps-two-row-header.xlsx 同样的两行合并表头，经 LibreOffice 另存为 .xls",
           expenses=its, sheets=["10月"], header_rows=[2, 3], first_data_row=4,
           vouchers=[f"记-{it.voucher_no}" for it in its], written_by="LibreOffice --convert-to xls")


def run_lo_jobs(tmp: Path, lo_jobs: list) -> None:
    for k, (src, fmt, final) in enumerate(lo_jobs):
        out = soffice_convert(src, fmt, tmp / f"lo-out-{k}")
        dst = final if isinstance(final, Path) else OUT / final
        if fmt == "xlsx":  # LibreOffice's XML as written; only zip and document timestamps fixed
            dst.write_bytes(normalise_zip(out.read_bytes(), shared_strings=False))
        else:
            shutil.copyfile(out, dst)


# --------------------------------------------------------------------------------------------------------
# hostile files
# --------------------------------------------------------------------------------------------------------


def unreadable(name: str, what: str, **extra: object) -> None:
    expect(name, what, layout=None, sheets=[], errors=[find("unreadable-file", None, None, None)], **extra)


def hostile_simple() -> None:
    (OUT / "zero-byte.xlsx").write_bytes(b"")
    unreadable("zero-byte.xlsx", "0 字节的 .xlsx")
    (OUT / "random-bytes.xlsx").write_bytes(random.Random(2026).randbytes(4096))
    unreadable("random-bytes.xlsx", "4096 个随机字节，扩展名 .xlsx")
    whole = (OUT / "title-and-footer.xlsx").read_bytes()
    (OUT / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    unreadable("truncated.xlsx", "真实 .xlsx（title-and-footer.xlsx）只剩前一半字节（没有中央目录）")
    # no data at all
    wb, _ = new_wb("Sheet1")
    save_xlsx(wb, OUT / "empty-workbook.xlsx")
    expect("empty-workbook.xlsx", "只有一张空工作表的工作簿", layout=None, sheets=["Sheet1"],
           errors=[find("no-header", None, None, "Sheet1")],
           note="an empty sheet has no header: no-header on the sheet (row and column null).")
    # data without a recognisable header
    its = items(5)
    wb, ws = new_wb("Sheet1")
    ws.cell(row=1, column=1, value="10月份开支")
    write_rows(ws, 2, [[it.date, it.voucher(), it.summary, it.amount, it.payee] for it in its])
    save_xlsx(wb, OUT / "no-header.xlsx")
    expect("no-header.xlsx", "有数据但没有可识别的表头（第 1 行只有“10月份开支”）", layout=None, sheets=["Sheet1"],
           errors=[find("no-header", None, None, "Sheet1")])


def password_protected() -> str:
    src = OUT / "title-and-footer.xlsx"
    try:
        import msoffcrypto.method.container.ecma376_encrypted as container
        import msoffcrypto.method.ecma376_agile as agile
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        raise SystemExit("pip install msoffcrypto-tool  (needed to write password-protected.xlsx)") from None
    seeded = random.Random(2026)

    class FixedDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 11, 3, 9, 0, 0)

    saved = agile._random_buffer, container.datetime
    agile._random_buffer = seeded.randbytes  # deterministic salt and key
    container.datetime = FixedDatetime
    try:
        out = io.BytesIO()
        with open(src, "rb") as f:
            OOXMLFile(f).encrypt("1234", out)
    finally:
        agile._random_buffer, container.datetime = saved
    (OUT / "password-protected.xlsx").write_bytes(out.getvalue())
    unreadable("password-protected.xlsx", "设置了打开密码（1234）的 .xlsx：OLE 复合文件，内含 EncryptionInfo 与 EncryptedPackage",
               made_with="msoffcrypto-tool (ECMA-376 agile encryption), password 1234")
    return "msoffcrypto-tool"


def sst_bomb(tmp: Path) -> None:
    src = tmp / "sst-base.xlsx"
    its = items(6)
    save_xlsx(basic_workbook(its, "赵庄村2026年10月支出明细"), src)
    zin = zipfile.ZipFile(src)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = body.decode("utf-8")
                head, rest = text.split("<sst", 1)
                attrs, tail = rest.split(">", 1)
                attrs = re.sub(r'\s(count|uniqueCount)="\d+"', "", attrs)
                text = f'{head}<sst{attrs} count="4294967295" uniqueCount="4294967295">{tail}'
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, body)
    (OUT / "calamine-sst-bomb.xlsx").write_bytes(out.getvalue())
    unreadable("calamine-sst-bomb.xlsx", "正常的 .xlsx，但 sharedStrings.xml 声称 count=uniqueCount=4294967295（python-calamine 会按此预分配内存）",
               or_read_as={"sheets": ["10月"], "layout": "expense-list", "expenses": len(its),
                           "total": money_str(total(its)), "errors": [], "warnings": []},
               note="the rest of the file is valid: a reader that ignores the count (openpyxl) reads it, and then "
                    "or_read_as applies. What must never happen is a dead check process.")


def biff_records(data: bytes):
    pos = 0
    while pos + 4 <= len(data):
        rid, size = struct.unpack_from("<HH", data, pos)
        yield pos, rid, size
        pos += 4 + size


def patch_xls(src: Path, dst: Path, kind: str) -> str:
    import olefile

    shutil.copyfile(src, dst)
    ole = olefile.OleFileIO(str(dst), write_mode=True)
    stream = "Workbook" if ole.exists("Workbook") else "Book"
    data = bytearray(ole.openstream(stream).read())
    done = ""
    for pos, rid, size in biff_records(bytes(data)):
        if kind == "dimensions" and rid == 0x0200 and size == 14:
            # rwMic, rwMac (u32), colMic, colMac (u16): claim 16,777,215 rows × 256 columns ≈ 4.3e9 cells
            struct.pack_into("<IIHH", data, pos + 4, 0, 0x00FFFFFF, 0, 0x0100)
            done = f"DIMENSIONS at stream offset {pos}: rows 0..16777215, columns 0..256"
            break
        if kind == "boundsheet" and rid == 0x0085:
            (old,) = struct.unpack_from("<I", data, pos + 4)
            struct.pack_into("<I", data, pos + 4, 0x7FFFFFF0)
            done = f"BOUNDSHEET at stream offset {pos}: lbPlyPos {old} → 0x7FFFFFF0 (stream is {len(data)} bytes)"
            break
    if not done:
        raise SystemExit(f"no record to patch in {src}")
    ole.write_stream(stream, bytes(data))
    ole.close()
    return done


PROBE = textwrap.dedent("""
    import sys
    lib, path = sys.argv[1], sys.argv[2]
    try:
        if lib == "calamine":
            from python_calamine import CalamineWorkbook
            wb = CalamineWorkbook.from_path(path)
            n = 0
            for name in wb.sheet_names:
                n += len(wb.get_sheet_by_name(name).to_python())
        elif lib == "xlrd":
            import xlrd
            wb = xlrd.open_workbook(path, formatting_info=True)
            n = sum(s.nrows for s in wb.sheets())
        else:
            import openpyxl
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows())
        print("OK rows=%d" % n)
    except BaseException as e:  # PanicException is a BaseException
        print("RAISED %s.%s: %s" % (type(e).__module__, type(e).__name__, str(e)[:120].replace(chr(10), " ")))
""")


def probe(path: Path, lib: str) -> str:
    """What `lib` does on `path`, in a child process with a 2 GB address-space cap where the OS allows it."""
    pre = None
    if sys.platform != "win32":
        def pre() -> None:  # cap memory so a huge allocation fails fast instead of swapping
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    try:
        p = subprocess.run([sys.executable, "-c", PROBE, lib, str(path)], capture_output=True, text=True,
                           timeout=120, preexec_fn=pre)
    except subprocess.TimeoutExpired:
        return "TIMEOUT after 120 s"
    out = (p.stdout.strip().splitlines() or [""])[-1]
    if p.returncode < 0:
        import signal

        lines = p.stderr.strip().splitlines()
        err = next((ln for ln in lines if "memory allocation" in ln or "panicked" in ln), lines[-1] if lines else "")
        return f"KILLED by {signal.Signals(-p.returncode).name} — the process died; stderr: {err.strip()[:120]}"
    if p.returncode != 0 and not out:
        err = (p.stderr.strip().splitlines() or [""])[-1][:160]
        return f"EXIT {p.returncode}: {err}"
    return out


def hostile_xls(tmp: Path) -> None:
    base = tmp / "xls-base.xls"
    d = patch_xls(base, OUT / "xls-huge-dimensions.xls", "dimensions")
    unreadable("xls-huge-dimensions.xls", "LibreOffice 写的 .xls（8 笔支出），DIMENSIONS 记录被改为约 43 亿个单元格",
               patch=d, or_read_as=HOSTILE_BASE["xls"],
               note="xlrd ignores DIMENSIONS and reads the 8 expenses: a reader that reads .xls with xlrd gives "
                    "or_read_as instead of unreadable-file. What must never happen is a dead check process.")
    b = patch_xls(base, OUT / "xls-bad-boundsheet.xls", "boundsheet")
    unreadable("xls-bad-boundsheet.xls", "同一个 LibreOffice .xls，BOUNDSHEET 记录指向流之外的偏移", patch=b)


# --------------------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------------------


def fmt_findings(fs: list[dict]) -> str:
    if not fs:
        return "—"
    parts = []
    for f in fs:
        where = []
        if f["sheet"]:
            where.append(f"sheet {f['sheet']}")
        if f["row"] is not None:
            where.append(f"row {f['row']}")
        if f["column"]:
            where.append(f"col {f['column']}")
        parts.append(f"`{f['code']}`" + (f" ({', '.join(where)})" if where else ""))
    return "<br>".join(parts)


def write_readme() -> None:
    lines = [
        "# Spreadsheet fixtures",
        "",
        "Real files, named for what they break (STYLE habit 11). Generated by `tools/make_fixtures.py` (run it "
        "from the repository root; it imports helpers from `tools/make_samples.py`) — do not edit by hand.",
        "`EXPECTED.json` holds the same table as data: for each file the layout, the expense count and total "
        "(period 2026-10, default rules, no workspace, village = file name), and every error and warning the "
        "file must give, with `sheet`, `row` (1-based as Excel shows it) and `column` (letter).",
        "",
        "Conventions: `row`/`column` null = the finding is about a whole sheet (or column / file); for a CSV "
        "`sheet` is null. Counts and totals leave out rows that carry an error which prevents reading them "
        "(missing field, bad date, bad amount, formula without value); see each file's `note`.",
        "",
        "| file | what it exercises | layout | expenses | total | expected errors | expected warnings |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ORDER:
        e = EXPECTED[name]
        what = e["what"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{name}` | {what} | {e['layout'] or '—'} | {e['expenses']} | {e['total']} | "
                     f"{fmt_findings(e['errors'])} | {fmt_findings(e['warnings'])} |")
    lines += ["", "## What the libraries do on the hostile files (measured by the generator, in child processes)",
              "", "| file | python-calamine | xlrd | openpyxl |", "|---|---|---|---|"]
    for name in ORDER:
        p = EXPECTED[name].get("probe")
        if p:
            lines.append(f"| `{name}` | {p.get('calamine', '')} | {p.get('xlrd', '')} | {p.get('openpyxl', '')} |")
    lines += [
        "",
        "The probes run with a 2 GB address-space limit (RLIMIT_AS) so that a huge allocation fails at once. "
        "Without the limit (23 GB RAM, no swap, overcommit heuristic) python-calamine 0.9.1 aborts the same way "
        "on both bombs: `memory allocation of 103079215080 bytes failed` (sst) and `… 171798681600 bytes "
        "failed` (DIMENSIONS), exit status 134. \"KILLED by SIGABRT\" means the whole Python process died "
        "(Rust's allocation-failure handler aborts; no exception reaches Python); \"PanicException\" is a "
        "BaseException that `except Exception` does not catch (SPEC 11). xlrd reads xls-huge-dimensions.xls "
        "without complaint (it ignores DIMENSIONS), so for that file `or_read_as` in EXPECTED.json is the "
        "other acceptable outcome; likewise openpyxl reads calamine-sst-bomb.xlsx.",
        "",
        "Not here on purpose: the over-50-MB file (a test creates it at run time) and anything the lead's tests "
        "can build in a few lines with openpyxl inside the test.",
        "",
    ]
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------------------


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # remove only what an earlier run of this script wrote (others keep files in tests/fixtures/ too)
    previous = OUT / "EXPECTED.json"
    if previous.exists():
        for name in json.loads(previous.read_text(encoding="utf-8")).get("files", {}):
            (OUT / name).unlink(missing_ok=True)
    lo_jobs: list = []
    with tempfile.TemporaryDirectory(prefix="vf-fixtures-") as t:
        tmp = Path(t)
        wps_two_row_header()
        padded_header()
        merged_date_cells()
        title_and_footer()
        subtotal_and_carried()
        dates_every_form()
        bad_dates()
        amounts_every_form()
        formula_no_value()
        formula_cached(tmp, lo_jobs)
        hidden_rows_cols_sheet()
        cash_journal()
        journal_amount_direction()
        journal_unbalanced()
        journal_chart_2004()
        gb18030_quoted_newline()
        utf8_bom_semicolon()
        tab_separated()
        lo_sources(tmp, lo_jobs)
        run_lo_jobs(tmp, lo_jobs)
        hostile_simple()
        password_protected()
        sst_bomb(tmp)
        hostile_xls(tmp)
    for name in ("zero-byte.xlsx", "random-bytes.xlsx", "truncated.xlsx", "password-protected.xlsx",
                 "calamine-sst-bomb.xlsx", "xls-huge-dimensions.xls", "xls-bad-boundsheet.xls"):
        libs = ("calamine", "xlrd") if name.endswith(".xls") else ("calamine", "openpyxl")
        EXPECTED[name]["probe"] = {lib: probe(OUT / name, lib) for lib in libs}
    # sanity: the formula-cached file really has cached values
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(OUT / "formula-cached.xlsx")).get_sheet_by_name("10月").to_python()
    amounts = [r[5] for r in rows[1:] if r[5] != ""]
    if not amounts or any(a == "" for a in amounts):
        raise SystemExit("formula-cached.xlsx has no cached values")
    doc = {"period": "2026-10", "rules": "default (SPEC 2)", "files": {n: EXPECTED[n] for n in ORDER}}
    (OUT / "EXPECTED.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_readme()
    size = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f"{len(ORDER)} fixtures written to {OUT} ({size / 1024:.0f} KB)")
    for name in ORDER:
        if "probe" in EXPECTED[name]:
            print(f"  {name}: {EXPECTED[name]['probe']}")


if __name__ == "__main__":
    main()

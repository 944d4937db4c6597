"""The sample township's money (SPEC 12): every figure of every sample village recomputed here, independently,
from the sample files themselves — a cash and bank journal (.xls), a 序时账 with its 科目余额表, income lists and
balances sheets — and compared with EXPECTED.json, with `check --format json` and with the published
expenses.json. Every money table adds up per column: opening + income − expense + other_in − other_out ±
transfer = closing; only 石桥村's 资金余额表 states a cash closing that does not (balance-mismatch)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest
import xlrd
from conftest import REPO, SAMPLES, sample_workspace

from villagefin.config import load_config
from villagefin.publish import run_publish

EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))
ZERO = Decimal("0.00")
#: income accounts by name, both charts (SPEC 12.1)
INCOME_NAMES = {"经营收入", "发包及上交收入", "农业税附加返还收入", "补助收入", "其他收入", "投资收益"}
#: accounts (or SPEC 12.1 types) whose money is 其他收付 in these samples
OTHER_NAMES = {"专项应付款", "内部往来", "一事一议资金", "应付款", "一事一议", "公积公益金"}
CASH_NAMES = {"库存现金", "现金", "银行存款"}
FIELDS = ("opening", "income", "expense", "other_in", "other_out", "transfer", "closing")
MONEY_VILLAGES = ("dongfeng", "qianjin", "shuanglong", "shiqiao")
EXPENSE_ONLY = ("xinjie", "hexi", "taoyuan")


def dec(value) -> Decimal:
    """A cell as Decimal (floats through their shortest repr, as a person reads them)."""
    if value in (None, ""):
        return ZERO
    return Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(Decimal("0.01"))


def table(**columns) -> dict[str, dict[str, Decimal]]:
    """column → the seven figures, from the column's opening, closing and movements."""
    return {c: {k: Decimal(v).quantize(Decimal("0.01")) for k, v in f.items()} for c, f in columns.items()}


def adds_up(f: dict[str, Decimal]) -> Decimal:
    return f["opening"] + f["income"] - f["expense"] + f["other_in"] - f["other_out"] + f["transfer"]


# -- the independent readers, one per sample layout ------------------------------------------------------------


def cash_journals(path) -> tuple[dict, Decimal, int]:
    """东风村: 现金日记账 and 银行存款日记账 (.xls). Figures per column, the income total and the number of income
    rows; every row's 余额 is checked to be the one before plus 收入 minus 支出."""
    book = xlrd.open_workbook(str(path))
    out, income_total, income_rows = {}, ZERO, 0
    for name, column in (("现金日记账", "cash"), ("银行存款日记账", "bank")):
        sh = book.sheet_by_name(name)
        head = [str(sh.cell_value(1, c)) for c in range(sh.ncols)]
        col = {label: head.index(label) for label in ("摘要", "对方科目", "收入", "支出", "余额")}
        f = dict.fromkeys(FIELDS, ZERO)
        running = None
        for r in range(3, sh.nrows):
            summary = str(sh.cell_value(r, col["摘要"]))
            m_in, m_out = dec(sh.cell_value(r, col["收入"])), dec(sh.cell_value(r, col["支出"]))
            balance = sh.cell_value(r, col["余额"])
            account = str(sh.cell_value(r, col["对方科目"]))
            if summary == "上月结转":
                f["opening"] = running = dec(balance)
                continue
            if summary == "本月合计":
                f["closing"] = dec(balance)
                assert dec(balance) == running, (name, r)
                continue
            if balance == "":
                continue  # the 会计 / 出纳 line under the table
            running += m_in - m_out
            assert dec(balance) == running, (name, r + 1)
            if account in CASH_NAMES:
                f["transfer"] += m_in - m_out
            elif account in INCOME_NAMES:
                f["income"] += m_in - m_out
                income_total += m_in - m_out
                income_rows += 1
            elif account in OTHER_NAMES:
                f["other_in"] += m_in
                f["other_out"] += m_out
            else:
                f["expense"] += m_out
        out[column] = f
    return out, income_total, income_rows


def journal_and_trial_balance(journal, trial) -> tuple[dict, Decimal, int]:
    """前进村: the 序时账 gives every money line; the 科目余额表 the 101/102 opening and closing; its 本期发生 must
    be the journal's own 101/102 debits and credits (账表相符)."""
    ws = openpyxl.load_workbook(journal, data_only=True)["序时账"]
    vouchers: dict[str, list[tuple]] = {}
    for date, voucher, _summary, code, _name, debit, credit in ws.iter_rows(min_row=4, values_only=True):
        if isinstance(date, dt.datetime):
            vouchers.setdefault(voucher, []).append((str(code), dec(debit), dec(credit)))
    tb = openpyxl.load_workbook(trial, data_only=True)["科目余额表"]
    stated = {str(row[0]): [dec(v) for v in row[2:8]] for row in tb.iter_rows(min_row=5, values_only=True) if row[0]}
    f = {c: dict.fromkeys(FIELDS, ZERO) for c in ("cash", "bank")}
    moved = {"101": [ZERO, ZERO], "102": [ZERO, ZERO]}
    income_total, income_rows = ZERO, 0
    for lines in vouchers.values():
        codes = {code[:3] for code, _d, _c in lines}
        column = "bank" if "102" in codes else "cash"
        for code, debit, credit in lines:
            first = code[:3]
            if first in moved:
                moved[first][0] += debit
                moved[first][1] += credit
                if first == "101" and "102" in codes:  # 提现 / 存现: the cash side of an internal transfer
                    f["cash"]["transfer"] += debit - credit
                    f["bank"]["transfer"] -= debit - credit
                continue
            if not codes & {"101", "102"}:
                continue  # accrued: no money moved (none in these samples)
            if first.startswith("5") and first in ("501", "502", "503", "504"):
                f[column]["income"] += credit - debit
                income_total += credit - debit
                income_rows += 1
            elif first.startswith("5"):
                f[column]["expense"] += debit - credit
            else:
                f[column]["other_in"] += credit
                f[column]["other_out"] += debit
    for code, column in (("101", "cash"), ("102", "bank")):
        open_dr, _open_cr, move_dr, move_cr, close_dr, _close_cr = stated[code]
        assert [move_dr, move_cr] == moved[code], f"账表不符：{code}"
        f[column]["opening"], f[column]["closing"] = open_dr, close_dr
    return f, income_total, income_rows


def income_list_and_balances(book, expense_sheet: str, amount_head: str, total_words: tuple[str, ...],
                             income_sheet: str, balances_sheet: str) -> tuple[dict, Decimal, int]:
    """双龙村 and 石桥村: an expense list, a 收入明细 (付款方, 收入金额, 结算方式) and a 资金余额表. An expense row counts
    when its date is a date and its amount a non-zero number with at most two decimals (the readable rows);
    a line paid 现金 moves cash, any other method the bank (SPEC 12.2)."""
    wb = openpyxl.load_workbook(book, data_only=True)
    f = {c: dict.fromkeys(FIELDS, ZERO) for c in ("cash", "bank")}
    ws = wb[expense_sheet]
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, row in enumerate(rows) if amount_head in row)
    col = {label: rows[h].index(label) for label in (amount_head, "结算方式" if "结算方式" in rows[h] else "支付方式")}
    c_amount, c_method = col[amount_head], list(col.values())[1]
    for row in rows[h + 1:]:
        if any(isinstance(v, str) and v.strip() in total_words for v in row):
            break
        amount = row[c_amount]
        if not isinstance(row[0], dt.datetime) or isinstance(amount, str) or not amount:
            continue
        if Decimal(repr(amount)) != Decimal(repr(amount)).quantize(Decimal("0.01")):
            continue
        f["cash" if row[c_method] == "现金" else "bank"]["expense"] += dec(amount)
    ws = wb[income_sheet]
    head = [c.value for c in ws[2]]
    income_total, income_rows, stated_total = ZERO, 0, None
    for row in ws.iter_rows(min_row=3, values_only=True):
        if row[2] == "合计":
            stated_total = dec(row[head.index("收入金额")])
            continue
        amount = dec(row[head.index("收入金额")])
        column = "cash" if row[head.index("结算方式")] == "现金" else "bank"
        assert row[head.index("付款方")], row
        if row[head.index("类别")] in INCOME_NAMES:
            f[column]["income"] += amount
            income_total += amount
            income_rows += 1
        else:
            f[column]["other_in"] += amount
    assert stated_total == sum((f[c]["income"] + f[c]["other_in"] for c in f), ZERO)
    ws = wb[balances_sheet]
    head = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3, values_only=True):
        column = {"库存现金": "cash", "银行存款": "bank"}.get(row[0])
        if column:
            f[column]["opening"] = dec(row[head.index("上月结余")])
            f[column]["closing"] = dec(row[head.index("本月结余")])
    return f, income_total, income_rows


def recomputed(vid: str) -> tuple[dict, Decimal, int]:
    led = SAMPLES / "ledgers"
    if vid == "dongfeng":
        return cash_journals(led / "dongfeng" / "dongfeng-2026-10.xls")
    if vid == "qianjin":
        return journal_and_trial_balance(led / "qianjin" / "序时账2026-10.xlsx", led / "qianjin" / "科目余额表2026-10.xlsx")
    if vid == "shuanglong":
        return income_list_and_balances(led / "all.xlsx", "双龙村", "支出金额", ("总计",), "双龙村收入明细",
                                        "双龙村资金余额")
    return income_list_and_balances(led / "shiqiao" / "2026-10.xlsx", "10月", "金额（元）", ("本月合计",), "收入明细",
                                    "资金余额")


# -- what the program says ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def check_json() -> dict:
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", "--month", EXPECTED["period"], "--format",
                           "json"], cwd=SAMPLES, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 1, proc.stderr  # 石桥村 has errors
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    ws = sample_workspace(tmp_path_factory.mktemp("samples-money") / "ws")
    run_publish(load_config(ws), month=EXPECTED["period"], today=dt.date(2026, 11, 5))
    month = ws / "site" / EXPECTED["period"]
    return {vid: json.loads((month / vid / "expenses.json").read_bytes())
            for vid in EXPECTED["villages"] if (month / vid / "expenses.json").is_file()}


@pytest.mark.parametrize("vid", MONEY_VILLAGES)
def test_every_money_figure_recomputed_from_the_sample_files(vid, check_json, published):
    mine, income_total, income_rows = recomputed(vid)
    expected = EXPECTED["villages"][vid]
    got = check_json["villages"][vid]
    want_income = f"{income_total:.2f}"
    assert expected["income_total"] == got["income_total"] == want_income, vid
    assert expected["income"] == got["income"] == income_rows, vid
    for column in ("cash", "bank"):
        figures = mine[column]
        said = {k: Decimal(v) for k, v in got["balances"][column].items()}
        assert said == figures, (vid, column, said, figures)
        assert {k: Decimal(v) for k, v in expected["balances"][column].items() if k in FIELDS} == figures
        if vid == "shiqiao" and column == "cash":
            # the one balance that does not add up: 645.50 written as 654.50
            assert adds_up(figures) == Decimal(expected["balances"]["cash"]["computed_closing"]) == Decimal("645.50")
            assert figures["closing"] - adds_up(figures) == Decimal("9.00")
        else:
            assert adds_up(figures) == figures["closing"], (vid, column)
    if vid == "shiqiao":
        assert vid not in published  # errors: not published
        return
    doc = published[vid]
    assert doc["income_total"] == want_income
    assert sum(Decimal(i["amount"]) for i in doc["income"]) == income_total
    assert len(doc["income"]) == income_rows and len(doc["flows"]) == expected["flows"] == got["flows"]
    for column in ("cash", "bank"):
        assert {k: Decimal(v) for k, v in doc["balances"][column].items()} == mine[column], (vid, column)


def test_the_balance_mismatch_is_found_where_the_ledger_states_it(check_json):
    found = [(f["village"], f["file"], f["sheet"], f["row"], f["code"]) for f in check_json["findings"]
             if f["code"] == "balance-mismatch"]
    [want] = [e for e in EXPECTED["errors"] if e["code"] == "balance-mismatch"]
    assert found == [(want["village"], want["file"], want["sheet"], want["row"], "balance-mismatch")]
    [message] = [f["message"] for f in check_json["findings"] if f["code"] == "balance-mismatch"]
    assert "654.50" in message and "645.50" in message and "9.00" in message


def test_clean_money_villages_have_no_finding_and_expense_villages_no_money(check_json, published):
    assert {f["village"] for f in check_json["findings"]} == {"shiqiao"}
    for vid in EXPENSE_ONLY:
        assert "balances" not in check_json["villages"][vid] and "income_total" not in check_json["villages"][vid]
        assert "income" not in published[vid] and "balances" not in published[vid]
        assert "balances" not in EXPECTED["villages"][vid]
    assert set(MONEY_VILLAGES) | set(EXPENSE_ONLY) == set(EXPECTED["villages"])
    layouts = {(f["village"], f["layout"]) for f in check_json["files"]}
    assert {("dongfeng", "cash-journal"), ("qianjin", "journal"), ("qianjin", "trial-balance"),
            ("shuanglong", "expense-list"), ("shiqiao", "expense-list")} <= layouts
    assert {f["layout"] for f in check_json["files"]} <= {"expense-list", "journal", "cash-journal", "trial-balance"}

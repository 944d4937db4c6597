"""The rules over normalised expenses (SPEC 4): each rule, what must warn and what must not."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from decimal import Decimal

import pytest

from villagefin.chart import load_chart
from villagefin.config import ChartConf, Config, ExtraAccount, Rules
from villagefin.model import ERROR, JOURNAL, WARNING, Expense
from villagefin.rules import (
    RULES,
    PublishedInvoice,
    RuleContext,
    apply_rules,
    cash_over_limit,
    duplicate_invoice,
    duplicate_row,
    duplicate_voucher,
    invoice_key,
    missing_approval,
    missing_payee,
    needs_resolution,
    negative_amount,
    no_attachments,
    possible_split,
    unknown_category,
    vague_summary,
    voucher_gap,
)

LIST_COLUMNS = tuple(zip(
    ("date", "voucher", "summary", "category", "payee", "amount", "handler", "reviewer", "approver", "invoice",
     "attachments", "method", "remarks"),
    "ABCDEFGHIJKLM",
    strict=True,
))
_invoices = itertools.count(10_000_001)


def exp(row: int = 3, voucher: str = "记-001", **kw) -> Expense:
    """A good expense row (no rule warns about it alone); keyword arguments change what the test is about."""
    fields = dict(
        village="xinjie", file="新街村.xlsx", sheet="明细", row=row, date=dt.date(2026, 10, 8), voucher=voucher,
        summary="购买村部办公用打印纸", amount=Decimal("120.00"), category="办公费", payee="新华书店",
        handler="张三", reviewer="李四", approver="王五", invoice=str(next(_invoices)), attachments=1,
        method="转账", remarks="", columns=LIST_COLUMNS,
    )
    fields.update(kw)
    if isinstance(fields["amount"], (int, str)):
        fields["amount"] = Decimal(str(fields["amount"]))
    return Expense(**fields)


def ctx(period: str = "2026-10", **kw) -> RuleContext:
    chart = kw.pop("chart", None) or load_chart(ChartConf(system="2023"))
    return RuleContext(period=period, chart=chart, **kw)


def run(rule, expenses, config: Config | None = None, context: RuleContext | None = None):
    return list(rule(tuple(expenses), config or Config(), context or ctx()))


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_good_rows_give_no_findings():
    rows = [exp(3, "记-001"), exp(4, "记-002", summary="支付十月村部电费", category="水电费", payee="供电所"),
            exp(5, "记-003", summary="维修村道路灯三盏", category="公益支出", payee="李师傅", amount="860.00")]
    assert apply_rules(tuple(rows), Config(), ctx()) == []


def test_rules_are_plain_functions_in_a_tuple_and_do_not_mutate():
    assert isinstance(RULES, tuple) and len(RULES) == 13
    rows = [exp(3, invoice="X1"), exp(4, "记-003", invoice="X1", payee="", approver="")]
    before = list(rows)
    findings = apply_rules(rows, Config(), ctx())
    assert rows == before
    assert findings == sorted(findings, key=lambda f: f.sort_key())
    assert {"possible-duplicate-invoice", "voucher-gap", "missing-payee", "missing-approval"} <= set(codes(findings))


# -- duplicate-invoice -----------------------------------------------------------------------------------------
def test_duplicate_invoice_on_two_vouchers_one_finding_per_row():
    rows = [exp(3, "记-001", invoice="04400123"), exp(4, "记-001", invoice="04400123"),
            exp(5, "记-002", invoice="04400123")]
    found = run(duplicate_invoice, rows)
    assert [(f.row, f.column, f.voucher, f.severity) for f in found] == [
        (3, "J", "记-001", ERROR), (4, "J", "记-001", ERROR), (5, "J", "记-002", ERROR)]
    assert "04400123" in found[0].message and "记-002" in found[0].message


def test_same_invoice_on_rows_of_one_voucher_is_not_a_duplicate():
    rows = [exp(3, "记-001", invoice="A1"), exp(4, "记-001", invoice="A1")]
    assert run(duplicate_invoice, rows) == []


def test_duplicate_invoice_across_villages_and_normalised():
    rows = [exp(3, invoice="0440 0123"), exp(3, village="hexi", file="河西村.xlsx", invoice="０４４００１２３")]
    found = run(duplicate_invoice, rows)
    assert sorted(f.village for f in found) == ["hexi", "xinjie"]


def test_blank_and_placeholder_invoices_are_ignored():
    rows = [exp(3, "记-001", invoice=""), exp(4, "记-002", invoice=""), exp(5, "记-003", invoice="无"),
            exp(6, "记-004", invoice="无"), exp(7, "记-005", invoice="0"), exp(8, "记-006", invoice="0")]
    assert run(duplicate_invoice, rows) == []


def test_reversal_repeating_its_invoice_is_not_a_duplicate():
    original = exp(3, "记-001", invoice="98765", amount="500.00")
    reversal = exp(9, "记-007", invoice="98765", amount="-500.00", summary="冲销记-001多报销的打印纸")
    assert run(duplicate_invoice, [original, reversal]) == []
    # reversed and entered again correctly: still no duplicate
    again = exp(10, "记-008", invoice="98765", amount="500.00")
    assert run(duplicate_invoice, [original, reversal, again]) == []
    # a partial 红字冲销 (less than the original) repeats the invoice too: no duplicate (SPEC 16)
    partial = replace(reversal, amount=Decimal("-400.00"))
    assert run(duplicate_invoice, [original, partial]) == []
    # two partial reversals that together reverse it in full; then it is entered again: still none
    rest = exp(11, "记-009", invoice="98765", amount="-100.00")
    assert run(duplicate_invoice, [original, partial, rest, again]) == []
    # a "reversal" for more than the original is not one: both uses are duplicates
    wrong = replace(reversal, amount=Decimal("-600.00"))
    assert codes(run(duplicate_invoice, [original, wrong])) == ["duplicate-invoice"] * 2
    # nor is a second partial reversal beyond what is left of the original
    assert len(run(duplicate_invoice, [original, partial, replace(rest, amount=Decimal("-150.00"))])) == 2


def test_duplicate_invoice_against_published_months():
    published = {invoice_key("5550001"): (PublishedInvoice("hexi", "2026-09", "记-004", Decimal("300.00")),)}
    row = exp(3, invoice="5550001", amount="300.00")
    found = run(duplicate_invoice, [row], context=ctx(published_invoices=published))
    assert len(found) == 1 and "2026-09" in found[0].message and found[0].row == 3
    # the reversal of an expense published last month repeats its invoice: fine
    reversal = replace(row, amount=Decimal("-300.00"))
    assert run(duplicate_invoice, [reversal], context=ctx(published_invoices=published)) == []


# -- duplicate-voucher -----------------------------------------------------------------------------------------
def test_duplicate_voucher_in_two_files_one_finding_per_row():
    rows = [exp(3, "记-012"), exp(4, "记-012"), exp(3, "记字第12号", file="新街村（改）.xlsx"), exp(4, "记-013")]
    found = run(duplicate_voucher, rows)
    assert [(f.file, f.row, f.column) for f in found] == [
        ("新街村.xlsx", 3, "B"), ("新街村.xlsx", 4, "B"), ("新街村（改）.xlsx", 3, "B")]
    assert all(f.severity == ERROR for f in found)
    assert "新街村（改）.xlsx" in found[0].message


def test_same_voucher_in_one_sheet_or_other_village_is_not_duplicate_voucher():
    rows = [exp(3, "记-012"), exp(4, "记-012"), exp(3, "记-012", village="hexi", file="河西村.xlsx")]
    assert run(duplicate_voucher, rows) == []


def test_duplicate_voucher_with_another_sheet_of_one_workbook():
    rows = [exp(3, "记-005", sheet="9月"), exp(3, "记-005", sheet="10月")]
    assert len(run(duplicate_voucher, rows)) == 2


def test_duplicate_voucher_against_a_journal_voucher():
    journal = {"xinjie": (("记-020", "序时账.xlsx", "Sheet1", 7), ("记-020", "序时账.xlsx", "Sheet1", 8))}
    found = run(duplicate_voucher, [exp(3, "记-020")], context=ctx(journal_vouchers=journal))
    assert sorted((f.file, f.row) for f in found) == [("序时账.xlsx", 7), ("序时账.xlsx", 8), ("新街村.xlsx", 3)]


# -- voucher-gap -----------------------------------------------------------------------------------------------
def test_voucher_gap_on_the_row_after_the_gap():
    rows = [exp(3, "记-010"), exp(4, "记-011"), exp(5, "记-013"), exp(6, "记-013")]
    found = run(voucher_gap, rows)
    assert len(found) == 1
    f = found[0]
    assert (f.row, f.column, f.voucher, f.severity) == (5, "B", "记-013", WARNING)
    assert "记-011" in f.message and "记-012" in f.message


def test_run_split_across_two_files_is_not_a_gap():
    rows = [exp(i + 3, f"记-{i + 1:03d}") for i in range(15)]
    rows += [exp(i + 3, f"记-{i + 16:03d}", file="新街村-下半月.xlsx") for i in range(15)]
    assert run(voucher_gap, rows) == []


def test_voucher_gap_per_series_and_mixed_writing():
    rows = [exp(3, "记-1"), exp(4, "记字第2号"), exp(5, "记003"), exp(6, "银付-1"), exp(7, "银付-2")]
    assert run(voucher_gap, rows) == []
    rows.append(exp(8, "银付-5"))
    found = run(voucher_gap, rows)
    assert [f.voucher for f in found] == ["银付-5"] and "银付-3 至" not in found[0].message
    assert "银付-3、银付-4" in found[0].message


def test_long_gap_is_summarised():
    found = run(voucher_gap, [exp(3, "记-001"), exp(4, "记-020")])
    assert "记-002 至 记-019（共 18 张）" in found[0].message


def test_journal_vouchers_fill_gaps():
    rows = [exp(3, "记-001", layout=JOURNAL), exp(9, "记-003", layout=JOURNAL)]
    assert len(run(voucher_gap, rows)) == 1
    journal = {"xinjie": (("记-001", "新街村.xlsx", "明细", 3), ("记-002", "新街村.xlsx", "明细", 5),
                          ("记-002", "新街村.xlsx", "明细", 6), ("记-003", "新街村.xlsx", "明细", 9))}
    assert run(voucher_gap, rows, context=ctx(journal_vouchers=journal)) == []
    # a gap found only among the journal's non-expense vouchers points at the journal row
    journal = {"xinjie": (("记-001", "新街村.xlsx", "明细", 3), ("记-005", "新街村.xlsx", "明细", 12))}
    found = run(voucher_gap, rows[:1], context=ctx(journal_vouchers=journal))
    assert [(f.row, f.column, f.voucher) for f in found] == [(12, "B", "记-005")]


def test_bare_numbers_join_the_only_series():
    rows = [exp(3, "记-001"), exp(4, "2"), exp(5, "记-003")]
    assert run(voucher_gap, rows) == []


def test_voucher_gap_with_period_any_looks_at_each_month():
    rows = [exp(3, "记-001", date=dt.date(2026, 9, 3)), exp(4, "记-002", date=dt.date(2026, 9, 9)),
            exp(5, "记-001", date=dt.date(2026, 10, 3)), exp(6, "记-002", date=dt.date(2026, 10, 5))]
    assert run(voucher_gap, rows, context=ctx("any")) == []


# -- duplicate-row ---------------------------------------------------------------------------------------------
def test_duplicate_row_one_finding_per_row():
    a = exp(3, invoice="111")
    rows = [a, replace(a, row=4), exp(5, "记-002")]
    found = run(duplicate_row, rows)
    assert [(f.row, f.column, f.voucher) for f in found] == [(3, None, "记-001"), (4, None, "记-001")]
    assert "4" in found[0].message and "3" in found[1].message


def test_rows_differing_in_one_field_are_not_duplicates():
    a = exp(3, invoice="111")
    assert run(duplicate_row, [a, replace(a, row=4, payee="另一家店")]) == []


# -- approvals, payee, attachments ------------------------------------------------------------------------------
def test_missing_approval_names_the_blank_ones():
    found = run(missing_approval, [exp(3, approver=""), exp(4, "记-002", handler=" ", reviewer="")])
    assert [(f.row, f.column) for f in found] == [(3, "I"), (4, "G")]
    assert "审批人" in found[0].message and "经手人、审核人" in found[1].message


def test_missing_approval_in_a_journal_only_for_its_columns():
    journal_columns = tuple((k, c) for k, c in LIST_COLUMNS if k in ("date", "voucher", "summary", "amount", "handler"))
    row = exp(3, layout=JOURNAL, columns=journal_columns, handler="张三", reviewer="", approver="", payee="",
              attachments=None)
    assert run(missing_approval, [row]) == []
    assert len(run(missing_approval, [replace(row, handler="")])) == 1
    assert run(missing_payee, [row]) == [] and run(no_attachments, [row]) == []


def test_missing_payee_in_expense_list_even_without_the_column():
    no_column = tuple(c for c in LIST_COLUMNS if c[0] != "payee")
    found = run(missing_payee, [exp(3, payee=""), exp(4, "记-002", payee="", columns=no_column)])
    assert [(f.row, f.column) for f in found] == [(3, "E"), (4, None)]
    journal = exp(5, "记-003", payee="", layout=JOURNAL)  # a journal with a payee column
    assert len(run(missing_payee, [journal])) == 1


def test_no_attachments_once_per_voucher_largest_value_counts():
    rows = [exp(3, "记-001", attachments=None), exp(4, "记-001", attachments=2),  # declared once: fine
            exp(5, "记-002", attachments=0), exp(6, "记-002", attachments=None)]  # a 白条
    found = run(no_attachments, rows)
    assert [(f.row, f.column, f.voucher) for f in found] == [(5, "K", "记-002")]


# -- thresholds on voucher totals ------------------------------------------------------------------------------
def test_cash_over_limit_on_the_voucher_total():
    rows = [exp(3, "记-001", method="现金", amount="600"), exp(4, "记-001", method="现金", amount="600"),
            exp(5, "记-002", method="现金", amount="900"), exp(6, "记-003", method="转账", amount="5000")]
    found = run(cash_over_limit, rows)
    assert [(f.row, f.column, f.voucher) for f in found] == [(3, "L", "记-001")]
    assert "1,200.00" in found[0].message and "1,000.00" in found[0].message


def test_cash_limit_from_config():
    config = Config(rules=Rules(cash_limit=Decimal("500")))
    assert len(run(cash_over_limit, [exp(3, method="现金支付", amount="900")], config)) == 1


def test_needs_resolution_unless_remarks_name_one():
    big = exp(3, "记-001", amount="80000.00", summary="村道硬化工程款", payee="某某建筑公司")
    found = run(needs_resolution, [big])
    assert [(f.row, f.column, f.severity) for f in found] == [(3, "M", WARNING)]
    assert run(needs_resolution, [replace(big, remarks="2026年第3次村民代表会议决议")]) == []
    # the voucher's total counts, and a 决议 on any of its rows
    halves = [exp(3, "记-001", amount="30000"), exp(4, "记-001", amount="30000")]
    assert len(run(needs_resolution, halves)) == 1
    assert run(needs_resolution, [halves[0], replace(halves[1], remarks="见两委会会议纪要")]) == []
    assert run(needs_resolution, [exp(3, amount="50000.00")]) == []  # not above


def test_possible_split_one_finding_per_row():
    rows = [exp(3, "记-001", payee="某某建材店", amount="20000", date=dt.date(2026, 10, 1)),
            exp(4, "记-002", payee="某某建材店", amount="20000", date=dt.date(2026, 10, 2)),
            exp(5, "记-003", payee="某某建材店 ", amount="15000", date=dt.date(2026, 10, 4)),
            exp(6, "记-004", payee="另一家", amount="20000", date=dt.date(2026, 10, 2))]
    found = run(possible_split, rows)
    assert [(f.row, f.column) for f in found] == [(3, "E"), (4, "E"), (5, "E")]
    assert "55,000.00" in found[0].message and "3 笔" in found[0].message


def test_split_that_stays_under_the_threshold_or_spreads_out_is_fine():
    under = [exp(3, "记-001", payee="某某建材店", amount="20000"), exp(4, "记-002", payee="某某建材店", amount="25000")]
    assert run(possible_split, under) == []
    spread = [exp(3, "记-001", payee="某某建材店", amount="30000", date=dt.date(2026, 10, 1)),
              exp(4, "记-002", payee="某某建材店", amount="30000", date=dt.date(2026, 10, 9))]
    assert run(possible_split, spread) == []
    # one voucher above the threshold on its own is needs-resolution's business, not a split
    alone = [exp(3, "记-001", payee="某某建材店", amount="60000"), exp(4, "记-002", payee="某某建材店", amount="100")]
    assert run(possible_split, alone) == []


def test_split_window_from_config():
    rows = [exp(3, "记-001", payee="甲", amount="30000", date=dt.date(2026, 10, 1)),
            exp(4, "记-002", payee="甲", amount="30000", date=dt.date(2026, 10, 9))]
    config = Config(rules=Rules(split_window_days=10))
    assert len(run(possible_split, rows, config)) == 2


# -- text checks -----------------------------------------------------------------------------------------------
def test_vague_summary():
    rows = [exp(3, summary="其他"), exp(4, "记-002", summary=" 杂费 "), exp(5, "记-003", summary="买纸"),
            exp(6, "记-004", summary="购买打印纸"), exp(7, "记-005", summary="")]
    found = run(vague_summary, rows)
    assert [(f.row, f.column) for f in found] == [(3, "C"), (4, "C"), (5, "C")]
    config = Config(rules=Rules(vague_terms=("购买打印纸",), min_summary_chars=2))
    assert [f.row for f in run(vague_summary, rows, config)] == [6]


def test_negative_amount_is_a_warning():
    found = run(negative_amount, [exp(3, amount="-120.50"), exp(4, "记-002")])
    assert [(f.row, f.column, f.severity) for f in found] == [(3, "F", WARNING)]
    assert "-120.50" in found[0].message


@pytest.mark.parametrize("category", ["办公费", "管理费用", "管理费用_办公费", "管理费用/办公费", "513", "51301",
                                      "51301 办公费", "公益支出", "", "  "])
def test_known_or_blank_category_is_fine(category):
    assert run(unknown_category, [exp(3, category=category)]) == []


def test_unknown_category_and_extra_accounts():
    found = run(unknown_category, [exp(3, category="水泥款")])
    assert [(f.row, f.column, f.severity) for f in found] == [(3, "D", WARNING)]
    chart = load_chart(ChartConf(system="2023", extra=(ExtraAccount("51399", "水泥款", "公益支出"),)))
    assert run(unknown_category, [exp(3, category="水泥款")], context=ctx(chart=chart)) == []
    # 541 管理费用 is an account of the 2004 chart only
    assert len(run(unknown_category, [exp(3, category="541")])) == 1
    chart_2004 = load_chart(ChartConf(system="2004"))
    assert run(unknown_category, [exp(3, category="541")], context=ctx(chart=chart_2004)) == []


def test_many_expenses_stay_linear():
    # 6,000 vouchers of one payee within the window: the split rule must not go quadratic
    rows = [exp(i + 3, f"记-{i + 1:04d}", payee="同一家", amount="100", invoice=f"I{i}") for i in range(6000)]
    found = apply_rules(tuple(rows), Config(), ctx())
    assert codes(found).count("possible-split") == 6000


# -- voucher numbers (villagefin.vouchers) ----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "key"), [
    ("记-012", ("记", 12)), ("记12", ("记", 12)), ("记字第12号", ("记", 12)), ("记-12", ("记", 12)),
    ("银付-3", ("银付", 3)), ("12", ("", 12)), ("012", ("", 12)), ("现收003", ("现收", 3)),
    ("记 字 第 0012 号", ("记", 12)), ("记－０１２", ("记", 12)), ("银付字第003号", ("银付", 3)),
    ("", None), ("记", None), ("作废", None),
])
def test_parse_voucher(text, key):
    from villagefin.vouchers import parse_voucher

    assert parse_voucher(text) == key


def test_format_voucher():
    from villagefin.vouchers import format_voucher

    assert format_voucher("记", 12) == "记-012"
    assert format_voucher("银付", 3, width=2) == "银付-03"
    assert format_voucher("", 7) == "007"


def test_a_remark_that_says_there_is_no_resolution_is_not_one():
    from villagefin.rules import has_resolution

    assert has_resolution("2026年第5次村民代表会议决议")
    assert not has_resolution("无决议") and not has_resolution("没有决议，先行支付")

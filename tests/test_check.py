"""`villagefin check` end to end: the sample township, the CLI contract (SPEC 4.1), configuration errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HEADER, REPO, SAMPLES, expense_row

from villagefin.check import run_check
from villagefin.config import Config, load_config, parse_config
from villagefin.errors import ConfigError
from villagefin.findings import CATALOGUE
from villagefin.text import report_dict

EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def sample_report():
    return run_check(None, load_config(SAMPLES), month=EXPECTED["period"])


def test_samples_counts_and_totals_are_exact(sample_report):
    villages = report_dict(sample_report)["villages"]
    for vid, expected in EXPECTED["villages"].items():
        assert villages[vid]["expenses"] == expected["expenses"], vid
        assert villages[vid]["total"] == expected["total"], vid


def test_samples_find_every_seeded_error_at_its_place_and_nothing_else(sample_report):
    got = sorted((f.village, f.file, f.sheet, f.row, f.column, f.code) for f in sample_report.findings
                 if f.severity == "error")
    want = sorted((e["village"], e["file"], e["sheet"], e["row"], e["column"], e["code"]) for e in EXPECTED["errors"])
    assert got == want


def test_samples_seeded_warnings_are_found(sample_report):
    got = {(f.village, f.row, f.code) for f in sample_report.findings if f.severity == "warning"}
    for w in EXPECTED["warnings"]:
        assert (w["village"], w["row"], w["code"]) in got, w


def test_only_the_error_village_has_errors(sample_report):
    assert {f.village for f in sample_report.findings if f.severity == "error"} == {"shiqiao"}


def test_every_code_emitted_is_in_the_catalogue_and_messages_say_how_to_fix(sample_report):
    for f in sample_report.findings:
        assert f.code in CATALOGUE
        assert "{" not in f.message and "请" in f.message


def test_findings_are_sorted_by_file_sheet_row(sample_report):
    keys = [f.sort_key() for f in sample_report.findings]
    assert keys == sorted(keys)


def test_cli_json_equals_the_library_report(sample_report):
    proc = cli("check", "--month", EXPECTED["period"], "--format", "json", cwd=SAMPLES)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc == json.loads(json.dumps(report_dict(sample_report), ensure_ascii=False))
    assert doc["period"] == "2026-10"
    assert "石桥村" not in proc.stdout or "\\u" not in proc.stdout  # Chinese written as itself
    assert set(doc) == {"period", "files", "findings", "villages", "errors", "warnings"}
    assert {"path", "village", "sheet", "layout", "rows", "expenses"} == set(doc["files"][0])


def test_cli_text_report_and_exit_codes(tmp_path, write_xlsx):
    good = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="好村.xlsx")
    proc = cli("check", str(good), "--month", "2026-10")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "没有错误" in proc.stdout and "100.00" in proc.stdout
    bad = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 0)], name="坏村.xlsx")
    proc = cli("check", str(good), str(bad), "--month", "2026-10")
    assert proc.returncode == 1
    assert "bad-amount" in proc.stdout and "第 2 行" in proc.stdout and "好村" in proc.stdout


def test_missing_file_is_a_finding_not_a_usage_error(tmp_path):
    proc = cli("check", str(tmp_path / "没有这个文件.xlsx"), "--month", "2026-10", "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [f["code"] for f in doc["findings"]] == ["unreadable-file"]
    assert "Traceback" not in proc.stderr


def test_unknown_village_and_bad_month_are_usage_errors():
    proc = cli("check", "--village", "nosuch", cwd=SAMPLES)
    assert proc.returncode == 2 and "nosuch" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("check", "--month", "2026-13", cwd=SAMPLES)
    assert proc.returncode == 2 and "YYYY-MM" in proc.stderr


def test_village_filter_checks_only_that_village():
    report = run_check(None, load_config(SAMPLES), month="2026-10", villages=["hexi"])
    assert {s.village for s in report.files} == {"hexi"}
    assert report.errors == 0


def test_month_any_accepts_every_month(write_xlsx, check_file):
    path = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10, month=3)])
    assert check_file(path, month="any").errors == 0
    assert check_file(path, month="2026-10").errors == 1


@pytest.mark.parametrize("toml, key", [
    ("[rules]\ncash_limit = 1000.5\n", "rules.cash_limit"),
    ("[township]\nnmae = \"x\"\n", "township.nmae"),
    ("[[villages]]\nid = \"Xin Jie\"\n", "villages[0].id"),
    ("[[villages]]\nid = \"xinjie\\n\"\n", "villages[0].id"),  # `$` would match before the final newline
    ("[[villages]]\nid = \"a\"\n[[villages]]\nid = \"a\"\n", "villages[1].id"),
    ("[[villages]]\nid = \"a\"\nledgers = [\"x.xlsx\"]\n[[villages]]\nid = \"b\"\nledgers = [\"x.xlsx\"]\n",
     "villages[1].ledgers"),
    ("[[villages]]\nid = \"a\"\nledgers = [\"x.xlsx#甲\"]\n[[villages]]\nid = \"b\"\nledgers = [\"x.xlsx#甲\"]\n",
     "villages[1].ledgers"),
    ("[publication]\npaper = \"B5\"\n", "publication.paper"),
    ("[rules]\ncash_limit = true\n", "rules.cash_limit"),
    ("[rules]\nresolution_threshold = \"-5\"\n", "rules.resolution_threshold"),
    ("[township\n", "格式错误"),
])
def test_bad_config_is_one_line_naming_the_key(tmp_path, toml, key):
    (tmp_path / "villagefin.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert key in str(exc.value)
    proc = cli("check", cwd=tmp_path)
    assert proc.returncode == 2 and key in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_different_sheets_of_one_workbook_are_no_conflict():
    config = parse_config({"villages": [{"id": "a", "ledgers": ["x.xlsx#甲"]}, {"id": "b", "ledgers": ["x.xlsx#乙"]}]})
    assert [v.id for v in config.villages] == ["a", "b"]


def test_one_file_claimed_by_two_globs_is_a_config_error(tmp_path, write_xlsx):
    write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)], name="ledgers/a.xlsx")
    (tmp_path / "villagefin.toml").write_text(
        "[[villages]]\nid = \"a\"\nledgers = [\"ledgers/*.xlsx\"]\n[[villages]]\nid = \"b\"\nledgers = [\"ledgers/a.xlsx\"]\n",
        encoding="utf-8")
    proc = cli("check", "--month", "2026-10", cwd=tmp_path)
    assert proc.returncode == 2 and "ledgers/a.xlsx" in proc.stderr


def test_lock_and_hidden_files_are_skipped(tmp_path, write_xlsx):
    write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)], name="ledgers/a.xlsx")
    for junk in ("~$a.xlsx", ".~lock.a.xlsx#", ".hidden.xlsx"):
        (tmp_path / "ledgers" / junk).write_bytes(b"lock")
    (tmp_path / "villagefin.toml").write_text("[[villages]]\nid = \"a\"\nledgers = [\"ledgers/*\"]\n", encoding="utf-8")
    report = run_check(None, load_config(tmp_path), month="2026-10")
    assert report.errors == 0 and len(report.expenses) == 1


def test_sheet_selector_reads_only_that_sheet(tmp_path, write_xlsx):
    rows = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)]
    write_xlsx(rows, name="all.xlsx", sheet="甲村", sheets={"乙村": rows, "草稿": [["乱写"]]}, hidden_sheets=["草稿"])
    (tmp_path / "villagefin.toml").write_text(
        "[[villages]]\nid = \"a\"\nledgers = [\"all.xlsx#甲村\"]\n[[villages]]\nid = \"b\"\nledgers = [\"all.xlsx#乙村\"]\n",
        encoding="utf-8")
    report = run_check(None, load_config(tmp_path), month="2026-10")
    assert [(s.village, s.sheet) for s in report.files] == [("a", "甲村"), ("b", "乙村")]
    assert not [f for f in report.findings if f.code in ("hidden-content", "no-header", "duplicate-invoice")]


def test_check_works_from_a_folder_with_chinese_name(tmp_path):
    target = tmp_path / "新街镇 账务"
    shutil.copytree(SAMPLES, target)
    proc = cli("check", "--month", "2026-10", "--village", "xinjie", cwd=target)
    assert proc.returncode == 0, proc.stderr
    assert "新街村" in proc.stdout


def test_annotate_writes_marked_copies_and_leaves_originals(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES, ws)
    original = (ws / "ledgers/shiqiao/2026-10.xlsx").read_bytes()
    proc = cli("check", "--month", "2026-10", "--annotate", str(tmp_path / "反馈"), cwd=ws)
    assert proc.returncode == 1, proc.stderr
    copy = tmp_path / "反馈" / "shiqiao" / "2026-10.xlsx"
    assert copy.is_file()
    assert (ws / "ledgers/shiqiao/2026-10.xlsx").read_bytes() == original
    from openpyxl import load_workbook

    wb = load_workbook(copy)
    assert wb.sheetnames[0] == "检查结果"
    assert wb["10月"]["F6"].comment is not None  # the missing amount
    assert (tmp_path / "反馈" / "dongfeng").is_dir()  # the .xls comes back as .xlsx too
    assert list((tmp_path / "反馈" / "dongfeng").glob("*.xlsx"))


def test_a_gbk_console_never_crashes(write_xlsx):
    """Accountants' Windows consoles are GBK: characters outside it are replaced, never a crash."""
    import os

    path = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 0)], name="𠮷村.xlsx")
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", str(path), "--month", "2026-10"],
                          capture_output=True, env={**os.environ, "PYTHONIOENCODING": "gbk"}, timeout=120)
    assert proc.returncode == 1, proc.stderr.decode("gbk", "replace")
    out = proc.stdout.decode("gbk")
    assert "bad-amount" in out and "?村" in out
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("args, words", [
    (["nosuchcmd"], "没有命令"), (["check", "--format", "xml"], "只能是"), (["check", "--bogus"], "没有选项"),
    (["template"], "缺少必需的"),
])
def test_usage_errors_are_one_chinese_line_and_exit_2(args, words):
    proc = cli(*args)
    assert proc.returncode == 2 and words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_village_filter_still_sees_an_invoice_used_by_another_village(tmp_path, write_xlsx):
    rows_a = [HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10, invoice="00000001")]
    rows_b = [HEADER, expense_row(9, "记-001", "购买办公用打印纸10包", 10, invoice="00000001")]
    write_xlsx(rows_a, name="all.xlsx", sheet="甲村", sheets={"乙村": rows_b})
    (tmp_path / "villagefin.toml").write_text(
        "[[villages]]\nid = \"a\"\nledgers = [\"all.xlsx#甲村\"]\n[[villages]]\nid = \"b\"\nledgers = [\"all.xlsx#乙村\"]\n",
        encoding="utf-8")
    report = run_check(None, load_config(tmp_path), month="2026-10", villages=["b"])
    assert [(f.code, f.village, f.sheet) for f in report.findings if f.severity == "error"] == [
        ("duplicate-invoice", "b", "乙村")]
    assert {s.village for s in report.files} == {"b"} and set(report.village_totals()) == {"b"}


def test_a_folder_with_a_file_per_month_reads_this_months_file(tmp_path, write_xlsx):
    write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10, month=9)], name="ledgers/a/2026-09.xlsx")
    write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 20)], name="ledgers/a/2026-10.xlsx")
    write_xlsx([HEADER, expense_row(8, "记-009", "购买办公用打印纸10包", 30, month=9)], name="ledgers/a/补记.xlsx")
    (tmp_path / "villagefin.toml").write_text("[[villages]]\nid = \"a\"\nledgers = [\"ledgers/a/*.xlsx\"]\n",
                                              encoding="utf-8")
    report = run_check(None, load_config(tmp_path), month="2026-10")
    assert [s.path for s in report.files] == ["ledgers/a/2026-10.xlsx", "ledgers/a/补记.xlsx"]
    assert [(f.code, f.file) for f in report.findings if f.severity == "error"] == [
        ("date-outside-period", "ledgers/a/补记.xlsx")]  # a file not named for another month is reported
    sept = run_check(None, load_config(tmp_path), month="2026-09")
    assert sorted(s.path for s in sept.files) == ["ledgers/a/2026-09.xlsx", "ledgers/a/补记.xlsx"]
    assert sept.errors == 0


def test_debug_shows_the_traceback_a_plain_run_hides(tmp_path):
    plain = cli("check", "--config", str(tmp_path / "nothere.toml"))
    debug = cli("check", "--config", str(tmp_path / "nothere.toml"), "--debug")
    assert plain.returncode == 2 and "Traceback" not in plain.stderr and "找不到配置文件" in plain.stderr
    assert "Traceback" in debug.stderr and "ConfigError" in debug.stderr


@pytest.mark.parametrize("count", [0, 1, 2000, 2001, 4000])
def test_json_report_is_written_in_pieces_that_join_to_the_document(count):
    """`check --format json` writes the report as it is made (SPEC 18: 450,000 findings held twice took 1.3 GB)."""
    from villagefin.findings import make
    from villagefin.model import CheckReport
    from villagefin.text import report_dict, report_json, report_json_chunks

    found = tuple(make("missing-payee", village="xinjie", file="a.xlsx", sheet="10月", row=i + 3, column="E",
                       voucher=f"记-{i}") for i in range(count))
    report = CheckReport(period="2026-10", files=(), expenses=(), findings=found, village_names={"xinjie": "新街村"})
    assert json.loads(report_json(report)) == report_dict(report)
    assert "".join(report_json_chunks(report)) == report_json(report)
    assert len(list(report_json_chunks(report))) >= 2 + count // 2000


def test_a_placeholder_invoice_number_is_no_duplicate_across_villages(tmp_path, write_xlsx):
    """One invoice key (rules.invoice_key) everywhere: "000" and "0" are placeholders, not numbers, in the
    township-wide duplicate-invoice as in the one-village rules (the parent's fast path used to keep "000")."""
    a = write_xlsx([HEADER, expense_row(8, "记-001", "购买村部办公用打印纸10包", 120, invoice="000")], name="甲村.xlsx")
    b = write_xlsx([HEADER, expense_row(9, "记-001", "购买村部办公用墨盒2个", 260, invoice="000")], name="乙村.xlsx")
    report = run_check([str(a), str(b)], Config(), month="2026-10")
    assert "duplicate-invoice" not in {f.code for f in report.findings}
    real = write_xlsx([HEADER, expense_row(9, "记-002", "购买村部办公用墨盒2个", 260,
                                           invoice="26342646589155456771")], name="丙村.xlsx")
    again = write_xlsx([HEADER, expense_row(10, "记-003", "购买村部办公用纸", 90, invoice="26342646589155456771")],
                       name="丁村.xlsx")
    report = run_check([str(real), str(again)], Config(), month="2026-10")
    assert [f.code for f in report.findings if f.code == "duplicate-invoice"] == ["duplicate-invoice"] * 2


def test_a_villages_invoice_lines_travel_packed_and_come_back_as_they_were():
    import pickle
    from decimal import Decimal

    from villagefin.check import InvoiceLine, VillageInvoices
    from villagefin.rules import invoice_key

    rows = [("０００１２３４５", "记-001", Decimal("12.30"), "村.xlsx", "10月支出", 3, "K", "", "天长市文具店"),
            ("无", "记-002", Decimal("-5.00"), "村.xlsx", None, 4, None, "3400", "")]
    sent = VillageInvoices(iter(rows))
    back = pickle.loads(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))
    assert back.keys == sent.keys == [invoice_key(r[0]) for r in rows] == ["00012345", ""]
    assert list(back) == list(sent) == [InvoiceLine(*r) for r in rows]
    assert all(type(line) is InvoiceLine and type(line.amount) is Decimal for line in back)
    assert len(back) == 2

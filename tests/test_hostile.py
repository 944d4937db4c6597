"""Bad input of any kind: a finding or a one-line error naming the file, never a traceback (SPEC 9)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from conftest import FIXTURES, HEADER, REPO, expense_row

from villagefin.check import run_check
from villagefin.config import Config

HOSTILE = ["zero-byte.xlsx", "random-bytes.xlsx", "truncated.xlsx", "password-protected.xlsx",
           "xls-bad-boundsheet.xls"]
#: files that make python-calamine abort the process (SPEC 11); other readers can read them
CALAMINE_KILLERS = ["calamine-sst-bomb.xlsx", "xls-huge-dimensions.xls"]


def _check_json(*paths):
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", *map(str, paths),
                           "--month", "2026-10", "--format", "json"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)


@pytest.mark.parametrize("name", CALAMINE_KILLERS)
def test_files_that_kill_calamine_do_not_kill_check(name, write_xlsx):
    good = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="好村.xlsx")
    proc, doc = _check_json(FIXTURES / name, good)
    assert proc.returncode in (0, 1)
    assert doc["villages"]["好村"]["expenses"] == 1
    # read by a safe reader, or said to be unreadable: never a dead process
    own = [f["code"] for f in doc["findings"] if f["file"].endswith(name) and f["severity"] == "error"]
    assert own in ([], ["unreadable-file"])


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_unreadable_and_the_others_are_still_checked(name, write_xlsx):
    good = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="好村.xlsx")
    before = hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", str(FIXTURES / name), str(good),
                           "--month", "2026-10", "--format", "json"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    bad = [f for f in doc["findings"] if f["severity"] == "error"]
    assert [f["code"] for f in bad] == ["unreadable-file"]
    assert bad[0]["file"].endswith(name)
    assert doc["villages"]["好村"]["expenses"] == 1
    assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == before  # input never modified


def test_password_protected_says_so():
    report = run_check([str(FIXTURES / "password-protected.xlsx")], Config(), month="2026-10")
    assert "密码" in report.findings[0].message


def test_oversized_file_is_unreadable(tmp_path):
    big = tmp_path / "大文件.xlsx"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    report = run_check([str(big)], Config(), month="2026-10")
    assert [f.code for f in report.findings] == ["unreadable-file"]
    assert "50" in report.findings[0].message


def test_directory_and_text_file_named_xlsx(tmp_path):
    (tmp_path / "目录.xlsx").mkdir()
    (tmp_path / "文本.xlsx").write_text("这不是表格", encoding="utf-8")
    report = run_check([str(tmp_path / "目录.xlsx"), str(tmp_path / "文本.xlsx")], Config(), month="2026-10")
    assert [f.code for f in report.findings] == ["unreadable-file", "unreadable-file"]


def test_empty_workbook_and_headerless_data(tmp_path):
    report = run_check([str(FIXTURES / "empty-workbook.xlsx"), str(FIXTURES / "no-header.xlsx")], Config(),
                       month="2026-10")
    assert [f.code for f in report.findings if f.severity == "error"] == ["no-header", "no-header"]


def test_worker_killed_by_a_reader_becomes_a_finding(tmp_path, monkeypatch, write_xlsx):
    """A reader that aborts the process (as python-calamine can, SPEC 11) costs only its own file."""
    good = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="好村.xlsx")
    killer = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="abort-me.xlsx")
    code = (
        "import os, sys\n"
        "import villagefin.check as c\n"
        "real = c.read_workbook\n"
        "def boom(path, only_sheet=None):\n"
        "    if 'abort-me' in str(path):\n"
        "        os.abort()\n"
        "    return real(path, only_sheet=only_sheet)\n"
        "c.read_workbook = boom\n"
        "from villagefin.config import Config\n"
        f"r = c.run_check([{str(killer)!r}, {str(good)!r}], Config(), month='2026-10')\n"
        "print([(f.code, f.file.endswith('abort-me.xlsx')) for f in r.findings], len(r.expenses))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[('unreadable-file', True)] 1"

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


# -- bounded work (SPEC 18): a sheet bigger than 2,000,000 cells is 「表格过大」, whatever its file size ----------
_XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx_without_references(path, rows: int, cols: int):
    """Cells with no r= attribute (calamine places them one after another): rows x cols of them, streamed."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("xl/workbook.xml", f'<workbook {_XLSX_NS} xmlns:r="{_REL}"><sheets>'
                   '<sheet name="10月" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f"<worksheet {_XLSX_NS}><sheetData>".encode())
            row = b"<row>" + b"<c><v>1</v></c>" * cols + b"</row>"
            for _ in range(rows // 100):
                f.write(row * 100)
            f.write(b"</sheetData></worksheet>")
    return path


def _ods_repeated_row(path, rows: int, cols: int):
    import zipfile

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f'<office:document-content {ns}><office:body><office:spreadsheet>'
                   f'<table:table table:name="10月"><table:table-row table:number-rows-repeated="{rows}">'
                   f'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated='
                   f'"{cols}"><text:p>1</text:p></table:table-cell></table:table-row></table:table>'
                   "</office:spreadsheet></office:body></office:document-content>")
        z.writestr("META-INF/manifest.xml",
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


@pytest.mark.parametrize("build", [
    lambda d: _ods_repeated_row(d / "重复行.ods", 1_000_000, 20),  # 800 bytes: 57 s and 2.2 GB before
    lambda d: _xlsx_without_references(d / "无引用.xlsx", 40_000, 1_000),  # 1.2 MB, 640 MB of XML: 62 s, 4.7 GB
    lambda d: _xlsx_without_references(d / "无引用小.xlsx", 3_000, 1_000),  # 48 MB of XML: counted, not placed
], ids=["ods-repeated-row", "xlsx-no-references", "xlsx-no-references-small"])
def test_a_sheet_too_large_is_unreadable_and_check_stays_quick(tmp_path, build, write_xlsx):
    import time

    bomb = build(tmp_path)
    assert bomb.stat().st_size < 2_000_000
    good = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 100)], name="好村.xlsx")
    start = time.perf_counter()
    proc, doc = _check_json(bomb, good)
    assert time.perf_counter() - start < 30  # measured: about 1 s; before: a minute and gigabytes
    assert proc.returncode == 1
    [bad] = [f for f in doc["findings"] if f["file"].endswith(bomb.name)]
    assert bad["code"] == "unreadable-file" and "表格过大" in bad["message"]
    assert doc["villages"]["好村"]["expenses"] == 1

"""The low-level readers (villagefin.ingest.read): cells aligned to A1, structure calamine cannot see, .xls via
xlrd, CSV encodings and delimiters, and hostile files that must raise ReadError without killing the process.

tests/fixtures/read/lo-structure.{xlsx,xls,ods} were written once from one openpyxl workbook (`_lo_source`
below) by LibreOffice 7.4: `soffice --headless --convert-to xls|xlsx|ods lo-structure-source.xlsx`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from villagefin.ingest import read as R
from villagefin.ingest.read import MAX_BYTES, RawSheet, ReadError, read_workbook, sheet_names

FIX = Path(__file__).resolve().parent / "fixtures" / "read"
REPO = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


# ----------------------------------------------------------------------------------------------------- helpers


@pytest.fixture
def xlsx(tmp_path: Path):
    """xlsx({"sheet": {"C5": value, ...}, ...}, merged=[...], hidden_rows=[...], hidden_cols=[...],
    states={"sheet": "hidden"}) → path. Structure options apply to the first sheet. openpyxl writes formulas
    without a cached value, as it always does."""

    def make(sheets: dict[str, dict[str, object]], *, name: str = "新街村.xlsx", merged: tuple[str, ...] = (),
             hidden_rows: tuple[int, ...] = (), hidden_cols: tuple[str, ...] = (),
             states: dict[str, str] | None = None) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for i, (title, cells) in enumerate(sheets.items()):
            ws = wb.create_sheet(title)
            for ref, value in cells.items():
                ws[ref] = value
            if i == 0:
                for rng in merged:
                    ws.merge_cells(rng)
                for r in hidden_rows:
                    ws.row_dimensions[r].hidden = True
                for c in hidden_cols:
                    ws.column_dimensions[c].hidden = True
            ws.sheet_state = (states or {}).get(title, "visible")
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def _lo_source(path: Path) -> None:
    """The workbook behind tests/fixtures/read/lo-structure.* (kept for regeneration)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支出"
    ws["A1"] = "新街村2026年10月支出明细"
    ws.merge_cells("A1:F1")
    ws.append(["日期", "凭证号", "摘要", "金额", "经手人", "备注"])
    ws.append([dt.date(2026, 10, 8), "记-001", "购买办公用品", 120.5, "张三", ""])
    ws.append([dt.date(2026, 10, 9), "记-002", "支付村部电费", 300, "李四", "隐藏行"])
    ws.append([dt.datetime(2026, 10, 12, 9, 30), "记-003", "道路维修材料款", 1234.56, "王五", "决议2026-5"])
    ws.append(["", "", "本月合计", "=SUM(D3:D5)", "", ""])
    ws["A7"] = "制表人：张会计"
    ws.merge_cells("A7:B8")
    ws.row_dimensions[4].hidden = True
    ws.column_dimensions["E"].hidden = True
    old = wb.create_sheet("旧账")
    old["A1"] = "9月"
    old.sheet_state = "hidden"
    note = wb.create_sheet("说明")
    note["C5"] = "填写说明"
    note["D6"] = 42
    wb.save(path)


def patched(src: Path, dst: Path, member: str, old: bytes, new: bytes) -> Path:
    """A copy of the zip `src` with bytes `old` replaced by `new` in one member (which must contain them)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                assert old in data, f"{old!r} not in {member}"
                data = data.replace(old, new)
            zout.writestr(info, data)
    return dst


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def minimal_xlsx(path: Path, sheet_xml: str, shared: list[str] | None = None, sst_attrs: str = "") -> Path:
    """A hand-built .xlsx with one sheet "支出" whose XML is `sheet_xml` (and shared strings if given)."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {_NS} xmlns:r="{rel}"><sheets>'
                   '<sheet name="支出" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                   "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            attrs = sst_attrs or f'count="{len(shared)}" uniqueCount="{len(shared)}"'
            z.writestr("xl/sharedStrings.xml", f"<sst {_NS} {attrs}>{items}</sst>")
    return path


def run_child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter: a process abort there cannot take pytest down with it."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env=env, encoding="utf-8")


def reason_of(path: Path | str) -> str:
    with pytest.raises(ReadError) as info:
        read_workbook(path)
    reason = info.value.reason
    assert str(info.value) == reason and CJK.search(reason), reason
    assert not reason.endswith("。"), "the reason goes into 无法读取此文件：{reason}。"
    return reason


# ------------------------------------------------------------------------------------------ xlsx: cells, structure


def test_cells_are_aligned_to_a1_when_the_data_starts_at_c5(xlsx):
    path = xlsx({"支出": {"C5": "日期", "D5": "金额", "C6": dt.date(2026, 10, 8), "D6": 12.5, "E7": "尾"}})
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows[4][2] == "日期" and sheet.rows[4][3] == "金额"
    assert sheet.rows[5][2] == dt.date(2026, 10, 8) and sheet.rows[5][3] == 12.5
    assert sheet.rows[6][4] == "尾"
    assert all(v == "" for row in sheet.rows[:4] for v in row)
    assert [row[:2] for row in sheet.rows] == [["", ""]] * 7


def test_values_keep_their_types(xlsx):
    path = xlsx({"支出": {"A1": dt.date(2026, 10, 8), "A2": dt.datetime(2026, 10, 8, 13, 5), "A3": dt.time(10, 30),
                          "A4": 1234.5000000001, "A5": True, "A6": "  摘 要 ", "A7": 3}})
    col = [row[0] for row in read_workbook(path).sheets[0].rows]
    assert col[0] == dt.date(2026, 10, 8) and type(col[0]) is dt.date
    assert col[1] == dt.datetime(2026, 10, 8, 13, 5)
    assert col[2] == dt.time(10, 30)
    assert col[3] == 1234.5000000001 and isinstance(col[3], float)
    assert col[4] is True
    assert col[5] == "  摘 要 "  # nothing is stripped
    assert col[6] == 3


def test_merged_ranges_are_zero_based_and_inclusive(xlsx):
    path = xlsx({"支出": {"A1": "标题", "C10": "合并", "A3": "x"}}, merged=("A1:F1", "C10:D11"))
    assert sorted(read_workbook(path).sheets[0].merged) == [(0, 0, 0, 5), (9, 2, 10, 3)]


def test_hidden_rows_columns_and_sheets(xlsx):
    cells = {f"{c}{r}": f"{c}{r}" for c in "ABCDE" for r in range(1, 10)}
    path = xlsx({"支出": cells, "旧账": {"A1": "9月"}, "机密": {"A1": "x"}, "空白": {}},
                hidden_rows=(7, 8), hidden_cols=("D",), states={"旧账": "hidden", "机密": "veryHidden"})
    book = read_workbook(path)
    assert [(s.name, s.hidden) for s in book.sheets] == [("支出", False), ("旧账", True), ("机密", True),
                                                         ("空白", False)]
    first = book.sheets[0]
    assert first.hidden_rows == {6, 7} and first.hidden_cols == {3}
    assert book.sheets[1].rows == [["9月"]] and book.sheets[3].rows == []
    assert sheet_names(path) == [("支出", False), ("旧账", True), ("机密", True), ("空白", False)]


def test_hidden_columns_are_reported_only_inside_the_cell_area(xlsx, tmp_path):
    path = xlsx({"支出": {"A1": "日期", "C1": "金额", "H2": "备注"}})
    # "hide every column right of the table" as Excel writes it: one <col> from H to XFD
    out = patched(path, tmp_path / "cols.xlsx", "xl/worksheets/sheet1.xml", b"<sheetData>",
                  b'<cols><col min="2" max="2" hidden="true"/><col min="8" max="16384" hidden="1"/></cols>'
                  b"<sheetData>")
    assert read_workbook(out).sheets[0].hidden_cols == {1, 7}


def test_formula_without_cached_value(xlsx):
    path = xlsx({"支出": {"D1": "金额", "D2": 1, "D3": 2, "D4": "=SUM(D2:D3)", "F9": "=1+1"}})
    sheet = read_workbook(path).sheets[0]
    assert sheet.formula_no_value == {(3, 3), (8, 5)}
    assert sheet.rows[3][3] == "" and sheet.rows[8][5] == ""  # rows reach every cell named


def test_formulas_with_cached_values_are_not_flagged():
    sheet = read_workbook(FIX / "lo-structure.xlsx").sheets[0]
    assert sheet.rows[5][3] == pytest.approx(1655.06) and sheet.formula_no_value == frozenset()


@pytest.mark.parametrize(("cell", "value", "flagged"), [
    (b'<c r="D6" t="str"><f>IF(D5="","",D5)</f><v></v></c>', "", False),  # Excel's cached empty string
    (b'<c r="D6"><f>SUM(D3:D5)</f></c>', "", True),  # no <v> at all
    (b'<c r="D6" t="n"><f>SUM(D3:D5)</f><v/></c>', "", True),
    (b'<c r="D6" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!", False),  # calamine says "", we say the error
    (b'<c r="D6"><f t="shared" ref="D6:D6" si="0">SUM(D3:D5)</f>\n  <v>7</v></c>', 7.0, False),  # whitespace
    (b'<c r="D6"><f t="shared" si="0"/></c>', "", True),
])
def test_formula_cells_as_generators_write_them(tmp_path, cell, value, flagged):
    src = FIX / "lo-structure.xlsx"
    with zipfile.ZipFile(src) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    old = re.search(rb'<c r="D6"[^>]*>.*?</c>', xml).group(0)
    sheet = read_workbook(patched(src, tmp_path / "f.xlsx", "xl/worksheets/sheet1.xml", old, cell)).sheets[0]
    assert sheet.rows[5][3] == value
    assert ((5, 3) in sheet.formula_no_value) is flagged


def test_prefixed_xml_and_cells_without_r_go_through_the_full_scan(tmp_path):
    sheet_xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>金额</x:t></x:is></x:c></x:row>'
        '<x:row hidden="1"><x:c><x:v>5</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="B4"><x:f>A2*2</x:f></x:c><x:c><x:f>A2</x:f><x:v>5</x:v></x:c>'
        '<x:c t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>")
    sheet = read_workbook(minimal_xlsx(tmp_path / "prefixed.xlsx", sheet_xml)).sheets[0]
    assert sheet.rows[0][0] == "金额" and sheet.rows[1][0] == 5.0
    assert sheet.hidden_rows == {1}
    assert sheet.formula_no_value == {(3, 1)}
    assert sheet.rows[3][2:4] == [5.0, "#DIV/0!"]


def test_a_stray_far_cell_makes_the_sheet_too_large(xlsx):
    # A1 and XFD1048576: the real extent is 17 billion cells (SPEC 18); refused before any reader allocates
    path = xlsx({"支出": {"A1": "日期", "B2": 5, "XFD1048576": "远处"}})
    reason = reason_of(path)
    assert reason.startswith("表格过大") and "支出" in reason


def test_a_dimension_that_lies_about_the_rows_is_caught(tmp_path):
    sheet_xml = (f'<worksheet {_NS}><dimension ref="A1:B1"/><sheetData>'
                 '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                 '<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row></sheetData></worksheet>')
    path = minimal_xlsx(tmp_path / "lying.xlsx", sheet_xml, shared=["日期", "远处"])
    assert reason_of(path).startswith("表格过大")


def test_a_dimension_that_claims_the_whole_sheet_over_three_cells_is_read(tmp_path):
    sheet_xml = (f'<worksheet {_NS}><dimension ref="A1:XFD1048576"/><sheetData>'
                 '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row></sheetData></worksheet>')
    sheet = read_workbook(minimal_xlsx(tmp_path / "claims.xlsx", sheet_xml, shared=["日期"])).sheets[0]
    assert sheet.rows == [["日期", 2.0]]


def test_rows_out_of_order_are_measured_by_their_largest_reference(tmp_path):
    sheet_xml = (f'<worksheet {_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                 '<row r="1048576"><c r="A1048576"><v>2</v></c></row>'
                 '<row r="2"><c r="ZZ2"><v>3</v></c></row></sheetData></worksheet>')
    assert reason_of(minimal_xlsx(tmp_path / "order.xlsx", sheet_xml)).startswith("表格过大")


@pytest.mark.parametrize(("cells", "too_large"), [
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row r="3"><c r="B3"/></row>', False),
    # the last row says one digit; a cell of a row before it has seven (the quick scan must not trust order)
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c r="A1048576"/></row><row r="3"><c r="B3"/></row>', True),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c r="b1048576"/></row><row r="3"><c r="B3"/></row>', True),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c r="AB2"/></row><row r="1048576"><c r="B1048576"/></row>',
     True),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row r="3"><c r="B3"/><c/><c/></row>', False),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row><c r="A1048576"/><c/></row><row r="3"><c r="B3"/></row>', True),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row><c r="A2"/></row><row r="3"><c r="B3"/></row>', False),
    ('<row r="1"><c r="A1"/><c r="B1"/></row><row><c r="A1048576"/></row><row r="3"><c r="B3"/></row>', True),
], ids=["small", "far-row-out-of-order", "lower-case", "two-letters", "no-reference", "row-without-r",
        "row-without-r-cells-with", "row-without-r-far-cell"])
def test_the_extent_of_simple_sheets_is_bounded_by_their_references(cells, too_large):
    from villagefin.ingest.sheetxml import MAX_CELLS, xlsx_extent

    extent = xlsx_extent(f"<worksheet {_NS}><sheetData>{cells}</sheetData></worksheet>".encode())
    assert (extent > MAX_CELLS) is too_large


@pytest.mark.parametrize(("cells", "too_large"), [(2, False), (3, True)])
def test_cells_without_a_reference_count_where_calamine_puts_them(tmp_path, cells, too_large):
    # row 1,000,000 with cells that have no r=: they sit in A, B, C... so the extent is 1,000,000 x cells
    sheet_xml = (f'<worksheet {_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1000000">'
                 + "<c><v>7</v></c>" * cells + "</row></sheetData></worksheet>")
    path = minimal_xlsx(tmp_path / "noref.xlsx", sheet_xml)
    if too_large:
        assert reason_of(path).startswith("表格过大")
    else:
        sheet = read_workbook(path).sheets[0]
        assert len(sheet.rows) == 1_000_000 and sheet.rows[-1] == [7.0, 7.0]


def test_millions_of_cells_without_a_reference_are_refused_quickly(tmp_path):
    # 3 million reference-less cells in 48 MB of XML (100 kB zipped): counted, not placed one by one
    sheet_xml = (f"<worksheet {_NS}><sheetData>" + ("<row>" + "<c><v>1</v></c>" * 1000 + "</row>") * 3000
                 + "</sheetData></worksheet>")
    path = minimal_xlsx(tmp_path / "noref-bomb.xlsx", sheet_xml)
    assert path.stat().st_size < 2_000_000
    assert reason_of(path).startswith("表格过大")


def test_one_long_shared_string_shown_by_many_cells_is_too_large(tmp_path):
    # 6,000 cells each showing a 32,000-character string: calamine would build 576 MB of text
    row = "<row>" + '<c t="s"><v>0</v></c>' * 20 + "</row>"
    sheet_xml = f"<worksheet {_NS}><sheetData>" + row * 300 + "</sheetData></worksheet>"
    path = minimal_xlsx(tmp_path / "sst-bomb.xlsx", sheet_xml, shared=["账" * 32000])
    reason = reason_of(path)
    assert reason.startswith("表格过大") and "文字" in reason


def _ods(path: Path, table_xml: str) -> Path:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f'<office:document-content {ns} office:version="1.2"><office:body>'
                                  f"<office:spreadsheet>{table_xml}</office:spreadsheet></office:body>"
                                  "</office:document-content>")
        z.writestr("META-INF/manifest.xml",
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
    return path


_VALUE_CELL = '<table:table-cell office:value-type="float" office:value="1"{}><text:p>1</text:p></table:table-cell>'


@pytest.mark.parametrize(("rows", "columns"), [(1_000_000, 20), (1000, 16384)])
def test_ods_repeated_rows_and_columns_count(tmp_path, rows, columns):
    # under 1 kB: one row (or one cell) with a value, repeated; calamine would expand it whole
    repeat = f' table:number-columns-repeated="{columns}"'
    path = _ods(tmp_path / "repeat.ods", f'<table:table table:name="10月"><table:table-row '
                                         f'table:number-rows-repeated="{rows}">{_VALUE_CELL.format(repeat)}'
                                         "</table:table-row></table:table>")
    assert path.stat().st_size < 1000
    assert reason_of(path).startswith("表格过大：工作表“10月”")
    with pytest.raises(ReadError):
        sheet_names(path)  # opening the file with calamine expands every table


def test_ods_padding_without_values_is_not_counted(tmp_path):
    # LibreOffice pads a sheet with a million empty rows of 1,024 empty cells: nothing to read there
    path = _ods(tmp_path / "padded.ods", '<table:table table:name="10月"><table:table-row>'
                + _VALUE_CELL.format("") + "</table:table-row>"
                '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row></table:table>')
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows == [[1.0]]


def test_a_csv_too_wide_is_too_large(tmp_path):
    path = tmp_path / "宽.csv"
    path.write_bytes(b"," * 2_100_000 + b"\n")
    assert reason_of(path).startswith("表格过大")


# ---------------------------------------------------------------------------------------------- only_sheet, names


def test_only_sheet_reads_that_sheet_alone(xlsx):
    path = xlsx({"新街村": {"A1": 1}, "老街村": {"A1": 2}, "草稿": {"A1": 3}}, states={"草稿": "hidden"})
    book = read_workbook(path, only_sheet="老街村")
    assert [s.name for s in book.sheets] == ["老街村"] and book.sheets[0].rows == [[2.0]]
    assert [s.name for s in read_workbook(path, only_sheet=" 老街村 ").sheets] == ["老街村"]
    with pytest.raises(ReadError) as info:
        read_workbook(path, only_sheet="东街村")
    assert "东街村" in info.value.reason and "新街村" in info.value.reason and "草稿" in info.value.reason


def test_sheet_names_of_every_kind(tmp_path):
    expected = [("支出", False), ("旧账", True), ("说明", False)]
    for suffix in ("xlsx", "xls", "ods"):
        assert sheet_names(FIX / f"lo-structure.{suffix}") == expected, suffix
    csv_path = tmp_path / "新街村10月.csv"
    csv_path.write_text("日期,金额\n", encoding="utf-8")
    assert sheet_names(csv_path) == [("新街村10月", False)]


# ---------------------------------------------------------------------------- files LibreOffice wrote: xls, xlsx, ods


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_files(suffix):
    book = read_workbook(FIX / f"lo-structure.{suffix}")
    assert book.kind == suffix
    assert [(s.name, s.hidden) for s in book.sheets] == [("支出", False), ("旧账", True), ("说明", False)]
    main, old, note = book.sheets
    rows = main.rows
    assert rows[0][0] == "新街村2026年10月支出明细"
    assert rows[1] == ["日期", "凭证号", "摘要", "金额", "经手人", "备注"]
    assert rows[2][:5] == [dt.date(2026, 10, 8), "记-001", "购买办公用品", 120.5, "张三"]
    assert rows[3] == [dt.date(2026, 10, 9), "记-002", "支付村部电费", 300.0, "李四", "隐藏行"]
    assert rows[4][0] == dt.datetime(2026, 10, 12, 9, 30) and rows[4][3] == 1234.56
    assert rows[5][2:4] == ["本月合计", pytest.approx(1655.06)]  # the formula's cached value
    assert rows[6][0] == "制表人：张会计"
    assert sorted(main.merged) == [(0, 0, 0, 5), (6, 0, 7, 1)]
    assert main.hidden_rows == {3} and main.hidden_cols == {4}
    assert main.formula_no_value == frozenset()
    assert old.rows == [["9月"]]
    assert note.rows[4][2] == "填写说明" and note.rows[5][3] == 42.0


def test_lo_fixture_matches_its_source(tmp_path):
    _lo_source(tmp_path / "src.xlsx")
    src = read_workbook(tmp_path / "src.xlsx").sheets[0]
    lo = read_workbook(FIX / "lo-structure.xlsx").sheets[0]
    assert src.rows[:5] == lo.rows[:5] and sorted(src.merged) == sorted(lo.merged)
    assert (src.hidden_rows, src.hidden_cols) == (lo.hidden_rows, lo.hidden_cols)
    assert src.formula_no_value == {(5, 3)}  # openpyxl stored no value; LibreOffice computed one


def test_renamed_files_are_read_for_what_they_are(tmp_path):
    xls_as_xlsx = tmp_path / "其实是xls.xlsx"
    xls_as_xlsx.write_bytes((FIX / "lo-structure.xls").read_bytes())
    xlsx_as_xls = tmp_path / "其实是xlsx.xls"
    xlsx_as_xls.write_bytes((FIX / "lo-structure.xlsx").read_bytes())
    assert read_workbook(xls_as_xlsx).kind == "xls"
    assert read_workbook(xlsx_as_xls).kind == "xlsx"


# ------------------------------------------------------------------------------------------------------------ csv


def _csv(tmp_path: Path, text: str, encoding: str, name: str = "新街村.csv") -> RawSheet:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    book = read_workbook(path)
    assert book.kind == "csv" and len(book.sheets) == 1
    return book.sheets[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    lines = [["新街村2026年10月支出明细", "", ""], ["日期", "摘要", "金额"],
             ["2026-10-08", "购买办公用品，含墨盒", "1,234.50"], ["2026/10/9", "电费", "￥300.00"]]
    text = "\r\n".join(delimiter.join(f'"{v}"' if "," in v else v for v in line) for line in lines) + "\r\n"
    sheet = _csv(tmp_path, text, encoding)
    assert sheet.name == "新街村"
    assert sheet.rows == lines
    assert (sheet.hidden, sheet.merged, sheet.hidden_rows, sheet.formula_no_value) == (False, [], set(), set())


def test_csv_quoted_line_break_is_one_record(tmp_path):
    text = ('日期,摘要,金额\n2026-10-08,"购买办公用品\n（第二行说明）",120.50\n\n2026-10-09,电费,300\n'
            ',,\n\n')
    rows = _csv(tmp_path, text, "gb18030").rows
    assert rows[1] == ["2026-10-08", "购买办公用品\n（第二行说明）", "120.50"]
    assert rows[2] == []  # a blank line keeps its row number
    assert rows[3] == ["2026-10-09", "电费", "300"]  # Excel shows this record as row 4
    assert len(rows) == 4  # trailing empty records dropped


def test_csv_delimiter_is_sniffed_outside_quotes(tmp_path):
    text = '日期;摘要;金额\n2026-10-08;"办公用品,墨盒,纸张";"1,20"\n2026-10-09;电费;300\n'
    assert _csv(tmp_path, text, "utf-8").rows[1] == ["2026-10-08", "办公用品,墨盒,纸张", "1,20"]


def test_csv_only_sheet_is_its_name(tmp_path):
    path = tmp_path / "老街村.csv"
    path.write_text("a,b\n", encoding="utf-8")
    assert read_workbook(path, only_sheet="老街村").sheets[0].rows == [["a", "b"]]
    with pytest.raises(ReadError):
        read_workbook(path, only_sheet="新街村")


def test_csv_binary_content_is_refused(tmp_path):
    path = tmp_path / "坏.csv"
    path.write_bytes(b"a,b\n\x00\x01\x02")
    assert "二进制" in reason_of(path)


# -------------------------------------------------------------------------------------------------- hostile files


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {_NS}><sheetData/></worksheet>")


def _encrypted(path: Path) -> None:
    # what Excel writes for a workbook with an open password: an OLE compound file holding EncryptionInfo
    # and EncryptedPackage streams (directory entry names are UTF-16LE)
    body = bytearray(4096)
    body[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    for i, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        raw = name.encode("utf-16-le")
        body[1024 + 128 * i:1024 + 128 * i + len(raw)] = raw
    path.write_bytes(bytes(body))


def _over_limit(path: Path) -> None:
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: instant, no disk used


HOSTILE = {
    "zero-byte.xlsx": (lambda p: p.write_bytes(b""), "空"),
    "random.xlsx": (lambda p: p.write_bytes(os.urandom(4096)), "损坏"),
    "truncated.xlsx": (lambda p: p.write_bytes((FIX / "lo-structure.xlsx").read_bytes()[:4000]), "损坏"),
    "no-workbook.xlsx": (_zip_without_workbook, "xl/workbook.xml"),
    "password.xlsx": (_encrypted, "文件设有打开密码，请取消密码后另存"),
    "huge.xlsx": (_over_limit, "文件超过 50 MB"),
    "folder.xlsx": (lambda p: p.mkdir(), "文件夹"),
    "missing.xlsx": (lambda p: None, "文件不存在"),
    "web-page.xls": (lambda p: p.write_bytes("<html><table><tr><td>日期</td></tr></table></html>".encode()), "HTML"),
    "binary.xlsb": (lambda p: _xlsb(p), "xlsb"),
    "random.xls": (lambda p: p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(4088)), "损坏"),
    "notes.docx": (lambda p: p.write_bytes(b"hello"), "不是表格文件"),
}


def _xlsb(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.bin", b"\x00")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_raise_read_error(tmp_path, name):
    make, expected = HOSTILE[name]
    path = tmp_path / name
    make(path)
    assert expected in reason_of(path)
    with pytest.raises(ReadError):
        sheet_names(path)


def test_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "锁定.xlsx"
    path.write_bytes((FIX / "lo-structure.xlsx").read_bytes())

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(R, "open", refuse, raising=False)  # running as root, chmod 000 would not stop us
    assert "权限" in reason_of(path)


def test_zip_member_that_claims_to_inflate_past_a_gigabyte(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes((FIX / "lo-structure.xlsx").read_bytes())
    data = bytearray(path.read_bytes())
    # patch the uncompressed size of every entry in the central directory to 2 GiB
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 24:pos + 28] = struct.pack("<I", 2**31)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    assert "过大" in reason_of(path)


def _sst_bomb(tmp_path: Path) -> Path:
    # a real LibreOffice-written workbook whose shared strings claim 4294967295 unique entries
    src = FIX / "lo-structure.xlsx"
    with zipfile.ZipFile(src) as z:
        sst = z.read("xl/sharedStrings.xml")
    old = re.search(rb'uniqueCount="\d+"', sst).group(0)
    return patched(src, tmp_path / "sst-bomb.xlsx", "xl/sharedStrings.xml", old, b'uniqueCount="4294967295"')


def test_shared_strings_count_bomb_is_refused_before_calamine(tmp_path):
    assert "sharedStrings" in reason_of(_sst_bomb(tmp_path))


def test_shared_strings_count_bomb_leaves_the_process_alive(tmp_path):
    child = run_child(
        "import sys\nfrom villagefin.ingest.read import ReadError, read_workbook\n"
        "try:\n    read_workbook(sys.argv[1])\nexcept ReadError as e:\n    print('ReadError', e.reason)\n"
        "print('alive')", str(_sst_bomb(tmp_path)))
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.startswith("ReadError 文件已损坏") and child.stdout.rstrip().endswith("alive")


def test_large_use_count_of_few_shared_strings_is_fine(tmp_path):
    # count (uses) may exceed what the part could hold; only uniqueCount is reserved by calamine
    sheet_xml = (f'<worksheet {_NS}><dimension ref="A1:B1"/><sheetData><row r="1">'
                 '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>')
    path = minimal_xlsx(tmp_path / "uses.xlsx", sheet_xml, shared=["日期", "金额"],
                        sst_attrs='count="4294967295" uniqueCount="2"')
    assert read_workbook(path).sheets[0].rows == [["日期", "金额"]]


def _xls_records(data: bytes, rtype: int) -> list[int]:
    """Offsets of BIFF records of `rtype` in an .xls (a crude scan, good for LibreOffice's small files)."""
    found, pos = [], 0
    while (pos := data.find(struct.pack("<H", rtype), pos)) >= 0:
        found.append(pos)
        pos += 1
    return found


def test_calamine_panic_becomes_read_error(tmp_path):
    # a BOUNDSHEET record pointing past the stream: calamine raises pyo3_runtime.PanicException (a
    # BaseException); xlrd, which reads .xls for us, raises an ordinary error
    data = bytearray((FIX / "lo-structure.xls").read_bytes())
    for pos in _xls_records(bytes(data), 0x0085):
        length = struct.unpack("<H", data[pos + 2:pos + 4])[0]
        if 8 <= length < 300 and data[pos + 9] == 0:
            data[pos + 4:pos + 8] = struct.pack("<i", 0x7FFFFFF0)
            break
    path = tmp_path / "bad-boundsheet.xls"
    path.write_bytes(bytes(data))
    assert "损坏" in reason_of(path)
    from python_calamine import CalamineWorkbook

    with pytest.raises(ReadError):
        R._calamine(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


def test_base_exceptions_from_calamine_become_read_errors_but_interrupts_do_not():
    class PanicException(BaseException):
        pass

    def panic():
        raise PanicException("index out of range")

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(ReadError):
        R._calamine(panic)
    with pytest.raises(KeyboardInterrupt):
        R._calamine(interrupt)


def test_xls_with_huge_dimensions_record_is_refused(tmp_path):
    data = bytearray((FIX / "lo-structure.xls").read_bytes())
    patched_any = False
    for pos in _xls_records(bytes(data), 0x0200):
        if struct.unpack("<H", data[pos + 2:pos + 4])[0] == 14:
            data[pos + 8:pos + 12] = struct.pack("<I", 0xFFFFFF)  # last row + 1
            data[pos + 14:pos + 16] = struct.pack("<H", 256)  # last column + 1
            patched_any = True
    assert patched_any
    path = tmp_path / "huge-dimensions.xls"
    path.write_bytes(bytes(data))
    assert "尺寸" in reason_of(path)

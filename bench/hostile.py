"""Benchmark (SPEC 18, "bounded work"): build each hostile ledger in a temp folder and measure `check` and
`check --annotate` on it, one file at a time: seconds, peak memory of the largest process (ru_maxrss of the
children) and of the whole process tree. Bars: under 1 GB and 60 s on every file, for both commands.

    python bench/hostile.py [--only NAME] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workspace import VILLAGEFIN, run_sampled  # noqa: E402

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MiB = 1 << 20


def write_ods(path: Path, table_xml: str) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{table_xml}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return path


def write_xlsx(path: Path, sheet_chunks, shared: list[str] | None = None) -> Path:
    """A minimal .xlsx whose sheet1.xml is the concatenation of `sheet_chunks` (bytes), streamed."""
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
             '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
             'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {XLSX_NS} xmlns:r="http://schemas.openxmlformats.org/'
          'officeDocument/2006/relationships"><sheets><sheet name="10月" sheetId="1" r:id="rId1"/></sheets>'
          "</workbook>")
    wb_rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/worksheet" Target="worksheets/sheet1.xml"/>']
    if shared is not None:
        wb_rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    f'package/2006/relationships">{"".join(wb_rels)}</Relationships>')
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            zf.writestr("xl/sharedStrings.xml", f'<sst {XLSX_NS} count="{len(shared)}" '
                                                f'uniqueCount="{len(shared)}">{items}</sst>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for chunk in sheet_chunks:
                f.write(chunk)
    return path


def _sheet(body, dimension: str = "") -> object:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {XLSX_NS}>{dimension}<sheetData>'.encode()
    yield from body
    yield b"</sheetData></worksheet>"


def ods_row_bomb(path: Path) -> Path:
    """One row with a value, repeated a million times (872 bytes)."""
    return write_ods(path, '<table:table table:name="10月"><table:table-row table:number-rows-repeated="1000000">'
                           '<table:table-cell office:value-type="float" office:value="1" '
                           'table:number-columns-repeated="20"><text:p>1</text:p></table:table-cell>'
                           "</table:table-row></table:table>")


def ods_column_bomb(path: Path) -> Path:
    """A cell with a value repeated across 16,384 columns, in 1,000 rows."""
    return write_ods(path, '<table:table table:name="10月"><table:table-row table:number-rows-repeated="1000">'
                           '<table:table-cell office:value-type="string" table:number-columns-repeated="16384">'
                           "<text:p>x</text:p></table:table-cell></table:table-row></table:table>")


def xlsx_no_refs(path: Path, rows: int = 40_000, cols: int = 1_000) -> Path:
    """Cells without r= attributes: 40 million of them, about 2 MB zipped."""
    row = b"<row>" + b"<c><v>1</v></c>" * cols + b"</row>"

    def body():
        for _ in range(rows // 100):
            yield row * 100

    return write_xlsx(path, _sheet(body()))


def xlsx_huge_dimension(path: Path) -> Path:
    """A <dimension> that claims the whole sheet over three cells."""
    body = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1"><v>2</v></c></row>']
    return write_xlsx(path, _sheet(body, '<dimension ref="A1:XFD1048576"/>'))


def xlsx_far_cell(path: Path) -> Path:
    """A value in A1 and one in XFD1048576: 17 billion cells between them."""
    body = [b'<row r="1"><c r="A1"><v>1</v></c></row>',
            b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>']
    return write_xlsx(path, _sheet(body))


def xlsx_rows_out_of_order(path: Path) -> Path:
    """Rows whose r= jump back: the last row says 2, one in the middle says 1048576, the columns reach ZZZ."""
    body = [b'<row r="1"><c r="A1"><v>1</v></c></row>',
            b'<row r="1048576"><c r="A1048576"><v>2</v></c></row>',
            b'<row r="2"><c r="ZZZ2"><v>3</v></c></row>']
    return write_xlsx(path, _sheet(body))


def xlsx_shared_string_bomb(path: Path, cells: int = 1_500_000) -> Path:
    """1.5 million cells that all show the same 32,000-character shared string."""
    row = b"".join(b'<c t="s"><v>0</v></c>' for _ in range(15))

    def body():
        for _ in range(cells // 15 // 1000):
            yield (b"<row>" + row + b"</row>") * 1000

    return write_xlsx(path, _sheet(body()), shared=["账" * 32000])


def xlsx_near_limit(path: Path, rows: int = 150_000) -> Path:
    """A plain ledger just under the bound: 150,000 rows x 13 columns of numbers (1.95 million cells)."""
    letters = "ABCDEFGHIJKLM"

    def body():
        for start in range(1, rows + 1, 1000):
            yield b"".join(
                f'<row r="{r}">'.encode() + b"".join(f'<c r="{c}{r}"><v>{r % 977}.5</v></c>'.encode() for c in letters)
                + b"</row>" for r in range(start, min(start + 1000, rows + 1)))

    return write_xlsx(path, _sheet(body()))


def xlsx_findings_everywhere(path: Path, rows: int = 150_000) -> Path:
    """A ledger just under the bound whose every row has findings: 150,000 expenses x 13 columns, each with a
    vague summary, no payee and no approver (about 450,000 findings)."""
    header = ["日期", "凭证号", "摘要", "科目", "收款方", "金额", "经手人", "审核人", "审批人", "发票号码", "附件张数",
              "支付方式", "备注"]
    letters = "ABCDEFGHIJKLM"

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    def body():
        yield ('<row r="1">' + "".join(text(f"{c}1", h) for c, h in zip(letters, header, strict=True))
               + "</row>").encode()
        for start in range(2, rows + 2, 1000):
            yield "".join(
                f'<row r="{r}"><c r="A{r}"><v>{46296 + r % 28}</v></c>{text(f"B{r}", f"记-{r}")}'
                f'{text(f"C{r}", "其他")}{text(f"D{r}", "办公费")}<c r="F{r}"><v>{r % 900 + 1}.5</v></c>'
                f'{text(f"G{r}", "张三")}{text(f"H{r}", "李四")}<c r="K{r}"><v>1</v></c>{text(f"L{r}", "转账")}'
                f'{text(f"M{r}", "无")}</row>' for r in range(start, min(start + 1000, rows + 2))).encode()

    return write_xlsx(path, _sheet(body()))


def csv_wide(path: Path) -> Path:
    """One line of 20 million commas."""
    path.write_bytes(b"," * 20_000_000 + b"\n")
    return path


def csv_tall(path: Path) -> Path:
    """Ten million lines of three fields."""
    path.write_bytes(b"1,2,3\n" * 8_000_000)
    return path


HOSTILE = {
    "ods-row-bomb.ods": ods_row_bomb,
    "ods-column-bomb.ods": ods_column_bomb,
    "xlsx-no-refs.xlsx": xlsx_no_refs,
    "xlsx-huge-dimension.xlsx": xlsx_huge_dimension,
    "xlsx-far-cell.xlsx": xlsx_far_cell,
    "xlsx-rows-out-of-order.xlsx": xlsx_rows_out_of_order,
    "xlsx-shared-string-bomb.xlsx": xlsx_shared_string_bomb,
    "xlsx-near-limit.xlsx": xlsx_near_limit,
    "xlsx-findings-everywhere.xlsx": xlsx_findings_everywhere,
    "csv-wide.csv": csv_wide,
    "csv-tall.csv": csv_tall,
}

#: runs a command with its output to a file; prints the ru_maxrss (KiB) of the largest process among its
#: descendants (RUSAGE_CHILDREN counts every worker its parent waited for)
_MAXRSS = ("import resource, subprocess, sys\n"
           "with open(sys.argv[1], 'wb') as out:\n"
           "    p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)\n"
           "sys.stderr.buffer.write(p.stderr[-1500:])\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(p.returncode)\n")


def run(cmd: list[str], cwd: Path) -> dict:
    """Seconds, peak memory (largest process, and the whole tree sampled every 20 ms), exit code, stdout."""
    out = cwd / "stdout.txt"
    rc, wall, peak, stdout, stderr = run_sampled([sys.executable, "-c", _MAXRSS, str(out), *cmd], cwd)
    return {"wall": wall, "maxrss_mb": int(stdout.strip() or 0) / 1024, "tree_mb": peak / 1e6,
            "rc": rc, "stdout": out.read_text(encoding="utf-8", errors="replace"),
            "stderr": stderr.decode("utf-8", "replace")}


def _finding(m: dict) -> str:
    try:
        doc = json.loads(m["stdout"])
    except ValueError:
        last = (m["stderr"].strip().splitlines() or [""])[-1]
        return f"NO REPORT {last[:70]}"
    codes = sorted({f["code"] for f in doc["findings"] if f["severity"] == "error"})
    big = any("表格过大" in f["message"] for f in doc["findings"])
    return ",".join(codes) + ("「表格过大」" if big else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vf-hostile-"))
    ok = True
    try:
        print(f"{'file':30} {'bytes':>11}  {'command':16} {'s':>6} {'max MB':>7} {'tree MB':>8}  rc  error findings")
        for name, build in HOSTILE.items():
            if args.only and args.only not in name:
                continue
            path = build(folder / name)
            for label, extra in (("check", []), ("check --annotate", ["--annotate", str(folder / "批注")])):
                cmd = [*VILLAGEFIN, "check", str(path), "--month", "2026-10", "--format", "json", *extra]
                m = run(cmd, folder)
                passed = m["wall"] < 60 and m["maxrss_mb"] < 1000 and m["tree_mb"] < 1000 and m["rc"] in (0, 1)
                ok = ok and passed
                print(f"{name:30} {path.stat().st_size:>11,}  {label:16} {m['wall']:6.1f} {m['maxrss_mb']:7.0f} "
                      f"{m['tree_mb']:8.0f}  {m['rc']:>3}  {_finding(m)}{'' if passed else '  ← MISSED'}", flush=True)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print("all under 1 GB and 60 s" if ok else "some bars MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

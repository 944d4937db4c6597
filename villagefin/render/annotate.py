"""Annotated copies of the ledgers for `check --annotate DIR` (SPEC 4.1).

Each workbook a village handed in comes back as `DIR/<village>/<original name>.xlsx`: every finding's cell
filled (errors red, warnings amber) and commented with the message(s), and a first sheet 「检查结果」 that
lists every finding with a link to its cell. The original file is only read, never written.

.xlsx/.xlsm are loaded with openpyxl so that formatting stays; .xls, .csv and .ods are rebuilt from the cells
the ingest reader sees. Unlike the other renderers this one works on ledgers and findings, not on the public
view: the annotated copies are internal and show the originals (SPEC 5.6).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ..model import ERROR, Finding
from ..output import save_workbook

RESULTS_SHEET = "检查结果"
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
HEADER_FILL = "D9E1F2"
RESULT_HEADERS = ("级别", "代码", "工作表", "行", "列", "凭证号", "说明")
AUTHOR = "villagefin"

_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
_ROW_FILL_MAX_COLUMNS = 40
_BAD_TITLE = re.compile(r"[\\/?*\[\]:]")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_COLUMN = re.compile(r"[A-Z]{1,3}")


@dataclass(frozen=True, slots=True)
class CopyJob:
    """One annotated copy to write: the ledger it is made from, where it goes, the findings it shows, and
    whether the check could read the ledger at all (if not, it is not read again: the copy holds only the
    检查结果 sheet)."""

    source: Path
    target: Path
    findings: tuple[Finding, ...]
    readable: bool = True


def plan_copies(
    findings: Sequence[Finding],
    sources: Mapping[str, Path],
    out_dir: Path,
    village_of: Mapping[str, str],
) -> list[CopyJob]:
    """The copies `annotate` writes, in order. `sources` maps a finding's `file` (as displayed) to the real
    path; `village_of` maps it to the village whose folder the copy goes in. A workbook read by two villages
    (each through its own "#sheet") gets one copy per village, each with that village's findings."""
    by_copy: dict[tuple[str, str], list[Finding]] = {}
    for display in sources:
        village = village_of.get(display)
        if village:
            by_copy.setdefault((village, display), [])
    for f in findings:
        if f.file is None or f.file not in sources:
            continue
        village = f.village or village_of.get(f.file) or "未分村"
        by_copy.setdefault((village, f.file), []).append(f)
    jobs: list[CopyJob] = []
    used: set[Path] = set()
    for (village, display), own in sorted(by_copy.items()):
        source = Path(sources[display])
        target = _target(Path(out_dir), village, source, used)
        used.add(target)
        unreadable = any(f.code == "unreadable-file" for f in own)
        jobs.append(CopyJob(source, target, tuple(sorted(own, key=Finding.sort_key)), not unreadable))
    return jobs


def write_copy(job: CopyJob, read_cells: Callable[[Path], object | None]) -> Path:
    """Read the ledger (unless the check could not), mark it and save the copy; the original is only read.

    `read_cells(path)` gives the ledger's cells as the checker read them (a `RawWorkbook`, None when it cannot be
    read): the caller's reader, for a file openpyxl cannot open (.xls, .csv, .ods) — render imports no reader."""
    if len(job.findings) > _MAX_LISTED_IN_PLACE:
        return _write_results_streamed(job, MANY_NOTE.format(n=len(job.findings)))
    workbook, names, note = _load(job.source, read_cells) if job.readable else (*_empty(), None)
    _annotate_workbook(workbook, names, list(job.findings), note)
    save_workbook(workbook, job.target, "批注文件")
    return job.target


def write_results_only(job: CopyJob) -> Path:
    """The copy without reading the ledger: only the 检查结果 sheet (when reading it failed)."""
    if len(job.findings) > _MAX_LISTED_IN_PLACE:
        return _write_results_streamed(job, None)
    workbook, names = _empty()
    _annotate_workbook(workbook, names, list(job.findings))
    save_workbook(workbook, job.target, "批注文件")
    return job.target


#: past this many findings a copy is the 检查结果 sheet alone, streamed (openpyxl's write-only mode): marking
#: hundreds of thousands of cells in place costs gigabytes and minutes; and it lists at most _MAX_LISTED of
#: them (about 50 µs a cell to write), saying so: the report printed by `check` has every one
_MAX_LISTED_IN_PLACE = 10_000
_MAX_LISTED = 30_000
MANY_NOTE = "问题较多（共 {n:,} 个），批注文件只列出检查结果，没有复制原表；请按“工作表、行、列”到原表中查找。"
CAPPED_NOTE = ("问题较多（共 {n:,} 个），这里只列出前 {shown:,} 个，没有复制原表；"
               "完整的列表见 check 的报告（可加 --format json 另存）。")


def _write_results_streamed(job: CopyJob, note: str | None) -> Path:
    """The 检查结果 sheet alone, row by row: memory stays flat however many findings there are."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(RESULTS_SHEET)
    ws.sheet_properties.tabColor = "C00000" if any(f.severity == ERROR for f in job.findings) else "FFC000"
    for letter, width in zip("ABCDEFG", (7, 20, 16, 7, 6, 12, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    fills = _fills()
    bold = Font(bold=True)
    header = []
    for label in RESULT_HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    if len(job.findings) > _MAX_LISTED:
        note = CAPPED_NOTE.format(n=len(job.findings), shown=_MAX_LISTED)
    if note:
        cell = WriteOnlyCell(ws, value=note)
        cell.font = bold
        ws.append([None] * 6 + [cell])
    for f in job.findings[:_MAX_LISTED]:
        severity = "error" if f.severity == ERROR else "warning"
        first = WriteOnlyCell(ws, value="错误" if severity == "error" else "警告")
        first.fill = fills[severity]
        ws.append([first, *(_plain(ws, v) for v in (f.code, f.sheet or "", f.row, f.column or "", f.voucher or "",
                                                    f.message))])
    save_workbook(workbook, job.target, "批注文件")
    return job.target


def _plain(ws, value: object) -> object:
    """A value for a write-only row: text that looks like a formula stays text."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    if not text.startswith("="):
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def annotate(
    findings: Sequence[Finding],
    sources: Mapping[str, Path],
    out_dir: Path,
    village_of: Mapping[str, str],
    read_cells: Callable[[Path], object | None],
) -> list[Path]:
    """Write an annotated copy of every source workbook, in this process; return the paths written."""
    return [write_copy(job, read_cells) for job in plan_copies(findings, sources, out_dir, village_of)]


# -- paths -----------------------------------------------------------------------------------------------------
#: file systems allow 255 bytes (UTF-8) or 255 UTF-16 units in a name: a longer copy name is shortened, with
#: room left for "-2" and the temp file's suffix
_MAX_NAME_BYTES = 200


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .")
    return cleaned or "_"


def _fits(name: str) -> bool:
    return len(name.encode("utf-8", "surrogatepass")) <= _MAX_NAME_BYTES


def _shorten(text: str, max_bytes: int) -> str:
    return text.encode("utf-8", "surrogatepass")[:max_bytes].decode("utf-8", "ignore").strip(" .")


def _copy_stem(village: str, source: Path) -> str:
    """The copy's name without .xlsx: the ledger's, or when too long for the file system the village, the
    start of the ledger's name and a hash of the whole (two long names stay apart)."""
    stem = _safe_name(source.stem)
    if _fits(stem + ".xlsx-99"):
        return stem
    digest = hashlib.sha256(source.name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = _shorten(_safe_name(village), 60)
    return f"{head}-{_shorten(stem, _MAX_NAME_BYTES - len(head.encode()) - 30)}-{digest}"


def _target(out_dir: Path, village: str, source: Path, used: set[Path]) -> Path:
    folder = out_dir / _shorten(_safe_name(village), _MAX_NAME_BYTES)
    stem = _copy_stem(village, source)
    target = folder / f"{stem}.xlsx"
    n = 2
    while target in used:
        target = folder / f"{stem}-{n}.xlsx"
        n += 1
    return target


# -- loading ---------------------------------------------------------------------------------------------------
#: a ledger bigger than this is not copied cell by cell (openpyxl needs about 1 kB and 20 µs a cell, twice): its
#: copy lists the findings only, so that `check --annotate` stays within SPEC 18's bounds
_MAX_COPY_CELLS = 300_000
_MAX_COPY_XML_BYTES = 12 * 1024 * 1024
BIG_NOTE = "表格较大，批注文件只列出检查结果，没有复制原表；请按“工作表、行、列”到原表中查找。"


def _xml_bytes(source: Path) -> int:
    """The inflated size of an .xlsx's worksheets, from the zip directory (nothing inflated)."""
    try:
        with zipfile.ZipFile(source) as zf:
            return sum(i.file_size for i in zf.infolist() if i.filename.lower().startswith("xl/worksheets/"))
    except Exception:
        return 0  # not a zip: openpyxl will say so


def _load(source: Path, read_cells: Callable[[Path], object | None]) -> tuple[object, dict[str, object], str | None]:
    """The workbook to annotate, the original (formatting kept) or one rebuilt from its cells, its worksheets
    by the sheet names findings use, and a note when it was too big to copy. A file that cannot be read at
    all still gets a copy, holding only the 检查结果 sheet.
    """
    from openpyxl import load_workbook

    if source.suffix.lower() in _OPENPYXL_SUFFIXES:
        if _xml_bytes(source) > _MAX_COPY_XML_BYTES:
            return (*_empty(), BIG_NOTE)
        try:
            workbook = load_workbook(source, keep_vba=False, rich_text=False)
            # formulas lose their cached values when openpyxl saves: let Excel/WPS recalculate on opening
            workbook.calculation.fullCalcOnLoad = True
            return workbook, {ws.title: ws for ws in workbook.worksheets}, None
        except MemoryError:
            raise
        except Exception:  # corrupt, encrypted, not really xlsx: fall back to what the reader can see
            pass
    raw = read_cells(source)
    if raw is None:  # unreadable: the copy holds only the 检查结果 sheet
        return (*_empty(), None)
    cells = sum(1 for sheet in raw.sheets for row in sheet.rows for v in row if v is not None and v != "")
    if cells > _MAX_COPY_CELLS:
        return (*_empty(), BIG_NOTE)
    return (*_rebuild(raw), None)


def _empty() -> tuple[object, dict[str, object]]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook, {}


def _rebuild(raw) -> tuple[object, dict[str, object]]:
    """An openpyxl workbook holding the cells of a `RawWorkbook` (.xls, .csv, .ods), and its sheets by the
    reader's sheet names (a title Excel does not allow is changed)."""
    workbook, names = _empty()
    taken: set[str] = set()
    for sheet in raw.sheets:
        title = _sheet_title(sheet.name, taken)
        taken.add(title)
        ws = workbook.create_sheet(title)
        widths: dict[int, int] = {}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r + 1, column=c + 1)
                _put(cell, value)
                if r < 300:
                    widths[c] = max(widths.get(c, 0), _display_width(value))
        for c, width in widths.items():
            ws.column_dimensions[_letter(c + 1)].width = min(max(width + 2, 8), 60)
        for r0, c0, r1, c1 in sheet.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for r in sheet.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for c in sheet.hidden_cols:
            ws.column_dimensions[_letter(c + 1)].hidden = True
        if sheet.hidden:
            ws.sheet_state = "hidden"
        names[sheet.name] = ws
    if workbook.worksheets and all(ws.sheet_state != "visible" for ws in workbook.worksheets):
        workbook.worksheets[0].sheet_state = "visible"
    return workbook, names


def _sheet_title(name: str, taken: set[str]) -> str:
    title = _BAD_TITLE.sub("_", name or "Sheet").strip("'")[:31] or "Sheet"
    base, n = title, 2
    while title in taken or title == RESULTS_SHEET:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _put(cell, value: object) -> None:
    if isinstance(value, bool) or isinstance(value, (int, float, Decimal)):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, time):
        cell.value = value
        cell.number_format = "hh:mm"
    else:
        text = _ILLEGAL.sub("", str(value))
        cell.value = text
        if text.startswith("="):
            cell.data_type = "s"  # text that looks like a formula stays text


def _display_width(value: object) -> int:
    text = value.isoformat() if isinstance(value, (date, datetime, time)) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:60])


# -- annotating ------------------------------------------------------------------------------------------------
def _annotate_workbook(workbook, names: dict[str, object], findings: list[Finding], note: str | None = None) -> None:
    # a CSV file has one sheet, and its findings name none
    only = workbook.worksheets[0] if len(workbook.worksheets) == 1 else None
    # (sheet title, row, column) → findings shown on that cell; (title, row) → findings about a whole row
    cells: dict[tuple[str, int, int], list[Finding]] = {}
    rows: dict[tuple[str, int], list[Finding]] = {}
    located: list[tuple[Finding, object | None, str | None]] = []
    for f in findings:
        ws = names.get(f.sheet) if f.sheet is not None else None
        if ws is None and only is not None and (f.sheet is not None or f.row is not None or f.column is not None):
            ws = only
        if ws is None:
            located.append((f, None, None))  # about the whole file: listed only
            continue
        column = _column_index(f.column)
        row = f.row
        if row is None and column is None:
            anchor = (1, 1)  # a finding about the whole sheet
        elif row is None:
            anchor = (1, column)  # a hidden column
        elif column is None:
            anchor = (row, 1)
            rows.setdefault((ws.title, row), []).append(f)
        else:
            anchor = (row, column)
        anchor = _unmerged(ws, *anchor)
        cells.setdefault((ws.title, *anchor), []).append(f)
        located.append((f, ws, f"{_letter(anchor[1])}{anchor[0]}"))
    by_title = {ws.title: ws for ws in workbook.worksheets}
    fills = _fills()
    for (title, row), found in rows.items():
        ws = by_title[title]
        severity = _worst(found)
        for column in range(1, min(max(ws.max_column, 1), _ROW_FILL_MAX_COLUMNS) + 1):
            r, c = _unmerged(ws, row, column)
            if (title, r, c) not in cells:
                ws.cell(row=r, column=c).fill = fills[severity]
    for (title, row, column), found in cells.items():
        ws = by_title[title]
        cell = ws.cell(row=row, column=column)
        severity = _worst(found + rows.get((title, row), []))
        cell.fill = fills[severity]
        _comment(cell, found)
    _results_sheet(workbook, located, note)


def _solid(rgb: str):
    """A solid fill of colour `rgb` (six hex digits)."""
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", start_color="FF" + rgb, end_color="FF" + rgb)


def _fills() -> dict[str, object]:
    return {"error": _solid(ERROR_FILL), "warning": _solid(WARNING_FILL)}


def _worst(found: list[Finding]) -> str:
    return "error" if any(f.severity == ERROR for f in found) else "warning"


def _comment(cell, found: list[Finding]) -> None:
    from openpyxl.comments import Comment

    lines = [f"【{'错误' if f.severity == ERROR else '警告'}】{f.message}（{f.code}）" for f in found]
    text = "\n".join(lines)
    if cell.comment is not None and cell.comment.text:
        text = cell.comment.text.rstrip() + "\n" + text
    comment = Comment(text, AUTHOR)
    comment.width = 320
    comment.height = min(60 + 18 * sum(1 + len(line) // 22 for line in lines), 600)
    cell.comment = comment


def _column_index(letter: str | None) -> int | None:
    if not letter or not _COLUMN.fullmatch(letter):
        return None
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _unmerged(ws, row: int, column: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (row, column): only it can hold a fill and a comment."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= column <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, column


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _results_sheet(workbook, located: list[tuple[Finding, object | None, str | None]], note: str | None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = False  # else Excel opens with two sheets grouped
    results = workbook.create_sheet(RESULTS_SHEET, 0)
    results.sheet_properties.tabColor = "C00000" if any(f.severity == ERROR for f, _, _ in located) else "FFC000"
    header_fill = _solid(HEADER_FILL)
    for c, label in enumerate(RESULT_HEADERS, start=1):
        cell = results.cell(row=1, column=c, value=label)
        cell.font = Font(bold=True)
        cell.fill = header_fill
    fills = _fills()
    link_font = Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, (f, ws, ref) in enumerate(located, start=2):
        severity = "error" if f.severity == ERROR else "warning"
        values = ("错误" if severity == "error" else "警告", f.code, f.sheet or "", f.row, f.column or "",
                  f.voucher or "", f.message)
        for c, value in enumerate(values, start=1):
            cell = results.cell(row=r, column=c, value=value)
            cell.alignment = wrap
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
        results.cell(row=r, column=1).fill = fills[severity]
        if ws is not None and ref is not None:
            target = results.cell(row=r, column=3)
            if target.value in ("", None):
                target.value = ws.title
            target.hyperlink = Hyperlink(ref=target.coordinate, location=f"{_quote(ws.title)}!{ref}",
                                         tooltip="转到此单元格")
            target.font = link_font
    if not located:
        results.cell(row=2, column=1, value="无")
        results.cell(row=2, column=7, value="检查没有发现问题。")
    if note:
        results.cell(row=max(len(located), 1) + 3, column=7, value=note).font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (7, 20, 16, 7, 6, 12, 80), strict=True):
        results.column_dimensions[letter].width = width
    centred = Alignment(horizontal="center", vertical="top")
    for r in range(2, len(located) + 2):
        results.cell(row=r, column=4).alignment = centred
        results.cell(row=r, column=5).alignment = centred
    results.freeze_panes = "A2"
    results.print_title_rows = "1:1"
    results.page_setup.orientation = "landscape"
    results.page_setup.paperSize = results.PAPERSIZE_A4
    results.page_setup.fitToWidth = 1
    results.page_setup.fitToHeight = 0
    results.sheet_properties.pageSetUpPr.fitToPage = True
    if located:
        results.auto_filter.ref = f"A1:G{len(located) + 1}"
    workbook.active = 0
    results.sheet_view.tabSelected = True

"""Low-level spreadsheet readers (SPEC 3.1, 3.3, 11): one ledger file → `RawWorkbook` of cells aligned to A1.

* .xlsx / .xlsm / .ods: cell values from python-calamine (the fast path). What calamine cannot see is read
  from the sheet XML by a cheap byte scan: hidden rows and columns, formulas without a cached value, and the
  text of error values (#DIV/0!, which calamine turns into ""). That container work lives in `sheetxml.py`;
  this module picks the reader and puts the two together.
* .xls (BIFF): xlrd with formatting info (merged cells, hidden rows/columns). Never calamine: it can abort the
  whole process on a hostile .xls.
* .csv: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; comma, tab or semicolon; the csv module
  keeps a quoted line break inside one record, so rows[i] is the row Excel shows as i+1.

A file that cannot be read raises `ReadError` whose reason is a short Chinese phrase that says how to fix it
and fits "无法读取此文件：{reason}。". Hostile files never take the process down, and the work stays bounded
(SPEC 18): before calamine runs, the counts that make it abort or allocate without end are checked. A sheet is
read only when its real extent, rows x columns from A1 (ODS repeated rows and columns, and xlsx cells without a
reference, counted as calamine places them), is at most `MAX_CELLS`; beyond that, or when its XML inflates
beyond `MAX_PART_BYTES`, it is 「表格过大」. A shared-strings uniqueCount the part cannot hold (4294967295) is a
corrupt file. calamine's Rust panics (`pyo3_runtime.PanicException`, a BaseException) are caught and become a
ReadError. An .xls whose DIMENSIONS record claims millions of cells more than it holds is refused too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .sheetxml import (
    MAX_CELLS,
    MAX_PART_BYTES,
    MAX_SHARED_TEXT,
    SAFE_CELLS,
    PartError,
    SharedText,
    SheetEntry,
    SheetFacts,
    ods_extents,
    ods_structure,
    read_package,
    scan_sheet_xml,
    shared_strings_plausible,
    xlsx_extent,
    zip_read,
)

__all__ = ["MAX_BYTES", "RawSheet", "RawWorkbook", "ReadError", "read_workbook", "sheet_names"]

MAX_BYTES = 50 * 1024 * 1024

#: a zip member that claims to inflate beyond this is a zip bomb or corrupt
_MAX_MEMBER_BYTES = 1 << 30

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_R_MISSING = "文件不存在，请检查路径和文件名"
_R_DIRECTORY = "这是一个文件夹，不是表格文件"
_R_NOT_FILE = "这不是普通文件"
_R_PERMISSION = "没有读取权限，请检查文件权限，或关闭正在独占打开它的程序"
_R_EMPTY = "文件是空的（0 字节），请重新导出或另存"
_R_TOO_BIG = "文件超过 50 MB，请删去无关的工作表或按月拆分后再检查"
_R_PASSWORD = "文件设有打开密码，请取消密码后另存"
_R_CORRUPT = "文件已损坏或不是 Excel 表格，请用 Excel/WPS 打开后另存为 .xlsx"
_R_NOT_SPREADSHEET = "不是表格文件，请提供 .xlsx、.xlsm、.xls、.csv 或 .ods 文件"
_R_NO_WORKBOOK = "文件已损坏：缺少工作簿内容（xl/workbook.xml），请用 Excel/WPS 打开后另存为 .xlsx"
_R_HTML = "这是网页（HTML）格式的文件，只是扩展名像 Excel，请用 Excel/WPS 打开后另存为 .xlsx"
_R_XML2003 = "这是 Excel 2003 XML 格式，请用 Excel/WPS 打开后另存为 .xlsx"
_R_XLSB = "不支持 .xlsb 二进制工作簿，请用 Excel/WPS 另存为 .xlsx"
_R_SST = "文件已损坏：共享字符串表（sharedStrings.xml）的计数异常，请用 Excel/WPS 打开后另存"
_R_BOMB = "文件解压后过大，可能已损坏，请用 Excel/WPS 打开后另存"
_R_MEMORY = "文件内容过大，内存不足，请删去无关的内容后另存"
_R_ENCODING = "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”"
_R_BINARY_CSV = "CSV 文件中有二进制内容，不是文本表格，请重新导出"


def _too_large(sheet: str | None, what: str = "") -> str:
    where = f"工作表“{sheet}”" if sheet else "表格"
    what = what or f"的行数 × 列数超过 {MAX_CELLS:,} 个单元格（可能有远处的零星内容或大量重复的行）"
    return f"表格过大：{where}{what}，请删去无关的行列、按月拆分，或用 Excel/WPS 打开后另存"


class ReadError(Exception):
    """A file that cannot be read. `reason` is a short Chinese phrase: "无法读取此文件：{reason}。"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(slots=True)
class RawSheet:
    """One sheet's cells and the structure the normaliser needs. All indexes are 0-based from A1."""

    name: str
    hidden: bool
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]]
    hidden_rows: frozenset[int]
    hidden_cols: frozenset[int]
    formula_no_value: frozenset[tuple[int, int]]
    number_formats_date: frozenset[int] = frozenset()


@dataclass(slots=True)
class RawWorkbook:
    """The sheets of one file, in workbook order (worksheets only: chart sheets have no cells)."""

    path: str
    kind: str
    sheets: list[RawSheet] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------- entry points


def sheet_names(path: str | Path) -> list[tuple[str, bool]]:
    """(name, hidden) of every worksheet, in workbook order, without reading cells where the format allows."""
    p = Path(path)
    head = _open_check(p)
    kind = _sniff(p, head)
    if kind == "csv":
        return [(p.stem, False)]
    if kind == "cfb":
        _refuse_encrypted_package(p)
        return _xls_sheet_names(p)
    with _open_zip(p) as zf:
        sub, member = _zip_kind(zf)
        if sub == "ods":
            try:
                _ods_guard(zf)
            except PartError as exc:
                raise _part_error(exc) from None
            return _ods_sheet_names(p)
        try:
            return [(e.name, e.hidden) for e in read_package(zf, member).entries if e.worksheet]
        except PartError as exc:
            raise _part_error(exc) from None


def read_workbook(path: str | Path, only_sheet: str | None = None) -> RawWorkbook:
    """Read every worksheet of `path` (or only `only_sheet`: the others are neither read nor reported).

    Raises ReadError for anything unreadable, and for an `only_sheet` that the workbook does not have.
    """
    p = Path(path)
    head = _open_check(p)
    kind = _sniff(p, head)
    if kind == "csv":
        return _read_csv(p, only_sheet)
    if kind == "cfb":
        _refuse_encrypted_package(p)
        return _read_xls(p, only_sheet)
    with _open_zip(p) as zf:
        sub, member = _zip_kind(zf)
        try:
            if sub == "ods":
                return _read_ods(p, zf, only_sheet)
            return _read_xlsx(p, zf, member, only_sheet)
        except PartError as exc:
            raise _part_error(exc) from None


# ------------------------------------------------------------------------------------------ file checks, sniffing


def _open_check(p: Path) -> bytes:
    """Existence, type, size and permission; returns the first bytes of the file."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ReadError(_R_MISSING) from None
    except PermissionError:
        raise ReadError(_R_PERMISSION) from None
    except OSError:
        raise ReadError(_R_MISSING) from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(_R_DIRECTORY)
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(_R_NOT_FILE)
    if st.st_size > MAX_BYTES:
        raise ReadError(_R_TOO_BIG)
    if st.st_size == 0:
        raise ReadError(_R_EMPTY)
    try:
        with open(p, "rb") as f:
            return f.read(2048)
    except PermissionError:
        raise ReadError(_R_PERMISSION) from None
    except OSError:
        raise ReadError(_R_CORRUPT) from None


def _sniff(p: Path, head: bytes) -> str:
    """"zip", "cfb" or "csv" from the content (a renamed file is read for what it is), else ReadError."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_CFB_MAGIC):
        return "cfb"
    if p.suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head")) or b"<html" in text:
        raise ReadError(_R_HTML)
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise ReadError(_R_XML2003)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".xltx", ".xltm", ".et"):
        raise ReadError(_R_CORRUPT)
    raise ReadError(_R_NOT_SPREADSHEET)


def _refuse_encrypted_package(p: Path) -> None:
    """An OLE compound file holding EncryptedPackage is a password-protected xlsx (Excel's Agile encryption)."""
    try:
        data = p.read_bytes()
    except OSError:
        raise ReadError(_R_PERMISSION) from None
    if _ENCRYPTED_PACKAGE in data:
        raise ReadError(_R_PASSWORD)


def _open_zip(p: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(p)
    except PermissionError:
        raise ReadError(_R_PERMISSION) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ReadError(_R_CORRUPT) from None
    try:
        for info in zf.infolist():
            if info.file_size > _MAX_MEMBER_BYTES:
                raise ReadError(_R_BOMB)
    except BaseException:
        zf.close()
        raise
    return zf


def _zip_kind(zf: zipfile.ZipFile) -> tuple[str, str]:
    """("xlsx", workbook member) or ("ods", "content.xml"), else ReadError."""
    names = zf.namelist()
    lower = {n.lower(): n for n in names}
    if "xl/workbook.xml" in lower:
        return "xlsx", lower["xl/workbook.xml"]
    if "xl/workbook.bin" in lower:
        raise ReadError(_R_XLSB)
    if "content.xml" in lower and "mimetype" in lower:
        try:
            mimetype = zf.read(lower["mimetype"])[:100]
        except Exception:
            raise ReadError(_R_CORRUPT) from None
        if b"spreadsheet" in mimetype:
            return "ods", lower["content.xml"]
        raise ReadError(_R_NOT_SPREADSHEET)
    if "[content_types].xml" in lower:
        raise ReadError(_R_NO_WORKBOOK)
    raise ReadError(_R_NOT_SPREADSHEET)


def _part_error(exc: PartError) -> ReadError:
    """The ReadError for a zip member or XML part that `sheetxml` could not read."""
    return ReadError(_R_MEMORY if exc.out_of_memory else _R_CORRUPT)


def _pick_sheet(names: list[str], only_sheet: str | None) -> list[int]:
    """Indexes of the sheets to read: all, or the one named (exactly, else ignoring case and outer spaces)."""
    if only_sheet is None:
        return list(range(len(names)))
    if only_sheet in names:
        return [names.index(only_sheet)]
    key = only_sheet.strip().casefold()
    loose = [i for i, n in enumerate(names) if n.strip().casefold() == key]
    if len(loose) == 1:
        return loose
    existing = "、".join(f"“{n}”" for n in names) or "无"
    raise ReadError(f"工作簿中没有名为“{only_sheet}”的工作表（现有：{existing}），请核对配置中“#”后的工作表名")


_T = TypeVar("_T")
_CALAMINE_SUFFIXES = {"xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"), "ods": (".ods",)}


def _calamine_open(p: Path, kind: str) -> Any:
    """calamine picks its reader by extension in from_path; a renamed file goes through from_filelike, which
    looks at the content."""
    from python_calamine import CalamineWorkbook

    if p.suffix.lower() in _CALAMINE_SUFFIXES[kind]:
        return _calamine(CalamineWorkbook.from_path, str(p))
    try:
        with open(p, "rb") as f:
            return _calamine(CalamineWorkbook.from_filelike, f)
    except OSError:
        raise ReadError(_R_PERMISSION) from None


def _calamine(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call into python-calamine; any failure, a Rust panic included, becomes a ReadError."""
    try:
        return fn(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(_R_MEMORY) from None
    except BaseException as exc:  # pyo3_runtime.PanicException derives from BaseException
        from python_calamine import PasswordError

        if isinstance(exc, PasswordError):
            raise ReadError(_R_PASSWORD) from exc
        raise ReadError(_R_CORRUPT) from exc


# ------------------------------------------------------------------------------------------------------------ xlsx


def _read_xlsx(p: Path, zf: zipfile.ZipFile, wb_member: str, only_sheet: str | None) -> RawWorkbook:
    package = read_package(zf, wb_member)
    entries = [e for e in package.entries if e.worksheet]
    chosen = [entries[i] for i in _pick_sheet([e.name for e in entries], only_sheet)]
    if not shared_strings_plausible(zf, package.shared_strings):
        raise ReadError(_R_SST)
    for member in package.shared_strings:
        if zf.NameToInfo[member].file_size > MAX_PART_BYTES:
            raise ReadError(_too_large(None))
    shared = SharedText(zf, package.shared_strings)
    facts: list[SheetFacts] = []
    for e in chosen:
        if e.member is None:
            raise ReadError(f"文件已损坏：找不到工作表“{e.name}”的内容，请用 Excel/WPS 打开后另存为 .xlsx")
        if zf.NameToInfo[e.member].file_size > MAX_PART_BYTES:
            raise ReadError(_too_large(e.name))
        data = zip_read(zf, e.member)
        # before anything walks the cells: calamine allocates the extent densely (SPEC 18)
        if xlsx_extent(data) > MAX_CELLS:
            raise ReadError(_too_large(e.name))
        if shared.of_sheet(data, MAX_SHARED_TEXT) > MAX_SHARED_TEXT:
            raise ReadError(_too_large(e.name, f"中的文字展开后超过 {MAX_SHARED_TEXT >> 20} MB"))
        facts.append(scan_sheet_xml(data))
        del data
    sheets = _xlsx_calamine(p, package.entries, chosen, facts)
    return RawWorkbook(path=str(p), kind="xlsx", sheets=sheets)


def _xlsx_calamine(p: Path, all_entries: list[SheetEntry], chosen: list[SheetEntry], facts: list[SheetFacts]) -> list[RawSheet]:
    wb = _calamine_open(p, "xlsx")
    try:
        sheets = []
        for e, f in zip(chosen, facts, strict=True):
            try:
                sh = _calamine(wb.get_sheet_by_name, e.name)
            except ReadError:
                # a name calamine decodes differently: both list the sheets in workbook.xml order
                sh = _calamine(wb.get_sheet_by_index, all_entries.index(e))
            rows = _calamine(sh.to_python, skip_empty_area=False)
            ranges = _calamine(lambda s=sh: s.merged_cell_ranges) or []
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
            sheets.append(_finish(e, rows, merged, f))
        return sheets
    finally:
        _calamine(wb.close)


def _finish(e: SheetEntry, rows: list[list[object]], merged: list[tuple[int, int, int, int]], f: SheetFacts) -> RawSheet:
    """Error texts go into their cells; rows grow to cover the cells the XML scan names (within a budget:
    a hostile sheet could name millions of far-flung empty formulas)."""
    budget = 1_000_000
    for r, c, text in [*f.errors, *((r, c, "") for r, c in f.formula_no_value)]:
        grow = max(r + 1 - len(rows), 0) + max(c + 1 - (len(rows[r]) if r < len(rows) else 0), 0)
        budget -= grow
        if budget < 0:
            break
        if len(rows) <= r:
            rows.extend([] for _ in range(r + 1 - len(rows)))
        row = rows[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        if row[c] == "":
            row[c] = text
    return RawSheet(
        name=e.name,
        hidden=e.hidden,
        rows=rows,
        merged=merged,
        hidden_rows=_within(f.hidden_rows, len(rows)),
        hidden_cols=_within(f.hidden_cols, _width(rows)) if f.hidden_cols else frozenset(),
        formula_no_value=frozenset(f.formula_no_value),
    )


def _width(rows: list[list[object]]) -> int:
    return max(map(len, rows), default=0)


def _within(indexes: set[int], limit: int) -> frozenset[int]:
    """Hidden rows/columns inside the cell area only: "hide everything right of the table" hides 16,000
    columns that can hold nothing."""
    return frozenset(i for i in indexes if i < limit)


# ------------------------------------------------------------------------------------------------------------- ods


def _ods_sheet_names(p: Path) -> list[tuple[str, bool]]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    wb = _calamine_open(p, "ods")
    try:
        meta = _calamine(lambda: wb.sheets_metadata)
        return [(m.name, m.visible != SheetVisibleEnum.Visible) for m in meta if m.typ == SheetTypeEnum.WorkSheet]
    finally:
        _calamine(wb.close)


def _ods_guard(zf: zipfile.ZipFile) -> None:
    """calamine expands every table of content.xml when it opens the file: each must be of a size to read."""
    info = zf.NameToInfo.get("content.xml")
    if info is None:
        raise ReadError(_R_CORRUPT)
    if info.file_size > MAX_PART_BYTES:
        raise ReadError(_too_large(None))
    for name, cells in ods_extents(zip_read(zf, "content.xml")).items():
        if cells > MAX_CELLS:
            raise ReadError(_too_large(name))


def _read_ods(p: Path, zf: zipfile.ZipFile, only_sheet: str | None) -> RawWorkbook:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    _ods_guard(zf)
    structure = ods_structure(zf)
    wb = _calamine_open(p, "ods")
    try:
        meta = [m for m in _calamine(lambda: wb.sheets_metadata) if m.typ == SheetTypeEnum.WorkSheet]
        sheets = []
        for i in _pick_sheet([m.name for m in meta], only_sheet):
            m = meta[i]
            sh = _calamine(wb.get_sheet_by_name, m.name)
            rows = _calamine(sh.to_python, skip_empty_area=False)
            merged, hidden_rows, hidden_cols = structure.get(m.name, ([], set(), set()))
            sheets.append(RawSheet(
                name=m.name,
                hidden=m.visible != SheetVisibleEnum.Visible,
                rows=rows,
                merged=merged,
                hidden_rows=_within(hidden_rows, len(rows)),
                hidden_cols=_within(hidden_cols, _width(rows)),
                formula_no_value=frozenset(),
            ))
        return RawWorkbook(path=str(p), kind="ods", sheets=sheets)
    finally:
        _calamine(wb.close)


# ------------------------------------------------------------------------------------------------------------- xls


def _xlrd_open(p: Path, on_demand: bool = True) -> Any:
    import xlrd

    log = io.StringIO()  # xlrd writes warnings to its logfile (stdout by default): keep them off the report

    def open_(formatting: bool) -> Any:
        return xlrd.open_workbook(str(p), logfile=log, verbosity=0, formatting_info=formatting,
                                  on_demand=on_demand, ragged_rows=True)

    try:
        try:
            return open_(True)
        except NotImplementedError:  # formatting_info is not implemented for some BIFF versions
            return open_(False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise ReadError(_R_MEMORY) from None
    except PermissionError:
        raise ReadError(_R_PERMISSION) from None
    except Exception as exc:
        if "encrypted" in str(exc).lower():
            raise ReadError(_R_PASSWORD) from exc
        raise ReadError(_R_CORRUPT) from exc


def _xls_sheet_names(p: Path) -> list[tuple[str, bool]]:
    book = _xlrd_open(p)
    try:
        return [(n, bool(v)) for n, v in zip(book.sheet_names(), book._sheet_visibility, strict=False)]
    finally:
        book.release_resources()


def _read_xls(p: Path, only_sheet: str | None) -> RawWorkbook:
    book = _xlrd_open(p)
    try:
        names = book.sheet_names()
        sheets = []
        for i in _pick_sheet(names, only_sheet):
            try:
                sh = book.sheet_by_index(i)
                sheets.append(_xls_sheet(book, sh, bool(book._sheet_visibility[i])))
            except (KeyboardInterrupt, SystemExit, ReadError):
                raise
            except MemoryError:
                raise ReadError(_R_MEMORY) from None
            except Exception as exc:
                raise ReadError(_R_CORRUPT) from exc
        return RawWorkbook(path=str(p), kind="xls", sheets=sheets)
    finally:
        book.release_resources()


def _xls_sheet(book: Any, sh: Any, hidden: bool) -> RawSheet:
    import xlrd

    declared = getattr(sh, "_dimnrows", 0) * getattr(sh, "_dimncols", 0)  # the DIMENSIONS record
    if declared > SAFE_CELLS and declared > 16 * max(sh.nrows * sh.ncols, 1):
        raise ReadError(f"文件已损坏：工作表“{sh.name}”的尺寸记录异常，请用 Excel/WPS 打开后另存为 .xlsx")
    if sh.nrows * sh.ncols > MAX_CELLS:
        raise ReadError(_too_large(sh.name))

    from_code = xlrd.biffh.error_text_from_code
    rows: list[list[object]] = []
    for r in range(sh.nrows):
        types = sh.row_types(r)
        values = sh.row_values(r)
        row: list[object] = []
        for t, v in zip(types, values, strict=False):
            if t == xlrd.XL_CELL_TEXT or t == xlrd.XL_CELL_NUMBER:
                row.append(v)
            elif t == xlrd.XL_CELL_DATE:
                row.append(_xls_date(v, book.datemode))
            elif t == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(v))
            elif t == xlrd.XL_CELL_ERROR:
                row.append(from_code.get(v, "#VALUE!"))
            else:  # XL_CELL_EMPTY, XL_CELL_BLANK
                row.append("")
        rows.append(row)
    merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
    hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
    hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
    return RawSheet(name=sh.name, hidden=hidden, rows=rows, merged=merged,
                    hidden_rows=_within(hidden_rows, len(rows)), hidden_cols=_within(hidden_cols, _width(rows)),
                    formula_no_value=frozenset())


def _xls_date(value: float, datemode: int) -> object:
    """A date cell → date (whole days), time (below one day) or datetime; a serial xlrd refuses stays a float."""
    import xlrd

    try:
        d = xlrd.xldate.xldate_as_datetime(value, datemode)
    except Exception:
        return value
    if 0 <= value < 1:
        return d.time()
    if d.time() == dt.time(0):
        return d.date()
    return d


# ------------------------------------------------------------------------------------------------------------- csv


def _decode_csv(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(_R_ENCODING) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ReadError(_R_ENCODING) from None
    if "\x00" in text:
        raise ReadError(_R_BINARY_CSV)
    return text


_QUOTED_RE = re.compile(r'"[^"]*"')


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one found outside quotes on the most of the first lines."""
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[:sample.rfind("\n") + 1] or sample
    lines = [ln for ln in _QUOTED_RE.sub("", sample).splitlines() if ln.strip()][:50]
    best, best_key = ",", (0, 0)
    for d in (",", "\t", ";"):
        counts = [ln.count(d) for ln in lines]
        key = (sum(1 for c in counts if c), sum(counts))
        if key > best_key:
            best, best_key = d, key
    return best


def _read_csv(p: Path, only_sheet: str | None) -> RawWorkbook:
    name = p.stem
    _pick_sheet([name], only_sheet)
    try:
        data = p.read_bytes()
    except PermissionError:
        raise ReadError(_R_PERMISSION) from None
    except OSError:
        raise ReadError(_R_CORRUPT) from None
    text = _decode_csv(data)
    rows: list[list[object]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)):
            rows.append(row)
            width = max(width, len(row))
            if len(rows) * width > MAX_CELLS:
                raise ReadError(_too_large(None))
    except csv.Error:
        raise ReadError("CSV 文件格式有误（引号不成对或单元格过长），请用 Excel/WPS 打开后另存") from None
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    sheet = RawSheet(name=name, hidden=False, rows=rows, merged=[], hidden_rows=frozenset(),
                     hidden_cols=frozenset(), formula_no_value=frozenset())
    return RawWorkbook(path=str(p), kind="csv", sheets=[sheet])

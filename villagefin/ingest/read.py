"""Low-level spreadsheet readers (SPEC 3.1, 3.3, 11): one ledger file → `RawWorkbook` of cells aligned to A1.

* .xlsx / .xlsm / .ods: cell values from python-calamine (the fast path). What calamine cannot see is read
  from the sheet XML by a cheap byte scan: hidden rows and columns, formulas without a cached value, and the
  text of error values (#DIV/0!, which calamine turns into "").
* .xls (BIFF): xlrd with formatting info (merged cells, hidden rows/columns). Never calamine: it can abort the
  whole process on a hostile .xls.
* .csv: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; comma, tab or semicolon; the csv module
  keeps a quoted line break inside one record, so rows[i] is the row Excel shows as i+1.

A file that cannot be read raises `ReadError` whose reason is a short Chinese phrase that says how to fix it
and fits "无法读取此文件：{reason}。". Hostile files never take the process down: before calamine runs, the
counts that make it abort are checked against the sizes of the zip members. A shared-strings uniqueCount the
part cannot hold (4294967295) is a corrupt file: ReadError. Cells spread over billions of positions (one stray
value in XFD1048576 next to A1, which a real ledger can have) make calamine allocate them all densely: such a
file is read with openpyxl, which keeps cells sparse. calamine's Rust panics (`pyo3_runtime.PanicException`,
a BaseException) are caught and become a ReadError. An .xls whose DIMENSIONS record claims millions of cells
more than it holds is refused too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["MAX_BYTES", "RawSheet", "RawWorkbook", "ReadError", "read_workbook", "sheet_names"]

MAX_BYTES = 50 * 1024 * 1024

#: a zip member that claims to inflate beyond this is a zip bomb or corrupt
_MAX_MEMBER_BYTES = 1 << 30
#: cells calamine may allocate densely (rows x columns, counted from A1) without a second look
_SAFE_CELLS = 5_000_000
#: above _SAFE_CELLS calamine is still used when the sheet XML is big enough to be that dense, up to this
_MAX_DENSE_CELLS = 50_000_000
#: the smallest shared string, <si><t/></si>
_MIN_SHARED_STRING_BYTES = 7
_MAX_COLS = 16384

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
            return _ods_sheet_names(p)
        return [(e.name, e.hidden) for e in _package(zf, member).entries if e.worksheet]


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
        if sub == "ods":
            return _read_ods(p, zf, only_sheet)
        return _read_xlsx(p, zf, member, only_sheet)


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


@dataclass(slots=True)
class _Entry:
    name: str
    hidden: bool
    member: str | None
    worksheet: bool


@dataclass(slots=True)
class _Package:
    """What xl/workbook.xml and its relationships say: the sheets and the shared-strings part."""

    entries: list[_Entry]
    shared_strings: list[str]


def _zip_read(zf: zipfile.ZipFile, member: str, head: int = 0) -> bytes:
    """A member's bytes (only the first `head` of them if given). Deflated members are inflated straight from
    the file, a quarter faster than ZipFile.read with its CRC: the length is checked instead, and nothing is
    inflated past it."""
    try:
        info = zf.getinfo(member)
        fp = zf.fp
        if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 1 and fp is not None:
            fp.seek(info.header_offset)
            header = fp.read(30)
            if len(header) == 30 and header[:4] == b"PK\x03\x04":
                fp.seek(int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"), 1)
                inflater = zlib.decompressobj(-15)
                if head:
                    return inflater.decompress(fp.read(min(info.compress_size, head)), head)
                data = inflater.decompress(fp.read(info.compress_size), info.file_size + 1)
                if len(data) == info.file_size:
                    return data
        if head:
            with zf.open(info) as f:
                return f.read(head)
        return zf.read(member)  # stored, encrypted, odd: the library's way, which also raises on damage
    except MemoryError:
        raise ReadError(_R_MEMORY) from None
    except Exception:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError (compression)...
        raise ReadError(_R_CORRUPT) from None


# workbook.xml and .rels are small and regular: a regex over the tags is several times faster than a parser,
# and expands no entities (so no XML bombs either).
_PART_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?(sheet|Relationship)\s([^>]*)>")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    ref = m.group(1)
    if ref[0] != "#":
        return _ENTITIES[ref]
    try:
        return chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))
    except (ValueError, OverflowError):
        return m.group(0)


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return _ENTITY_RE.sub(_entity, text) if "&" in text else text


def _part_tags(data: bytes, name: bytes) -> list[dict[bytes, bytes]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16", "replace").encode("utf-8")
    return [_attrs(rest) for tag, rest in _PART_TAG_RE.findall(data) if tag == name]


def _package(zf: zipfile.ZipFile, wb_member: str) -> _Package:
    names = {n.lower(): n for n in zf.namelist()}
    folder, base = posixpath.split(wb_member)
    rels_member = names.get(posixpath.join(folder, "_rels", base + ".rels").lower())
    rels: dict[str, tuple[str, str]] = {}
    if rels_member is not None:
        for a in _part_tags(_zip_read(zf, rels_member), b"Relationship"):
            if a.get(b"TargetMode") == b"External":
                continue
            target = _xml_text(a.get(b"Target", b"")).replace("\\", "/")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rels[_xml_text(a.get(b"Id", b""))] = (_xml_text(a.get(b"Type", b"")), names.get(member.lower(), member))
    entries = []
    for a in _part_tags(_zip_read(zf, wb_member), b"sheet"):
        typ, target = rels.get(_xml_text(a.get(b"id", b"")), ("", ""))
        entries.append(_Entry(
            name=_xml_text(a.get(b"name", b"")),
            hidden=a.get(b"state", b"visible") in (b"hidden", b"veryHidden"),
            member=target if target in zf.NameToInfo else None,
            worksheet=not typ or typ.endswith("/worksheet"),
        ))
    shared = [m for typ, m in rels.values() if typ.endswith("/sharedStrings")]
    shared.append(names.get("xl/sharedstrings.xml", ""))
    return _Package(entries, [m for m in dict.fromkeys(shared) if m in zf.NameToInfo])


_SST_RE = re.compile(rb"<(?:[\w.-]+:)?sst\b([^>]*)>")
_COUNT_RE = re.compile(rb"\buniqueCount\s*=\s*[\"'](\d+)[\"']")


def _shared_strings_plausible(zf: zipfile.ZipFile, members: list[str]) -> bool:
    """False when sharedStrings.xml claims more unique strings than its size can hold: calamine reserves room
    for uniqueCount strings up front, and 4294967295 aborts the process. (count, the number of uses, may
    rightly be far larger than the part.)"""
    for member in members:
        info = zf.NameToInfo[member]
        m = _SST_RE.search(_zip_read(zf, member, head=4096))
        if m is None:
            continue
        for count in _COUNT_RE.findall(m.group(1)):
            if int(count) * _MIN_SHARED_STRING_BYTES > info.file_size + 64:
                return False
    return True


_DIMENSION_RE = re.compile(rb"<(?:[\w.-]+:)?dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_REF_RE = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_THREE_LETTERS_RE = re.compile(rb"\sr=\"([A-Z]{3})\d")
_TWO_LETTERS_RE = re.compile(rb"\sr=\"([A-Z]{2})\d")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _extent_plausible(data: bytes) -> bool:
    """False when calamine would allocate a dense block far bigger than the cells the sheet holds.

    calamine allocates (last row - first row + 1) x (last column - first column + 1) cells, and we pad from A1:
    one value in XFD1048576 next to A1 asks for 17 billion cells and aborts the process. Excel, WPS and
    LibreOffice write <dimension ref> as the used range; the last <row r> catches a dimension that lies.
    """
    rows = cols = 0
    m = _DIMENSION_RE.search(data, 0, 65536)
    if m:
        for letters, digits in _REF_RE.findall(m.group(1)):
            rows = max(rows, int(digits))
            cols = max(cols, _col_index(letters) + 1)
    last = max(data.rfind(b"<row "), data.rfind(b":row "))
    last_row = 0
    if last >= 0:
        r = _R_ATTR_RE.search(data, last, last + 400)
        if r and r.group(1).isdigit():
            last_row = int(r.group(1))
    if m and last_row <= rows and rows * cols <= _SAFE_CELLS:
        return True
    # no <dimension>, a big one, or one that does not cover the rows: measure without building lists
    cols = 26  # single letters: Z is close enough
    for pattern in (_THREE_LETTERS_RE, _TWO_LETTERS_RE):
        if pattern.search(data):
            cols = max(_col_index(x.group(1)) for x in pattern.finditer(data)) + 1
            break
    area = last_row * cols
    return area <= _SAFE_CELLS or (area <= _MAX_DENSE_CELLS and area * 4 <= len(data))


def _read_xlsx(p: Path, zf: zipfile.ZipFile, wb_member: str, only_sheet: str | None) -> RawWorkbook:
    package = _package(zf, wb_member)
    entries = [e for e in package.entries if e.worksheet]
    chosen = [entries[i] for i in _pick_sheet([e.name for e in entries], only_sheet)]
    if not _shared_strings_plausible(zf, package.shared_strings):
        raise ReadError(_R_SST)
    safe = True
    facts: list[_Facts] = []
    for e in chosen:
        if e.member is None:
            raise ReadError(f"文件已损坏：找不到工作表“{e.name}”的内容，请用 Excel/WPS 打开后另存为 .xlsx")
        data = _zip_read(zf, e.member)
        facts.append(_scan_sheet_xml(data))
        if safe and not _extent_plausible(data):
            safe = False
        del data
    if safe:
        sheets = _xlsx_calamine(p, package.entries, chosen, facts)
    else:
        sheets = _xlsx_openpyxl(p, chosen, facts)
    return RawWorkbook(path=str(p), kind="xlsx", sheets=sheets)


def _xlsx_calamine(p: Path, all_entries: list[_Entry], chosen: list[_Entry], facts: list[_Facts]) -> list[RawSheet]:
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


def _xlsx_openpyxl(p: Path, chosen: list[_Entry], facts: list[_Facts]) -> list[RawSheet]:
    """The slow, safe path for files whose counts would make calamine abort: openpyxl keeps cells sparse."""
    import warnings

    import openpyxl

    try:
        # a file object: openpyxl refuses paths whose extension is not .xlsx/.xlsm (a renamed file)
        with open(p, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", "no default style"...: not for accountants
            wb = openpyxl.load_workbook(fh, data_only=True, keep_links=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise ReadError(_R_MEMORY) from None
    except Exception as exc:
        raise ReadError(_R_CORRUPT) from exc
    try:
        sheets = []
        for e, f in zip(chosen, facts, strict=True):
            try:
                ws = wb[e.name]
            except KeyError:
                raise ReadError(f"文件已损坏：找不到工作表“{e.name}”的内容，请用 Excel/WPS 打开后另存为 .xlsx") from None
            cells = getattr(ws, "_cells", {})  # (row, col) → Cell, 1-based; sparse, unlike iter_rows()
            height = max((r for r, _ in cells), default=0)
            rows: list[list[object]] = [[] for _ in range(height)]
            for (r, c), cell in sorted(cells.items()):
                value = cell.value
                if value is None:
                    continue
                if isinstance(value, dt.datetime) and value.time() == dt.time(0):
                    value = value.date()
                row = rows[r - 1]
                if len(row) < c:
                    row.extend([""] * (c - len(row)))
                row[c - 1] = value
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            sheets.append(_finish(e, rows, merged, f))
        return sheets
    finally:
        wb.close()


def _finish(e: _Entry, rows: list[list[object]], merged: list[tuple[int, int, int, int]], f: _Facts) -> RawSheet:
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


# ------------------------------------------------------------------------------------- sheet XML byte scanning


@dataclass(slots=True)
class _Facts:
    """What calamine does not say about a sheet, from its XML."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    errors: list[tuple[int, int, str]] = field(default_factory=list)


class _Irregular(Exception):
    """The fast scan met XML it does not expect (no r attribute, prefixes, whitespace): use the full scan."""


_HIDDEN_RE = re.compile(rb"hidden\s*=\s*[\"'](?:1|true)[\"']")
_F_RE = re.compile(rb"<f[\s>/]")
_ATTR_RE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_R_ATTR_RE = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_TOKEN_RE = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c|f|v|is)(?=[\s/>])([^>]*)>")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {k.rsplit(b":", 1)[-1]: (a if a or not b else b) for k, a, b in _ATTR_RE.findall(tag)}


def _cell_ref(ref: bytes | None) -> tuple[int, int]:
    if not ref:
        raise _Irregular
    m = _REF_RE.fullmatch(ref)
    if m is None:
        raise _Irregular
    return int(m.group(2)) - 1, _col_index(m.group(1))


def _scan_sheet_xml(data: bytes) -> _Facts:
    """Hidden rows/columns, formulas without cached value and error texts, from one worksheet's XML.

    The common case costs two or three C-speed scans of the bytes; anything unusual goes to `_full_scan`.
    """
    facts = _Facts()
    try:
        if data.find(b"<sheetData", 0, 262144) < 0 and b"<sheetData" not in data:
            raise _Irregular  # namespace prefixes (<x:sheetData>)
        for m in _HIDDEN_RE.finditer(data):
            start = data.rfind(b"<", 0, m.start())
            tag = data[start + 1:data.find(b">", m.end())]
            name = tag.split(None, 1)[0].rsplit(b":", 1)[-1] if tag else b""
            if name == b"row":
                r = _attrs(tag).get(b"r")
                if not r or not r.isdigit():
                    raise _Irregular
                facts.hidden_rows.add(int(r) - 1)
            elif name == b"col":
                _add_hidden_cols(facts, tag)
        any_formula = False
        for pos in _formula_starts(data):
            any_formula = True
            _check_formula(data, pos, facts)
        if any_formula and (b't="e"' in data or b"t='e'" in data):
            _collect_errors(data, facts)
    except _Irregular:
        return _full_scan(data)
    return facts


def _formula_starts(data: bytes) -> Iterator[int]:
    """Positions of <f> elements. Lower-case "f" is rare in the sheet XML Excel and openpyxl write (tags and
    attributes are camelCase, cell references upper case), so memchr-speed find() beats a regex; XML full of
    "f" (LibreOffice writes ="false" on every row, inline English text) soon switches to the regex."""
    pos = data.find(b"f")
    hops = 0
    while pos > 0:
        if data[pos - 1] == 60 and data[pos + 1:pos + 2] in (b">", b" ", b"/", b"\t", b"\n", b"\r"):  # "<f"
            yield pos - 1
        hops += 1
        if hops > 64:
            for m in _F_RE.finditer(data, pos + 1):
                yield m.start()
            return
        pos = data.find(b"f", pos + 1)


def _add_hidden_cols(facts: _Facts, tag: bytes) -> None:
    a = _attrs(tag)
    lo, hi = a.get(b"min", b""), a.get(b"max", b"")
    if lo.isdigit() and hi.isdigit():
        facts.hidden_cols.update(range(max(int(lo), 1) - 1, min(int(hi), _MAX_COLS)))


def _cell_tag_before(data: bytes, pos: int) -> bytes:
    """The open tag of the <c> element that contains position `pos`."""
    start = data.rfind(b"<c", 0, pos)
    while start >= 0 and data[start + 2:start + 3] not in (b" ", b">", b"\t", b"\n", b"\r"):
        start = data.rfind(b"<c", 0, start)
    if start < 0:
        raise _Irregular
    end = data.find(b">", start)
    if end < 0 or end > pos:
        raise _Irregular
    return data[start + 2:end]


def _check_formula(data: bytes, pos: int, facts: _Facts) -> None:
    gt = data.find(b">", pos)
    if gt < 0:
        raise _Irregular
    if data[gt - 1:gt] == b"/":
        end = gt + 1
    else:
        close = data.find(b"</f>", gt)
        if close < 0:
            raise _Irregular
        end = close + 4
    if data.startswith(b"<v>", end):
        if data[end + 3:end + 4] != b"<":
            return  # the common case: a cached value follows
        empty_v = data.startswith(b"</v>", end + 3)
        if not empty_v:
            raise _Irregular
    elif data.startswith((b"<v/>", b"<v />"), end):
        empty_v = True
    elif data.startswith(b"</c>", end):
        empty_v = False
    else:
        raise _Irregular  # whitespace between elements, <v attr>, <is>...
    a = _attrs(_cell_tag_before(data, pos))
    if empty_v and a.get(b"t") == b"str":
        return  # Excel's cached empty string (=IF(A1="","",A1))
    facts.formula_no_value.add(_cell_ref(a.get(b"r")))


_E_RE = re.compile(rb"\st\s*=\s*[\"']e[\"']")
_V_TEXT_RE = re.compile(rb"<v>([^<]*)</v>")


def _collect_errors(data: bytes, facts: _Facts) -> None:
    for m in _E_RE.finditer(data):
        start = data.rfind(b"<", 0, m.start())
        if not data.startswith((b"<c ", b"<c\t", b"<c\n", b"<c\r"), start):
            continue
        end = data.find(b"</c>", m.end())
        gt = data.find(b">", m.end())
        if end < 0 or gt < 0 or data[gt - 1:gt] == b"/":
            continue
        v = _V_TEXT_RE.search(data, gt, end)
        if v and v.group(1):
            r, c = _cell_ref(_attrs(data[start + 2:gt]).get(b"r"))
            facts.errors.append((r, c, v.group(1).decode("utf-8", "replace")))


def _full_scan(data: bytes) -> _Facts:
    """Tokenise every row and cell, placing cells without an r attribute the way calamine does."""
    facts = _Facts()
    for m in _HIDDEN_RE.finditer(data):
        start = data.rfind(b"<", 0, m.start())
        tag = data[start + 1:data.find(b">", m.end())]
        if tag and tag.split(None, 1)[0].rsplit(b":", 1)[-1] == b"col":
            _add_hidden_cols(facts, tag)
    row, col = -1, -1
    in_cell = has_f = False
    cell: tuple[int, int] = (0, 0)
    cell_t = b""
    value: bytes | None = None
    for m in _TOKEN_RE.finditer(data):
        closing, name, rest = m.group(1), m.group(2), m.group(3)
        self_closing = rest.endswith(b"/")
        if name == b"row":
            if closing:
                continue
            a = _attrs(rest)
            r = a.get(b"r", b"")
            row = int(r) - 1 if r.isdigit() else row + 1
            col = -1
            if a.get(b"hidden") in (b"1", b"true"):
                facts.hidden_rows.add(row)
        elif name == b"c":
            if closing:
                if in_cell:
                    _end_cell(facts, cell, cell_t, has_f, value)
                in_cell = False
                continue
            a = _attrs(rest)
            try:
                cell = _cell_ref(a.get(b"r"))
            except _Irregular:
                cell = (row, col + 1)
            col = cell[1]
            cell_t = a.get(b"t", b"n")
            has_f, value = False, None
            in_cell = not self_closing
        elif not in_cell or closing:
            continue
        elif name == b"f":
            has_f = True
        elif name == b"is":
            value = b"is"
        elif name == b"v":
            value = b"" if self_closing else data[m.end():data.find(b"<", m.end())]
    return facts


def _end_cell(facts: _Facts, cell: tuple[int, int], t: bytes, has_f: bool, value: bytes | None) -> None:
    if has_f and (value is None or (value == b"" and t != b"str")):
        facts.formula_no_value.add(cell)
    if t == b"e" and value:
        facts.errors.append((cell[0], cell[1], value.decode("utf-8", "replace")))


# ------------------------------------------------------------------------------------------------------------- ods


def _ods_sheet_names(p: Path) -> list[tuple[str, bool]]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    wb = _calamine_open(p, "ods")
    try:
        meta = _calamine(lambda: wb.sheets_metadata)
        return [(m.name, m.visible != SheetVisibleEnum.Visible) for m in meta if m.typ == SheetTypeEnum.WorkSheet]
    finally:
        _calamine(wb.close)


def _read_ods(p: Path, zf: zipfile.ZipFile, only_sheet: str | None) -> RawWorkbook:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    structure = _ods_structure(zf)
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


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
#: rows of one repeated, hidden <table:table-row> recorded at most (LibreOffice pads sheets with one such row)
_ODS_MAX_REPEAT = 100_000


def _ods_int(el: Any, attr: str) -> int:
    try:
        return max(int(el.get(_ODS_TABLE + attr, "1")), 1)
    except ValueError:
        return 1


def _ods_structure(zf: zipfile.ZipFile) -> dict[str, tuple[list[tuple[int, int, int, int]], set[int], set[int]]]:
    """Merged ranges and hidden rows/columns per table of content.xml (calamine has none of them for ODS)."""
    data = _zip_read(zf, "content.xml")
    if b"-spanned=" not in data and b"visibility=" not in data:
        return {}
    import defusedxml.ElementTree as SafeET

    out: dict[str, tuple[list[tuple[int, int, int, int]], set[int], set[int]]] = {}
    merged: list[tuple[int, int, int, int]] = []
    hidden_rows: set[int] = set()
    hidden_cols: set[int] = set()
    row = row_start = col = colpos = 0
    try:
        for event, el in SafeET.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = el.tag
            if event == "end":
                if tag == _ODS_TABLE + "table-row":
                    el.clear()
                continue
            if tag == _ODS_TABLE + "table":
                merged, hidden_rows, hidden_cols = [], set(), set()
                out[el.get(_ODS_TABLE + "name", "")] = (merged, hidden_rows, hidden_cols)
                row = colpos = 0
            elif tag == _ODS_TABLE + "table-column":
                rep = _ods_int(el, "number-columns-repeated")
                if el.get(_ODS_TABLE + "visibility", "visible") != "visible":
                    hidden_cols.update(range(colpos, min(colpos + rep, _MAX_COLS)))
                colpos += rep
            elif tag == _ODS_TABLE + "table-row":
                rep = _ods_int(el, "number-rows-repeated")
                if el.get(_ODS_TABLE + "visibility", "visible") != "visible":
                    hidden_rows.update(range(row, row + min(rep, _ODS_MAX_REPEAT)))
                # the cells of a repeated row element stand in its first row; the next one starts after it
                row_start, col = row, 0
                row += rep
            elif tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"):
                rep = _ods_int(el, "number-columns-repeated")
                span_c = _ods_int(el, "number-columns-spanned")
                span_r = _ods_int(el, "number-rows-spanned")
                if span_c > 1 or span_r > 1:
                    merged.append((row_start, col, row_start + span_r - 1, col + span_c - 1))
                col += rep
    except ReadError:
        raise
    except Exception:
        raise ReadError(_R_CORRUPT) from None
    return out


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
    if declared > _SAFE_CELLS and declared > 16 * max(sh.nrows * sh.ncols, 1):
        raise ReadError(f"文件已损坏：工作表“{sh.name}”的尺寸记录异常，请用 Excel/WPS 打开后另存为 .xlsx")

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
    try:
        rows: list[list[object]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)))
    except csv.Error:
        raise ReadError("CSV 文件格式有误（引号不成对或单元格过长），请用 Excel/WPS 打开后另存") from None
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    sheet = RawSheet(name=name, hidden=False, rows=rows, merged=[], hidden_rows=frozenset(),
                     hidden_cols=frozenset(), formula_no_value=frozenset())
    return RawWorkbook(path=str(p), kind="csv", sheets=[sheet])

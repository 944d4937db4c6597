"""What an .xlsx / .ods container says that python-calamine cannot see (SPEC 3.1, 3.3, 11).

`read.py` reads cell values with calamine; this module reads the package around them, cheaply and without an
XML parser where it can:

* zip members, inflated straight from the file (`zip_read`);
* xl/workbook.xml and its relationships: the sheets in workbook order, hidden or not, their members, and the
  shared-strings part (`read_package`);
* plausibility checks run before calamine, whose dense allocations abort the process on hostile counts: the
  shared strings' uniqueCount (`shared_strings_plausible`) and a sheet's real extent, cells without a
  reference and ODS repeats included (`xlsx_extent`, `ods_extents`);
* a byte scan of each worksheet's XML for hidden rows and columns, formulas without a cached value and the
  text of error values, which calamine turns into "" (`scan_sheet_xml`);
* merged ranges and hidden rows/columns from an .ods content.xml (`ods_structure`).

A member or part that cannot be read raises `PartError`; `read.py` turns it into its public `ReadError`.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_CELLS", "MAX_PART_BYTES", "MAX_SHARED_TEXT", "SAFE_CELLS", "Package", "PartError", "SharedText",
    "SheetEntry", "SheetFacts",
    "ods_extents", "ods_structure", "read_package", "scan_sheet_xml", "shared_strings_plausible", "xlsx_extent",
    "zip_read",
]

#: the largest sheet read (SPEC 18): rows x columns counted from A1, ODS repeats and cells without a reference
#: included; a bigger one is unreadable (「表格过大」)
MAX_CELLS = 2_000_000
#: an .xls DIMENSIONS record that claims more than this, far beyond the cells present, is damaged
SAFE_CELLS = 5_000_000
#: a sheet's XML (or an .ods content.xml, or the shared strings) that inflates beyond this is too big to read
MAX_PART_BYTES = 256 * 1024 * 1024
#: shared-string text one sheet may show (each cell gets its own copy of its string)
MAX_SHARED_TEXT = 128 * 1024 * 1024
#: the smallest shared string, <si><t/></si>
_MIN_SHARED_STRING_BYTES = 7
_MAX_COLS = 16384


class PartError(Exception):
    """A zip member or XML part that cannot be read: damaged, or (`out_of_memory`) too big to hold."""

    def __init__(self, out_of_memory: bool = False) -> None:
        super().__init__("out of memory" if out_of_memory else "damaged")
        self.out_of_memory = out_of_memory


# -------------------------------------------------------------------------------------- zip members, workbook.xml


@dataclass(slots=True)
class SheetEntry:
    """One <sheet> of workbook.xml: `member` is its part in the zip (None when missing), `worksheet` is False
    for the other sheet types (chart, dialog, macro sheets)."""

    name: str
    hidden: bool
    member: str | None
    worksheet: bool


@dataclass(slots=True)
class Package:
    """What xl/workbook.xml and its relationships say: the sheets and the shared-strings part."""

    entries: list[SheetEntry]
    shared_strings: list[str]


def zip_read(zf: zipfile.ZipFile, member: str, head: int = 0) -> bytes:
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
        raise PartError(out_of_memory=True) from None
    except Exception:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError (compression)...
        raise PartError from None


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


def read_package(zf: zipfile.ZipFile, wb_member: str) -> Package:
    """The sheets of `wb_member` (xl/workbook.xml) in workbook order and the shared-strings parts, via its .rels."""
    names = {n.lower(): n for n in zf.namelist()}
    folder, base = posixpath.split(wb_member)
    rels_member = names.get(posixpath.join(folder, "_rels", base + ".rels").lower())
    rels: dict[str, tuple[str, str]] = {}
    if rels_member is not None:
        for a in _part_tags(zip_read(zf, rels_member), b"Relationship"):
            if a.get(b"TargetMode") == b"External":
                continue
            target = _xml_text(a.get(b"Target", b"")).replace("\\", "/")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rels[_xml_text(a.get(b"Id", b""))] = (_xml_text(a.get(b"Type", b"")), names.get(member.lower(), member))
    entries = []
    for a in _part_tags(zip_read(zf, wb_member), b"sheet"):
        typ, target = rels.get(_xml_text(a.get(b"id", b"")), ("", ""))
        entries.append(SheetEntry(
            name=_xml_text(a.get(b"name", b"")),
            hidden=a.get(b"state", b"visible") in (b"hidden", b"veryHidden"),
            member=target if target in zf.NameToInfo else None,
            worksheet=not typ or typ.endswith("/worksheet"),
        ))
    shared = [m for typ, m in rels.values() if typ.endswith("/sharedStrings")]
    shared.append(names.get("xl/sharedstrings.xml", ""))
    return Package(entries, [m for m in dict.fromkeys(shared) if m in zf.NameToInfo])


# ------------------------------------------------------------------------------------ checks before calamine runs


_SST_RE = re.compile(rb"<(?:[\w.-]+:)?sst\b([^>]*)>")
_COUNT_RE = re.compile(rb"\buniqueCount\s*=\s*[\"'](\d+)[\"']")


def shared_strings_plausible(zf: zipfile.ZipFile, members: list[str]) -> bool:
    """False when sharedStrings.xml claims more unique strings than its size can hold: calamine reserves room
    for uniqueCount strings up front, and 4294967295 aborts the process. (count, the number of uses, may
    rightly be far larger than the part.)"""
    for member in members:
        info = zf.NameToInfo[member]
        m = _SST_RE.search(zip_read(zf, member, head=4096))
        if m is None:
            continue
        for count in _COUNT_RE.findall(m.group(1)):
            if int(count) * _MIN_SHARED_STRING_BYTES > info.file_size + 64:
                return False
    return True


_SI_RE = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_SHARED_CELL_RE = re.compile(rb'<(?:[\w.-]+:)?c\s[^>]*?\bt\s*=\s*["\']s["\'][^>]*>\s*<(?:[\w.-]+:)?v>\s*(\d+)\s*<')


class SharedText:
    """How much text a sheet's shared-string cells make calamine build: each cell gets its own copy of its
    string, so 1.5 million cells showing one 32,000-character string ask for 100 GB from a 140 kB file."""

    def __init__(self, zf: zipfile.ZipFile, members: list[str]) -> None:
        self._zf, self._members = zf, members
        self.total = sum(zf.NameToInfo[m].file_size for m in members)
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        """Bytes of each shared string's XML, in index order (an upper bound of its text)."""
        if self._sizes is None:
            self._sizes = []
            for member in self._members:
                data = zip_read(self._zf, member)
                starts = [m.start() for m in _SI_RE.finditer(data)]
                self._sizes.extend(b - a for a, b in zip(starts, [*starts[1:], len(data)], strict=True))
        return self._sizes

    def of_sheet(self, data: bytes, budget: int) -> int:
        """Bytes of shared text the cells of one worksheet's XML show; past `budget` it may stop counting, and
        below it may give an upper bound instead (a sheet of inline strings, a small string table)."""
        if (len(data) // 5) * self.total <= budget:  # each use takes five bytes at least, t="s"
            return (len(data) // 5) * self.total
        uses = data.count(b't="s"') + data.count(b"t='s'")
        if uses * self.total <= budget:
            return uses * self.total
        sizes = self.sizes()
        if uses * max(sizes, default=0) <= budget:
            return uses * max(sizes, default=0)
        total = 0
        count = len(sizes)
        for m in _SHARED_CELL_RE.finditer(data):
            i = int(m.group(1))
            if i < count:
                total += sizes[i]
                if total > budget:
                    break
        return total


_REF_RE = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r")
_ROW_TAGS = (b"<row ", b"<row>", b"<row/>", b"<row\t", b"<row\n", b"<row\r")
#: a <c r="..."> whose reference is not 1-3 capital letters and 1-7 digits
_ODD_REF_RE = re.compile(rb'<c r="(?![A-Z]{1,3}[1-9][0-9]{0,6}")')
_ROW_OR_CELL_RE = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def xlsx_extent(data: bytes, limit: int = MAX_CELLS) -> int:
    """The cells calamine allocates for one worksheet's XML: (last row) x (last column), counted from A1 as we
    pad, whatever <dimension> claims. Cells and rows without an r attribute are placed after the one before,
    as calamine places them. Returns `limit + 1` as soon as the extent is known to pass `limit`; below the
    limit it may return an upper bound instead of the exact figure.

    The common case (every <c> and <row> written `r="..."` first, as Excel, WPS, LibreOffice and openpyxl do)
    costs a few C-speed scans of the bytes; anything else is tokenised, at most a few million tags.
    """
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start >= 0 and end > start:
        quick = _quick_extent(data, start, end, limit)
        if quick is not None:
            return quick
        refs = data.count(b'<c r="', start, end)
        lt_c = data.count(b"<c", start, end)
        if lt_c != refs:  # rich text in inline strings has <color>, <charset>, <condense>
            lt_c -= data.count(b"<co", start, end) + data.count(b"<ch", start, end)
        row_refs = data.count(b'<row r="', start, end)
        regular = lt_c == refs and data.count(b"<row", start, end) == row_refs
        if regular:
            if refs > limit or row_refs > limit:
                return limit + 1
            bound = _extent_bound(data)
            if bound <= limit:
                return bound
            if not _ODD_REF_RE.search(data):
                return min(_last_row(data) * _last_column(data), limit + 1)
        elif sum(data.count(t, start, end) for t in _CELL_TAGS) > limit:
            return limit + 1  # more cell elements than the budget: no need to place them
    return _tokenised_extent(data, limit)


#: per number of digits of the last row: a <c> that is not `<c r="A1"` with at most that many digits (one
#: capital letter); tags starting <co, <ch are rich text's <color>, <charset>
_UNUSUAL_CELL_RE = {d: re.compile(rb'<c(?! r="[A-Z][0-9]{1,%d}")(?![oh])' % d) for d in range(1, 5)}


def _quick_extent(data: bytes, start: int, end: int, limit: int) -> int | None:
    """The extent's bound in the commonest case, in one scan of the sheet data: every cell has a reference of
    one letter and no more digits than the last row's (an upper bound of the extent then, as `_extent_bound`
    gives it: a cell with a reference is placed by it, whatever its row says). None when the sheet is not that
    simple, or the bound passes `limit`."""
    last = data.rfind(b'<row r="', start, end)
    digits = data[last + 8:last + 16].split(b'"', 1)[0] if last >= 0 else b""
    if not digits.isdigit() or len(digits) not in _UNUSUAL_CELL_RE:
        return None
    bound = (10 ** len(digits) - 1) * 26
    # a cell or a row more than the budget needs a big sheet: the smallest cell, <c r="A1"/>, has 11 bytes
    if bound > limit or len(data) > 11 * limit:
        return None
    if _UNUSUAL_CELL_RE[len(digits)].search(data, start, end):
        return None
    if data.find(b'<c r="', 0, start) >= 0 or data.find(b'<c r="', end) >= 0:
        return None  # cells outside <sheetData>: left to the full checks
    return bound


def _extent_bound(data: bytes) -> int:
    """A cheap upper bound of the extent when every cell has a reference: the last row has the most digits
    unless a reference has more; a sheet without two-letter references ends by Z. Past 2,000,000 it is
    worked out exactly."""
    last = data.rfind(b'<row r="')
    digits = data[last + 8:last + 16].split(b'"', 1)[0] if last >= 0 else b"0"
    if not digits.isdigit() or re.search(rb'<c r="[A-Za-z]*[0-9]{%d}' % (len(digits) + 1), data):
        return MAX_CELLS + 1
    if re.search(rb'<c r="[A-Za-z]{3}', data):
        return MAX_CELLS + 1
    columns = 702 if re.search(rb'<c r="[A-Za-z]{2}', data) else 26
    return (10 ** len(digits) - 1) * columns


def _last_row(data: bytes) -> int:
    for digits in range(7, 0, -1):
        pattern = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d})"' % digits)
        if pattern.search(data):
            return max(int(x) for x in pattern.findall(data))
    return 0


def _last_column(data: bytes) -> int:
    for letters in (3, 2):
        pattern = re.compile(rb'<c r="([A-Z]{%d})[0-9]' % letters)
        if pattern.search(data):
            return max(_col_index(x) for x in pattern.findall(data)) + 1
    for n in range(26, 0, -1):
        if data.find(b'<c r="' + bytes([64 + n])) >= 0:
            return n
    return 0


def _tokenised_extent(data: bytes, limit: int) -> int:
    row = col = -1
    last_row = last_col = 0
    for n, m in enumerate(_ROW_OR_CELL_RE.finditer(data)):
        if n > 2 * limit:
            return limit + 1
        ref = _attrs(m.group(2)).get(b"r")
        if m.group(1) == b"row":
            row = int(ref) - 1 if ref and ref.isdigit() else row + 1
            col = -1
            continue
        try:
            r, col = _cell_ref(ref)
        except _Irregular:
            r, col = row, col + 1
        last_row, last_col = max(last_row, r + 1), max(last_col, col + 1)
        if last_row * last_col > limit:
            return limit + 1
    return last_row * last_col


# ---------------------------------------------------------------------------------------- sheet XML byte scanning


@dataclass(slots=True)
class SheetFacts:
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


def scan_sheet_xml(data: bytes) -> SheetFacts:
    """Hidden rows/columns, formulas without cached value and error texts, from one worksheet's XML.

    The common case costs two or three C-speed scans of the bytes; anything unusual goes to `_full_scan`.
    """
    facts = SheetFacts()
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


def _add_hidden_cols(facts: SheetFacts, tag: bytes) -> None:
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


def _check_formula(data: bytes, pos: int, facts: SheetFacts) -> None:
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


def _collect_errors(data: bytes, facts: SheetFacts) -> None:
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


def _full_scan(data: bytes) -> SheetFacts:
    """Tokenise every row and cell, placing cells without an r attribute the way calamine does."""
    facts = SheetFacts()
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


def _end_cell(facts: SheetFacts, cell: tuple[int, int], t: bytes, has_f: bool, value: bytes | None) -> None:
    if has_f and (value is None or (value == b"" and t != b"str")):
        facts.formula_no_value.add(cell)
    if t == b"e" and value:
        facts.errors.append((cell[0], cell[1], value.decode("utf-8", "replace")))


# ------------------------------------------------------------------------------------------------ ods content.xml


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
#: rows of one repeated, hidden <table:table-row> recorded at most (LibreOffice pads sheets with one such row)
_ODS_MAX_REPEAT = 100_000


def _ods_int(el: Any, attr: str) -> int:
    try:
        return max(int(el.get(_ODS_TABLE + attr, "1")), 1)
    except ValueError:
        return 1


def ods_structure(zf: zipfile.ZipFile) -> dict[str, tuple[list[tuple[int, int, int, int]], set[int], set[int]]]:
    """Merged ranges and hidden rows/columns per table of content.xml (calamine has none of them for ODS)."""
    data = zip_read(zf, "content.xml")
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
    except PartError:
        raise
    except Exception:
        raise PartError from None
    return out


_ODS_TOKEN_RE = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_NAME_RE = re.compile(rb"table:name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ODS_REPEAT_RE = {
    b"table-row": re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)[\"']"),
    b"table-cell": re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)[\"']"),
}
_ODS_REPEAT_RE[b"covered-table-cell"] = _ODS_REPEAT_RE[b"table-cell"]


def _ods_repeat(kind: bytes, rest: bytes) -> int:
    m = _ODS_REPEAT_RE[kind].search(rest)
    return max(int(m.group(1)), 1) if m else 1


def ods_extents(data: bytes, limit: int = MAX_CELLS) -> dict[str, int]:
    """The cells calamine allocates for each table of an .ods content.xml: (last row with a value) x (last
    column with a value), repeated rows and columns counted, capped at `limit + 1`. calamine expands
    `table:number-rows-repeated` and `number-columns-repeated` of cells that hold something: one 800-byte row
    repeated a million times asks for a million rows. Tables are named as calamine names them (entities
    decoded). Past a few million tags every table not yet measured counts as too big."""
    out: dict[str, int] = {}
    name = ""
    row = col = last_row = last_col = row_repeat = 0
    has = False
    for n, m in enumerate(_ODS_TOKEN_RE.finditer(data)):
        closing, kind, rest = m.group(1), m.group(2), m.group(3)
        if n > 4 * limit:
            out[name] = limit + 1
            break
        if kind == b"table":
            if closing:
                continue
            found = _ODS_NAME_RE.search(rest)
            name = _xml_text((found.group(1) or found.group(2) or b"") if found else b"")
            out[name] = 0
            row = last_row = last_col = 0
        elif out.get(name, 0) > limit:
            continue  # already too big: skip the rest of this table
        elif kind == b"table-row":
            if closing:
                if has:
                    last_row = row + row_repeat
                row += row_repeat
            elif rest.endswith(b"/"):
                row += _ods_repeat(kind, rest)
            else:
                row_repeat, col, has = _ods_repeat(kind, rest), 0, False
                continue
        elif not closing:
            repeat = _ods_repeat(kind, rest)
            if kind == b"table-cell" and (not rest.endswith(b"/") or b"value-type" in rest):
                has = True
                last_col = max(last_col, col + repeat)
                if (row + row_repeat) * last_col > limit:
                    last_row = row + row_repeat
            col += repeat
        if last_row * last_col > limit:
            out[name] = limit + 1
        else:
            out[name] = last_row * last_col
    return out

"""Receipt scans (原始票据, SPEC 10): find them by voucher, check their count, publish cleaned copies.

A village's `receipts` folder holds JPEG, PNG or PDF scans named by voucher: 记-012.jpg, 记-012-2.jpg,
记012(1).png, 记字第12号.pdf, a subfolder 记-012/ holding any scans, or a bare number 12.jpeg (the 记 series, or
the village's only series). Originals are never copied into the site: `write_receipt_images` re-encodes each
image (or each page of a PDF) as a JPEG at most 1600 px on its long side, without EXIF, GPS or any other
metadata, plus a 320 px thumbnail.

Counting (receipt-mismatch): one image file is one receipt; a PDF counts its pages. A scan that cannot be
opened counts 0, so a broken file shows up as a missing receipt of its voucher. Without pypdfium2 a PDF counts
1 and is not published (it can only be inspected at the village office).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from . import findings as F
from .config import Config, Village
from .model import CheckReport, Expense, Finding, Period
from .public import Receipt, VillageView
from .vouchers import parse_voucher

SCAN_SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf")
MAX_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 82
RECEIPTS_DIR = "receipts"
THUMBS_DIR = "receipts/thumbs"
DEFAULT_SERIES = "记"

#: pinyin of the usual voucher series characters, for ASCII file names on the site
_PINYIN = {"记": "ji", "现": "xian", "银": "yin", "收": "shou", "付": "fu", "转": "zhuan"}
#: "记-012-2", "记012(1)", "记-012 (2)", "12_3": a voucher and the page number after it
_PAGED = re.compile(r"(?P<head>.*?\d+\s*号?)\s*(?:[-_]\s*(?P<a>\d+)|[(（]\s*(?P<b>\d+)\s*[)）])")
_PDF_PAGE = re.compile(r"(?P<path>.+\.pdf)#page=(?P<page>\d+)", re.IGNORECASE)
_DIGITS = re.compile(r"(\d+)")
#: month subfolders (SPEC 15): 2026-10, 2026.10, 2026_10, 2026年10月, 10月
_MONTH_DIR = re.compile(r"^(?:(?P<year>\d{4})\s*(?:[-_.]|年)\s*(?P<m1>\d{1,2})\s*月?|(?P<m2>\d{1,2})\s*月)$")

Key = tuple[str, int]


# ---- finding scans ------------------------------------------------------------------------------------------


def _skipped(entry: os.DirEntry) -> bool:
    """Hidden files, Office/WPS (~$) and LibreOffice (.~lock) lock files, macOS ._ files."""
    name = entry.name
    if name.startswith((".", "~")):
        return True
    try:
        attrs = getattr(entry.stat(), "st_file_attributes", 0)  # Windows only; 0 elsewhere
    except OSError:
        return True
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return [e for e in it if not _skipped(e)]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry) -> bool:
    """A real folder: a symbolic link to a folder is never followed (SPEC 18), a link to a file is a file."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _natural(text: str) -> tuple:
    """Sort key that puts 2 before 10."""
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text.lower()))


def _is_scan(name: str) -> bool:
    return name.lower().endswith(SCAN_SUFFIXES)


def _name_key(stem: str) -> tuple[Key, int] | None:
    """(voucher key, page) of a scan's file name without extension; the bare voucher is page 0."""
    paged = _PAGED.fullmatch(stem.strip())
    if paged:
        key = parse_voucher(paged.group("head"))
        if key is not None:
            return key, int(paged.group("a") or paged.group("b"))
    key = parse_voucher(stem)
    return (key, 0) if key is not None else None


def _files_under(folder: Path) -> list[Path]:
    """Every scan inside a voucher's subfolder (and its subfolders), in natural name order."""
    out: list[Path] = []
    for entry in sorted(_entries(folder), key=lambda e: _natural(e.name)):
        if _is_dir(entry):
            out.extend(_files_under(Path(entry.path)))
        elif _is_file(entry) and _is_scan(entry.name):
            out.append(Path(entry.path))
    return out


def folder_month(name: str) -> tuple[int | None, int] | None:
    """(year or None, month) of a month subfolder's name: 2026-10, 2026年10月 → (2026, 10); 10月 → (None, 10)."""
    match = _MONTH_DIR.match(unicodedata.normalize("NFKC", name).strip())
    if match is None:
        return None
    month = int(match.group("m1") or match.group("m2"))
    if not 1 <= month <= 12:
        return None
    return (int(match.group("year")) if match.group("year") else None), month


def month_folders(folder: Path) -> list[tuple[Path, int | None, int]]:
    """The month subfolders of a receipts folder (real folders only, never a link), in name order."""
    out = []
    for entry in sorted(_entries(folder), key=lambda e: _natural(e.name)):
        month = folder_month(entry.name) if _is_dir(entry) else None
        if month is not None:
            out.append((Path(entry.path), *month))
    return out


def scan_folders(folder: Path, period: Period | None) -> tuple[list[Path], bool]:
    """Where a month's scans are, and whether the folder is kept by month (SPEC 15).

    With month subfolders, a month's scans come only from its own (2026-10/, 2026年10月/ or 10月/; none
    when it has none); scans directly in the folder are used only when there is no month subfolder at all.
    Without a period (check --month any), a folder kept by month gives no scans."""
    months = month_folders(folder)
    if not months:
        return [folder], False
    if period is None:
        return [], True
    return [p for p, y, m in months if m == period.month and y in (None, period.year)], True


def by_month(folder: Path) -> bool:
    """True when the receipts folder has month subfolders."""
    return bool(month_folders(folder))


def _walk(folder: Path, series_hint: str, period: Period | None = None) -> tuple[dict[Key, list[Path]], list[Path]]:
    """Scans of `period` by voucher key (page order), and the scans whose name is no voucher number.

    With no month subfolders the folder itself is walked. A subfolder whose name is no voucher number is
    not looked into, nor is a link to a folder."""
    folders, _ = scan_folders(folder, period)
    ranked: dict[Key, list[tuple[tuple, Path]]] = {}
    unnamed: list[Path] = []
    for sub in folders:
        _walk_one(sub, series_hint, ranked, unnamed)
    scans = {key: [p for _, p in sorted(items, key=lambda t: t[0])] for key, items in sorted(ranked.items())}
    return scans, sorted(unnamed, key=lambda p: _natural(p.name))


def _walk_one(folder: Path, series_hint: str, ranked: dict[Key, list[tuple[tuple, Path]]],
              unnamed: list[Path]) -> None:
    for entry in _entries(folder):
        path = Path(entry.path)
        if _is_dir(entry):
            key = parse_voucher(entry.name)
            if key is None:
                continue
            key = (key[0] or series_hint, key[1])
            for i, inner in enumerate(_files_under(path)):
                ranked.setdefault(key, []).append(((1, i, ()), inner))
        elif _is_file(entry) and _is_scan(entry.name):
            parsed = _name_key(path.stem)
            if parsed is None:
                unnamed.append(path)
                continue
            (series, number), page = parsed
            ranked.setdefault((series or series_hint, number), []).append(((0, page, _natural(entry.name)), path))


def find_scans(folder: Path, series_hint: str = DEFAULT_SERIES, period: Period | None = None
               ) -> dict[Key, list[Path]]:
    """Voucher key → its scans of `period`, in page order (记-012.jpg, 记-012-1.jpg, 记-012-2.jpg, then 记-012/…).

    A bare number (12.jpeg) belongs to `series_hint`. Files other than .jpg/.jpeg/.png/.pdf, hidden and lock
    files are ignored; a missing folder gives {}. See `scan_folders` for month subfolders."""
    return _walk(Path(folder), series_hint, period)[0]


def series_hint(vouchers: Iterable[str]) -> str:
    """The series a bare number means: the village's only series, else 记 (SPEC 10)."""
    named = {key[0] for key in map(parse_voucher, vouchers) if key is not None and key[0]}
    return next(iter(named)) if len(named) == 1 else DEFAULT_SERIES


def _voucher_keys(vouchers: Iterable[str], hint: str) -> dict[str, Key]:
    out = {}
    for text in vouchers:
        key = parse_voucher(text)
        if key is not None:
            out[text] = (key[0] or hint, key[1])
    return out


def unmatched_scans(folder: Path, vouchers: Iterable[str], period: Period | None = None) -> list[Path]:
    """Scans matching none of `vouchers` (as the ledger writes them), including names that are no voucher."""
    vouchers = list(vouchers)
    hint = series_hint(vouchers)
    scans, unnamed = _walk(Path(folder), hint, period)
    known = set(_voucher_keys(vouchers, hint).values())
    stray = [p for key, paths in scans.items() if key not in known for p in paths]
    return stray + unnamed


def receipts_folder(config: Config, village: Village) -> Path | None:
    """The village's receipts folder: `receipts` relative to the workspace root (absolute allowed)."""
    if not village.receipts:
        return None
    path = Path(village.receipts)
    if not path.is_absolute() and config.root is not None:
        path = Path(config.root) / path
    return path


# ---- pages of a scan ----------------------------------------------------------------------------------------


def _pdfium():
    """pypdfium2 (heavy: imported where a PDF scan is read), or None when it is not installed."""
    try:
        import pypdfium2
    except ImportError:
        return None
    return pypdfium2


@lru_cache(maxsize=4096)
def _pages_cached(path: str, mtime: int, size: int) -> int | None:
    if path.lower().endswith(".pdf"):
        pdfium = _pdfium()
        if pdfium is None:
            return None
        try:
            pdf = pdfium.PdfDocument(path)
        except Exception:  # pdfium raises PdfiumError (and others) for broken or encrypted files
            return 0
        try:
            return len(pdf)
        finally:
            pdf.close()
    from PIL import Image

    try:
        with Image.open(path) as img:
            if img.format == "JPEG":
                # decode at 1/8 scale: cheap, and a truncated or damaged file still fails (SPEC 18)
                img.draft("L", (max(1, img.size[0] // 8), max(1, img.size[1] // 8)))
                img.load()
            else:
                img.verify()  # PNG: every chunk's CRC, and the end of the file
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on a file it cannot read
        return 0
    return 1


def scan_pages(path: Path) -> int | None:
    """Receipts in one scan: 1 for an image, the page count of a PDF, 0 if it cannot be decoded (a
    receipt-unreadable warning; never counted nor published), None for a PDF when pypdfium2 is not installed
    (counted as one receipt, not published)."""
    try:
        st = os.stat(path)
    except OSError:
        return 0
    return _pages_cached(str(path), st.st_mtime_ns, st.st_size)


def _count(path: Path) -> int:
    pages = scan_pages(path)
    return 1 if pages is None else pages


# ---- publication --------------------------------------------------------------------------------------------


def series_slug(series: str) -> str:
    """ASCII name of a series for file names: 记 → ji, 银付 → yinfu; anything else a short hex."""
    if series and all(ch in _PINYIN for ch in series):
        return "".join(_PINYIN[ch] for ch in series)
    if series and series.isascii() and series.isalnum():
        return series.lower()
    return "s" + hashlib.sha1(series.encode("utf-8")).hexdigest()[:6]


def thumbnail_path(target: str) -> str:
    """receipts/ji-012-1.jpg → receipts/thumbs/ji-012-1.jpg."""
    prefix = RECEIPTS_DIR + "/"
    name = target[len(prefix):] if target.startswith(prefix) else target.rsplit("/", 1)[-1]
    return f"{THUMBS_DIR}/{name}"


def _plan(folder: Path, hint: str, period: Period | None,
          keep: Callable[[str], bool] | None = None) -> dict[Key, list[tuple[str, str]]]:
    """Voucher key → (source, target) for every publishable image or PDF page, numbered from 1.

    `keep(source)` says whether a source may be published (a withheld scan is left out, SPEC 15)."""
    out: dict[Key, list[tuple[str, str]]] = {}
    for key, paths in find_scans(folder, hint, period).items():
        stem = f"{series_slug(key[0])}-{key[1]:03d}"
        items: list[tuple[str, str]] = []
        for path in paths:
            pages = scan_pages(path)
            if not pages:  # unreadable, or a PDF without pypdfium2
                continue
            if path.suffix.lower() == ".pdf":
                sources = [f"{path}#page={i}" for i in range(pages)]
            else:
                sources = [str(path)]
            for source in sources:
                if keep is None or keep(source):
                    items.append((source, f"{RECEIPTS_DIR}/{stem}-{len(items) + 1}.jpg"))
        if items:
            out[key] = items
    return out


def receipts_for(config: Config, village: Village, report: CheckReport) -> dict[str, tuple[Receipt, ...]]:
    """Voucher text (as the village's expenses write it) → its published receipts; {} when there are none,
    the folder is missing, or `publish_receipts` is false."""
    return receipts_for_vouchers(config, village, {e.voucher for e in report.expenses_of(village.id)},
                                 period_of(report.period))


def period_of(label: str | None) -> Period | None:
    """"2026-10" → Period(2026, 10); anything else (None, "any") → None."""
    if label and re.fullmatch(r"\d{4}-\d{2}", label):
        return Period(int(label[:4]), int(label[5:]))
    return None


def receipts_for_vouchers(config: Config, village: Village, vouchers: Iterable[str], period: Period | None = None,
                          keep: Callable[[str], bool] | None = None) -> dict[str, tuple[Receipt, ...]]:
    """As `receipts_for`, from the voucher numbers alone (what a published expenses.json holds).

    `keep(source)`: whether a scan (or PDF page) may be published; see `redact.Verdicts`."""
    folder = receipts_folder(config, village)
    if folder is None or not village.publish_receipts:
        return {}
    vouchers = set(vouchers)
    hint = series_hint(vouchers)
    plan = _plan(folder, hint, period, keep)
    out: dict[str, tuple[Receipt, ...]] = {}
    for text, key in sorted(_voucher_keys(vouchers, hint).items()):
        items = plan.get(key)
        if items:
            out[text] = tuple(Receipt(image=target, thumbnail=thumbnail_path(target)) for _, target in items)
    return out


def receipt_sources(config: Config, village: Village, view: VillageView,
                    keep: Callable[[str], bool] | None = None) -> tuple[tuple[str, str], ...]:
    """(source scan, target relative to the village folder) for every receipt image of `view`.

    A PDF page is "path.pdf#page=N" (0-based). Targets that no longer have a scan are left out."""
    folder = receipts_folder(config, village)
    if folder is None:
        return ()
    vouchers = [e.voucher for e in view.expenses]
    hint = series_hint(vouchers)
    period = Period(view.year, view.month)
    by_target: dict[str, str] = {}
    # the view may be an archived revision whose series differ from today's ledger: fall back to other hints
    for h in dict.fromkeys([hint, DEFAULT_SERIES, *sorted({k[0] for k in _voucher_keys(vouchers, hint).values()})]):
        for items in _plan(folder, h, period, keep).values():
            for source, target in items:
                by_target.setdefault(target, source)
    out: dict[str, str] = {}
    for e in view.expenses:
        for r in e.receipts:
            if r.image in by_target and r.image not in out:
                out[r.image] = by_target[r.image]
    return tuple((source, target) for target, source in out.items())


def _open_source(source: str):
    """A loaded-on-demand PIL image of one source: an image file, or one page of a PDF rendered."""
    from PIL import Image

    paged = _PDF_PAGE.fullmatch(source)
    if paged:
        pdfium = _pdfium()
        if pdfium is None:
            raise ImportError("pypdfium2")  # the callers skip a scan that cannot be decoded
        pdf = pdfium.PdfDocument(paged.group("path"))
        try:
            page = pdf[int(paged.group("page"))]
            width, height = page.get_size()  # points
            scale = min(MAX_SIDE / max(width, height, 1.0), 4.0)
            bitmap = page.render(scale=scale)
            # to_pil() may share the bitmap's memory, which closing the document frees: take a copy
            return bitmap.to_pil().copy()
        finally:
            pdf.close()
    img = Image.open(source)
    long_side = max(img.size)
    if long_side > MAX_SIDE and img.format == "JPEG":
        # let the JPEG decoder scale down by 1/2, 1/4, 1/8 while keeping the long side >= MAX_SIDE: much faster
        factor = MAX_SIDE / long_side
        img.draft("RGB", (math.ceil(img.size[0] * factor), math.ceil(img.size[1] * factor)))
    return img


def _to_rgb(img):
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if img.mode.startswith("I"):  # 16/32-bit greyscale scans
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return img.convert("RGB") if img.mode != "RGB" else img


def _clean_copy(img, side: int):
    """A copy at most `side` px on its long side with no metadata at all (EXIF, GPS, XMP, ICC, comments)."""
    from PIL import Image

    out = img.copy()
    if max(out.size) > side:
        out.thumbnail((side, side), Image.Resampling.LANCZOS)
    out.info = {}
    return out


def published_image(source: str):
    """The image of one source as it is published: upright (EXIF orientation applied), RGB, at most
    MAX_SIDE px on its long side, with no metadata. Raises for a scan that cannot be decoded."""
    from PIL import ImageOps

    with _open_source(source) as img:
        upright = ImageOps.exif_transpose(img)
        rgb = _to_rgb(upright)
        return _clean_copy(rgb, MAX_SIDE)


def write_receipt_images(files: Sequence[tuple[str, str]], folder: Path, verdicts=None) -> None:
    """Write each (source, target) as a clean JPEG at `folder/target` and its thumbnail (receipts/thumbs/…).

    EXIF orientation is applied, then every piece of metadata dropped. `verdicts` (a `redact.Verdicts`, for
    a village whose scans are covered: `get(source)` → a verdict with `publishable` and `apply(image)`): the
    numbers found are painted over, and a scan withheld is not written. A scan that cannot be read is skipped (check reports it as receipt-unreadable)."""
    folder = Path(folder)
    for source, target in files:
        try:
            full = published_image(source)
        except Exception:  # any unreadable scan (DecompressionBombError too): skip it, publish the rest
            continue
        if verdicts is not None:
            verdict = verdicts.get(source)
            if not verdict.publishable:
                continue
            full = verdict.apply(full)
        thumb = _clean_copy(full, THUMB_SIDE)
        dest = folder / target
        thumb_dest = folder / thumbnail_path(target)
        dest.parent.mkdir(parents=True, exist_ok=True)
        thumb_dest.parent.mkdir(parents=True, exist_ok=True)
        full.save(dest, "JPEG", quality=JPEG_QUALITY)
        thumb.save(thumb_dest, "JPEG", quality=JPEG_QUALITY)


# ---- check --------------------------------------------------------------------------------------------------


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _declared(rows: Sequence[Expense]) -> int | None:
    """Attachments declared for a voucher: the largest value on its rows; None when the sheet cannot say."""
    values = [e.attachments for e in rows if e.attachments is not None]
    if values:
        return max(values)
    return 0 if any(e.has_column("attachments") for e in rows) else None


def receipt_findings(config: Config, expenses: Sequence[Expense],
                     villages: Iterable[str] | None = None, period: Period | None = None) -> list[Finding]:
    """receipt-mismatch, receipt-unreadable and receipts-not-by-month warnings for every village with a
    `receipts` folder (SPEC 10, 15, 18).

    `villages`: the ids checked (default: those with an expense in `expenses`). A missing folder is one
    warning for the village; a voucher whose scans (a PDF counts its pages) differ from the attachments
    declared is one warning on its first row; each scan matching no voucher is one warning naming the file;
    each scan that cannot be decoded is one warning naming it (and counts 0); a folder with scans but no
    month subfolders is one warning for the village."""
    by_village: dict[str, list[Expense]] = {}
    for e in expenses:
        by_village.setdefault(e.village, []).append(e)
    wanted = set(by_village) if villages is None else set(villages)
    out: list[Finding] = []
    for village in config.villages:
        folder = receipts_folder(config, village)
        if folder is None or village.id not in wanted:
            continue
        rows = by_village.get(village.id, [])
        hint = series_hint(e.voucher for e in rows)
        by_key: dict[Key, list[Expense]] = {}
        for e in rows:
            key = parse_voucher(e.voucher)
            if key is not None:
                by_key.setdefault((key[0] or hint, key[1]), []).append(e)
        if not folder.is_dir():
            total = sum(_declared(v) or 0 for v in by_key.values())
            out.append(F.make("receipt-mismatch", village=village.id, file=village.receipts,
                              found=0, declared=total, subject=f"票据文件夹 {village.receipts} 不存在，"))
            continue
        kept_by_month = by_month(folder)
        if kept_by_month and period is None:
            continue  # no month to look in (check --month any): voucher numbers repeat across the months
        scans, unnamed = _walk(folder, hint, period)
        if not kept_by_month and (scans or unnamed):
            out.append(F.make("receipts-not-by-month", village=village.id, file=village.receipts,
                              value=village.receipts))
        for path in [p for paths in scans.values() for p in paths] + unnamed:
            if scan_pages(path) == 0:
                out.append(F.make("receipt-unreadable", village=village.id, file=_display(path, config.root),
                                  value=path.name))
        for key, group in by_key.items():
            declared = _declared(group)
            if declared is None:  # no attachments column: nothing to compare with
                continue
            found = sum(_count(p) for p in scans.get(key, ()))
            if found != declared:
                first = min(group, key=lambda e: (e.file, e.sheet or "", e.row))
                out.append(F.make("receipt-mismatch", village=village.id, file=first.file, sheet=first.sheet,
                                  row=first.row, column=first.column_of("attachments"), voucher=first.voucher,
                                  found=found, declared=declared, subject=""))  # the location names the voucher
        stray = [p for key, paths in scans.items() if key not in by_key for p in paths] + unnamed
        for path in stray:
            out.append(F.make("receipt-mismatch", village=village.id, file=_display(path, config.root),
                              found=max(_count(path), 1), declared=0,
                              subject=f"扫描件 {path.name} 对应不到任何凭证（请按凭证号命名），"))
    return out

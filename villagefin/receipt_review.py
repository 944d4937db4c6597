"""A month's receipt scans through covering, for `publish` (SPEC 15).

`MonthScans.plan()` lists, for each village whose scans are published, every scan (or PDF page) of the month
with its voucher. Before anything is archived, `require_engine()` stops an official publish whose scans would
need covering when the OCR engine cannot be loaded. `cover()` reads the scans not yet in the cache on both
cores and turns the verdicts into receipt-redacted / receipt-withheld warnings. `contact_sheets()` writes
`.villagefin/receipts-review/<YYYY-MM>/<id>.pdf`: every scan as it was published, for a person to check what OCR
cannot read (handwriting).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import findings as F
from .config import Config
from .model import Finding, Period
from .public import expenses_from_json
from .receipts import (
    RECEIPTS_DIR,
    find_scans,
    receipts_folder,
    receipts_for_vouchers,
    scan_pages,
    series_hint,
)
from .redact import EngineMissing, Verdict, Verdicts, engine_version, missing_engine_message, receipt_verdicts
from .vouchers import parse_voucher

REVIEW_DIR = Path(".villagefin") / "receipts-review"
_PAGE = (1240, 1754)  # A4 at 150 dpi
_MARGIN = 60
_COLUMNS, _ROWS = 2, 3


@dataclass(frozen=True)
class Scan:
    village: str
    voucher: str  # as the ledger writes it
    source: str  # a file, or "file.pdf#page=N"
    name: str  # for people: 记-001.jpg, 记字第4号.pdf 第2页


@dataclass
class MonthScans:
    config: Config
    period: Period
    scans: dict[str, list[Scan]] = field(default_factory=dict)  # village id → scans covered before publishing
    published: dict[str, bool] = field(default_factory=dict)  # village id → scans published at all

    @classmethod
    def plan(cls, config: Config, period: Period, data: Mapping[str, bytes]) -> MonthScans:
        """`data`: village id → the expenses.json bytes about to be published."""
        out = cls(config, period)
        for vid, raw in data.items():
            village = config.village(vid)
            if village is None or not village.receipts or not village.publish_receipts:
                continue
            out.published[vid] = True
            if not village.covers_receipts:
                continue
            folder = receipts_folder(config, village)
            vouchers = sorted({e.voucher for e in expenses_from_json(raw)})
            hint = series_hint(vouchers)
            by_key: dict[tuple[str, int], str] = {}
            for text in vouchers:
                key = parse_voucher(text)
                if key is not None:
                    by_key.setdefault((key[0] or hint, key[1]), text)
            items: list[Scan] = []
            for key, paths in find_scans(folder, hint, period).items() if folder is not None else ():
                if key not in by_key:
                    continue
                for path in paths:
                    pages = scan_pages(path)
                    if not pages:
                        continue
                    if path.suffix.lower() == ".pdf":
                        items.extend(Scan(vid, by_key[key], f"{path}#page={i}", f"{path.name} 第{i + 1}页")
                                     for i in range(pages))
                    else:
                        items.append(Scan(vid, by_key[key], str(path), path.name))
            if items:
                out.scans[vid] = items
        return out

    def require_engine(self) -> None:
        """Stop (exit 2) when scans would be published and the OCR engine cannot be loaded."""
        if any(self.scans.values()) and engine_version() is None:
            raise EngineMissing(missing_engine_message())

    def cover(self, villages: Sequence[str], progress: Callable[[int, int], None] | None = None,
              verdicts: Verdicts | None = None) -> list[Finding]:
        """Cover the scans of `villages` (reading only those not cached) → their warnings."""
        assert self.config.root is not None
        verdicts = verdicts or Verdicts(Path(self.config.root))
        wanted = [s for vid in villages for s in self.scans.get(vid, ())]
        if not wanted:
            return []
        if not verdicts.engine:
            # a preview without the engine: no scan is published uncovered
            return [F.make("receipt-withheld", village=s.village, voucher=s.voucher, value=s.name,
                           reason="未安装票据识别引擎") for s in wanted]
        got = verdicts.cover_all([s.source for s in wanted], progress)
        return [f for s in wanted for f in _warnings(s, got[s.source])]

    def contact_sheets(self, month_dir: Path, villages: Sequence[str], font_path: str | None) -> list[Path]:
        """Write a contact sheet of every published scan of each village; return the files written."""
        assert self.config.root is not None
        out: list[Path] = []
        for vid in villages:
            if not self.published.get(vid):
                continue
            folder = month_dir / vid
            village = self.config.village(vid)
            images = _published_images(folder, self._vouchers_of(vid, folder))
            if not images or village is None:
                continue
            target = Path(self.config.root) / REVIEW_DIR / f"{self.period.year:04d}-{self.period.month:02d}" / f"{vid}.pdf"
            title = f"{village.name} {self.period.year}年{self.period.month}月 原始票据核对页"
            note = "每张扫描件公开出去的样子。黑块是遮盖的号码；手写的号码识别不出，请逐张看一遍。"
            write_contact_sheet(images, target, title, note, font_path)
            out.append(target)
        return out


    def _vouchers_of(self, vid: str, folder: Path) -> dict[str, str]:
        """Published image (receipts/ji-012-1.jpg) → its voucher as the ledger writes it (记-012)."""
        village = self.config.village(vid)
        try:
            items = expenses_from_json((folder / "expenses.json").read_bytes())
        except (OSError, ValueError):
            return {}
        if village is None:
            return {}
        verdicts = receipt_verdicts(self.config, village)
        receipts = receipts_for_vouchers(self.config, village, [e.voucher for e in items], self.period,
                                         verdicts.publishable if verdicts else None)
        return {r.image: voucher for voucher, rs in receipts.items() for r in rs}


def _warnings(scan: Scan, verdict: Verdict) -> list[Finding]:
    if verdict.withheld or verdict.unreadable:
        return [F.make("receipt-withheld", village=scan.village, voucher=scan.voucher, value=scan.name,
                       reason=verdict.reason or "无法读取")]
    if verdict.covered:
        return [F.make("receipt-redacted", village=scan.village, voucher=scan.voucher, value=scan.name,
                       what=verdict.what())]
    return []


def _published_images(folder: Path, vouchers: Mapping[str, str]) -> list[tuple[Path, str]]:
    """(image, caption) of a village folder's published scans, in the order of the page (voucher, page)."""
    receipts = folder / RECEIPTS_DIR
    if not receipts.is_dir():
        return []

    def natural(p: Path) -> list:
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)]

    out = []
    for p in sorted((p for p in receipts.glob("*.jpg") if p.is_file()), key=natural):
        rel = f"{RECEIPTS_DIR}/{p.name}"
        page = p.stem.rsplit("-", 1)[-1]
        out.append((p, f"凭证 {vouchers[rel]} 第{page}张（{rel}）" if rel in vouchers else rel))
    return out


def write_contact_sheet(images: Sequence[tuple[Path, str]], target: Path, title: str, note: str,
                        font_path: str | None) -> None:
    """A PDF of A4 pages, six images a page with their captions (Pillow; the images as they are published)."""
    from PIL import Image, ImageDraw, ImageFont

    def font(size: int):
        if font_path:
            try:
                return ImageFont.truetype(font_path, size)
            except OSError:
                pass
        return ImageFont.load_default(size)

    head, small = font(30), font(24)
    cell_w = (_PAGE[0] - 2 * _MARGIN) // _COLUMNS
    cell_h = (_PAGE[1] - 2 * _MARGIN - 60) // _ROWS
    pages = []
    per_page = _COLUMNS * _ROWS
    total = (len(images) + per_page - 1) // per_page
    for start in range(0, len(images), per_page):
        page = Image.new("RGB", _PAGE, "white")
        draw = ImageDraw.Draw(page)
        draw.text((_MARGIN, _MARGIN - 30), f"{title}  第 {start // per_page + 1}/{total} 页", fill="black", font=head)
        draw.text((_MARGIN, _MARGIN + 8), note, fill=(90, 90, 90), font=small)
        for i, (path, caption) in enumerate(images[start:start + per_page]):
            x = _MARGIN + (i % _COLUMNS) * cell_w
            y = _MARGIN + 50 + (i // _COLUMNS) * cell_h
            with Image.open(path) as img:
                thumb = img.convert("RGB")
                thumb.thumbnail((cell_w - 20, cell_h - 50))
            page.paste(thumb, (x + 10, y + 10))
            draw.rectangle((x + 9, y + 9, x + 10 + thumb.size[0], y + 10 + thumb.size[1]), outline=(120, 120, 120))
            draw.text((x + 10, y + 14 + thumb.size[1]), caption, fill="black", font=small)
        pages.append(page)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    pages[0].save(tmp, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    tmp.replace(target)

"""The PDF sheets (SPEC 5.3): noticeboard.pdf per village, print-all.pdf, summary.pdf, receipts appendix.

Input is only the public view (`villagefin.public`). Every sheet is drawn on the reportlab canvas with our
own line breaking and pagination (pdf_text, pdf_grid): a Platypus table costs four times as much and the
county benchmark (300 villages × 300 expenses in 20 s on two cores) cannot afford it.

A village's sheet: title, township, period and publication date; the expense table, its header repeated on
every page, a row never split across pages unless it alone is taller than a page (then it continues on the
next, marked （续）); 本页小计 under every page's table; on the last page 本月合计 in figures and 人民币大写,
共 N 笔, 本年累计, subtotals by category, correction notices, the sign-off block (村务监督委员会意见, 公开日期,
监督电话, QR code to the village page, 数据指纹); on every page 第 N 页 共 M 页. Previews carry a diagonal
「预览稿」 watermark and a banner on every page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from villagefin.fonts import FontChoice, register
from villagefin.model import cn_date, has_resolution
from villagefin.money import display
from villagefin.public import PublicExpense, TownshipView, VillageView
from villagefin.render.pdf_grid import (
    HEADER_FILL,
    REVIEW_LINES_MAX,
    TOTAL_FILL,
    Column,
    Grid,
    Span,
    Style,
    banner,
    capitals_line,
    closing_paragraphs,
    draw_heading,
    fit_columns,
    heading,
    period_text,
    resolution_note,
    style,
    summary_cell,
    watermark,
)
from villagefin.render.pdf_money import draw_money_sheet, money_sheet_texts
from villagefin.render.pdf_summary import draw_summary
from villagefin.render.pdf_text import BLACK, GREY, RED, Color, Pen, metrics

if TYPE_CHECKING:
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["ReceiptPage", "render_noticeboard", "render_noticeboards", "render_summary", "sheet_texts"]

NO_EXPENSES = "本月无支出"
CONTINUED = "（续）"
REVERSAL = "冲销"

COLUMNS = ("序号", "日期", "凭证号", "摘要", "类别", "收款方", "金额（元）", "经手人", "审批人", "附件（张）")
SEQ, DATE, VOUCHER, SUMMARY, CATEGORY, PAYEE, AMOUNT, HANDLER, APPROVER, ATTACH = range(10)
ALIGNS = "ccllllrllc"


@dataclass(frozen=True)
class ReceiptPage:
    """One receipt scan for the appendix of `publish --with-receipts` (JPEG/PNG, or a PDF's pages)."""

    image_path: Path
    caption: str  # village, voucher, date, amount


def _canvas(out: Path | BinaryIO, st: Style, font_name: str, title: str, author: str, when: dt.date,
            cls: type[Canvas] | None = None) -> Canvas:
    from reportlab.pdfgen.canvas import Canvas

    cls = cls or Canvas
    target = str(out) if isinstance(out, (str, Path)) else out
    canvas = cls(target, pagesize=(st.width, st.height), pageCompression=1, invariant=1,
                    initialFontName=font_name)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("villagefin")
    stamp = getattr(canvas._doc, "_timeStamp", None)  # the publication date, so the bytes are reproducible
    if stamp is not None:
        stamp.YMDhms = (when.year, when.month, when.day, 0, 0, 0)
        stamp.dhh, stamp.dmm = 8, 0
    return canvas


def _save(canvas: Canvas) -> None:
    """Write the PDF. Streams are Flate-compressed without reportlab's extra ASCII85 layer, which is slow
    (pure Python here) and makes files larger; rl_config is consulted while saving, so it is set only then."""
    from reportlab import rl_config

    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas.save()
    finally:
        rl_config.useA85 = old


@functools.lru_cache(maxsize=512)
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Module count and dark runs (row, first column, length) of the QR code of `url`.

    reportlab's own encoder (what QrCodeWidget draws, best mask included), drawn as one path of runs
    rather than a Drawing of one shape per module, which costs ten times as much.
    """
    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(url)
    # a fixed mask pattern instead of make()'s trial of all eight: every mask gives a valid code (phones read
    # any), and the trials cost 8x the encoding, once per village per PDF
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 2)
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(x) for x in row):
            n = sum(1 for _ in group)
            if dark:
                runs.append((r, c, n))
            c += n
    return qr.getModuleCount(), tuple(runs)


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of `url` as a `size`-point square (quiet zone of one module included) at x, y."""
    count, runs = _qr_runs(url)
    box = size / (count + 2)
    top = y + size - box
    path = [f"{x + (c + 1) * box:.3f} {top - (r + 1) * box:.3f} {n * box:.3f} {box:.3f} re" for r, c, n in runs]
    canvas.addLiteral("q 0 0 0 rg\n" + "\n".join(path) + "\nf Q")


# --------------------------------------------------------------------------------------------------------
# the village sheet


@dataclass
class _Row:
    cells: list[list[str]]
    nlines: int
    amount: Decimal


@dataclass
class _Page:
    segs: list[tuple[int, int, int]] = field(default_factory=list)  # row index, first line, end line
    empty_note: bool = False
    totals: bool = False
    flow: list[tuple[str, str, Color]] = field(default_factory=list)  # ("line", text, colour) | ("signoff"…)


def _last_lines(page: _Page, most: int = 3) -> list[tuple[str, str, Color]]:
    """Take up to `most` lines of the closing text off the end of a page, to go with the sign-off onto the
    next; a page of nothing but those lines keeps them."""
    n = 0
    while n < most and n < len(page.flow) and page.flow[-1 - n][0] == "line":
        n += 1
    if n == 0 or (n == len(page.flow) and not page.segs and not page.totals):
        return []
    taken = page.flow[-n:]
    del page.flow[-n:]
    return taken


class _Sheet:
    """Layout and drawing of one village's pages on a canvas that may hold other villages (print-all)."""

    def __init__(self, view: VillageView, canvas: Canvas, font_name: str, st: Style) -> None:
        self.view, self.canvas, self.font_name, self.st = view, canvas, font_name, st
        self.m = metrics(font_name)
        self._columns()
        self.rows = [self._row(e, a, n) for e, a, n in zip(view.expenses, self.amounts, self.notes, strict=True)]
        self.header_cells = [self.m.wrap(label, self._inner(i), st.body) for i, label in enumerate(COLUMNS)]
        self.header_lines = max(len(c) for c in self.header_cells)
        lead, pad = st.leading, st.pad
        self.header_h = self.header_lines * lead + 2 * pad
        self.line_row_h = lead + 2 * pad
        self.banner_h = st.body * 2.5 if view.preview else 0.0
        info = (f"{view.township.county}{view.township.name}　　公开期间：{period_text(view)}"
                f"　　公开日期：{cn_date(view.publication_date)}")
        if view.revision > 1:
            info += f"　　第 {view.revision} 次公开（更正）"
        self.first_heading = heading(self.m, st, view.title, info)
        self.running_heading = heading(self.m, st, view.title, first=False)
        self.limit = st.bottom + st.small * 2.2  # nothing of the table below this
        # a recorded approval goes in the 村务监督委员会意见 box, above the line for the wet signature (SPEC 13)
        self.review_lines = (self.m.wrap(view.review.text, st.inner * 0.5 - 4 * pad, st.body)[:REVIEW_LINES_MAX]
                             if view.review is not None else [])
        self.signoff_h = (5 + max(0, len(self.review_lines) - 3)) * lead + 2 * pad
        self.caps_lines = self.m.wrap(capitals_line(view.total_capitals), st.inner - 2 * pad, st.body)
        self.pages = self._paginate()

    # ---- geometry
    def _columns(self) -> None:
        """Column widths from the measured texts: numbers never wrap, names and categories get what they
        need when the paper allows (never wrapping for one or two characters), 摘要 the rest."""
        st, m, v = self.st, self.m, self.view
        s = st.body
        exps = v.expenses

        widths: dict[str, float] = {}  # a village repeats its names, categories and summaries

        def measure(text: str) -> float:
            w = widths.get(text)
            if w is None:
                w = widths[text] = m.width(text, s)
            return w

        self.amounts = [display(e.amount) for e in exps]
        self.notes = [resolution_note(e.remarks) for e in exps]
        big = sum((abs(e.amount) for e in exps), Decimal(0))
        amounts = self.amounts + [display(big), display(-big), display(v.ytd_total), display(v.total), REVERSAL]
        texts = {
            SEQ: ([str(e.seq) for e in exps], False),
            DATE: ([cn_date(e.date, year=False) for e in exps], False),
            VOUCHER: ([e.voucher for e in exps], True),
            SUMMARY: ([e.summary for e in exps] + [n for n in self.notes if n], True),
            CATEGORY: ([e.category for e in exps], True),
            PAYEE: ([e.payee for e in exps], True),
            AMOUNT: (amounts, False),
            HANDLER: ([e.handler for e in exps], True),
            APPROVER: ([e.approver for e in exps], True),
            ATTACH: ([str(e.attachments) for e in exps if e.attachments is not None], False),
        }
        columns = [Column.of(texts[i][0], measure, measure(COLUMNS[i]), texts[i][1]) for i in range(10)]
        rows = [(0.0, 0.0, measure(e.voucher), measure(e.summary) + measure(n), measure(e.category),
                 measure(e.payee), 0.0, measure(e.handler), measure(e.approver), 0.0)
                for e, n in zip(exps, self.notes, strict=True)]
        xs = [st.left]
        for w in fit_columns(columns, SUMMARY, st.inner, st.pad, em=s, rows=rows):
            xs.append(xs[-1] + w)
        xs[-1] = st.right
        self.xs = xs

    def _inner(self, col: int) -> float:
        return self.xs[col + 1] - self.xs[col] - 2 * self.st.pad

    def _row(self, e: PublicExpense, shown: str, note: str) -> _Row:
        wrap, s = self.m.wrap, self.st.body
        inner = self._inner
        amount = [shown, REVERSAL] if e.amount < 0 else [shown]
        summary = summary_cell(self.m, e.summary, note, inner(SUMMARY), s)  # the 决议 under the summary
        cells = [
            [str(e.seq)],
            [cn_date(e.date, year=False)],
            wrap(e.voucher, inner(VOUCHER), s),
            summary,
            wrap(e.category, inner(CATEGORY), s),
            wrap(e.payee, inner(PAYEE), s),
            amount,
            wrap(e.handler, inner(HANDLER), s),
            wrap(e.approver, inner(APPROVER), s),
            [str(e.attachments)] if e.attachments is not None else [],
        ]
        return _Row(cells, max(len(c) for c in cells), e.amount)

    def _table_top(self, index: int) -> float:
        st = self.st
        head = self.first_heading if index == 0 else self.running_heading
        return st.height - st.top - self.banner_h - head.height

    def _seg_cells(self, seg: tuple[int, int, int]) -> tuple[list[list[str]], int]:
        idx, lo, hi = seg
        row = self.rows[idx]
        if lo == 0 and hi >= row.nlines:
            return row.cells, row.nlines
        cells = [c[lo:hi] for c in row.cells]
        if lo > 0:  # continuation of a row taller than a page
            cells[SEQ] = row.cells[SEQ]
            cells[DATE] = row.cells[DATE]
            cells[VOUCHER] = row.cells[VOUCHER] + [CONTINUED]
        return cells, max(len(c) for c in cells)

    def _seg_h(self, seg: tuple[int, int, int]) -> float:
        return self._seg_cells(seg)[1] * self.st.leading + 2 * self.st.pad

    # ---- pagination
    def _flow_items(self) -> list[tuple[str, str, Color]]:
        v, st, m = self.view, self.st, self.m
        width = st.inner
        items: list[tuple[str, str, Color]] = []

        def para(text: str, color: Color = BLACK) -> None:
            items.extend(("line", line, color) for line in m.wrap(text, width, st.body))

        if v.categories:
            parts = [f"{c.name} {c.count} 笔 {display(c.total)} 元" for c in v.categories]
            para("按类别小计：" + "；".join(parts) + "。")
        for text, color in closing_paragraphs(v):
            para(text, color)
        items.append(("signoff", "", BLACK))
        return items

    def _item_h(self, item: tuple[str, str, Color]) -> float:
        return self.signoff_h + self.st.body if item[0] == "signoff" else self.st.leading

    def _paginate(self) -> list[_Page]:
        st = self.st
        lead, pad = st.leading, st.pad
        sub_h = self.line_row_h
        pages = [_Page()]
        used = 0.0

        def cap(index: int) -> float:  # room for rows on a page, the 本页小计 row kept aside
            return self._table_top(index) - self.header_h - sub_h - self.limit

        for idx, row in enumerate(self.rows):
            h = row.nlines * lead + 2 * pad
            if used + h <= cap(len(pages) - 1):
                pages[-1].segs.append((idx, 0, row.nlines))
                used += h
                continue
            if h <= cap(1) and pages[-1].segs:
                pages.append(_Page([(idx, 0, row.nlines)]))
                used = h
                continue
            # taller than a whole page: split by lines, each part marked （续） after the first
            free = int((cap(len(pages) - 1) - used - 2 * pad) // lead)
            if free < 3 and pages[-1].segs:
                pages.append(_Page())
                used = 0.0
                free = int((cap(len(pages) - 1) - 2 * pad) // lead)
            lo = 0
            while lo < row.nlines:
                take = max(min(free, row.nlines - lo), 2)
                seg = (idx, lo, min(lo + take, row.nlines))
                pages[-1].segs.append(seg)
                used += self._seg_h(seg)
                lo = seg[2]
                if lo < row.nlines:
                    pages.append(_Page())
                    used = 0.0
                    free = int((cap(len(pages) - 1) - 2 * pad - lead) // lead)
        # the closing: totals rows under the table, then paragraphs and the sign-off block
        totals_h = 2 * self.line_row_h + len(self.caps_lines) * lead + 2 * pad
        if not self.rows:
            totals_h += lead * 2 + 2 * pad  # the 本月无支出 row
        items = self._flow_items()
        flow_h = st.body * 0.6 + sum(self._item_h(i) for i in items)

        def room(index: int, used_: float, has_rows: bool) -> float:
            return self._table_top(index) - self.header_h - used_ - (sub_h if has_rows else 0.0) - self.limit

        last = pages[-1]
        if (totals_h + flow_h > room(len(pages) - 1, used, bool(last.segs)) and len(last.segs) >= 2
                and last.segs[-1][1] == 0 and self._seg_h(last.segs[-1]) + totals_h + flow_h <= room(1, 0.0, True)):
            seg = last.segs.pop()  # keep the totals with at least one row of the table
            pages.append(_Page([seg]))
            used = self._seg_h(seg)
        if totals_h > room(len(pages) - 1, used, bool(pages[-1].segs)):
            pages.append(_Page())
            used = 0.0
        pages[-1].totals = True
        pages[-1].empty_note = not self.rows
        used += totals_h
        left = room(len(pages) - 1, used, bool(pages[-1].segs)) - st.body * 0.6
        for item in items:
            h = self._item_h(item)
            if h > left:
                # the sign-off never stands alone on the last page: the closing's last lines go with it
                carried = _last_lines(pages[-1]) if item[0] == "signoff" else []
                pages.append(_Page(flow=carried))
                left = self._table_top(len(pages) - 1) - self.limit - sum(self._item_h(i) for i in carried)
            pages[-1].flow.append(item)
            left -= h
        return pages

    # ---- drawing
    def draw(self) -> int:
        total = len(self.pages)
        for index, page in enumerate(self.pages):
            self._draw_page(index, page, total)
            self.canvas.showPage()
        return total

    def _draw_page(self, index: int, page: _Page, total: int) -> None:
        v, st, canvas = self.view, self.st, self.canvas
        pen = Pen(canvas, self.font_name)
        y = st.height - st.top
        if v.preview:
            y = banner(pen, canvas, st, y)
            y = st.height - st.top - self.banner_h
        draw_heading(pen, st, y, self.first_heading if index == 0 else self.running_heading)
        y = self._table_top(index)
        grid = Grid(canvas, pen, st, self.xs, ALIGNS)
        drawn_table = bool(page.segs or page.totals)
        if drawn_table:
            grid.start(y)
            y = grid.row(y, self.header_cells, self.header_lines, fill=HEADER_FILL, bold=True, aligns="c" * 10)
        subtotal = Decimal(0)
        for seg in page.segs:
            cells, nlines = self._seg_cells(seg)
            row = self.rows[seg[0]]
            if seg[1] == 0:
                subtotal += row.amount
            y = grid.row(y, cells, nlines, {AMOUNT: RED} if row.amount < 0 else None)
        if page.segs:
            y = grid.spans(y, self._amount_spans("本页小计", subtotal), fill=TOTAL_FILL)
        if page.empty_note:
            y = grid.spans(y, [(0, 9, [NO_EXPENSES], "c", BLACK, True)], nlines=2)
        if page.totals:
            y = grid.spans(y, self._amount_spans(f"本月合计（共 {v.count} 笔）", v.total, bold=True),
                           fill=TOTAL_FILL)
            y = grid.spans(y, [(0, 9, self.caps_lines, "l", RED if v.total < 0 else BLACK, True)],
                           nlines=len(self.caps_lines))
            label = "本年累计" if v.ytd_from_month <= 1 else f"本年累计（自{v.ytd_from_month}月起）"
            y = grid.spans(y, self._amount_spans(label, v.ytd_total))
        grid.finish(y)
        if page.flow:
            y -= st.body * 0.6 if drawn_table else 0.0
            for kind, text, color in page.flow:
                if kind == "signoff":
                    self._signoff(pen, y - st.body * 0.4)
                    y -= self.signoff_h + st.body
                else:
                    pen.text(st.left, st.baseline(y), text, st.body, color)
                    y -= st.leading
        self._footer(pen, index, total)
        pen.flush()
        if v.preview:
            watermark(canvas, self.font_name, st)

    def _amount_spans(self, label: str, amount: Decimal, bold: bool = True) -> list[Span]:
        color = RED if amount < 0 else BLACK
        return [(0, 5, [label], "c", BLACK, bold), (6, 6, [display(amount)], "r", color, bold),
                (7, 9, [], "l", BLACK, False)]

    def _signoff(self, pen: Pen, top: float) -> None:
        v, st, canvas = self.view, self.st, self.canvas
        h, lead, pad = self.signoff_h, st.leading, st.pad
        qr = h
        box_w = st.inner * 0.5
        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.rect(st.left, top - h, box_w, h, stroke=1, fill=0)
        canvas.restoreState()
        x = st.left + pad * 2
        pen.text(x, st.baseline(top - pad), "村务监督委员会意见：", st.body, bold=True)
        for i, line in enumerate(self.review_lines, 1):
            pen.text(x, st.baseline(top - pad - i * lead), line, st.body)
        sign_at = max(4, len(self.review_lines) + 1)
        pen.text(x, st.baseline(top - pad - sign_at * lead), "签字：________________　　日期：________________", st.body)
        x2 = st.left + box_w + st.body * 1.5
        lines = [
            f"公开日期：{cn_date(v.publication_date)}",
            f"监督电话：{v.township.supervision_phone}",
            f"数据指纹：{v.fingerprint or '（未生成）'}",
            "扫描右侧二维码查看网上公开明细" if v.township.portal_url else "",
        ]
        for i, line in enumerate(lines):
            pen.text(x2, st.baseline(top - pad - (i + 0.5) * lead), line, st.body)
        if v.township.portal_url:
            _qr(canvas, v.page_url, st.right - qr, top - h, qr)

    def _footer(self, pen: Pen, index: int, total: int) -> None:
        v, st = self.view, self.st
        y = st.bottom + st.small * 0.3
        label = f"第 {index + 1} 页 共 {total} 页"
        pen.page_label(st.right, y, label, st.small)
        room = st.inner - self.m.width(label, st.small) - 3 * st.small
        phone = f"监督电话：{v.township.supervision_phone}"
        for left in (f"{v.village_name}　{phone}　数据指纹：{v.fingerprint}" if v.fingerprint else "",
                     f"{v.village_name}　{phone}", phone):
            if left and self.m.width(left, st.small) <= room:
                pen.text(st.left, y, left, st.small, GREY)
                break


# --------------------------------------------------------------------------------------------------------
# receipts appendix


def _receipt_images(path: Path) -> Iterator[Image.Image]:
    """PIL images of one scan: the image itself (EXIF orientation applied), or each page of a PDF."""
    from PIL import Image, ImageOps

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            for page in pdf:
                yield page.render(scale=150 / 72).to_pil().convert("RGB")
        finally:
            pdf.close()
        return
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        yield img.convert("L" if img.mode in ("1", "L", "LA", "I", "I;16") else "RGB")


def _jpeg(image: Image.Image) -> io.BytesIO:
    """The scan as a JPEG of at most 2000 px a side: embedded as is (DCT), not re-encoded as raw pixels."""
    image.thumbnail((2000, 2000))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    buf.seek(0)
    return buf


def _draw_receipts(canvas: Canvas, font_name: str, st: Style, receipts: Sequence[ReceiptPage], preview: bool) -> int:
    """One page per scan (per page of a PDF scan), turned to suit the scan, captioned; returns the page count."""
    from reportlab.lib.utils import ImageReader

    m = metrics(font_name)
    pages = 0
    for receipt in receipts:
        path = Path(receipt.image_path)
        problem = ""
        try:
            images: list[Image.Image | None] = list(_receipt_images(path))
        except ImportError:
            images, problem = [None], "PDF 票据需要安装 pypdfium2（pip install pypdfium2）才能附在公开表后"
        except Exception:  # a broken scan must not stop the publication: its page says so
            images, problem = [None], "文件无法读取，请检查是否损坏，或重新扫描"
        for image in images or [None]:
            tall = image is not None and image.height > image.width
            page_st = dataclasses.replace(st, width=min(st.width, st.height), height=max(st.width, st.height)) \
                if tall else dataclasses.replace(st, width=max(st.width, st.height), height=min(st.width, st.height))
            canvas.setPageSize((page_st.width, page_st.height))
            pen = Pen(canvas, font_name)
            y = page_st.height - page_st.top
            if preview:
                y = banner(pen, canvas, page_st, y)
            for line in m.wrap("附：原始票据　" + receipt.caption, page_st.inner, page_st.body):
                pen.text(page_st.left, page_st.baseline(y), line, page_st.body, bold=True)
                y -= page_st.leading
            y -= page_st.body * 0.5
            bottom = page_st.bottom + page_st.small * 2
            if image is None:
                note = f"票据 {path.name} 无法显示：{problem or '文件中没有页面'}。原件可到村委会查阅。"
                for line in m.wrap(note, page_st.inner, page_st.body):
                    pen.text(page_st.left, page_st.baseline(y), line, page_st.body, RED)
                    y -= page_st.leading
            else:
                w, h = image.size
                scale = min(page_st.inner / w, (y - bottom) / h)
                dw, dh = w * scale, h * scale
                canvas.drawImage(ImageReader(_jpeg(image)), page_st.left + (page_st.inner - dw) / 2, y - dh, dw, dh)
            pages += 1
            pen.page_label(page_st.right, page_st.bottom + page_st.small * 0.3, f"原始票据 第 {pages} 页",
                           page_st.small)
            pen.flush()
            if preview:
                watermark(canvas, font_name, page_st)
            canvas.showPage()
    canvas.setPageSize((st.width, st.height))
    return pages


# --------------------------------------------------------------------------------------------------------
# public API


def _draw_sheet(view: VillageView, canvas: Canvas, font_name: str, st: Style) -> int:
    """A village's sheet: the 收支 sheet (SPEC 12.4) for a 收支 village, else the expense sheet (SPEC 5.3)."""
    if view.is_money:
        return draw_money_sheet(view, canvas, font_name, st, signoff=_Sheet._signoff, footer=_Sheet._footer)
    return _Sheet(view, canvas, font_name, st).draw()


def render_noticeboard(view: VillageView, out: Path | BinaryIO, *, font: FontChoice, paper: str = "A4",
                       orientation: str = "landscape", receipts: Sequence[ReceiptPage] = ()) -> int:
    """Write one village's noticeboard.pdf (its receipts appended, if given); returns the number of pages."""
    font_name = register(font)
    st = style(paper, orientation)
    canvas = _canvas(out, st, font_name, view.title, f"{view.township.name}{view.village_name}", view.publication_date)
    pages = _draw_sheet(view, canvas, font_name, st)
    if receipts:
        pages += _draw_receipts(canvas, font_name, st, receipts, view.preview)
    _save(canvas)
    return pages


def render_noticeboards(views: Sequence[VillageView], out: Path | BinaryIO, *, font: FontChoice, paper: str = "A4",
                        orientation: str = "landscape") -> int:
    """Write print-all.pdf: every village's sheets, each village on new pages with its own 第 N 页 共 M 页."""
    font_name = register(font)
    st = style(paper, orientation)
    first = views[0] if views else None
    title = (f"{first.township.name}{first.year}年{first.month}月村级财务支出公开表（全部）" if first
             else "村级财务支出公开表")
    canvas = _canvas(out, st, font_name, title, first.township.name if first else "",
                     first.publication_date if first else dt.date.today())
    pages = 0
    for view in views:
        pages += _draw_sheet(view, canvas, font_name, st)
    if not pages:
        pen = Pen(canvas, font_name)
        pen.centre(st.width / 2, st.height / 2, "本月没有可打印的村级公开表", st.title)
        pen.flush()
        canvas.showPage()
        pages = 1
    _save(canvas)
    return pages


def render_summary(view: TownshipView, out: Path | BinaryIO, *, font: FontChoice, paper: str = "A4",
                   orientation: str = "landscape") -> int:
    """Write summary.pdf: one line per village and the township total with 大写; returns the page count."""
    font_name = register(font)
    st = style(paper, orientation)
    kind = "收支" if view.has_money else "支出"  # a month with 收支 villages sums their income too (SPEC 12.4)
    title = f"{view.township.name}{view.year}年{view.month}月村级财务{kind}公开汇总表"
    canvas = _canvas(out, st, font_name, title, view.township.name, view.publication_date)
    pages = draw_summary(view, canvas, font_name, st, title)  # with 收入 and 月末结余 for 收支 villages (SPEC 12.4)
    _save(canvas)
    return pages


def sheet_texts(view: VillageView) -> list[str]:
    """Every text of the view that a sheet draws (for `fonts.missing_glyphs`: glyph-missing warnings)."""
    t = view.township
    texts = [view.village_name, t.name, t.county, t.supervision_phone, view.total_capitals]
    for e in view.expenses:
        texts += [e.voucher, e.summary, e.category, e.payee, e.handler, e.approver]
        if has_resolution(e.remarks):
            texts.append(e.remarks)
    texts += [c.name for c in view.categories]
    for c in view.corrections:
        texts += [c.reason, *c.added, *c.removed, *c.changed]
    for q in view.queries:
        texts += [q.channel, q.voucher, q.summary, q.question, q.answer]
    if view.review is not None:
        texts.append(view.review.text)
    if view.is_money:
        texts += money_sheet_texts(view)
    return texts

"""The review copy (审核稿, SPEC 13): the sheets as they would be published with a 「审核稿」 watermark on every
page, then the receipt scans, then a 审核记录 page for the committee to fill in, sign and tick.

Drawn from the public view only, with the very sheet publish draws (`pdf._draw_sheet`: the 收支 sheet for a 收支
village, SPEC 12.4, else the expense sheet), so what the committee reads is what will be posted. The watermark is
laid over each sheet page by the canvas as the page closes, so it needs nothing from either sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from villagefin.fonts import FontChoice, register
from villagefin.money import display
from villagefin.public import VillageView
from villagefin.render.pdf import ReceiptPage, _canvas, _draw_receipts, _draw_sheet, _save
from villagefin.render.pdf_grid import Style, capitals_line, cn_date, period_text, style
from villagefin.render.pdf_money import UNKNOWN
from villagefin.render.pdf_text import GREY, RED, Pen

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

REVIEW_MARK = "审核稿"
RECORD_TITLE = "审核记录"
CONCLUSIONS = ("同意公开", "修改后公开", "不同意公开")
REVIEWER_ROWS = 5
OPINION_LINES = 4


@dataclass(frozen=True)
class ReviewSheet:
    """What the 审核记录 page says besides the view: when the copy was made and the command to record it."""

    written: dt.datetime
    record_hint: str  # e.g. villagefin review --village xinjie --approve --by "…" --fingerprint 0123…


def review_watermark(canvas: Canvas, font_name: str, st: Style, text: str = REVIEW_MARK) -> None:
    """A diagonal watermark (the preview's, with other words)."""
    canvas.saveState()
    canvas.setFillColorRGB(0.1, 0.25, 0.75)
    canvas.setFillAlpha(0.12)
    canvas.translate(st.width / 2, st.height / 2)
    canvas.rotate(32)
    canvas.setFont(font_name, min(st.width, st.height) / 3.6)
    canvas.drawCentredString(0, -min(st.width, st.height) / 10, text)
    canvas.restoreState()


@lru_cache(maxsize=1)
def _review_canvas() -> type[Canvas]:
    """A canvas class that lays the 「审核稿」 watermark over each page as the page closes, while `mark` is set
    (made on first use: reportlab is imported only where something is drawn)."""
    from reportlab.pdfgen.canvas import Canvas

    class ReviewCanvas(Canvas):
        mark: tuple[str, Style] | None = None  # font name and style of the watermark

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            if self.mark is not None:
                review_watermark(self, *self.mark)
            super().showPage()

    return ReviewCanvas


def _amount(amount: Decimal | None) -> str:
    return UNKNOWN if amount is None else display(amount)


def _facts(view: VillageView) -> list[tuple[str, str]]:
    """The 审核记录 page's figures: those the sheet prints, for the committee to tick against it."""
    facts = [
        ("村名", f"{view.village_name}（{view.village_id}）"),
        ("公开期间", period_text(view)),
        ("数据指纹", view.fingerprint),
    ]
    if view.funds is None:  # a village with expenses only, as before SPEC 12
        return facts + [
            ("笔数", f"{view.count} 笔"),
            ("合计", f"{display(view.total)} 元　{capitals_line(view.total_capitals)}"),
        ]
    ins, outs = view.flows_in_count, view.flows_out_count
    cash, bank = view.funds.cash, view.funds.bank
    return facts + [
        ("收入", f"{len(view.income)} 笔，合计 {display(view.income_total)} 元　{capitals_line(view.income_capitals)}"),
        ("支出", f"{view.count} 笔，合计 {display(view.total)} 元　{capitals_line(view.total_capitals)}"),
        ("其他收款", f"{ins} 笔，合计 {display(view.flows_in_total)} 元"),
        ("其他付款", f"{outs} 笔，合计 {display(view.flows_out_total)} 元"),
        ("本月结余", f"库存现金 {_amount(cash.closing)} 元；银行存款 {_amount(bank.closing)} 元；"
                     f"合计 {_amount(view.closing_total)} 元"),
    ]


def _record_page(canvas: Canvas, font_name: str, st: Style, view: VillageView, sheet: ReviewSheet) -> None:
    pen = Pen(canvas, font_name)
    lead, body, pad = st.leading, st.body, st.pad
    left, right = st.left, st.right
    y = st.height - st.top
    title = f"{view.village_name}{view.year}年{view.month}月财务公开{RECORD_TITLE}"
    pen.centre(st.width / 2, y - st.title * 0.95, title, st.title, bold=True)
    y -= st.title * 1.6
    pen.centre(st.width / 2, st.baseline(y), f"{view.township.county}{view.township.name}　　本审核稿生成于 "
               f"{sheet.written.strftime('%Y-%m-%d %H:%M')}", body, GREY)
    y -= lead * 1.4
    label_w = body * 6
    canvas.saveState()
    canvas.setLineWidth(0.6)
    for label, value in _facts(view):
        avail = st.inner - label_w - pad * 4  # wrapped only when too long (wrap makes 　 a plain space)
        lines = [value] if pen.metrics.width(value, body) <= avail else pen.metrics.wrap(value, avail, body)
        h = len(lines) * lead + 2 * pad
        canvas.rect(left, y - h, label_w, h)
        canvas.rect(left + label_w, y - h, st.inner - label_w, h)
        pen.text(left + pad * 2, st.baseline(y - pad), label, body, bold=True)
        for i, line in enumerate(lines):
            pen.text(left + label_w + pad * 2, st.baseline(y - pad - i * lead), line, body)
        y -= h
    y -= lead * 0.6
    # reviewers: 姓名 | 职务 | 签字
    cols = (left, left + st.inner * 0.25, left + st.inner * 0.6, right)  # 职务 fits on one line on landscape A4
    labels = [pen.metrics.wrap(label, cols[c + 1] - cols[c] - pad * 4, body)  # two lines on portrait paper
              for c, label in enumerate(("审核人姓名", "职务（村务监督委员会 / 民主理财小组）", "签字"))]
    for row in range(REVIEWER_ROWS + 1):
        h = (max(map(len, labels)) if row == 0 else 1) * lead + 2 * pad
        for c in range(3):
            canvas.rect(cols[c], y - h, cols[c + 1] - cols[c], h)
        if row == 0:
            for c, lines in enumerate(labels):
                for i, line in enumerate(lines):
                    pen.text(cols[c] + pad * 2, st.baseline(y - pad - i * lead), line, body, bold=True)
        y -= h
    y -= lead * 0.6
    pen.text(left, st.baseline(y), "审核意见：", body, bold=True)
    y -= lead
    for _ in range(OPINION_LINES):
        y -= lead * 1.25
        canvas.line(left, y, right, y)
    y -= lead * 0.9
    pen.text(left, st.baseline(y), "审核结论（请在一项前打 √）：", body, bold=True)
    x = left + pen.metrics.width("审核结论（请在一项前打 √）：", body) + body
    box = body * 1.1
    for text in CONCLUSIONS:
        canvas.rect(x, st.baseline(y) - body * 0.15, box, box)
        pen.text(x + box + body * 0.4, st.baseline(y), text, body)
        x += box + body * 0.4 + pen.metrics.width(text, body) + body * 2
    y -= lead * 1.8
    pen.text(left, st.baseline(y), "审核日期：________年____月____日", body)
    canvas.restoreState()
    y -= lead * 2
    for line in pen.metrics.wrap(f"审核后请登记：{sheet.record_hint}（修改后公开用 --revise，不同意公开用 --reject）。"
                                 "数据指纹与公开表上的不同时，说明账表已改动，须重新送审。", st.inner, st.small):
        pen.text(left, y, line, st.small, RED)
        y -= st.small * 1.4
    pen.page_label(right, st.bottom + st.small * 0.3, f"{view.village_name}　{RECORD_TITLE}　公开日期 "
                   f"{cn_date(view.publication_date)}", st.small)
    pen.flush()
    review_watermark(canvas, font_name, st)
    canvas.showPage()


def render_review_copy(view: VillageView, out: Path | BinaryIO, *, font: FontChoice, sheet: ReviewSheet,
                       paper: str = "A4", orientation: str = "landscape",
                       receipts: Sequence[ReceiptPage] = ()) -> int:
    """Write `<id>-审核稿.pdf`: the watermarked sheets, the receipts, the 审核记录 page; returns the page count."""
    from reportlab import rl_config

    font_name = register(font)
    st = style(paper, orientation)
    canvas = _canvas(out, st, font_name, f"{view.title}（{REVIEW_MARK}）", f"{view.township.name}{view.village_name}",
                     view.publication_date, cls=_review_canvas())
    canvas.mark = (font_name, st)  # every sheet page, whichever sheet publish draws for this village
    pages = _draw_sheet(view, canvas, font_name, st)
    canvas.mark = None  # the scans are shown as they will be published; the record page marks itself
    if receipts:
        # reportlab encodes an image when it is drawn: without ASCII85 (pure Python, slow) the scans cost
        # a tenth, and the file is smaller
        old = rl_config.useA85
        rl_config.useA85 = 0
        try:
            pages += _draw_receipts(canvas, font_name, st, receipts, False)
        finally:
            rl_config.useA85 = old
    _record_page(canvas, font_name, st, view, sheet)
    _save(canvas)
    return pages + 1


__all__ = ["ReviewSheet", "render_review_copy", "review_watermark"]

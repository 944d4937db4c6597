"""summary.pdf: the township's one-line-per-village sheet (SPEC 5.2), drawn with the same grid as the villages'.

Title 「{镇名}{YYYY}年{M}月村级财务支出公开汇总表」; per village 村名, 笔数, 金额, 状态, 公开日期; the township total
in figures and 人民币大写; 监督电话; 第 N 页 共 M 页; the 「预览稿」 watermark on previews. When some village of the
month is a 收支 village (SPEC 12.4), 收入 and 月末结余 stand beside 支出, with their township totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from villagefin.model import VillageStatus, cn_date
from villagefin.money import display
from villagefin.public import TownshipView
from villagefin.render.pdf_grid import (
    HEADER_FILL,
    TOTAL_FILL,
    Grid,
    Style,
    banner,
    capitals_line,
    draw_heading,
    heading,
    period_text,
    watermark,
)
from villagefin.render.pdf_text import BLACK, GREY, RED, Pen, metrics

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

COLUMNS = ("序号", "村名", "笔数", "金额（元）", "状态", "公开日期")
ALIGNS = "clrrcc"
_WIDTHS = (3, 0, 4.5, 9, 7.5, 8.5)  # in body-size ems; 村名 takes the rest
MONEY_COLUMNS = ("序号", "村名", "笔数", "支出（元）", "收入（元）", "月末结余（元）", "状态", "公开日期")
MONEY_ALIGNS = "clrrrrcc"
_MONEY_WIDTHS = (3, 0, 3.5, 8.5, 8.5, 8.5, 6.5, 8)
_STATUS_NOTE = "状态说明：已公开、已更正的村按明细表张贴；有错误未公开的村须改正账表后再公开；未报送的村尚未交来账表。"
_MONEY_NOTE = "人民币大写为各村支出合计；月末结余为库存现金与银行存款之和，“—”表示该村未提供余额或只公开支出。"


def _cn_date(d: dt.date | None) -> str:
    return cn_date(d) if d else "—"


def _or_dash(amount: Decimal | None) -> str:
    return "—" if amount is None else display(amount)


class _Summary:
    """The summary sheet's layout (columns, rows, pages) and drawing, page by page."""

    def __init__(self, view: TownshipView, canvas: Canvas, font_name: str, st: Style, title: str) -> None:
        self.view, self.canvas, self.font_name, self.st = view, canvas, font_name, st
        self.money = view.has_money
        self.columns, self.aligns = (MONEY_COLUMNS, MONEY_ALIGNS) if self.money else (COLUMNS, ALIGNS)
        self.status_col, self.last_col = len(self.columns) - 2, len(self.columns) - 1
        self.m = m = metrics(font_name)
        s, pad, lead = st.body, st.pad, st.leading
        fixed = self._widths()
        self.header = [m.wrap(label, w - 2 * pad, s) for label, w in zip(self.columns, fixed, strict=True)]
        self.header_lines = max(len(c) for c in self.header)
        self.header_h = self.header_lines * lead + 2 * pad
        self.banner_h = s * 2.5 if view.preview else 0.0
        self.limit = st.bottom + st.small * 2.2
        self.caps = m.wrap(capitals_line(view.total_capitals), st.inner - 2 * pad, s)
        info = (f"{view.township.county}{view.township.name}　　公开期间：{period_text(view)}"
                f"　　公开日期：{_cn_date(view.publication_date)}")
        self.headings = (heading(m, st, title, info), heading(m, st, title, first=False))
        self.rows = self._rows(fixed[1] - 2 * pad)
        self.pages = self._paginate()

    def _widths(self) -> list[float]:
        """Column widths (村名 takes what the others leave); sets `xs`, the column edges."""
        st, s, pad = self.st, self.st.body, self.st.pad
        fixed = [w * s for w in (_MONEY_WIDTHS if self.money else _WIDTHS)]
        fixed = [w + 2 * pad if w else 0.0 for w in fixed]
        fixed[1] = max(st.inner - sum(fixed), 4 * s + 2 * pad)
        xs = [st.left]
        for w in fixed:
            xs.append(xs[-1] + w)
        xs[-1] = st.right
        self.xs = xs
        return fixed

    def _rows(self, name_w: float) -> list[tuple[list[list[str]], int, bool]]:
        """Each village's cells, its height in lines, and whether its status is an alarm (red)."""
        m, s = self.m, self.st.body
        rows = []
        for i, v in enumerate(self.view.villages, 1):
            cells = [[str(i)], m.wrap(v.village_name, name_w, s), [str(v.count)] if v.count is not None else ["—"],
                     [_or_dash(v.total)]]
            if self.money:
                cells += [[_or_dash(v.income)], [_or_dash(v.closing)]]
            cells += [[v.status.text], [_cn_date(v.publication_date)]]
            rows.append((cells, max(len(c) for c in cells),
                         v.status in (VillageStatus.BLOCKED, VillageStatus.MISSING)))
        return rows

    def _table_top(self, index: int) -> float:
        st = self.st
        return st.height - st.top - self.banner_h - self.headings[min(index, 1)].height

    def _paginate(self) -> list[list[int]]:
        """The rows of each page; the totals and notes keep at least one row with them."""
        s, pad, lead = self.st.body, self.st.pad, self.st.leading
        closing_h = (lead + 2 * pad) + (len(self.caps) * lead + 2 * pad) + s * 0.6 + 3 * lead
        pages: list[list[int]] = [[]]
        used = 0.0
        for i, (_, n, _) in enumerate(self.rows):
            h = n * lead + 2 * pad
            if used + h > self._table_top(len(pages) - 1) - self.header_h - self.limit and pages[-1]:
                pages.append([])
                used = 0.0
            pages[-1].append(i)
            used += h
        if used + closing_h > self._table_top(len(pages) - 1) - self.header_h - self.limit and len(pages[-1]) >= 2:
            pages.append([pages[-1].pop()])
        return pages

    def draw(self) -> int:
        total_pages = len(self.pages)
        for index, page in enumerate(self.pages):
            self._draw_page(index, page, index == total_pages - 1, total_pages)
            self.canvas.showPage()
        return total_pages

    def _draw_page(self, index: int, page: list[int], last: bool, total_pages: int) -> None:
        view, canvas, st = self.view, self.canvas, self.st
        pen = Pen(canvas, self.font_name)
        y = st.height - st.top
        if view.preview:
            banner(pen, canvas, st, y)
            y -= self.banner_h
        draw_heading(pen, st, y, self.headings[min(index, 1)])
        y = self._table_top(index)
        grid = Grid(canvas, pen, st, self.xs, self.aligns)
        grid.start(y)
        y = grid.row(y, self.header, self.header_lines, fill=HEADER_FILL, bold=True, aligns="c" * len(self.columns))
        for i in page:
            cells, n, alarm = self.rows[i]
            y = grid.row(y, cells, n, {self.status_col: RED} if alarm else None)
        if last:
            y = self._totals(grid, y)
        grid.finish(y)
        if last:
            self._notes(pen, y - st.body * 0.6)
        pen.page_label(st.right, st.bottom + st.small * 0.3, f"第 {index + 1} 页 共 {total_pages} 页", st.small)
        pen.text(st.left, st.bottom + st.small * 0.3, f"{view.township.name}　监督电话：{view.township.supervision_phone}",
                 st.small, GREY)
        pen.flush()
        if view.preview:
            watermark(canvas, self.font_name, st)

    def _totals(self, grid: Grid, y: float) -> float:
        """The township's totals row and its 人民币大写 line under the table; returns the y under them."""
        view = self.view
        published = sum(1 for v in view.villages if v.count is not None)
        count = sum(v.count or 0 for v in view.villages)
        color = RED if view.total < 0 else BLACK
        totals = [(0, 1, [f"合计（已公开 {published} 个村）"], "c", BLACK, True),
                  (2, 2, [str(count)], "r", BLACK, True), (3, 3, [display(view.total)], "r", color, True)]
        if self.money:
            totals += [(4, 4, [display(view.income_total)], "r", BLACK, True),
                       (5, 5, [_or_dash(view.closing_total)], "r", BLACK, True)]
        totals.append((self.status_col, self.last_col, [], "l", BLACK, False))
        y = grid.spans(y, totals, fill=TOTAL_FILL)
        return grid.spans(y, [(0, self.last_col, self.caps, "l", color, True)], nlines=len(self.caps))

    def _notes(self, pen: Pen, y: float) -> None:
        """监督电话 and what the statuses (and the money columns) mean, under the totals."""
        st = self.st
        for line in (f"监督电话：{self.view.township.supervision_phone}",
                     _STATUS_NOTE + (_MONEY_NOTE if self.money else "")):
            for part in self.m.wrap(line, st.inner, st.body):
                pen.text(st.left, st.baseline(y), part, st.body)
                y -= st.leading


def draw_summary(view: TownshipView, canvas: Canvas, font_name: str, st: Style, title: str) -> int:
    """Draw every page of the summary sheet on `canvas`; returns the number of pages."""
    return _Summary(view, canvas, font_name, st, title).draw()

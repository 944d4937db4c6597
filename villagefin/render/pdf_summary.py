"""summary.pdf: the township's one-line-per-village sheet (SPEC 5.2), drawn with the same grid as the villages'.

Title 「{镇名}{YYYY}年{M}月村级财务支出公开汇总表」; per village 村名, 笔数, 金额, 状态, 公开日期; the township total
in figures and 人民币大写; 监督电话; 第 N 页 共 M 页; the 「预览稿」 watermark on previews.
"""

from __future__ import annotations

import datetime as dt

from reportlab.pdfgen.canvas import Canvas

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

COLUMNS = ("序号", "村名", "笔数", "金额（元）", "状态", "公开日期")
ALIGNS = "clrrcc"


def _cn_date(d: dt.date | None) -> str:
    return cn_date(d) if d else "—"


def draw_summary(view: TownshipView, canvas: Canvas, font_name: str, st: Style, title: str) -> int:
    """Draw every page of the summary sheet on `canvas`; returns the number of pages."""
    m = metrics(font_name)
    s, pad, lead = st.body, st.pad, st.leading
    fixed = [3 * s, 0.0, 4.5 * s, 9 * s, 7.5 * s, 8.5 * s]
    fixed = [w + 2 * pad if w else 0.0 for w in fixed]
    fixed[1] = st.inner - sum(fixed)
    xs = [st.left]
    for w in fixed:
        xs.append(xs[-1] + w)
    xs[-1] = st.right
    name_w = fixed[1] - 2 * pad

    rows: list[tuple[list[list[str]], int, bool]] = []
    for i, v in enumerate(view.villages, 1):
        cells = [[str(i)], m.wrap(v.village_name, name_w, s),
                 [str(v.count)] if v.count is not None else ["—"],
                 [display(v.total)] if v.total is not None else ["—"],
                 [v.status.text], [_cn_date(v.publication_date)]]
        rows.append((cells, max(len(c) for c in cells), v.status in (VillageStatus.BLOCKED, VillageStatus.MISSING)))
    header = [m.wrap(label, w - 2 * pad, s) for label, w in zip(COLUMNS, fixed, strict=True)]
    header_lines = max(len(c) for c in header)
    header_h = header_lines * lead + 2 * pad
    banner_h = s * 2.5 if view.preview else 0.0
    limit = st.bottom + st.small * 2.2
    caps = m.wrap(capitals_line(view.total_capitals), st.inner - 2 * pad, s)
    closing_h = (lead + 2 * pad) + (len(caps) * lead + 2 * pad) + s * 0.6 + 3 * lead

    info = (f"{view.township.county}{view.township.name}　　公开期间：{period_text(view)}"
            f"　　公开日期：{_cn_date(view.publication_date)}")
    headings = (heading(m, st, title, info), heading(m, st, title, first=False))

    def table_top(index: int) -> float:
        return st.height - st.top - banner_h - headings[min(index, 1)].height

    pages: list[list[int]] = [[]]
    used = 0.0
    for i, (_, n, _) in enumerate(rows):
        h = n * lead + 2 * pad
        if used + h > table_top(len(pages) - 1) - header_h - limit and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    if used + closing_h > table_top(len(pages) - 1) - header_h - limit and len(pages[-1]) >= 2:
        pages.append([pages[-1].pop()])

    published = sum(1 for v in view.villages if v.count is not None)
    count = sum(v.count or 0 for v in view.villages)
    total_pages = len(pages)
    for index, page in enumerate(pages):
        pen = Pen(canvas, font_name)
        y = st.height - st.top
        if view.preview:
            banner(pen, canvas, st, y)
            y -= banner_h
        draw_heading(pen, st, y, headings[min(index, 1)])
        y = table_top(index)
        grid = Grid(canvas, pen, st, xs, ALIGNS)
        grid.start(y)
        y = grid.row(y, header, header_lines, fill=HEADER_FILL, bold=True, aligns="c" * 6)
        for i in page:
            cells, n, alarm = rows[i]
            y = grid.row(y, cells, n, {4: RED} if alarm else None)
        last = index == total_pages - 1
        if last:
            color = RED if view.total < 0 else BLACK
            y = grid.spans(y, [(0, 1, [f"合计（已公开 {published} 个村）"], "c", BLACK, True),
                               (2, 2, [str(count)], "r", BLACK, True),
                               (3, 3, [display(view.total)], "r", color, True),
                               (4, 5, [], "l", BLACK, False)], fill=TOTAL_FILL)
            y = grid.spans(y, [(0, 5, caps, "l", color, True)], nlines=len(caps))
        grid.finish(y)
        if last:
            y -= s * 0.6
            for line in (f"监督电话：{view.township.supervision_phone}",
                         "状态说明：已公开、已更正的村按明细表张贴；有错误未公开的村须改正账表后再公开；"
                         "未报送的村尚未交来账表。"):
                for part in m.wrap(line, st.inner, s):
                    pen.text(st.left, st.baseline(y), part, s)
                    y -= lead
        pen.page_label(st.right, st.bottom + st.small * 0.3, f"第 {index + 1} 页 共 {total_pages} 页", st.small)
        pen.text(st.left, st.bottom + st.small * 0.3, f"{view.township.name}　监督电话：{view.township.supervision_phone}",
                 st.small, GREY)
        pen.flush()
        if view.preview:
            watermark(canvas, font_name, st)
        canvas.showPage()
    return total_pages

"""The 收支 sheet (SPEC 12.4): 财务收支明细公开表 of a village that has income, other flows or balances.

Four sections, each with its own table header (repeated, marked （续）, when a section runs onto the next page):
一、资金概况 (库存现金, 银行存款, 合计; 上月结余 … 本月结余, and a footnote for accrued 挂账 lines), 二、收入明细
(收1, 收2 …; total in figures and 大写), 三、支出明细 (as SPEC 5.3; total in figures and 大写), 四、其他收付 (其1 …;
a 收 total and a 付 total). 本页小计 gives one line per section present on a page (资金概况 has none). The last
page keeps what SPEC 5.3 puts there, with 本年累计收入 beside 本年累计支出. The sign-off block and page footer are
the expense sheet's own (passed in by `pdf`, which this module does not import).

Like the expense sheet it is drawn on the canvas with our own line breaking and pagination (pdf_text, pdf_grid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from villagefin.model import cn_date
from villagefin.money import display
from villagefin.public import IN, OUT, TRANSFER_TYPE, ColumnFunds, VillageView
from villagefin.render.pdf_grid import (
    HEADER_FILL,
    REVIEW_LINES_MAX,
    TOTAL_FILL,
    Column,
    Grid,
    Style,
    banner,
    capitals_line,
    closing_paragraphs,
    draw_heading,
    fit_columns,
    heading,
    period_text,
    resolution_note,
    summary_cell,
    watermark,
)
from villagefin.render.pdf_text import BLACK, RED, Color, Pen, metrics

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FUNDS, INCOME, EXPENSES, FLOWS = "funds", "income", "expenses", "flows"
TITLES = {FUNDS: "一、资金概况", INCOME: "二、收入明细", EXPENSES: "三、支出明细", FLOWS: "四、其他收付"}
NAMES = {INCOME: "收入", EXPENSES: "支出", FLOWS: "其他收付"}
EMPTY = {INCOME: "本月无收入", EXPENSES: "本月无支出", FLOWS: "本月无其他收付"}
CONTINUED = "（续）"
UNKNOWN = "—"

COLUMNS = {
    FUNDS: ("项目", "库存现金", "银行存款", "合计"),
    INCOME: ("序号", "日期", "凭证号", "摘要", "类别", "付款方", "金额（元）", "经手人", "附件（张）"),
    EXPENSES: ("序号", "日期", "凭证号", "摘要", "类别", "收款方", "金额（元）", "经手人", "审批人", "附件（张）"),
    FLOWS: ("序号", "日期", "凭证号", "摘要", "类型", "收/付", "金额（元）"),
}
ALIGNS = {FUNDS: "lrrr", INCOME: "ccllllrlc", EXPENSES: "ccllllrllc", FLOWS: "ccllccr"}
#: the amount column of each detail section
AMOUNT_COL = {INCOME: 6, EXPENSES: 6, FLOWS: 6}
#: the 摘要 column of each detail section: it takes the room the other columns leave
SUMMARY_COL = 3
#: which columns of each detail section may wrap (numbers, dates, 序号 and counts never do)
WRAPS = {INCOME: (False, False, True, True, True, True, False, True, False),
         EXPENSES: (False, False, True, True, True, True, False, True, True, False),
         FLOWS: (False, False, True, True, True, False, False)}


@dataclass
class _Block:
    """One thing drawn down a page: a section title, a header row, a row, a spans row, or a closing item."""

    kind: str  # title, header, row, spans, empty (a section's 本月无… line), text, signoff
    section: str
    height: float
    cells: list[list[str]] = field(default_factory=list)
    nlines: int = 1
    amount: Decimal = Decimal(0)
    direction: str = ""
    text: str = ""
    color: Color = BLACK
    fill: Color | None = None
    bold: bool = False
    aligns: str | None = None


@dataclass
class _Page:
    blocks: list[_Block] = field(default_factory=list)


def _kept(pages: list[_Page]) -> int:
    """How many rows of the last section (or its 本月无其他收付 line) the last page shows."""
    return sum(1 for b in pages[-1].blocks if b.kind in ("row", "empty") and b.section == FLOWS)


def _last_lines(page: _Page, most: int = 3) -> list[_Block]:
    """Take up to `most` lines of text off the end of a page, to go with the sign-off onto the next (the
    sign-off never stands alone); a page of nothing but those lines keeps them."""
    n = 0
    while n < most and n < len(page.blocks) and page.blocks[-1 - n].kind == "text":
        n += 1
    if n == 0 or n == len(page.blocks):
        return []
    taken = page.blocks[-n:]
    del page.blocks[-n:]
    return taken


def _flow_summary(f) -> str:
    """A line of 四、其他收付 as its 摘要 cell says it: a transfer names where the money went (银行→现金)."""
    return f.summary + (f"（{f.method}）" if f.type == TRANSFER_TYPE and f.method else "")


def _opt(amount: Decimal | None) -> str:
    return UNKNOWN if amount is None else display(amount)


class MoneySheet:
    """One village's 收支 sheet on a canvas. `signoff(sheet, pen, top)` and `footer(sheet, pen, index, total)`
    draw the sign-off block and the page footer; they read `view`, `st`, `canvas`, `m` and `signoff_h`."""

    def __init__(self, view: VillageView, canvas: Canvas, font_name: str, st: Style,
                 signoff: Callable, footer: Callable) -> None:
        self.view, self.canvas, self.font_name, self.st = view, canvas, font_name, st
        self.m = metrics(font_name)
        self._signoff_fn, self._footer_fn = signoff, footer
        lead, pad = st.leading, st.pad
        self.line_h = lead + 2 * pad
        self.title_h = lead * 1.5
        # a recorded approval goes in the 村务监督委员会意见 box, as on an expenses-only sheet (SPEC 13)
        self.review_lines = (self.m.wrap(view.review.text, st.inner * 0.5 - 4 * pad, st.body)[:REVIEW_LINES_MAX]
                             if view.review is not None else [])
        self.signoff_h = (5 + max(0, len(self.review_lines) - 3)) * lead + 2 * pad
        self.banner_h = st.body * 2.5 if view.preview else 0.0
        info = (f"{view.township.county}{view.township.name}　　公开期间：{period_text(view)}"
                f"　　公开日期：{cn_date(view.publication_date)}")
        if view.revision > 1:
            info += f"　　第 {view.revision} 次公开（更正）"
        self.first_heading = heading(self.m, st, view.title, info)
        self.running_heading = heading(self.m, st, view.title, first=False)
        self.limit = st.bottom + st.small * 2.2
        self._widths: dict[str, float] = {}
        self._amount_text = self._widest_amount()  # every section's amount column holds the sheet's widest
        self.xs = {s: self._layout(s) for s in COLUMNS}
        # each section's rows, built once: a layout tried again (see `_paginate`) only breaks pages elsewhere
        self._rows = {INCOME: self._income_rows(), EXPENSES: self._expense_rows(), FLOWS: self._flow_rows()}
        self.pages = self._paginate()

    # ---- geometry
    def _layout(self, section: str) -> list[float]:
        """Column x positions of a section. 资金概况: a label column and three equal money columns. The detail
        sections fit their columns to the measured texts as the expense sheet does (`fit_columns`, SPEC 16):
        numbers never wrap, names and categories get what they need when the paper allows, 摘要 the rest."""
        st, m = self.st, self.m
        s = st.body
        xs = [st.left]
        if section == FUNDS:
            label = min(max(m.width(t, s) for t in ("上月结余", "本月结余", "项目")), 8 * s) + 2 * st.pad + 2 * s
            rest = st.inner - label
            for w in (label, rest / 3, rest / 3, rest / 3):
                xs.append(xs[-1] + w)
            xs[-1] = st.right
            return xs
        measure = self._measure
        cells = self._cells(section)
        wraps = WRAPS[section]
        texts = [[piece for row in cells for piece in row[i]] for i in range(len(wraps))]
        # every section's amount column is as wide as the widest amount of the sheet, so the columns line up
        texts[AMOUNT_COL[section]] = [self._amount_text]
        columns = [Column.of(t, measure, measure(label), w) for t, w, label in zip(texts, wraps, COLUMNS[section],
                                                                                  strict=True)]
        rows = [tuple(sum(measure(piece) for piece in cell) if w else 0.0 for cell, w in zip(row, wraps, strict=True))
                for row in cells]
        for w in fit_columns(columns, SUMMARY_COL, st.inner, st.pad, em=s, rows=rows):
            xs.append(xs[-1] + w)
        xs[-1] = st.right
        return xs

    def _measure(self, text: str) -> float:
        """A text's width at body size, measured once a sheet (a village repeats its names and categories)."""
        w = self._widths.get(text)
        if w is None:
            w = self._widths[text] = self.m.width(text, self.st.body)
        return w

    def _widest_amount(self) -> str:
        v = self.view
        amounts = [display(x) for x in (v.total, v.income_total, v.flows_in_total, v.flows_out_total,
                                        v.ytd_total, v.ytd_income)]
        amounts += [display(e.amount) for e in v.expenses] + [display(i.amount) for i in v.income]
        amounts += [display(f.amount) for f in v.flows]
        return max(amounts, key=self._measure)

    def _cells(self, section: str) -> list[tuple[tuple[str, ...], ...]]:
        """Each row of a detail section as the texts of its cells (a 决议 note goes with its summary), for
        `fit_columns` to size the columns and weigh the table's height; amounts are left to the caller."""
        v = self.view

        def attached(n: int | None) -> tuple[str, ...]:
            return () if n is None else (str(n),)

        if section == INCOME:
            return [((i.seq,), (cn_date(i.date, year=False),), (i.voucher,), (i.summary,), (i.category,),
                     (i.payer,), (), (i.handler,), attached(i.attachments)) for i in v.income]
        if section == EXPENSES:
            out = []
            for e in v.expenses:
                note = resolution_note(e.remarks)
                out.append(((str(e.seq),), (cn_date(e.date, year=False),), (e.voucher,),
                            (e.summary, note) if note else (e.summary,), (e.category,), (e.payee,), (),
                            (e.handler,), (e.approver,), attached(e.attachments)))
            return out
        return [((f.seq,), (cn_date(f.date, year=False),), (f.voucher,), (_flow_summary(f),), (f.type,),
                 (f.direction,), ()) for f in v.flows]

    def _inner(self, section: str, col: int) -> float:
        xs = self.xs[section]
        return xs[col + 1] - xs[col] - 2 * self.st.pad

    def _wrap(self, section: str, col: int, text: str) -> list[str]:
        return self.m.wrap(text, self._inner(section, col), self.st.body) if text else []

    def _row(self, section: str, cells: list[list[str]], amount: Decimal, direction: str = "") -> _Block:
        nlines = max(1, max(len(c) for c in cells))
        return _Block("row", section, nlines * self.st.leading + 2 * self.st.pad, cells=cells, nlines=nlines,
                      amount=amount, direction=direction)

    def _header(self, section: str) -> _Block:
        cells = [self._wrap(section, i, label) for i, label in enumerate(COLUMNS[section])]
        nlines = max(len(c) for c in cells)
        return _Block("header", section, nlines * self.st.leading + 2 * self.st.pad, cells=cells, nlines=nlines,
                      fill=HEADER_FILL, bold=True, aligns="c" * len(cells))

    def _spans(self, section: str, text: str, amount: str = "", color: Color = BLACK, bold: bool = True,
               fill: Color | None = TOTAL_FILL, align: str = "c") -> _Block:
        """A merged row: `text` over the columns left of the amount, `amount` in the amount column."""
        if amount:
            cells = [self._span_text(section, text)]
        else:
            cells = [self.m.wrap(text, self.xs[section][-1] - self.xs[section][0] - 2 * self.st.pad, self.st.body)]
        nlines = max(1, len(cells[0]))
        return _Block("spans", section, nlines * self.st.leading + 2 * self.st.pad, cells=cells, nlines=nlines,
                      text=amount, color=color, bold=bold, fill=fill, aligns=align)

    def _span_text(self, section: str, text: str) -> list[str]:
        col = AMOUNT_COL.get(section, 1)
        width = self.xs[section][col] - self.xs[section][0] - 2 * self.st.pad
        return self.m.wrap(text, width, self.st.body)

    # ---- content
    def _funds_blocks(self) -> list[_Block]:
        funds = self.view.funds
        cash, bank = funds.cash, funds.bank

        def both(get: Callable[[ColumnFunds], Decimal | None], total: bool = True) -> list[list[str]]:
            a, b = get(cash), get(bank)
            whole = a + b if total and a is not None and b is not None else None
            return [[_opt(a)], [_opt(b)], [_opt(whole) if total else display(Decimal("0.00"))]]

        rows = [
            ("上月结余", both(lambda c: c.opening)),
            ("本月收入", both(lambda c: c.income)),
            ("本月支出", both(lambda c: c.expense)),
            ("其他收款", both(lambda c: c.other_in)),
            ("其他付款", both(lambda c: c.other_out)),
            ("内部转账", both(lambda c: c.transfer, total=False)),
            ("本月结余", both(lambda c: c.closing)),
        ]
        blocks = [self._title(FUNDS), self._header(FUNDS)]
        for label, cells in rows:
            block = self._row(FUNDS, [[label], *cells], Decimal(0))
            if label in ("上月结余", "本月结余"):
                block.bold = True
            blocks.append(block)
        note = (f"注：本月另有挂账（未收付现金或银行存款）收入 {display(funds.accrued_income)} 元、"
                f"支出 {display(funds.accrued_expense)} 元，不计入上表。") if (
            funds.accrued_income or funds.accrued_expense) else ""
        if note:
            blocks.extend(self._text(note))
        return blocks

    def _title(self, section: str, continued: bool = False) -> _Block:
        return _Block("title", section, self.title_h, text=TITLES[section] + (CONTINUED if continued else ""),
                      bold=True)

    def _text(self, text: str, color: Color = BLACK) -> list[_Block]:
        return [_Block("text", "", self.st.leading, text=line, color=color)
                for line in self.m.wrap(text, self.st.inner, self.st.body)]

    def _income_rows(self) -> list[_Block]:
        w = self._wrap
        return [self._row(INCOME, [
            [i.seq], [cn_date(i.date, year=False)], w(INCOME, 2, i.voucher), w(INCOME, 3, i.summary),
            w(INCOME, 4, i.category), w(INCOME, 5, i.payer), [display(i.amount)], w(INCOME, 7, i.handler),
            [str(i.attachments)] if i.attachments is not None else []], i.amount) for i in self.view.income]

    def _expense_rows(self) -> list[_Block]:
        w = self._wrap
        return [self._row(EXPENSES, [
            [str(e.seq)], [cn_date(e.date, year=False)], w(EXPENSES, 2, e.voucher),
            summary_cell(self.m, e.summary, resolution_note(e.remarks), self._inner(EXPENSES, 3), self.st.body),
            w(EXPENSES, 4, e.category), w(EXPENSES, 5, e.payee),
            [display(e.amount), "冲销"] if e.amount < 0 else [display(e.amount)],
            w(EXPENSES, 7, e.handler), w(EXPENSES, 8, e.approver),
            [str(e.attachments)] if e.attachments is not None else []], e.amount) for e in self.view.expenses]

    def _flow_rows(self) -> list[_Block]:
        w = self._wrap
        return [self._row(FLOWS, [
            [f.seq], [cn_date(f.date, year=False)], w(FLOWS, 2, f.voucher),
            w(FLOWS, 3, _flow_summary(f)),
            w(FLOWS, 4, f.type), [f.direction], [display(f.amount)]], f.amount,
            "" if f.type == TRANSFER_TYPE else f.direction) for f in self.view.flows]  # transfers: in no total

    def _totals(self, section: str) -> list[_Block]:
        v = self.view
        if section == INCOME:
            return [self._spans(INCOME, f"本月收入合计（共 {len(v.income)} 笔）", display(v.income_total)),
                    self._spans(INCOME, capitals_line(v.income_capitals), fill=None, align="l",
                                color=RED if v.income_total < 0 else BLACK)]
        if section == EXPENSES:
            return [self._spans(EXPENSES, f"本月支出合计（共 {v.count} 笔）", display(v.total)),
                    self._spans(EXPENSES, capitals_line(v.total_capitals), fill=None, align="l",
                                color=RED if v.total < 0 else BLACK)]
        ins, outs = v.flows_in_count, v.flows_out_count
        moved = "，不含内部转账" if any(f.type == TRANSFER_TYPE for f in v.flows) else ""
        return [self._spans(FLOWS, f"其他收款合计（共 {ins} 笔{moved}）", display(v.flows_in_total)),
                self._spans(FLOWS, f"其他付款合计（共 {outs} 笔{moved}）", display(v.flows_out_total))]

    def _subtotal(self, section: str, rows: list[_Block]) -> _Block:
        if section == FLOWS:
            got_in = sum((b.amount for b in rows if b.direction == IN), Decimal(0))
            got_out = sum((b.amount for b in rows if b.direction == OUT), Decimal(0))
            return self._spans(FLOWS, f"本页小计（其他收付）　收 {display(got_in)}　付 {display(got_out)}",
                               align="l")
        total = sum((b.amount for b in rows), Decimal(0))
        return self._spans(section, f"本页小计（{NAMES[section]}）", display(total))

    def _closing(self) -> list[_Block]:
        v = self.view
        blocks: list[_Block] = []
        ytd = "本年累计" if v.ytd_from_month <= 1 else f"本年累计（自{v.ytd_from_month}月起）"
        blocks += self._text(f"{ytd}收入：{display(v.ytd_income)} 元　　{ytd}支出：{display(v.ytd_total)} 元")
        if v.categories:
            parts = [f"{c.name} {c.count} 笔 {display(c.total)} 元" for c in v.categories]
            blocks += self._text("支出按类别小计：" + "；".join(parts) + "。")
        for text, color in closing_paragraphs(v):
            blocks += self._text(text, color)
        blocks.append(_Block("signoff", "", self.signoff_h + self.st.body))
        return blocks

    # ---- pagination
    def _room(self, index: int) -> float:
        head = self.first_heading if index == 0 else self.running_heading
        return self.st.height - self.st.top - self.banner_h - head.height - self.limit

    def _paginate(self) -> list[_Page]:
        """The blocks laid out page by page. When the last rows end near the bottom of a page and the closing
        does not fit under them, the sign-off would stand on a page without the table (or under a lone row):
        then the last rows of the last section travel with it — three if that page holds them with the closing,
        else two, else one."""
        pages = self._lay_out()
        wanted = min(2, max(len(self.view.flows), 1))
        best = pages
        for cut in self._cuts(pages, wanted):
            again = self._lay_out(cut)
            if _kept(again) >= wanted:
                return again
            if _kept(again) > _kept(best):
                best = again
        return best  # a closing too long to share a page with the rows: its last lines go with the sign-off

    def _cuts(self, pages: list[_Page], wanted: int) -> list[int]:
        """Rows of the last section before which a page may be broken so that its last 3, 2 or 1 rows start the
        page the closing goes on; none when the last page already holds `wanted` of them. A cut never leaves the
        section's title and header without a row under them; 0 moves the whole section (its 本月无其他收付 line
        when it has no rows)."""
        if _kept(pages) >= wanted:
            return []
        page_of = [i for i, page in enumerate(pages) for b in page.blocks if b.kind == "row" and b.section == FLOWS]
        cuts = []
        for keep in (3, 2, 1):
            cut = max(len(page_of) - keep, 0)
            if (cut == 0 or page_of[cut - 1] == page_of[cut]) and cut not in cuts:
                cuts.append(cut)
        return cuts

    def _lay_out(self, cut: int | None = None) -> list[_Page]:
        """Put the blocks on pages in order; `cut` (a row of the last section, see `_cuts`) starts a page."""
        pages = [_Page()]
        used = 0.0

        def new_page() -> None:
            nonlocal used
            pages.append(_Page())
            used = 0.0

        def fits(h: float) -> bool:
            return used + h <= self._room(len(pages) - 1)

        def put(block: _Block) -> None:
            nonlocal used
            pages[-1].blocks.append(block)
            used += block.height

        for block in self._funds_blocks():  # the money table stays whole, on the first page
            put(block)
        sub_h = self.line_h
        for section, rows in self._rows.items():
            title, header = self._title(section), self._header(section)
            first_h = rows[0].height if rows else self.line_h * 2
            if not fits(title.height + header.height + first_h + sub_h) or (
                    section == FLOWS and cut == 0 and pages[-1].blocks):
                new_page()
            put(title)
            put(header)
            if not rows:
                put(_Block("empty", section, self.line_h * 2, cells=[[EMPTY[section]]], nlines=2, aligns="c",
                           bold=True))
            on_page: list[_Block] = []
            for i, row in enumerate(rows):
                if (not fits(row.height + sub_h) or (section == FLOWS and i == cut)) and on_page:
                    put(self._subtotal(section, on_page))
                    new_page()
                    put(self._title(section, continued=True))
                    put(self._header(section))
                    on_page = []
                put(row)
                on_page.append(row)
            if on_page:
                put(self._subtotal(section, on_page))
            totals = self._totals(section)
            if not fits(sum(b.height for b in totals)):
                new_page()
                put(self._title(section, continued=True))
            for b in totals:
                put(b)
            used += self.st.body * 0.6  # space between sections
        for block in self._closing():
            if not fits(block.height):
                carried = _last_lines(pages[-1]) if block.kind == "signoff" else []
                new_page()
                for line in carried:
                    put(line)
            put(block)
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
            banner(pen, canvas, st, y)
        draw_heading(pen, st, y - self.banner_h, self.first_heading if index == 0 else self.running_heading)
        y = st.height - st.top - self.banner_h - (self.first_heading if index == 0 else self.running_heading).height
        grid: Grid | None = None
        section = None
        for block in page.blocks:
            in_table = block.kind in ("header", "row", "spans", "empty")
            if grid is not None and (not in_table or block.section != section):
                grid.finish(y)
                grid = None
                if block.kind == "title":
                    y -= st.body * 0.6
            if block.kind == "title":
                pen.text(st.left, st.baseline(y - (self.title_h - st.leading) / 2), block.text, st.body, bold=True)
                y -= block.height
            elif block.kind == "text":
                pen.text(st.left, st.baseline(y), block.text, st.body, block.color)
                y -= block.height
            elif block.kind == "signoff":
                self._signoff_fn(self, pen, y - st.body * 0.4)
                y -= block.height
            else:
                if grid is None:
                    section = block.section
                    grid = Grid(canvas, pen, st, self.xs[section], ALIGNS[section])
                    grid.start(y)
                if block.kind in ("header", "row"):
                    colors = {AMOUNT_COL[section]: RED} if block.kind == "row" and block.amount < 0 and \
                        section in AMOUNT_COL else None
                    y = grid.row(y, block.cells, block.nlines, colors, fill=block.fill, bold=block.bold,
                                 aligns=block.aligns)
                else:
                    y = grid.spans(y, self._span_cells(section, block), nlines=block.nlines, fill=block.fill)
        if grid is not None:
            grid.finish(y)
        self._footer_fn(self, pen, index, total)
        pen.flush()
        if v.preview:
            watermark(canvas, self.font_name, st)

    def _span_cells(self, section: str, block: _Block) -> list:
        last = len(COLUMNS[section]) - 1
        if not block.text:
            return [(0, last, block.cells[0], block.aligns or "c", block.color, block.bold)]
        col = AMOUNT_COL.get(section, 1)
        color = RED if block.text.startswith("-") else BLACK
        spans = [(0, col - 1, block.cells[0], block.aligns or "c", BLACK, block.bold),
                 (col, col, [block.text], "r", color, block.bold)]
        if col < last:
            spans.append((col + 1, last, [], "l", BLACK, False))
        return spans


def draw_money_sheet(view: VillageView, canvas: Canvas, font_name: str, st: Style, *, signoff: Callable,
                     footer: Callable) -> int:
    """Draw a 收支 village's sheet on `canvas`; returns its number of pages."""
    return MoneySheet(view, canvas, font_name, st, signoff, footer).draw()


def money_sheet_texts(view: VillageView) -> list[str]:
    """Every text of a 收支 sheet beyond the expense sheet's (for glyph-missing)."""
    texts = list(TITLES.values())
    for i in view.income:
        texts += [i.voucher, i.summary, i.category, i.payer, i.handler]
    for f in view.flows:
        texts += [f.voucher, f.summary, f.type, f.method]
    return texts


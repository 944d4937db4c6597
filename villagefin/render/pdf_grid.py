"""Page geometry and ruled tables for the PDF sheets: paper sizes, font sizes, a grid drawn row by row.

The sheets are drawn on the reportlab canvas with our own pagination (see pdf_text for why). A `Grid`
draws the cells of one page, collects its rules and fills, and writes them before the page's text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from villagefin.errors import ConfigError
from villagefin.model import cn_date, has_resolution
from villagefin.render.pdf_text import BLACK, RED, Color, Metrics, Pen, clean, lines_literal, rect_literal

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

mm = 72.0 / 2.54 * 0.1  # a millimetre in points, as reportlab.lib.units has it (not imported: see pdf_text)
PAPERS = {"A4": (210 * mm, 297 * mm), "A3": (297 * mm, 420 * mm)}
PREVIEW_BANNER = "预览稿，未正式公开"
WATERMARK = "预览稿"
HEADER_FILL: Color = (0.88, 0.88, 0.88)
TOTAL_FILL: Color = (0.95, 0.95, 0.95)


@dataclass(frozen=True)
class Style:
    """Sizes in points for one paper and orientation. Body text is 10.5 pt on A4 and 14 pt on A3."""

    width: float
    height: float
    margin: float  # left and right
    top: float
    bottom: float
    body: float
    title: float
    head: float  # running title on pages after the first
    small: float  # page footer line
    pad: float  # cell padding
    leading: float  # line height of body text

    @property
    def left(self) -> float:
        return self.margin

    @property
    def right(self) -> float:
        return self.width - self.margin

    @property
    def inner(self) -> float:
        return self.width - 2 * self.margin

    def baseline(self, line_top: float, size: float | None = None) -> float:
        """Baseline that centres a line of `size` text in a line box of height `leading` starting at line_top."""
        return line_top - self.leading / 2 - 0.36 * (self.body if size is None else size)


def style(paper: str, orientation: str) -> Style:
    """The Style for "A4"/"A3" and "landscape"/"portrait"; ConfigError for anything else."""
    key = (paper or "A4").strip().upper()
    if key not in PAPERS:
        raise ConfigError(f"villagefin.toml [publication] paper = \"{paper}\" 无法使用：只能是 \"A4\" 或 \"A3\"。")
    orient = (orientation or "landscape").strip().lower()
    if orient not in ("landscape", "portrait"):
        raise ConfigError(
            f"villagefin.toml [publication] orientation = \"{orientation}\" 无法使用："
            "只能是 \"landscape\"（横向）或 \"portrait\"（纵向）。")
    w, h = PAPERS[key]
    if orient == "landscape":
        w, h = h, w
    if key == "A3":
        return Style(w, h, margin=14 * mm, top=12 * mm, bottom=11 * mm, body=14.0, title=26.0, head=17.0,
                     small=11.0, pad=3.5, leading=18.2)
    return Style(w, h, margin=12 * mm, top=10 * mm, bottom=9 * mm, body=10.5, title=20.0, head=13.0,
                 small=9.0, pad=2.5, leading=13.65)


@dataclass(frozen=True)
class Column:
    """What a column of a table must hold, measured in points without padding."""

    widths: tuple[float, ...]  # its texts, one per row, sorted (the header label not among them)
    label: float  # its header label, which never wraps: the narrowest the column may be
    wraps: bool = True  # False for numbers, dates and counts: never narrower than their widest text
    # widths at which some text would leave only its last one or two characters on its last line: merged
    # intervals [start, end)
    stubs: tuple[tuple[float, float], ...] = ()

    @classmethod
    def of(cls, texts: Iterable[str], width: Callable[[str], float], label: float, wraps: bool = True) -> Column:
        texts = list(texts)
        spans = sorted({span for t in set(texts) if len(t) > 2
                        for span in [(width(t[:-2]), width(t)), *_stubs(len(t), width(t))]}) if wraps else []
        merged: list[tuple[float, float]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        return cls(tuple(sorted(width(t) for t in texts)), label, wraps, tuple(merged))

    @property
    def natural(self) -> float:
        return max(self.widths[-1] if self.widths else 0.0, self.label)

    def _stub(self, width: float) -> tuple[float, float] | None:
        """The stub interval holding `width`, if any."""
        i = bisect.bisect_right(self.stubs, (width, float("inf"))) - 1
        return self.stubs[i] if i >= 0 and self.stubs[i][0] <= width < self.stubs[i][1] - 1e-6 else None

    def at(self, level: float, tail: float) -> float:
        """The column's width when the free columns are held to `level`: its natural width if that is less,
        never less than its label, and moved by at most `tail` (wider if it can, else narrower) off a width
        at which one of its texts would wrap for its last one or two characters."""
        if not self.wraps:
            return self.natural
        width = min(self.natural, max(self.label, level))
        stub = self._stub(width)
        if stub is None:
            return width
        if stub[1] - width <= tail:
            return min(stub[1], self.natural)
        if width - stub[0] <= tail and stub[0] > self.label:
            return stub[0] - 1e-3
        return width


def _stubs(n: int, width: float, most: int = 4) -> list[tuple[float, float]]:
    """The widths at which a text of `n` characters, `width` points wide, would break into k + 1 lines, the
    last holding one or two characters (k = 2 … most; the caller measures k = 1 exactly). Characters are
    taken as equally wide here, so a line of width w holds floor(w / a) of them, a = width / n."""
    a = width / n if n else 0.0
    spans = []
    for k in range(2, min(most, n // 3) + 1):
        lo, hi = -(-(n - 2) // k), -(-n // k)  # line capacities (characters) giving such a stub
        if lo < hi:
            spans.append((lo * a, hi * a))
    return spans


def _unstub(columns: Sequence[Column], inner: list[float], fill: int, tail: float) -> list[float]:
    """When the `fill` column's width would leave a text's last one or two characters alone on a line, widen
    it by taking the few points needed from a column that can spare them: one that wraps no more of its texts
    for it and lands at no stub of its own."""
    main = columns[fill]
    stub = main._stub(inner[fill])
    if stub is None or stub[1] - inner[fill] > tail:
        return inner
    need = stub[1] - inner[fill]
    for i in sorted(range(len(columns)), key=lambda i: -inner[i]):
        c = columns[i]
        new = inner[i] - need
        if i == fill or not c.wraps or new < c.label or c._stub(new) is not None:
            continue
        if bisect.bisect_right(c.widths, new) == bisect.bisect_right(c.widths, inner[i]):
            out = list(inner)
            out[i], out[fill] = new, stub[1]
            return out
    return inner


#: the summary's weight against the other free columns, tried in this order when the rows are given
SHARES = (1.6, 2.0, 2.6)


def fit_columns(columns: Sequence[Column], fill: int, space: float, pad: float, em: float,
                rows: Sequence[Sequence[float]] = (), most: float = 0.9) -> list[float]:
    """Widths (padding included) of `columns` across `space` points, from the measured texts; `em` is the
    width of one Chinese character.

    Numbers keep their widest text. The other columns get their natural width when everything fits;
    otherwise the widest are held to a common level, no column narrower than its label, and a column is
    moved off a width at which a text would wrap for its last one or two characters (`Column.at`). The
    `fill` column (the summary) counts as a weight times that level, but never as more than holds the `most`
    shortest of its texts on one line (its few long ones wrap rather than squeeze every other column); it
    takes whatever space remains. With `rows` (each row's text widths by column), the weight that gives the
    shortest table is chosen, else the first of SHARES.
    """
    p2, tail = 2 * pad, 2 * em
    others = [i for i in range(len(columns)) if i != fill]
    room = space - p2 * len(columns)
    main = columns[fill]
    want = max(main.label, main.widths[int(most * (len(main.widths) - 1))] if main.widths else 0.0)
    top = max((c.natural for c in columns), default=0.0)

    def fit(share: float) -> list[float]:
        def used(level: float) -> float:
            return sum(columns[i].at(level, tail) for i in others) + max(main.label, min(want, share * level))

        if used(top) <= room:
            level = top
        else:
            lo, hi = 0.0, top
            for _ in range(40):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if used(mid) <= room else (lo, mid)
            level = lo
        inner = [columns[i].at(level, tail) for i in range(len(columns))]
        inner[fill] = max(room - sum(inner[i] for i in others), main.label)
        return _unstub(columns, inner, fill, tail)

    def lines(inner: list[float]) -> int:  # the table's height in lines, estimated: a line holds whole characters
        free = [(i, max(em, em * math.floor(inner[i] / em + 1e-6))) for i, c in enumerate(columns) if c.wraps]
        return sum(max([1] + [math.ceil(row[i] / line - 1e-6) for i, line in free]) for row in rows)

    best = fit(SHARES[0])
    if rows and best[fill] < main.natural:
        tried = {SHARES[0]: (lines(best), best)}
        for share in SHARES[1:]:
            inner = fit(share)
            tried[share] = (lines(inner), inner)
        best = min(tried.values(), key=lambda t: t[0])[1]  # the first of the shortest
    return [w + p2 for w in best]


Span = tuple[int, int, list[str], str, Color, bool]  # first column, last column, lines, align, colour, bold


class Grid:
    """One page of a ruled table. Columns are given by their x boundaries (len = columns + 1)."""

    def __init__(self, canvas: Canvas, pen: Pen, st: Style, xs: list[float], aligns: str) -> None:
        self.canvas = canvas
        self.pen = pen
        self.st = st
        self.xs = xs
        self.aligns = aligns
        self._h: list[tuple[float, float, float, float]] = []
        self._v: list[tuple[float, float, float, float]] = []
        self._fills: list[str] = []
        self._run_top: float | None = None  # top of the current run of full-grid rows

    def _cell(self, c0: int, c1: int, top: float, nlines: int, lines: list[str], align: str, color: Color,
              bold: bool, size: float) -> None:
        st, pen = self.st, self.pen
        x0, x1 = self.xs[c0], self.xs[c1 + 1]
        line_top = top - st.pad - (nlines - len(lines)) * st.leading / 2
        for line in lines:
            if line:
                y = st.baseline(line_top, size)
                if align == "r":
                    pen.right(x1 - st.pad, y, line, size, color, bold)
                elif align == "c":
                    pen.centre((x0 + x1) / 2, y, line, size, color, bold)
                else:
                    pen.text(x0 + st.pad, y, line, size, color, bold)
            line_top -= st.leading

    def row(self, top: float, cells: list[list[str]], nlines: int, colors: dict[int, Color] | None = None,
            fill: Color | None = None, bold: bool = False, aligns: str | None = None) -> float:
        """A row with every column; returns its bottom."""
        st = self.st
        h = nlines * st.leading + 2 * st.pad
        bottom = top - h
        if fill is not None:
            self._fills.append(rect_literal(self.xs[0], bottom, self.xs[-1] - self.xs[0], h, fill))
        if self._run_top is None:
            self._run_top = top
        aligns = aligns or self.aligns
        for i, lines in enumerate(cells):
            if lines:
                color = colors.get(i, BLACK) if colors else BLACK
                self._cell(i, i, top, nlines, lines, aligns[i], color, bold, st.body)
        self._h.append((self.xs[0], bottom, self.xs[-1], bottom))
        return bottom

    def spans(self, top: float, spans: list[Span], nlines: int = 1, fill: Color | None = None) -> float:
        """A row of merged cells; returns its bottom."""
        st = self.st
        self._close_run(top)
        h = nlines * st.leading + 2 * st.pad
        bottom = top - h
        if fill is not None:
            self._fills.append(rect_literal(self.xs[0], bottom, self.xs[-1] - self.xs[0], h, fill))
        for c0, c1, lines, align, color, bold in spans:
            self._cell(c0, c1, top, nlines, lines, align, color, bold, st.body)
            self._v.append((self.xs[c0], top, self.xs[c0], bottom))
        self._v.append((self.xs[-1], top, self.xs[-1], bottom))
        self._h.append((self.xs[0], bottom, self.xs[-1], bottom))
        return bottom

    def start(self, top: float) -> None:
        """The rule above the first row of the page."""
        self._h.append((self.xs[0], top, self.xs[-1], top))

    def _close_run(self, bottom: float) -> None:
        if self._run_top is not None:
            self._v.extend((x, self._run_top, x, bottom) for x in self.xs)
            self._run_top = None

    def finish(self, bottom: float) -> None:
        """Write fills and rules (the caller flushes the text afterwards, so it lands on top)."""
        self._close_run(bottom)
        canvas = self.canvas
        for f in self._fills:
            canvas.addLiteral(f)
        if self._h or self._v:
            canvas.addLiteral(lines_literal(self._h + self._v, 0.6))
        self._h, self._v, self._fills = [], [], []


# page furniture shared by the sheets


def period_text(view) -> str:  # VillageView or TownshipView
    """"2026年10月1日至10月31日" for the view's month."""
    start = dt.date(view.year, view.month, 1)
    end = dt.date(view.year + view.month // 12, view.month % 12 + 1, 1) - dt.timedelta(days=1)
    return f"{cn_date(start)}至{end.month}月{end.day}日"


def resolution_note(remarks: str) -> str:
    """The remark a sheet prints under a line's summary (SPEC 16): one that names a resolution (决议), else ""."""
    return clean(remarks) if has_resolution(remarks) else ""


def summary_cell(m: Metrics, summary: str, note: str, width: float, size: float) -> list[str]:
    """The lines of a 摘要 cell `width` points wide: the summary's, then the resolution `note`'s under them, at
    the same size (the expense sheet and the 收支 sheet's 三、支出明细 alike)."""
    lines = m.wrap(summary, width, size)
    if note:
        lines += m.wrap(note, width, size)
    return lines


def capitals_line(caps: str) -> str:
    caps = caps.strip()
    for prefix in ("人民币大写：", "人民币大写:", "人民币大写", "人民币"):
        if caps.startswith(prefix):
            caps = caps[len(prefix):]
            break
    return "人民币大写：" + caps


def watermark(canvas: Canvas, font_name: str, st: Style) -> None:
    canvas.saveState()
    canvas.setFillColorRGB(0.85, 0.1, 0.1)
    canvas.setFillAlpha(0.13)
    canvas.translate(st.width / 2, st.height / 2)
    canvas.rotate(32)
    canvas.setFont(font_name, min(st.width, st.height) / 3.6)
    canvas.drawCentredString(0, -min(st.width, st.height) / 10, WATERMARK)
    canvas.restoreState()


def banner(pen: Pen, canvas: Canvas, st: Style, top: float) -> float:
    """The preview banner at `top`; returns the y under it."""
    h = st.body * 1.9
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(1)
    canvas.rect(st.left, top - h, st.inner, h, stroke=1, fill=0)
    canvas.restoreState()
    pen.centre(st.width / 2, st.baseline(top - (h - st.leading) / 2), PREVIEW_BANNER, st.body, RED, bold=True)
    return top - h - st.body * 0.6


@dataclass(frozen=True)
class Heading:
    """The lines above the table: (text, size, bold, advance) each, and their total height."""

    lines: tuple[tuple[str, float, bool, float], ...]
    height: float


def heading(m: Metrics, st: Style, title: str, info: str = "", first: bool = True) -> Heading:
    """The first page's title (shrunk to fit, never below 18 pt, then wrapped) and info line, or the smaller
    running title of later pages."""
    size = st.title if first else st.head
    wide = m.width(title, size)
    if wide > st.inner:
        size = max(18.0 if first else st.body, size * st.inner / wide)
    lines = [(line, size, True, size * 1.35) for line in m.wrap(title, st.inner, size)]
    if info:
        lines += [(line, st.body, False, st.body * 1.45) for line in m.wrap(info, st.inner, st.body)]
    height = sum(line[3] for line in lines) + (st.body * 0.5 if first else st.head * 0.3)
    return Heading(tuple(lines), height)


def draw_heading(pen: Pen, st: Style, top: float, h: Heading) -> None:
    y = top
    for text, size, bold, advance in h.lines:
        pen.centre(st.width / 2, y - size * 0.95, text, size, bold=bold)
        y -= advance


# ---- what every village sheet says after its tables (expenses only and 收支 alike) ---------------------------
RECEIPTS_AT_OFFICE = "原始票据可到村委会查阅。"
REVIEW_LINES_MAX = 6  # lines of a recorded opinion in the 村务监督委员会意见 box
QUERIES_HEADING = "村民质询与答复："


def closing_paragraphs(view) -> list[tuple[str, Color]]:
    """The paragraphs after a village sheet's tables, before its sign-off: corrections, where the receipts are,
    how to ask about a line (SPEC 14) and the month's queries with their answers. `view` is a VillageView."""
    out: list[tuple[str, Color]] = []
    for c in view.corrections:
        said = [f"原因：{c.reason}" if c.reason else ""]
        for label, vouchers in (("新增凭证", c.added), ("删除凭证", c.removed), ("更正凭证", c.changed)):
            if vouchers:
                said.append(f"{label}：{'、'.join(vouchers)}")
        out.append((f"更正说明（第 {c.revision} 次公开，{cn_date(c.date)}）：" + "；".join(s for s in said if s) + "。",
                    RED))
    if not view.receipts_published:
        out.append((RECEIPTS_AT_OFFICE, BLACK))
    if view.ask_line:
        out.append((view.ask_line, BLACK))
    if view.queries:
        out.append((QUERIES_HEADING, BLACK))
        for q in view.queries:
            out.append((f"{q.number}（{cn_date(q.received)}收到，{q.channel}）涉及 {q.line}。问：{q.question}", BLACK))
            if q.answer:
                out.append((f"答（{cn_date(q.answer_date) if q.answer_date else ''}）：{q.answer}", BLACK))
            else:
                out.append((f"待答复（答复期限 {q.deadline.isoformat()}）", RED))
    return out

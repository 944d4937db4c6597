"""Text on the PDF canvas, fast: cached glyph widths, CJK line breaking, batched text operators.

A Platypus table of Paragraphs costs about 0.3 s per 300-row village (SPEC 11); the sheets need about a
quarter of that. So the renderers measure text with a per-character width cache, break lines themselves
and write each page's text as one BT…ET block of operators (`Canvas.addLiteral`), using the TrueType
font's own subset encoding (`TTFont.splitString`), which is what `Canvas.drawString` does one string at a
time with much more overhead. A non-embedded CID font (the STSong-Light fallback) goes through the
ordinary canvas calls.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# reportlab itself is imported where text is measured or drawn, never with the module: `villagefin query` and an
# unchanged re-publish import the renderers' modules but draw nothing (SPEC 9, 9a)

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)
RED: Color = (0.8, 0.0, 0.0)
GREY: Color = (0.35, 0.35, 0.35)

# 禁则 (kinsoku): characters that never begin a line, and characters that never end one
NO_START = frozenset("，。、；：！？）》」』】〉〕〗〙”’…‥·・％%,.;:!?)]}")
NO_END = frozenset("（《「『【〈〔〖〘“‘([{¥￥$")
_CJK_FROM = 0x2E80  # below: Latin, digits, ASCII punctuation (kept together as words)


def clean(text: str) -> str:
    """One line of drawable text: whitespace (line breaks, tabs, NBSP) becomes a space, controls go."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c.isspace():
            out.append(" ")
        elif unicodedata.category(c) not in ("Cc", "Cf", "Cs"):
            out.append(c)
    return "".join(out)


def _breakable(a: str, b: str) -> bool:
    """May a line end after `a` when `b` follows?"""
    if b in NO_START or a in NO_END:
        return False
    if a == " " or b == " ":
        return True
    return ord(a) >= _CJK_FROM or ord(b) >= _CJK_FROM


class _Widths(dict):
    """char → advance width in 1/1000 em, filled on first use."""

    def __init__(self, font_name: str) -> None:
        from reportlab.pdfbase import pdfmetrics

        super().__init__()
        font = pdfmetrics.getFont(font_name)
        face = getattr(font, "face", None)
        if getattr(font, "_dynamicFont", False) and face is not None:
            widths, default = face.charWidths, face.defaultWidth
            self._measure = lambda c: widths.get(ord(c), default)
        else:
            self._measure = lambda c: pdfmetrics.stringWidth(c, font_name, 1000)

    def __missing__(self, c: str) -> float:
        w = self[c] = float(self._measure(c))
        return w


class Metrics:
    """String widths and line wrapping for one registered font."""

    def __init__(self, font_name: str) -> None:
        self.font_name = font_name
        self._w = _Widths(font_name)

    def width(self, text: str, size: float) -> float:
        w = self._w
        return sum(map(w.__getitem__, text)) * size / 1000.0

    def wrap(self, text: str, avail: float, size: float) -> list[str]:
        """Lines of `text` no wider than `avail` points: break between any two CJK characters, at spaces,
        and inside a run of Latin letters or digits only when the run alone is wider than the line."""
        text = clean(text)
        if not text:
            return [""]
        w = self._w
        limit = avail * 1000.0 / size + 1e-6
        if sum(map(w.__getitem__, text)) <= limit:
            return [text]
        lines: list[str] = []
        n = len(text)
        start = 0
        width = 0.0
        brk = -1
        i = 0
        while i < n:
            c = text[i]
            cw = w[c]
            if i > start and brk < i and _breakable(text[i - 1], c):
                brk = i
            if width + cw > limit and i > start:
                if c == " ":
                    lines.append(text[start:i].rstrip())
                    while i < n and text[i] == " ":
                        i += 1
                    start, width, brk = i, 0.0, -1
                    continue
                cut = brk if brk > start else i
                line = text[start:cut].rstrip()
                if line:
                    lines.append(line)
                start = cut
                while start < i and text[start] == " ":
                    start += 1
                width = sum(map(w.__getitem__, text[start:i]))
                brk = -1
                continue  # look at text[i] again against the new line
            width += cw
            i += 1
        if start < n:
            tail = text[start:].rstrip()
            if tail:
                lines.append(tail)
        return lines or [""]


@functools.lru_cache(maxsize=8)
def metrics(font_name: str) -> Metrics:
    return Metrics(font_name)


class Pen:
    """Collects the text of one page and writes it in one go (`flush`) after the page's lines and fills."""

    def __init__(self, canvas: Canvas, font_name: str) -> None:
        from reportlab.pdfbase import pdfmetrics

        self.canvas = canvas
        self.font_name = font_name
        self.metrics = metrics(font_name)
        font = pdfmetrics.getFont(font_name)
        self._ttf = font if getattr(font, "_dynamicFont", False) else None
        self._enc: dict[str, list[tuple[str, str]]] = canvas.__dict__.setdefault("_villagefin_text", {})
        self._ops: list[str] = []
        self._calls: list[tuple[float, float, str, float, Color, bool]] = []
        self._reset()

    def _reset(self) -> None:
        self._font: tuple[str, float] | None = None
        self._color: Color = BLACK
        self._bold = False

    def text(self, x: float, y: float, s: str, size: float, color: Color = BLACK, bold: bool = False) -> None:
        """Draw `s` with its left end at x and baseline at y."""
        if not s:
            return
        if self._ttf is None:
            self._calls.append((x, y, s, size, color, bold))
            return
        ops = self._ops
        if color != self._color:
            rgb = "{:.3f} {:.3f} {:.3f}".format(*color)
            ops.append(f"{rgb} rg {rgb} RG")
            self._color = color
        if bold != self._bold:
            ops.append("2 Tr 0.35 w" if bold else "0 Tr")
            self._bold = bold
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        encoded = self._enc.get(s)
        if encoded is None:
            # a character keeps its subset code for the whole document, so the encoding can be cached
            doc = self.canvas._doc
            font = self._ttf
            encoded = self._enc[s] = [(font.getSubsetInternalName(subset, doc), f"<{chunk.hex()}> Tj")
                                      for subset, chunk in font.splitString(s, doc)]
        for name, show in encoded:
            if self._font != (name, size):
                ops.append(f"{name} {size:g} Tf")
                self._font = (name, size)
            ops.append(show)

    def right(self, x: float, y: float, s: str, size: float, color: Color = BLACK, bold: bool = False) -> None:
        """Draw `s` ending at x."""
        self.text(x - self.metrics.width(s, size), y, s, size, color, bold)

    def centre(self, x: float, y: float, s: str, size: float, color: Color = BLACK, bold: bool = False) -> None:
        """Draw `s` centred on x."""
        self.text(x - self.metrics.width(s, size) / 2, y, s, size, color, bold)

    def page_label(self, right: float, y: float, text: str, size: float) -> None:
        """Draw e.g. "第 2 页 共 9 页" ending at `right`, its words half an em apart.

        Drawn word by word: pdftotext reads evenly spaced single characters ("第 1 页 共 1 页" set with
        ordinary spaces) as letter-spaced text and drops the spaces; wider gaps keep them."""
        words = text.split()
        gap = size / 2
        width = sum(self.metrics.width(w, size) for w in words) + gap * (len(words) - 1)
        x = right - width
        for word in words:
            self.text(x, y, word, size)
            x += self.metrics.width(word, size) + gap

    def flush(self) -> None:
        if self._ops:
            self.canvas.addLiteral("q BT\n" + "\n".join(self._ops) + "\nET Q")
            self._ops = []
        canvas = self.canvas
        for x, y, s, size, color, bold in self._calls:
            canvas.saveState()
            canvas.setFillColorRGB(*color)
            canvas.setStrokeColorRGB(*color)
            text = canvas.beginText(x, y)
            text.setFont(self.font_name, size)
            if bold:
                canvas.setLineWidth(0.35)
                text.setTextRenderMode(2)
            text.textOut(s)
            canvas.drawText(text)
            canvas.restoreState()
        self._calls = []
        self._reset()


def lines_literal(segments: list[tuple[float, float, float, float]], width: float, color: Color = BLACK) -> str:
    """PDF operators stroking the given line segments."""
    parts = ["q {:g} w {:.3f} {:.3f} {:.3f} RG".format(width, *color)]
    parts.extend(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l" for x1, y1, x2, y2 in segments)
    parts.append("S Q")
    return "\n".join(parts)


def rect_literal(x: float, y: float, w: float, h: float, color: Color) -> str:
    """PDF operators filling a rectangle."""
    return "q {:.3f} {:.3f} {:.3f} rg {:.2f} {:.2f} {:.2f} {:.2f} re f Q".format(*color, x, y, w, h)

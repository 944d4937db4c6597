"""Personal numbers covered on receipt scans before they go public (SPEC 15).

Each scan (or PDF page) is read with the OCR engine `rapidocr` (PP-OCR models inside its wheel, run by
onnxruntime, offline) as it will be published — upright, at most 1600 px. Citizen IDs, mobiles and bank card
numbers (SPEC 5.6) are found in the text OCR reads, allowing its noise inside a number: spaces, dashes and
look-alike letters (O for 0, l or I for 1...). OCR gives one box per stretch of text; the boxes that stand on one
line are read together too, so a number printed one digit per box (领款单、签领表) or split over table cells
(身份证号：| 110101 | 19900307 | 1234) is found across its boxes. Each number gets an opaque box over the
characters' boxes. The covered image is then read again, the same way: if a full number can still be read, the
scan is withheld.

What a scan gets is a `Verdict` (boxes to paint, counts, withheld or not), cached as JSON in
`.villagefin/receipts-cache/` under a key made of the scan's sha256, its PDF page, the engine's version and
`RULES_VERSION`: an unchanged scan is never read twice. Painting the boxes is done where the published copy is
written (`receipts.write_receipt_images`), from the same decoded image, so the cache holds no picture.

The engine is imported lazily and only in the processes that read scans (it costs about 0.6 s to import).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import VillagefinError
from .receipts import published_image

#: bump when the rules that find or cover numbers change: every scan is read again
RULES_VERSION = "3"
CACHE_DIR = ".villagefin/receipts-cache"
PAD = 4  # px added around each covered number
#: OCR look-alikes inside a number (after NFKC): the letter is read as the digit
_LOOKALIKE = {"O": "0", "o": "0", "Q": "0", "D": "0", "〇": "0", "l": "1", "I": "1", "i": "1", "|": "1",
              "丨": "1", "!": "1", "L": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "b": "6",
              "g": "9", "q": "9"}
#: separators OCR (or the writer) puts inside a number
_SEPARATORS = set(" -_–—－~·.,:'\u3000\u2010\u2011\u2012\u2212")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_KIND_TEXT = (("id", "身份证号"), ("mobile", "手机号"), ("card", "银行卡号"))
#: stands in a joined line for a digit OCR did not read in a row of one-digit boxes (it may be any digit)
_MISSING = "\ufffc"


class EngineMissing(VillagefinError):
    """The OCR engine cannot be loaded, and scans would be published uncovered."""


def engine_version() -> str | None:
    """"rapidocr 3.x / onnxruntime 1.y" when both are installed, else None (nothing is imported)."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    try:
        if find_spec("rapidocr") is None or find_spec("onnxruntime") is None:
            return None
        return f"rapidocr {version('rapidocr')} / onnxruntime {version('onnxruntime')}"
    except (PackageNotFoundError, ValueError, ImportError, AttributeError):  # absent, or blocked in sys.modules
        return None


def missing_engine_message() -> str:
    return ("无法加载票据识别引擎（rapidocr 与 onnxruntime），不能遮盖扫描件上的身份证号、手机号和银行卡号，"
            "因此不公开扫描件。请安装：pip install \"rapidocr>=3\" onnxruntime；或在 villagefin.toml 该村的 "
            "[[villages]] 中设 publish_receipts = false（不公开扫描件），或在逐张核对后设 publish_receipts = \"as-is\"。")


# ---- verdicts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What covering decided for one scan (or PDF page). Boxes are (left, top, right, bottom) in the image as
    published (upright, at most 1600 px)."""

    boxes: tuple[tuple[int, int, int, int], ...] = ()
    ids: int = 0
    mobiles: int = 0
    cards: int = 0
    withheld: bool = False
    unreadable: bool = False
    reason: str = ""

    @property
    def publishable(self) -> bool:
        return not (self.withheld or self.unreadable)

    @property
    def covered(self) -> int:
        return self.ids + self.mobiles + self.cards

    def apply(self, image):
        """The image as published: the numbers found painted over."""
        return paint(image, self.boxes) if self.boxes else image

    def what(self) -> str:
        """「1 个身份证号、1 个手机号」."""
        counts = {"id": self.ids, "mobile": self.mobiles, "card": self.cards}
        return "、".join(f"{counts[k]} 个{text}" for k, text in _KIND_TEXT if counts[k])

    def to_json(self) -> str:
        return json.dumps({"boxes": [list(b) for b in self.boxes], "ids": self.ids, "mobiles": self.mobiles,
                           "cards": self.cards, "withheld": self.withheld, "unreadable": self.unreadable,
                           "reason": self.reason}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Verdict:
        d = json.loads(text)
        return cls(boxes=tuple(tuple(int(v) for v in b) for b in d["boxes"]), ids=int(d["ids"]),
                   mobiles=int(d["mobiles"]), cards=int(d["cards"]), withheld=bool(d["withheld"]),
                   unreadable=bool(d["unreadable"]), reason=str(d.get("reason", "")))


# ---- finding numbers in what OCR read ------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str  # "id", "mobile" or "card"
    box: tuple[int, int, int, int]


def _plausible_birth(text: str) -> bool:
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and day >= 1):
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS[month - 1]


def _classify(digits: str) -> str | None:
    """The kind of number a run of digits (OCR noise removed) is, per SPEC 5.6; None for none."""
    n = len(digits)
    if n == 18 and digits[:17].isdigit() and (digits[17].isdigit() or digits[17] == "X") \
            and _plausible_birth(digits[6:14]):
        return "id"
    if "X" in digits:
        return None
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "mobile"
    if n in (13, 15) and digits.startswith(("86", "0086")) and _classify(digits[n - 11:]) == "mobile":
        return "mobile"  # +86 / 0086 before a mobile
    if 16 <= n <= 19:
        return "card"
    return None


def _classify_missing(digits: str) -> str | None:
    """`_classify` of a run in which "?" stands for a digit OCR did not read (a box of a one-digit-per-box row
    left empty): the kind some digit in its place would make, the most specific kind first."""
    holes = digits.count("?")
    if not holes:
        return _classify(digits)
    if holes > 2 or len(digits) not in (11, 13, 15, 16, 17, 18, 19):
        return None
    kinds = set()
    for fill in itertools.product("0123456789", repeat=holes):
        it = iter(fill)
        kind = _classify("".join(next(it) if c == "?" else c for c in digits))
        if kind:
            kinds.add(kind)
    return next((k for k, _ in _KIND_TEXT if k in kinds), None)


def _norm(ch: str) -> str:
    """A character as a digit of a number: a digit, X, a look-alike read as its digit, a separator as " ",
    a digit OCR missed as "?", anything else as ""."""
    if ch == _MISSING:
        return "?"
    c = unicodedata.normalize("NFKC", ch)
    if len(c) != 1:
        return ""
    if c.isdigit() and c.isascii():
        return c
    if c in "Xx×":
        return "X"
    if c in _LOOKALIKE:
        return _LOOKALIKE[c]
    if c in _SEPARATORS or c == "+":
        return " "
    return ""


def find_numbers(chars: Sequence[tuple[str, tuple[int, int, int, int]]]) -> list[Hit]:
    """IDs, mobiles and cards in one line of OCR characters (each with its box).

    A run is a stretch of digits, look-alikes and separators; look-alike letters count only when most of the
    run is real digits. A run is classified whole, else split at its separators into groups, and each
    stretch of consecutive groups that forms a number is taken (longest first)."""
    hits: list[Hit] = []
    i, n = 0, len(chars)
    while i < n:
        if not _norm(chars[i][0]).isdigit():  # a run starts at a digit (or a look-alike read as one)
            i += 1
            continue
        j = i
        while j < n and _norm(chars[j][0]) != "":
            j += 1
        hits.extend(_run_hits(chars[i:j]))
        i = j
    return hits


def _run_hits(run: Sequence[tuple[str, tuple[int, int, int, int]]], within: bool = True) -> list[Hit]:
    """The numbers in one run. `within`: the run is one OCR box, which may hold two numbers OCR read without
    the space between them; a run joined over several boxes is never searched inside a longer digit run."""
    groups: list[list[int]] = [[]]  # indices into run, split at separators
    real = fake = 0
    for k, (ch, _) in enumerate(run):
        d = _norm(ch)
        if d == " ":
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append(k)
        if d == "?" or unicodedata.normalize("NFKC", ch).isdigit():
            real += 1
        else:
            fake += 1
    groups = [g for g in groups if g]
    # look-alike letters count while at least half the run is real digits (「身份证II0I0I I9900307 I234」)
    if real + fake < 11 or fake > max(2, real):
        return []

    def text(gs: Sequence[list[int]]) -> str:
        return "".join(_norm(run[k][0]) for g in gs for k in g)

    def hit(kind: str, gs: Sequence[list[int]]) -> Hit:
        boxes = [run[k][1] for g in gs for k in g]
        return Hit(kind, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                          max(b[3] for b in boxes)))

    whole = _classify_missing(text(groups))
    if whole:
        return [hit(whole, groups)]
    out: list[Hit] = []
    a = 0
    while a < len(groups):
        for b in range(len(groups), a, -1):
            kind = _classify_missing(text(groups[a:b]))
            if kind:
                out.append(hit(kind, groups[a:b]))
                a = b
                break
        else:
            a += 1
    digits = text(groups)
    if not out and within and len(digits) > 20 and "?" not in digits:
        # two numbers OCR read as one run (it dropped the space between them): an ID or a mobile inside it.
        # Runs of 20 digits or fewer are one number or none (a 20-digit run is an invoice number)
        flat = [k for g in groups for k in g]
        k = 0
        while k < len(digits):
            for size, kind in ((18, "id"), (11, "mobile")):
                piece = digits[k:k + size]
                if len(piece) == size and _classify(piece) == kind:
                    out.append(hit(kind, [flat[k:k + size]]))
                    k += size - 1
                    break
            k += 1
    return out


# ---- reading a scan -------------------------------------------------------------------------------------------


_ENGINE: list = []


def _engine():
    """One engine per process (loading the models costs about 0.1 s, importing rapidocr 0.6 s)."""
    if not _ENGINE:
        from rapidocr import RapidOCR  # heavy third-party: imported only where scans are read

        _ENGINE.append(RapidOCR(params={
            "Global.log_level": "error",
            # one thread per process: the pool uses the cores
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # detection on at most 960 px: twice as fast as the default, and text of a scan stays readable
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            # the 180° line classifier turns upright lines of digits upside down (measured: 7 of 10 lines of a
            # sign-for sheet lost); scans are made upright from their EXIF orientation before reading
            "Global.use_cls": False,
        }))
    return _ENGINE[0]


def _box(points) -> tuple[int, int, int, int]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys)))


def _lines(result) -> list[list[tuple[str, tuple[int, int, int, int]]]]:
    """Each text line OCR found, as characters with their boxes. Word boxes are used when the engine gives
    them; a line without them is split evenly along its box."""
    out = []
    words = result.word_results or ()
    txts = result.txts or ()
    boxes = result.boxes if result.boxes is not None else []
    for index, line_text in enumerate(txts):
        chars: list[tuple[str, tuple[int, int, int, int]]] = []
        line_words = words[index] if index < len(words) else ()
        if line_words:
            for word, _score, points in line_words:
                if not points:
                    continue
                x0, y0, x1, y1 = _box(points)
                if len(word) <= 1:
                    chars.append((word, (x0, y0, x1, y1)))
                    continue
                step = (x1 - x0) / len(word) if x1 - x0 >= y1 - y0 else 0
                vstep = 0 if step else (y1 - y0) / len(word)
                for k, ch in enumerate(word):
                    if step:
                        chars.append((ch, (int(x0 + k * step), y0, int(x0 + (k + 1) * step + 1), y1)))
                    else:
                        chars.append((ch, (x0, int(y0 + k * vstep), x1, int(y0 + (k + 1) * vstep + 1))))
        else:
            x0, y0, x1, y1 = _box(boxes[index])
            size = max(len(line_text), 1)
            horizontal = x1 - x0 >= y1 - y0
            for k, ch in enumerate(line_text):
                if horizontal:
                    step = (x1 - x0) / size
                    chars.append((ch, (int(x0 + k * step), y0, int(x0 + (k + 1) * step + 1), y1)))
                else:
                    step = (y1 - y0) / size
                    chars.append((ch, (x0, int(y0 + k * step), x1, int(y0 + (k + 1) * step + 1))))
        out.append(chars)
    return out


# ---- the boxes of one line read together ----------------------------------------------------------------------

Box = tuple[int, int, int, int]
Chars = Sequence[tuple[str, Box]]

#: boxes on one line are read together when the gap between two of them is at most this many text heights: a
#: number split over table cells (身份证号：| 110101 | 19900307 | 1234 leaves about 3 heights between its parts),
#: or printed one digit per box in wide boxes (a box OCR did not read leaves 2 to 3 heights)
_JOIN_GAP = 4.5
#: a part that is a date or an amount on its own is never a piece of a number joined across boxes
_NOT_A_PART = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{1,2}")
#: a row of at least this many one-digit boxes at an even pitch is a printed digit-per-box form
_CELLS = 4


def ocr_boxes(result) -> list[Box]:
    """The box of each text OCR found, in the order of `_lines`."""
    return [_box(b) for b in (result.boxes if result.boxes is not None else [])]


def rows(boxes: Sequence[Box], lines: Sequence[Chars]) -> list[list[int]]:
    """The OCR boxes that stand on one line of horizontal text (their heights overlap for the most part), each
    row left to right; rows of one box are left out."""
    out: list[list[int]] = []
    for i in sorted(range(min(len(boxes), len(lines))), key=lambda i: boxes[i][0]):
        x0, y0, x1, y1 = boxes[i]
        if not lines[i] or (x1 - x0 < y1 - y0 and len(lines[i]) > 2):
            continue  # no text, or a line of text standing upright
        best, most = None, 0.0
        for row in out:
            lx0, ly0, lx1, ly1 = boxes[row[-1]]
            if lx1 > x0 + 0.25 * min(x1 - x0, lx1 - lx0):
                continue  # not to the right of the row's last box
            overlap = min(y1, ly1) - max(y0, ly0)
            share = overlap / max(1, min(y1 - y0, ly1 - ly0))
            if share >= 0.6 and overlap >= 0.4 * max(y1 - y0, ly1 - ly0) and share > most:
                best, most = row, share
        if best is None:
            out.append([i])
        else:
            best.append(i)
    return [row for row in out if len(row) > 1]


def _ends(chars: Chars) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The run of number characters a box begins with and the one it ends with (index ranges), each only when it
    reaches the box's edge (separators aside); both the same when the box holds nothing else."""
    norm = [_norm(ch) for ch, _ in chars]
    n = len(norm)
    s = 0
    while s < n and norm[s] == " ":
        s += 1
    lead = None
    if s < n and (norm[s].isdigit() or norm[s] == "X" and n - s == 1):  # a box holding only the X of an ID
        e = s
        while e < n and norm[e] != "":
            e += 1
        lead = (s, e)
    e = n
    while e > 0 and norm[e - 1] == " ":
        e -= 1
    tail = None
    if e > 0 and norm[e - 1] != "":
        s = e
        while s > 0 and norm[s - 1] != "":
            s -= 1
        while s < e and not norm[s].isdigit():  # a run starts at a digit
            s += 1
        if s < e:
            tail = (s, n)
    return lead, tail


def _part(chars: Chars, span: tuple[int, int] | None, taken: set[int]) -> tuple[int, int] | None:
    """`span` when it may be a piece of a number joined across boxes: none of it already covered, and not a
    date or an amount."""
    if span is None or any(k in taken for k in range(*span)):
        return None
    text = unicodedata.normalize("NFKC", "".join(ch for ch, _ in chars[span[0]:span[1]])).strip(" :：")
    return None if _NOT_A_PART.fullmatch(text) else span


def _cell(chars: Chars, span: tuple[int, int]) -> bool:
    """A box that holds one digit and nothing else (one printed box of a digit-per-box form)."""
    return len(chars) == 1 and span == (0, 1)


def _center(box: Box) -> float:
    return (box[0] + box[2]) / 2


def _shift(box: Box, dx: float) -> Box:
    return (int(box[0] + dx), box[1], int(box[2] + dx), box[3])


def _joined(pieces: Sequence[tuple[Chars, tuple[int, int]]], pitch: float | None) -> list[tuple[str, Box]]:
    """The characters of a chain of pieces, a separator between boxes and, in a row of one-digit boxes, a
    `_MISSING` in each slot the even pitch says OCR skipped (at most two)."""
    run: list[tuple[str, Box]] = []
    holes = 0
    prev: Box | None = None
    prev_cell = False
    for chars, (s, e) in pieces:
        first = chars[s][1]
        cell = _cell(chars, (s, e))
        if prev is not None:
            if pitch and cell and prev_cell:
                ratio = (_center(first) - _center(prev)) / pitch
                k = round(ratio)
                if 2 <= k <= 3 and abs(ratio - k) <= 0.3 and holes + k - 1 <= 2:
                    for j in range(1, k):
                        run.append((" ", prev))
                        run.append((_MISSING, _shift(prev, j * pitch)))
                    holes += k - 1
            run.append((" ", (prev[2], prev[1], first[0], prev[3])))
        run.extend(chars[s:e])
        prev, prev_cell = chars[e - 1][1], cell
    return run


def _pitch(pieces: Sequence[tuple[Chars, tuple[int, int]]]) -> float | None:
    """The even distance between the one-digit boxes of a chain, when it is a digit-per-box row."""
    steps = [_center(b[0][b[1][0]][1]) - _center(a[0][a[1][0]][1]) for a, b in itertools.pairwise(pieces)
             if _cell(*a) and _cell(*b)]
    if len(steps) + 1 < _CELLS:
        return None
    steps.sort()
    pitch = steps[len(steps) // 2]
    return pitch if pitch > 0 else None


def across(lines: Sequence[Chars], boxes: Sequence[Box], found: Sequence[Hit],
           inked: Callable[[Box], bool] | None = None) -> list[Hit]:
    """Numbers whose parts OCR read as separate boxes on one line: one digit per box, or parts in table cells.

    The boxes of a line are chained left to right while a box ends with a run of number characters, the next
    one begins with one and the gap between them is at most `_JOIN_GAP` text heights; characters already in
    `found` (the numbers read inside one box), dates and amounts break a chain. A row of one-digit boxes at an
    even pitch gets a `_MISSING` digit where a box was skipped, and — when it makes a number — at an end whose
    slot `inked(box)` says holds ink that no OCR box explains."""
    covered = [h.box for h in found]
    taken = [{k for k, (_, b) in enumerate(chars)
              if any(h[0] <= _center(b) <= h[2] and h[1] <= (b[1] + b[3]) / 2 <= h[3] for h in covered)}
             for chars in lines]
    hits: list[Hit] = []
    for row in rows(boxes, lines):
        chains: list[list[tuple[Chars, tuple[int, int]]]] = []
        chain: list[tuple[Chars, tuple[int, int]]] = []
        last: Box | None = None
        for i in row:
            chars, box = lines[i], boxes[i]
            lead, tail = _ends(chars)
            lead, tail = _part(chars, lead, taken[i]), _part(chars, tail, taken[i])
            whole = lead is not None and lead == tail
            height = ((last[3] - last[1]) + (box[3] - box[1])) / 2 if last else 0
            if chain and lead and box[0] - last[2] <= _JOIN_GAP * height:
                chain.append((chars, lead))
                if whole:
                    last = box
                    continue
            if len(chain) > 1:
                chains.append(chain)
            chain = [(chars, tail)] if tail else []
            last = box
        if len(chain) > 1:
            chains.append(chain)
        for chain in chains:
            hits.extend(_chain_hits(chain, boxes, inked))
    return hits


def _chain_hits(chain: Sequence[tuple[Chars, tuple[int, int]]], boxes: Sequence[Box],
                inked: Callable[[Box], bool] | None) -> list[Hit]:
    pitch = _pitch(chain)
    run = _joined(chain, pitch)
    found = _run_hits(run, within=False)
    if found or not pitch or inked is None or not all(_cell(*p) for p in chain):
        return found
    # a digit-per-box row that makes no number: OCR may have skipped its first or last box (a lone "1" often)
    first, last = chain[0][0][0][1], chain[-1][0][0][1]
    before, after = _shift(first, -pitch), _shift(last, pitch)

    def free(slot: Box) -> bool:
        return not any(_overlaps(slot, b) for b in boxes) and inked(slot)

    head = [(_MISSING, before), (" ", before)] if free(before) else []
    tail = [(" ", after), (_MISSING, after)] if free(after) else []
    if not head and not tail:
        return []
    return _run_hits([*head, *run, *tail], within=False)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _ink(image, covered: Sequence[Box]) -> Callable[[Box], bool]:
    """Whether the middle of a box on `image` holds ink (dark strokes), not counting the boxes painted over."""
    import numpy as np

    grey: list = []

    def inked(box: Box) -> bool:
        if any(_overlaps(box, c) for c in covered):
            return False
        if not grey:
            pixels = np.asarray(image.convert("L"))
            grey.extend((pixels, min(160.0, float(np.median(pixels)) - 60)))
        pixels, dark = grey
        x0, y0, x1, y1 = box
        dx, dy = (x1 - x0) // 5, (y1 - y0) // 5
        x0, y0, x1, y1 = max(0, x0 + dx), max(0, y0 + dy), min(pixels.shape[1], x1 - dx), min(pixels.shape[0], y1 - dy)
        if x1 <= x0 or y1 <= y0:
            return False
        return bool((pixels[y0:y1, x0:x1] < dark).mean() >= 0.04)

    return inked


#: below this mean recognition score a scan is read again turned upside down (SPEC 15: scans come in every way
#: up). Upright print reads at about 0.98; upside down, or on its side the way the engine does not turn, 0.7–0.8
_WELL_READ = 0.9


def _read(image, covered: Sequence[Box] = ()) -> tuple[list[Hit], float]:
    """The numbers on `image` and how well it was read (mean recognition score; 1.0 when it holds no text):
    those inside one OCR box, then those joined across the boxes of a line. `covered`: the boxes painted over."""
    import numpy as np

    result = _engine()(np.asarray(image.convert("RGB")), return_word_box=True)
    lines = _lines(result)
    hits: list[Hit] = []
    for chars in lines:
        hits.extend(find_numbers(chars))
    hits.extend(across(lines, ocr_boxes(result), hits, _ink(image, covered)))
    scores = [float(s) for s in (result.scores or ())]
    return hits, (sum(scores) / len(scores) if len(scores) >= 3 else 1.0)


def _turned(hits: Sequence[Hit], size: tuple[int, int]) -> list[Hit]:
    """Hits found on the image turned 180°, in the coordinates of the image as it is."""
    return [Hit(x.kind, _turned_box(x.box, size)) for x in hits]


def _turned_box(box: Box, size: tuple[int, int]) -> Box:
    w, h = size
    return (w - box[2], h - box[3], w - box[0], h - box[1])


def read_numbers(image, upside_down: bool | None = None, covered: Sequence[Box] = ()) -> list[Hit]:
    """Every ID, mobile and card number OCR can read on a PIL image, in its coordinates.

    `upside_down`: read it turned 180° (True), as it is (False), or as it is and, when that reads badly, turned
    too, keeping the better reading (None). A scan on its side reads well one way up (the engine turns tall
    lines a quarter turn), so turning by 180° covers both quarter turns. `covered`: boxes already painted over
    (a digit under one is not a digit OCR missed)."""
    from PIL import Image

    turned_covered = [_turned_box(b, image.size) for b in covered]
    if upside_down:
        return _turned(_read(image.transpose(Image.Transpose.ROTATE_180), turned_covered)[0], image.size)
    hits, score = _read(image, covered)
    if upside_down is None and score < _WELL_READ:
        turned, turned_score = _read(image.transpose(Image.Transpose.ROTATE_180), turned_covered)
        if turned_score > score:
            return _turned(turned, image.size)
    return hits


def _orientation(image) -> tuple[list[Hit], bool]:
    """The numbers on a scan and whether it reads better upside down."""
    from PIL import Image

    hits, score = _read(image)
    if score >= _WELL_READ:
        return hits, False
    turned, turned_score = _read(image.transpose(Image.Transpose.ROTATE_180))
    if turned_score > score:
        return _turned(turned, image.size), True
    return hits, False


def paint(image, boxes: Iterable[tuple[int, int, int, int]]):
    """`image` with an opaque black box over each of `boxes` (padded, clipped to the image)."""
    from PIL import ImageDraw

    out = image.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((max(0, x0 - PAD), max(0, y0 - PAD), min(w - 1, x1 + PAD), min(h - 1, y1 + PAD)),
                       fill=(0, 0, 0))
    return out


def judge(image) -> Verdict:
    """Find the numbers on a published-size image, cover them, read the covered image again."""
    hits, upside_down = _orientation(image)
    if not hits:
        return Verdict()
    boxes = tuple(h.box for h in hits)
    counts = {k: sum(1 for h in hits if h.kind == k) for k, _ in _KIND_TEXT}
    left = read_numbers(paint(image, boxes), upside_down, boxes)
    if left:
        # one more round for what the first boxes revealed (a number OCR read only once its neighbour was gone)
        boxes += tuple(h.box for h in left)
        for h in left:
            counts[h.kind] += 1
        if read_numbers(paint(image, boxes), upside_down, boxes):
            return Verdict(boxes=boxes, ids=counts["id"], mobiles=counts["mobile"], cards=counts["card"],
                           withheld=True, reason="遮盖后仍能读出完整号码")
    return Verdict(boxes=boxes, ids=counts["id"], mobiles=counts["mobile"], cards=counts["card"])


def _judge_source(source: str) -> Verdict:
    try:
        image = published_image(source)
    except Exception:  # a scan that cannot be decoded: never published (receipt-unreadable in check)
        return Verdict(unreadable=True, reason="无法打开")
    return judge(image)


# ---- the cache ----------------------------------------------------------------------------------------------


_PDF_PAGE = re.compile(r"^(?P<path>.+\.pdf)#page=(?P<page>\d+)$", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _file_sha(path: str, mtime: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_key(source: str, engine: str) -> str | None:
    """The cache key of a scan (or "file.pdf#page=N"): its sha256, page, engine version and rules version."""
    paged = _PDF_PAGE.match(source)
    path, page = (paged.group("path"), paged.group("page")) if paged else (source, "")
    try:
        st = os.stat(path)
        sha = _file_sha(path, st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    return hashlib.sha256(f"{sha}|{page}|{engine}|{RULES_VERSION}".encode()).hexdigest()


@dataclass
class CoverStats:
    """How many scans a run read with OCR, and how many it took from the cache."""

    read: int = 0
    cached: int = 0


class Verdicts:
    """The verdicts of a workspace's cache, computed (and stored) on demand."""

    def __init__(self, root: Path, engine: str | None = None) -> None:
        self.folder = Path(root) / CACHE_DIR
        self.engine = engine if engine is not None else (engine_version() or "")
        self.stats = CoverStats()

    def cached(self, source: str) -> Verdict | None:
        key = cache_key(source, self.engine)
        if key is None or not self.engine:
            return None
        try:
            verdict = Verdict.from_json((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.stats.cached += 1
        return verdict

    def store(self, source: str, verdict: Verdict) -> None:
        key = cache_key(source, self.engine)
        if key is None or not self.engine:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(verdict.to_json(), encoding="utf-8")
        os.replace(tmp, self.folder / f"{key}.json")

    def get(self, source: str) -> Verdict:
        """The scan's verdict: from the cache, else read now (and stored). No engine: withheld."""
        verdict = self.cached(source)
        if verdict is not None:
            return verdict
        if not self.engine:
            return Verdict(withheld=True, reason="未安装票据识别引擎")
        verdict = _judge_source(source)
        self.stats.read += 1
        self.store(source, verdict)
        return verdict

    def publishable(self, source: str) -> bool:
        return self.get(source).publishable

    def cover_all(self, sources: Sequence[str], progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None) -> dict[str, Verdict]:
        """Every source's verdict; those not cached are read in worker processes (both cores)."""
        out: dict[str, Verdict] = {}
        todo: list[str] = []
        for source in dict.fromkeys(sources):
            verdict = self.cached(source)
            if verdict is None:
                todo.append(source)
            else:
                out[source] = verdict
        if not todo:
            return out
        if not self.engine:
            raise EngineMissing(missing_engine_message())
        workers = workers or min(len(todo), max(1, os.cpu_count() or 1))
        if progress:
            progress(0, len(todo))
        try:
            if workers == 1 or os.environ.get("VILLAGEFIN_INLINE") == "1":
                self._collect(todo, map(_judge_source, todo), out, progress)
            else:
                with ProcessPoolExecutor(max_workers=workers) as pool:
                    self._collect(todo, pool.map(_judge_source, todo), out, progress)
        except ImportError as exc:
            raise EngineMissing(missing_engine_message() + f"（{exc}）") from exc
        self.stats.read += len(todo)
        return out


    def _collect(self, todo: Sequence[str], results: Iterable[Verdict], out: dict[str, Verdict],
                 progress: Callable[[int, int], None] | None) -> None:
        for done, (source, verdict) in enumerate(zip(todo, results, strict=True), start=1):
            out[source] = verdict
            self.store(source, verdict)
            if progress:
                progress(done, len(todo))


def receipt_verdicts(config, village) -> Verdicts | None:
    """The verdicts a village's scans are published with: None when they are not covered ("as-is")."""
    if config.root is None or not village.covers_receipts:
        return None
    return Verdicts(Path(config.root))


def terminal_progress(label: str = "遮盖票据上的个人号码") -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when stderr is a terminal (SPEC 8)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label}：{done}/{total}{end}")
        sys.stderr.flush()

    return show

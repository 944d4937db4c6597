"""Personal numbers covered on receipt scans before they go public (SPEC 15).

Each scan (or PDF page) is read with the OCR engine `rapidocr` (PP-OCR models inside its wheel, run by
onnxruntime, offline) as it will be published — upright, at most 1600 px. Citizen IDs, mobiles and bank card
numbers (SPEC 5.6) are found in the text OCR reads, allowing its noise inside a number: spaces, dashes and
look-alike letters (O for 0, l or I for 1...). Each number gets an opaque box over the characters' boxes. The
covered image is then read again: if a full number can still be read, the scan is withheld.

What a scan gets is a `Verdict` (boxes to paint, counts, withheld or not), cached as JSON in
`.villagefin/receipts-cache/` under a key made of the scan's sha256, its PDF page, the engine's version and
`RULES_VERSION`: an unchanged scan is never read twice. Painting the boxes is done where the published copy is
written (`receipts.write_receipt_images`), from the same decoded image, so the cache holds no picture.

The engine is imported lazily and only in the processes that read scans (it costs about 0.6 s to import).
"""

from __future__ import annotations

import hashlib
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
RULES_VERSION = "2"
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


def _norm(ch: str) -> str:
    """A character as a digit of a number: a digit, X, a look-alike read as its digit, a separator as " ",
    anything else as ""."""
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


def _run_hits(run: Sequence[tuple[str, tuple[int, int, int, int]]]) -> list[Hit]:
    groups: list[list[int]] = [[]]  # indices into run, split at separators
    real = fake = 0
    for k, (ch, _) in enumerate(run):
        d = _norm(ch)
        if d == " ":
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append(k)
        if unicodedata.normalize("NFKC", ch).isdigit():
            real += 1
        else:
            fake += 1
    groups = [g for g in groups if g]
    if real + fake < 11 or fake > max(2, real // 4):
        return []

    def text(gs: Sequence[list[int]]) -> str:
        return "".join(_norm(run[k][0]) for g in gs for k in g)

    def hit(kind: str, gs: Sequence[list[int]]) -> Hit:
        boxes = [run[k][1] for g in gs for k in g]
        return Hit(kind, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                          max(b[3] for b in boxes)))

    whole = _classify(text(groups))
    if whole:
        return [hit(whole, groups)]
    out: list[Hit] = []
    a = 0
    while a < len(groups):
        for b in range(len(groups), a, -1):
            kind = _classify(text(groups[a:b]))
            if kind:
                out.append(hit(kind, groups[a:b]))
                a = b
                break
        else:
            a += 1
    digits = text(groups)
    if not out and len(digits) > 20:
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


#: below this mean recognition score a scan is read again turned upside down (SPEC 15: scans come in every way
#: up). Upright print reads at about 0.98; upside down, or on its side the way the engine does not turn, 0.7–0.8
_WELL_READ = 0.9


def _read(image) -> tuple[list[Hit], float]:
    """The numbers on `image` and how well it was read (mean recognition score; 1.0 when it holds no text)."""
    import numpy as np

    result = _engine()(np.asarray(image.convert("RGB")), return_word_box=True)
    hits: list[Hit] = []
    for chars in _lines(result):
        hits.extend(find_numbers(chars))
    scores = [float(s) for s in (result.scores or ())]
    return hits, (sum(scores) / len(scores) if len(scores) >= 3 else 1.0)


def _turned(hits: Sequence[Hit], size: tuple[int, int]) -> list[Hit]:
    """Hits found on the image turned 180°, in the coordinates of the image as it is."""
    w, h = size
    return [Hit(x.kind, (w - x.box[2], h - x.box[3], w - x.box[0], h - x.box[1])) for x in hits]


def read_numbers(image, upside_down: bool | None = None) -> list[Hit]:
    """Every ID, mobile and card number OCR can read on a PIL image, in its coordinates.

    `upside_down`: read it turned 180° (True), as it is (False), or as it is and, when that reads badly, turned
    too, keeping the better reading (None). A scan on its side reads well one way up (the engine turns tall
    lines a quarter turn), so turning by 180° covers both quarter turns."""
    from PIL import Image

    if upside_down:
        return _turned(_read(image.transpose(Image.Transpose.ROTATE_180))[0], image.size)
    hits, score = _read(image)
    if upside_down is None and score < _WELL_READ:
        turned, turned_score = _read(image.transpose(Image.Transpose.ROTATE_180))
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
    left = read_numbers(paint(image, boxes), upside_down)
    if left:
        # one more round for what the first boxes revealed (a number OCR read only once its neighbour was gone)
        boxes += tuple(h.box for h in left)
        for h in left:
            counts[h.kind] += 1
        if read_numbers(paint(image, boxes), upside_down):
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

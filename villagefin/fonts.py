"""The CJK font of the PDF sheets (SPEC 6): find one, check it can be embedded, register it with reportlab.

reportlab embeds subsets of TrueType-outline fonts (.ttf, .ttc) but not OpenType-CFF ones (Noto Sans CJK,
Source Han), so a candidate is accepted only when its sfnt header and table directory say "TrueType
outlines" (a 'glyf' table, no 'CFF ' / 'CFF2' table, version not 'OTTO'). The search order follows SPEC 6:
SimSun / SimHei / Microsoft YaHei (Windows), the macOS system fonts, then WenQuanYi Micro Hei / Zen Hei,
Droid Sans Fallback and AR PL UMing (Linux). `--preview` and `demo` may fall back to reportlab's built-in
STSong-Light, which is not embedded.
"""

from __future__ import annotations

import functools
import hashlib
import os
import struct
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from villagefin.errors import FontError

FALLBACK_NAME = "STSong-Light"

INSTALL_HINT = (
    "请在 villagefin.toml 的 [publication] 中设置 font = \"字体文件路径\"（TrueType 的 .ttf/.ttc 中文字体，"
    "如 C:\\Windows\\Fonts\\simsun.ttc），或安装一个中文字体"
    "（Debian/Ubuntu：apt-get install fonts-wqy-microhei；Windows 自带宋体/黑体/微软雅黑）"
)


@dataclass(frozen=True)
class FontChoice:
    """The font the sheets use: a TrueType file to embed, or the non-embedded STSong-Light fallback."""

    name: str  # family name for people ("WenQuanYi Micro Hei"), or "STSong-Light"
    path: str | None
    subfont_index: int
    embedded: bool


FALLBACK = FontChoice(FALLBACK_NAME, None, 0, embedded=False)


def _windows_candidates() -> list[str]:
    roots = [os.environ.get("WINDIR") or r"C:\Windows"]
    if r"C:\Windows" not in roots:
        roots.append(r"C:\Windows")
    local = os.environ.get("LOCALAPPDATA")
    names = ["simsun.ttc", "simsun.ttf", "simhei.ttf", "msyh.ttc", "msyh.ttf", "simkai.ttf", "simfang.ttf",
             "msjh.ttc", "mingliu.ttc"]
    out = [os.path.join(root, "Fonts", n) for root in roots for n in names]
    if local:
        out += [os.path.join(local, "Microsoft", "Windows", "Fonts", n) for n in names]
    return out


_MACOS = [
    "/Library/Fonts/SimSun.ttf", "/Library/Fonts/SimHei.ttf", "/Library/Fonts/Microsoft/SimSun.ttf",
    "/Library/Fonts/Microsoft/SimHei.ttf", "/Library/Fonts/Microsoft/Microsoft Yahei.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc", "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
]

_LINUX = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/arphic-uming/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/arphic-ukai/ukai.ttc",
]


def candidate_paths() -> list[str]:
    """Where fonts are looked for, the current platform's locations first."""
    home = Path.home()
    mac = _MACOS + [str(home / "Library" / "Fonts" / n) for n in ("SimSun.ttf", "SimHei.ttf")]
    linux = _LINUX + [str(home / ".local" / "share" / "fonts" / n) for n in ("wqy-microhei.ttc", "wqy-zenhei.ttc")]
    if sys.platform.startswith("win"):
        return _windows_candidates() + mac + linux
    if sys.platform == "darwin":
        return mac + linux + _windows_candidates()
    return linux + mac + _windows_candidates()


def outline_kind(path: str | os.PathLike[str], subfont_index: int = 0) -> str:
    """"truetype", "cff" or "unknown" from the sfnt header and table directory (reads a few hundred bytes)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12:
            return "unknown"
        offset = 0
        if head[:4] == b"ttcf":
            count = struct.unpack(">I", head[8:12])[0]
            if not 0 <= subfont_index < count:
                return "unknown"
            f.seek(12 + 4 * subfont_index)
            raw = f.read(4)
            if len(raw) < 4:
                return "unknown"
            offset = struct.unpack(">I", raw)[0]
            f.seek(offset)
            head = f.read(12)
            if len(head) < 12:
                return "unknown"
        version = head[:4]
        if version == b"OTTO":
            return "cff"
        if version not in (b"\x00\x01\x00\x00", b"true"):
            return "unknown"
        num_tables = struct.unpack(">H", head[4:6])[0]
        f.seek(offset + 12)
        directory = f.read(16 * num_tables)
    tags = {directory[i:i + 4] for i in range(0, len(directory) - 15, 16)}
    if b"CFF " in tags or b"CFF2" in tags:
        return "cff"
    return "truetype" if b"glyf" in tags else "unknown"


@functools.lru_cache(maxsize=8)
def _load(path: str, subfont_index: int):  # -> reportlab TTFont
    from reportlab.pdfbase.ttfonts import TTFont

    digest = hashlib.sha1(f"{path}|{subfont_index}".encode()).hexdigest()[:8]
    return TTFont(f"VFCJK-{digest}", path, subfontIndex=subfont_index)


def _family(font) -> str:
    raw = getattr(font.face, "familyName", b"") or font.face.name
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _check(path: str, subfont_index: int) -> FontChoice:
    """A FontChoice for a usable TrueType CJK font, or FontError saying why it is not usable."""
    try:
        kind = outline_kind(path, subfont_index)
    except OSError as exc:
        raise FontError(f"无法读取字体文件 {path}：{exc.strerror or exc}。{INSTALL_HINT}。") from exc
    if kind == "cff":
        raise FontError(
            f"字体 {path} 是 OpenType-CFF 字体（如思源黑体、Noto Sans CJK），reportlab 无法把它嵌入 PDF。"
            f"{INSTALL_HINT}。")
    if kind != "truetype":
        raise FontError(f"文件 {path} 不是 TrueType 字体（.ttf/.ttc）。{INSTALL_HINT}。")
    try:
        font = _load(path, subfont_index)
    except Exception as exc:  # reportlab raises TTFError and assorted struct errors on bad files
        raise FontError(f"字体 {path} 无法读取（{exc}）。{INSTALL_HINT}。") from exc
    cmap = font.face.charToGlyph
    if not all(ord(c) in cmap for c in "村财务支出公开元"):
        raise FontError(f"字体 {path} 不含中文字形，无法打印公开表。{INSTALL_HINT}。")
    return FontChoice(_family(font), path, subfont_index, embedded=True)


def find_font(configured: str = "", *, allow_fallback: bool) -> FontChoice:
    """The configured font, else the first usable font of the usual locations, else the fallback or FontError.

    A configured font that is missing or unusable is always an error (even when a fallback is allowed): the
    accountant asked for that file. Candidates of the search that are CFF or unreadable are skipped.
    """
    if configured.strip():
        path = os.path.expanduser(configured.strip())
        if not os.path.isfile(path):
            raise FontError(
                f"找不到 villagefin.toml [publication] font 指定的字体文件：{path}。"
                "请改正路径，或把 font 留空让 villagefin 自动查找系统中的中文字体。")
        return _check(os.path.abspath(path), 0)
    for path in candidate_paths():
        if not os.path.isfile(path):
            continue
        try:
            return _check(path, 0)
        except FontError:
            continue
    if allow_fallback:
        return FALLBACK
    raise FontError(f"找不到可嵌入 PDF 的中文字体，无法正式公开。{INSTALL_HINT}。")


def register(font: FontChoice) -> str:
    """Register the font with reportlab (once per process) and return the font name to draw with."""
    from reportlab.pdfbase import pdfmetrics

    if not font.embedded:
        if font.name not in pdfmetrics.getRegisteredFontNames():
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(font.name))
        return font.name
    if font.path is None:
        raise FontError(f"字体 {font.name} 没有文件路径。{INSTALL_HINT}。")
    ttf = _load(font.path, font.subfont_index)
    if ttf.fontName not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttf)
    return ttf.fontName


def drawable(c: str) -> bool:
    """False for characters the sheets never draw as glyphs (controls, format characters, whitespace)."""
    return not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs"))


def missing_glyphs(font: FontChoice, texts: Iterable[str]) -> str:
    """Characters of `texts` that the font cannot draw, sorted and deduplicated ("" when none).

    For an embedded font the answer comes from its cmap. The fallback STSong-Light is not embedded and its
    glyphs live in the reader's Adobe-GB1 font: a character counts as drawable when GBK can encode it,
    which is close to what Adobe-GB1 covers.
    """
    chars: set[str] = set()
    for text in texts:
        if text:
            chars.update(text)
    if font.embedded and font.path is not None:
        cmap = _load(font.path, font.subfont_index).face.charToGlyph
        missing = {c for c in chars if ord(c) not in cmap and drawable(c)}
    else:
        missing = set()
        for c in chars:
            if ord(c) < 0x80 or not drawable(c):
                continue
            try:
                c.encode("gbk")
            except UnicodeEncodeError:
                missing.add(c)
    return "".join(sorted(missing))

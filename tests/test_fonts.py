"""Fonts (SPEC 6): find an embeddable TrueType CJK font, refuse CFF, fall back only when allowed; glyph check."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from villagefin import fonts
from villagefin.errors import FontError
from villagefin.fonts import FALLBACK, FontChoice, find_font, missing_glyphs, outline_kind, register

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def sfnt(version: bytes, tags: list[bytes]) -> bytes:
    """A bare sfnt header and table directory: enough for the outline check."""
    head = version + struct.pack(">HHHH", len(tags), 16, 0, 0)
    return head + b"".join(tag + struct.pack(">III", 0, 0, 0) for tag in tags)


@pytest.fixture
def cff_otf(tmp_path: Path) -> Path:
    path = tmp_path / "思源黑体" / "SourceHanSansSC-Regular.otf"
    path.parent.mkdir()
    path.write_bytes(sfnt(b"OTTO", [b"CFF ", b"cmap", b"head"]))
    return path


def test_configured_cff_font_is_refused_saying_why(cff_otf: Path) -> None:
    with pytest.raises(FontError) as info:
        find_font(str(cff_otf), allow_fallback=True)
    message = str(info.value)
    assert "CFF" in message and str(cff_otf) in message
    assert "[publication]" in message and ".ttf" in message


def test_cff_table_in_a_truetype_header_and_in_a_collection_count_as_cff(tmp_path: Path) -> None:
    odd = tmp_path / "odd.ttf"
    odd.write_bytes(sfnt(b"\x00\x01\x00\x00", [b"CFF ", b"cmap"]))
    assert outline_kind(odd) == "cff"
    inner = sfnt(b"OTTO", [b"CFF ", b"cmap"])
    ttc = tmp_path / "noto.ttc"
    ttc.write_bytes(b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + inner)
    assert outline_kind(ttc, 0) == "cff"
    assert outline_kind(ttc, 3) == "unknown"  # no such subfont
    glyf = tmp_path / "plain.ttf"
    glyf.write_bytes(sfnt(b"\x00\x01\x00\x00", [b"cmap", b"glyf", b"head"]))
    assert outline_kind(glyf) == "truetype"


def test_configured_font_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "字体" / "simsun.ttc"
    with pytest.raises(FontError) as info:
        find_font(str(missing), allow_fallback=True)
    assert str(missing) in str(info.value) and "[publication] font" in str(info.value)


def test_not_a_font_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "font.ttf"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a font")
    with pytest.raises(FontError, match="不是 TrueType"):
        find_font(str(junk), allow_fallback=False)


def test_configured_truetype_font_is_used() -> None:
    choice = find_font(WQY, allow_fallback=False)
    assert choice == FontChoice("WenQuanYi Micro Hei", WQY, 0, embedded=True)


def test_search_finds_wenquanyi_and_skips_cff(monkeypatch: pytest.MonkeyPatch, cff_otf: Path) -> None:
    monkeypatch.setattr(fonts, "candidate_paths", lambda: [str(cff_otf), "/nonexistent/simsun.ttc", WQY])
    choice = find_font(allow_fallback=False)
    assert choice.path == WQY and choice.embedded


def test_default_search_finds_an_embeddable_font_here() -> None:
    choice = find_font(allow_fallback=False)  # fonts-wqy-microhei is installed on the build machine
    assert choice.embedded and choice.path and outline_kind(choice.path) == "truetype"


def test_no_font_falls_back_only_when_allowed(monkeypatch: pytest.MonkeyPatch, cff_otf: Path) -> None:
    monkeypatch.setattr(fonts, "candidate_paths", lambda: [str(cff_otf)])
    assert find_font(allow_fallback=True) == FontChoice("STSong-Light", None, 0, embedded=False)
    with pytest.raises(FontError) as info:
        find_font(allow_fallback=False)
    message = str(info.value)
    assert "apt-get install fonts-wqy-microhei" in message and "[publication]" in message


def test_register_once_returns_usable_name() -> None:
    choice = find_font(WQY, allow_fallback=False)
    name = register(choice)
    assert register(choice) == name
    assert name in pdfmetrics.getRegisteredFontNames()
    assert pdfmetrics.stringWidth("新街村", name, 10) == pytest.approx(30.0)
    assert register(FALLBACK) == "STSong-Light"


def test_missing_glyphs_rare_characters() -> None:
    choice = find_font(WQY, allow_fallback=False)
    texts = ["新街村购买办公用品 ABC-12（含税）", "吉𠮷祥\n", "䶮 王䶮", "", "\t"]
    assert missing_glyphs(choice, texts) == "".join(sorted("𠮷䶮"))
    assert missing_glyphs(choice, ["购买办公用品，1,234.50元；经手人：张三"]) == ""


def test_missing_glyphs_of_the_fallback_uses_gbk_coverage() -> None:
    assert missing_glyphs(FALLBACK, ["新街村 abc", "𠮷"]) == "𠮷"

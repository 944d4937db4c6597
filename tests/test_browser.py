"""The portal pages in a real headless Chromium (SPEC 5.4), opened from file:// at phone and desktop widths.

Needs Chromium (Debian: apt-get install chromium) and Playwright for Python (`pip install playwright`; its own
browser download is never used). Missing either is a failure, not a skip. Set VILLAGEFIN_SCREENSHOTS=DIR to keep
PNG screenshots of every page at 375 and 1280 px for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pytest
from browser import chromium, find_chromium, screenshot
from test_pages import XSS, write_site

PHONE = (375, 812)
PAGES = {
    "root": "index.html",
    "township": "2026-10/index.html",
    "village": "2026-10/xinjie/index.html",
    "empty": "2026-10/hexi/index.html",
    "village-sep": "2026-09/xinjie/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site 公开")  # a space and Chinese in the path, as on a Windows desktop
    write_site(root)
    return root


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    find_chromium()
    with chromium(*PHONE) as ctx:
        yield ctx


def url(site: Path, rel: str) -> str:
    return (site / rel).as_uri()


def open_page(
    context: Any, address: str, width: int = PHONE[0], height: int = PHONE[1]
) -> tuple[Any, list[str]]:
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": width, "height": height})
    page.goto(address)
    page.wait_for_load_state("load")
    return page, requests


def test_chromium_is_installed() -> None:
    assert Path(find_chromium()).is_file()


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width", [360, 375])
def test_no_sideways_scroll_on_a_phone(context: Any, site: Path, name: str, width: int) -> None:
    page, requests = open_page(context, url(site, PAGES[name]), width=width)
    try:
        dims = page.evaluate(
            "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
            " head: getComputedStyle(document.querySelector('.site-head')).backgroundColor,"
            " boxes: [...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth)})"
        )
        assert dims["doc"] <= width and dims["body"] <= width, dims
        assert dims["head"] == "rgb(156, 28, 20)", "site.css was not applied"
        # on a phone even the boxes that may scroll do not need to: the expense cards and village list fit
        assert all(extra <= 1 for extra in dims["boxes"]), dims
        assert all(r.startswith("file://") for r in requests), requests  # nothing fetched from a network
    finally:
        page.close()


def test_font_sizes_on_a_phone(context: Any, site: Path) -> None:
    page, _ = open_page(context, url(site, PAGES["village"]))
    try:
        sizes = page.evaluate(
            """() => {
              const out = {};
              for (const td of document.querySelectorAll('table.expenses td')) {
                out[td.className] = Math.min(out[td.className] ?? 99, parseFloat(getComputedStyle(td).fontSize));
              }
              // every element that shows text directly, anywhere on the page
              let smallest = 99, where = '';
              for (const el of document.body.querySelectorAll('*')) {
                const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                if (!own || el.getClientRects().length === 0) continue;
                const fs = parseFloat(getComputedStyle(el).fontSize);
                if (fs < smallest) { smallest = fs; where = el.tagName + '.' + el.className; }
              }
              return {cells: out, smallest, where, body: parseFloat(getComputedStyle(document.body).fontSize)};
            }"""
        )
        assert sizes["body"] >= 14
        assert len(sizes["cells"]) == 15, sizes["cells"]  # every field of an expense is shown
        assert all(v >= 14 for v in sizes["cells"].values()), sizes["cells"]
        assert sizes["smallest"] >= 14, sizes
        # on a phone each expense is a card, not a table row
        assert page.evaluate("getComputedStyle(document.querySelector('tr.expense')).display") == "grid"
    finally:
        page.close()


@pytest.mark.parametrize("name", ["village", "township", "empty"])
def test_total_in_view_on_a_phone(context: Any, site: Path, name: str) -> None:
    page, _ = open_page(context, url(site, PAGES[name]), width=360, height=640)
    try:
        box = page.evaluate(
            "() => { const r = document.getElementById('month-total').getBoundingClientRect();"
            " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, w: innerWidth, h: innerHeight}; }"
        )
        assert 0 <= box["left"] and box["right"] <= box["w"], box
        assert 0 <= box["top"] and box["bottom"] <= box["h"], box  # seen without scrolling at all
        assert page.locator("#month-total").is_visible()
    finally:
        page.close()


def test_script_in_ledger_text_does_not_run(context: Any, site: Path) -> None:
    for width in (375, 1280):
        page, _ = open_page(context, url(site, PAGES["village"]), width=width)
        try:
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.evaluate("document.querySelectorAll('script').length") == 0
            text = page.locator("main").inner_text()
            assert text.count(XSS) >= 2  # summary and payee shown as text
            assert page.get_by_text(XSS).first.is_visible()
        finally:
            page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_link_resolves_to_a_file(context: Any, site: Path, name: str) -> None:
    page, _ = open_page(context, url(site, PAGES[name]))
    try:
        urls = page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
            ".concat([...document.querySelectorAll('img[src]')].map(i => i.src))"
            ".concat([...document.querySelectorAll('link[href]')].map(l => l.href))"
        )
        checked = 0
        for address in urls:
            if address.startswith("tel:"):
                continue
            parsed = urlparse(address)
            assert parsed.scheme == "file", address
            target = Path(url2pathname(unquote(parsed.path)))
            assert target.is_file(), f"{PAGES[name]} links to missing {address}"
            assert site.resolve() in target.resolve().parents, address  # never leaves the site
            checked += 1
        assert checked >= 3
        broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
        assert broken == 0
    finally:
        page.close()


def test_wide_screen_shows_a_table(context: Any, site: Path) -> None:
    page, _ = open_page(context, url(site, PAGES["village"]), width=1280, height=900)
    try:
        info = page.evaluate(
            "() => ({doc: document.documentElement.scrollWidth,"
            " row: getComputedStyle(document.querySelector('tr.expense')).display,"
            " head: document.querySelector('table.expenses thead').getBoundingClientRect().height,"
            " wrap: document.querySelector('.table-wrap').clientWidth,"
            " table: document.querySelector('table.expenses').scrollWidth})"
        )
        assert info["row"] == "table-row" and info["head"] > 10
        assert info["doc"] <= 1280
        assert info["table"] <= info["wrap"], info  # all 15 columns fit at 1280 px, no inner scrolling
    finally:
        page.close()


def test_screenshots(context: Any, site: Path, tmp_path: Path) -> None:
    out = Path(os.environ.get("VILLAGEFIN_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for name, rel in PAGES.items():
        for width in (375, 1280):
            target = out / f"{name}-{width}.png"
            screenshot(context, url(site, rel), target, width)
            assert target.stat().st_size > 5000

"""The demo's upload bundle, unzipped and opened from disk in a phone-sized Chromium (issue: portal pages):
every page fits 375 px, every expense is on its village page, every link and image resolves inside the bundle."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pytest
from browser import chromium
from conftest import sample_workspace

from villagefin.config import load_config
from villagefin.publish import run_publish


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("bundle") / "ws"
    sample_workspace(ws)
    result = run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 5))
    target = tmp_path_factory.mktemp("unzipped") / "门户 上传"
    with zipfile.ZipFile(result.zip_path) as zf:
        zf.extractall(target)
    return target


def test_bundle_pages_fit_a_phone_and_every_link_resolves(bundle: Path):
    pages = sorted(bundle.rglob("index.html"))
    assert len(pages) == 1 + 1 + 6  # root, township, six published villages
    with chromium(375, 812) as context:
        for html in pages:
            page = context.new_page()
            try:
                page.goto(html.as_uri())
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 375, (html, width)
                addresses = page.evaluate(
                    "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
                    ".concat([...document.querySelectorAll('img[src]')].map(i => i.src))"
                    ".concat([...document.querySelectorAll('link[href]')].map(l => l.href))")
                for address in addresses:
                    if address.startswith("tel:"):
                        continue
                    parsed = urlparse(address)
                    assert parsed.scheme == "file", (html, address)
                    target = Path(url2pathname(unquote(parsed.path)))
                    assert target.is_file(), (html, address)
                    assert bundle.resolve() in target.resolve().parents
                # thumbnails load lazily: ask for them all now, then every one must have decoded
                page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
                page.wait_for_function("[...document.images].every(i => i.complete)", timeout=20000)
                broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
                assert broken == 0, html
            finally:
                page.close()


def test_every_expense_is_on_its_village_page(bundle: Path):
    with chromium(375, 812) as context:
        for data in sorted(bundle.glob("2026-10/*/expenses.json")):
            doc = json.loads(data.read_text(encoding="utf-8"))
            page = context.new_page()
            try:
                page.goto((data.parent / "index.html").as_uri())
                text = page.evaluate("document.body.innerText").replace(",", "")
                for e in doc["expenses"]:
                    assert e["voucher"] in text, (data, e["voucher"])
                    assert f"{Decimal(e['amount']):.2f}" in text, (data, e["amount"])
                assert doc["total"] in text
            finally:
                page.close()

"""Headless Chromium for the page tests: Debian's ``chromium`` driven by Playwright for Python.

Playwright's own browser download is never used (no ``playwright install``): we launch the system Chromium
by path, with the flags that keep it off the network. ``VILLAGEFIN_CHROMIUM`` names another binary (Windows,
macOS). A missing browser is a test failure, not a skip: CI installs it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def find_chromium() -> str:
    """Path of the Chromium binary, or an AssertionError saying how to install it."""
    candidates = [os.environ.get("VILLAGEFIN_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome")]
    for c in candidates:
        if c and Path(c).is_file():
            return c
    raise AssertionError(
        "Chromium not found: install it (Debian/Ubuntu: apt-get install chromium) or set VILLAGEFIN_CHROMIUM"
    )


@contextmanager
def chromium(width: int = 375, height: int = 812) -> Iterator[object]:
    """A Playwright BrowserContext on a fresh, throw-away profile (``--user-data-dir``)."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    profile = tempfile.mkdtemp(prefix="villagefin-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=executable,
                headless=True,
                args=ARGS,
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                locale="zh-CN",
                java_script_enabled=True,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(
    context: object, url: str, path: Path, width: int, height: int = 812, full_page: bool = True
) -> None:
    """Save a PNG of ``url`` at ``width`` CSS px (for a person to look at)."""
    page = context.new_page()  # type: ignore[attr-defined]
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        page.close()

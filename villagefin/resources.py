"""Where the package's data lives: installed (villagefin/templates, villagefin/samples, force-included by
hatchling) or in a checkout (<repo>/templates, <repo>/samples)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path


def _find(name: str) -> Path:
    packaged = Path(str(importlib.resources.files("villagefin"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"villagefin 安装不完整：找不到 {name} 文件夹，请重新安装（pip install villagefin）。")


def samples_dir() -> Path:
    return _find("samples")


def templates_dir() -> Path:
    return _find("templates")

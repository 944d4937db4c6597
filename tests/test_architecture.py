"""SPEC 17: the layers hold (import-linter runs in CI), every module is placed in a layer, no import cycles."""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

import grimp

import villagefin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent


def _contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _layered() -> set[str]:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    return {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}


def test_every_module_of_the_package_is_placed_in_a_layer() -> None:
    top = {m.name for m in pkgutil.iter_modules(villagefin.__path__)}
    missing = sorted(top - _layered())
    assert not missing, f"modules not placed in a layer of pyproject.toml's import-linter contract: {missing}"


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("villagefin")
    modules = sorted(graph.modules)
    cycles = []
    for m in modules:
        for imported in graph.find_modules_directly_imported_by(m):
            if imported != m and graph.chain_exists(importer=imported, imported=m):
                cycles.append(f"{m} -> {imported} -> … -> {m}")
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_test_can_fail(tmp_path: Path, monkeypatch) -> None:
    """The check above finds a real cycle (a package written here with a -> b -> a)."""
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclepkg")
    assert graph.chain_exists(importer="cyclepkg.a", imported="cyclepkg.b")
    assert graph.chain_exists(importer="cyclepkg.b", imported="cyclepkg.a")


#: third-party libraries that cost tens of milliseconds to import: imported where they are used, never at the
#: top of one of our modules, so that commands.py can import every command's module (SPEC 9, 9a)
HEAVY = ("reportlab", "jinja2", "markupsafe", "openpyxl", "PIL", "pypdf", "pypdfium2", "numpy", "rapidocr",
         "python_calamine", "xlrd", "odf", "pandas")


def test_importing_every_module_of_the_package_loads_no_heavy_library() -> None:
    import subprocess

    probe = (
        "import importlib, pkgutil, sys, villagefin\n"
        "names = [m.name for m in pkgutil.walk_packages(villagefin.__path__, 'villagefin.')\n"
        "         if m.name != 'villagefin.__main__']\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(len(names), 'HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    count, _, heavy = out.stdout.partition(" HEAVY ")
    assert int(count) > 40 and heavy.strip() == "[]", out.stdout

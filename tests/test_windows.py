"""Windows (SPEC 16): every dependency installs from a binary wheel on win_amd64, Python 3.10–3.13.

An accountant's PC has no compiler. pip resolves the whole dependency set for each Windows Python as if it
were installing there (`--dry-run --only-binary=:all: --platform win_amd64`); a dependency without a wheel
for that Python makes pip stop, and the test names it. Only metadata is fetched, not whole wheels.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
_MISSING = re.compile(r"(?:No matching distribution found for|Could not find a version that satisfies the "
                      r"requirement)\s+([A-Za-z0-9._-]+)")


def resolve_on_windows(python: str, target: Path, requirements: tuple[str, ...] = (".",),
                       extra: tuple[str, ...] = (), cwd: Path = REPO) -> list[str]:
    """Problems resolving `requirements` to wheels for win_amd64 and `python` ("3.12"): empty when every
    package comes as a wheel, else one line per package that would have to be built."""
    target.mkdir(parents=True, exist_ok=True)
    report = target / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
           "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
           "--target", str(target / "site"), "--report", str(report), *extra, *requirements]
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    where = f"Windows x86-64, Python {python}"
    if run.returncode != 0:
        names = sorted(set(_MISSING.findall(run.stderr)))
        if names:
            return [f"{where}: {name} 没有可用的二进制 wheel（在 Windows 上需要编译器才能安装）" for name in names]
        tail = "\n".join(line for line in run.stderr.splitlines() if not line.startswith("WARNING: Location"))
        return [f"{where}: pip 无法解析依赖（exit {run.returncode}）：\n{tail[-2000:]}"]
    problems = []
    for item in json.loads(report.read_text(encoding="utf-8"))["install"]:
        info, name = item["download_info"], item["metadata"]["name"]
        if "dir_info" in info:  # a local project named on the command line (villagefin itself) is built here
            continue
        if not info.get("url", "").endswith(".whl"):
            problems.append(f"{where}: {name} 只有源码包 {info.get('url', '')}（需要编译器）")
    return problems


def test_every_dependency_has_a_windows_wheel(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=len(PYTHONS)) as pool:
        found = pool.map(lambda v: resolve_on_windows(v, tmp_path / v), PYTHONS)
        problems = [line for lines in found for line in lines]
    assert not problems, "\n".join(problems)


def test_a_dependency_without_a_wheel_is_named(tmp_path: Path) -> None:
    """The check can fail: a project that needs a package published only as source (offline, local index)."""
    index = tmp_path / "index"
    index.mkdir()
    src = tmp_path / "needs_c"
    (src / "needs_c").mkdir(parents=True)
    (src / "needs_c" / "__init__.py").write_text("")
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "needs-c"\nversion = "1.0"\n')
    import tarfile

    with tarfile.open(index / "needs_c-1.0.tar.gz", "w:gz") as tar:
        tar.add(src, arcname="needs_c-1.0")
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["needs-c"]\n')
    (app / "backend.py").write_text(_BACKEND)
    problems = resolve_on_windows("3.12", tmp_path / "out", extra=("--no-index", "--find-links", str(index),
                                                                   "--no-build-isolation"), cwd=app)
    assert len(problems) == 1 and "needs-c" in problems[0] and "Python 3.12" in problems[0], problems


# a build backend that only writes metadata: enough for pip to read the project's dependencies offline
_BACKEND = '''
import os

_META = "Metadata-Version: 2.1\\nName: app\\nVersion: 1.0\\nRequires-Dist: needs-c\\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    path = os.path.join(metadata_directory, "app-1.0.dist-info")
    os.makedirs(path)
    with open(os.path.join(path, "METADATA"), "w") as f:
        f.write(_META)
    return "app-1.0.dist-info"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not needed for a dry run")
'''

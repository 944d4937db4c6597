"""Golden files (SPEC 17, STYLE habit 10): the rendered outputs of the sample township, compared as text.

`villagefin demo` publishes samples/ for 2026-10 on a fixed date; its sheet (pdftotext -layout), a village page
and the township page (normalised HTML) and every village's open data must equal the files in tests/golden/.
An intended change of output is accepted by regenerating them — `pytest tests/test_golden.py --update-golden`
— and reviewing the diff before committing; nothing else writes them.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import GOLDEN

from villagefin.demo import SAMPLES_PERIOD, run_demo

VILLAGES = ("xinjie", "hexi", "dongfeng", "qianjin", "shuanglong", "taoyuan")
_HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{16,64}\b")  # fingerprints, sha256, cache-busting keys
_STAMP = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")  # moments of generation


def normalise(text: str) -> str:
    """What may change from run to run, or with every change of data, replaced by a placeholder."""
    return _STAMP.sub("<时间>", _HASH.sub("<指纹>", text))


def html(path: Path) -> str:
    """The page with each line stripped and blank lines dropped: indentation is not output."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return normalise("\n".join(line for line in lines if line) + "\n")


def pdf(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return normalise("\n".join(line.rstrip() for line in out.splitlines()) + "\n")


def data(path: Path) -> str:
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return normalise(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return normalise(path.read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    result = run_demo(out)  # the samples' publication day, whatever today is
    return result.site / SAMPLES_PERIOD


def outputs(month: Path) -> dict[str, str]:
    """golden file name → the current output, normalised."""
    found = {
        "xinjie-noticeboard.txt": pdf(month / "xinjie" / "noticeboard.pdf"),
        "summary.txt": pdf(month / "summary.pdf"),
        "xinjie-index.html": html(month / "xinjie" / "index.html"),
        "township-index.html": html(month / "index.html"),
    }
    for vid in VILLAGES:
        for ext in ("csv", "json"):
            found[f"{vid}-expenses.{ext}"] = data(month / vid / f"expenses.{ext}")
    return found


def test_rendered_outputs_equal_the_golden_files(site: Path, update_golden: bool) -> None:
    current = outputs(site)
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        for stale in set(p.name for p in GOLDEN.iterdir() if p.is_file()) - set(current):
            (GOLDEN / stale).unlink()
        for name, text in current.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
    problems = []
    for name, text in current.items():
        golden = GOLDEN / name
        if not golden.is_file():
            problems.append(f"tests/golden/{name} 不存在")
            continue
        expected = golden.read_text(encoding="utf-8")
        if expected != text:
            diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), f"golden/{name}", "当前输出",
                                        lineterm="", n=1)
            problems.append("\n".join(list(diff)[:40]))
    extra = sorted(set(p.name for p in GOLDEN.iterdir() if p.is_file()) - set(current)) if GOLDEN.is_dir() else []
    problems += [f"tests/golden/{name} 已不再生成" for name in extra]
    assert not problems, ("输出与 golden 文件不同；如果改动是有意的，运行 pytest tests/test_golden.py --update-golden "
                          "重新生成并检查差异：\n" + "\n\n".join(problems))


def test_normalise_hides_hashes_and_moments_but_not_invoices() -> None:
    text = "数据指纹：33d78c89892f2ac5 发票 26342034717160893498 2026-11-05 生成于 2026-11-05T08:30:00+08:00"
    assert normalise(text) == "数据指纹：<指纹> 发票 26342034717160893498 2026-11-05 生成于 <时间>"

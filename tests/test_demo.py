"""`villagefin demo` from the checkout and from a freshly built wheel (runtime data comes from the package)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import REPO
from test_check import cli


def test_demo_publishes_the_samples_whatever_today_is(tmp_path):
    proc = cli("demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "demo" / "site"
    assert (site / "index.html").is_file() and (site / "2026-10" / "print-all.pdf").is_file()
    assert (site / "2026-10" / "xinjie" / "noticeboard.pdf").is_file()
    assert str(site / "index.html") in proc.stdout
    # SPEC 13, 14: one village reviewed and approved; one October line asked about and answered, one still open
    assert (tmp_path / "demo" / "workspace" / "review" / "2026-10" / "xinjie-审核稿.pdf").is_file()
    page = (site / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "审核意见：账实相符，同意公开。审核人：王建国、李秀英 2026-11-05" in page
    assert "Q2026-001" in page and "卫生室为村集体所有" in page
    assert "Q2026-002" in page and "待答复（答复期限 2026-11-18）" in page
    assert "村民甲" not in page and "村民甲" not in (site / "2026-10" / "xinjie" / "queries.csv").read_text("utf-8-sig")
    # run twice: the demo starts afresh
    again = cli("demo", "--out", str(tmp_path / "demo"))
    assert again.returncode == 0, again.stderr


def test_wheel_carries_templates_and_samples_and_runs_the_demo(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                            str(tmp_path / "dist"), str(REPO)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("villagefin-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "villagefin/templates/village.html" in names and "villagefin/samples/villagefin.toml" in names
    assert "villagefin/data/chart.json" in names and "villagefin/py.typed" in names
    target = tmp_path / "site-packages"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert inst.returncode == 0, inst.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-m", "villagefin", "demo", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stderr
    probe = subprocess.run([sys.executable, "-c", "import villagefin; print(villagefin.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert probe.stdout.startswith(str(target))  # the wheel's copy ran, not the checkout
    assert (tmp_path / "out" / "site" / "2026-10" / "hexi" / "index.html").is_file()


def test_demo_without_a_cjk_font_still_runs_and_says_how_to_install_one(tmp_path, monkeypatch):
    import villagefin.fonts as fonts
    from villagefin.demo import run_demo

    monkeypatch.setattr(fonts, "candidate_paths", lambda: [])
    result = run_demo(tmp_path / "demo")
    assert "fonts-wqy-microhei" in result.text
    assert (result.site / "2026-10" / "hexi" / "noticeboard.pdf").is_file()
    assert "预览" in result.text

"""Docs that cannot drift (STYLE habit 13): the README's command reference and findings table are generated."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

from villagefin.findings import CATALOGUE


def test_readme_generated_sections_are_current():
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "gen_docs.py"), "--check"], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_starts_with_the_two_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```") + 1:lines.index("```", lines.index("```") + 1)]
    assert block == ["pip install . && villagefin demo", "bash .ci/run"]


def test_every_code_is_documented_and_every_template_renders():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in CATALOGUE.values():
        assert f"`{code.code}`" in readme
        fields = {name: "x" for name in ("reason", "detail", "field", "value", "period", "stated", "computed", "diff",
                                         "invoice", "other", "voucher", "debit", "credit", "before", "after",
                                         "missing", "fields", "amount", "limit", "payee", "days", "count", "what",
                                         "chars", "found", "declared", "subject", "name", "seqs", "role")}
        text = code.template.format(**fields) + code.hint.format(**fields)
        assert "{" not in text


def test_ci_runs_the_same_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci and "ruff check" in ci and "\npytest" in ci
    for pkg in ("fonts-wqy-microhei", "poppler-utils", "chromium", "libreoffice-calc"):
        assert pkg in ci

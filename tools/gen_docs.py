"""Regenerate the README's generated sections: the command reference (from `--help`) and the findings table
(from the catalogue). `python tools/gen_docs.py` rewrites README.md; `--check` exits 1 when it is stale.
tests/test_docs.py runs the check, so the README cannot drift from the code (STYLE habit 13)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS = ("check", "review", "publish", "status", "history", "query add", "query answer", "query list", "demo",
            "serve", "init", "template")


def command_reference() -> str:
    from click.testing import CliRunner

    from villagefin.commands import cli

    runner = CliRunner()
    parts = []
    for name in COMMANDS:
        result = runner.invoke(cli, [*name.split(), "--help"], prog_name="villagefin", terminal_width=100)
        if result.exit_code != 0:
            raise SystemExit(f"villagefin {name} --help failed: {result.output}")
        parts.append(f"### `villagefin {name}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def findings_table() -> str:
    from villagefin.findings import CATALOGUE

    rows = ["| 代码 code | 级别 | 名称 | 怎样改正 |", "|---|---|---|---|"]
    for code in CATALOGUE.values():
        level = "错误（阻止公开）" if code.severity == "error" else "警告"
        rows.append(f"| `{code.code}` | {level} | {code.title} | {code.hint} |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    for name, body in (("commands", command_reference()), ("findings", findings_table())):
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- generated:{name} --> section")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> None:
    readme = ROOT / "README.md"
    current = readme.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("README.md is stale: run python tools/gen_docs.py")
            raise SystemExit(1)
        return
    readme.write_text(fresh, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Shared fixtures: a factory that writes a real workbook from rows inside the test (STYLE habit 12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from the current outputs (review the diff before committing)")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    """True when the run was started with --update-golden: golden files are rewritten, not compared."""
    return bool(request.config.getoption("--update-golden"))


HEADER = ["日期", "凭证号", "摘要", "科目", "收款方", "金额", "经手人", "审核人", "审批人", "发票号码", "附件张数",
          "支付方式", "备注"]


def expense_row(day: int, voucher: str, summary: str, amount, *, category="办公费", payee="天长市文具店",
                handler="张三", reviewer="李四", approver="王五", invoice="", attachments=1, method="转账",
                remarks="", month: int = 10) -> list:
    return [dt.date(2026, month, day), voucher, summary, category, payee, amount, handler, reviewer, approver,
            invoice, attachments, method, remarks]


@pytest.fixture
def write_xlsx(tmp_path: Path):
    """write_xlsx(rows, name="村.xlsx", sheet="10月", merged=(), hidden_rows=(), hidden_cols=(), sheets={...})."""
    from openpyxl import Workbook

    def write(rows: Sequence[Sequence] | None = None, name: str = "新街村.xlsx", sheet: str = "10月",
              merged: Sequence[str] = (), hidden_rows: Sequence[int] = (), hidden_cols: Sequence[str] = (),
              sheets: dict | None = None, hidden_sheets: Sequence[str] = ()) -> Path:
        wb = Workbook()
        wb.remove(wb.active)
        all_sheets = dict(sheets or {})
        if rows is not None:
            all_sheets = {sheet: rows, **all_sheets}
        for title, body in all_sheets.items():
            ws = wb.create_sheet(title)
            for r in body:
                ws.append(list(r))
            if title == sheet:
                for rng in merged:
                    ws.merge_cells(rng)
                for r in hidden_rows:
                    ws.row_dimensions[r].hidden = True
                for c in hidden_cols:
                    ws.column_dimensions[c].hidden = True
            if title in hidden_sheets:
                ws.sheet_state = "hidden"
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return write


@pytest.fixture
def check_file():
    """check_file(path, month="2026-10") → CheckReport of that one file, with no workspace."""
    from villagefin.check import run_check
    from villagefin.config import Config

    def run(*paths, month: str = "2026-10", config: Config | None = None):
        return run_check([str(p) for p in paths], config or Config(), month=month)

    return run


def codes(report) -> list[tuple]:
    """(code, row, column) of every finding, in report order."""
    return [(f.code, f.row, f.column) for f in report.findings]


def errors(report) -> list[tuple]:
    """(code, row, column) of every error finding (warnings left out)."""
    return [(f.code, f.row, f.column) for f in report.findings if f.severity == "error"]


#: the portal of the test townships: the samples' example.org is a placeholder, which an official publish refuses
PORTAL = "https://cwgk.xinjiezhen.gov.cn"


def sample_workspace(target: Path) -> Path:
    """A copy of the sample township at `target`, with a real-looking portal so that it can be published."""
    import shutil

    shutil.copytree(SAMPLES, target)
    toml = target / "villagefin.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'portal_url = "https://example.org/cwgk"' in text
    toml.write_text(text.replace('portal_url = "https://example.org/cwgk"', f'portal_url = "{PORTAL}"'),
                    encoding="utf-8")
    return target

"""`villagefin status` and `history` (SPEC 8) on a published copy of the samples."""

from __future__ import annotations

import datetime as dt

from conftest import sample_workspace
from test_check import EXPECTED, cli

from villagefin.config import load_config
from villagefin.publish import run_publish
from villagefin.status import run_history, run_status


def test_status_and_history_after_publishing(tmp_path):
    ws = tmp_path / "ws"
    sample_workspace(ws)
    config = load_config(ws)
    run_publish(config, month="2026-10", today=dt.date(2026, 11, 9), villages=["hexi", "xinjie"],
                date=dt.date(2026, 11, 5))
    report = run_status(config, month="2026-10")
    by_id = {v.village_id: v for v in report.villages}
    assert by_id["hexi"].published.revision == 1 and by_id["hexi"].expenses == 35
    assert by_id["dongfeng"].published is None and by_id["dongfeng"].errors == 0
    assert by_id["shiqiao"].errors == EXPECTED["villages"]["shiqiao"]["errors"] == 9
    assert ("ledgers/all.xlsx", "草稿") in report.unread_sheets
    assert "补登" in by_id["hexi"].state  # printed 11-05 by a run on 11-09
    rows = run_history(config)
    assert [(p.village, p.revision) for p in rows] == [("hexi", 1), ("xinjie", 1)]
    proc = cli("status", "--month", "2026-10", cwd=ws)
    assert proc.returncode == 0 and "河西村" in proc.stdout and "未公开" in proc.stdout and "草稿" in proc.stdout
    proc = cli("history", "--village", "hexi", cwd=ws)
    assert proc.returncode == 0 and "2026-10" in proc.stdout and "第1版" in proc.stdout


def test_status_needs_a_workspace(tmp_path):
    proc = cli("status", cwd=tmp_path)
    assert proc.returncode == 2 and "villagefin.toml" in proc.stderr

"""Privacy in every public text (SPEC 5.6, 18), through the real publish path: a small workspace is built here,
published, corrected and followed by a later month; then every file of the output folder (the zip's members
too, PDFs read with pdftotext) is searched for the full numbers, whatever separators they were written with."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import HEADER, expense_row

from villagefin.archive import Archive
from villagefin.config import load_config
from villagefin.publish import run_publish

ID = "34012319900101123X"
MOBILE = "13812345678"
CARD = "6222021234567890"
SECRETS = (ID, MOBILE, CARD)
# separators a number may be written with (SPEC 18); removed from a public text before searching it
_SEPARATORS = re.compile(r"[\s\-\uff0d\u3000+]")

CONFIG = """
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.tianchang.gov.cn"

[[villages]]
id = "xinjie"
name = "新街村"
ledgers = ["ledgers/*.xlsx"]
"""


def _write_ledger(path: Path, rows: list[list], sheet: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _october(extra: bool = False) -> list[list]:
    rows = [
        # the 科目 of SPEC 18's report: unknown to the chart, so it is its own group
        expense_row(8, "记-001", "发放误工补贴", "300.00", category=f"误工补贴张三{ID}", payee="张三"),
        expense_row(9, "记-002", "购买办公用品 联系电话+86" + MOBILE, "120.00"),
        expense_row(10, "记-003", "维修费", "200.00", payee="李师傅 138 12345678", category="修理费"),
        expense_row(11, "记-004", "垫付款 联系138-1234 5678", "80.00", remarks="回拨 138－1234－5678"),
        expense_row(12, "记-005", "退还押金 转6222\u30000212\u30003456\u30007890", "500.00",
                    handler="王五0086 138 1234 5678", category="其他应付款"),
        expense_row(13, "记-006", "张三 身份证340123 19900101-123X 领取补助", "150.00",
                    category="误工补贴张三340123-19900101 123X"),
    ]
    if extra:
        rows.append(expense_row(14, "记-007", "补录一笔办公用品", "60.00"))
    return rows


def _public_texts(site: Path) -> list[tuple[str, str]]:
    """(name, text) of every file of the site, and of every member of every zip in it."""
    out = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        out.append((str(path), _text_of(path.name, path.read_bytes(), path.parent)))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    out.append((f"{path}!{name}", _text_of(name, zf.read(name), path.parent)))
    return out


def _text_of(name: str, data: bytes, scratch: Path) -> str:
    if name.endswith(".pdf"):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                              check=True).stdout.decode("utf-8")
    if name.endswith((".jpg", ".png")):
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # a binary asset: its ASCII bytes are still searched
        return data.decode("latin-1")


def _assert_no_secret(site: Path) -> None:
    texts = _public_texts(site)
    assert len(texts) > 10
    for name, text in texts:
        flat = _SEPARATORS.sub("", text)
        for secret in SECRETS:
            assert secret not in flat, (name, secret)
            assert secret.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}) not in flat, (name, secret)


def test_no_full_number_in_any_public_file_after_publish_correct_and_a_later_month(tmp_path: Path) -> None:
    ws = tmp_path / "新街镇"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(CONFIG, encoding="utf-8")
    # a file name and a sheet name with personal numbers in them are never shown in full either
    ledger = ws / "ledgers" / f"新街村 报账员{MOBILE}.xlsx"
    _write_ledger(ledger, _october(), sheet=f"张三{ID}")
    config = load_config(ws)
    first = run_publish(config, month="2026-10", today=dt.date(2026, 11, 5))
    assert [(o.village_id, o.outcome) for o in first.outcomes] == [("xinjie", "new")], first.report.findings
    site = ws / "site"
    village = site / "2026-10" / "xinjie"
    doc = json.loads((village / "expenses.json").read_text(encoding="utf-8"))
    # the masked forms are published, so the search below looks at the right texts
    groups = {c["name"] for c in doc["categories"]}
    assert "误工补贴张三340123********123X" in groups
    assert {e["group"] for e in doc["expenses"]} >= {"误工补贴张三340123********123X"}
    sheet = _text_of("x.pdf", (village / "noticeboard.pdf").read_bytes(), village).replace(" ", "")
    assert "按类别小计" in sheet and "340123********123X" in sheet
    assert "+86138****5678" in (village / "index.html").read_text(encoding="utf-8")
    _assert_no_secret(site)

    # a correction whose reason holds all three numbers, in grouped forms
    _write_ledger(ledger, _october(extra=True), sheet=f"张三{ID}")
    reason = "补录漏记一笔；原经手人电话 +86 138-1234-5678，身份证 340123 19900101 123X，卡号 6222-0212-3456-7890"
    corrected = run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 20), correct=reason)
    assert [(o.outcome, o.revision) for o in corrected.outcomes] == [("correction", 2)]
    page = (village / "index.html").read_text(encoding="utf-8")
    assert "补录漏记一笔" in page and "138****5678" in page and "****7890" in page
    sheet = _text_of("x.pdf", (village / "noticeboard.pdf").read_bytes(), village).replace(" ", "")
    assert "更正说明" in sheet and "补录漏记一笔" in sheet
    with Archive(ws) as arc:  # the archive keeps the masked reason, so a page rebuilt from it is masked too
        assert MOBILE not in _SEPARATORS.sub("", arc.latest("xinjie", "2026-10").correction_reason or "")
    _assert_no_secret(site)

    # November relinks October's pages from the archive (previous / next)
    _write_ledger(ws / "ledgers" / "新街村11月.xlsx",
                  [expense_row(3, "记-001", f"购买办公用品 {MOBILE}", "90.00", month=11)], sheet="11月")
    (ws / "old").mkdir()
    ledger.rename(ws / "old" / ledger.name)  # October's ledger is not November's
    november = run_publish(load_config(ws), month="2026-11", today=dt.date(2026, 12, 5))
    assert [o.outcome for o in november.outcomes] == ["new"], november.report.findings
    assert "2026-11" in (village / "index.html").read_text(encoding="utf-8")  # October was rewritten
    _assert_no_secret(site)


def test_a_village_id_with_a_final_newline_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """SPEC 18 "Ids are slugs to the end": the slug is matched as a whole, so `xinjie\\n` names no folder."""
    ws = tmp_path / "新街镇"
    ws.mkdir()
    toml = CONFIG.replace('id = "xinjie"', 'id = "xinjie\\n"')
    assert 'id = "xinjie\\n"' in toml
    (ws / "villagefin.toml").write_text(toml, encoding="utf-8")
    _write_ledger(ws / "ledgers" / "新街村.xlsx", _october(), sheet="10月")
    proc = subprocess.run([sys.executable, "-m", "villagefin", "publish", "--month", "2026-10"], cwd=ws,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "villages[0].id" in proc.stderr and "Traceback" not in proc.stderr
    assert not (ws / "site").exists() and not (ws / ".villagefin").exists()

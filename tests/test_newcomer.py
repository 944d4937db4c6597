"""The README's path for a new township, as a newcomer runs it: init → template → fill → check → review → publish."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from test_check import cli


def test_init_template_fill_check_publish(tmp_path):
    ws = tmp_path / "新街镇"
    assert cli("init", str(ws), "--township", "新街镇").returncode == 0
    toml = (ws / "villagefin.toml").read_text(encoding="utf-8")
    village = toml.split('id = "', 1)[1].split('"', 1)[0]
    ledger = ws / "ledgers" / village / "2026-10.xlsx"
    proc = cli("template", "--village", village, "-o", str(ledger), cwd=ws)
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(ledger)
    sheet = wb.worksheets[0]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "日期")
    names = [c.value for c in sheet[header]]
    rows = [
        {"日期": dt.date(2026, 10, 8), "凭证号": "记-001", "摘要": "购买村部办公用打印纸10包", "科目": "办公费",
         "收款方": "天长市文具店", "金额（元）": 257, "经手人": "张三", "审核人": "李四", "审批人": "王五",
         "发票号码": "26342749528729094465", "附件张数": 1, "支付方式": "转账"},
        {"日期": dt.date(2026, 10, 9), "凭证号": "记-002", "摘要": "支付10月村部电费", "科目": "水电费",
         "收款方": "天长市供电公司", "金额（元）": 812.5, "经手人": "张三", "审核人": "李四", "审批人": "王五",
         "发票号码": "26342749528729094466", "附件张数": 1, "支付方式": "转账"},
    ]
    for i, row in enumerate(rows, start=header + 1):
        for name, value in row.items():
            sheet.cell(i, names.index(name) + 1, value)
    wb.save(ledger)
    proc = cli("check", "--month", "2026-10", cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1,069.50" in proc.stdout
    # the new workspace's placeholders are refused until the accountant fills them in, one key at a time
    proc = cli("publish", "--month", "2026-10", "--date", "2026-11-05", cwd=ws)
    assert proc.returncode == 2 and "supervision_phone" in proc.stderr, proc.stderr
    config = ws / "villagefin.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('supervision_phone = ""',
                                                                 'supervision_phone = "0550-7000000"'), encoding="utf-8")
    proc = cli("publish", "--month", "2026-10", "--date", "2026-11-05", cwd=ws)
    assert proc.returncode == 2 and "portal_url" in proc.stderr and "example.org" in proc.stderr, proc.stderr
    assert not (ws / ".villagefin" / "archive.sqlite").exists()
    config.write_text(config.read_text(encoding="utf-8").replace("https://example.org/cwgk",
                                                                 "https://cwgk.xinjiezhen.gov.cn"), encoding="utf-8")
    # init writes require_review = true (SPEC 13): nothing goes out before the committee's approval
    proc = cli("publish", "--month", "2026-10", "--date", "2026-11-05", cwd=ws)
    assert proc.returncode == 1 and "待审核" in proc.stdout, proc.stdout + proc.stderr
    proc = cli("review", "--month", "2026-10", cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "review" / "2026-10" / f"{village}-审核稿.pdf").is_file()
    proc = cli("review", "--month", "2026-10", "--village", village, "--approve", "--by", "王建国,李秀英",
               "--opinion", "同意公开", cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = cli("publish", "--month", "2026-10", "--date", "2026-11-05", cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "site" / "2026-10" / village / "noticeboard.pdf").is_file()
    assert (ws / "site" / "villagefin-2026-10.zip").is_file()

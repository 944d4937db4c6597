"""`villagefin query add | answer | list` and their publication (SPEC 14), through the command line: numbering,
deadlines, the asker kept out of every public file, hostile text escaped, neutralised and masked, and the month's
pages redrawn from the archive with no new revision."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from conftest import expense_row
from test_review import XINJIE_ROWS, make_workspace, pdftext, publish, revisions, run, write_ledger

from villagefin.config import load_config
from villagefin.model import QueryState
from villagefin.queries import run_query_list

ID = "340103199001011234"
MOBILE = "13912345678"
CARD = "6222021234567890123"
ASKER = "举报人张大妈"


@pytest.fixture
def published(tmp_path: Path) -> Path:
    ws = make_workspace(tmp_path, gate=False)
    out = publish(ws)
    assert out.exit_code == 0, out.output
    return ws


def add(ws: Path, *args: str):
    return run(ws, "query", "add", "--village", "xinjie", "--month", "2026-10", *args)


def public_texts(site: Path) -> dict[str, str]:
    """Every public file of the site as text: HTML, CSV, JSON as they are, PDFs through pdftotext, and each
    file inside the upload zip."""
    out = {}
    for p in sorted(site.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".pdf":
            out[str(p)] = pdftext(p)
        elif p.suffix == ".zip":
            with zipfile.ZipFile(p) as zf:
                for name in zf.namelist():
                    if not name.endswith((".pdf", ".jpg", ".png")):
                        out[f"{p}!{name}"] = zf.read(name).decode("utf-8", "replace")
        elif p.suffix in (".html", ".csv", ".json", ".css", ".js"):
            out[str(p)] = p.read_text(encoding="utf-8-sig")
    return out


def test_numbering_deadline_and_usage_errors(published):
    ws = published
    first = add(ws, "--item", "3", "--question", "护栏维修为何要2万多？", "--received", "2026-11-10")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == "Q2026-001"
    assert "序号3 凭证 记-003 修补李洼组桥头护栏" in first.output and "2026-11-20 前答复" in first.output
    second = add(ws, "--voucher", "记-001", "--question", "打印纸买了几包？", "--channel", "意见箱")
    assert second.output.splitlines()[0] == "Q2026-002"
    next_year = add(ws, "--item", "1", "--question", "还是打印纸", "--received", "2027-01-03")
    assert next_year.output.splitlines()[0] == "Q2027-001"  # counts within the year received

    missing = add(ws, "--item", "99", "--question", "这一笔是什么？")
    assert missing.exit_code == 2 and "没有序号 99" in missing.output
    no_voucher = add(ws, "--voucher", "记-999", "--question", "这一笔是什么？")
    assert no_voucher.exit_code == 2 and "记-999" in no_voucher.output
    both = add(ws, "--item", "1", "--voucher", "记-001", "--question", "x")
    assert both.exit_code == 2
    unpublished = run(ws, "query", "add", "--village", "xinjie", "--month", "2026-09", "--item", "1",
                      "--question", "九月的呢？")
    assert unpublished.exit_code == 2 and "还没有正式公开" in unpublished.output
    unknown_village = run(ws, "query", "add", "--village", "nowhere", "--month", "2026-10", "--item", "1",
                          "--question", "x")
    assert unknown_village.exit_code == 2
    bad_channel = add(ws, "--item", "1", "--question", "x", "--channel", "微信")
    assert bad_channel.exit_code == 2
    unknown = run(ws, "query", "answer", "Q2026-099", "--answer", "答复")
    assert unknown.exit_code == 2 and "Q2026-099" in unknown.output
    garbage = run(ws, "query", "answer", "'; DROP TABLE queries; --", "--answer", "答复")
    assert garbage.exit_code == 2
    listed = run(ws, "query", "list", "--format", "json")
    assert listed.exit_code == 0
    assert [q["number"] for q in json.loads(listed.output)] == ["Q2026-001", "Q2026-002", "Q2027-001"]


def test_overdue_open_and_answered_in_list_status_and_page(published):
    ws = published
    add(ws, "--item", "3", "--question", "护栏维修为何要2万多？", "--received", "2026-10-20")  # long past
    add(ws, "--item", "2", "--question", "电费为何比上月高？")  # today: still open
    add(ws, "--item", "1", "--question", "打印纸买了几包？", "--received", "2026-11-01")
    assert run(ws, "query", "answer", "Q2026-003", "--answer", "10包，已入库。", "--date", "2026-11-05").exit_code == 0

    overdue = run(ws, "query", "list", "--overdue")
    assert "Q2026-001" in overdue.output and "逾期未答复" in overdue.output
    assert "Q2026-002" not in overdue.output and "Q2026-003" not in overdue.output
    open_ = run(ws, "query", "list", "--open", "--format", "json")
    states = {q["number"]: q["state"] for q in json.loads(open_.output)}
    assert states == {"Q2026-001": "overdue", "Q2026-002": "open"}
    # the JSON is the library's report, serialised
    lib = run_query_list(load_config(ws), only=QueryState.OPEN)
    assert json.loads(open_.output) == [q.as_dict() for q in lib]
    assert json.loads(open_.output)[0]["deadline"] == "2026-10-30"

    status = run(ws, "status", "--month", "2026-10")
    assert "未答复的村民质询 2 条，其中逾期未答复 1 条" in status.output
    assert "Q2026-001" in status.output and "逾期未答复" in status.output

    out = publish(ws)
    assert out.exit_code == 0 and "villagefin-2026-10.zip" in out.output
    page = (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "村民质询与答复" in page and "待答复（答复期限 2026-10-30）" in page
    assert "10包，已入库。" in page and "2026年11月5日答复" in page
    sheet = pdftext(ws / "site" / "2026-10" / "xinjie" / "noticeboard.pdf")
    assert "村民质询与答复" in sheet and "Q2026-003" in sheet and "待答复（答复期限 2026-10-30）" in sheet


def test_answer_replaced_keeps_the_earlier_in_the_archive_and_adds_no_revision(published):
    ws = published
    add(ws, "--item", "2", "--question", "电费为何比上月高？", "--received", "2026-11-06")
    assert run(ws, "query", "answer", "q2026-001", "--answer", "十月抽水灌溉用电。").exit_code == 0
    assert publish(ws).exit_code == 0
    page = ws / "site" / "2026-10" / "xinjie" / "index.html"
    assert "十月抽水灌溉用电。" in page.read_text(encoding="utf-8")
    again = run(ws, "query", "answer", "Q2026-001", "--answer", "十月抽水灌溉和路灯用电，已附电费单。")
    assert again.exit_code == 0 and "替换了此前的答复" in again.output
    out = publish(ws)
    assert out.exit_code == 0 and "已按存档重写输出" in out.output
    text = page.read_text(encoding="utf-8")
    assert "十月抽水灌溉和路灯用电，已附电费单。" in text and "十月抽水灌溉用电。" not in text
    listed = json.loads(run(ws, "query", "list", "--format", "json").output)
    assert listed[0]["answers"] == 2
    assert revisions(ws, "xinjie") == 1 and revisions(ws, "hexi") == 1
    manifest = json.loads((ws / "site" / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["villages"]["xinjie"]["annex_key"] and not manifest["villages"]["hexi"]["annex_key"]
    # the hexi folder was not redrawn
    assert "村民质询与答复" in (ws / "site" / "2026-10" / "hexi" / "index.html").read_text(encoding="utf-8")
    assert "Q2026" not in (ws / "site" / "2026-10" / "hexi" / "index.html").read_text(encoding="utf-8")


def test_a_later_month_publish_redraws_the_earlier_month_with_its_queries(published):
    ws = published
    write_ledger(ws, "xinjie", [expense_row(6, "记-001", "购买11月村部办公用品", 300, month=11)],
                 name="2026-11.xlsx", sheet="11月")
    write_ledger(ws, "hexi", [expense_row(7, "记-001", "支付11月保洁工资", 900, month=11)],
                 name="2026-11.xlsx", sheet="11月")
    add(ws, "--item", "3", "--question", "护栏维修为何要2万多？", "--received", "2026-11-10")
    run(ws, "query", "answer", "Q2026-001", "--answer", "护栏长120米，按决议招标。")
    nov = run(ws, "publish", "--month", "2026-11", "--date", "2026-12-05")
    assert nov.exit_code == 0, nov.output
    assert "villagefin-2026-10.zip" in nov.output  # the October bundle changed: upload it again
    october = (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "护栏长120米，按决议招标。" in october
    with zipfile.ZipFile(ws / "site" / "villagefin-2026-10.zip") as zf:
        assert "护栏长120米" in zf.read("2026-10/xinjie/index.html").decode("utf-8")
    assert revisions(ws, "xinjie") == 1
    # November unchanged, a new query on October: the next publish of November redraws October only
    add(ws, "--item", "1", "--question", "打印纸买了几包？", "--received", "2026-12-01")
    nov_again = run(ws, "publish", "--month", "2026-11", "--date", "2026-12-05")
    assert nov_again.exit_code == 0, nov_again.output
    assert "villagefin-2026-10.zip" in nov_again.output and "villagefin-2026-11.zip，" not in nov_again.output
    assert "打印纸买了几包？" in (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "Q2026-002" in pdftext(ws / "site" / "2026-10" / "xinjie" / "noticeboard.pdf")
    with zipfile.ZipFile(ws / "site" / "villagefin-2026-10.zip") as zf:
        assert "打印纸买了几包？" in zf.read("2026-10/xinjie/index.html").decode("utf-8")
    assert revisions(ws, "xinjie") == 1


def test_asker_never_public_and_hostile_text_escaped_neutralised_masked(published):
    ws = published
    question = f"=cmd|' /C calc'!A0 <script>alert(1)</script> 身份证{ID} 手机{MOBILE}"
    answer = f"+SUM(1) <img src=x onerror=alert(2)> 卡号{CARD} 联系0086 139-1234-5678"
    assert add(ws, "--item", "1", "--question", question, "--asker", ASKER).exit_code == 0
    assert run(ws, "query", "answer", "Q2026-001", "--answer", answer, "--by", ASKER).exit_code == 0
    assert publish(ws).exit_code == 0
    texts = public_texts(ws / "site")
    assert any("Q2026-001" in t for t in texts.values())
    for name, text in texts.items():
        assert ASKER not in text, name
        assert ID not in text and MOBILE not in text and CARD not in text, name
        assert "1391234" not in text.replace("-", ""), name
        if name.endswith(".html"):
            assert "<script>alert" not in text and "<img src=x" not in text, name
    page = texts[str(ws / "site" / "2026-10" / "xinjie" / "index.html")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "340103********1234" in page
    csv_text = texts[str(ws / "site" / "2026-10" / "xinjie" / "queries.csv")]
    assert "'=cmd|" in csv_text and "'+SUM(1)" in csv_text
    assert "queries.csv" in page
    # the internal list shows what was registered (it is not public)
    assert ID in json.loads(run(ws, "query", "list", "--format", "json").output)[0]["question"]


def test_ask_line_on_every_sheet_and_page_with_the_reply_days(tmp_path):
    ws = make_workspace(tmp_path, gate=False)
    text = (ws / "villagefin.toml").read_text(encoding="utf-8").replace("reply_days = 10", "reply_days = 7")
    (ws / "villagefin.toml").write_text(text, encoding="utf-8")
    assert publish(ws).exit_code == 0
    line = "对任一笔收支有疑问，请拨打监督电话0550-7000000或投意见箱，说明村名、月份和序号；7日内答复并公开。"
    for vid in ("xinjie", "hexi"):
        assert line in (ws / "site" / "2026-10" / vid / "index.html").read_text(encoding="utf-8")
        assert line in pdftext(ws / "site" / "2026-10" / vid / "noticeboard.pdf").replace("\n", "").replace(" ", "")
    assert add(ws, "--item", "1", "--question", "打印纸？", "--received", "2026-11-10").output.count("2026-11-17") == 1


def test_a_query_stays_on_its_line_after_a_correction(published):
    ws = published
    add(ws, "--item", "3", "--question", "护栏维修为何要2万多？", "--received", "2026-11-10")
    # a line is inserted before it: the correction renumbers, the query keeps revision 1 序号3
    write_ledger(ws, "xinjie", [expense_row(8, "记-000", "补记：购买墨盒", 90), *XINJIE_ROWS])
    assert publish(ws, "--correct", "补记墨盒").exit_code == 0
    page = (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "序号3 凭证 记-003 修补李洼组桥头护栏" in page
    later = add(ws, "--item", "4", "--question", "还是护栏", "--received", dt.date(2026, 11, 12).isoformat())
    assert "第2版 序号4 凭证 记-003" in later.output


def test_query_commands_never_load_the_readers_or_renderers(published):
    """SPEC 9a: query add/answer/list under 0.5 s — their path imports no spreadsheet reader or PDF/HTML renderer."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from villagefin import commands\n"
        "for argv in (['query', 'add', '--village', 'xinjie', '--month', '2026-10', '--item', '1', '--question', 'q'],\n"
        "             ['query', 'answer', 'Q2026-001', '--answer', 'a'], ['query', 'list', '--format', 'json']):\n"
        "    try:\n"
        "        commands.main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (argv, exc.code)\n"
        "heavy = [m for m in ('reportlab', 'jinja2', 'openpyxl', 'pandas', 'PIL', 'pypdf') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=published, capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout


def test_publishing_an_earlier_month_names_every_bundle_it_rebuilt(published):
    """SPEC 14, 18: the root index lists the new month, so every month's zip is rebuilt; the report names each
    (the accountant uploads them again), not only the month published."""
    ws = published
    for month in (9, 11):
        write_ledger(ws, "xinjie", [expense_row(6, "记-001", f"购买{month}月村部办公用品", 300, month=month)],
                     name=f"2026-{month:02d}.xlsx", sheet=f"{month}月")
    nov = run(ws, "publish", "--month", "2026-11", "--date", "2026-12-05", "--village", "xinjie")
    assert nov.exit_code == 0, nov.output
    zips = {m: (ws / "site" / f"villagefin-{m}.zip").read_bytes() for m in ("2026-10", "2026-11")}
    sep = run(ws, "publish", "--month", "2026-09", "--date", "2026-10-05", "--village", "xinjie")
    assert sep.exit_code == 0, sep.output
    changed = [m for m, data in zips.items() if (ws / "site" / f"villagefin-{m}.zip").read_bytes() != data]
    assert changed == ["2026-10", "2026-11"]  # October relinked, November for the root index alone
    [line] = [x for x in sep.output.splitlines() if "请重新上传" in x]
    assert "villagefin-2026-10.zip" in line and "villagefin-2026-11.zip" in line, sep.output
    assert "villagefin-2026-09.zip" in sep.output  # the month published: its own bundle line
    again = run(ws, "publish", "--month", "2026-09", "--date", "2026-10-05", "--village", "xinjie")
    assert again.exit_code == 0 and "请重新上传" not in again.output  # nothing rebuilt, nothing named

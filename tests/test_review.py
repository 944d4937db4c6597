"""`villagefin review` and the review gate (SPEC 13), through the command line: review copies read back with
poppler, conclusions recorded in the archive, publish held back until the data it would publish are approved."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import HEADER, expense_row, sample_workspace

from villagefin import commands
from villagefin.archive import Archive
from villagefin.config import load_config
from villagefin.publish import run_publish
from villagefin.review import run_review

TOML = """\
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.xinjiezhen.gov.cn"

[publication]
require_review = {gate}

[queries]
reply_days = 10

[[villages]]
id = "xinjie"
name = "新街村"
ledgers = ["ledgers/xinjie/*.xlsx"]

[[villages]]
id = "hexi"
name = "河西村"
ledgers = ["ledgers/hexi/*.xlsx"]
"""

XINJIE_ROWS = [
    expense_row(8, "记-001", "购买村部办公用打印纸10包", 257, handler="郭德", approver="段晓山"),
    expense_row(9, "记-002", "支付10月村部电费", "812.50", category="水电费", payee="天长市供电公司",
                handler="郭德", approver="段晓山"),
    expense_row(12, "记-003", "修补李洼组桥头护栏", "21848.98", category="道路维修", payee="天长市路宝市政工程有限公司",
                handler="郭德", approver="段晓山"),
]
HEXI_ROWS = [expense_row(10, "记-001", "购买河西村垃圾桶20个", 1600, handler="赵六", approver="钱七")]


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                 "help_option_names": []})
@click.argument("argv", nargs=-1, type=click.UNPROCESSED)
def _entry(argv) -> None:
    commands.main(list(argv))


@contextmanager
def _cwd(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run(ws: Path, *args: str):
    """`villagefin ARGS` in workspace `ws` (the console entry point: Chinese errors, exit codes)."""
    with _cwd(ws):
        result = CliRunner().invoke(_entry, list(args), catch_exceptions=False)
    return result


def write_ledger(ws: Path, village: str, rows, name: str = "2026-10.xlsx", sheet: str = "10月") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws_ = wb.active
    ws_.title = sheet
    ws_.append(HEADER)
    for r in rows:
        ws_.append(list(r))
    path = ws / "ledgers" / village / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def make_workspace(tmp_path: Path, gate: bool = True) -> Path:
    ws = tmp_path / "新街镇"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(TOML.format(gate="true" if gate else "false"), encoding="utf-8")
    write_ledger(ws, "xinjie", XINJIE_ROWS)
    write_ledger(ws, "hexi", HEXI_ROWS)
    return ws


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def publish(ws: Path, *extra: str):
    return run(ws, "publish", "--month", "2026-10", "--date", "2026-11-05", *extra)


def approve(ws: Path, village: str = "xinjie", by: str = "王建国,李秀英", *extra: str):
    return run(ws, "review", "--month", "2026-10", "--village", village, "--approve", "--by", by,
               "--date", "2026-11-04", *extra)


def revisions(ws: Path, village: str) -> int:
    with Archive(ws, create=False) as arc:
        return len(arc.revisions(village, "2026-10"))


@pytest.fixture
def gated(tmp_path: Path) -> Path:
    return make_workspace(tmp_path, gate=True)


def test_gate_on_nothing_unreviewed_goes_out_then_the_approved_village_does(gated):
    ws = gated
    first = publish(ws)
    assert first.exit_code == 1, first.output
    assert "新街村（xinjie）：待审核" in first.output and "河西村（hexi）：待审核" in first.output
    assert not (Path(ws) / ".villagefin" / "archive.sqlite").exists() or revisions(ws, "xinjie") == 0
    page = (ws / "site" / "2026-10" / "index.html").read_text(encoding="utf-8")
    assert page.count("待审核") >= 2

    copies = run(ws, "review", "--month", "2026-10")
    assert copies.exit_code == 0, copies.output
    copy = ws / "review" / "2026-10" / "xinjie-审核稿.pdf"
    assert copy.is_file() and (ws / "review" / "2026-10" / "hexi-审核稿.pdf").is_file()
    text = pdftext(copy)
    assert "新街村2026年10月财务支出明细公开表" in text and "修补李洼组桥头护栏" in text
    record = text.split("\f")[-2]  # the last page: the 审核记录
    for words in ("审核记录", "数据指纹", "审核人姓名", "签字", "审核意见", "同意公开", "修改后公开", "不同意公开",
                  "审核日期", "22,918.48"):
        assert words in record, words
    with Archive(ws, create=False) as arc:
        fp = arc.latest_review_copy("xinjie", "2026-10").fingerprint
    assert fp in record

    ok = approve(ws, "xinjie", "王建国,李秀英", "--opinion", "账实相符，同意公开")
    assert ok.exit_code == 0, ok.output
    second = publish(ws)
    assert second.exit_code == 1  # hexi still waits
    assert "新街村（xinjie）：已公开" in second.output and "河西村（hexi）：待审核" in second.output
    assert revisions(ws, "xinjie") == 1 and revisions(ws, "hexi") == 0
    line = "审核意见：账实相符，同意公开。审核人：王建国、李秀英 2026-11-04"
    assert line in pdftext(ws / "site" / "2026-10" / "xinjie" / "noticeboard.pdf").replace("\n", "")
    assert line in (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    status = run(ws, "status", "--month", "2026-10")
    assert "河西村（hexi）" in status.output and "待审核" in status.output
    assert "已审核" in status.output.split("新街村（xinjie）", 1)[1].split("\n", 1)[0]
    # the gate never applies to a preview, nor to re-rendering what is already published
    preview = run(ws, "publish", "--month", "2026-10", "--preview")
    assert preview.exit_code == 0, preview.output
    reject = run(ws, "review", "--month", "2026-10", "--village", "xinjie", "--reject", "--by", "王建国",
                 "--fingerprint", fp)
    assert reject.exit_code == 0
    again = publish(ws)
    assert "新街村（xinjie）：数据未变" in again.output or "新街村（xinjie）：已按存档重写输出" in again.output
    assert revisions(ws, "xinjie") == 1 and (ws / "site" / "2026-10" / "xinjie" / "index.html").is_file()

    history = run(ws, "history", "--month", "2026-10")
    assert "审核记录" in history.output and "同意公开" in history.output and fp in history.output


def test_approval_then_changed_data_closes_the_gate(gated):
    ws = gated
    assert run(ws, "review", "--month", "2026-10", "--village", "xinjie").exit_code == 0
    assert approve(ws).exit_code == 0
    assert publish(ws, "--village", "xinjie").exit_code == 0
    # the ledger changes after publication: --correct needs a new approval
    write_ledger(ws, "xinjie", [*XINJIE_ROWS, expense_row(20, "记-004", "购买灭火器4具", 480, handler="郭德")])
    corr = publish(ws, "--village", "xinjie", "--correct", "补记漏登的灭火器")
    assert corr.exit_code == 1 and "待审核" in corr.output
    assert revisions(ws, "xinjie") == 1
    assert "待审核" in run(ws, "status", "--month", "2026-10").output
    # the old review copy no longer shows these data: nothing is recorded
    stale = approve(ws)
    assert stale.exit_code == 1 and "未登记" in stale.output
    with Archive(ws, create=False) as arc:
        assert len(arc.reviews("xinjie", "2026-10")) == 1
    assert run(ws, "review", "--month", "2026-10", "--village", "xinjie").exit_code == 0
    assert approve(ws).exit_code == 0
    corr = publish(ws, "--village", "xinjie", "--correct", "补记漏登的灭火器")
    assert corr.exit_code == 0, corr.output
    assert revisions(ws, "xinjie") == 2


def test_reject_and_revise_hold_the_village_back_as_not_passed(gated):
    ws = gated
    assert run(ws, "review", "--month", "2026-10").exit_code == 0
    rej = run(ws, "review", "--month", "2026-10", "--village", "xinjie", "--reject", "--by", "王建国",
              "--opinion", "护栏维修缺少验收单")
    assert rej.exit_code == 0 and "不同意公开" in rej.output
    rev = run(ws, "review", "--month", "2026-10", "--village", "hexi", "--revise", "--by", "王建国")
    assert rev.exit_code == 0 and "修改后公开" in rev.output
    out = publish(ws)
    assert out.exit_code == 1
    assert "新街村（xinjie）：审核未通过" in out.output and "河西村（hexi）：审核未通过" in out.output
    assert revisions(ws, "xinjie") == 0
    township = (ws / "site" / "2026-10" / "index.html").read_text(encoding="utf-8")
    assert township.count("审核未通过") >= 2
    manifest = json.loads((ws / "site" / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["statuses"]["xinjie"] == "review-rejected"
    assert "审核未通过" in run(ws, "status", "--month", "2026-10").output


def test_gate_off_publishes_unreviewed_and_a_later_approval_shows_without_a_new_revision(tmp_path):
    ws = make_workspace(tmp_path, gate=False)
    assert publish(ws).exit_code == 0
    page = ws / "site" / "2026-10" / "xinjie" / "index.html"
    assert "审核意见" not in page.read_text(encoding="utf-8")
    assert run(ws, "review", "--month", "2026-10", "--village", "xinjie").exit_code == 0
    assert approve(ws, "xinjie", "王建国", "--opinion", "同意<b>公开</b>，联系13812345678").exit_code == 0
    again = publish(ws)
    assert again.exit_code == 0, again.output
    assert "已按存档重写输出" in again.output and "villagefin-2026-10.zip" in again.output
    html = page.read_text(encoding="utf-8")
    assert "审核意见：同意&lt;b&gt;公开&lt;/b&gt;，联系138****5678。审核人：王建国 2026-11-04" in html
    assert "13812345678" not in html
    assert "13812345678" not in pdftext(ws / "site" / "2026-10" / "xinjie" / "noticeboard.pdf")
    assert revisions(ws, "xinjie") == 1
    # nothing changed since: nothing is rewritten
    assert "数据没有变化" in publish(ws).output


def test_reviewer_conflict_is_a_warning_from_review_and_publish(gated):
    ws = gated
    assert run(ws, "review", "--month", "2026-10", "--village", "xinjie").exit_code == 0
    ok = approve(ws, "xinjie", "王建国,郭德")
    assert ok.exit_code == 0
    assert "reviewer-conflict" in ok.output and "郭德" in ok.output and "序号 1、2、3" in ok.output
    out = publish(ws, "--village", "xinjie")
    assert out.exit_code == 0 and "reviewer-conflict" in out.output


def test_review_usage_errors_and_villages_with_errors(gated):
    ws = gated
    no_copy = approve(ws)
    assert no_copy.exit_code == 2 and "还没有审核稿" in no_copy.output
    bad_fp = approve(ws, "xinjie", "王建国", "--fingerprint", "not-hex")
    assert bad_fp.exit_code == 2 and "数据指纹" in bad_fp.output
    no_village = run(ws, "review", "--month", "2026-10", "--approve", "--by", "王建国")
    assert no_village.exit_code == 2 and "--village" in no_village.output
    no_by = run(ws, "review", "--month", "2026-10", "--village", "xinjie", "--approve")
    assert no_by.exit_code == 2 and "--by" in no_by.output
    stray = run(ws, "review", "--month", "2026-10", "--by", "王建国")
    assert stray.exit_code == 2
    # a village with an error gets no copy; exit 1
    write_ledger(ws, "hexi", [expense_row(10, "记-001", "购买河西村垃圾桶20个", "12.345")])
    out = run(ws, "review", "--month", "2026-10")
    assert out.exit_code == 1 and "bad-amount" in out.output
    assert (ws / "review" / "2026-10" / "xinjie-审核稿.pdf").is_file()
    assert not (ws / "review" / "2026-10" / "hexi-审核稿.pdf").exists()
    # an explicit fingerprint of the data now is enough, with no copy written for them
    with Archive(ws, create=False) as arc:
        fp = arc.latest_review_copy("xinjie", "2026-10").fingerprint
    assert approve(ws, "xinjie", "王建国", "--fingerprint", fp.upper()).exit_code == 0


def test_config_refuses_a_require_review_that_is_not_a_boolean(tmp_path):
    ws = make_workspace(tmp_path)
    text = (ws / "villagefin.toml").read_text(encoding="utf-8").replace("require_review = true",
                                                                         'require_review = "yes"')
    (ws / "villagefin.toml").write_text(text, encoding="utf-8")
    out = run(ws, "review", "--month", "2026-10")
    assert out.exit_code == 2 and "require_review" in out.output


def test_review_copy_shows_the_scans_covered_as_they_will_be_published(tmp_path):
    """SPEC 15: OCR runs in review too — the copy's receipt pages are the covered images that publish writes,
    never the raw scans with full ID, mobile and card numbers (the samples' verdicts are in their OCR cache)."""
    import datetime as dt
    import hashlib

    from conftest import sample_workspace

    from villagefin.config import load_config
    from villagefin.publish import run_publish
    from villagefin.review import RECEIPTS_CACHE, run_review

    ws = sample_workspace(tmp_path / "新街镇")
    config = load_config(ws)
    review = run_review(config, month="2026-10", villages=["xinjie"], today=dt.date(2026, 11, 3))
    assert review.exit_code == 0
    assert "receipt-redacted" in {f.code for f in review.warnings}
    run_publish(config, month="2026-10", villages=["xinjie"], today=dt.date(2026, 11, 5))
    shown = ws / RECEIPTS_CACHE / "2026-10" / "xinjie" / "receipts"
    published = ws / "site" / "2026-10" / "xinjie" / "receipts"

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.jpg")}

    assert digests(shown) and digests(shown) == digests(published)
    raw = {hashlib.sha256(p.read_bytes()).hexdigest()
           for p in (ws / "ledgers" / "xinjie" / "receipts" / "2026-10").rglob("记-02[45]*")}
    assert raw and not raw & set(digests(shown).values())  # the scans with numbers are not shown raw


# -- the review copy of a 收支 village (SPEC 12.4, 13): the sheet publish draws, and the figures it prints ----------

MONEY_SAMPLES = ("dongfeng", "qianjin", "shuanglong")  # the samples' 收支 villages with no errors
#: the 「审核稿」 watermark: big rotated glyphs, which pdftotext puts each on a line of its own
WATERMARK = {"审", "核", "稿"}
AMOUNT = re.compile(r"-?\d[\d,]*\.\d\d")


@pytest.fixture(scope="module")
def money_copies(tmp_path_factory) -> Path:
    """The sample township: review copies of its 收支 villages, then the same month published."""
    ws = sample_workspace(tmp_path_factory.mktemp("review-money") / "新街镇")
    review = run_review(load_config(ws), month="2026-10", villages=MONEY_SAMPLES, today=dt.date(2026, 11, 5))
    assert review.exit_code == 0, review.villages
    run_publish(load_config(ws), month="2026-10", villages=MONEY_SAMPLES, today=dt.date(2026, 11, 5))
    return ws


def _pages(path: Path) -> list[str]:
    return pdftext(path).split("\f")[:-1]


def _body(page: str) -> list[str]:
    """A page's lines of text, without the watermark's glyphs and blank lines."""
    return [line for line in page.splitlines() if line.strip() and line.strip() not in WATERMARK]


def _figures(line: str) -> list[Decimal]:
    return [Decimal(a.replace(",", "")) for a in AMOUNT.findall(line)]


@pytest.mark.parametrize("vid", MONEY_SAMPLES)
def test_review_copy_of_a_shouzhi_village_is_its_published_sheet_watermarked(money_copies, vid):
    ws = money_copies
    copy = _pages(ws / "review" / "2026-10" / f"{vid}-审核稿.pdf")
    sheet = _pages(ws / "site" / "2026-10" / vid / "noticeboard.pdf")
    doc = json.loads((ws / "site" / "2026-10" / vid / "expenses.json").read_bytes())
    assert len(copy) == len(sheet) + 1  # the published sheet's pages, then the 审核记录 (these villages have no scans)
    for n, page in enumerate(copy, 1):
        assert WATERMARK <= {line.strip() for line in page.splitlines()}, f"第 {n} 页没有「审核稿」水印"
    assert [_body(p) for p in copy[:-1]] == [_body(p) for p in sheet]  # word for word what will be posted
    text = "\n".join(copy[:-1])
    assert "财务收支明细公开表" in text
    for title in ("一、资金概况", "二、收入明细", "三、支出明细", "四、其他收付"):
        assert title in text, title
    assert doc["income"] and re.findall(r"^\s*(收\d+)\s", text, re.M) == [i["seq"] for i in doc["income"]]
    assert re.findall(r"^\s*(其\d+)\s", text, re.M) == [f["seq"] for f in doc["flows"]]
    assert len(re.findall(r"^\s*\d+\s+10月\d+日", text, re.M)) == len(doc["expenses"])

    # the 审核记录 gives the figures the sheet prints: income, expenses, other flows, closing balances
    record = copy[-1]
    assert "审核记录" in record and "审核人姓名" in record

    def fact(label: str) -> str:
        return next(line for line in _body(record) if line.split()[0] == label)

    printed = "\n".join(sheet)
    for label, total_line, count, total in (
            ("收入", "本月收入合计", len(doc["income"]), doc["income_total"]),
            ("支出", "本月支出合计", len(doc["expenses"]), f"{sum(Decimal(e['amount']) for e in doc['expenses']):.2f}"),
            ("其他收款", "其他收款合计", sum(f["direction"] == "收" and f["type"] != "内部转账" for f in doc["flows"]),
             f"{sum(Decimal(f['amount']) for f in doc['flows'] if f['direction'] == '收' and f['type'] != '内部转账'):.2f}"),
            ("其他付款", "其他付款合计", sum(f["direction"] == "付" and f["type"] != "内部转账" for f in doc["flows"]),
             f"{sum(Decimal(f['amount']) for f in doc['flows'] if f['direction'] == '付' and f['type'] != '内部转账'):.2f}")):
        on_sheet = re.search(rf"{total_line}（共 (\d+) 笔(?:，不含内部转账)?）\s+(-?[\d,]+\.\d\d)", printed)
        said = re.search(r"(\d+) 笔，合计 (-?[\d,]+\.\d\d) 元", fact(label))
        assert on_sheet and said, label
        assert said.groups() == on_sheet.groups(), label
        assert (int(said.group(1)), _figures(said.group(2))) == (count, [Decimal(total)]), label
    for label, total_line in (("收入", "本月收入合计"), ("支出", "本月支出合计")):  # and in 大写
        lines = printed.splitlines()
        at = next(i for i, line in enumerate(lines) if total_line in line)
        capitals = lines[at + 1].strip()
        assert capitals.startswith("人民币大写：") and capitals in fact(label), label
    closing = next(line for line in printed.splitlines() if line.strip().startswith("本月结余"))
    cash, bank = (Decimal(doc["balances"][c]["closing"]) for c in ("cash", "bank"))
    assert _figures(fact("本月结余")) == _figures(closing) == [cash, bank, cash + bank]


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_record_page_headings_stay_in_their_cells(tmp_path, orientation):
    """The 审核人 table's heading 「职务（村务监督委员会 / 民主理财小组）」 ran into 「签字」 (portrait: over it)."""
    from test_money_pdf import _money_view
    from test_pdf import bbox_words

    from villagefin.fonts import find_font
    from villagefin.render.pdf_review import ReviewSheet, render_review_copy

    out = tmp_path / "copy.pdf"
    pages = render_review_copy(_money_view(3), out, font=find_font(allow_fallback=False), orientation=orientation,
                               sheet=ReviewSheet(written=dt.datetime(2026, 11, 4, 9), record_hint="villagefin review"))
    words = [w for w in bbox_words(out) if w[0] == pages]
    name = next(w for w in words if w[1] == "审核人姓名")
    row = sorted((w for w in words if abs(w[3] - name[3]) < 1), key=lambda w: w[2])
    assert [w[1] for w in row][0] == "审核人姓名" and row[-1][1] == "签字", row
    assert "职务" in "".join(w[1] for w in row)
    assert row[0][4] + 4 < row[1][2] and row[-2][4] + 4 < row[-1][2], row  # a gap between the cells' texts

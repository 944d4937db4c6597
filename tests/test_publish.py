"""`villagefin publish` on a copy of the sample township (SPEC 5.1, 5.2, 5.6, 7): real PDFs read back with
poppler, the archive, revisions, atomic replacement. The clock is passed in (`today=`), never read."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PORTAL, SAMPLES, sample_workspace

from villagefin.archive import Archive
from villagefin.config import load_config
from villagefin.errors import FontError, PublishRefused
from villagefin.model import RunOptions
from villagefin.publish import run_publish

EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 5)


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "新街镇"
    sample_workspace(target)
    return target


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One official publication of the samples, shared by the read-only tests below."""
    ws = tmp_path_factory.mktemp("pub") / "ws"
    sample_workspace(ws)
    result = run_publish(load_config(ws), month="2026-10", today=TODAY)
    return ws, result


def test_official_publication_layout_and_exit(published):
    ws, result = published
    site = ws / "site"
    month = site / "2026-10"
    assert result.exit_code == 1  # shiqiao has errors and is skipped
    outcome = {o.village_id: o.outcome for o in result.outcomes}
    assert outcome.pop("shiqiao") == "errors"
    assert set(outcome.values()) == {"new"}
    assert result.publication_date == TODAY and result.on_time
    for name in ("index.html", "assets/site.css", "villagefin-2026-10.zip", "2026-10/index.html",
                 "2026-10/summary.pdf", "2026-10/manifest.json", "2026-10/print-all.pdf"):
        assert (site / name).is_file(), name
    for vid in outcome:
        for name in ("noticeboard.pdf", "index.html", "expenses.csv", "expenses.json"):
            assert (month / vid / name).is_file(), (vid, name)
    assert not (month / "shiqiao").exists()
    assert not [p for p in site.rglob(".vf-*")]  # no temp files left


def test_manifest_lists_every_file_with_hash_and_size(published):
    ws, _ = published
    month = ws / "site" / "2026-10"
    manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(month).as_posix() for p in month.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        data = (month / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert set(manifest["villages"]) == set(EXPECTED["villages"]) - {"shiqiao"}
    assert manifest["statuses"]["shiqiao"] == "blocked"  # a code; people read VillageStatus.text
    for vid, v in manifest["villages"].items():
        assert (v["expenses"], v["total"]) == (EXPECTED["villages"][vid]["expenses"], EXPECTED["villages"][vid]["total"])


def test_noticeboard_shows_every_voucher_and_amount_and_totals(published):
    ws, _ = published
    data = json.loads((ws / "site/2026-10/hexi/expenses.json").read_text(encoding="utf-8"))
    text = pdftext(ws / "site/2026-10/hexi/noticeboard.pdf")
    flat = text.replace(" ", "")
    for e in data["expenses"]:
        assert e["voucher"] in text
        assert f"{Decimal(e['amount']):,.2f}" in flat
    assert "河西村2026年10月财务支出明细公开表" in flat
    assert "本月合计" in flat and "97,045.01" in flat
    from villagefin.money import capitals

    assert capitals(Decimal("97045.01")) in flat
    assert "0550-7000000" in flat and "第1页共" in flat
    assert data["count"] == EXPECTED["villages"]["hexi"]["expenses"]


def test_font_is_embedded(published):
    ws, _ = published
    out = subprocess.run(["pdffonts", str(ws / "site/2026-10/xinjie/noticeboard.pdf")], capture_output=True,
                         text=True, check=True).stdout
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), out


def test_nothing_private_in_any_public_file(published):
    ws, _ = published
    privacy = EXPECTED["privacy"]
    originals = [privacy["citizen_id"], privacy["mobile"], privacy["card"]]
    masked_seen = False
    site = ws / "site"
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix in (".jpg", ".png", ".zip"):
            continue
        body = pdftext(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8-sig")
        body = body.replace(" ", "")
        for secret in originals:
            assert secret not in body, (path, secret)
        masked_seen = masked_seen or privacy["citizen_id_masked"] in body
    assert masked_seen  # the masked form is published, so the test looks at the right text


def test_archive_records_every_publication(published):
    ws, _ = published
    with Archive(ws) as arc:
        latest = arc.latest_of_period("2026-10")
    assert set(latest) == set(EXPECTED["villages"]) - {"shiqiao"}
    assert all(p.revision == 1 and p.on_time for p in latest.values())
    assert latest["hexi"].total == Decimal(EXPECTED["villages"]["hexi"]["total"])


def test_zip_holds_month_root_index_and_assets(published):
    ws, _ = published
    with zipfile.ZipFile(ws / "site" / "villagefin-2026-10.zip") as zf:
        names = set(zf.namelist())
    assert {"index.html", "assets/site.css", "2026-10/index.html", "2026-10/hexi/noticeboard.pdf"} <= names


def test_unfinished_month_needs_preview(workspace):
    config = load_config(workspace)
    with pytest.raises(PublishRefused):
        run_publish(config, month="2026-10", today=dt.date(2026, 10, 20))
    result = run_publish(config, month="2026-10", today=dt.date(2026, 10, 20), preview=True)
    assert result.exit_code == 0  # preview allows errors
    assert (workspace / "preview" / "2026-10" / "shiqiao" / "noticeboard.pdf").is_file()
    assert "预览稿" in pdftext(workspace / "preview" / "2026-10" / "hexi" / "noticeboard.pdf")
    assert not (workspace / ".villagefin" / "archive.sqlite").exists()  # nothing archived


def test_preview_never_writes_over_an_official_month(workspace):
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY)
    with pytest.raises(PublishRefused):
        run_publish(config, month="2026-10", today=TODAY, preview=True, out=workspace / "site")


def test_publication_date_rules(workspace):
    config = load_config(workspace)
    early = run_publish(config, month="2026-10", today=dt.date(2026, 11, 2), villages=["hexi"])
    assert early.publication_date == dt.date(2026, 11, 5) and early.on_time
    late = run_publish(config, month="2026-09", today=dt.date(2026, 11, 9), villages=["hexi"], preview=True)
    assert late.publication_date == dt.date(2026, 11, 9) and not late.on_time


def test_republish_unchanged_rewrites_nothing_and_changed_needs_correct(workspace):
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY)
    before = snapshot(workspace / "site")
    again = run_publish(config, month="2026-10", today=dt.date(2026, 11, 20))
    assert not again.rewritten and {o.outcome for o in again.outcomes} == {"unchanged", "errors"}
    assert snapshot(workspace / "site") == before
    # a change of settings alone is not a change of data: the month is drawn again from the archive with the
    # new settings (SPEC 16), no revision added; then it is unchanged again
    toml = workspace / "villagefin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("0550-7000000", "0550-7000001"), encoding="utf-8")
    config = load_config(workspace)
    settings_only = run_publish(config, month="2026-10", today=dt.date(2026, 11, 20))
    assert settings_only.rewritten and {o.outcome for o in settings_only.outcomes} == {"rerendered", "errors"}
    assert "0550-7000001" in pdftext(workspace / "site/2026-10/hexi/noticeboard.pdf")
    before = snapshot(workspace / "site")
    assert not run_publish(config, month="2026-10", today=dt.date(2026, 11, 20)).rewritten
    assert snapshot(workspace / "site") == before
    # a changed ledger: refused without --correct, the earlier output untouched
    csv = workspace / "ledgers" / "hexi" / "2026年10月.csv"
    text = csv.read_bytes().decode("gb18030")
    assert "记-001" in text or "记-1" in text
    lines = text.splitlines(keepends=True)
    data_lines = [i for i, line in enumerate(lines) if line.strip(",\r\n")]
    del lines[data_lines[-1]]  # drop the last expense
    csv.write_bytes("".join(lines).encode("gb18030"))
    refused = run_publish(config, month="2026-10", today=dt.date(2026, 11, 20))
    assert {o.village_id: o.outcome for o in refused.outcomes}["hexi"] == "refused"
    assert refused.exit_code == 1
    assert snapshot(workspace / "site") == before  # refused: nothing rewritten
    corrected = run_publish(config, month="2026-10", today=dt.date(2026, 11, 20), correct="删除重复录入的一笔")
    assert {o.village_id: (o.outcome, o.revision) for o in corrected.outcomes}["hexi"] == ("correction", 2)
    hexi = workspace / "site/2026-10/hexi"
    assert (hexi / "revisions/r1/noticeboard.pdf").is_file() and (hexi / "revisions/r1/expenses.json").is_file()
    text = pdftext(hexi / "noticeboard.pdf").replace(" ", "")
    assert "更正" in text and "删除重复录入的一笔" in text
    assert "已更正" in (workspace / "site/2026-10/index.html").read_text(encoding="utf-8")
    with Archive(workspace) as arc:
        assert [p.revision for p in arc.revisions("hexi", "2026-10")] == [1, 2]
        assert arc.latest("hexi", "2026-10").changed == ("记-026",)  # one of its two rows was removed


def test_a_failed_publish_leaves_the_earlier_output_whole(workspace, monkeypatch):
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    before = snapshot(workspace / "site")
    import villagefin.site.build as site

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(site, "render_village", boom)
    with pytest.raises(RuntimeError):
        run_publish(config, month="2026-10", today=TODAY, villages=["xinjie"], options=RunOptions(inline=True))
    assert snapshot(workspace / "site") == before
    assert not [p for p in (workspace / "site").iterdir() if p.name.startswith(".vf-")]


def test_output_killed_after_archiving_is_rebuilt_from_the_archive(workspace, monkeypatch):
    config = load_config(workspace)
    import villagefin.site.build as site

    def killed(build, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(site, "swap_in", killed)
    with pytest.raises(KeyboardInterrupt):
        run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    monkeypatch.undo()
    assert not (workspace / "site" / "2026-10").exists()
    again = run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    assert {o.village_id: o.outcome for o in again.outcomes}["hexi"] == "rewritten"
    assert (workspace / "site/2026-10/hexi/noticeboard.pdf").is_file()
    with Archive(workspace) as arc:
        assert [p.revision for p in arc.revisions("hexi", "2026-10")] == [1]


def test_village_option_keeps_the_other_villages_as_they_were(workspace):
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    hexi_before = snapshot(workspace / "site/2026-10/hexi")
    run_publish(config, month="2026-10", today=TODAY, villages=["xinjie"])
    assert snapshot(workspace / "site/2026-10/hexi") == hexi_before
    assert (workspace / "site/2026-10/xinjie/noticeboard.pdf").is_file()


def test_year_to_date_says_where_it_starts(workspace):
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    text = pdftext(workspace / "site/2026-10/hexi/noticeboard.pdf").replace(" ", "")
    assert "本年累计（自10月起）" in text


def test_official_publication_without_font_stops(workspace, monkeypatch):
    import villagefin.fonts as fonts

    monkeypatch.setattr(fonts, "candidate_paths", lambda: [])
    (workspace / "villagefin.toml").write_text(
        (workspace / "villagefin.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(FontError) as exc:
        run_publish(load_config(workspace), month="2026-10", today=TODAY)
    assert "fonts-wqy-microhei" in str(exc.value)
    result = run_publish(load_config(workspace), month="2026-10", today=TODAY, preview=True)
    assert result.font_note and "fonts-wqy-microhei" in result.font_note


def test_an_invoice_published_last_month_is_a_duplicate_this_month(workspace):
    """SPEC 4: duplicate-invoice also against any month already published."""
    from villagefin.check import run_check

    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    published = json.loads((workspace / "site/2026-10/hexi/expenses.json").read_text(encoding="utf-8"))
    reused = next(e for e in published["expenses"] if e["invoice"])
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "凭证号", "摘要", "金额", "发票号码", "收款方"])
    ws.append([dt.date(2026, 11, 3), "记-001", "购买办公用打印纸10包", 120, reused["invoice"], "天长市文具店"])
    nov = workspace / "ledgers" / "hexi" / "2026-11.xlsx"
    wb.save(nov)
    from villagefin.history import load_history

    report = run_check([str(nov)], config, month="2026-11", published_invoices=load_history(workspace, "2026-11"))
    dup = [f for f in report.findings if f.code == "duplicate-invoice"]
    assert len(dup) == 1 and "2026-10" in dup[0].message and dup[0].row == 2


def test_two_publishes_at_once_lose_nothing(workspace):
    """SPEC 7: one waits for the other; the archive has each village once; both end normally."""
    import sys

    from conftest import REPO

    cmd = [sys.executable, str(REPO / "cli.py"), "publish", "--month", "2026-10", "--date", "2026-11-05",
           "--village", "hexi", "--village", "dongfeng"]
    procs = [subprocess.Popen(cmd, cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode() for o in outs]
    with Archive(workspace) as arc:
        assert [(p.village, p.revision) for p in arc.history()] == [("dongfeng", 1), ("hexi", 1)]
    assert (workspace / "site/2026-10/hexi/noticeboard.pdf").is_file()


def test_characters_the_font_cannot_draw_are_a_warning(workspace):
    csv = workspace / "ledgers" / "hexi" / "2026年10月.csv"
    text = csv.read_bytes().decode("gb18030")
    text = text.replace("召开两委扩大会议误餐", "召开两委扩大会议误餐（𠮷）", 1)
    csv.write_bytes(text.encode("gb18030"))
    result = run_publish(load_config(workspace), month="2026-10", today=TODAY, villages=["hexi"], preview=True)
    glyph = [f for f in result.warnings if f.code == "glyph-missing"]
    assert len(glyph) == 1 and glyph[0].village == "hexi" and "𠮷" in glyph[0].message


def test_qr_code_on_the_sheet_opens_the_village_page(published):
    """The QR code is read back from the printed page (zbarimg, from Debian's zbar-tools)."""
    ws, _ = published
    pdf = ws / "site/2026-10/hexi/noticeboard.pdf"
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                               text=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(pages), "-l", str(pages), str(pdf),
                    str(ws / "qr")], check=True)
    png = next(ws.glob("qr*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.strip()
    assert out == f"{PORTAL}/2026-10/hexi/"


def test_with_receipts_appends_each_scan_once_and_the_site_has_no_originals(workspace):
    from PIL import Image

    result = run_publish(load_config(workspace), month="2026-10", today=TODAY, villages=["xinjie"],
                         with_receipts=True)
    assert result.exit_code == 0
    folder = workspace / "site/2026-10/xinjie"
    images = sorted(p for p in (folder / "receipts").glob("*.jpg"))
    assert images and all((folder / "receipts/thumbs" / p.name).is_file() for p in images)
    text = pdftext(folder / "noticeboard.pdf")
    captions = [line for line in text.splitlines() if "附：原始票据" in line]
    assert len(captions) == len(images)  # each scan once, not once per row of its voucher
    assert any("14,370.00" in c for c in captions)  # 记-002's voucher total
    for p in images:
        with Image.open(p) as im:
            assert max(im.size) <= 1600 and not im.getexif()
        assert b"GPS" not in p.read_bytes()
    originals = {p.name for p in (workspace / "ledgers/xinjie/receipts").rglob("*") if p.is_file()}
    assert not originals & {p.name for p in folder.rglob("*")}


def test_a_second_month_links_back_and_counts_the_year_from_the_first(workspace):
    csv = workspace / "ledgers" / "hexi" / "2026年10月.csv"
    # the same spending a month earlier, on other invoices (a repeated invoice would be a duplicate-invoice)
    import re

    september = re.sub(r"(?<=,)(\d)(\d{7,})(?=,)", lambda m: str((int(m.group(1)) + 1) % 10) + m.group(2),
                       csv.read_bytes().decode("gb18030").replace("2026/10/", "2026/9/"))
    (workspace / "ledgers" / "hexi" / "2026年9月.csv").write_bytes(september.encode("gb18030"))
    sep_csv = workspace / "ledgers" / "hexi" / "2026年9月.csv"
    october = csv.read_bytes()
    csv.unlink()  # September first, with only its own ledger in place
    config = load_config(workspace)
    assert run_publish(config, month="2026-09", today=dt.date(2026, 10, 5), villages=["hexi"]).exit_code == 0
    sep_csv.unlink()
    csv.write_bytes(october)
    oct_result = run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    assert oct_result.exit_code == 0, [(o.outcome, [f.message for f in o.errors]) for o in oct_result.outcomes]
    page = (workspace / "site/2026-10/hexi/index.html").read_text(encoding="utf-8")
    assert "../../2026-09/hexi/index.html" in page
    text = pdftext(workspace / "site/2026-10/hexi/noticeboard.pdf").replace(" ", "")
    assert "本年累计（自9月起）" in text and "194,090.02" in text  # 97,045.01 twice
    root = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert "2026-09/index.html" in root and "2026-10/index.html" in root
    # September's page now links forward, and its folder still matches its manifest
    september_page = (workspace / "site/2026-09/hexi/index.html").read_text(encoding="utf-8")
    assert "../../2026-10/hexi/index.html" in september_page
    manifest = json.loads((workspace / "site/2026-09/manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (workspace / "site/2026-09" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    with Archive(workspace) as arc:
        assert [(p.period, p.revision) for p in arc.history()] == [("2026-09", 1), ("2026-10", 1)]


def test_preview_says_which_villages_have_errors_and_leaves_them_out_of_totals(workspace):
    result = run_publish(load_config(workspace), month="2026-10", today=TODAY, preview=True)
    month = workspace / "preview" / "2026-10"
    summary = pdftext(month / "summary.pdf")
    line = next(x for x in summary.splitlines() if "石桥村" in x)
    assert "有错误未公开" in line
    clean = sum(Decimal(EXPECTED["villages"][v]["total"]) for v in EXPECTED["villages"] if v != "shiqiao")
    assert f"{clean:,.2f}" in summary
    assert "预览稿" in (workspace / "preview" / "index.html").read_text(encoding="utf-8")
    assert result.exit_code == 0


def test_village_option_shows_the_others_with_the_statuses_of_spec_5_4(workspace):
    # SPEC 5.4 and 13 name every status a township page shows; 待公开 is not one of them. A clean village the run
    # did not name, with nothing published for the month, is 未报送 there (its ledgers are not public yet)
    run_publish(load_config(workspace), month="2026-10", today=TODAY, villages=["xinjie"])
    page = (workspace / "site/2026-10/index.html").read_text(encoding="utf-8")
    summary = pdftext(workspace / "site/2026-10/summary.pdf")
    hexi = next(x for x in summary.splitlines() if "河西村" in x)
    assert "未报送" in hexi and "待公开" not in summary
    shown = set(re.findall(r'<span class="status [^"]*">([^<]+)</span>', page))
    assert shown and shown <= {"已公开", "已更正", "有错误未公开", "未报送", "待审核", "审核未通过"}, shown
    assert "待公开" not in page and "已公开" in shown


def test_print_all_starts_with_the_township_summary(published):
    ws, _ = published
    month = ws / "site" / "2026-10"
    pages = subprocess.run(["pdftotext", "-layout", str(month / "print-all.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")[:-1]
    summary = pdftext(month / "summary.pdf").split("\f")[:-1]
    sheets = [pdftext(month / vid / "noticeboard.pdf").split("\f")[:-1]
              for vid in ("xinjie", "hexi", "dongfeng", "qianjin", "shuanglong", "taoyuan")
              if (month / vid).is_dir()]
    assert "村级财务收支公开汇总表" in pages[0] and "合计（已公开" in pages[len(summary) - 1]
    assert pages[:len(summary)] == summary
    assert len(pages) == len(summary) + sum(len(s) for s in sheets)
    assert "财务支出明细公开表" in pages[len(summary)]


def test_print_all_of_a_month_with_no_sheet_is_the_summary_and_a_note(workspace):
    shutil.rmtree(workspace / "ledgers")
    (workspace / "ledgers").mkdir()
    result = run_publish(load_config(workspace), month="2026-10", today=TODAY, preview=True)
    pages = pdftext(result.month_dir / "print-all.pdf").split("\f")[:-1]
    assert len(pages) == 2
    assert "村级财务支出公开汇总表" in pages[0] and "未报送" in pages[0]
    assert "本月没有可打印的村级公开表" in pages[1]

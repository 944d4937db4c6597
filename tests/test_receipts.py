"""Receipt scans (SPEC 10): naming forms, counts against attachments, clean published images."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from villagefin.config import Config, Village
from villagefin.model import CheckReport, Expense
from villagefin.public import Township, build_village_view, public_expenses
from villagefin.receipts import (
    find_scans,
    receipt_findings,
    receipt_sources,
    receipts_for,
    series_slug,
    unmatched_scans,
    write_receipt_images,
)

LEDGER = "ledgers/xinjie/2026-10.xlsx"


def jpeg(path: Path, size=(120, 80), colour=(200, 60, 60), **save) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", **save)
    return path


def png(path: Path, size=(90, 120), mode="RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, (30, 90, 200, 128) if mode == "RGBA" else (30, 90, 200)).save(path, "PNG")
    return path


def pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=(595, 842))
    for i in range(pages):
        c.rect(50, 50, 400, 300, fill=1)
        c.drawString(60, 700, f"receipt page {i + 1}")
        c.showPage()
    c.save()
    return path


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to stand upright
    exif[0x010F] = "ScannerMaker"
    exif[0x8825] = {1: "N", 2: (32.0, 41.0, 5.0), 3: "E", 4: (119.0, 1.0, 0.0)}  # GPS IFD
    return exif


def expense(voucher: str, row: int, attachments: int | None, village: str = "xinjie", **kw) -> Expense:
    return Expense(village=village, file=LEDGER, sheet="10月", row=row, date=dt.date(2026, 10, 3 + row % 20),
                   voucher=voucher, summary="购买办公用品", amount=Decimal("100.00"), attachments=attachments,
                   columns=(("date", "A"), ("voucher", "B"), ("attachments", "K")), **kw)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A receipts folder using every naming form of SPEC 10, plus things that must be ignored or listed."""
    r = tmp_path / "ledgers" / "xinjie" / "receipts"
    jpeg(r / "记-001.jpg")
    jpeg(r / "记-002-2.jpg", colour=(0, 0, 0))  # page 2 sorts after the bare name
    jpeg(r / "记-002.jpg")
    png(r / "记003(2).png")
    png(r / "记003(1).png")
    pdf(r / "记字第4号.pdf", pages=2)
    jpeg(r / "记-005" / "b-10.jpg")
    png(r / "记-005" / "b-2.PNG")
    (r / "记-005" / "说明.txt").write_text("not a scan", encoding="utf-8")
    jpeg(r / "6.jpeg")  # bare number: the 记 series
    jpeg(r / "记-007.JPG", size=(200, 100), exif=gps_exif(), comment=b"private note")
    (r / "记-008.jpg").write_bytes(bytes(range(256)) * 8)  # not an image at all
    jpeg(r / "记-009.jpg", size=(4000, 3000))
    jpeg(r / "记-099.jpg")  # no such voucher
    png(r / "发票.png")  # a name that is no voucher number
    (r / "readme.txt").write_text("ignored", encoding="utf-8")
    jpeg(r / "~$记-001.jpg")
    jpeg(r / ".记-001.jpg")
    jpeg(r / "旧票据" / "记-001.jpg")  # a subfolder named neither for a voucher nor a month is not looked into
    return tmp_path


def config(root: Path, receipts: str = "ledgers/xinjie/receipts", **kw) -> Config:
    return Config(villages=(Village(id="xinjie", name="新街村", receipts=receipts, **kw),), root=root)


def expenses() -> list[Expense]:
    return [
        expense("记-001", 5, 1),
        expense("记-002", 6, 2),
        expense("记-002", 7, None),  # the voucher's attachments are declared once
        expense("记-003", 8, 2),
        expense("记字第4号", 9, 2),  # a PDF counts its pages
        expense("记-005", 10, 2),
        expense("记-006", 11, 1),
        expense("记-007", 12, 3),  # one scan, three declared
        expense("记-008", 13, 1),  # its scan is broken: counts 0
        expense("记-009", 14, 1),
        expense("记-010", 15, 1),  # no scan
    ]


def report(items) -> CheckReport:
    return CheckReport(period="2026-10", files=(), expenses=tuple(items), findings=(),
                       village_names={"xinjie": "新街村"})


def test_find_scans_every_naming_form(workspace: Path) -> None:
    folder = workspace / "ledgers/xinjie/receipts"
    scans = {key: [p.relative_to(folder).as_posix() for p in paths] for key, paths in find_scans(folder).items()}
    assert scans == {
        ("记", 1): ["记-001.jpg"],
        ("记", 2): ["记-002.jpg", "记-002-2.jpg"],
        ("记", 3): ["记003(1).png", "记003(2).png"],
        ("记", 4): ["记字第4号.pdf"],
        ("记", 5): ["记-005/b-2.PNG", "记-005/b-10.jpg"],
        ("记", 6): ["6.jpeg"],
        ("记", 7): ["记-007.JPG"],
        ("记", 8): ["记-008.jpg"],
        ("记", 9): ["记-009.jpg"],
        ("记", 99): ["记-099.jpg"],
    }
    assert find_scans(folder / "nothing-here") == {}


def test_bare_number_means_the_only_series(tmp_path: Path) -> None:
    jpeg(tmp_path / "12.jpeg")
    jpeg(tmp_path / "现-013.jpg")
    assert set(find_scans(tmp_path, "现")) == {("现", 12), ("现", 13)}
    # a village writing only 现 vouchers: 12.jpeg is 现-12
    assert unmatched_scans(tmp_path, ["现-12", "现-013"]) == []
    # a village with several series: 12.jpeg is 记-12
    assert unmatched_scans(tmp_path, ["记-12", "现-013", "银-1"]) == []
    assert unmatched_scans(tmp_path, ["现-013", "银-1"]) == [tmp_path / "12.jpeg"]


def test_bare_ledger_vouchers_match_ji_scans(tmp_path: Path) -> None:
    jpeg(tmp_path / "记-012.jpg")
    jpeg(tmp_path / "13.jpg")
    r = receipts_for(config(tmp_path, receipts=str(tmp_path)), Village("xinjie", "新街村", receipts=str(tmp_path)),
                     report([expense("12", 2, 1), expense("013", 3, 1)]))
    assert [x.image for x in r["12"]] == ["receipts/ji-012-1.jpg"]
    assert [x.image for x in r["013"]] == ["receipts/ji-013-1.jpg"]


def test_unmatched_scans_are_listed(workspace: Path) -> None:
    folder = workspace / "ledgers/xinjie/receipts"
    stray = unmatched_scans(folder, [e.voucher for e in expenses()])
    assert [p.name for p in stray] == ["记-099.jpg", "发票.png"]


def test_receipts_for_names_targets_per_voucher_text(workspace: Path) -> None:
    cfg = config(workspace)
    got = receipts_for(cfg, cfg.villages[0], report(expenses()))
    images = {voucher: [r.image for r in rs] for voucher, rs in got.items()}
    assert images == {
        "记-001": ["receipts/ji-001-1.jpg"],
        "记-002": ["receipts/ji-002-1.jpg", "receipts/ji-002-2.jpg"],
        "记-003": ["receipts/ji-003-1.jpg", "receipts/ji-003-2.jpg"],
        "记字第4号": ["receipts/ji-004-1.jpg", "receipts/ji-004-2.jpg"],  # one image per PDF page
        "记-005": ["receipts/ji-005-1.jpg", "receipts/ji-005-2.jpg"],
        "记-006": ["receipts/ji-006-1.jpg"],
        "记-007": ["receipts/ji-007-1.jpg"],
        "记-009": ["receipts/ji-009-1.jpg"],
    }  # 记-008's scan cannot be opened: nothing to publish
    assert got["记-002"][1].thumbnail == "receipts/thumbs/ji-002-2.jpg"
    assert receipts_for(config(workspace, publish_receipts=False), config(workspace, publish_receipts=False)
                        .villages[0], report(expenses())) == {}


def test_series_slugs_are_ascii() -> None:
    assert series_slug("记") == "ji"
    assert series_slug("银付") == "yinfu"
    assert series_slug("现收") == "xianshou"
    assert series_slug("转") == "zhuan"
    odd = series_slug("凭")
    assert odd.isascii() and odd.isalnum() and odd == series_slug("凭") and odd != series_slug("票")


def test_publish_writes_clean_downscaled_images(workspace: Path, tmp_path: Path) -> None:
    cfg = config(workspace)
    items = expenses()
    receipts = receipts_for(cfg, cfg.villages[0], report(items))

    class Chart:
        def group_of(self, category: str) -> str:
            return "管理费用"

    view = build_village_view(
        public_expenses(items, Chart(), receipts), township=Township("新街镇", "天长市", "0550-7000000",
                                                                     "https://example.org"),
        village_id="xinjie", village_name="新街村", year=2026, month=10, publication_date=dt.date(2026, 11, 5))
    files = receipt_sources(cfg, cfg.villages[0], view)
    sources = dict((target, source) for source, target in files)
    assert len(files) == len(sources) == 12  # 记-002's two rows share its receipts once
    assert sources["receipts/ji-004-2.jpg"].endswith("记字第4号.pdf#page=1")
    assert sources["receipts/ji-002-2.jpg"].endswith("记-002-2.jpg")

    out = tmp_path / "site" / "2026-10" / "xinjie"
    write_receipt_images(files, out)
    for _, target in files:
        thumb = target.replace("receipts/", "receipts/thumbs/")
        for written, limit in ((out / target, 1600), (out / thumb, 320)):
            data = written.read_bytes()
            assert data[:2] == b"\xff\xd8"  # a JPEG
            assert b"Exif" not in data and b"private note" not in data and b"ScannerMaker" not in data
            with Image.open(written) as img:
                assert not img.getexif() and img.mode == "RGB" and "comment" not in img.info
                assert max(img.size) <= limit
    with Image.open(out / "receipts/ji-009-1.jpg") as big:
        assert big.size == (1600, 1200)
    with Image.open(out / "receipts/thumbs/ji-009-1.jpg") as thumb:
        assert thumb.size == (320, 240)
    with Image.open(out / "receipts/ji-007-1.jpg") as turned:
        assert turned.size == (100, 200)  # EXIF orientation applied before the EXIF is dropped
    with Image.open(out / "receipts/ji-004-1.jpg") as page:
        assert max(page.size) == 1600  # a PDF page rendered at up to 1600 px
    with Image.open(out / "receipts/ji-002-2.jpg") as black:
        assert max(black.getpixel((5, 5))) < 10  # page order kept: 记-002-2.jpg is the black one
    # originals are never copied
    names = {p.name for p in out.rglob("*")}
    assert not names & {"记-001.jpg", "记字第4号.pdf", "6.jpeg"}


def test_unreadable_scans_do_not_stop_publication(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\x13\x37" * 500)
    truncated = jpeg(tmp_path / "cut.jpg", size=(400, 300))
    truncated.write_bytes(truncated.read_bytes()[:300])
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4 nonsense")
    good = png(tmp_path / "good.png", mode="RGBA")
    out = tmp_path / "out"
    write_receipt_images([(str(broken), "receipts/x-001-1.jpg"), (str(truncated), "receipts/x-001-2.jpg"),
                          (f"{bad_pdf}#page=0", "receipts/x-001-3.jpg"), (str(good), "receipts/x-001-4.jpg"),
                          (str(tmp_path / "gone.jpg"), "receipts/x-001-5.jpg")], out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == [
        "receipts/thumbs/x-001-4.jpg", "receipts/x-001-4.jpg"]
    with Image.open(out / "receipts/x-001-4.jpg") as img:
        assert img.mode == "RGB" and img.getpixel((1, 1))[0] > 100  # transparency flattened onto white


def test_mismatch_findings(workspace: Path) -> None:
    everything = receipt_findings(config(workspace), expenses())
    assert {f.code for f in everything} == {"receipt-mismatch", "receipt-unreadable", "receipts-not-by-month"}
    (flat,) = [f for f in everything if f.code == "receipts-not-by-month"]  # once per village
    (unreadable,) = [f for f in everything if f.code == "receipt-unreadable"]
    assert unreadable.file == "ledgers/xinjie/receipts/记-008.jpg" and "记-008.jpg" in unreadable.message
    found = [f for f in everything if f.code == "receipt-mismatch"]
    assert all(f.severity == "warning" and f.village == "xinjie" for f in found)
    by_voucher = {f.voucher: f for f in found if f.voucher}
    assert set(by_voucher) == {"记-007", "记-008", "记-010"}
    f7 = by_voucher["记-007"]
    assert (f7.file, f7.sheet, f7.row, f7.column) == (LEDGER, "10月", 12, "K")
    assert "找到 1 张" in f7.message and "登记附件 3 张" in f7.message
    assert "找到 0 张" in by_voucher["记-008"].message  # a broken scan is no receipt
    assert "找到 0 张" in by_voucher["记-010"].message
    stray = sorted(f.file for f in found if not f.voucher)
    assert stray == ["ledgers/xinjie/receipts/发票.png", "ledgers/xinjie/receipts/记-099.jpg"]
    assert all(f.row is None and "登记附件 0 张" in f.message for f in found if not f.voucher)


def test_pdf_counts_its_pages(workspace: Path) -> None:
    items = [expense("记字第4号", 9, 1)]
    (f,) = [f for f in receipt_findings(config(workspace), items) if f.voucher]
    assert f.row == 9 and "找到 2 张" in f.message and "登记附件 1 张" in f.message


def test_first_row_of_voucher_and_no_attachments_column(workspace: Path) -> None:
    items = [expense("记-001", 30, None), expense("记-001", 20, 2)]
    (f,) = [f for f in receipt_findings(config(workspace), items) if f.voucher]
    assert f.row == 20 and "登记附件 2 张" in f.message
    # a journal without an attachments column declares nothing: no count to compare with
    journal = [Expense(village="xinjie", file=LEDGER, sheet=None, row=4, date=dt.date(2026, 10, 4),
                       voucher="记-010", summary="购买办公用品", amount=Decimal("1.00"))]
    assert [f for f in receipt_findings(config(workspace), journal) if f.voucher] == []


def test_missing_folder_is_one_warning(tmp_path: Path) -> None:
    found = receipt_findings(config(tmp_path, receipts="ledgers/xinjie/票据"), expenses())
    assert len(found) == 1
    (f,) = found
    assert (f.code, f.severity, f.file, f.row, f.village) == ("receipt-mismatch", "warning",
                                                               "ledgers/xinjie/票据", None, "xinjie")
    assert "找到 0 张" in f.message and "登记附件 16 张" in f.message
    cfg = config(tmp_path, receipts="ledgers/xinjie/票据")
    assert receipts_for(cfg, cfg.villages[0], report(expenses())) == {}
    # only villages checked are looked at
    assert receipt_findings(cfg, []) == []
    assert len(receipt_findings(cfg, [], villages=["xinjie"])) == 1


# ---- by month (SPEC 15), links and broken scans (SPEC 18) -----------------------------------------------------


def test_month_subfolders_keep_each_month_to_itself(tmp_path: Path) -> None:
    from villagefin.model import Period
    from villagefin.receipts import folder_month

    assert folder_month("2026-10") == (2026, 10)
    assert folder_month("2026年10月") == (2026, 10)
    assert folder_month("１０月") == (None, 10)
    assert folder_month("10") is None and folder_month("记-010") is None and folder_month("2026-13") is None
    r = tmp_path / "receipts"
    jpeg(r / "2026-10" / "记-001.jpg", colour=(10, 10, 10))
    jpeg(r / "2026年11月" / "记-001.jpg", colour=(250, 250, 250))
    jpeg(r / "12月" / "记-001.jpg")
    jpeg(r / "记-001.jpg")  # directly in a folder kept by month: never used
    assert find_scans(r, period=Period(2026, 10)) == {("记", 1): [r / "2026-10" / "记-001.jpg"]}
    assert find_scans(r, period=Period(2026, 11)) == {("记", 1): [r / "2026年11月" / "记-001.jpg"]}
    assert find_scans(r, period=Period(2026, 12)) == {("记", 1): [r / "12月" / "记-001.jpg"]}
    assert find_scans(r, period=Period(2026, 9)) == {}
    cfg = config(tmp_path, receipts="receipts")
    items = [expense("记-001", 5, 1)]
    # by month: no receipts-not-by-month, and the month's own scan counts
    assert receipt_findings(cfg, items, period=Period(2026, 10)) == []
    nov = receipts_for(cfg, cfg.villages[0], CheckReport(period="2026-11", files=(), expenses=tuple(items),
                                                         findings=()))
    assert [r.image for r in nov["记-001"]] == ["receipts/ji-001-1.jpg"]


def test_flat_folder_warns_once_per_village(tmp_path: Path) -> None:
    from villagefin.model import Period

    r = tmp_path / "receipts"
    jpeg(r / "记-001.jpg")
    jpeg(r / "记-002.jpg")
    found = receipt_findings(config(tmp_path, receipts="receipts"),
                             [expense("记-001", 5, 1), expense("记-002", 6, 1)], period=Period(2026, 10))
    assert [f.code for f in found] == ["receipts-not-by-month"]
    assert "2026-10/" in found[0].message and found[0].village == "xinjie"


def test_links_to_folders_are_never_followed(tmp_path: Path) -> None:
    import os

    from villagefin.model import Period

    r = tmp_path / "receipts"
    month = r / "2026-10"
    jpeg(month / "记-001" / "a.jpg")
    jpeg(tmp_path / "elsewhere" / "记-002.jpg")
    os.symlink("..", month / "记-001" / "x")  # a loop
    os.symlink("/", month / "记-003")  # the whole file system
    os.symlink(tmp_path / "elsewhere", r / "2026-11")  # a month folder that is a link
    os.symlink(tmp_path / "elsewhere" / "记-002.jpg", month / "记-002.jpg")  # a link to a file is a file
    scans = find_scans(r, period=Period(2026, 10))
    assert scans == {("记", 1): [month / "记-001" / "a.jpg"], ("记", 2): [month / "记-002.jpg"]}
    assert find_scans(r, period=Period(2026, 11)) == {}


def test_a_truncated_scan_is_reported_not_counted_and_not_linked(tmp_path: Path) -> None:
    from villagefin.model import Period

    month = tmp_path / "receipts" / "2026-10"
    cut = jpeg(month / "记-001.jpg", size=(800, 600))
    cut.write_bytes(cut.read_bytes()[: len(cut.read_bytes()) // 2])
    jpeg(month / "记-001-2.jpg")
    cfg = config(tmp_path, receipts="receipts")
    items = [expense("记-001", 5, 2)]
    found = receipt_findings(cfg, items, period=Period(2026, 10))
    assert sorted(f.code for f in found) == ["receipt-mismatch", "receipt-unreadable"]
    (bad,) = [f for f in found if f.code == "receipt-unreadable"]
    assert bad.file == "receipts/2026-10/记-001.jpg"
    assert "找到 1 张" in next(f for f in found if f.code == "receipt-mismatch").message
    got = receipts_for(cfg, cfg.villages[0], report(items))
    assert [r.image for r in got["记-001"]] == ["receipts/ji-001-1.jpg"]
    class Chart:
        def group_of(self, category: str) -> str:
            return "管理费用"

    view = build_village_view(public_expenses(items, Chart(), got),
                              township=Township("新街镇", "天长市", "0550-7000000", "https://example.org"),
                              village_id="xinjie", village_name="新街村", year=2026, month=10,
                              publication_date=dt.date(2026, 11, 5))
    assert receipt_sources(cfg, cfg.villages[0], view) == ((str(month / "记-001-2.jpg"), "receipts/ji-001-1.jpg"),)


def test_init_and_the_template_explain_the_month_folders(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from villagefin.template import GUIDE_SHEET
    from villagefin.workspace import init_workspace

    created = init_workspace(tmp_path / "ws", township="新街镇")
    receipts = tmp_path / "ws/ledgers/xinjie/receipts"
    months = [p for p in created if p.parent == receipts]
    assert len(months) == 1 and re.fullmatch(r"\d{4}-\d{2}", months[0].name)  # last month's folder, ready
    toml = (tmp_path / "ws/villagefin.toml").read_text(encoding="utf-8")
    assert "receipts/2026-10/记-012.jpg" in toml and '"as-is"' in toml and "receipts-review" in toml
    wb = load_workbook(next(p for p in created if p.suffix == ".xlsx"))
    guide = " ".join(str(c.value) for row in wb[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "receipts/2026-10/" in guide and "每月一个子文件夹" in guide and "涂黑" in guide


def test_check_and_publish_survive_links_and_broken_scans(tmp_path: Path) -> None:
    """SPEC 18 on the sample township: a loop, a link to / and a dangling link among the receipts, and a
    truncated JPEG. check and publish finish; the broken scan is reported, not counted, not linked."""
    import os

    from conftest import sample_workspace

    from villagefin.check import run_check
    from villagefin.config import load_config
    from villagefin.publish import run_publish

    ws = sample_workspace(tmp_path / "新街镇")
    month = ws / "ledgers/xinjie/receipts/2026-10"
    os.symlink("..", month / "记-003" / "x")
    os.symlink("/", month / "记-031")
    os.symlink(tmp_path / "gone.jpg", month / "记-032.jpg")
    cut = month / "记-030-3.jpg"
    cut.write_bytes(cut.read_bytes()[:2000])
    config = load_config(ws)
    report = run_check(None, config, month="2026-10", villages=["xinjie"])
    (bad,) = [f for f in report.findings if f.code == "receipt-unreadable"]
    assert bad.file == "ledgers/xinjie/receipts/2026-10/记-030-3.jpg"
    (short,) = [f for f in report.findings if f.code == "receipt-mismatch"]
    assert short.voucher == "记-030" and "找到 2 张" in short.message and "登记附件 3 张" in short.message
    result = run_publish(config, month="2026-10", today=dt.date(2026, 11, 5), villages=["xinjie"])
    assert result.exit_code == 0
    page = (ws / "site/2026-10/xinjie/index.html").read_text(encoding="utf-8")
    assert "ji-030-2.jpg" in page and "ji-030-3.jpg" not in page
    assert not (ws / "site/2026-10/xinjie/receipts/ji-030-3.jpg").exists()


def test_a_correction_of_an_old_month_finds_that_months_scans(tmp_path: Path) -> None:
    """October is published, November's scans arrive (its 记-001 is another receipt), then October is
    corrected: October's page still shows October's 记-001."""

    from conftest import sample_workspace
    from openpyxl import load_workbook

    from villagefin.config import load_config
    from villagefin.publish import run_publish
    from villagefin.receipts import published_image

    ws = sample_workspace(tmp_path / "新街镇")
    receipts = ws / "ledgers/xinjie/receipts"
    today = dt.date(2026, 12, 5)
    assert run_publish(load_config(ws), month="2026-10", today=today, villages=["xinjie"]).exit_code == 0
    october = (ws / "site/2026-10/xinjie/receipts/ji-001-1.jpg").read_bytes()
    png(receipts / "2026-11" / "记-001.png", size=(300, 200))  # November's 记-001: a different receipt
    ledger = ws / "ledgers/xinjie/2026-10.xlsx"
    wb = load_workbook(ledger)
    sheet = wb.active
    header = next(c for row in sheet.iter_rows() for c in row if c.value == "摘要")
    sheet.cell(row=header.row + 1, column=header.column).value += "（更正）"  # the first expense's summary
    wb.save(ledger)
    result = run_publish(load_config(ws), month="2026-10", today=today, villages=["xinjie"], correct="摘要补充")
    assert [o.outcome for o in result.outcomes if o.village_id == "xinjie"] == ["correction"]
    again = ws / "site/2026-10/xinjie/receipts/ji-001-1.jpg"
    assert again.read_bytes() == october
    with Image.open(again) as img:
        assert img.size == published_image(str(receipts / "2026-10" / "记-001.jpg")).size != (300, 200)


def test_publish_receipts_takes_true_as_is_or_false() -> None:
    from villagefin.config import parse_config
    from villagefin.errors import ConfigError

    def village(value):
        return parse_config({"villages": [{"id": "a", "receipts": "r", "publish_receipts": value}]}).villages[0]

    assert village(True).covers_receipts and village(True).publish_receipts is True
    assert village("as-is").publish_receipts == "as-is" and not village("as-is").covers_receipts
    assert not village(False).publish_receipts and not village(False).covers_receipts
    with pytest.raises(ConfigError, match="as-is"):
        village("yes")


def test_a_folder_kept_by_month_is_not_counted_without_a_month(tmp_path: Path) -> None:
    jpeg(tmp_path / "receipts" / "2026-10" / "记-001.jpg")
    assert receipt_findings(config(tmp_path, receipts="receipts"), [expense("记-001", 5, 1)]) == []


def test_new_covering_rules_redraw_published_months(monkeypatch):
    """A month published under older covering rules (redact.RULES_VERSION) is rendered again from the archive
    on the next re-publish, so its scans are covered by the new rules (the render key changes)."""
    from villagefin.config import Config
    from villagefin.site import build

    settings = build.Settings(paper="A4", orientation="landscape", font=None, workspace_templates=None,
                              with_receipts=True)
    before = build.render_key(Config(), settings)
    monkeypatch.setattr(build, "RULES_VERSION", build.RULES_VERSION + "-next")
    assert build.render_key(Config(), settings) != before

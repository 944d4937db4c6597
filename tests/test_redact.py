"""Personal numbers covered on receipt scans before they go public (SPEC 15).

The OCR engine is the real one (rapidocr + onnxruntime, models in the wheel). Each test reads only a few scans:
the sample township ships its scans' verdicts in samples/.villagefin/receipts-cache, and the tests that need a
fresh read build their own small scans."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, sample_workspace
from PIL import Image, ImageDraw, ImageFont

from villagefin.config import load_config
from villagefin.publish import run_publish
from villagefin.receipts import JPEG_QUALITY, published_image
from villagefin.redact import CACHE_DIR, Verdict, Verdicts, find_numbers, read_numbers

EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 5)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PRIVATE_SCANS = sorted(EXPECTED["receipt_numbers"])


def chars(text: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """A line as OCR gives it: each character with a 10 px wide box."""
    return [(ch, (10 * i, 0, 10 * i + 10, 20)) for i, ch in enumerate(text)]


def kinds(text: str) -> list[tuple[str, str]]:
    """(kind, covered text) of every number found in a line."""
    return [(h.kind, text[h.box[0] // 10:h.box[2] // 10]) for h in find_numbers(chars(text))]


def test_numbers_are_found_through_ocr_noise() -> None:
    assert kinds("身份证号：340123199003071234领款") == [("id", "340123199003071234")]
    assert kinds("身份证 34O123-19900307-1234") == [("id", "34O123-19900307-1234")]  # O for 0, dashes
    assert kinds("手机：l38 1234 5678") == [("mobile", "l38 1234 5678")]  # l for 1, spaces
    assert kinds("电话+86 138-1234-5678") == [("mobile", "86 138-1234-5678")]
    assert kinds("卡号6222 O212 3456 7890 123") == [("card", "6222 O212 3456 7890 123")]
    assert kinds("34012319900307123X") == [("id", "34012319900307123X")]
    # two numbers OCR read as one run: split at the separators, or found inside the run
    assert kinds("340123199003071234 13812345678") == [("id", "340123199003071234"), ("mobile", "13812345678")]
    assert kinds("34012319900307123413812345678") == [("id", "340123199003071234"), ("mobile", "13812345678")]


def test_what_is_not_a_personal_number_is_left_alone() -> None:
    assert kinds("发票号码26342000000123456789") == []  # a 20-digit invoice number
    assert kinds("金额：¥1,280.00 日期2026年10月26日") == []
    assert kinds("发票代码 144031900111") == []  # 12 digits, no mobile inside a longer run
    assert kinds("12345678901") == []  # 11 digits that are no mobile
    assert kinds("Bill Dodds OIl") == []  # letters that look like digits, with no digits around them


def scan(path: Path, lines: list[tuple[str, int, tuple[int, int]]], size=(900, 600), angle: float = 0) -> Path:
    """A receipt scan with the given (text, font size, position) lines, optionally slanted."""
    img = Image.new("RGB", size, (248, 246, 240))
    draw = ImageDraw.Draw(img)
    for text, font_size, xy in lines:
        draw.text(xy, text, font=ImageFont.truetype(FONT, font_size), fill=(20, 20, 20))
    if angle:
        img = img.rotate(angle, expand=True, fillcolor=(248, 246, 240))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=90)
    return path


def test_a_fresh_scan_is_covered_read_again_and_cached(tmp_path: Path) -> None:
    source = scan(tmp_path / "r" / "记-001.jpg", [
        ("劳务费领款单", 36, (300, 30)),
        ("领款人：王立国  身份证号：341181196001031000", 24, (40, 130)),
        ("手机 139 5501 7788", 34, (40, 230)),
        ("开户行卡号：6222 0212 3456 7890 123", 20, (40, 340)),
        ("金额：￥300.00  经手人：郭德", 24, (40, 450)),
    ], angle=90)  # scanned on its side, with no EXIF orientation to stand it up
    verdicts = Verdicts(tmp_path)
    verdict = verdicts.get(str(source))
    assert verdict.publishable and verdict.what() == "1 个身份证号、1 个手机号、1 个银行卡号"
    assert verdicts.stats.read == 1
    covered = verdict.apply(published_image(str(source)))
    assert read_numbers(covered) == []  # no full number can be read any more
    # the rest of the receipt stays as it was
    assert covered.getpixel((20, 20)) == published_image(str(source)).getpixel((20, 20))
    assert all(b[2] - b[0] < b[3] - b[1] for b in verdict.boxes)  # boxes stand along the turned lines
    # a second look reads nothing: the verdict comes from .villagefin/receipts-cache
    again = Verdicts(tmp_path)
    assert again.get(str(source)) == verdict and (again.stats.read, again.stats.cached) == (0, 1)
    assert len(list((tmp_path / CACHE_DIR).glob("*.json"))) == 1


@pytest.fixture
def small_township(tmp_path: Path) -> Path:
    """The samples with xinjie's scans cut down to the three that hold personal numbers and two that do not
    (their verdicts in the shipped cache)."""
    ws = sample_workspace(tmp_path / "新街镇")
    month = ws / "ledgers/xinjie/receipts/2026-10"
    keep = {Path(p).name for p in PRIVATE_SCANS} | {"记-001.jpg", "记-013.jpg"}
    for p in list(month.rglob("*")):
        if p.is_file() and p.name not in keep:
            p.unlink()
    return ws


def published_scans(ws: Path) -> list[Path]:
    return sorted((ws / "site/2026-10/xinjie/receipts").glob("*.jpg"))


def test_publish_covers_every_number_and_says_what(small_township: Path) -> None:
    ws = small_township
    shutil.rmtree(ws / ".villagefin")  # no cache: the first publish reads every scan with OCR
    result = run_publish(load_config(ws), month="2026-10", today=TODAY, villages=["xinjie"])
    assert result.exit_code == 0
    redacted = {f.voucher: f.message for f in result.warnings if f.code == "receipt-redacted"}
    assert set(redacted) == {Path(p).stem for p in PRIVATE_SCANS}
    for rel in PRIVATE_SCANS:
        want = EXPECTED["receipt_numbers"][rel]
        message = redacted[Path(rel).stem]
        assert Path(rel).name in message and "遮盖了" in message
        for kind, word in (("id", "身份证号"), ("mobile", "手机号"), ("card", "银行卡号")):
            assert (word in message) == bool(want[kind]), (rel, message)
    assert "遮盖了 10 个身份证号、10 个手机号" in redacted[Path(PRIVATE_SCANS[-1]).stem]  # the sign-for sheet
    assert not [f for f in result.warnings if f.code == "receipt-withheld"]
    # every image published, read back with the OCR engine: no full number anywhere
    images = published_scans(ws)
    assert len(images) == 5
    first = {p.name: p.read_bytes() for p in images}
    for image in images:
        with Image.open(image) as img:
            assert read_numbers(img.convert("RGB")) == [], image.name
    # scans without numbers are published unchanged in content: the same pixels as an uncovered copy
    for name, target in (("记-001.jpg", "ji-001-1.jpg"), ("记-013.jpg", "ji-013-1.jpg")):
        clean = published_image(str(ws / "ledgers/xinjie/receipts/2026-10" / name))
        clean.save(ws / "expected.jpg", "JPEG", quality=JPEG_QUALITY)
        assert (ws / "site/2026-10/xinjie/receipts" / target).read_bytes() == (ws / "expected.jpg").read_bytes()
    # the contact sheet shows every scan as it is published, and publish names it
    sheet = ws / ".villagefin/receipts-review/2026-10/xinjie.pdf"
    assert result.receipt_sheets == [sheet] and sheet.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    assert len(PdfReader(sheet).pages) == 1  # five scans, six a page
    assert len(list((ws / CACHE_DIR).glob("*.json"))) == 5

    # SPEC 9a: re-publishing reads no scan again. The next runs see an engine whose import fails: any OCR
    # call would stop them. Unchanged, then with the month's output deleted (rewritten from the archive).
    blocked = ws / "blocked"
    (blocked / "rapidocr").mkdir(parents=True)
    (blocked / "rapidocr" / "__init__.py").write_text("raise ImportError('OCR was called')\n", encoding="utf-8")
    for step in ("unchanged", "rewrite"):
        if step == "rewrite":
            shutil.rmtree(ws / "site/2026-10")
        run = subprocess.run([sys.executable, "-m", "villagefin", "publish", "--month", "2026-10", "--village",
                              "xinjie", "--date", "2026-11-05"], cwd=ws, capture_output=True, text=True,
                             env={"PYTHONPATH": f"{blocked}:{REPO}", "PATH": "/usr/bin:/bin"})
        assert run.returncode == 0, run.stdout + run.stderr
    # the rewritten scans are the same covered images, drawn from the cached verdicts
    assert {p.name: p.read_bytes() for p in published_scans(ws)} == first


def test_withheld_scan_is_not_published_nor_linked(small_township: Path) -> None:
    ws = small_township
    source = ws / "ledgers/xinjie/receipts/2026-10/记-013.jpg"
    # the scan's verdict in the cache says a full number could still be read after covering
    verdicts = Verdicts(ws)
    verdicts.store(str(source), Verdict(boxes=((1, 1, 5, 5),), mobiles=1, withheld=True,
                                        reason="遮盖后仍能读出完整号码"))
    result = run_publish(load_config(ws), month="2026-10", today=TODAY, villages=["xinjie"])
    (withheld,) = [f for f in result.warnings if f.code == "receipt-withheld"]
    assert withheld.voucher == "记-013" and "记-013.jpg" in withheld.message and "不公开" in withheld.message
    page = (ws / "site/2026-10/xinjie/index.html").read_text(encoding="utf-8")
    assert "ji-013" not in page
    assert not (ws / "site/2026-10/xinjie/receipts/ji-013-1.jpg").exists()
    assert (ws / "site/2026-10/xinjie/receipts/ji-001-1.jpg").exists()


def test_as_is_publishes_unchanged_and_false_publishes_nothing(small_township: Path) -> None:
    ws = small_township
    toml = ws / "villagefin.toml"
    text = toml.read_text(encoding="utf-8")
    line = 'receipts = "ledgers/xinjie/receipts"'
    toml.write_text(text.replace(line, line + '\npublish_receipts = "as-is"', 1), encoding="utf-8")
    shutil.rmtree(ws / ".villagefin")
    result = run_publish(load_config(ws), month="2026-10", today=TODAY, villages=["xinjie"])
    assert result.exit_code == 0 and not [f for f in result.warnings if f.code.startswith("receipt-")]
    assert not (ws / CACHE_DIR).exists()  # nothing was read
    sheet_voucher = Path(PRIVATE_SCANS[-1])
    clean = published_image(str(ws / sheet_voucher))
    clean.save(ws / "expected.jpg", "JPEG", quality=JPEG_QUALITY)
    target = ws / "site/2026-10/xinjie/receipts" / f"ji-{sheet_voucher.stem[-3:]}-1.jpg"
    assert target.read_bytes() == (ws / "expected.jpg").read_bytes()
    # false: no scan on the site, and the page says where the receipts can be seen
    toml.write_text(text.replace(line, line + "\npublish_receipts = false", 1), encoding="utf-8")
    result = run_publish(load_config(ws), month="2026-10", today=TODAY, villages=["xinjie"], out=ws / "other")
    assert result.exit_code == 0 and (ws / "other/2026-10/xinjie/index.html").is_file()
    assert not (ws / "other/2026-10/xinjie/receipts").exists()


def test_official_publish_without_the_engine_stops_before_archiving(small_township: Path) -> None:
    ws = small_township
    code = ("import sys; sys.modules['rapidocr'] = None; sys.modules['onnxruntime'] = None;"
            "from villagefin.commands import main; sys.argv = ['villagefin'] + sys.argv[1:]; main()")
    run = subprocess.run([sys.executable, "-c", code, "publish", "--month", "2026-10", "--village", "xinjie",
                          "--date", "2026-11-05"], cwd=ws, capture_output=True, text=True,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 2, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert "pip install" in said and "publish_receipts" in said and "Traceback" not in said
    assert not (ws / "site" / "2026-10").exists()  # the output folder may have been probed, nothing written
    from villagefin.archive import Archive

    if (ws / ".villagefin/archive.sqlite").exists():
        with Archive(ws) as arc:
            assert arc.latest("xinjie", "2026-10") is None

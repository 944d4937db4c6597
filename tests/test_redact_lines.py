"""Numbers that OCR reads as several boxes on one line are covered too (SPEC 15, 5.6).

An auditor found citizen IDs published uncovered: printed one digit per box (领款单、签领表), split over table cells
(身份证号：| 110101 | 19900307 | 1234), or read with look-alike letters (II0I0I I9900307 I234). The scans are
drawn here, covered the way publish covers them, written as published, and read back with the real OCR engine:
no full number may be read on any line, the boxes of the line joined; dates, amounts and invoice numbers stay."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from villagefin.receipts import published_image, write_receipt_images
from villagefin.redact import Hit, Verdicts, across, paint, read_numbers

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ID = "110101199003071234"
MOBILE = "13812345678"
CARD = "6222021234567890123"
INVOICE = "26342000000123456789"
INK = (20, 20, 20)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def digit_boxes(draw: ImageDraw.ImageDraw, x: int, y: int, digits: str, pitch: int, size: int = 36) -> None:
    """A printed row of boxes, one digit in each (the boxes wide, as on a 领款单)."""
    w = pitch - 12
    for i, c in enumerate(digits):
        bx = x + i * pitch
        draw.rectangle((bx, y, bx + w, y + size + 26), outline=(30, 30, 30), width=2)
        draw.text((bx + w // 2, y + (size + 26) // 2), c, font=font(size), fill=INK, anchor="mm")


def cells(draw: ImageDraw.ImageDraw, y: int, parts: list[tuple[int, str]], size: int = 34) -> None:
    """Texts in table cells: a ruled line before each."""
    for x, text in parts:
        draw.line((x - 24, y - 20, x - 24, y + size + 20), fill=(30, 30, 30), width=3)
        draw.text((x, y), text, font=font(size), fill=INK)


def new_scan(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", size, (250, 249, 244))
    return img, ImageDraw.Draw(img)


def case_a(path: Path) -> Path:
    """A 领款单: the ID one digit per box, the mobile one digit per wider box; an amount printed in boxes too."""
    img, d = new_scan((1600, 520))
    d.text((40, 30), "劳务费领款单", font=font(40), fill=INK)
    d.text((40, 140), "领款人身份证号码：", font=font(34), fill=INK)
    digit_boxes(d, 360, 128, ID, 66)
    d.text((40, 290), "手机号码：", font=font(34), fill=INK)
    digit_boxes(d, 230, 278, MOBILE, 90)
    d.text((40, 440), "金额：", font=font(34), fill=INK)
    digit_boxes(d, 160, 428, "128000", 60)
    img.save(path, "JPEG", quality=88)
    return path


def case_b(path: Path) -> Path:
    """A sign-for table: the ID split over three cells, the card over four, other cells on the same rows."""
    img, d = new_scan((1600, 400))
    d.text((40, 60), "身份证号：", font=font(36), fill=INK)
    cells(d, 60, [(300, ID[:6]), (620, ID[6:14]), (1000, ID[14:]), (1260, "金额 300.00")])
    d.text((40, 220), "银行卡：", font=font(36), fill=INK)
    cells(d, 220, [(260, CARD[:4]), (520, CARD[4:8]), (780, CARD[8:12]), (1040, CARD[12:16]), (1300, CARD[16:])])
    img.save(path, "JPEG", quality=88)
    return path


def case_c(path: Path) -> Path:
    """An ID in a font whose 1 OCR reads as I (and a mobile with l for 1), in groups."""
    img, d = new_scan((1400, 300))
    d.text((40, 60), "身份证II0I0I I99OO3O7 I234", font=font(40), fill=INK)
    d.text((40, 180), "联系电话：l38 l234 5678  经办人：郭德", font=font(40), fill=INK)
    img.save(path, "JPEG", quality=88)
    return path


def control(path: Path) -> Path:
    """No personal number: a date, an amount and a 20-digit invoice number, with labels and in bare cells."""
    img, d = new_scan((1600, 360))
    d.text((40, 60), f"日期 2026-10-05  金额 1,280.00  发票号码 {INVOICE}", font=font(36), fill=INK)
    cells(d, 220, [(60, "2026-10-05"), (400, "1,280.00"), (700, INVOICE), (1300, "3")])
    img.save(path, "JPEG", quality=88)
    return path


_LOOKS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "i": "1"})


def read_lines(path: Path) -> list[str]:
    """What a reader sees on each line of a published image: the OCR boxes whose heights overlap joined left to
    right, look-alike letters read as digits, separators dropped (an oracle independent of redact.py)."""
    from villagefin.redact import _engine

    with Image.open(path) as img:
        result = _engine()(np.asarray(img.convert("RGB")))
    items = []
    for text, points in zip(result.txts or (), result.boxes if result.boxes is not None else [], strict=True):
        ys = [float(p[1]) for p in points]
        items.append((min(float(p[0]) for p in points), min(ys), max(ys), text))
    rows: list[list[tuple]] = []
    for item in sorted(items, key=lambda t: (t[1] + t[2]) / 2):
        mid = (item[1] + item[2]) / 2
        for row in rows:
            if row[0][1] <= mid <= row[0][2]:
                row.append(item)
                break
        else:
            rows.append([item])
    out = []
    for row in rows:
        text = unicodedata.normalize("NFKC", "".join(t[3] for t in sorted(row)))
        out.append(re.sub(r"[\s\-_.,:：·]", "", text.translate(_LOOKS)))
    return out


def personal(line: str) -> list[str]:
    """Full IDs, mobiles and cards in a line read as above."""
    found = []
    for run in re.findall(r"\d+X?", line):
        if len(run) == 18 and 1900 <= int(run[6:10]) <= 2099 or len(run) == 11 and run[:2] in {
                f"1{d}" for d in "3456789"} or 16 <= len(run) <= 19:
            found.append(run)
        found += [n for n in (ID, MOBILE, CARD) if n in run and n != run]
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, tuple]:
    """Each case covered and written the way publish writes it: {case: (verdict, published path)}."""
    tmp = tmp_path_factory.mktemp("lines")
    (tmp / "scans").mkdir()
    verdicts = Verdicts(tmp)
    out = {}
    for name, make in (("a", case_a), ("b", case_b), ("c", case_c), ("control", control)):
        source = make(tmp / "scans" / f"{name}.jpg")
        verdict = verdicts.get(str(source))
        write_receipt_images([(str(source), f"{name}.jpg")], tmp / "site", verdicts)
        out[name] = (verdict, tmp / "site" / f"{name}.jpg", source)
    return out


def test_id_and_mobile_one_digit_per_box_are_covered(published) -> None:
    verdict, image, source = published["a"]
    assert verdict.publishable and verdict.what() == "1 个身份证号、1 个手机号"
    lines = read_lines(image)
    assert not [n for line in lines for n in personal(line)], lines
    assert any("领款人身份证号码" in line for line in lines)  # the labels are left alone
    # the amount printed in boxes (y 428-490) is not painted over: its row is as it was
    assert not [b for b in verdict.boxes if b[1] < 490 and b[3] > 428]
    with Image.open(image) as out, Image.open(source) as scan:
        row = (0, 420, 1600, 500)
        diff = np.abs(np.asarray(out.crop(row), dtype=int) - np.asarray(scan.crop(row), dtype=int))
    assert diff.mean() < 3  # only the two JPEG encodings differ
    # before covering, the same reading sees both numbers: the uncovered scan would have leaked them
    assert {n for line in read_lines(source) for n in personal(line)} >= {ID, MOBILE}


def test_numbers_split_over_table_cells_are_covered(published) -> None:
    verdict, image, _ = published["b"]
    assert verdict.publishable and verdict.what() == "1 个身份证号、1 个银行卡号"
    lines = read_lines(image)
    assert not [n for line in lines for n in personal(line)], lines
    assert any("金额30000" in line for line in lines), lines  # the amount on the ID's row stays


def test_look_alike_letters_inside_a_number_are_covered(published) -> None:
    verdict, image, _ = published["c"]
    assert verdict.publishable and verdict.what() == "1 个身份证号、1 个手机号"
    lines = read_lines(image)
    assert not [n for line in lines for n in personal(line)], lines
    assert any("经办人郭德" in line for line in lines)


def test_dates_amounts_and_invoice_numbers_stay_readable(published) -> None:
    verdict, image, source = published["control"]
    assert verdict.covered == 0 and not verdict.boxes and verdict.publishable
    assert image.read_bytes()  # published, and as it was
    lines = read_lines(image)
    text = "".join(lines)
    assert text.count(INVOICE) == 2 and text.count("20261005") == 2 and text.count("128000") == 2, lines


def test_reading_again_joins_the_boxes_of_a_line(published) -> None:
    """The check after covering reads lines as wholes: a scan where only the mobile was painted over still reads
    the ID printed one digit per box (judge then covers it, or withholds the scan)."""
    verdict, _, source = published["a"]
    image = published_image(str(source))
    mobile_box = [b for b in verdict.boxes if b[1] > 250]
    left = read_numbers(paint(image, mobile_box), False, mobile_box)
    assert [h.kind for h in left] == ["id"]
    assert read_numbers(verdict.apply(image), False, verdict.boxes) == []


# ---- joining the boxes of a line, on OCR results given here -------------------------------------------------


def boxes_of(parts: list[tuple[str, int]], y: int = 100, h: int = 40, width: int = 24) -> tuple[list, list]:
    """(lines, boxes) as `redact._lines` and `ocr_boxes` give them for texts starting at the given x."""
    lines, boxes = [], []
    for text, x in parts:
        chars = [(ch, (x + k * width, y, x + (k + 1) * width, y + h)) for k, ch in enumerate(text)]
        lines.append(chars)
        boxes.append((x, y, x + len(text) * width, y + h))
    return lines, boxes


def joined(parts: list[tuple[str, int]], inked=None) -> list[str]:
    lines, boxes = boxes_of(parts)
    return [h.kind for h in across(lines, boxes, [], inked)]


def test_a_skipped_box_in_a_digit_per_box_row_is_a_missing_digit() -> None:
    one_per_box = [(c, 400 + 60 * i) for i, c in enumerate(ID)]
    assert joined([("领款人身份证号码：", 100), *one_per_box]) == ["id"]
    assert joined([*one_per_box[:3], *one_per_box[4:]]) == ["id"]  # OCR did not read the 4th box
    assert joined([(c, 400 + 60 * i) for i, c in enumerate(ID[:17] + "X")]) == ["id"]  # an ID ending in X
    mobile = [(c, 400 + 90 * i) for i, c in enumerate(MOBILE)]
    assert joined([*mobile[:5], *mobile[6:]]) == ["mobile"]
    # the first "1" not read at all: the ink in its slot makes it a missing digit, an empty slot does not
    assert joined(mobile[1:], inked=lambda box: True) == ["mobile"]
    assert joined(mobile[1:], inked=lambda box: False) == []
    lines, boxes = boxes_of(mobile[1:])
    (hit,) = across(lines, boxes, [], lambda box: True)
    assert hit.box[0] == 400 and hit.box[2] == 400 + 90 * 10 + 24  # the covered box takes in the empty slot


def test_parts_in_cells_join_but_dates_amounts_and_covered_numbers_do_not() -> None:
    assert joined([("身份证号：", 40), (ID[:6], 300), (ID[6:14], 560), (ID[14:], 880)]) == ["id"]
    assert joined([("身份证号：110101", 40), (ID[6:14], 420), (ID[14:], 740)]) == ["id"]
    assert joined([(MOBILE[:3], 100), (MOBILE[3:7], 300), (MOBILE[7:], 500)]) == ["mobile"]
    # too far apart to be one number
    assert joined([(ID[:6], 100), (ID[6:], 1200)]) == []
    # a date, an amount, an invoice number and a count in neighbouring cells
    assert joined([("2026-10-05", 60), ("1,280.00", 400), (INVOICE, 700), ("3", 1300)]) == []
    assert joined([("20261005", 60), ("12345678", 400)]) == ["card"]  # 16 digits in cells read as a card ...
    assert joined([("2026-10-05", 60), ("12345678", 400)]) == []  # ... but a date is never a piece of one
    assert joined([("1280.00", 60), ("13812345", 300)]) == []  # nor an amount
    # a number already found inside its own box is not joined again with its neighbours
    lines, boxes = boxes_of([("5", 60), (MOBILE, 200), ("12345", 600)])
    found = [Hit("mobile", boxes[1])]
    assert across(lines, boxes, found) == []

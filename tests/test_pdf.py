"""The PDF sheets (SPEC 5.3, 5.2, 10): checked with the real poppler tools (pdftotext, pdffonts, pdfinfo)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from villagefin.errors import ConfigError
from villagefin.fonts import FALLBACK, find_font
from villagefin.model import VillageStatus
from villagefin.money import capitals, display
from villagefin.public import (
    CategoryTotal,
    Correction,
    PublicExpense,
    PublicQuery,
    Township,
    TownshipView,
    VillageRow,
    VillageView,
)
from villagefin.render.pdf import (
    ReceiptPage,
    render_noticeboard,
    render_noticeboards,
    render_summary,
    sheet_texts,
)
from villagefin.render.pdf_text import metrics

TOWNSHIP = Township("新街镇", "天长市", "0550-7000000", "https://example.org/cwgk")
SUMMARIES = ["村部电费", "购买办公用品（打印纸、墨盒）", "修缮村东头排水沟，人工及材料费",
             "购置防汛物资：编织袋500条、铁锹20把、雨衣30套", "支付道路维修工程款第二期，依据2026年第3次村民代表会议决议"]
PAYEES = ["天长市新街镇供电所", "张三", "天长市宏达建筑工程有限公司", "新街镇红旗超市"]


@pytest.fixture(scope="module")
def font():
    return find_font(allow_fallback=False)


def expense(seq: int, amount: str, summary: str = "", **kw) -> PublicExpense:
    fields = dict(seq=seq, date=dt.date(2026, 10, 1 + seq % 31), voucher=f"记-{seq:03d}",
                  summary=summary or SUMMARIES[seq % len(SUMMARIES)], category="管理费用_办公费",
                  group="管理费用", payee=PAYEES[seq % len(PAYEES)], amount=Decimal(amount), method="转账",
                  handler="张三", reviewer="李四", approver="王五", attachments=seq % 4, invoice="", remarks="")
    fields.update(kw)
    return PublicExpense(**fields)


def view_of(expenses, **kw) -> VillageView:
    total = sum((e.amount for e in expenses), Decimal("0.00"))
    groups: dict[str, list[Decimal]] = {}
    for e in expenses:
        groups.setdefault(e.group, []).append(e.amount)
    fields = dict(
        township=TOWNSHIP, village_id="xinjie", village_name="新街村", year=2026, month=10,
        publication_date=dt.date(2026, 11, 5), expenses=tuple(expenses), total=total,
        total_capitals=capitals(total),
        categories=tuple(CategoryTotal(g, len(a), sum(a, Decimal("0.00"))) for g, a in groups.items()),
        ytd_total=total + Decimal("100000.00"), ytd_from_month=1, fingerprint="0123456789abcdef")
    fields.update(kw)
    return VillageView(**fields)


def many(n: int) -> list[PublicExpense]:
    return [expense(i, f"{(i * 7919) % 500000 / 100 + 1:.2f}") for i in range(1, n + 1)]


def pdftotext(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return out.decode("utf-8").split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_voucher_and_amount_appears_and_font_is_embedded(tmp_path: Path, font) -> None:
    view = view_of(many(25) + [expense(26, "-1234.00", summary="红字冲销记-003多付款项")])
    out = tmp_path / "新街村" / "公开表.pdf"  # Chinese path
    out.parent.mkdir()
    pages = render_noticeboard(view, out, font=font)
    text = "\n".join(pdftotext(out))
    assert len(pdftotext(out)) == pages
    for e in view.expenses:
        assert e.voucher in text
        assert display(e.amount) in text
    assert "-1,234.00" in text and "冲销" in text
    assert view.title in text
    assert "天长市新街镇" in text and "2026年10月1日至10月31日" in text and "2026年11月5日" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("WenQuanYi" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # emb column: every font embedded


def test_300_rows_paginate_with_header_subtotals_and_totals(tmp_path: Path, font) -> None:
    view = view_of(many(300), ytd_from_month=10)
    out = tmp_path / "noticeboard.pdf"
    n = render_noticeboard(view, out, font=font)
    pages = pdftotext(out)
    assert n == len(pages) >= 5
    amounts = {e.voucher: e.amount for e in view.expenses}
    seen: list[str] = []
    for i, page in enumerate(pages, 1):
        header = squash(page.split("记-")[0])
        for label in ("序号", "日期", "凭证号", "摘要", "类别", "收款方", "金额（元）", "经手人", "审批人", "附件（张）"):
            assert label in header, (i, label)
        assert re.search(rf"第\s*{i}\s*页\s*共\s*{n}\s*页", page)
        vouchers = re.findall(r"记-\d{3}", page)
        seen += vouchers
        subtotal = re.search(r"本页小计\s+(-?[\d,]+\.\d\d)", page)
        assert subtotal, i
        assert Decimal(subtotal.group(1).replace(",", "")) == sum(amounts[v] for v in vouchers)
    assert seen == [e.voucher for e in view.expenses]  # every row once, in order, none split
    last = pages[-1]
    assert re.search(rf"本月合计（共\s*300\s*笔）\s+{re.escape(display(view.total))}", last)
    assert "人民币大写：" + view.total_capitals in squash(last)
    assert "本年累计（自10月起）" in last and display(view.ytd_total) in last
    assert "管理费用" in last and "按类别小计" in last
    assert "村务监督委员会意见" in last and "签字" in last and "0550-7000000" in last
    assert "数据指纹" in last and "0123456789abcdef" in last
    assert "本月合计" not in "".join(pages[:-1])
    assert "原始票据可到村委会查阅" not in last


def test_long_summary_wraps_and_row_is_never_split(tmp_path: Path, font) -> None:
    long_text = "修缮村东头排水沟人工及材料费，含水泥黄沙碎石" * 12 + "（结束标记）"
    rows = many(40)
    rows[16] = expense(17, "888.88", summary=long_text)
    out = tmp_path / "long.pdf"
    render_noticeboard(view_of(rows), out, font=font)
    pages = pdftotext(out)
    holder = [p for p in pages if "记-017" in p]
    assert len(holder) == 1
    page = holder[0]
    assert "888.88" in page and "（结束标记）" in squash(page)
    assert long_text not in page  # it wrapped…
    # …and every piece is on the same page (pdftotext sets the row's other cells among the summary's lines)
    assert squash(page).replace("1710月18日记-017", "").count("含水泥黄沙碎石") == 12
    assert "（续）" not in "".join(pages)


def test_row_taller_than_a_page_continues_marked(tmp_path: Path, font) -> None:
    rows = many(8)
    rows[3] = expense(4, "4444.44", summary="很长的摘要" * 700 + "最后一句")
    out = tmp_path / "huge.pdf"
    render_noticeboard(view_of(rows), out, font=font)
    pages = pdftotext(out)
    with_row = [i for i, p in enumerate(pages) if "记-004" in p]
    assert len(with_row) >= 2 and with_row == list(range(with_row[0], with_row[-1] + 1))
    for i in with_row[1:]:
        assert "（续）" in pages[i]
    assert "4,444.44" in pages[with_row[0]] and "4,444.44" not in "".join(pages[i] for i in with_row[1:])
    assert "最后一句" in squash(pages[with_row[-1]])
    assert "记-005" in "".join(pages[with_row[-1]:])


def test_preview_watermark_and_banner_on_every_page(tmp_path: Path, font) -> None:
    out = tmp_path / "preview.pdf"
    n = render_noticeboard(view_of(many(60), preview=True), out, font=font)
    pages = pdftotext(out)
    assert n == len(pages) > 1
    for page in pages:
        assert "预览稿，未正式公开" in page
    # the diagonal watermark: a large light-red area in the middle of every page, absent from the final sheet
    final = tmp_path / "final.pdf"
    render_noticeboard(view_of(many(60)), final, font=font)
    for pdf, expected in ((out, True), (final, False)):
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / pdf.stem)], check=True)
        for png in sorted(tmp_path.glob(f"{pdf.stem}-*.png")):
            with Image.open(png) as img:
                w, h = img.size
                middle = img.convert("RGB").crop((w // 4, h // 4, 3 * w // 4, 3 * h // 4))
                px = middle.tobytes()
                reddish = sum(1 for i in range(0, len(px), 3) if px[i] - px[i + 1] > 15 and px[i] - px[i + 2] > 15)
            assert (reddish > 0.05 * middle.width * middle.height) is expected, (png.name, reddish)


@pytest.mark.parametrize(("paper", "orientation", "size"), [
    ("A3", "landscape", "1190.55 x 841.89"), ("A3", "portrait", "841.89 x 1190.55"),
    ("A4", "portrait", "595.276 x 841.89"), ("a4", "landscape", "841.89 x 595.276"),
])
def test_paper_sizes(tmp_path: Path, font, paper: str, orientation: str, size: str) -> None:
    out = tmp_path / "sheet.pdf"
    view = view_of(many(50))
    render_noticeboard(view, out, font=font, paper=paper, orientation=orientation)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True, text=True).stdout
    assert size in info
    text = "\n".join(pdftotext(out))
    assert all(e.voucher in text for e in view.expenses) and "本月合计" in text


def test_a3_text_is_larger_than_a4(font) -> None:
    from villagefin.render.pdf_grid import style

    assert style("A4", "landscape").body >= 10.5 and style("A4", "landscape").title >= 18
    assert style("A3", "landscape").body > style("A4", "landscape").body
    with pytest.raises(ConfigError, match="A4"):
        style("B5", "landscape")
    with pytest.raises(ConfigError, match="portrait"):
        style("A4", "sideways")


def test_month_without_expenses(tmp_path: Path, font) -> None:
    out = tmp_path / "empty.pdf"
    assert render_noticeboard(view_of([]), out, font=font) == 1
    text = pdftotext(out)[0]
    assert "本月无支出" in text and "本月合计" in text and "0.00" in text
    assert "零元整" in text and re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)


def test_corrections_office_receipts_and_fallback_font(tmp_path: Path) -> None:
    correction = Correction(2, "记-003 金额录入错误", ("记-009",), ("记-004",), ("记-003",), dt.date(2026, 11, 8))
    view = view_of(many(8), revision=2, corrections=(correction,), receipts_published=False)
    out = tmp_path / "fallback.pdf"
    render_noticeboard(view, out, font=FALLBACK, paper="A4", orientation="portrait")
    text = squash("\n".join(pdftotext(out)))
    assert "更正说明" in text and "记-003金额录入错误" in text
    assert "新增凭证：记-009" in text and "删除凭证：记-004" in text and "更正凭证：记-003" in text
    assert "原始票据可到村委会查阅" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True, text=True).stdout
    assert "STSong-Light" in fonts


def test_output_is_reproducible(font) -> None:
    import io

    view = view_of(many(30))
    a, b = io.BytesIO(), io.BytesIO()
    render_noticeboard(view, a, font=font)
    render_noticeboard(view, b, font=font)
    assert a.getvalue() == b.getvalue()
    assert b"D:20261105" in a.getvalue()  # dated by the publication, not by the run


def test_print_all_restarts_page_numbers_per_village(tmp_path: Path, font) -> None:
    views = [view_of(many(60), village_name="新街村"), view_of([], village_name="河西村", village_id="hexi"),
             view_of(many(20), village_name="东风村", village_id="dongfeng")]
    singles = []
    for v in views:
        singles.append(render_noticeboard(v, tmp_path / f"{v.village_id}.pdf", font=font))
    out = tmp_path / "print-all.pdf"
    n = render_noticeboards(views, out, font=font, paper="A4", orientation="landscape")
    pages = pdftotext(out)
    assert n == len(pages) == sum(singles)
    start = 0
    for v, count in zip(views, singles, strict=True):
        assert v.title in pages[start]
        for k in range(count):
            assert re.search(rf"第\s*{k + 1}\s*页\s*共\s*{count}\s*页", pages[start + k])
        start += count


def test_summary_sheet(tmp_path: Path, font) -> None:
    rows = (VillageRow("xinjie", "新街村", VillageStatus.PUBLISHED, 12, Decimal("12345.60"), dt.date(2026, 11, 5)),
            VillageRow("hexi", "河西村", VillageStatus.CORRECTED, 3, Decimal("-200.00"), dt.date(2026, 11, 8), 2),
            VillageRow("dongfeng", "东风村", VillageStatus.BLOCKED, None, None, None),
            VillageRow("hongqi", "红旗村", VillageStatus.MISSING, None, None, None))
    total = Decimal("12145.60")
    tv = TownshipView(TOWNSHIP, 2026, 10, dt.date(2026, 11, 5), rows, total, capitals(total), preview=True)
    out = tmp_path / "summary.pdf"
    assert render_summary(tv, out, font=font, paper="A4", orientation="portrait") == 1
    text = pdftotext(out)[0]
    assert "新街镇2026年10月村级财务支出公开汇总表" in text
    for name, status in (("新街村", "已公开"), ("河西村", "已更正"), ("东风村", "有错误未公开"), ("红旗村", "未报送")):
        assert re.search(rf"{name}.*{status}", text)
    assert re.search(r"新街村\s+12\s+12,345.60\s+已公开\s+2026年11月5日", text)
    assert "-200.00" in text and "12,145.60" in text and "15" in text
    assert "人民币大写：壹万贰仟壹佰肆拾伍元陆角整" in text
    assert "0550-7000000" in text and "预览稿，未正式公开" in text


def test_summary_of_many_villages_paginates(tmp_path: Path, font) -> None:
    rows = tuple(VillageRow(f"v{i}", f"第{i}村", VillageStatus.PUBLISHED, 10, Decimal("100.00"), dt.date(2026, 11, 5))
                 for i in range(120))
    tv = TownshipView(TOWNSHIP, 2026, 10, dt.date(2026, 11, 5), rows, Decimal("12000.00"),
                      capitals(Decimal("12000.00")))
    out = tmp_path / "summary.pdf"
    n = render_summary(tv, out, font=font, paper="A4", orientation="landscape")
    pages = pdftotext(out)
    assert n == len(pages) > 1
    assert all("村名" in p and "状态" in p for p in pages)
    assert all(f"第{i}村" in "".join(pages) for i in range(120))
    assert "12,000.00" in pages[-1] and "壹万贰仟元整" in pages[-1]


def test_receipts_appendix(tmp_path: Path, font) -> None:
    from reportlab.pdfgen.canvas import Canvas

    folder = tmp_path / "票据"
    folder.mkdir()
    scan = folder / "记-001.jpg"
    Image.new("RGB", (1200, 1600), (250, 250, 240)).save(scan)  # a tall photo: gets a portrait page
    pdf_scan = folder / "记-002.pdf"
    c = Canvas(str(pdf_scan), pagesize=(400, 300))
    for _ in range(2):
        c.rect(20, 20, 360, 260, fill=1)
        c.showPage()
    c.save()
    broken = folder / "记-003.png"
    broken.write_bytes(b"not an image")
    view = view_of(many(5))
    out = tmp_path / "with-receipts.pdf"
    receipts = [ReceiptPage(scan, "新街村 记-001 2026年10月2日 12.00元"),
                ReceiptPage(pdf_scan, "新街村 记-002 2026年10月3日 13.00元"),
                ReceiptPage(broken, "新街村 记-003 2026年10月4日 14.00元")]
    sheet = render_noticeboard(view, tmp_path / "plain.pdf", font=font)
    n = render_noticeboard(view, out, font=font, receipts=receipts)
    pages = pdftotext(out)
    assert n == len(pages) == sheet + 4
    assert "记-001 2026年10月2日 12.00元" in pages[sheet]
    assert "记-002" in pages[sheet + 1] and "记-002" in pages[sheet + 2]
    assert "记-003" in pages[sheet + 3] and "无法显示" in pages[sheet + 3]
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, check=True, text=True).stdout
    assert len(images.splitlines()) == 2 + 3  # header lines, the photo and the two pages of the PDF scan
    assert " jpeg " in images  # embedded as JPEG, not as raw pixels
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), str(out)], capture_output=True, check=True,
                          text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert float(sizes[0][0]) > float(sizes[0][1])  # the sheet: landscape
    assert float(sizes[sheet][0]) < float(sizes[sheet][1])  # the tall photo: portrait
    assert float(sizes[sheet + 1][0]) > float(sizes[sheet + 1][1])


def test_wrapping_keeps_latin_words_and_follows_kinsoku(font) -> None:
    from villagefin.fonts import register

    m = metrics(register(font))
    size = 10.0
    width = m.width("一二三四五六七八九十", size)
    lines = m.wrap("购买ABCDEFG打印纸，墨盒2026-03号", width, size)
    assert "".join(lines) == "购买ABCDEFG打印纸，墨盒2026-03号"
    assert all(m.width(line, size) <= width + 0.01 for line in lines)
    assert any("ABCDEFG" in line for line in lines) and any("2026-03" in line for line in lines)
    assert not any(line.startswith(("，", "。", "）")) for line in m.wrap("一二三四五六七八九十，好。", width, size))
    assert m.wrap("第一行\n第二行\t完", 1000, size) == ["第一行 第二行 完"]
    assert m.wrap("", width, size) == [""]


def test_sheet_texts_feed_the_glyph_check(font) -> None:
    from villagefin.fonts import missing_glyphs

    view = view_of([expense(1, "12.00", payee="𠮷祥商店"), expense(2, "3.00", handler="王䶮")])
    assert missing_glyphs(font, sheet_texts(view)) == "".join(sorted("𠮷䶮"))
    assert missing_glyphs(font, sheet_texts(view_of(many(5)))) == ""


def bbox_words(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, xMin, yMin, xMax, yMax) of every word pdftotext finds (y grows downwards)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            words.append((page, m.group(5), *(float(m.group(i)) for i in range(1, 5))))
    return words


def test_a_resolution_in_the_remark_is_printed_under_its_summary(tmp_path: Path, font) -> None:
    note = "经2026年10月8日村民代表会议决议"
    rows = many(30)
    rows[4] = expense(5, "1200000.00", summary="村道硬化工程进度款", remarks=note)
    rows[9] = expense(10, "300.00", summary="购买打印纸", remarks="无决议，先行支付")
    rows[12] = expense(13, "80.00", summary="购买墨盒", remarks="现金支付")
    view = view_of(rows)
    out = tmp_path / "resolution.pdf"
    n = render_noticeboard(view, out, font=font)
    lines = "\n".join(pdftotext(out)).splitlines()
    at = next(i for i, line in enumerate(lines) if "村道硬化工程进度款" in line)
    assert note in lines[at + 1] or (note in lines[at + 2] and "1,200,000.00" in lines[at + 1]), lines[at:at + 3]
    text = "\n".join(lines)
    assert "先行支付" not in text and "现金支付" not in text  # only a remark that names a 决议 is printed
    words = {w[1]: w for w in bbox_words(out)}
    summary, remark, seq = words["村道硬化工程进度款"], words[note], words["记-005"]
    assert summary[0] == remark[0]
    assert remark[3] >= summary[5] - 0.5  # on the line under the summary…
    assert abs(remark[2] - summary[2]) < 0.5  # …in the same column…
    assert abs((remark[5] - remark[3]) - (summary[5] - summary[3])) < 0.2  # …at body size
    assert abs((remark[5] - remark[3]) - (seq[5] - seq[3])) < 0.2
    # the taller row still adds up: every page's 本页小计 is the sum of its rows, the total is the month's
    amounts = {e.voucher: e.amount for e in view.expenses}
    pages = pdftotext(out)
    assert len(pages) == n
    for page in pages:
        subtotal = re.search(r"本页小计\s+(-?[\d,]+\.\d\d)", page)
        assert Decimal(subtotal.group(1).replace(",", "")) == sum(amounts[v] for v in re.findall(r"记-\d{3}", page))
    assert display(view.total) in pages[-1]
    assert note in sheet_texts(view) and "无决议，先行支付" not in sheet_texts(view)


SAMPLE_ROWS = [  # (summary, category, payee): how the sample village 新街村 writes its ledger
    ("缴纳村部10月宽带及固定电话费", "管理费用/通讯费", "中国电信股份有限公司天长分公司"),
    ("发放9月党总支书记基本报酬", "管理费用/村干部报酬", "尹金乐"),
    ("发放9月村委会主任基本报酬", "管理费用/村干部报酬", "夏美玲"),
    ("修补西湾组排水沟", "公益支出/道路维修", "天长市通达路桥养护有限公司"),
    ("购买应急手电筒20支", "公益支出/防汛物资", "天长市安泰劳保用品商行"),
    ("订阅2027年度党报党刊", "管理费用/办公费", "中国邮政集团有限公司天长市分公司"),
    ("新街组至河西组村道硬化工程进度款", "公益支出/道路维修", "天长市路达建筑工程有限公司"),
    ("村会计赴滁州参加农经业务培训差旅费", "管理费用/差旅费", "彭建东"),
]


def test_columns_follow_the_text(tmp_path: Path, font) -> None:
    rows = [expense(i, f"{100 + i * 37}.50", summary=s, category=c, payee=p, handler="郭德", approver="段晓山")
            for i, (s, c, p) in enumerate(SAMPLE_ROWS * 3, 1)]
    out = tmp_path / "columns.pdf"
    render_noticeboard(view_of(rows), out, font=font)
    text = "\n".join(pdftotext(out))
    for _, category, payee in SAMPLE_ROWS:  # room for all of them on A4 landscape: nothing wraps
        assert re.search(rf"{re.escape(category)}\s", text), category
        assert payee in text, payee
    assert "村干部报\n" not in text and not re.search(r"^\s*酬\s*$", text, re.M)
    assert all(summary in text for summary, _, _ in SAMPLE_ROWS)


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_narrow_paper_never_wraps_a_category_for_one_or_two_characters(font, paper: str) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from villagefin.fonts import register
    from villagefin.render.pdf import CATEGORY, PAYEE, SUMMARY, _Sheet
    from villagefin.render.pdf_grid import style

    name = register(font)
    people = ["尹金乐", "夏美玲", "欧阳晓明", "卢玉"]
    rows = [expense(i, "12.00", summary=s * 2, category=c, payee=people[i % 4])
            for i, (s, c, _) in enumerate(SAMPLE_ROWS * 2, 1)]
    st = style(paper, "portrait")  # long summaries on portrait paper: 类别 cannot have all it would like
    sheet = _Sheet(view_of(rows), Canvas("/dev/null"), name, st)
    inner = {c: sheet._inner(c) for c in (SUMMARY, CATEGORY, PAYEE)}
    assert inner[SUMMARY] >= max(inner[CATEGORY], inner[PAYEE])  # 摘要 has the most room
    for row in sheet.rows:
        for col in (CATEGORY, PAYEE):
            lines = row.cells[col]
            assert len(lines) == 1 or len(lines[-1]) > 2, (col, lines)  # no tail of one or two characters
    assert sum(w for w in (sheet.xs[i + 1] - sheet.xs[i] for i in range(10))) == pytest.approx(st.inner)


def test_fit_columns_moves_a_column_off_a_one_or_two_character_stub() -> None:
    from villagefin.render.pdf_grid import Column, fit_columns

    s = 10.0

    def width(text: str) -> float:  # every character one em of 10 points
        return len(text) * s

    def column(texts: list[str], wraps: bool = True) -> Column:
        return Column.of(texts, width, width("类别"), wraps)

    cat = column(["管理费用办公费费", "管理费用村干部报酬"] * 5)  # nine characters at most
    summary = column(["修" * 30] * 10)
    amount = column(["12345"], wraps=False)
    # 40 characters across: the level would be 8 characters, one short of 管理费用村干部报酬
    widths = fit_columns([cat, summary, amount], fill=1, space=40 * s, pad=0, em=s)
    assert widths[0] == pytest.approx(9 * s) and widths[2] == pytest.approx(5 * s)
    assert widths[1] == pytest.approx(26 * s) and sum(widths) == pytest.approx(40 * s)
    # texts of 9 and 13 characters at a level of about 11: 13 would leave two characters, 9 fits in 11 → the
    # column narrows under 11 characters and 13 wraps as 10 + 3
    wide = column(["一二三四五六七八九", "一二三四五六七八九十一二三"] * 5)
    widths = fit_columns([wide, summary, amount], fill=1, space=33.6 * s, pad=0, em=s)
    assert 9 * s <= widths[0] < 11 * s and widths[1] >= 17 * s
    assert sum(widths) == pytest.approx(33.6 * s)


def test_the_summary_takes_a_character_from_a_column_that_can_spare_it() -> None:
    from villagefin.render.pdf_grid import Column, _unstub

    s = 10.0

    def column(texts: list[str]) -> Column:
        return Column.of(texts, lambda t: len(t) * s, 2 * s)

    summary = column(["村道硬化工程进度款"] * 2 + ["修" * 40] * 8)  # at 8 characters: 进度 / 款
    long_names = column(["一二三四五六七八九十一二三四五六七"] * 3)  # wraps at 7 as at 6
    short_names = column(["一二三四五六七"] * 3)  # fits at 7, not at 6
    assert _unstub([long_names, summary], [7 * s, 8 * s], 1, 2 * s) == [6 * s, 9 * s]
    assert _unstub([short_names, summary], [7 * s, 8 * s], 1, 2 * s) == [7 * s, 8 * s]


def test_the_sign_off_never_stands_alone_on_the_last_page(tmp_path: Path, font) -> None:
    """A closing long with queries and answers that ends near the bottom of a page: its last lines go with the
    sign-off block onto the last page (rows cannot: the closing is longer than the room under them). Every
    count of rows from 1 to 29 moves the closing's end past a page's bottom at least once."""
    queries = tuple(PublicQuery(number=f"Q2026-{i:03d}", received=dt.date(2026, 11, 3), channel="电话", revision=1,
                                item=str(i), voucher="记-001", summary="购买", question="这笔钱为什么这么多？" * 3,
                                answer="按合同支付。" * 4, answer_date=dt.date(2026, 11, 6),
                                deadline=dt.date(2026, 11, 13)) for i in range(1, 11))
    for n in range(1, 30):
        out = tmp_path / f"{n}.pdf"
        render_noticeboard(view_of(many(n), queries=queries), out, font=font)
        last = [line for line in pdftotext(out)[-1].splitlines() if line.strip()]
        box = next(i for i, line in enumerate(last) if "村务监督委员会意见" in line)
        assert box > 1, (n, last)  # more than the running title above the sign-off block
        assert any("按合同支付" in line or "问：" in line for line in last[1:box]), (n, last)

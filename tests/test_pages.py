"""Portal pages (SPEC 5.4): rendered HTML, relative links, escaping, template overrides, preview, empty month."""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.request
from dataclasses import fields, replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import jinja2
import jinja2.meta
import pytest

from villagefin.model import VillageStatus
from villagefin.public import (
    CategoryTotal,
    Correction,
    PublicExpense,
    Receipt,
    Township,
    TownshipView,
    VillageRow,
    VillageView,
    expenses_json,
    fingerprint,
)
from villagefin.render import pages
from villagefin.render.opendata import expenses_csv

D = Decimal
XSS = "<script>window.__pwned = 1</script>"

TOWNSHIP = Township(
    name="新街镇", county="天长市", supervision_phone="0550-7000000", portal_url="https://example.org/cwgk"
)


def expense(seq: int, amount: str, **kw: object) -> PublicExpense:
    base: dict[str, object] = dict(
        seq=seq,
        date=dt.date(2026, 10, min(seq, 28)),
        voucher=f"记-{seq:03d}",
        summary=f"购买村部办公用品第{seq}批",
        category="管理费用_办公费",
        group="管理费用",
        payee="天长市文具店",
        amount=D(amount),
        method="转账",
        handler="张三",
        reviewer="李四",
        approver="王五",
        attachments=2,
        invoice=f"0443200{seq:05d}",
        remarks="",
    )
    base.update(kw)
    return PublicExpense(**base)  # type: ignore[arg-type]


def village_view(expenses: tuple[PublicExpense, ...] | None = None, **kw: object) -> VillageView:
    """A village view built by hand, as the publish step would: totals, categories, fingerprint."""
    if expenses is None:
        expenses = (
            expense(
                1, "1234.50", receipts=(Receipt("receipts/记-001-1.jpg", "receipts/thumbs/记-001-1.jpg"),)
            ),
            expense(
                2,
                "860.00",
                summary=XSS,
                payee=XSS,
                category="公益支出",
                group="公益支出",
                method="现金",
                remarks="附清单ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOP",
            ),
            expense(3, "-123.00", summary="冲销记-001多付款", remarks="红字冲销"),
            expense(
                4,
                "52000.00",
                summary="村道硬化工程款（第一期）",
                category="公益支出",
                group="公益支出",
                payee="天长市路桥工程有限公司",
                remarks="村民代表会议决议2026-3号",
                attachments=None,
                invoice="",
            ),
        )
    total = sum((e.amount for e in expenses), D("0.00"))
    groups: dict[str, list[PublicExpense]] = {}
    for e in expenses:
        groups.setdefault(e.group, []).append(e)
    cats = tuple(
        sorted(
            (CategoryTotal(g, len(v), sum((e.amount for e in v), D("0.00"))) for g, v in groups.items()),
            key=lambda c: -c.total,
        )
    )
    view = VillageView(
        township=TOWNSHIP,
        village_id="xinjie",
        village_name="新街村",
        year=2026,
        month=10,
        publication_date=dt.date(2026, 11, 5),
        expenses=expenses,
        total=total,
        total_capitals="伍万叁仟玖佰柒拾壹元伍角整",
        categories=cats,
        ytd_total=total + D("100000.00"),
        ytd_from_month=1,
        fingerprint="",
        prev_period="2026-09",
    )
    view = replace(view, **kw)  # type: ignore[arg-type]
    return replace(view, fingerprint=fingerprint(expenses_json(view)))


def township_view(**kw: object) -> TownshipView:
    rows = (
        VillageRow("xinjie", "新街村", VillageStatus.PUBLISHED, 4, D("53971.50"), dt.date(2026, 11, 5), 1),
        VillageRow("hexi", "河西村", VillageStatus.CORRECTED, 2, D("300.00"), dt.date(2026, 11, 8), 2),
        VillageRow("dongpo", "东坡村", VillageStatus.BLOCKED, None, None, None),
        VillageRow("nanwan", "南湾村", VillageStatus.MISSING, None, None, None),
    )
    view = TownshipView(
        township=TOWNSHIP,
        year=2026,
        month=10,
        publication_date=dt.date(2026, 11, 5),
        villages=rows,
        total=D("54271.50"),
        total_capitals="伍万肆仟贰佰柒拾壹元伍角整",
    )
    return replace(view, **kw)  # type: ignore[arg-type]


MONTHS = ("2026-09", "2026-10")
ROOT_MONTHS = [("2026-09", D("1000.00"), 3), ("2026-10", D("54271.50"), 2)]


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return pages.make_environment()


class Collector(HTMLParser):
    """Parses a page; collects every link and image address, and checks that containers close."""

    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append((tag, name, value))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    assert c.stack == [], f"unclosed tags: {c.stack}"
    return c


def assert_links_relative(html: str) -> list[str]:
    """Every href/src is relative and names a file; only tel: may carry a scheme."""
    hrefs = []
    for tag, attr, url in parse(html).urls:
        if url.startswith("tel:"):
            assert re.fullmatch(r"tel:[0-9+]+", url), url
            continue
        assert "http" not in url.lower(), (tag, attr, url)
        assert not url.startswith(("/", "\\", "#")) and ":" not in url, (tag, attr, url)
        last = url.rsplit("/", 1)[-1]
        assert re.search(r"\.(html|css|js|pdf|csv|json|jpe?g|png)$", last), (
            f"link does not name a file: {url}"
        )
        hrefs.append(url)
    return hrefs


# ------------------------------------------------------------------------------------------------ village page
def test_village_page_has_every_field_and_relative_links(env: jinja2.Environment) -> None:
    view = village_view()
    html = pages.render_village_page(env, view, months=MONTHS)
    hrefs = assert_links_relative(html)
    for must in (
        'lang="zh-CN"',
        'name="viewport"',
        view.title,
        "新街镇",
        "2026年10月1日至10月31日",
        "2026年11月5日",
        "53,971.50",
        view.total_capitals,
        "本年累计",
        "153,971.50",
        "村民代表会议决议2026-3号",
        "天长市路桥工程有限公司",
        "044320000001",
        "记-004",
        "管理费用_办公费",
        "现金",
        "张三",
        "李四",
        "王五",
        view.fingerprint,
        'href="tel:05507000000"',
        "0550-7000000",
    ):
        assert must in html, must
    assert "（自" not in html  # archive has the whole year
    assert len(view.fingerprint) == 16
    for expected in (
        "../../assets/site.css",
        "../index.html",
        "../../index.html",
        "noticeboard.pdf",
        "expenses.csv",
        "expenses.json",
        "../../2026-09/xinjie/index.html",
        "../../2026-09/index.html",
        "receipts/%E8%AE%B0-001-1.jpg",
        "receipts/thumbs/%E8%AE%B0-001-1.jpg",
    ):
        assert expected in hrefs, expected
    assert not any("2026-11" in h for h in hrefs)  # no next month published
    # every expense is a table row with all 15 columns
    assert html.count('<tr id="e') == 4
    assert html.count('data-label="') == 4 * 15


def test_ledger_text_is_escaped(env: jinja2.Environment) -> None:
    html = pages.render_village_page(env, village_view(), months=MONTHS)
    assert "<script" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    collector = parse(html)
    assert collector.scripts == 0
    assert XSS in "".join(collector.text)  # shown as text, for the payee and the summary
    # an attribute-breaking payload stays inside its attribute
    evil = expense(1, "1.00", voucher='"><img src=x onerror=alert(1)>', summary="ok 摘要")
    html = pages.render_village_page(env, village_view((evil,)), months=())
    assert "<img src=x" not in html and "&#34;&gt;&lt;img" in html


def test_negative_amounts_are_marked(env: jinja2.Environment) -> None:
    html = pages.render_village_page(env, village_view(), months=MONTHS)
    row = re.search(r'<tr id="e3" class="expense neg">.*?</tr>', html, re.S)
    assert row, "the reversal row is marked neg"
    assert "冲销" in row.group(0) and "-123.00" in row.group(0)
    assert html.count('class="tag-neg"') == 1


def test_ytd_from_month_and_next_link(env: jinja2.Environment) -> None:
    view = village_view(ytd_from_month=9, next_period="2026-11", prev_period=None)
    html = pages.render_village_page(env, view, months=("2026-09", "2026-10", "2026-11"))
    assert "本年累计（自9月起）" in html
    hrefs = assert_links_relative(html)
    assert "../../2026-11/xinjie/index.html" in hrefs
    assert "../../2026-09/xinjie/index.html" not in hrefs


def test_corrections_and_earlier_revisions(env: jinja2.Environment) -> None:
    corrections = (
        Correction(3, "补记漏登凭证", ("记-005",), (), ("记-002",), dt.date(2026, 11, 12)),
        Correction(2, "收款方写错", (), ("记-009",), ("记-001",), dt.date(2026, 11, 8)),
    )
    html = pages.render_village_page(env, village_view(revision=3, corrections=corrections), months=MONTHS)
    assert "更正说明" in html and "补记漏登凭证" in html and "收款方写错" in html
    assert "新增凭证：记-005" in html and "删除凭证：记-009" in html and "更改凭证：记-001" in html
    assert "第3版" in html and "2026年11月12日" in html
    hrefs = assert_links_relative(html)
    for n in (1, 2):
        for name in ("noticeboard.pdf", "expenses.csv", "expenses.json"):
            assert f"revisions/r{n}/{name}" in hrefs
    assert not any(h.startswith("revisions/r3/") for h in hrefs)


def test_receipts_not_published(env: jinja2.Environment) -> None:
    html = pages.render_village_page(env, village_view(receipts_published=False), months=MONTHS)
    assert "原始票据可到村委会查阅" in html
    assert "<img" not in html and "receipts/" not in html


def test_preview_banner(env: jinja2.Environment) -> None:
    html = pages.render_village_page(env, village_view(preview=True), months=MONTHS)
    assert "预览稿" in html and 'class="preview-banner"' in html
    official = pages.render_village_page(env, village_view(), months=MONTHS)
    assert "预览稿" not in official
    town = pages.render_township_page(env, township_view(preview=True), months=MONTHS)
    assert "预览稿" in town


def test_empty_month(env: jinja2.Environment) -> None:
    view = village_view((), total_capitals="零元整", categories=(), ytd_total=D("0.00"), prev_period=None)
    html = pages.render_village_page(env, view, months=())
    assert "本月无支出" in html
    assert "<table" not in html and "¥0.00" in html
    assert_links_relative(html)


def test_workspace_override_extends_default(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "village.html").write_text(
        '{% extends "default:village.html" %}\n'
        '{% block content %}<p class="own">本村自定义页头</p>{{ super() }}{% endblock %}\n',
        encoding="utf-8",
    )
    env = pages.make_environment(own)
    html = pages.render_village_page(env, village_view(), months=MONTHS)
    assert '<p class="own">本村自定义页头</p>' in html
    assert "53,971.50" in html  # the stock content is still there
    assert "&lt;script&gt;" in html  # autoescape holds in workspace templates
    # a village of its own
    (own / "village-hexi.html").write_text(
        '{% extends "default:village.html" %}{% block title %}河西村专页{% endblock %}', encoding="utf-8"
    )
    hexi = pages.render_village_page(
        env, village_view(village_id="hexi", village_name="河西村"), months=MONTHS
    )
    assert "<title>河西村专页</title>" in hexi and "本村自定义页头" not in hexi
    # a workspace partial wins over the package's
    (own / "_footer.html").write_text("<footer>镇里自己的页脚 {{ phone }}</footer>", encoding="utf-8")
    env = pages.make_environment(own)
    town = pages.render_township_page(env, township_view(), months=MONTHS)
    assert "镇里自己的页脚 0550-7000000" in town


def test_strict_undefined(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "root.html").write_text("{{ no_such_key }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        pages.render_root_page(pages.make_environment(own), TOWNSHIP, ROOT_MONTHS)


# ------------------------------------------------------------------------------------------------ other pages
def test_township_page(env: jinja2.Environment) -> None:
    html = pages.render_township_page(env, township_view(), months=MONTHS)
    hrefs = assert_links_relative(html)
    assert "xinjie/index.html" in hrefs and "hexi/index.html" in hrefs
    assert "dongpo/index.html" not in hrefs and "nanwan/index.html" not in hrefs
    for must in (
        "已公开",
        "已更正",
        "有错误未公开",
        "未报送",
        "54,271.50",
        "伍万肆仟贰佰柒拾壹元伍角整",
        "东坡村",
    ):
        assert must in html
    for expected in (
        "summary.pdf",
        "print-all.pdf",
        "../index.html",
        "../assets/site.css",
        "../2026-09/index.html",
    ):
        assert expected in hrefs


def test_township_page_title_says_shouzhi_for_a_month_with_shouzhi_villages(env: jinja2.Environment) -> None:
    """SPEC 12.4: a month with 收支 villages publishes 财务收支 (as its summary.pdf says); an expense-only month
    keeps its title."""
    def title(html: str) -> tuple[str, str]:
        return (re.search(r"<title>([^<]*)</title>", html).group(1),
                re.search(r'<h1 class="page-title">([^<]*)</h1>', html).group(1))

    expense_only = pages.render_township_page(env, township_view(), months=MONTHS)
    assert title(expense_only) == ("新街镇2026年10月村级财务支出公开",) * 2
    assert "每一笔支出" in expense_only
    rows = list(township_view().villages)
    rows[0] = replace(rows[0], income=D("18600.00"), closing=D("96000.00"))
    money = pages.render_township_page(env, township_view(villages=tuple(rows)), months=MONTHS)
    assert title(money) == ("新街镇2026年10月村级财务收支公开",) * 2
    assert "财务支出公开" not in money and "每一笔收支" in money


def test_root_page(env: jinja2.Environment) -> None:
    html = pages.render_root_page(env, TOWNSHIP, ROOT_MONTHS)
    hrefs = assert_links_relative(html)
    months = [h for h in hrefs if h.endswith("/index.html")]
    assert months == ["2026-10/index.html", "2026-09/index.html"]  # newest first
    assert "54,271.50" in html and "assets/site.css" in hrefs
    assert "https://example.org/cwgk" in html  # as text, not a link
    empty = pages.render_root_page(env, TOWNSHIP, [])
    assert "尚未公开任何月份" in empty


def test_no_phone_configured(env: jinja2.Environment) -> None:
    township = replace(TOWNSHIP, supervision_phone="")
    html = pages.render_root_page(env, township, ROOT_MONTHS)
    assert "tel:" not in html and "监督电话" in html


# ------------------------------------------------------------------------------------- context contract
def _template_names() -> list[str]:
    return sorted(p.name for p in pages.templates_dir().glob("*.html"))


def test_every_template_key_is_in_its_context(env: jinja2.Environment) -> None:
    field_names = {name: {f.name for f in fields(cls)} for name, cls in pages.PAGE_CONTEXTS.items()}
    common = set.intersection(*field_names.values())
    village_partials = {"_expenses.html", "_categories.html", "_money.html", "_income.html", "_flows.html"}
    covered = set()
    for name in _template_names():
        source = (pages.templates_dir() / name).read_text(encoding="utf-8")
        used = jinja2.meta.find_undeclared_variables(env.parse(source))
        if name in field_names:
            allowed = field_names[name]
        elif name in village_partials:
            allowed = field_names["village.html"]
        else:  # base.html and shared partials see only what every page has
            allowed = common
        assert used <= allowed, f"{name} uses {sorted(used - allowed)} not in its context"
        covered.add(name)
    assert {"base.html", "village.html", "township.html", "root.html", "_footer.html"} <= covered


def test_templates_and_assets_found(tmp_path: Path) -> None:
    assert (pages.templates_dir() / "village.html").is_file()
    pages.write_assets(tmp_path)
    css = (tmp_path / "assets" / "site.css").read_text(encoding="utf-8")
    assert "@media print" in css and "overflow-x: auto" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css  # nothing fetched


# --------------------------------------------------------------------------------------- a whole small site
def write_site(site: Path, env: jinja2.Environment | None = None) -> VillageView:
    """Root, township page, a village page with its files, and the previous month: every link resolves."""
    env = env or pages.make_environment()
    view = village_view()
    pages.write_assets(site)
    (site / "index.html").write_text(pages.render_root_page(env, TOWNSHIP, ROOT_MONTHS), encoding="utf-8")
    for period in MONTHS:
        y, m = (int(x) for x in period.split("-"))
        month = site / period
        village = month / "xinjie"
        (village / "receipts" / "thumbs").mkdir(parents=True)
        v = replace(
            view,
            year=y,
            month=m,
            prev_period="2026-09" if period == "2026-10" else None,
            next_period="2026-10" if period == "2026-09" else None,
        )
        (village / "index.html").write_text(
            pages.render_village_page(env, v, months=MONTHS), encoding="utf-8"
        )
        (village / "expenses.json").write_bytes(expenses_json(v))
        (village / "expenses.csv").write_bytes(expenses_csv(v))
        (village / "noticeboard.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        for rel in ("receipts/记-001-1.jpg", "receipts/thumbs/记-001-1.jpg"):
            (village / rel).write_bytes(TINY_PNG)
        hexi = month / "hexi"
        hexi.mkdir()
        hv = replace(
            v,
            village_id="hexi",
            village_name="河西村",
            expenses=(),
            categories=(),
            total=D("0.00"),
            total_capitals="零元整",
            ytd_total=D("0.00"),
            prev_period=None,
            next_period=None,
        )
        hv = replace(hv, fingerprint=fingerprint(expenses_json(hv)))
        (hexi / "index.html").write_text(pages.render_village_page(env, hv, months=MONTHS), encoding="utf-8")
        (hexi / "expenses.json").write_bytes(expenses_json(hv))
        (hexi / "expenses.csv").write_bytes(expenses_csv(hv))
        (hexi / "noticeboard.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        tv = replace(township_view(), year=y, month=m)
        (month / "index.html").write_text(
            pages.render_township_page(env, tv, months=MONTHS), encoding="utf-8"
        )
        for name in ("summary.pdf", "print-all.pdf"):
            (month / name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    return view


# a 1x1 PNG, so that thumbnails are real images
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f0005000201e2272a9b0000000049454e44ae426082"
)


def test_every_link_of_the_site_resolves(tmp_path: Path) -> None:
    write_site(tmp_path)
    pages_found = sorted(tmp_path.rglob("*.html"))
    assert len(pages_found) == 7
    for page in pages_found:
        for url in assert_links_relative(page.read_text(encoding="utf-8")):
            target = (page.parent / unquote(url)).resolve()
            assert target.is_file(), f"{page.relative_to(tmp_path)} links to missing {url}"


def test_serve_binds_loopback(tmp_path: Path) -> None:
    from villagefin.errors import UsageError
    from villagefin.serve import make_server, url_of

    write_site(tmp_path)
    server = make_server(tmp_path, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        with urllib.request.urlopen(url_of(server), timeout=5) as resp:
            assert resp.status == 200
            assert "text/html" in resp.headers["Content-Type"]
            assert "2026-10/index.html" in resp.read().decode("utf-8")
        quoted = url_of(server).replace("index.html", "2026-10/xinjie/receipts/%E8%AE%B0-001-1.jpg")
        with urllib.request.urlopen(quoted, timeout=5) as resp:
            assert resp.read() == TINY_PNG
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(UsageError):
        make_server(tmp_path / "nothing-here", port=0)

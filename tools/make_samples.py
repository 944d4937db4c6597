"""Generate the bundled sample township under samples/ (SPEC 2, 3, 10) and its ground truth EXPECTED.json.

Run from the repository root:  python tools/make_samples.py
Deterministic: every random choice comes from random.Random(2026); .xlsx and .jpg files are byte-identical
between runs on the same library versions. The one .xls (dongfeng) is written by LibreOffice and carries its
own timestamps, so it differs from run to run in bytes but never in content.

The generator keeps every expense it writes as a Decimal record and computes the expected counts and totals
from those same records, so EXPECTED.json is exact. Clean villages are validated against the warning rules
(consecutive vouchers, approvals, attachments, cash limit, resolution, split, vague summary, unique invoices)
before anything is written; only the deliberate error village (shiqiao) carries findings.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
YEAR, MONTH = 2026, 10
PERIOD = f"{YEAR}-{MONTH:02d}"
SEED = 2026
FIXED_TIME = dt.datetime(2026, 11, 3, 9, 0, 0)  # stamped into every generated xlsx
CENT = Decimal("0.01")

# Default rules (SPEC 2) — the clean villages are validated against them.
CASH_LIMIT = Decimal("1000")
RESOLUTION = Decimal("50000")
SPLIT_DAYS = 3
VAGUE = ("其他", "杂支", "杂费", "费用", "报销", "支出")
MIN_SUMMARY = 4

CJK_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


# --------------------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One expense as the generator means it; writers format it, EXPECTED is computed from it."""

    date: dt.date
    voucher_no: int
    summary: str
    category: str
    payee: str
    amount: Decimal
    handler: str
    reviewer: str
    approver: str
    invoice: str
    attachments: int
    method: str
    remarks: str = ""
    # journal layout only
    account_code: str = ""
    account_name: str = ""
    # written value overrides for the error village (None = write the normal value)
    raw_date: object = None
    raw_amount: object = None
    hidden: bool = False
    is_expense: bool = True  # False: a seeded error row that is not read as an expense

    def voucher(self, prefix: str = "记-", width: int = 3) -> str:
        return f"{prefix}{self.voucher_no:0{width}d}"


@dataclass
class Expected:
    """Ground truth collected while writing."""

    villages: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unread_sheets: list = field(default_factory=list)
    receipts: dict = field(default_factory=dict)
    receipt_numbers: dict = field(default_factory=dict)  # scan → personal numbers on it (SPEC 15)


def money_str(d: Decimal) -> str:
    return str(d.quantize(CENT))


def total(items: list[Item]) -> Decimal:
    return sum((i.amount for i in items), Decimal("0")).quantize(CENT)


def fmt_thousands(d: Decimal) -> str:
    return f"{d.quantize(CENT):,.2f}"


# --------------------------------------------------------------------------------------------------------
# deterministic file writing
# --------------------------------------------------------------------------------------------------------


INLINE_CELL = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def to_shared_strings(members: dict[str, bytes]) -> None:
    """Move openpyxl's inline strings into xl/sharedStrings.xml, as Excel, WPS and LibreOffice store text."""
    table: dict[str, int] = {}
    uses = 0

    def swap(m: re.Match) -> str:
        nonlocal uses
        uses += 1
        idx = table.setdefault(m.group(3), len(table))
        return f'<c {m.group(1)}t="s"{m.group(2)}><v>{idx}</v></c>'

    for name in list(members):
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            members[name] = INLINE_CELL.sub(swap, members[name].decode("utf-8")).encode("utf-8")
    if not table or "xl/sharedStrings.xml" in members:
        return
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in table)
    members["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{uses}" '
        f'uniqueCount="{len(table)}">{items}</sst>').encode()
    ct = members["[Content_Types].xml"].decode("utf-8")
    ct = ct.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>')
    members["[Content_Types].xml"] = ct.encode("utf-8")
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rels = rels.replace("</Relationships>",
                        f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rIdSst1" /></Relationships>')
    members["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")


def normalise_zip(data: bytes, shared_strings: bool = True) -> bytes:
    """Rewrite an xlsx zip with fixed member timestamps and fixed core-property dates (determinism).

    With `shared_strings`, text cells go to a shared-strings table as every spreadsheet program writes them
    (openpyxl writes inline strings).
    """
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: src.read(info.filename) for info in src.infolist()}
    if shared_strings:
        to_shared_strings(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in members.items():
            if name == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rf"\g<1>{stamp}\g<2>", text)
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def save_xlsx(wb: Workbook, path: Path, *, shared_strings: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "villagefin"
    wb.properties.lastModifiedBy = "villagefin"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(normalise_zip(buf.getvalue(), shared_strings))


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice in a private profile (other processes may be running soffice)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("LibreOffice (soffice) is needed to write the .xls sample; install libreoffice-calc.")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vf-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), str(src)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise SystemExit(f"LibreOffice did not write {out}")
    return out


# --------------------------------------------------------------------------------------------------------
# people, payees, invoice numbers
# --------------------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国明华秀英志强丽娟春梅国庆海涛玉兰桂芳德胜红霞文军小燕长林永红凤英金山学军晓东淑珍立新爱民俊杰美玲宏伟家乐正平雪梅"


class Registry:
    """Global uniqueness across the township: invoice numbers and person names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.invoices: set[str] = set()
        self.names: set[str] = set()

    def person(self) -> str:
        while True:
            s = self.rng.choice(SURNAMES)
            g = self.rng.choice(GIVEN[::2]) + self.rng.choice(GIVEN[1::2])
            name = s + (g if self.rng.random() < 0.8 else g[0])
            if name not in self.names:
                self.names.add(name)
                return name

    def invoice(self, kind: str) -> str:
        while True:
            if kind == "e":  # 数电发票: 20 digits
                num = f"2634{self.rng.randint(2000000, 2999999):07d}{self.rng.randint(0, 999999999):09d}"
            else:  # older paper invoice: 8 digits
                num = f"{self.rng.randint(1000000, 99999999):08d}"
            if num not in self.invoices:
                self.invoices.add(num)
                return num


def citizen_id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


# --------------------------------------------------------------------------------------------------------
# expense templates (2023 农村集体经济组织会计制度: 511 经营支出, 513 管理费用, 514 公益支出)
# --------------------------------------------------------------------------------------------------------

# category path, account code, summary builder key, payee kind, (lo, hi, step cents), methods, invoice kind,
# attachments (lo, hi), rows (lo, hi) sharing one voucher
TEMPLATES: tuple[dict, ...] = (
    dict(key="office", cat="管理费用/办公费", code="51302", payee="shop_office", amt=(60, 900, 50),
         method=("转账", "现金"), inv="e", att=(1, 2), rows=(1, 3)),
    dict(key="power", cat="管理费用/水电费", code="51304", payee="power", amt=(300, 1800, 1),
         method=("转账",), inv="e", att=(1, 1), rows=(1, 2)),
    dict(key="water", cat="管理费用/水电费", code="51304", payee="water", amt=(80, 400, 1),
         method=("转账",), inv="e", att=(1, 1), rows=(1, 1)),
    dict(key="phone", cat="管理费用/通讯费", code="51305", payee="telecom", amt=(199, 399, 100),
         method=("转账",), inv="e", att=(1, 1), rows=(1, 1)),
    dict(key="cadre", cat="管理费用/村干部报酬", code="51301", payee="cadre", amt=(2600, 4200, 100),
         method=("转账",), inv="", att=(1, 1), rows=(3, 4)),
    dict(key="labour", cat="管理费用/误工补贴", code="51306", payee="person", amt=(150, 600, 1000),
         method=("现金", "转账"), inv="", att=(1, 1), rows=(1, 3)),
    dict(key="meeting", cat="管理费用/会议费", code="51307", payee="shop_food", amt=(180, 880, 10),
         method=("转账",), inv="e", att=(2, 2), rows=(1, 1)),
    dict(key="travel", cat="管理费用/差旅费", code="51303", payee="person_travel", amt=(120, 760, 10),
         method=("转账",), inv="e", att=(2, 3), rows=(1, 1)),
    dict(key="papers", cat="管理费用/办公费", code="51302", payee="post", amt=(600, 1680, 100),
         method=("转账",), inv="p", att=(1, 1), rows=(1, 1)),
    dict(key="cleaning", cat="公益支出/保洁工资", code="51401", payee="person", amt=(1500, 2200, 10000),
         method=("转账",), inv="", att=(1, 1), rows=(2, 3)),
    dict(key="road", cat="公益支出/道路维修", code="51402", payee="road_co", amt=(3000, 28000, 1),
         method=("转账",), inv="e", att=(2, 3), rows=(1, 1)),
    dict(key="green", cat="公益支出/绿化养护", code="51403", payee="green_co", amt=(1800, 9000, 1),
         method=("转账",), inv="e", att=(1, 2), rows=(1, 1)),
    dict(key="flood", cat="公益支出/防汛物资", code="51404", payee="shop_safety", amt=(800, 6000, 50),
         method=("转账",), inv="e", att=(1, 2), rows=(1, 2)),
    dict(key="garbage", cat="公益支出/垃圾清运", code="51405", payee="garbage_co", amt=(2400, 7800, 100),
         method=("转账",), inv="e", att=(1, 1), rows=(1, 1)),
    dict(key="lamp", cat="公益支出/路灯维修", code="51406", payee="lamp_co", amt=(400, 3600, 10),
         method=("转账",), inv="e", att=(1, 2), rows=(1, 1)),
    dict(key="fish", cat="经营支出/鱼塘养殖", code="51101", payee="feed_co", amt=(2000, 8800, 50),
         method=("转账",), inv="e", att=(1, 2), rows=(1, 1)),
    dict(key="plant", cat="经营支出/厂房维修", code="51102", payee="build_co", amt=(1200, 9600, 1),
         method=("转账",), inv="e", att=(1, 2), rows=(1, 1)),
)

OFFICE_GOODS = ("A4打印纸10包", "打印机墨盒2个", "档案盒20个", "中性笔2盒", "会议记录本30本", "U盘2个",
                "文件夹15个", "复印纸5包", "订书机及订书钉", "硒鼓1个")
FLOOD_GOODS = ("防汛编织袋500条", "救生衣10件", "应急手电筒20支", "雨衣雨靴15套", "抽水泵配件")
ROAD_PLACES = ("组村道坑洼路面", "组桥头护栏", "组排水沟", "组田间道路", "组入户道路")
GREEN_WORK = ("村部广场苗木修剪", "主干道两侧绿化带补植", "游园草坪养护", "行道树病虫害防治")
FISH_WORK = ("购买村集体鱼塘鱼饲料", "购买鱼塘增氧机配件", "村集体鱼塘投放鱼苗")
PLANT_WORK = ("维修村集体标准化厂房屋面", "更换村集体厂房卷帘门", "维修村集体厂房排水管")
LAMP_WORK = ("更换太阳能路灯电池", "维修主干道路灯线路", "更换路灯灯头8个")
GROUPS = ("新塘", "大庄", "小营", "东圩", "西湾", "王庄", "李洼", "河口", "后岗", "前埂")
SHOPS = {
    "shop_office": ("天长市新华文具店", "天长市晨光办公用品商行", "天长市博文文化用品店"),
    "power": ("国网安徽省电力有限公司天长市供电公司",),
    "water": ("天长市自来水有限公司",),
    "telecom": ("中国电信股份有限公司天长分公司",),
    "shop_food": ("天长市好客来饭店", "天长市福满楼餐饮店"),
    "post": ("中国邮政集团有限公司天长市分公司",),
    "road_co": ("天长市通达路桥养护有限公司", "天长市顺达建筑工程有限公司", "天长市路宝市政工程有限公司"),
    "green_co": ("天长市绿源园林绿化工程有限公司", "天长市青禾苗木专业合作社"),
    "shop_safety": ("天长市安泰劳保用品商行", "天长市永安五金店"),
    "garbage_co": ("天长市洁美环境服务有限公司",),
    "lamp_co": ("天长市光明电器维修部", "天长市亮丽照明工程有限公司"),
    "feed_co": ("天长市丰收饲料经营部",),
    "build_co": ("天长市建兴装饰工程有限公司", "天长市金鼎钢结构有限公司"),
}


def amount(rng: random.Random, lo: int, hi: int, step: int) -> Decimal:
    """A plausible amount in yuan between lo and hi, on a grid of `step` cents."""
    cents = rng.randint(lo * 100 // step, hi * 100 // step) * step
    return (Decimal(cents) / 100).quantize(CENT)


@dataclass
class Staff:
    handler: str
    reviewer: str
    approver: str
    cadres: tuple[str, ...]
    cleaners: tuple[str, ...]
    villagers: tuple[str, ...]


def make_staff(reg: Registry) -> Staff:
    return Staff(
        handler=reg.person(),
        reviewer=reg.person(),
        approver=reg.person(),
        cadres=tuple(reg.person() for _ in range(4)),
        cleaners=tuple(reg.person() for _ in range(3)),
        villagers=tuple(reg.person() for _ in range(12)),
    )


def voucher_rows(rng: random.Random, reg: Registry, t: dict, village: str, staff: Staff, used: dict) -> list[dict]:
    """The rows of one voucher made from template `t` (dates and voucher numbers are set later)."""
    n = rng.randint(*t["rows"])
    att = rng.randint(*t["att"])
    method = rng.choice(t["method"])
    shop_pool = SHOPS.get(t["payee"])
    shop = rng.choice(shop_pool) if shop_pool else ""
    rows: list[dict] = []
    key = t["key"]
    if key == "cadre":
        titles = ("党总支书记", "村委会主任", "村会计", "妇联主席")
        for k in range(min(n, 4)):
            rows.append(dict(summary=f"发放{MONTH - 1}月{titles[k]}基本报酬", payee=staff.cadres[k],
                             amount=amount(rng, *t["amt"])))
    elif key == "cleaning":
        for k in range(min(n, 3)):
            rows.append(dict(summary=f"支付{MONTH}月村庄保洁员工资", payee=staff.cleaners[k],
                             amount=amount(rng, *t["amt"])))
    else:
        for _ in range(n):
            for _try in range(40):  # a summary is used once per village
                if key == "office":
                    goods = rng.choice([g for g in OFFICE_GOODS if g not in used.setdefault("office", set())]
                                       or OFFICE_GOODS)
                    used["office"].add(goods)
                    summary, payee = f"购买村部{goods}", shop
                elif key == "power":
                    places = [p for p in ("村部", "卫生室", "文化活动中心", "灌溉泵站")
                              if p not in used.setdefault("power", set())]
                    place = rng.choice(places or ["村部"])
                    used["power"].add(place)
                    summary, payee = f"缴纳{place}{MONTH - 1}月电费", shop
                elif key == "water":
                    summary, payee = f"缴纳村部{MONTH - 1}月自来水费", shop
                elif key == "phone":
                    summary, payee = f"缴纳村部{MONTH}月宽带及固定电话费", shop
                elif key == "labour":
                    person = rng.choice([p for p in staff.villagers if p not in used.setdefault("labour", set())]
                                        or staff.villagers)
                    used["labour"].add(person)
                    job = rng.choice(("秸秆禁烧巡查", "护林防火值班", "人口普查入户登记", "防汛值守", "河道巡查"))
                    summary, payee = f"{person}{job}误工补贴", person
                elif key == "meeting":
                    summary, payee = f"召开{rng.choice(('村民代表会议', '党员大会', '两委扩大会议'))}误餐", shop
                elif key == "travel":
                    person = staff.cadres[2]
                    summary, payee = "村会计赴滁州参加农经业务培训差旅费", person
                elif key == "papers":
                    summary, payee = f"订阅{YEAR + 1}年度党报党刊", shop
                elif key == "road":
                    summary, payee = f"修补{rng.choice(GROUPS)}{rng.choice(ROAD_PLACES)}", shop
                elif key == "green":
                    summary, payee = f"{rng.choice(GREEN_WORK)}", shop
                elif key == "flood":
                    summary, payee = f"购买{rng.choice(FLOOD_GOODS)}", shop
                elif key == "garbage":
                    summary, payee = f"支付{MONTH}月生活垃圾清运费", shop
                elif key == "lamp":
                    summary, payee = f"{rng.choice(GROUPS)}组{rng.choice(LAMP_WORK)}", shop
                elif key == "fish":
                    summary, payee = rng.choice(FISH_WORK), shop
                elif key == "plant":
                    summary, payee = rng.choice(PLANT_WORK), shop
                else:  # pragma: no cover
                    raise AssertionError(key)
                if summary not in used.setdefault("summaries", set()):
                    break
            used["summaries"].add(summary)
            rows.append(dict(summary=summary, payee=payee, amount=amount(rng, *t["amt"])))
    for r in rows:
        r.update(category=t["cat"], account_code=t["code"], method=method, attachments=att,
                 invoice=reg.invoice(t["inv"]) if t["inv"] else "")
    # a cash voucher stays within the cash limit
    if method == "现金":
        tot = sum((r["amount"] for r in rows), Decimal("0"))
        while tot > CASH_LIMIT:
            big = max(rows, key=lambda r: r["amount"])
            big["amount"] = (big["amount"] / 2).quantize(Decimal("1"))
            tot = sum((r["amount"] for r in rows), Decimal("0"))
    return rows


def working_days() -> list[dt.date]:
    days = []
    for d in range(8, calendar.monthrange(YEAR, MONTH)[1] + 1):
        day = dt.date(YEAR, MONTH, d)
        if day.weekday() < 5:
            days.append(day)
    return days


def build_village(rng: random.Random, reg: Registry, name: str, n_items: int, staff: Staff,
                  keys: tuple[str, ...] | None = None, single_rows: bool = False) -> list[Item]:
    """About n_items expense rows in consecutive vouchers 1..N, dated through the month in voucher order."""
    pool = [t for t in TEMPLATES if keys is None or t["key"] in keys]
    groups: list[list[dict]] = []
    used: dict = {}
    limit = {"water": 1, "phone": 1, "papers": 1, "garbage": 1, "travel": 1, "cadre": 1, "cleaning": 1,
             "fish": 1, "plant": 1, "labour": 3, "office": 3}
    uses: dict[str, int] = {}
    count = 0
    while count < n_items:
        available = [t for t in pool if uses.get(t["key"], 0) < limit.get(t["key"], 2)]
        if not available:  # all templates used up to their limit: take one of the least used
            repeatable = [t for t in pool if limit.get(t["key"], 2) > 1]
            least = min(uses.get(t["key"], 0) for t in repeatable)
            available = [t for t in repeatable if uses.get(t["key"], 0) == least]
        t = rng.choice(available)
        uses[t["key"]] = uses.get(t["key"], 0) + 1
        if single_rows:
            t = dict(t, rows=(1, 1))
        rows = voucher_rows(rng, reg, t, name, staff, used)
        rows = rows[: n_items - count]
        groups.append(rows)
        count += len(rows)
    days = working_days()
    dates = sorted(rng.choice(days) for _ in groups)
    items: list[Item] = []
    for no, (rows, day) in enumerate(zip(groups, dates, strict=True), start=1):
        for r in rows:
            items.append(Item(date=day, voucher_no=no, summary=r["summary"], category=r["category"],
                              payee=r["payee"], amount=r["amount"], handler=staff.handler,
                              reviewer=staff.reviewer, approver=staff.approver, invoice=r["invoice"],
                              attachments=r["attachments"], method=r["method"],
                              account_code=r["account_code"], account_name=r["category"].replace("/", "_")))
    return items


# --------------------------------------------------------------------------------------------------------
# validation of clean villages against the warning rules (so only the error village has findings)
# --------------------------------------------------------------------------------------------------------


def validate_clean(name: str, items: list[Item], *, journal: bool = False) -> None:
    problems: list[str] = []
    nos = sorted({i.voucher_no for i in items})
    if nos != list(range(nos[0], nos[0] + len(nos))):
        problems.append(f"voucher numbers not consecutive: {nos}")
    seen_rows = set()
    vouchers: dict[int, list[Item]] = {}
    for i in items:
        vouchers.setdefault(i.voucher_no, []).append(i)
        key = (i.date, i.voucher_no, i.summary, i.amount, i.payee)
        if key in seen_rows:
            problems.append(f"duplicate row {key}")
        seen_rows.add(key)
        if i.date.year != YEAR or i.date.month != MONTH:
            problems.append(f"date outside period {i.date}")
        if i.amount <= 0 or i.amount != i.amount.quantize(CENT):
            problems.append(f"bad amount {i.amount}")
        s = i.summary.strip()
        if len(s) < MIN_SUMMARY or any(v in s for v in VAGUE):
            problems.append(f"vague summary {s}")
        if not journal:
            if not (i.handler and i.reviewer and i.approver and i.payee):
                problems.append(f"missing approval/payee on {i.summary}")
            if i.attachments < 1:
                problems.append(f"no attachments on {i.summary}")
    for no, rows in vouchers.items():
        vt = total(rows)
        if len({r.date for r in rows}) != 1:
            problems.append(f"voucher {no} has several dates")
        if any(r.method == "现金" for r in rows) and vt > CASH_LIMIT:
            problems.append(f"cash voucher {no} total {vt}")
        if vt > RESOLUTION and not any("决议" in r.remarks for r in rows):
            problems.append(f"voucher {no} needs a resolution")
        if len({r.attachments for r in rows}) != 1:
            problems.append(f"voucher {no} declares attachments differently")
    # possible-split: same payee, vouchers each below the threshold, within the window, together above it
    by_payee: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for rows in vouchers.values():
        for payee in {r.payee for r in rows}:
            amt = total([r for r in rows if r.payee == payee])
            if total(rows) < RESOLUTION:
                by_payee.setdefault(payee, []).append((rows[0].date, amt))
    for payee, entries in by_payee.items():
        for d0, _ in entries:
            window = sum((a for d, a in entries if 0 <= (d - d0).days <= SPLIT_DAYS), Decimal("0"))
            if window > RESOLUTION:
                problems.append(f"possible split {payee} {window}")
    summaries = [i.summary for i in items if not i.category.endswith(("村干部报酬", "保洁工资"))]
    if len(summaries) != len(set(summaries)):
        problems.append("a summary is used twice")
    if problems:
        raise SystemExit(f"sample village {name} is not clean:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
MONEY_FMT = "#,##0.00"

STANDARD_HEADER = ("日期", "凭证号", "摘要", "科目", "收款方", "金额（元）", "经手人", "审核人", "审批人",
                   "发票号码", "附件张数", "支付方式", "备注")
STANDARD_WIDTHS = (12, 10, 34, 20, 30, 13, 8, 8, 8, 22, 9, 9, 28)


def style_header(ws, row: int, ncols: int, first_col: int = 1) -> None:
    for c in range(first_col, first_col + ncols):
        cell = ws.cell(row=row, column=c)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_standard_sheet(ws, village_name: str, items: list[Item], *, title: str, stated_total: Decimal | None,
                         footer: str, staff: Staff) -> dict:
    """The clean 台账 form (xinjie, shiqiao). Returns row numbers: header, first data, total, per item."""
    ncol = len(STANDARD_HEADER)
    ws.cell(row=1, column=1, value=title).font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=f"编制单位：{village_name}村民委员会")
    ws.cell(row=2, column=ncol - 1, value="单位：元")
    for c, h in enumerate(STANDARD_HEADER, start=1):
        ws.cell(row=3, column=c, value=h)
        ws.column_dimensions[get_column_letter(c)].width = STANDARD_WIDTHS[c - 1]
    style_header(ws, 3, ncol)
    ws.freeze_panes = "A4"
    rows: list[int] = []
    r = 4
    for it in items:
        date_val = it.raw_date if it.raw_date is not None else it.date
        amt_val = it.raw_amount if it.raw_amount is not None else it.amount
        if it.raw_amount == "":
            amt_val = None
        values = (date_val, it.voucher(), it.summary, it.category, it.payee, amt_val, it.handler, it.reviewer,
                  it.approver, it.invoice or None, it.attachments, it.method, it.remarks or None)
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = BOX
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=6).number_format = MONEY_FMT
        ws.cell(row=r, column=10).number_format = "@"
        if it.hidden:
            ws.row_dimensions[r].hidden = True
        rows.append(r)
        r += 1
    total_row = None
    if stated_total is not None:
        total_row = r
        ws.cell(row=r, column=3, value="本月合计").font = BOLD
        cell = ws.cell(row=r, column=6, value=stated_total)
        cell.number_format = MONEY_FMT
        cell.font = BOLD
        for c in range(1, ncol + 1):
            ws.cell(row=r, column=c).border = BOX
        r += 1
    r += 1
    ws.cell(row=r, column=1, value=footer)
    return {"header": 3, "rows": rows, "total": total_row}


def locate(village: str, file: str, sheet: str | None, row: int | None, column: str | None, code: str) -> dict:
    return {"village": village, "file": file, "sheet": sheet, "row": row, "column": column, "code": code}


# ---------------------------------------------------------------- xinjie: clean standard xlsx + receipts


def xinjie(rng: random.Random, reg: Registry, exp: Expected) -> None:
    staff = make_staff(reg)
    items = build_village(rng, reg, "新街村", 39, staff)
    # the large voucher, with its resolution reference
    big_day = dt.date(YEAR, MONTH, 20)
    items.append(Item(date=big_day, voucher_no=0, summary="新街组至河西组村道硬化工程进度款",
                      category="公益支出/道路维修", payee="天长市路达建筑工程有限公司",
                      amount=Decimal("86500.00"), handler=staff.handler, reviewer=staff.reviewer,
                      approver=staff.approver, invoice=reg.invoice("e"), attachments=3, method="转账",
                      remarks="2026年第5次村民代表会议决议"))
    # renumber in date order so vouchers stay consecutive and dated in order
    items = renumber(items)
    # privacy demo: a citizen ID, a mobile number and a bank card inside text fields
    target = next(i for i in items if i.category.endswith("误工补贴"))
    person = "张明华"
    pid = citizen_id("341181", dt.date(1985, 7, 12), 621)
    target.summary = f"支付{person}护林防火值班误工补贴（身份证{pid}）"
    target.payee = f"{person} 13812345678"
    target.remarks = "转入本人农商行卡6230521234567890123"
    # receipt naming demo (SPEC 10): 记-002 and 记-003 have two scans, 记-004..记-006 one each
    for it in items:
        if it.voucher_no in (2, 3):
            it.attachments = 2
        elif it.voucher_no in (4, 5, 6):
            it.attachments = 1
    validate_clean("xinjie", items)
    total_amt = total(items)
    wb = Workbook()
    ws = wb.active
    ws.title = "支出明细"
    footer = f"制表人：{staff.handler}　　审核：{staff.reviewer}　　村负责人：{staff.approver}　　制表日期：2026年11月2日"
    write_standard_sheet(ws, "新街村", items, title="新街村2026年10月支出明细", stated_total=total_amt,
                         footer=footer, staff=staff)
    rel = "ledgers/xinjie/2026-10.xlsx"
    save_xlsx(wb, SAMPLES / rel)
    exp.villages["xinjie"] = village_entry("新街村", items, [(rel, "支出明细", "expense-list")])
    exp.receipts["xinjie"] = write_receipts(rng, items, SAMPLES / "ledgers/xinjie/receipts", "新街村",
                                            person=(person, pid), numbers=exp.receipt_numbers)


def renumber(items: list[Item]) -> list[Item]:
    """Sort by date (stable within a voucher) and number vouchers 1..N in that order."""
    groups: dict[tuple, list[Item]] = {}
    order: list[tuple] = []
    for i in items:
        key = (i.voucher_no, i.summary if i.voucher_no == 0 else "")
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(i)
    ordered = sorted(order, key=lambda k: (groups[k][0].date, order.index(k)))
    out: list[Item] = []
    for no, key in enumerate(ordered, start=1):
        for i in groups[key]:
            i.voucher_no = no
            out.append(i)
    return out


def village_entry(name: str, items: list[Item], files: list[tuple[str, str | None, str]]) -> dict:
    exp_items = [i for i in items if i.is_expense]
    return {
        "name": name,
        "files": [{"file": f, "sheet": s, "layout": lay} for f, s, lay in files],
        "expenses": len(exp_items),
        "total": money_str(total(exp_items)),
        "vouchers": len({i.voucher_no for i in exp_items}),
        "errors": 0,
        "warnings": 0,
    }


# ---------------------------------------------------------------- money (SPEC 12): income, flows, balances


@dataclass
class Money:
    """One income or other-flow line as the generator means it (SPEC 12.1)."""

    date: dt.date
    summary: str
    account: str  # 对方科目 / 类别: an income account, another account, or 库存现金 / 银行存款 (a transfer)
    payer: str
    amount: Decimal
    column: str  # "cash" | "bank": the money column it moves
    kind: str  # "income" | "other-in" | "other-out" | "transfer"
    code: str = ""  # journal account code
    voucher_no: int = 0


def money_figures(items: list[Item], money: list[Money], opening: dict[str, Decimal],
                  cash_of=lambda i: i.method == "现金") -> dict:
    """The money table of SPEC 12.4 per column from the generator's own records: every column adds up."""
    out = {}
    for column in ("cash", "bank"):
        f = dict(opening=opening[column], income=Decimal("0"), expense=Decimal("0"), other_in=Decimal("0"),
                 other_out=Decimal("0"), transfer=Decimal("0"))
        for i in items:
            if i.is_expense and (cash_of(i) == (column == "cash")):
                f["expense"] += i.amount
        for m in money:
            if m.kind == "transfer":  # m.column receives, the other column gives
                f["transfer"] += m.amount if m.column == column else -m.amount
            elif m.column == column:
                f[{"income": "income", "other-in": "other_in", "other-out": "other_out"}[m.kind]] += m.amount
        f["closing"] = f["opening"] + f["income"] - f["expense"] + f["other_in"] - f["other_out"] + f["transfer"]
        out[column] = {k: money_str(v) for k, v in f.items()}
    return out


def money_entry(entry: dict, money: list[Money], figures: dict) -> None:
    income = [m for m in money if m.kind == "income"]
    entry["income"] = len(income)
    entry["income_total"] = money_str(sum((m.amount for m in income), Decimal("0")))
    entry["flows"] = len(money) - len(income)
    entry["balances"] = figures


def income_sheet(ws, village: str, money: list[Money], staff: Staff, *, word: str = "收-", width: int = 2) -> None:
    """An expense-list village's 收入明细 (SPEC 12.2): a payer column 付款方 and 收入金额, a 合计 row."""
    header = ("日期", "凭证号", "摘要", "类别", "付款方", "收入金额", "结算方式", "经手人", "审核人", "审批人",
              "附件张数", "备注")
    ws.cell(row=1, column=1, value=f"{village}{YEAR}年{MONTH}月收入明细").font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for c, h in enumerate(header, start=1):
        ws.cell(row=2, column=c, value=h)
    style_header(ws, 2, len(header))
    r = 3
    for m in money:
        vals = (m.date, f"{word}{m.voucher_no:0{width}d}", m.summary, m.account, m.payer, m.amount,
                "现金" if m.column == "cash" else "转账", staff.handler, staff.reviewer, staff.approver, 1, None)
        for c, v in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=v).border = BOX
        ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=6).number_format = MONEY_FMT
        r += 1
    ws.cell(row=r, column=3, value="合计").font = BOLD
    ws.cell(row=r, column=6, value=sum((m.amount for m in money), Decimal("0"))).number_format = MONEY_FMT
    for c, wdt in enumerate((12, 9, 34, 14, 28, 13, 9, 8, 8, 8, 9, 16), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt


def balances_sheet(ws, village: str, figures: dict, stated_closing: dict | None = None) -> dict:
    """A 资金余额表 (SPEC 12.2): rows 库存现金 / 银行存款, columns 上月结余 / 本月结余. Returns label → row."""
    stated_closing = stated_closing or {}
    ws.cell(row=1, column=1, value=f"{village}{YEAR}年{MONTH}月资金余额表").font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    header = ("项目", "上月结余", "本月收入", "本月支出", "本月结余")
    for c, h in enumerate(header, start=1):
        ws.cell(row=2, column=c, value=h)
    style_header(ws, 2, len(header))
    rows = {}
    for r, (label, column) in enumerate((("库存现金", "cash"), ("银行存款", "bank")), start=3):
        f = {k: Decimal(v) for k, v in figures[column].items()}
        money_in = f["income"] + f["other_in"] + max(f["transfer"], Decimal("0"))
        money_out = f["expense"] + f["other_out"] + max(-f["transfer"], Decimal("0"))
        closing = stated_closing.get(column, f["closing"])
        for c, v in enumerate((label, f["opening"], money_in, money_out, closing), start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = BOX
            if c > 1:
                cell.number_format = MONEY_FMT
        rows[column] = r
    ws.cell(row=6, column=1, value="注：本月收入、本月支出含内部转账。")
    for c, wdt in enumerate((14, 14, 14, 14, 14), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt
    return rows


# ---------------------------------------------------------------- receipts (SPEC 10)


def cjk_font(size: int):
    from PIL import ImageFont

    for p in CJK_FONT_PATHS:
        if os.path.exists(p):
            return ImageFont.truetype(p, size)
    return None


#: people of the 劳务费 sign-for sheet (SPEC 15): their numbers are made here, not drawn from the samples' rng
SIGNERS = ("王立国", "李秀英", "张建华", "刘桂兰", "陈志强", "杨丽娟", "赵德明", "黄小燕", "周永康", "吴海峰")


def mobile_of(k: int) -> str:
    return f"1{'3578'[k % 4]}{(k * 7919 + 1234) % 10}{(k * 104729 + 5) % 100000000:08d}"


def sign_sheet(village: str, voucher: str, day: dt.date, total_amount: Decimal) -> tuple:
    """A 劳务费 sign-for sheet of ten people, each with citizen ID and mobile: what receipts hold most often."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1500, 1060), (250, 250, 246))
    d = ImageDraw.Draw(img)
    title, font, small = cjk_font(40), cjk_font(26), cjk_font(22)
    d.text((750, 60), f"{village}劳务费发放签领表", font=title, fill=(20, 20, 20), anchor="mm")
    d.text((70, 110), f"凭证 {voucher}　发放日期：{day.year}年{day.month}月{day.day}日　事由：村内沟渠清淤临时用工",
           font=small, fill=(40, 40, 40))
    cols = (70, 150, 300, 690, 960, 1130, 1300)
    heads = ("序号", "姓名", "身份证号码", "手机号码", "金额（元）", "签名", "")
    y = 160
    for x, h in zip(cols, heads, strict=True):
        d.text((x, y), h, font=font, fill=(20, 20, 20))
    each = (total_amount / len(SIGNERS)).quantize(CENT)
    ids = mobiles = 0
    for k, name in enumerate(SIGNERS):
        y = 220 + k * 78
        d.line((60, y - 14, 1440, y - 14), fill=(170, 170, 170), width=1)
        pid = citizen_id("341181", dt.date(1960 + 3 * k, 1 + k, 3 + 2 * k), 100 + 17 * k)
        cells = (str(k + 1), name, pid, mobile_of(k), f"{each:,.2f}", name[0] + "　" + name[1:])
        for x, text in zip(cols, cells, strict=False):
            d.text((x, y), text, font=font, fill=(25, 25, 25))
        ids += 1
        mobiles += 1
    d.line((60, 1000, 1440, 1000), fill=(170, 170, 170), width=1)
    d.text((70, 1015), "（样例票据，仅供演示；号码为虚构）", font=small, fill=(110, 110, 110))
    return img, {"id": ids, "mobile": mobiles, "card": 0}


def receipt_image(village: str, voucher: str, page: int, pages: int, it: Item, vtotal: Decimal,
                  extra: tuple[tuple[str, int], ...] = ()):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 800), (246, 244, 236))
    d = ImageDraw.Draw(img)
    big, mid, small = cjk_font(40), cjk_font(24), cjk_font(20)
    if big is None:  # no CJK font on this machine: an ASCII receipt still works as a scan
        lines = [("RECEIPT", 40), (f"{voucher}  {page}/{pages}", 24), (f"{it.date:%Y-%m-%d}", 24),
                 (f"CNY {vtotal:,.2f}", 24)]
        y = 60
        for text, _ in lines:
            d.text((60, y), text, fill=(30, 30, 30))
            y += 50
    else:
        d.rectangle((30, 30, 570, 770), outline=(120, 40, 40), width=3)
        d.text((300, 80), "收　据", font=big, fill=(150, 30, 30), anchor="mm")
        d.line((60, 120, 540, 120), fill=(150, 30, 30), width=2)
        rows = [
            f"{village}　{voucher}　第{page}张/共{pages}张",
            f"日期：{it.date.year}年{it.date.month}月{it.date.day}日",
            "事由：",
            f"  {it.summary[:18]}",
            f"  {it.summary[18:36]}" if len(it.summary) > 18 else "",
            f"收款方：{it.payee[:16]}",
            f"金额：¥{vtotal:,.2f}",
            f"经手人：{it.handler}",
        ]
        y = 160
        for text in rows:
            if text:
                d.text((60, y), text, font=mid, fill=(30, 30, 30))
            y += 52
        for k in range(9):  # ruled lines, like a receipt book
            d.line((60, 200 + k * 52, 540, 200 + k * 52), fill=(200, 190, 180), width=1)
        d.ellipse((380, 560, 540, 720), outline=(200, 40, 40), width=5)
        d.text((460, 640), "财务专用", font=small, fill=(200, 40, 40), anchor="mm")
        d.text((60, 740), "（样例票据，仅供演示）", font=small, fill=(110, 110, 110))
        # personal numbers (SPEC 15): below the stamp, each line at its own size
        y = 584
        for text, size in extra:
            d.text((60, y), text, font=cjk_font(size), fill=(20, 20, 20))
            y += size + 22
    return img


def write_receipts(rng: random.Random, items: list[Item], folder: Path, village: str,
                   person: tuple[str, str] | None = None, numbers: dict | None = None) -> dict:
    """One scan per declared attachment, in the naming forms of SPEC 10, in the month's subfolder 2026-10/
    (SPEC 15), plus a September scan that October must not show. Returns voucher → file names.

    Personal numbers (SPEC 15), recorded in `numbers` (scan path → {"id", "mobile", "card"}): the 误工补贴 of
    `person` shows his ID, mobile and bank card (the card at a slant); the next 误工补贴 scan is a sign-for
    sheet of ten people; a travel receipt shows a mobile and is stored on its side with an EXIF orientation."""
    from PIL import Image, ImageDraw

    if folder.exists():
        shutil.rmtree(folder)
    month = folder / PERIOD
    month.mkdir(parents=True)
    numbers = {} if numbers is None else numbers
    labour = [i.voucher_no for i in items if i.category.endswith("误工补贴")]
    target = next((i.voucher_no for i in items if person and person[1] in i.summary), None)
    sheet_voucher = next((n for n in labour if n != target and n > 6), None)
    travel = next((i.voucher_no for i in items if i.category.endswith("差旅费") and i.voucher_no > 6), None)
    september = folder / "2026年9月" / "记-001.jpg"
    september.parent.mkdir(parents=True)
    first = items[0]
    receipt_image(village, "记-001", 1, 1, first, Decimal("88.00"),
                  (("（9月的票据：10月的 记-001 不应显示这一张）", 20),)).save(september, "JPEG", quality=55)
    vouchers: dict[int, list[Item]] = {}
    for i in items:
        vouchers.setdefault(i.voucher_no, []).append(i)
    listing: dict[str, list[str]] = {}
    for no, rows in sorted(vouchers.items()):
        first = rows[0]
        pages = first.attachments
        v = first.voucher()
        names: list[str] = []
        for p in range(1, pages + 1):
            if no == 3:
                names.append(f"{v}/{p}.jpg")  # a subfolder per voucher
            elif no == 4:
                names.append(f"{no}.jpeg" if p == 1 else f"{no}-{p}.jpeg")  # bare number = 记 series
            elif no == 5:
                names.append(f"记{no:03d}({p}).png")
            elif no == 6:
                names.append(f"记字第{no}号.pdf" if p == 1 else f"记字第{no}号-{p}.pdf")
            else:
                names.append(f"{v}.jpg" if p == 1 else f"{v}-{p}.jpg")
        for p, name in enumerate(names, start=1):
            path = month / name
            rel = path.relative_to(SAMPLES).as_posix()
            extra: tuple[tuple[str, int], ...] = ()
            exif = None
            if no == target and p == 1 and person:
                extra = ((f"领款人：{person[0]}　身份证号：{person[1]}", 20), ("联系电话：138 1234 5678", 30))
                numbers[rel] = {"id": 1, "mobile": 1, "card": 1}
            elif no == travel and p == 1:
                extra = (("报销人电话：159-5501-7788", 24),)
                numbers[rel] = {"id": 0, "mobile": 1, "card": 0}
            if no == sheet_voucher and p == 1:
                img, numbers[rel] = sign_sheet(village, v, first.date, total(rows))
            else:
                img = receipt_image(village, v, p, pages, first, total(rows), extra)
            if no == target and p == 1 and person:
                # the bank card on a slip stuck on at a slant, as it is on real receipts
                slip = Image.new("RGB", (520, 60), (255, 255, 255))
                ImageDraw.Draw(slip).text((10, 12), "收款卡号：6230 5212 3456 7890 123", font=cjk_font(26),
                                          fill=(10, 10, 10))
                slip = slip.rotate(4, expand=True, fillcolor=(246, 244, 236))
                img.paste(slip, (40, 672))
            if no == travel and p == 1:
                img = img.transpose(Image.Transpose.ROTATE_90)  # stored on its side ...
                exif = Image.Exif()
                exif[0x0112] = 6  # ... with the orientation that stands it upright
            path.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".png"):
                img.convert("L").save(path, optimize=True)
            elif name.endswith(".pdf"):
                img.save(path, "PDF", resolution=100.0, quality=60, creationDate=FIXED_TIME.timetuple(),
                         modDate=FIXED_TIME.timetuple(),
                         title=f"{village} {v}", producer="villagefin samples")
            else:
                kwargs = {"quality": 55, "optimize": True}
                if no == 1 and p == 1:
                    kwargs["exif"] = gps_exif()
                if exif is not None:
                    kwargs["exif"] = exif
                img.save(path, "JPEG", **kwargs)
            if path.stat().st_size > (150_000 if no == sheet_voucher else 60_000):
                raise SystemExit(f"receipt {path} is {path.stat().st_size} bytes (> 60 KB)")
        listing[v] = names
    return listing


def cache_receipt_verdicts() -> None:
    """Cover the sample scans once and ship the verdicts in samples/.villagefin/receipts-cache (SPEC 15): the
    demo and the tests then publish covered scans without reading 46 scans with OCR each time. The cache is
    keyed by each scan's sha256 and the engine's version, so another engine version simply reads them again."""
    sys.path.insert(0, str(ROOT))
    from villagefin.model import Period
    from villagefin.receipts import find_scans, scan_pages
    from villagefin.redact import CACHE_DIR, Verdicts

    cache = SAMPLES / CACHE_DIR
    if cache.exists():
        shutil.rmtree(cache)
    sources = []
    for paths in find_scans(SAMPLES / "ledgers/xinjie/receipts", "记", Period(YEAR, MONTH)).values():
        for path in paths:
            if path.suffix.lower() == ".pdf":
                sources.extend(f"{path}#page={i}" for i in range(scan_pages(path) or 0))
            else:
                sources.append(str(path))
    verdicts = Verdicts(SAMPLES).cover_all(sources)
    covered = sum(v.covered for v in verdicts.values())
    withheld = sum(1 for v in verdicts.values() if not v.publishable)
    print(f"  receipts: {len(sources)} scans read, {covered} numbers covered, {withheld} withheld")


def gps_exif():
    """EXIF as a phone camera writes it, with a GPS position (天长市), so stripping can be tested."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"  # Make
    exif[0x0110] = "ELS-AN00"  # Model
    exif[0x0132] = "2026:10:08 09:31:07"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (32.0, 41.0, 15.5)
    gps[3] = "E"
    gps[4] = (119.0, 0.0, 30.25)
    return exif


# ---------------------------------------------------------------- hexi: GB18030 CSV, text amounts and dates


def hexi(rng: random.Random, reg: Registry, exp: Expected) -> None:
    staff = make_staff(reg)
    items = build_village(rng, reg, "河西村", 35, staff)
    validate_clean("hexi", items)
    header = ("日期", "凭证号", "摘要", "科目", "收款单位", "金额", "经办人", "审核人", "审批人", "发票号码",
              "附件张数", "付款方式", "备注")
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["河西村2026年10月支出明细"] + [""] * (len(header) - 1))
    w.writerow(header)
    for it in items:
        w.writerow([f"{it.date.year}/{it.date.month}/{it.date.day}", it.voucher(), it.summary,
                    it.category.split("/")[0], it.payee, fmt_thousands(it.amount), it.handler, it.reviewer,
                    it.approver, it.invoice, str(it.attachments), it.method, it.remarks])
    w.writerow([""] * len(header))  # Excel writes the empty formatted row under the table
    rel = "ledgers/hexi/2026年10月.csv"
    path = SAMPLES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("gb18030"))
    exp.villages["hexi"] = village_entry("河西村", items, [(rel, None, "expense-list")])


# ---------------------------------------------------------------- dongfeng: LibreOffice .xls, two-row header


def dongfeng(rng: random.Random, reg: Registry, exp: Expected) -> None:
    """A cash-journal village (SPEC 12.2): 现金日记账 and 银行存款日记账 in one .xls, each with a 上月结转 row, a
    running 余额 and a 本月合计 row; income and other flows by 对方科目; a 提现 in both journals."""
    staff = make_staff(reg)
    items = build_village(rng, reg, "东风村", 30, staff)
    validate_clean("dongfeng", items)
    cashier = reg.person()
    day = lambda d: dt.date(YEAR, MONTH, d)  # noqa: E731
    money = [
        Money(day(9), "收到镇财政所拨付村级组织运转经费", "补助收入", "新街镇财政所", Decimal("32000.00"), "bank",
              "income"),
        Money(day(14), "收到村集体门面房第四季度租金", "经营收入", "天长市东风百货超市", Decimal("9600.00"), "bank",
              "income"),
        Money(day(16), "从银行提取备用金", "银行存款", "", Decimal("2000.00"), "cash", "transfer"),
        Money(day(20), "收到镇政府拨付农村人居环境整治专项资金", "专项应付款", "新街镇人民政府",
              Decimal("50000.00"), "bank", "other-in"),
        Money(day(22), f"收到{staff.villagers[0]}等农户缴纳的灌溉水费", "经营收入", staff.villagers[0],
              Decimal("680.00"), "cash", "income"),
        Money(day(27), "收到东风组交回的代垫误工补贴", "内部往来", "东风村民组", Decimal("300.00"), "cash",
              "other-in"),
        Money(day(29), "支付东风组一事一议村道硬化工程尾款", "一事一议资金", "天长市顺达建筑工程有限公司",
              Decimal("12800.00"), "bank", "other-out"),
    ]
    # number every voucher of the month in date order: expense vouchers and money vouchers together
    groups: list[tuple[dt.date, object]] = []
    for no in sorted({i.voucher_no for i in items}):
        rows = [i for i in items if i.voucher_no == no]
        groups.append((rows[0].date, rows))
    for m in money:
        groups.append((m.date, m))
    groups.sort(key=lambda g: g[0])
    for no, (_d, g) in enumerate(groups, start=1):
        if isinstance(g, Money):
            g.voucher_no = no
        else:
            for i in g:
                i.voucher_no = no
    opening = {"cash": Decimal("1523.70"), "bank": Decimal("96218.45")}
    figures = money_figures(items, money, opening)
    heads = ["日期", ("凭证", "字"), ("凭证", "号"), "摘要", "对方科目", "对方单位", "收入", "支出", "余额",
             "经手人", "审核人", "审批人", "发票号", "附件数", "备注"]
    n = len(heads)
    wb = Workbook()
    rows_of: dict[str, int] = {}
    for column, title in (("cash", "现金日记账"), ("bank", "银行存款日记账")):
        ws = wb.active if column == "cash" else wb.create_sheet()
        ws.title = title
        ws.cell(row=1, column=1, value=f"东风村{YEAR}年{MONTH}月{title}").font = TITLE
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
        for c, h in enumerate(heads, start=1):
            if isinstance(h, tuple):
                ws.cell(row=2, column=c, value=h[0] if h[1] == "字" else None)
                ws.cell(row=3, column=c, value=h[1])
            else:
                ws.cell(row=2, column=c, value=h)
                ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
        ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)
        style_header(ws, 2, n)
        style_header(ws, 3, n)
        balance = opening[column]
        lines: list[tuple] = []  # (date, no, summary, account, party, in, out, invoice, attachments, remarks)
        for _d, g in groups:
            if isinstance(g, Money):
                if g.kind == "transfer":  # in both journals: into this one's column, out of the other's
                    incoming = g.column == column
                    lines.append((g.date, g.voucher_no, g.summary, "银行存款" if column == "cash" else "库存现金",
                                  "", g.amount if incoming else None, None if incoming else g.amount, None, 1,
                                  None))
                elif g.column == column:
                    money_in = g.kind in ("income", "other-in")
                    lines.append((g.date, g.voucher_no, g.summary, g.account, g.payer,
                                  g.amount if money_in else None, None if money_in else g.amount, None, 1, None))
            else:
                for i in g:
                    if (i.method == "现金") == (column == "cash"):
                        lines.append((i.date, i.voucher_no, i.summary, i.category, i.payee, None, i.amount,
                                      i.invoice or None, i.attachments, i.remarks or None))
        r = 4
        for c, v in enumerate((day(1), None, None, "上月结转", None, None, None, None, balance), start=1):
            ws.cell(row=r, column=c, value=v).border = BOX
        ws.cell(row=r, column=1).number_format = "yyyy/m/d"
        ws.cell(row=r, column=9).number_format = MONEY_FMT
        r += 1
        sum_in = sum_out = Decimal("0")
        lowest = balance
        for d, no, summary, account, party, m_in, m_out, invoice, att, remarks in lines:
            balance += (m_in or 0) - (m_out or 0)
            lowest = min(lowest, balance)
            sum_in += m_in or 0
            sum_out += m_out or 0
            vals = (d, "记", no, summary, account, party or None, m_in, m_out, balance, staff.handler,
                    staff.reviewer, staff.approver, invoice, att, remarks)
            for c, v in enumerate(vals, start=1):
                ws.cell(row=r, column=c, value=v).border = BOX
            ws.cell(row=r, column=1).number_format = "yyyy/m/d"
            for c in (7, 8, 9):
                ws.cell(row=r, column=c).number_format = MONEY_FMT
            ws.cell(row=r, column=13).number_format = "@"
            r += 1
        if lowest < 0:
            raise SystemExit(f"dongfeng {title}: the balance goes below zero ({lowest})")
        assert money_str(balance) == figures[column]["closing"], (column, balance, figures[column])
        for c, v in enumerate((day(31), None, None, "本月合计", None, None, sum_in, sum_out, balance), start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = BOX
            cell.font = BOLD
        ws.cell(row=r, column=1).number_format = "yyyy/m/d"
        for c in (7, 8, 9):
            ws.cell(row=r, column=c).number_format = MONEY_FMT
        rows_of[column] = r
        ws.cell(row=r + 2, column=1, value=f"会计：{staff.handler}　　出纳：{cashier}")
        for c, wdt in enumerate((11, 4, 5, 34, 18, 28, 12, 12, 12, 8, 8, 8, 22, 7, 20), start=1):
            ws.column_dimensions[get_column_letter(c)].width = wdt
    rel = "ledgers/dongfeng/dongfeng-2026-10.xls"
    with tempfile.TemporaryDirectory(prefix="vf-samples-") as tmp:
        src = Path(tmp) / "dongfeng-2026-10.xlsx"
        save_xlsx(wb, src)
        out = soffice_convert(src, "xls", Path(tmp) / "out")
        (SAMPLES / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, SAMPLES / rel)
    entry = village_entry("东风村", items, [(rel, "现金日记账", "cash-journal"), (rel, "银行存款日记账", "cash-journal")])
    entry["vouchers"] = len({i.voucher_no for i in items})
    entry["voucher_form"] = "记 + 12 → 记-12 (凭证字 and 凭证号 columns)"
    money_entry(entry, money, figures)
    exp.villages["dongfeng"] = entry


# ---------------------------------------------------------------- qianjin: 序时账 (journal) export


def qianjin(rng: random.Random, reg: Registry, exp: Expected) -> None:
    staff = make_staff(reg)
    items = build_village(rng, reg, "前进村", 30, staff,
                          keys=("office", "power", "phone", "cadre", "labour", "meeting", "cleaning", "road",
                                "green", "garbage", "fish", "plant", "lamp"))
    # two expense debit lines in some vouchers already (multi-row templates); validate as a journal
    validate_clean("qianjin", items, journal=True)
    # interleave non-expense vouchers, then renumber all vouchers consecutively
    vouchers: dict[int, list[Item]] = {}
    for i in items:
        vouchers.setdefault(i.voucher_no, []).append(i)
    entries: list[tuple[dt.date, str, list[tuple]]] = []
    for rows in vouchers.values():
        lines = []
        for it in rows:
            # a journal has no payee column: software exports name the person in the summary
            summary = it.summary
            if it.category.endswith(("村干部报酬", "保洁工资")):
                summary = f"{summary}（{it.payee}）"
            lines.append((summary, it.account_code, it.account_name, it.amount, None))
        cash = rows[0].method == "现金"
        code, acct = ("101", "库存现金") if cash else ("102", "银行存款")
        lines.append((lines[0][0], code, acct, None, total(rows)))
        entries.append((rows[0].date, "exp", lines))
    J = Decimal
    others = [
        (dt.date(YEAR, MONTH, 9), [("收到镇财政所拨付村级组织运转经费", "102", "银行存款", J("36000.00"), None),
                                   ("收到镇财政所拨付村级组织运转经费", "503", "补助收入", None, J("36000.00"))]),
        (dt.date(YEAR, MONTH, 12), [("收到县农业农村局拨付高标准农田建设专项资金", "102", "银行存款", J("128000.00"), None),
                                    ("收到县农业农村局拨付高标准农田建设专项资金", "241", "专项应付款", None,
                                     J("128000.00"))]),
        (dt.date(YEAR, MONTH, 15), [("从银行提取备用金", "101", "库存现金", J("2000.00"), None),
                                    ("从银行提取备用金", "102", "银行存款", None, J("2000.00"))]),
        (dt.date(YEAR, MONTH, 21), [("归还前进组代垫村道养护款", "211", "应付款", J("4650.00"), None),
                                    ("归还前进组代垫村道养护款", "102", "银行存款", None, J("4650.00"))]),
        (dt.date(YEAR, MONTH, 23), [("收到村集体厂房第四季度租金", "102", "银行存款", J("18600.00"), None),
                                    ("收到村集体厂房第四季度租金", "501", "经营收入", None, J("18600.00"))]),
        (dt.date(YEAR, MONTH, 27), [("收到村民交回多领的防汛误工补贴", "101", "库存现金", J("150.00"), None),
                                    ("收到村民交回多领的防汛误工补贴", "113", "内部往来", None, J("150.00"))]),
        (dt.date(YEAR, MONTH, 28), [("收到鱼塘承包户上交的鱼塘发包款", "102", "银行存款", J("6800.00"), None),
                                    ("收到鱼塘承包户上交的鱼塘发包款", "501", "经营收入", None, J("6800.00"))]),
    ]
    for day, lines in others:
        entries.append((day, "other", lines))
    entries.sort(key=lambda e: e[0])  # stable: expense vouchers keep their order within a day
    wb = Workbook()
    ws = wb.active
    ws.title = "序时账"
    ws.cell(row=1, column=1, value="序时账").font = TITLE
    ws.cell(row=2, column=1, value="核算单位：天长市新街镇前进村股份经济合作社")
    ws.cell(row=2, column=5, value="会计期间：2026年10月")
    header = ("日期", "凭证字号", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额")
    for c, h in enumerate(header, start=1):
        ws.cell(row=3, column=c, value=h)
    style_header(ws, 3, len(header))
    r = 4
    debit_sum = credit_sum = Decimal("0")
    exp_group_iter = iter(list(vouchers.values()))
    new_items: list[Item] = []
    for no, (day, kind, lines) in enumerate(entries, start=1):
        if kind == "exp":
            for it in next(exp_group_iter):
                it.voucher_no = no
                new_items.append(it)
        for summary, code, name, dr, cr in lines:
            vals = (day, f"记-{no}", summary, code, name, dr, cr)
            for c, v in enumerate(vals, start=1):
                ws.cell(row=r, column=c, value=v)
            ws.cell(row=r, column=1).number_format = "yyyy-mm-dd"
            ws.cell(row=r, column=4).number_format = "@"
            ws.cell(row=r, column=6).number_format = MONEY_FMT
            ws.cell(row=r, column=7).number_format = MONEY_FMT
            debit_sum += dr or 0
            credit_sum += cr or 0
            r += 1
    assert debit_sum == credit_sum
    ws.cell(row=r, column=3, value="合计").font = BOLD
    ws.cell(row=r, column=6, value=debit_sum.quantize(CENT)).number_format = MONEY_FMT
    ws.cell(row=r, column=7, value=credit_sum.quantize(CENT)).number_format = MONEY_FMT
    for c, wdt in enumerate((12, 9, 36, 10, 22, 14, 14), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt
    rel = "ledgers/qianjin/序时账2026-10.xlsx"
    save_xlsx(wb, SAMPLES / rel)
    entry = village_entry("前进村", new_items, [(rel, "序时账", "journal")])
    entry["journal"] = {"vouchers": len(entries), "lines": r - 4,
                        "debit_total": money_str(debit_sum), "credit_total": money_str(credit_sum),
                        "chart": "2023"}
    # the money of SPEC 12 as the journal gives it, and the 科目余额表 exported beside it (账表相符)
    money: list[Money] = []
    for day, kind, lines in entries:
        if kind != "other":
            continue
        codes = {code for _s, code, *_ in lines}
        for summary, code, _name, dr, cr in lines:
            if code in ("101", "102"):
                if codes == {"101", "102"} and code == "101":
                    money.append(Money(day, summary, "银行存款", "", dr or cr, "cash" if dr else "bank",
                                       "transfer", code))
                continue
            column = "cash" if "101" in codes else "bank"
            kind_ = "income" if code.startswith("5") else ("other-in" if cr else "other-out")
            money.append(Money(day, summary, _name, "", cr or dr, column, kind_, code))
    opening = {"cash": Decimal("1286.40"), "bank": Decimal("213457.82")}
    figures = money_figures(new_items, money, opening)
    closing = {c: Decimal(figures[c]["closing"]) for c in figures}
    assert Decimal("0") < closing["cash"] <= Decimal("5000"), closing
    moved = {}  # 本期发生 借方 / 贷方 of 101 and 102, from the journal itself
    for code in ("101", "102"):
        dr = cr = Decimal("0")
        for _day, _kind, lines in entries:
            for _s, c, _n, d_, c_ in lines:
                if c == code:
                    dr += d_ or 0
                    cr += c_ or 0
        moved[code] = (dr, cr)
    tb_rel = trial_balance(opening, closing, moved, entries)
    entry["files"].append({"file": tb_rel, "sheet": "科目余额表", "layout": "trial-balance"})
    money_entry(entry, money, figures)
    exp.villages["qianjin"] = entry


def trial_balance(opening: dict, closing: dict, moved: dict, entries: list) -> str:
    """科目余额表 as bookkeeping software exports it: 期初余额 / 本期发生 / 期末余额, each over 借方 / 贷方."""
    per: dict[str, list] = {}  # code → [name, debit, credit]
    for _day, _kind, lines in entries:
        for _s, code, name, dr, cr in lines:
            first = code[:3]
            if first in ("101", "102"):
                continue
            row = per.setdefault(first, [name.split("_")[0], Decimal("0"), Decimal("0")])
            row[1] += dr or 0
            row[2] += cr or 0
    names = {"501": "经营收入", "503": "补助收入", "511": "经营支出", "513": "管理费用", "514": "公益支出",
             "241": "专项应付款", "211": "应付款", "113": "内部往来"}
    # balances of the other accounts before the month (the year's income and expense so far, payables …)
    before = {"113": ("借", Decimal("2360.00")), "151": ("借", Decimal("1862400.00")), "211": ("贷", Decimal("12850.00")),
              "241": ("贷", Decimal("40000.00")), "301": ("贷", Decimal("1718642.22")),
              "501": ("贷", Decimal("148600.00")), "503": ("贷", Decimal("108000.00")),
              "511": ("借", Decimal("31280.50")), "513": ("借", Decimal("164913.60")), "514": ("借", Decimal("52173.90"))}
    wb = Workbook()
    ws = wb.active
    ws.title = "科目余额表"
    ws.cell(row=1, column=1, value="科目余额表").font = TITLE
    ws.merge_cells("A1:H1")
    ws.cell(row=2, column=1, value="核算单位：天长市新街镇前进村股份经济合作社")
    ws.cell(row=2, column=6, value="期间：2026年10月")
    top = ("科目编码", "科目名称", "期初余额", None, "本期发生", None, "期末余额", None)
    sub = (None, None, "借方", "贷方", "借方", "贷方", "借方", "贷方")
    for c, (t, b) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(row=3, column=c, value=t)
        ws.cell(row=4, column=c, value=b)
    for rng_ in ("A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:H3"):
        ws.merge_cells(rng_)
    style_header(ws, 3, 8)
    style_header(ws, 4, 8)
    rows = [("101", "库存现金", opening["cash"], None, *moved["101"], closing["cash"], None),
            ("102", "银行存款", opening["bank"], None, *moved["102"], closing["bank"], None),
            ("10201", "银行存款_天长农商银行基本户", opening["bank"], None, *moved["102"], closing["bank"], None)]
    for code in sorted(set(per) | set(before)):
        side, amt = before.get(code, ("借", Decimal("0")))
        dr, cr = per.get(code, ["", Decimal("0"), Decimal("0")])[1:]
        name = names.get(code) or {"151": "固定资产", "301": "资本"}[code]
        if side == "借":
            end = amt + dr - cr
            rows.append((code, name, amt or None, None, dr or None, cr or None, end or None, None))
        else:
            end = amt + cr - dr
            rows.append((code, name, None, amt or None, dr or None, cr or None, None, end or None))
    r = 5
    for vals in rows:
        for c, v in enumerate(vals, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if c == 1:
                cell.number_format = "@"
            elif c > 2:
                cell.number_format = MONEY_FMT
        r += 1
    for c, wdt in enumerate((10, 26, 14, 14, 14, 14, 14, 14), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt
    rel = "ledgers/qianjin/科目余额表2026-10.xlsx"
    save_xlsx(wb, SAMPLES / rel)
    return rel


# ---------------------------------------------------------------- all.xlsx: 双龙村, 桃园村, hidden 草稿


def shuanglong_sheet(ws, items: list[Item]) -> None:
    header = ("记账日期", "凭证编号", "支出事项", "会计科目", "收款单位（人）", "支出金额", "报账人", "民主理财小组",
              "村负责人", "票据号", "单据张数", "结算方式", "说明")
    ws.cell(row=1, column=1, value="双龙村2026年10月财务支出明细").font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    # a blank row between title and header, as many hand-made sheets have
    for c, h in enumerate(header, start=1):
        ws.cell(row=3, column=c, value=h)
    style_header(ws, 3, len(header))
    r = 4
    for it in items:
        vals = (it.date, it.voucher("记-", 2), it.summary, it.category.split("/")[0], it.payee, it.amount,
                it.handler, it.reviewer, it.approver, it.invoice or None, it.attachments, it.method,
                it.remarks or None)
        for c, v in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=1).number_format = "yyyy年m月d日"
        ws.cell(row=r, column=6).number_format = MONEY_FMT
        ws.cell(row=r, column=10).number_format = "@"
        r += 1
    ws.cell(row=r, column=3, value="总计")
    ws.cell(row=r, column=6, value=total(items)).number_format = MONEY_FMT
    for c, wdt in enumerate((14, 9, 34, 12, 30, 12, 8, 12, 9, 22, 9, 9, 16), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt


def taoyuan_sheet(ws, items: list[Item]) -> None:
    header = ("年", "月", "日", "凭证号", "摘要", "类别", "收款人", "金额", "经手人", "审核人", "审批人",
              "票据号码", "附件数", "支付方式", "备注")
    ws.cell(row=1, column=1, value="桃园村2026年10月支出公开明细").font = TITLE
    for c, h in enumerate(header, start=1):
        ws.cell(row=2, column=c, value=h)
    style_header(ws, 2, len(header))
    r = 3
    for it in items:
        vals = (it.date.year, it.date.month, it.date.day, it.voucher("记-", 3), it.summary, it.category,
                it.payee, f"¥{fmt_thousands(it.amount)}" if it.amount >= 1000 else f"¥{money_str(it.amount)}",
                it.handler, it.reviewer, it.approver, it.invoice or None, it.attachments, it.method,
                it.remarks or None)
        for c, v in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=12).number_format = "@"
        ws.cell(row=r, column=8).alignment = Alignment(horizontal="right")
        r += 1
    ws.cell(row=r, column=5, value="合计")
    ws.cell(row=r, column=8, value=f"¥{fmt_thousands(total(items))}").alignment = Alignment(horizontal="right")
    for c, wdt in enumerate((6, 4, 4, 9, 34, 20, 30, 14, 8, 8, 8, 22, 7, 9, 16), start=1):
        ws.column_dimensions[get_column_letter(c)].width = wdt


def draft_sheet(ws) -> None:
    """A hidden scratch sheet no village reads; if it were read it would be full of findings."""
    rows = [
        ("草稿（未核对，勿用）",),
        ("日期", "凭证号", "摘要", "金额"),
        ("2026-10-?", "", "其他", ""),
        ("10月", "记-?", "杂支", "待定"),
        (None, None, "报销", 0),
        ("2026-13-01", "记-999", "支出", 12.345),
    ]
    for r, vals in enumerate(rows, start=1):
        for c, v in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=v)
    ws.sheet_state = "hidden"


def all_workbook(rng: random.Random, reg: Registry, exp: Expected) -> None:
    s_staff, t_staff = make_staff(reg), make_staff(reg)
    s_items = build_village(rng, reg, "双龙村", 30, s_staff)
    t_items = build_village(rng, reg, "桃园村", 30, t_staff)
    validate_clean("shuanglong", s_items)
    validate_clean("taoyuan", t_items)
    wb = Workbook()
    ws = wb.active
    ws.title = "双龙村"
    shuanglong_sheet(ws, s_items)
    taoyuan_sheet(wb.create_sheet("桃园村"), t_items)
    # 双龙村 keeps the template's money sheets too (SPEC 12.2): 收入明细 and 资金余额
    day = lambda d: dt.date(YEAR, MONTH, d)  # noqa: E731
    s_money = [
        Money(day(10), "收到镇财政所拨付村级组织运转经费", "补助收入", "新街镇财政所", Decimal("30000.00"), "bank",
              "income"),
        Money(day(15), "收到双龙组村民一事一议筹资款", "一事一议", f"{s_staff.villagers[1]}等12户",
              Decimal("1860.00"), "cash", "other-in"),
        Money(day(21), "收到村集体茶园第四季度发包款", "经营收入", s_staff.villagers[2], Decimal("15800.00"), "bank",
              "income"),
        Money(day(26), "收到天长市慈善协会捐赠的敬老院慰问金", "公积公益金", "天长市慈善协会", Decimal("5000.00"),
              "bank", "other-in"),
    ]
    for no, m in enumerate(s_money, start=1):
        m.voucher_no = no
    cash_out = total([i for i in s_items if i.method == "现金"])
    cash_in = sum((m.amount for m in s_money if m.column == "cash"), Decimal("0"))
    s_opening = {"cash": (Decimal("2318.60") - cash_in + cash_out).quantize(CENT), "bank": Decimal("158406.93")}
    s_figures = money_figures(s_items, s_money, s_opening)
    income_sheet(wb.create_sheet("双龙村收入明细"), "双龙村", s_money, s_staff)
    balances_sheet(wb.create_sheet("双龙村资金余额"), "双龙村", s_figures)
    draft_sheet(wb.create_sheet("草稿"))
    rel = "ledgers/all.xlsx"
    save_xlsx(wb, SAMPLES / rel)
    exp.villages["shuanglong"] = village_entry("双龙村", s_items, [(rel, "双龙村", "expense-list"),
                                                                   (rel, "双龙村收入明细", "expense-list"),
                                                                   (rel, "双龙村资金余额", "balances")])
    money_entry(exp.villages["shuanglong"], s_money, s_figures)
    exp.villages["taoyuan"] = village_entry("桃园村", t_items, [(rel, "桃园村", "expense-list")])
    exp.unread_sheets.append({"file": rel, "sheet": "草稿"})


# ---------------------------------------------------------------- shiqiao: the village with seeded errors


def shiqiao(rng: random.Random, reg: Registry, exp: Expected) -> None:
    staff = make_staff(reg)
    items = build_village(rng, reg, "石桥村", 30, staff, single_rows=True,
                          keys=("office", "power", "water", "phone", "labour", "meeting", "road", "green",
                                "flood", "garbage", "lamp", "fish", "plant"))
    validate_clean("shiqiao (before seeding)", items)
    n = len(items)
    assert n == 30 and len({i.voucher_no for i in items}) == 30
    rel, sheet = "ledgers/shiqiao/2026-10.xlsx", "10月"
    # columns of the standard form
    col = {name: get_column_letter(k) for k, name in enumerate(
        ("date", "voucher", "summary", "category", "payee", "amount", "handler", "reviewer", "approver",
         "invoice", "attachments", "method", "remarks"), start=1)}

    def at(k: int) -> Item:
        return items[k]

    seeded: list[tuple[int, str | None, str, str]] = []  # (item index, column field, code, severity)
    # errors
    at(2).raw_amount = ""
    at(2).is_expense = False
    seeded.append((2, "amount", "missing-field", "error"))
    at(5).raw_date = "2026-02-30"
    at(5).is_expense = False
    seeded.append((5, "date", "bad-date", "error"))
    at(8).date = dt.date(YEAR, MONTH - 1, 28)
    at(8).remarks = "9月发生，10月报账"
    seeded.append((8, "date", "date-outside-period", "error"))
    at(10).raw_amount = 12.345
    at(10).is_expense = False
    seeded.append((10, "amount", "bad-amount", "error"))
    at(13).raw_amount = 0
    at(13).is_expense = False
    seeded.append((13, "amount", "bad-amount", "error"))
    # one invoice on two different vouchers of this month
    if not at(16).invoice:
        at(16).invoice = reg.invoice("e")
    at(21).invoice = at(16).invoice
    if at(21).attachments < 1:
        at(21).attachments = 1
    seeded.append((16, "invoice", "duplicate-invoice", "error"))
    seeded.append((21, "invoice", "duplicate-invoice", "error"))
    # warnings
    at(18).summary = "其他"
    seeded.append((18, "summary", "vague-summary", "warning"))
    at(19).method = "现金"
    at(19).amount = Decimal("2380.00")
    at(19).summary = "购买村部会议室折叠椅20把"
    at(19).category = "管理费用/办公费"
    at(19).payee = "天长市家友家具店"
    seeded.append((19, "method", "cash-over-limit", "warning"))
    at(24).approver = ""
    seeded.append((24, "approver", "missing-approval", "warning"))
    at(26).hidden = True
    seeded.append((26, None, "hidden-content", "warning"))
    # voucher gap: numbers skip 12 (记-011 then 记-013)
    for it in items:
        if it.voucher_no >= 12:
            it.voucher_no += 1
    gap_idx = next(k for k, it in enumerate(items) if it.voucher_no == 13)
    seeded.append((gap_idx, "voucher", "voucher-gap", "warning"))
    # make sure no seeded item triggers a second rule by accident
    for k, it in enumerate(items):
        if k != 19 and it.method == "现金" and it.amount > CASH_LIMIT:
            it.method = "转账"
    valid = [i for i in items if i.is_expense]
    stated = (total(valid) + Decimal("100.00")).quantize(CENT)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    footer = f"制表人：{staff.handler}　　审核：{staff.reviewer}"
    pos = write_standard_sheet(ws, "石桥村", items, title="石桥村2026年10月支出明细", stated_total=stated,
                               footer=footer, staff=staff)
    # the template's money sheets (SPEC 12.2); the cash closing is written with two digits swapped
    day = lambda d: dt.date(YEAR, MONTH, d)  # noqa: E731
    money = [
        Money(day(9), "收到镇财政所拨付村级组织运转经费", "补助收入", "新街镇财政所", Decimal("28000.00"), "bank",
              "income"),
        Money(day(17), "收到石桥组鱼塘第四季度承包费", "经营收入", staff.villagers[3], Decimal("4200.00"), "bank",
              "income"),
        Money(day(24), "收到村民租用文化礼堂办酒席的场地费", "经营收入", staff.villagers[4], Decimal("600.00"), "cash",
              "income"),
    ]
    for no, m in enumerate(money, start=1):
        m.voucher_no = no
    opening = {"cash": Decimal("3460.00"), "bank": Decimal("127935.48")}
    figures = money_figures(valid, money, opening)
    right = figures["cash"]["closing"]
    yuan, fen = right.split(".")
    wrong = Decimal(yuan[:-2] + yuan[-1] + yuan[-2] + "." + fen) if yuan[-1] != yuan[-2] else Decimal(right) + 100
    assert Decimal("0") < Decimal(right) <= Decimal("5000") and Decimal("0") < wrong <= Decimal("5000"), (right, wrong)
    income_sheet(wb.create_sheet("收入明细"), "石桥村", money, staff)
    brow = balances_sheet(wb.create_sheet("资金余额"), "石桥村", figures, stated_closing={"cash": wrong})
    save_xlsx(wb, SAMPLES / rel)
    exp.errors.append(locate("shiqiao", rel, "资金余额", brow["cash"], None, "balance-mismatch"))
    seeded.sort(key=lambda x: pos["rows"][x[0]])
    for k, fieldname, code, severity in seeded:
        loc = locate("shiqiao", rel, sheet, pos["rows"][k], col[fieldname] if fieldname else None, code)
        (exp.errors if severity == "error" else exp.warnings).append(loc)
    exp.errors.append(locate("shiqiao", rel, sheet, pos["total"], col["amount"], "total-mismatch"))
    entry = village_entry("石桥村", items, [(rel, sheet, "expense-list"), (rel, "收入明细", "expense-list"),
                                          (rel, "资金余额", "balances")])
    money_entry(entry, money, figures)
    # the ledger states `wrong`; opening + the month's money gives `right`: balance-mismatch, 9.00 apart
    entry["balances"]["cash"]["closing"] = money_str(wrong)
    entry["balances"]["cash"]["computed_closing"] = right
    in_period = [i for i in valid if i.date.month == MONTH]
    entry["errors"] = sum(1 for e in exp.errors if e["village"] == "shiqiao")
    entry["warnings"] = sum(1 for e in exp.warnings if e["village"] == "shiqiao")
    entry["stated_total"] = money_str(stated)
    entry["in_period"] = {"expenses": len(in_period), "total": money_str(total(in_period))}
    entry["note"] = ("expenses/total count every item row whose date and amount are readable, non-zero and have "
                     "at most two decimals: the 2026-09-28 row (date-outside-period) and the duplicate-invoice "
                     "rows are included; the rows with the missing amount, the bad date, 12.345 and 0 are not. "
                     "in_period leaves the 2026-09-28 row out too. The 本月合计 row states total + 100.00 of "
                     "the readable items.")
    exp.villages["shiqiao"] = entry


# --------------------------------------------------------------------------------------------------------
# config and docs
# --------------------------------------------------------------------------------------------------------

CONFIG = """\
# 新街镇 村级财务公开 配置文件（villagefin 示例乡镇）
# 以 # 开头的是说明，程序不读。金额请写成带引号的字符串（"1000"）或整数（1000），不要写小数。

[township]
name = "新街镇"                          # 乡镇名称，印在公开表和网页标题上
county = "天长市"                        # 所属县（市、区）
supervision_phone = "0550-7000000"       # 监督电话，印在每张公开表和每个网页上
portal_url = "https://example.org/cwgk"  # 网站发布后的地址；公开表上的二维码指向这里
publication_day = 5                      # 每月几号为公开日（次月5日公开上月支出）

[publication]
paper = "A4"                  # 纸张：A4 或 A3
orientation = "landscape"     # 方向：landscape 横向，portrait 纵向
font = ""                     # 中文字体文件（.ttf/.ttc）路径；留空则自动查找本机的宋体、黑体、微软雅黑等

[rules]
cash_limit = "1000"             # 现金支付超过此金额（元）时提醒：应通过银行转账
resolution_threshold = "50000"  # 单张凭证超过此金额（元）时，备注中须写明决议（如“2026年第5次村民代表会议决议”）
split_window_days = 3           # 同一收款方在几天之内多笔支出合计超过上面的金额时，提示疑似拆分支付
vague_terms = ["其他", "杂支", "杂费", "费用", "报销", "支出"]  # 摘要只写这些词时提示“摘要笼统”
min_summary_chars = 4           # 摘要少于几个字时提示“摘要笼统”

# 以下每个 [[villages]] 是一个村。
#   id       —— 村的英文/拼音简称（小写字母、数字、-），用于文件夹名和网址，定了以后不要改
#   name     —— 村名，印在公开表上
#   ledgers  —— 该村账表文件的位置（相对本文件所在文件夹），可用 * 通配；
#               “文件名#工作表名”表示只读该工作簿中的这一张工作表
#   receipts —— （可选）原始票据扫描件所在文件夹，扫描件按凭证号命名，如 记-001.jpg

[[villages]]
id = "xinjie"
name = "新街村"
ledgers = ["ledgers/xinjie/*.xlsx"]          # 标准支出台账（.xlsx）
receipts = "ledgers/xinjie/receipts"         # 原始票据扫描件，随公开表和网页一起公开

[[villages]]
id = "hexi"
name = "河西村"
ledgers = ["ledgers/hexi/*.csv"]             # Excel 另存的 CSV 文件（GB18030 编码）

[[villages]]
id = "dongfeng"
name = "东风村"
ledgers = ["ledgers/dongfeng/*.xls"]         # 老版 Excel 97-2003 .xls 文件，两行表头

[[villages]]
id = "qianjin"
name = "前进村"
ledgers = ["ledgers/qianjin/*.xlsx"]         # 记账软件导出的序时账

[[villages]]
id = "shuanglong"
name = "双龙村"
ledgers = ["ledgers/all.xlsx#双龙村", "ledgers/all.xlsx#双龙村收入明细", "ledgers/all.xlsx#双龙村资金余额"]
                                             # 多村合用一个工作簿，只读“双龙村”的支出、收入明细和资金余额三张工作表

[[villages]]
id = "taoyuan"
name = "桃园村"
ledgers = ["ledgers/all.xlsx#桃园村"]        # 同一工作簿中的“桃园村”工作表

[[villages]]
id = "shiqiao"
name = "石桥村"
ledgers = ["ledgers/shiqiao/*.xlsx"]         # 故意留有错误的账表，演示检查结果
"""

README = """\
# 示例乡镇：新街镇（2026年10月）

`villagefin demo` 和测试使用本文件夹。账表由 `tools/make_samples.py` 生成（固定随机种子，可重复生成），
正确答案（每村笔数、合计、预置的错误和提醒）见 `EXPECTED.json`。

| 村 | 文件 | 演示什么 |
|---|---|---|
| 新街村 xinjie | `ledgers/xinjie/2026-10.xlsx` | 标准支出台账：标题行、表头、一张凭证多行、本月合计、制表人落款；一笔 86500 元的大额支出在备注中写明决议；摘要和收款方中含身份证号、手机号、银行卡号（公开时应打码）；`receipts/2026-10/` 中有按凭证号命名的票据扫描件（记-001.jpg、记-002-2.jpg、子文件夹 记-003/1.jpg、纯数字 4.jpeg、PNG、PDF），其中 记-001.jpg 带 GPS 定位信息（公开时应去除），记-024.jpg 上有身份证号、手机号和斜贴的银行卡号，记-025.jpg 是十人劳务费签领表（身份证号、手机号），记-019.jpg 横放扫描、靠 EXIF 方向摆正、上有手机号（公开时都应遮盖）；`receipts/2026年9月/` 中上月的 记-001.jpg 不应出现在10月 |
| 河西村 hexi | `ledgers/hexi/2026年10月.csv` | Excel 在中文 Windows 上另存的 CSV（GB18030 编码）：金额是带千分位的文字（"1,234.50"），日期是文字（2026/10/8），有标题行，无合计行 |
| 东风村 dongfeng | `ledgers/dongfeng/dongfeng-2026-10.xls` | 日记账村：LibreOffice 写的老版 .xls，工作表“现金日记账”和“银行存款日记账”，两行表头，“凭证”合并单元格下分“字”“号”两列（记 + 12 → 记-12）；每张日记账有上月结转行、逐行余额和本月合计行；按对方科目分出收入（补助收入、经营收入）、其他收付（专项应付款、内部往来、一事一议资金）；从银行提取备用金在两张日记账中各记一笔，只算一次内部转账 |
| 前进村 qianjin | `ledgers/qianjin/序时账2026-10.xlsx` | 记账软件导出的序时账（2023 年农村集体经济组织会计制度科目：513 管理费用、514 公益支出、511 经营支出，贷方 101 库存现金 / 102 银行存款）；有的凭证有两条费用分录，另有收到补助、租金、鱼塘发包款（收入），收到专项资金、归还代垫款、收回多领补贴（其他收付），提取备用金（内部转账），末行为借贷合计；同一文件夹的 `科目余额表2026-10.xlsx` 给出 101 库存现金、102 银行存款的期初余额、本期发生和期末余额，与序时账相符 |
| 双龙村 shuanglong | `ledgers/all.xlsx`，工作表“双龙村” | 多村合用一个工作簿，用 `#双龙村` 只读本村工作表；表头用别名（记账日期、凭证编号、支出事项、收款单位（人）……）；有总计行；另有模板式的“双龙村收入明细”（付款方、收入金额）和“双龙村资金余额”（库存现金、银行存款的上月结余和本月结余）两张工作表 |
| 桃园村 taoyuan | `ledgers/all.xlsx`，工作表“桃园村” | 年、月、日分三列；金额是带 ¥ 的文字；同一工作簿中隐藏的“草稿”工作表没有哪个村读取，不应报告任何问题 |
| 石桥村 shiqiao | `ledgers/shiqiao/2026-10.xlsx` | 故意留有错误：金额为空、不存在的日期 2026-02-30、9月的日期、三位小数 12.345、金额为 0、同一发票号用在两张凭证、本月合计与明细不符；以及提醒：凭证号跳号（缺 记-012）、摘要只写“其他”、现金支付超过 1000 元、审批人为空、隐藏行中有数据；另有“收入明细”和“资金余额”工作表，资金余额表上库存现金本月结余把 645.50 写成了 654.50（两位数字颠倒），与上月结余加减本月收付不符（balance-mismatch） |

除石桥村外，各村账表均无错误、无提醒。东风村、前进村、双龙村、石桥村是收支村（公开收入、其他收付和资金余额），新街村、河西村、桃园村只公开支出。
"""


# --------------------------------------------------------------------------------------------------------
# read-back verification (python-calamine / xlrd), so what is written is what EXPECTED says
# --------------------------------------------------------------------------------------------------------


def verify(exp: Expected) -> None:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover
        return
    for vid, v in exp.villages.items():
        for f in v["files"][:1]:  # the expense sheet; income lists and balances are checked by the tests
            path = SAMPLES / f["file"]
            if path.suffix == ".csv":
                continue
            wb = CalamineWorkbook.from_path(str(path))
            rows = wb.get_sheet_by_name(f["sheet"]).to_python()
            if vid in ("xinjie", "shiqiao"):
                col, start = 5, 3
            elif vid == "shuanglong":
                col, start = 5, 3
            else:
                continue
            got = Decimal("0")
            for row in rows[start:]:
                labels = [str(x) for x in row[:4]]
                if any(x in ("本月合计", "合计", "总计") or x.startswith(("制表人", "会计：")) for x in labels):
                    continue
                val = row[col] if col < len(row) else ""
                if isinstance(val, (int, float)) and not isinstance(val, bool) and val:
                    d = Decimal(repr(val))
                    if d == d.quantize(CENT):
                        got += d
            want = Decimal(v["total"])
            if vid != "shiqiao" and got.quantize(CENT) != want:
                raise SystemExit(f"read-back of {path} gives {got}, expected {want}")


# --------------------------------------------------------------------------------------------------------


def main() -> None:
    rng = random.Random(SEED)
    reg = Registry(rng)
    exp = Expected()
    ledgers = SAMPLES / "ledgers"
    if ledgers.exists():
        shutil.rmtree(ledgers)
    SAMPLES.mkdir(exist_ok=True)
    xinjie(rng, reg, exp)
    hexi(rng, reg, exp)
    dongfeng(rng, reg, exp)
    qianjin(rng, reg, exp)
    all_workbook(rng, reg, exp)
    shiqiao(rng, reg, exp)
    def where(f: dict) -> tuple:
        return (f["file"], f["sheet"] or "", f["row"] or -1, len(f["column"] or ""), f["column"] or "", f["code"])

    exp.errors.sort(key=where)
    exp.warnings.sort(key=where)
    (SAMPLES / "villagefin.toml").write_text(CONFIG, encoding="utf-8")
    (SAMPLES / "README.md").write_text(README, encoding="utf-8")
    order = ("xinjie", "hexi", "dongfeng", "qianjin", "shuanglong", "taoyuan", "shiqiao")
    all_items_total = sum((Decimal(exp.villages[v]["total"]) for v in order[:-1]), Decimal("0"))
    doc = {
        "period": PERIOD,
        "generator": "tools/make_samples.py (random.Random(2026))",
        "config": "villagefin.toml",
        "villages": {v: exp.villages[v] for v in order},
        "clean_villages": list(order[:-1]),
        "clean_total": money_str(all_items_total),
        "errors": exp.errors,
        "warnings": exp.warnings,
        "unread_sheets": exp.unread_sheets,
        "receipts": exp.receipts,
        "receipt_exif_gps": "ledgers/xinjie/receipts/2026-10/记-001.jpg",
        "receipt_numbers": exp.receipt_numbers,
        "receipt_other_month": "ledgers/xinjie/receipts/2026年9月/记-001.jpg",
        "privacy": {
            "village": "xinjie",
            "file": "ledgers/xinjie/2026-10.xlsx",
            "citizen_id": citizen_id("341181", dt.date(1985, 7, 12), 621),
            "citizen_id_masked": citizen_id("341181", dt.date(1985, 7, 12), 621)[:6] + "********"
            + citizen_id("341181", dt.date(1985, 7, 12), 621)[-4:],
            "mobile": "13812345678",
            "mobile_masked": "138****5678",
            "card": "6230521234567890123",
            "card_masked_ends_with": "0123",
        },
        "notes": [
            "row is 1-based as the spreadsheet shows it; column is the letter of the cell the finding is about.",
            "duplicate-invoice is seeded inside shiqiao (two vouchers, one invoice): SPEC 4 gives one finding "
            "per row involved, so a duplicate across villages would also put an error on the other, clean, "
            "village.",
            "column of voucher-level warnings is the generator's choice: cash-over-limit → 支付方式 column, "
            "voucher-gap → voucher column, missing-approval → the blank approver column; hidden-content of a "
            "hidden row has column null.",
            "the hidden sheet 草稿 of ledgers/all.xlsx is read by no village: no finding may mention it.",
        ],
    }
    (SAMPLES / "EXPECTED.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    verify(exp)
    cache_receipt_verdicts()
    print(f"samples written to {SAMPLES}")
    for v in order:
        e = exp.villages[v]
        print(f"  {v:11s} {e['expenses']:3d} expenses  total {e['total']:>12s}")
    print(f"  errors {len(exp.errors)}, warnings {len(exp.warnings)}")


if __name__ == "__main__":
    sys.exit(main())

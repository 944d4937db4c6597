"""Benchmark: render_noticeboard on a 300-expense village (SPEC 9, the county bar needs ≈ 0.075 s per village).

    python bench/render_pdf.py [--runs 20] [--rows 300] [--paper A4] [--orientation landscape] [--keep FILE]

Builds a realistic view (Chinese summaries, payees and categories of varying lengths, a few reversals,
some very long summaries), renders it `runs` times into memory and prints ms per village and pages.
Also times print-all for 20 such villages, and summary.pdf.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from villagefin.fonts import find_font, register  # noqa: E402
from villagefin.money import capitals  # noqa: E402
from villagefin.public import (  # noqa: E402
    PUBLISHED,
    CategoryTotal,
    PublicExpense,
    Township,
    TownshipView,
    VillageRow,
    VillageView,
)
from villagefin.render.pdf import render_noticeboard, render_noticeboards, render_summary  # noqa: E402

SUMMARIES = [
    "购买办公用品（打印纸、墨盒）", "村部电费", "支付10月份保洁员工资", "修缮村东头排水沟，人工及材料费",
    "村民代表会议误工补贴", "购置防汛物资：编织袋500条、铁锹20把、雨衣30套", "网络宽带费（电信，2026年度）",
    "支付道路维修工程款第二期，依据2026年第3次村民代表会议决议（决议编号 2026-03）", "复印费",
    "慰问困难群众春节慰问品", "垃圾清运费", "村级公益事业一事一议项目——文化广场健身器材采购及安装",
    "招待费（上级检查工作餐）", "邮寄费", "党员活动室空调维修", "疫情防控物资采购（口罩、消毒液）",
]
PAYEES = ["天长市新街镇供电所", "张三", "李四", "天长市宏达建筑工程有限公司", "中国电信股份有限公司天长分公司",
          "新街镇红旗超市", "王五", "安徽省天长市金鑫五金交电商行", "赵六"]
CATEGORIES = [("管理费用_办公费", "管理费用"), ("管理费用_水电费", "管理费用"), ("公益支出", "公益支出"),
              ("管理费用_误工补贴", "管理费用"), ("经营支出", "经营支出"), ("其他支出", "其他支出")]
NAMES = ["张三", "李四", "王五", "欧阳建国", "赵六"]


def build_view(rows: int = 300, seed: int = 1, name: str = "新街村", preview: bool = False) -> VillageView:
    rnd = random.Random(seed)
    expenses = []
    for i in range(1, rows + 1):
        cat, group = rnd.choice(CATEGORIES)
        amount = Decimal(rnd.randint(500, 5_000_000)) / 100
        if rnd.random() < 0.02:
            amount = -amount
        summary = rnd.choice(SUMMARIES)
        if rnd.random() < 0.05:
            summary = summary * rnd.randint(2, 4)
        expenses.append(PublicExpense(
            seq=i, date=dt.date(2026, 10, rnd.randint(1, 31)), voucher=f"记-{i:03d}", summary=summary,
            category=cat, group=group, payee=rnd.choice(PAYEES), amount=amount, method="转账",
            handler=rnd.choice(NAMES), reviewer=rnd.choice(NAMES), approver=rnd.choice(NAMES),
            attachments=rnd.randint(0, 5), invoice=f"{rnd.randint(10**7, 10**8)}", remarks=""))
    total = sum((e.amount for e in expenses), Decimal("0.00"))
    groups: dict[str, list[Decimal]] = {}
    for e in expenses:
        groups.setdefault(e.group, []).append(e.amount)
    cats = tuple(sorted((CategoryTotal(g, len(a), sum(a, Decimal("0.00"))) for g, a in groups.items()),
                        key=lambda c: -c.total))
    return VillageView(
        township=Township("新街镇", "天长市", "0550-7000000", "https://example.org/cwgk"),
        village_id="xinjie", village_name=name, year=2026, month=10, publication_date=dt.date(2026, 11, 5),
        expenses=tuple(expenses), total=total, total_capitals=capitals(total), categories=cats,
        ytd_total=total * 10, ytd_from_month=1, fingerprint="0123456789abcdef", preview=preview)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--paper", default="A4")
    ap.add_argument("--orientation", default="landscape")
    ap.add_argument("--keep", help="also write the sheet to this file")
    args = ap.parse_args()

    t0 = time.perf_counter()
    font = find_font(allow_fallback=False)
    register(font)
    print(f"font: {font.name} ({font.path}); find + register {1000 * (time.perf_counter() - t0):.0f} ms")
    views = [build_view(args.rows, seed=i) for i in range(args.runs)]
    render_noticeboard(views[0], io.BytesIO(), font=font, paper=args.paper, orientation=args.orientation)  # warm
    times, cpu, pages, size = [], [], 0, 0
    for view in views:
        buf = io.BytesIO()
        t, c = time.perf_counter(), time.process_time()
        pages = render_noticeboard(view, buf, font=font, paper=args.paper, orientation=args.orientation)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        size = len(buf.getvalue())
    # wall time suffers when other processes share the cores; CPU time is what the county bar divides up
    print(f"noticeboard {args.rows} rows, {args.paper} {args.orientation}: {pages} pages, {size // 1024} KiB; "
          f"wall median {1000 * statistics.median(times):.1f} ms (best {1000 * min(times):.1f}); "
          f"CPU median {1000 * statistics.median(cpu):.1f} ms per village ({args.runs} runs)")
    if args.keep:
        render_noticeboard(views[0], Path(args.keep), font=font, paper=args.paper, orientation=args.orientation)
    buf = io.BytesIO()
    c = time.process_time()
    n = render_noticeboards(views[:20], buf, font=font, paper=args.paper, orientation=args.orientation)
    dt_all = time.process_time() - c
    print(f"print-all of {min(20, len(views))} villages: {n} pages, {len(buf.getvalue()) // 1024} KiB, "
          f"CPU {1000 * dt_all:.0f} ms ({1000 * dt_all / min(20, len(views)):.1f} ms per village)")
    rows = tuple(VillageRow(f"v{i}", f"第{i}村", PUBLISHED, 300, Decimal("123456.78"), dt.date(2026, 11, 5))
                 for i in range(300))
    tv = TownshipView(views[0].township, 2026, 10, dt.date(2026, 11, 5), rows, Decimal("37037034.00"),
                      capitals(Decimal("37037034.00")))
    c = time.process_time()
    n = render_summary(tv, io.BytesIO(), font=font, paper=args.paper, orientation=args.orientation)
    print(f"summary of 300 villages: {n} pages, CPU {1000 * (time.process_time() - c):.0f} ms")


if __name__ == "__main__":
    main()

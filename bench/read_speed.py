"""Benchmark: villagefin's spreadsheet reader against bare python-calamine (SPEC 9).

Writes 300 ledgers x 300 expense rows with openpyxl (cached under the temp folder, so reruns are quick),
then times python-calamine merely reading every sheet of every file, and `read_workbook` on the same files,
and prints both and the ratio. The aim is read_workbook <= 1.3x bare calamine.

    /work/venv/bin/python bench/read_speed.py [--files 300] [--rows 300] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from villagefin.ingest.read import read_workbook  # noqa: E402

HEADER = ["日期", "凭证号", "摘要", "科目", "收款方", "金额（元）", "支付方式", "经手人", "审核人", "审批人",
          "发票号码", "附件张数", "备注"]
SUMMARIES = ["购买办公用品", "支付村部电费", "道路维修材料款", "支付保洁员工资", "村民代表会议误工补贴",
             "购买防汛物资", "支付网络宽带费", "路灯维修", "环境整治垃圾清运费", "订阅党报党刊"]
CATEGORIES = ["管理费用-办公费", "管理费用-水电费", "公益支出", "其他支出", "经营支出"]
PAYEES = ["新街镇供电所", "天长市文具店", "张三", "李四", "王五建材商店", "中国电信天长分公司"]


def write_ledger(path: Path, index: int, rows: int) -> None:
    """One village's month: a merged title row, the header, `rows` expenses, a total and a footer."""
    import openpyxl

    rnd = random.Random(index)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "10月支出"
    ws.append([f"第{index}村2026年10月支出明细"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    total = 0
    for i in range(rows):
        cents = rnd.randint(100, 500000)
        total += cents
        ws.append([
            dt.date(2026, 10, 1 + i * 30 // rows), f"记-{i + 1:03d}", rnd.choice(SUMMARIES), rnd.choice(CATEGORIES),
            rnd.choice(PAYEES), cents / 100, rnd.choice(["现金", "转账"]), "张会计", "李理财", "王书记",
            f"{rnd.randint(10**7, 10**8 - 1)}", rnd.randint(1, 5), "",
        ])
    ws.append(["", "", "本月合计", "", "", total / 100])
    ws.append(["制表人：张会计", "", "审核：李理财"])
    wb.save(path)


def ensure_files(folder: Path, files: int, rows: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"村{i:03d}.xlsx" for i in range(files)]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"writing {len(missing)} ledgers into {folder} ...", flush=True)
        for p in missing:
            write_ledger(p, paths.index(p), rows)
    return paths


def bare_calamine(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in paths:
        with CalamineWorkbook.from_path(str(p)) as wb:
            for name in wb.sheet_names:
                data = wb.get_sheet_by_name(name).to_python()
                cells += sum(len(r) for r in data)
    return cells


def ours(paths: list[Path]) -> int:
    cells = 0
    for p in paths:
        for sheet in read_workbook(p).sheets:
            cells += sum(len(r) for r in sheet.rows)
    return cells


def timed(fn, paths: list[Path]) -> float:
    t0 = time.perf_counter()
    fn(paths)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    folder = args.dir or Path(tempfile.gettempdir()) / f"villagefin-bench-read-{args.files}x{args.rows}"
    paths = ensure_files(folder, args.files, args.rows)
    bare_calamine(paths[:5])  # warm the page cache and imports
    ours(paths[:5])
    # interleaved, best of each: other work on the machine hits both sides alike
    t_bare = t_ours = float("inf")
    for _ in range(args.repeat):
        t_bare = min(t_bare, timed(bare_calamine, paths))
        t_ours = min(t_ours, timed(ours, paths))
    print(f"{len(paths)} files x {args.rows} rows (best of {args.repeat})")
    print(f"bare python-calamine : {t_bare:6.3f} s")
    print(f"read_workbook        : {t_ours:6.3f} s")
    print(f"ratio                : {t_ours / t_bare:6.2f}x  (aim <= 1.30x)")


if __name__ == "__main__":
    main()

"""Benchmark: villagefin's spreadsheet reader against bare python-calamine (SPEC 9).

Writes 300 ledgers x 300 expense rows with openpyxl (cached under the temp folder, so reruns are quick),
then times python-calamine merely reading every sheet of every file, and `read_workbook` on the same files,
and prints both and the ratio. The aim is read_workbook <= 1.3x bare calamine.

    /work/venv/bin/python bench/read_speed.py [--files 300] [--rows 300] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workspace import ensure_files  # noqa: E402  (the same county ledgers as the other benchmarks)

from villagefin.ingest.read import read_workbook  # noqa: E402


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

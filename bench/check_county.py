"""Benchmark (SPEC 9): `villagefin check` on a county month (300 villages × 300 expenses) against
python-calamine merely reading the same files, both as whole processes. Bars: at most 2×, under 1 GB, both
cores used.

    python bench/check_county.py [--villages 300] [--rows 300] [--repeat 3] [--root WORKSPACE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workspace import VILLAGEFIN, describe, make_workspace, measure  # noqa: E402

CALAMINE_ONLY = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for path in sorted(Path(sys.argv[1]).glob('*.xlsx')):
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--villages", type=int, default=300)
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, help="an existing workspace to check instead (e.g. expense-only ledgers)")
    args = ap.parse_args()
    root = args.root.resolve() if args.root else make_workspace(args.villages, args.rows)
    print(f"county: {len(list((root / 'ledgers').glob('*.xlsx')))} ledgers in {root}")
    checks, reads = [], []
    for _ in range(args.repeat):
        checks.append(measure([*VILLAGEFIN, "check", "--month", "2026-10", "--format", "json"], cwd=root))
        reads.append(measure([sys.executable, "-c", CALAMINE_ONLY, str(root / "ledgers")]))
    check = min(checks, key=lambda m: m["wall"])
    read = min(reads, key=lambda m: m["wall"])
    print(describe("villagefin check", check))
    print(describe("calamine read only", read))
    ratio = check["wall"] / read["wall"]
    print(f"ratio check / calamine: {ratio:.2f}× (bar: ≤ 2×) — {'OK' if ratio <= 2 else 'MISSED'}")
    print(f"peak memory of check: {check['peak_mb']:.0f} MB (bar: < 1000 MB) — "
          f"{'OK' if check['peak_mb'] < 1000 else 'MISSED'}")
    print(f"cores busy during check: {check['cpu'] / check['wall']:.2f} (bar: > 1)")
    if check["rc"] not in (0, 1):
        print("check failed:", check["stderr"])


if __name__ == "__main__":
    main()

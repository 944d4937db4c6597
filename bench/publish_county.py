"""Benchmark (SPEC 9): a county month, 300 villages × 300 expenses. Bars: `publish` under 20 s, peak memory
under 1 GB, both cores used; unchanged re-publish < 10%; LibreOffice on the same ledgers for the ratio.

    python bench/publish_county.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workspace import publish_bench  # noqa: E402

if __name__ == "__main__":
    publish_bench(300, 300, bar_seconds=20, repeat=1)

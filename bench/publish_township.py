"""Benchmark (SPEC 9): a township month, 20 villages × 150 expenses. Bars: `publish` under 1.5 s on a
2-core machine and at least 2× faster than LibreOffice printing the same ledgers; unchanged re-publish < 10%.

    python bench/publish_township.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workspace import publish_bench  # noqa: E402

if __name__ == "__main__":
    publish_bench(20, 150, bar_seconds=1.5)

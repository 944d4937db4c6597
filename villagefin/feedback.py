"""`check --annotate DIR`: each village gets back its own workbooks with every finding marked (SPEC 4.1)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Config
from .ledgers import resolve_sources
from .model import CheckReport
from .render.annotate import annotate


def annotate_report(report: CheckReport, config: Config, paths: Sequence[str] | None, villages: Sequence[str],
                    out_dir: Path) -> list[Path]:
    """Write DIR/<village>/<name>.xlsx for every ledger checked; the originals are never touched."""
    sources: dict[str, Path] = {}
    village_of: dict[str, str] = {}
    for src in resolve_sources(config, paths, villages):
        sources.setdefault(src.display, src.path)
        village_of.setdefault(src.display, src.village)
    return annotate(report.findings, sources, Path(out_dir), village_of)

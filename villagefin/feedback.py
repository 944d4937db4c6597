"""`check --annotate DIR`: each village gets back its own workbooks with every finding marked (SPEC 4.1, 18).

The copies never land on what the run reads: a DIR that is a ledger folder of the run, or whose village
folders would be, is refused before anything is read. Each copy is read and written in a worker process with
a memory ceiling, so a reader that dies or swells costs only its own copy (which then holds the 检查结果 sheet
alone), and whatever happens to a copy the caller still prints the report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .check import run_isolated
from .config import Config
from .errors import UsageError, VillagefinError
from .ingest.read import RawWorkbook, ReadError, read_workbook
from .ledgers import Source, resolve_sources
from .model import CheckReport
from .render.annotate import CopyJob, plan_copies, write_copy, write_results_only

#: how much a copy's worker may grow beyond what it starts with (address space, Linux): reading and marking a
#: ledger within the readers' bounds needs far less; past it the copy falls back to the 检查结果 sheet alone
_WORKER_HEADROOM = 768 * 1024 * 1024


@dataclass
class AnnotateOutcome:
    """The copies written, and a Chinese line for each one that could not be."""

    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _sources(config: Config, paths: Sequence[str] | None, villages: Sequence[str]) -> list[Source]:
    sources = list(resolve_sources(config, paths, villages))
    if villages and not paths and config.root is not None:
        sources.extend(resolve_sources(config, None))  # run_check reads the other villages too
    return sources


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def refuse_input_folder(config: Config, paths: Sequence[str] | None, villages: Sequence[str],
                        out_dir: Path) -> None:
    """UsageError (exit 2) when DIR is a folder the run reads ledgers from, or a copy would go into one (the
    copies are DIR/<village>/<name>.xlsx), or onto a ledger: the originals must never be written."""
    sources = _sources(config, paths, villages)
    folders = {_key(src.path.parent): src.path.parent for src in sources}
    inputs = {_key(src.path) for src in sources}
    out = Path(out_dir)
    jobs = plan_copies([], {s.display: s.path for s in sources}, out, {s.display: s.village for s in sources})
    for candidate in [out, *{job.target.parent for job in jobs}]:
        folder = folders.get(_key(candidate))
        if folder is not None:
            raise UsageError(f"--annotate 的文件夹 {out_dir} 会把批注文件写进账表所在的文件夹 {folder}，"
                             "可能覆盖或混入原始账表。请换一个不放账表的文件夹，例如 --annotate 批注。")
    for job in jobs:
        if _key(job.target) in inputs:
            raise UsageError(f"--annotate 的文件夹 {out_dir} 会让批注文件覆盖原始账表 {job.target}。"
                             "请换一个不放账表的文件夹，例如 --annotate 批注。")


def annotate_report(report: CheckReport, config: Config, paths: Sequence[str] | None, villages: Sequence[str],
                    out_dir: Path) -> AnnotateOutcome:
    """Write DIR/<village>/<name>.xlsx for every ledger checked; the originals are never touched. Never
    raises for a copy: what could not be written is in `failed`."""
    outcome = AnnotateOutcome()
    try:
        sources: dict[str, Path] = {}
        village_of: dict[str, str] = {}
        for src in resolve_sources(config, paths, villages):
            sources.setdefault(src.display, src.path)
            village_of.setdefault(src.display, src.village)
        jobs = plan_copies(report.findings, sources, Path(out_dir), village_of)
    except VillagefinError as exc:
        outcome.failed.append(str(exc))
        return outcome
    for job, result in zip(jobs, run_isolated(_copy_in_worker, jobs, initializer=_bound_memory), strict=True):
        if result is None:  # the worker died reading the ledger: the copy shows the findings alone
            result = _copy(job, write_results_only)
        if isinstance(result, Path):
            outcome.written.append(result)
        else:
            outcome.failed.append(result)
    return outcome


def _copy_in_worker(job: CopyJob) -> Path | str:
    result = _copy(job, partial(write_copy, read_cells=read_cells))
    if isinstance(result, str) and job.readable:
        result = _copy(job, write_results_only)  # reading or marking it failed: the findings at least
    return result


def read_cells(path: Path) -> RawWorkbook | None:
    """The ledger's cells as the checker reads them (for a copy of a file openpyxl cannot open); None when
    it cannot be read."""
    try:
        return read_workbook(path)
    except ReadError:
        return None


def _copy(job: CopyJob, write) -> Path | str:
    """The path written, or a Chinese line saying which copy could not be written and why."""
    try:
        return write(job)
    except VillagefinError as exc:
        return str(exc)
    except MemoryError:
        return f"批注文件 {job.target}：内存不足，未能写出"
    except Exception as exc:  # a defect of ours must not lose the report or the other copies
        return f"批注文件 {job.target}：程序内部错误（{type(exc).__name__}），未能写出；请加 --debug 运行并报告"


def _bound_memory() -> None:
    """A ceiling on the worker's address space, so that a ledger that swells in a reader stops there."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + _WORKER_HEADROOM
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: the readers' own bounds still hold

"""Where the ledgers are: a village's globs and "#sheet" selectors, or the FILEs given (SPEC 2), and the
month being checked. Kept light (no readers imported) so that an unchanged re-publish can decide quickly."""

from __future__ import annotations

import datetime as dt
import glob
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ConfigError, UsageError
from .model import Period

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


@dataclass(frozen=True, slots=True)
class Source:
    """One ledger to read for one village: a file, or one sheet of it ("all.xlsx#新街村")."""

    path: Path
    display: str  # as findings show it: relative to the workspace, or as given
    village: str
    sheet: str | None = None


#: what a user is told when a --month cannot be read
MONTH_FORMS = "YYYY-MM（如 2026-10）、2026/10、2026.10、202610、2026年10月 或 10月（上个月所在的年份）"


def parse_month(text: str | None, today: dt.date | None = None) -> Period | None:
    """A month as people write it (`Period.parse`) → Period; "any" → None; None → the month before `today`."""
    today = today or shanghai_today()
    if text is None:
        return Period.last_ended(today)
    if text.strip().lower() == "any":
        return None
    period = Period.parse(text, today)
    if period is None:
        raise UsageError(f"月份「{text}」看不懂，请写成 {MONTH_FORMS}。")
    return period


def shanghai_today() -> dt.date:
    """Today in Asia/Shanghai (UTC+8, no daylight saving), whatever the machine's zone."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()


def _skip_name(name: str) -> bool:
    return name.startswith(("~$", ".~lock", ".")) or name.startswith("~")


def _is_hidden(path: str) -> bool:
    try:
        attrs = getattr(os.stat(path), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def expand(pattern: str, root: Path) -> list[Path]:
    """A ledger glob relative to the workspace → files, skipping lock and hidden files."""
    base = pattern if os.path.isabs(pattern) else os.path.join(root, pattern)
    out = []
    for hit in sorted(glob.glob(base, recursive=True)):
        name = os.path.basename(hit)
        if _skip_name(name) or not os.path.isfile(hit) or _is_hidden(hit):
            continue
        out.append(Path(hit))
    return out


def resolve_sources(config: Config, paths: Sequence[str] | None, villages: Sequence[str] = ()) -> list[Source]:
    """The ledgers to check: the FILEs given, or every (selected) village's configured globs."""
    for vid in villages:
        if config.village(vid) is None:
            known = "、".join(v.id for v in config.villages) or "（配置中没有村）"
            raise UsageError(f"未知的村代号「{vid}」；villagefin.toml 中有：{known}。")
    root = config.root
    claims: dict[str, list[Source]] = {}  # resolved path → every claim on it
    configured: list[Source] = []
    if root is not None:
        for v in config.villages:
            for pattern in v.ledgers:
                glob_part, _, sheet = pattern.partition("#")
                for hit in expand(glob_part.strip(), root):
                    src = Source(hit, _display(hit, root), v.id, sheet.strip() or None)
                    others = claims.setdefault(str(hit.resolve()), [])
                    if any(o.village == v.id and o.sheet == src.sheet for o in others):
                        continue  # the same village names the same file twice: read it once
                    for o in others:
                        if o.sheet is None or src.sheet is None or o.sheet == src.sheet:
                            raise ConfigError(
                                f"配置项 villages.ledgers：文件 {src.display}"
                                f"{'#' + (src.sheet or o.sheet) if (src.sheet or o.sheet) else ''} "
                                f"同时属于村 \"{o.village}\" 和 \"{v.id}\"；同一个文件（或工作表）只能属于一个村，"
                                "同一工作簿的不同工作表请用 \"文件.xlsx#工作表名\" 分开。"
                            )
                    others.append(src)
                    configured.append(src)
    if paths:
        by_path: dict[str, list[Source]] = {}
        for src in configured:
            by_path.setdefault(str(src.path.resolve()), []).append(src)
        out = []
        for given in paths:
            sheet = None
            p = Path(given)
            if not p.exists() and "#" in given:
                head, _, sheet = given.partition("#")
                p = Path(head)
            matches = by_path.get(str(p.resolve()), [])
            if sheet:
                matches = [m for m in matches if m.sheet in (None, sheet)]
            if matches:
                out.extend(Source(m.path, p.as_posix(), m.village, sheet or m.sheet) for m in matches
                           if not villages or m.village in villages)
            else:
                out.append(Source(p, p.as_posix(), p.stem if p.suffix else p.name, sheet))
        return out
    if villages:
        return [s for s in configured if s.village in villages]
    return configured

"""The last official publish of a month, remembered so that re-publishing unchanged inputs costs almost nothing
(SPEC 9: under 10% of a full publish).

The state of a month is a fingerprint of everything its output is made from — villagefin's version, the
config file, the workspace templates, every ledger's bytes, the receipt scans, the archive's newest row —
together with that run's printed result. When the next publish of the month has the same fingerprint and the
output still is what that run wrote (its manifest's hash), the result is replayed and nothing is read,
rendered or written. Anything else takes the full path, which compares the expenses themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .archive import annex_stamp, last_publication_id
from .config import CONFIG_NAME, Config
from .errors import storage_error
from .ledgers import resolve_sources
from .output import atomic_write

STATE_DIR = Path(".villagefin") / "state"


def _walk(folder: Path) -> list[str]:
    out = []
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            p = Path(base, name)
            try:
                st = p.stat()
            except OSError:  # a dangling link among the receipts: it is no scan either
                continue
            out.append(f"{p.relative_to(folder).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return out


def inputs_fingerprint(config: Config, period: str, villages: Sequence[str], out_dir: Path) -> str:
    """sha256 over everything a month's official output is made from."""
    root = config.root
    assert root is not None
    h = hashlib.sha256()
    h.update(f"{__version__}\n{period}\n{','.join(sorted(villages))}\n{out_dir.resolve()}\n".encode())
    h.update((root / CONFIG_NAME).read_bytes())
    if (root / "templates").is_dir():
        h.update("\n".join(_walk(root / "templates")).encode())
    for src in resolve_sources(config, None):
        h.update(f"\n{src.village}:{src.display}#{src.sheet}:".encode())
        try:
            h.update(hashlib.sha256(src.path.read_bytes()).digest())
        except OSError as exc:
            h.update(repr(exc).encode())
    for v in config.villages:
        if v.receipts:
            folder = Path(v.receipts) if os.path.isabs(v.receipts) else root / v.receipts
            if folder.is_dir():
                h.update(f"\n{v.id}:".encode() + "\n".join(_walk(folder)).encode())
    h.update(f"\narchive:{last_publication_id(root)}".encode())
    h.update(f"\nannex:{annex_stamp(root)}".encode())  # queries, answers and reviews (SPEC 13, 14)
    return h.hexdigest()


def _path(root: Path, period: str) -> Path:
    return root / STATE_DIR / f"{period}.json"


def load(root: Path, period: str) -> dict | None:
    try:
        return json.loads(_path(root, period).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save(root: Path, period: str, doc: dict) -> None:
    _write(root, _path(root, period), json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def _write(root: Path, path: Path, data: bytes) -> None:
    """Write a state file atomically; a failure names the workspace's state folder (SPEC 18)."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise storage_error(exc, root / STATE_DIR) from None


def manifest_hash(month_dir: Path) -> str | None:
    try:
        return hashlib.sha256((month_dir / "manifest.json").read_bytes()).hexdigest()
    except OSError:
        return None


def output_intact(out_dir: Path, period: str, doc: dict) -> bool:
    """The output still is what the remembered run left: same manifest, root index and zip present."""
    return (manifest_hash(out_dir / period) == doc.get("manifest")
            and (out_dir / "index.html").is_file()
            and (out_dir / f"villagefin-{period}.zip").is_file())


def _output_path(root: Path, period: str) -> Path:
    return root / STATE_DIR / f"{period}.out"


def remember_output(root: Path, period: str, out_dir: Path) -> None:
    """Where the month's official output goes, written before anything is archived: `status` compares the
    archive with that output and says when the output is behind (a run that failed after archiving)."""
    path, text = _output_path(root, period), str(Path(out_dir).resolve())
    try:
        if path.read_text(encoding="utf-8") == text:
            return  # written by an earlier run: nothing to write (a full disk must not stop a repair)
    except (OSError, ValueError):
        pass
    _write(root, path, text.encode("utf-8"))


def output_dir(root: Path, period: str) -> Path:
    """The folder the month was last published into (the workspace's site/ when none is remembered)."""
    try:
        return Path(_output_path(root, period).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return root / "site"

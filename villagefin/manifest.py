"""A month folder's manifest.json (SPEC 5.2): written and read here only.

It lists every file of the month folder with its sha256 and size, the villages it publishes (with their
revision, fingerprint and annex key), every configured village's status code, and the render key. Kept light
(no renderer imported) so that an unchanged re-publish and `status` can read it quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

from .output import sha256_file

MANIFEST = "manifest.json"


def write_manifest(month_dir: Path, doc: dict) -> None:
    """Write the manifest of a month folder being built (the folder is swapped in atomically afterwards)."""
    (Path(month_dir) / MANIFEST).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def read_manifest(month_dir: Path) -> dict:
    """A month folder's manifest.json ({} when missing or unreadable)."""
    try:
        doc = json.loads((Path(month_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def damaged_files(month_dir: Path) -> set[str]:
    """The files of a month's manifest that are missing or no longer have their sha256 (SPEC 18): an
    unchanged re-publish rewrites them from the archive. A month folder without a readable manifest is damaged
    as a whole ("manifest.json")."""
    month_dir = Path(month_dir)
    if not month_dir.is_dir():
        return set()
    doc = read_manifest(month_dir)
    if not isinstance(doc.get("files"), list):
        return {MANIFEST}
    out = set()
    for entry in doc["files"]:
        path = month_dir / str(entry.get("path", ""))
        try:
            if path.stat().st_size != entry.get("bytes") or sha256_file(path) != entry.get("sha256"):
                out.add(str(entry["path"]))
        except OSError:
            out.add(str(entry.get("path", "")))
    return out


def shown_revisions(month_dir: Path) -> dict[str, int]:
    """village id → the revision the month folder shows (for `status`: is the output behind the archive?)."""
    villages = read_manifest(month_dir).get("villages", {})
    return {vid: v.get("revision") for vid, v in villages.items() if isinstance(v, dict)}



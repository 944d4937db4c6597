"""Atomic replacement of outputs (SPEC 5.1): files via a temp file + os.replace, folders via build-then-swap.

A month folder is built whole in a temp folder beside it, then swapped in with two renames. A run killed
between the two renames leaves `.vf-old-*` beside a missing month folder: `recover()` puts it back first thing
in the next run, and removes temp folders a killed run left behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError

TMP_PREFIX = ".vf-tmp-"
OLD_PREFIX = ".vf-old-"
#: what a zip entry of a published file carries: rw-r--r-- (a web server can read what is unpacked)
ZIP_FILE_MODE = 0o644


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def public_mode(path: Path, *, folder: bool = False) -> None:
    """Give a file 0644 (a folder 0755), less what the umask removes: mkstemp and mkdtemp make 0600 and 0700,
    which a web server running as another user cannot read (SPEC 16)."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask() & (0o755 if folder else 0o644))


@contextmanager
def replacing(path: Path, suffix: str = "") -> Iterator[Path]:
    """A temp file beside `path` to write; it replaces `path` when the block ends, and is removed on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent, suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        public_mode(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half of one."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def save_workbook(workbook, path: Path, what: str) -> None:
    """Save an openpyxl workbook atomically; an OSError becomes one Chinese line naming the file."""
    try:
        with replacing(path, ".xlsx") as tmp:
            workbook.save(tmp)
    except OSError as exc:
        raise UsageError(f"无法写入{what} {path}：{exc.strerror or exc}。请检查路径和写入权限；"
                         "如果它正在 Excel/WPS 中打开，请先关闭再运行。") from None


def ensure_writable(folder: Path) -> None:
    """Make sure files can be written in `folder` (created if missing): a probe file of 64 KiB, then removed.

    Raises the OSError of the first thing that fails, before anything is archived (SPEC 18)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=folder)
    try:
        data = memoryview(b"\0" * (64 << 10))
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
        os.unlink(tmp)


def new_build_dir(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{name}-", dir=parent))
    public_mode(build, folder=True)
    return build


def swap_in(build: Path, target: Path) -> None:
    """Replace folder `target` by `build` (two renames; see `recover`)."""
    old = None
    if target.exists():
        old = target.parent / f"{OLD_PREFIX}{target.name}-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(build, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover(parent: Path) -> None:
    """Undo what a killed run left in `parent`: restore a swapped-out folder, remove temp files and folders."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith(OLD_PREFIX):
            name = entry.name[len(OLD_PREFIX):].rsplit("-", 1)[0]
            target = parent / name
            if not target.exists():
                os.replace(entry, target)
            else:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(TMP_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                try:
                    entry.unlink()
                except OSError:
                    pass


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder, hard-linking files where the file system allows (outputs are never edited in place)."""

    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link_or_copy)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def write_zip(path: Path, entries: Iterable[tuple[Path, str]]) -> None:
    """A zip of (file, name in archive), written atomically; PDFs and images are stored, text deflated."""
    # deflate level 1: a county's pages compress almost as well, several times faster than the default
    with replacing(path, ".zip") as tmp, zipfile.ZipFile(tmp, "w", compresslevel=1) as zf:
        for file, name in entries:
            stored = file.suffix.lower() in (".pdf", ".jpg", ".jpeg", ".png", ".zip")
            zf.write(file, name, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            # the mode lives only in the central directory, written at close: a regular file, rw-r--r--,
            # whatever the file on disk had
            zf.infolist()[-1].external_attr = (0o100000 | ZIP_FILE_MODE) << 16

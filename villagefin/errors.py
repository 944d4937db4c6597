"""villagefin's own exceptions. Each carries an exit code and a one-line Chinese message for the user."""

from __future__ import annotations

import errno


class VillagefinError(Exception):
    """Base: `commands.py` prints `str(self)` on one line and exits with `exit_code`."""

    exit_code = 2


class ConfigError(VillagefinError):
    """villagefin.toml is missing, malformed or inconsistent."""


class UsageError(VillagefinError):
    """A command-line value that cannot be used (unknown village, bad month...)."""


class FontError(VillagefinError):
    """No embeddable CJK font for an official publication (SPEC 6)."""


class PublishRefused(VillagefinError):
    """A publication that must not happen (unfinished month, overwriting an official month...)."""


class ArchiveBusy(VillagefinError):
    """Another process holds the archive."""


class StorageError(VillagefinError):
    """A folder that cannot be written: a full disk, no permission, a read-only file system."""


class ArchiveDamaged(VillagefinError):
    """`.villagefin/archive.sqlite` is not a readable SQLite database (SPEC 18)."""


_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EPERM, errno.EACCES}


def _reason(exc: OSError | None) -> str:
    return "" if exc is None else (exc.strerror or str(exc))


def storage_error(exc: OSError | None, folder: object, *, after_archive: bool = False) -> StorageError:
    """One Chinese line for a write that failed in `folder` (SPEC 18: a full disk says 磁盘空间不足 and names it).

    `exc` None means SQLite said its disk is full (it gives no errno)."""
    code = errno.ENOSPC if exc is None else exc.errno
    if code in _FULL:
        text = f"磁盘空间不足，无法写入 {folder}；请删除不用的文件腾出空间（或换一个有空间的文件夹）后重新运行。"
    elif code == errno.EROFS:
        text = f"{folder} 所在的磁盘是只读的，无法写入；请换一个可以写入的文件夹（如 --out 指定）后重新运行。"
    elif code in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
        what = "已经有同名的文件" if code == errno.EEXIST else "这个位置不能建文件夹"
        text = f"无法在 {folder} 写入：{what}；请换一个可以写入的文件夹（如 --out 指定）后重新运行。"
    elif code in _DENIED:
        text = f"没有权限写入 {folder}；请换一个可以写入的文件夹（如 --out 指定），或请管理员开放写入权限。"
    else:
        text = f"无法写入 {folder}（{_reason(exc)}）；请检查这个文件夹是否存在、可以写入，然后重新运行。"
    if after_archive:
        text += "本次公开已存档，但输出未完成：问题解决后请重新运行 publish，输出会按存档补齐。"
    return StorageError(text)

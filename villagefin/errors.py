"""villagefin's own exceptions. Each carries an exit code and a one-line Chinese message for the user."""

from __future__ import annotations


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

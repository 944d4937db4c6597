"""A month of the site (SPEC 5.2): `plan` decides what to draw and the village statuses (pure), `editions`
reads each village-month's edition from the archive, `village` draws one village folder, and `build` writes
the month in a temp folder, with its manifest and zip, and swaps it in (a frozen `BuildResult`)."""

from .build import BuildResult, MonthBuild, Settings, refresh_annexes, refresh_zips, relink, render_key
from .editions import annex_of, corrections_of
from .plan import village_statuses
from .village import captions, view_of

__all__ = [
    "BuildResult", "MonthBuild", "Settings", "annex_of", "captions", "corrections_of", "refresh_annexes",
    "refresh_zips", "relink", "render_key", "view_of", "village_statuses",
]

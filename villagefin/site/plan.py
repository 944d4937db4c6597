"""What a month of the site needs (SPEC 5.1, 5.2, 5.4, 18), decided without touching a file.

Pure functions of a snapshot: the archive's latest revisions and their editions, this run's outcomes and check,
and what the month's output shows (its manifest, read by `site.build` through manifest.py). The village
statuses are decided here once; so is which village folders are drawn again, which are kept, and which
neighbouring months must be redrawn for their previous/next links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..archive import Publication
from ..manifest import MANIFEST
from ..model import Outcome, VillageOutcome, VillageStatus
from ..public import Edition


@dataclass(frozen=True)
class Shown:
    """What the month's output folder shows now."""

    manifest: Mapping[str, Any]  # its manifest.json ({} when missing or unreadable)
    damaged: frozenset[str] = frozenset()  # files of the manifest missing or changed (SPEC 18)
    exists: bool = False  # the month folder exists
    pages: frozenset[str] = frozenset()  # villages whose index.html is present
    root_ok: bool = False  # the root index and the month's zip are present


@dataclass(frozen=True)
class MonthSnapshot:
    """Everything the plan of a month is decided from."""

    label: str  # "2026-10"
    preview: bool
    villages: tuple[str, ...]  # the configured villages, in config order
    latest: Mapping[str, Publication]  # the month's latest revision of each village ({} in a preview)
    editions: Mapping[str, Edition]  # of every village the month shows (this preview's data, in a preview)
    shown: Shown
    render_key: str = ""  # the settings, templates and font of this run ("" for a preview)
    fresh: tuple[str, ...] = ()  # villages this run published (or previews)
    forced: frozenset[str] = frozenset()  # villages drawn again even when up to date
    outcomes: tuple[VillageOutcome, ...] = ()
    blocked: frozenset[str] = frozenset()  # villages with errors in this run's check
    found: frozenset[str] = frozenset()  # villages whose ledgers this run's check found
    keep_statuses: bool = False  # show the statuses the manifest shows (a month redrawn from the archive)


@dataclass(frozen=True)
class MonthPlan:
    statuses: Mapping[str, VillageStatus]  # every configured village's status in the month
    render: tuple[str, ...]  # village folders drawn (again)
    keep: tuple[str, ...]  # village folders copied as they are
    rewritten: frozenset[str] = frozenset()  # drawn again because the output did not show the archive
    rerendered: bool = False  # villages drawn again only because the render key changed
    write: bool = True  # False: the output already shows the archive; nothing is written


def village_statuses(villages: Sequence[str], outcomes: Sequence[VillageOutcome], latest: Mapping[str, Publication],
                     *, blocked: Iterable[str] = (), found: Iterable[str] = (), preview: bool = False
                     ) -> dict[str, VillageStatus]:
    """Every configured village's status in the month, decided here only: this run's outcome, else the
    archive, else what the check found."""
    out: dict[str, VillageStatus] = {}
    for o in outcomes:
        pub = latest.get(o.village_id)
        if preview and o.outcome == Outcome.PREVIEWED:  # a draft: errors still say so
            out[o.village_id] = VillageStatus.BLOCKED if o.errors else VillageStatus.PUBLISHED
        elif pub is not None:
            out[o.village_id] = VillageStatus.CORRECTED if pub.revision > 1 else VillageStatus.PUBLISHED
        elif o.outcome == Outcome.SKIPPED_ERRORS or (preview and o.errors):
            out[o.village_id] = VillageStatus.BLOCKED
        elif o.outcome == Outcome.AWAITING_REVIEW:
            out[o.village_id] = VillageStatus.AWAITING_REVIEW
        elif o.outcome == Outcome.REVIEW_REJECTED:
            out[o.village_id] = VillageStatus.REVIEW_REJECTED
        else:
            out[o.village_id] = VillageStatus.MISSING
    blocked, found = set(blocked), set(found)
    for vid in villages:
        if vid in out:
            continue
        pub = latest.get(vid)
        if pub is not None:
            out[vid] = VillageStatus.CORRECTED if pub.revision > 1 else VillageStatus.PUBLISHED
        elif vid in blocked:
            out[vid] = VillageStatus.BLOCKED
        else:
            out[vid] = VillageStatus.PENDING if vid in found else VillageStatus.MISSING
    return out


def _statuses(s: MonthSnapshot) -> dict[str, VillageStatus]:
    kept = s.shown.manifest.get("statuses")
    if s.keep_statuses and isinstance(kept, dict):
        return {vid: VillageStatus(code) for vid, code in kept.items()}
    return village_statuses(s.villages, s.outcomes, s.latest, blocked=s.blocked, found=s.found, preview=s.preview)


def links_of(months: Sequence[str], label: str) -> tuple[str | None, str | None]:
    """The published months just before and after `label` among a village's (sorted) months: its page's links."""
    before = [m for m in months if m < label]
    after = [m for m in months if m > label]
    return (before[-1] if before else None, after[0] if after else None)


def _shows_links(entry: Mapping[str, Any], edition: Edition) -> bool:
    """The manifest says the page links as the edition does (a manifest written before it kept the links:
    taken as linking right, as its page was checked when that month was relinked)."""
    if "prev_period" not in entry:
        return True
    return (entry.get("prev_period"), entry.get("next_period")) == (edition.prev_period, edition.next_period)


def _up_to_date(s: MonthSnapshot, vid: str) -> bool:
    """The month's output shows the village's latest revision, with its queries, approval and links."""
    pub, edition = s.latest[vid], s.editions[vid]
    entry = s.shown.manifest.get("villages", {}).get(vid, {})
    return (vid in s.shown.pages and entry.get("fingerprint") == pub.fingerprint
            and entry.get("revision") == pub.revision and MANIFEST not in s.shown.damaged
            and not any(d.startswith(f"{vid}/") for d in s.shown.damaged)
            and entry.get("annex_key", "") == edition.annex_key and _shows_links(entry, edition))


def plan_month(s: MonthSnapshot) -> MonthPlan:
    """Which village folders to draw and which to keep, the statuses, and whether anything is written at all."""
    statuses = _statuses(s)
    if s.preview:
        return MonthPlan(statuses=statuses, render=tuple(s.fresh), keep=())
    # settings, templates or font changed since the month was drawn: every village is drawn again
    rekey = s.shown.exists and s.shown.manifest.get("render_key") != s.render_key
    render: list[str] = []
    keep: list[str] = []
    rewritten: set[str] = set()
    rerendered = False
    for vid in s.villages:
        if vid not in s.latest:
            continue
        asked = vid in s.fresh or vid in s.forced
        current = _up_to_date(s, vid)
        if asked or not current or rekey:
            render.append(vid)
            if not asked and not current:
                rewritten.add(vid)
            elif not asked:
                rerendered = True
        else:
            keep.append(vid)
    same = (s.shown.manifest.get("statuses") == statuses and s.shown.exists and s.shown.root_ok
            and not s.shown.damaged and not rekey)
    return MonthPlan(statuses=statuses, render=tuple(render), keep=tuple(keep), rewritten=frozenset(rewritten),
                     rerendered=rerendered, write=bool(render) or not same)


def stale_links(label: str, periods: Mapping[str, Sequence[str]], manifests: Mapping[str, Mapping[str, Any]]
                ) -> dict[str, set[str]]:
    """After villages published `label` (village → its published months, `periods`), the nearest months before
    and after it whose page of that village does not link as the archive now says (SPEC 5.4, 18: months in
    any order), as their manifests tell: month → villages to redraw. A month this output folder does not show
    is left alone."""
    redraw: dict[str, set[str]] = {}
    for vid, months in periods.items():
        prev, nxt = links_of(months, label)
        for neighbour in (m for m in (prev, nxt) if m is not None):
            entry = manifests.get(neighbour, {}).get("villages", {}).get(vid)
            if not isinstance(entry, dict):
                continue
            wanted = links_of(months, neighbour)
            if "prev_period" not in entry or (entry.get("prev_period"), entry.get("next_period")) != wanted:
                redraw.setdefault(neighbour, set()).add(vid)
    return redraw


def stale_annexes(shown: Mapping[str, Any], keys: Mapping[str, str]) -> set[str]:
    """Villages of a month whose queries or approval, as published now (`keys`: village → annex key), differ
    from what the month's manifest shows (SPEC 13, 14: redrawn without a new revision)."""
    villages = shown.get("villages", {})
    return {vid for vid, key in keys.items() if vid in villages and villages[vid].get("annex_key", "") != key}

"""The plan of a month of the site (SPEC 17: site/plan.py is pure): what to draw, what to keep, the village
statuses, and which neighbouring months to relink — decided from a snapshot of the archive and the manifest,
without reading a file; and, through the real publish path, relinking that follows the manifests."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from conftest import HEADER, expense_row

from villagefin.archive import Publication
from villagefin.config import load_config
from villagefin.model import Outcome, VillageOutcome, VillageStatus
from villagefin.public import Edition
from villagefin.publish import run_publish
from villagefin.site.plan import MonthSnapshot, Shown, plan_month, stale_links, village_statuses

VILLAGES = ("xinjie", "hexi", "dongfeng")


def _pub(village: str, revision: int = 1, fp: str = "f" * 16) -> Publication:
    return Publication(village=village, village_name=village, period="2026-10", revision=revision,
                       run_at="2026-11-05T09:00:00+08:00", publication_date=dt.date(2026, 11, 5), on_time=True,
                       count=1, total=Decimal("1.00"), fingerprint=fp, expenses_json=b"{}", correction_reason=None,
                       added=(), removed=(), changed=())


def _edition(village: str, revision: int = 1, fp: str = "f" * 16, **kw) -> Edition:
    return Edition(village_id=village, village_name=village, publication_date=dt.date(2026, 11, 5),
                   ytd_before=Decimal("0.00"), ytd_from_month=None, revision=revision, corrections=(), preview=False,
                   receipts_published=False, fingerprint=fp, count=1, total=Decimal("1.00"), **kw)


def _shown(entries: dict, statuses: dict, render_key: str = "k", damaged=frozenset()) -> Shown:
    manifest = {"villages": entries, "statuses": statuses, "render_key": render_key}
    return Shown(manifest=manifest, damaged=frozenset(damaged), exists=True, pages=frozenset(entries), root_ok=True)


def _entry(revision: int = 1, fp: str = "f" * 16, prev=None, nxt=None) -> dict:
    return {"revision": revision, "fingerprint": fp, "annex_key": "", "prev_period": prev, "next_period": nxt}


def _snapshot(shown: Shown, **kw) -> MonthSnapshot:
    latest = {"xinjie": _pub("xinjie"), "hexi": _pub("hexi", 2, "a" * 16)}
    editions = {"xinjie": _edition("xinjie"), "hexi": _edition("hexi", 2, "a" * 16)}
    return MonthSnapshot(**{"label": "2026-10", "preview": False, "villages": VILLAGES, "latest": latest,
                            "editions": editions, "shown": shown, "render_key": "k", **kw})


STATUSES = {"xinjie": "published", "hexi": "corrected", "dongfeng": "missing"}


def test_an_output_that_shows_the_archive_plans_nothing():
    plan = plan_month(_snapshot(_shown({"xinjie": _entry(), "hexi": _entry(2, "a" * 16)}, STATUSES)))
    assert not plan.write and plan.render == () and plan.keep == ("xinjie", "hexi")
    assert plan.statuses == {"xinjie": VillageStatus.PUBLISHED, "hexi": VillageStatus.CORRECTED,
                             "dongfeng": VillageStatus.MISSING}


def test_a_folder_behind_the_archive_is_rewritten_and_a_new_render_key_redraws_all():
    behind = plan_month(_snapshot(_shown({"xinjie": _entry(), "hexi": _entry(1, "b" * 16)}, STATUSES)))
    assert behind.write and behind.render == ("hexi",) and behind.keep == ("xinjie",)
    assert behind.rewritten == {"hexi"} and not behind.rerendered
    rekeyed = plan_month(_snapshot(_shown({"xinjie": _entry(), "hexi": _entry(2, "a" * 16)}, STATUSES, "old")))
    assert rekeyed.render == ("xinjie", "hexi") and rekeyed.rerendered and not rekeyed.rewritten
    damaged = plan_month(_snapshot(_shown({"xinjie": _entry(), "hexi": _entry(2, "a" * 16)}, STATUSES,
                                          damaged={"xinjie/noticeboard.pdf"})))
    assert damaged.render == ("xinjie",) and damaged.rewritten == {"xinjie"}


def test_a_village_published_now_is_drawn_and_not_called_rewritten():
    plan = plan_month(_snapshot(_shown({"xinjie": _entry(), "hexi": _entry(2, "a" * 16)}, STATUSES),
                                fresh=("hexi",)))
    assert plan.render == ("hexi",) and plan.rewritten == frozenset() and plan.write


def test_a_page_whose_links_are_not_the_archives_is_drawn_again():
    snapshot = _snapshot(_shown({"xinjie": _entry(nxt=None), "hexi": _entry(2, "a" * 16)}, STATUSES))
    linked = MonthSnapshot(**{**snapshot.__dict__, "editions": {**snapshot.editions,
                                                                "xinjie": _edition("xinjie", next_period="2026-11")}})
    assert plan_month(linked).render == ("xinjie",)


def test_statuses_are_decided_once_from_outcomes_archive_and_check():
    outcomes = [VillageOutcome("xinjie", "新街村", Outcome.SKIPPED_ERRORS),
                VillageOutcome("hexi", "河西村", Outcome.AWAITING_REVIEW)]
    got = village_statuses(VILLAGES + ("shiqiao",), outcomes, {}, blocked={"shiqiao"}, found={"dongfeng"})
    assert got == {"xinjie": VillageStatus.BLOCKED, "hexi": VillageStatus.AWAITING_REVIEW,
                   "dongfeng": VillageStatus.PENDING, "shiqiao": VillageStatus.BLOCKED}
    kept = plan_month(_snapshot(_shown({}, {"xinjie": "blocked"}), keep_statuses=True))
    assert kept.statuses == {"xinjie": VillageStatus.BLOCKED}


def test_stale_links_come_from_the_manifests_of_the_neighbouring_months():
    periods = {"xinjie": ["2026-09", "2026-10", "2026-11"], "hexi": ["2026-10"]}
    manifests = {
        "2026-09": {"villages": {"xinjie": _entry(nxt="2026-10")}},  # links right already
        "2026-11": {"villages": {"xinjie": _entry(prev="2026-08")}},  # links to an older month
    }
    assert stale_links("2026-10", periods, manifests) == {"2026-11": {"xinjie"}}
    # a manifest written before it kept the links; a month this folder does not show is left alone
    assert stale_links("2026-10", periods, {"2026-09": {"villages": {"xinjie": {"revision": 1}}}}) == {
        "2026-09": {"xinjie"}}


CONFIG = """
[township]
name = "新街镇"
county = "天长市"
supervision_phone = "0550-7000000"
portal_url = "https://cwgk.tianchang.gov.cn"

[[villages]]
id = "xinjie"
name = "新街村"
ledgers = ["ledgers/{month}/*.xlsx"]
"""


def _ledger(path: Path, month: int) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{month}月"
    ws.append(HEADER)
    ws.append(expense_row(3, "记-001", "购买办公用品", "90.00", month=month))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def test_months_published_out_of_order_relink_as_their_manifests_say(tmp_path: Path):
    ws = tmp_path / "新街镇"
    ws.mkdir()
    (ws / "villagefin.toml").write_text(CONFIG.replace("{month}", "*"), encoding="utf-8")
    for month in (9, 10):
        _ledger(ws / "ledgers" / f"2026-{month:02d}" / f"2026-{month:02d}.xlsx", month)
    october = run_publish(load_config(ws), month="2026-10", today=dt.date(2026, 11, 20))
    assert [o.outcome for o in october.outcomes] == ["new"], october.report.findings
    manifest = ws / "site" / "2026-10" / "manifest.json"
    entry = json.loads(manifest.read_text(encoding="utf-8"))["villages"]["xinjie"]
    assert (entry["prev_period"], entry["next_period"]) == (None, None)
    september = run_publish(load_config(ws), month="2026-09", today=dt.date(2026, 11, 20))
    assert [o.outcome for o in september.outcomes] == ["new"], september.report.findings
    assert "2026-10" in september.bundles_changed  # October's bundle was rebuilt with its new link
    entry = json.loads(manifest.read_text(encoding="utf-8"))["villages"]["xinjie"]
    assert (entry["prev_period"], entry["next_period"]) == ("2026-09", None)
    page = (ws / "site" / "2026-10" / "xinjie" / "index.html").read_text(encoding="utf-8")
    assert "../../2026-09/xinjie/index.html" in page

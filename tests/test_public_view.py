"""The public view built once (SPEC 17): `run_check` hands each village's records to a callback in its worker
and collects what it returns (the report carries no bytes of its own); the view built from checked records and
the view rebuilt from its archived expenses.json are the same view."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from decimal import Decimal

from conftest import SAMPLES

from villagefin.check import run_check
from villagefin.config import load_config
from villagefin.model import CheckedVillage, CheckReport, Period, RunOptions
from villagefin.public import (
    Edition,
    PublicDocuments,
    expenses_json,
    line_hashes,
    township_of,
    view_from_document,
    view_from_records,
)

PERIOD = Period(2026, 10)


@dataclasses.dataclass(frozen=True)
class Seen:
    """A callback that says where it ran and what it was given (module level: it travels to the workers)."""

    def __call__(self, village: CheckedVillage) -> tuple:
        return (os.getpid(), village.name, len(village.expenses), len(village.lines))


def test_the_callback_runs_in_the_workers_and_its_returns_are_collected_by_village():
    config = load_config(SAMPLES)
    report = run_check(None, config, month=PERIOD.key, keep_expenses=False, on_village=Seen())
    assert set(report.outputs) == {v.id for v in config.villages}
    assert {pid for pid, *_ in report.outputs.values()} != {os.getpid()}  # drawn in worker processes
    pid, name, count, lines = report.outputs["qianjin"]
    assert name == "前进村" and count == report.village_counts["qianjin"][0] and lines > 0
    inline = run_check(None, config, month=PERIOD.key, keep_expenses=False, on_village=Seen(),
                       options=RunOptions(inline=True))
    assert {pid for pid, *_ in inline.outputs.values()} == {os.getpid()}
    assert not run_check(None, config, month=PERIOD.key, keep_expenses=False).outputs


def test_the_check_report_has_no_bytes_field():
    assert not [f.name for f in dataclasses.fields(CheckReport) if "bytes" in str(f.type)]


class Keep:
    """Keeps the records a village's check gave (inline only: it is not worth pickling)."""

    def __init__(self) -> None:
        self.villages: dict[str, CheckedVillage] = {}

    def __call__(self, village: CheckedVillage) -> str:
        self.villages[village.village] = village
        return village.village


def test_a_view_rebuilt_from_its_document_is_the_view_built_from_the_records():
    config = load_config(SAMPLES)
    township = township_of(config)
    keep = Keep()
    report = run_check(None, config, month=PERIOD.key, keep_expenses=False, on_village=keep,
                       options=RunOptions(inline=True))
    documents = PublicDocuments(township, PERIOD)
    for vid in ("xinjie", "qianjin"):  # a village with expenses only, and a 收支 village
        checked = keep.villages[vid]
        built = view_from_records(checked, township=township, period=PERIOD)
        doc = documents(checked)
        assert doc.data == expenses_json(built) and doc.fingerprint and len(doc.rows) == built.count
        edition = Edition(village_id=vid, village_name=built.village_name, publication_date=dt.date(2026, 10, 1),
                          ytd_before=Decimal("0.00"), ytd_from_month=None, revision=1, corrections=(),
                          preview=False, receipts_published=True, fingerprint=doc.fingerprint,
                          count=built.count, total=built.total)
        again = view_from_document(edition, doc.data, township=township, period=PERIOD)
        assert again.expenses == built.expenses and again.funds == built.funds and again.income == built.income
        assert again.flows == built.flows and expenses_json(again) == doc.data
        assert again.fingerprint == doc.fingerprint and not built.fingerprint
    assert report.outputs["xinjie"] == "xinjie"


def test_a_documents_line_hashes_are_those_read_back_from_its_json():
    """The check workers hash each line from the view they built; a correction later compares them with the
    hashes of the archived JSON (`line_hashes`). Both must agree on every sample village, 收支 ones included."""
    config = load_config(SAMPLES)
    report = run_check(None, config, month=PERIOD.key, keep_expenses=False,
                       on_village=PublicDocuments(township_of(config), PERIOD))
    money = 0
    for vid, doc in report.outputs.items():
        assert list(doc.lines) == line_hashes(doc.data), vid
        money += any(line for line in doc.lines if line not in {(r.voucher, r.content_hash) for r in doc.rows})
    assert money >= 3  # the three 收支 samples have income and other flows

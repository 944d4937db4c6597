"""Each village-month's `Edition` from the archive: everything its pages show besides its expenses.json
(publication date, year to date, corrections, links, queries, approval, carried balances)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from ..archive import Archive, Publication
from ..config import Config
from ..model import Period, ReviewConclusion
from ..money import ZERO
from ..privacy import mask
from ..public import (
    Correction,
    Edition,
    fingerprint,
    is_money_document,
    money_totals,
    public_query,
    public_review,
)
from .plan import links_of


def edition_of(arc: Archive, config: Config, period: Period, pub: Publication) -> Edition:
    """A published revision's edition (its expenses stay in its archived bytes)."""
    v = config.village(pub.village)
    ytd_before, ytd_from = arc.year_to_date(pub.village, period.year, period.month)
    revisions = [p for p in arc.revisions(pub.village, pub.period) if p.revision <= pub.revision]
    prev, nxt = links_of(arc.village_periods(pub.village), period.key)
    return Edition(
        village_id=pub.village, village_name=v.name if v else pub.village_name,
        publication_date=pub.publication_date, ytd_before=ytd_before, ytd_from_month=ytd_from,
        revision=pub.revision, corrections=corrections_of(revisions), preview=False,
        receipts_published=bool(v and v.receipts and v.publish_receipts), fingerprint=pub.fingerprint,
        count=pub.count, total=pub.total, prev_period=prev, next_period=nxt,
        **money_totals(pub.expenses_json), **_carried(arc, period, pub.village, pub.expenses_json),
        **annex_of(arc, config, pub.village, pub.period, pub.fingerprint))


def preview_edition(arc: Archive, config: Config, period: Period, vid: str, data: bytes,
                    publication_date: dt.date, counts: Mapping[str, tuple[int, Decimal]]) -> Edition:
    """The edition of a preview's data (not archived; no links, revision 1)."""
    v = config.village(vid)
    assert v is not None
    ytd_before, ytd_from = arc.year_to_date(vid, period.year, period.month)
    count, total = counts.get(vid, (0, ZERO))
    fp = fingerprint(data)
    return Edition(
        village_id=vid, village_name=v.name, publication_date=publication_date, ytd_before=ytd_before,
        ytd_from_month=ytd_from, revision=1, corrections=(), preview=True,
        receipts_published=bool(v.receipts and v.publish_receipts), fingerprint=fp, count=count, total=total,
        **money_totals(data), **_carried(arc, period, vid, data), **annex_of(arc, config, vid, period.key, fp))


def _carried(arc: Archive, period: Period, vid: str, data: bytes) -> dict:
    """A 收支 village's 本年累计收入 before this month and last month's closing balances (SPEC 12.2, 12.4)."""
    if not is_money_document(data):
        return {}
    return {"ytd_income_before": arc.income_to_date(vid, period.year, period.month),
            "carried": tuple(sorted(arc.previous_closing(vid, period).items()))}


def annex_of(arc: Archive, config: Config, village: str, period: str, fp: str) -> dict:
    """The queries about a village-month and the approval of data `fp`, as its pages publish them (SPEC 13, 14):
    Edition fields. The approval shown is the latest review of exactly these data, when it approves."""
    days = config.queries.reply_days
    queries = tuple(
        public_query(number=q.number, received=q.received, channel=q.channel, revision=q.revision, item=q.item,
                     voucher=q.voucher, summary=q.summary, question=q.question, answer=q.answer,
                     answer_date=q.answer_date, reply_days=days)
        for q in arc.queries(village=village, period=period))
    review = None
    for r in reversed(arc.reviews(village=village, period=period)):
        if r.fingerprint == fp:
            if r.conclusion == ReviewConclusion.APPROVE:
                review = public_review(opinion=r.opinion, reviewers=r.reviewers, date=r.review_date)
            break
    return {"queries": queries, "review": review, "reply_days": days}


def corrections_of(revisions: Sequence[Publication]) -> tuple[Correction, ...]:
    """The corrections a village page lists, newest first, from the month's archived revisions."""
    return tuple(
        Correction(revision=p.revision, reason=mask(p.correction_reason or ""), added=p.added, removed=p.removed,
                   changed=p.changed, date=p.publication_date)
        for p in sorted(revisions, key=lambda p: -p.revision) if p.revision > 1
    )

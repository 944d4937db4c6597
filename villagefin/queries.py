"""`villagefin query add | answer | list` (SPEC 14): villagers' queries about published lines, and the answers.

Light on purpose (each command under 0.5 s): the archive and the archived expenses.json only, no ledger is read
and nothing is rendered. Publication happens at the next `publish`, which redraws the month's pages from the
archive with the queries (site.annex_of), adding no revision.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .archive import Archive, QueryRecord, archive_path
from .config import Config
from .errors import ConfigError, UsageError
from .ledgers import parse_month, require_villages, shanghai_today
from .model import QUERY_CHANNELS as CHANNELS
from .model import QueryState
from .public import expenses_from_json, money_from_json

NUMBER = re.compile(r"Q(\d{4})-(\d{3,})")


@dataclass(frozen=True)
class QueryLine:
    """One query as `query list` and `status` show it."""

    record: QueryRecord
    deadline: dt.date
    state: QueryState
    #: when registered by --voucher: the other 序号 of that voucher on the sheet (the query is on the first)
    others: tuple[str, ...] = ()

    @property
    def line(self) -> str:
        r = self.record
        return f"第{r.revision}版 序号{r.item} 凭证 {r.voucher} {r.summary}".strip()

    def as_dict(self) -> dict:
        r = self.record
        return {
            "number": r.number, "village": r.village, "month": r.period, "revision": r.revision, "item": r.item,
            "voucher": r.voucher, "summary": r.summary, "line": self.line, "question": r.question,
            "received": r.received.isoformat(), "channel": r.channel, "deadline": self.deadline.isoformat(),
            "answer": r.answer or None, "answered": r.answer_date.isoformat() if r.answer_date else None,
            "answers": r.answers, "state": self.state.value, "state_text": self.state.text,
        }


def _workspace(config: Config) -> None:
    if config.root is None:
        raise ConfigError("query 需要镇工作目录（含 villagefin.toml）；请进入工作目录运行，或用 --config 指定。")


def _text(value: str | None, option: str, example: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"{option} 不能为空，请写明内容，例如 {option} \"{example}\"。")
    return text


#: the sections of a published sheet that carry numbered lines, in the sheet's order (SPEC 12.4): 二、收入明细
#: (收1, 收2, …), 三、支出明细 (1, 2, …), 四、其他收付 (其1, 其2, …); an expense-only sheet has only the expenses
SECTION_KEYS = ("income", "expenses", "flows")


def published_lines(expenses_json: bytes) -> dict[str, tuple[Any, ...]]:
    """The numbered lines of an archived expenses.json by section: its expenses and, for a 收支 village, its
    income and other flows (transfers included)."""
    money = money_from_json(expenses_json)
    if not money:  # a village with expenses only, or a month published before section 12
        return {"expenses": expenses_from_json(expenses_json)}
    return {"income": money["income"], "expenses": expenses_from_json(expenses_json), "flows": money["flows"]}


def _seq_text(value: str) -> str:
    """A 序号 as typed, in the sheet's form: 「序号 12」, 「收 3」, 「其２」, 「收03」 → 12, 收3, 其2, 收3."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    text = text.removeprefix("序号").removeprefix("第").removesuffix("笔")
    number = re.fullmatch(r"(收|其)?0*(\d+)", text)  # 收03 → 收3, 007 → 7
    return f"{number.group(1) or ''}{number.group(2)}" if number else text


def find_line(sections: dict[str, tuple[Any, ...]], *, item: str | None = None, voucher: str | None = None
              ) -> tuple[Any, tuple[str, ...]] | None:
    """The published line a query is about, by 序号 (12, 收3 or 其2) or by voucher; with the other 序号 of
    that voucher. A voucher on several lines (an expense voucher with several lines, or one that is income and
    a transfer at once) gives its first line in the sheet's order — 收入, then 支出, then 其他收付 — and the
    query is about that line; the others are named so that the accountant can use --item instead."""
    lines = [line for key in SECTION_KEYS for line in sections.get(key, ())]
    if item is not None:
        wanted = _seq_text(item)
        found = [line for line in lines if str(line.seq) == wanted]
    else:
        wanted = unicodedata.normalize("NFKC", voucher or "").strip()
        found = [line for line in lines if unicodedata.normalize("NFKC", line.voucher).strip() == wanted]
    if not found:
        return None
    return found[0], tuple(str(line.seq) for line in found[1:])


def span_of(sections: dict[str, tuple[Any, ...]]) -> str:
    """What a sheet numbers, in its order, for an error message: 「共 9 笔，序号 收1–收3、1–4、其1–其2」."""
    parts = []
    for key in SECTION_KEYS:
        lines = sections.get(key, ())
        if lines:
            first, last = str(lines[0].seq), str(lines[-1].seq)
            parts.append(first if first == last else f"{first}–{last}")
    count = sum(len(v) for v in sections.values())
    if not count:
        return "本月无收支" if "income" in sections else "本月无支出"
    return f"共 {count} 笔，序号 {'、'.join(parts)}"


def query_line(rec: QueryRecord, reply_days: int, today: dt.date) -> QueryLine:
    return QueryLine(record=rec, deadline=rec.deadline(reply_days), state=rec.state(reply_days, today))


def run_query_add(config: Config, *, village: str, month: str, question: str, item: str | None = None,
                  voucher: str | None = None, channel: str = "电话", received: dt.date | None = None,
                  asker: str = "", now: dt.datetime | None = None) -> QueryLine:
    """Register a query about one line of the latest revision published for `village` and `month`."""
    _workspace(config)
    assert config.root is not None
    require_villages(config, [village])
    period = parse_month(month)
    if period is None:
        raise UsageError("query add 需要具体月份，例如 --month 2026-10。")
    if (item is None) == (voucher is None):
        raise UsageError("请用 --item 序号（公开表上的序号，如 12、收3 或 其2）或 --voucher 凭证号（如 记-012）指明质询的是哪一笔，二者选一。")
    question = _text(question, "--question", "这笔维修费为什么比上月高？")
    if channel not in CHANNELS:
        raise UsageError(f"--channel 只能是 {'、'.join(CHANNELS)}（现在是「{channel}」）。")
    today = (now.date() if now else shanghai_today())
    received = received or today
    label = period.key
    if not archive_path(config.root).exists():
        raise UsageError(f"{pub_name(config, village)} {period.label()}还没有正式公开，不能登记质询；请先运行 villagefin publish。")
    with Archive(config.root) as arc:
        pub = arc.latest(village, label)
        if pub is None:
            raise UsageError(f"{pub_name(config, village)} {period.label()}还没有正式公开，不能登记质询；"
                             "请核对 --village 和 --month，或先运行 villagefin publish。")
        sections = published_lines(pub.expenses_json)
        found = find_line(sections, item=item, voucher=voucher)
        if found is None:
            what = f"序号 {item.strip()}" if item is not None else f"凭证 {(voucher or '').strip()}"
            raise UsageError(f"{pub_name(config, village)} {period.label()}第{pub.revision}版公开表中没有{what}"
                             f"（{span_of(sections)}）；请核对公开表上的序号或凭证号。")
        line, others = found
        rec = QueryRecord(number="", village=village, period=label, revision=pub.revision, item=str(line.seq),
                          voucher=line.voucher, summary=line.summary, question=question, channel=channel,
                          received=received, asker=(asker or "").strip())
        stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat()
        number = arc.add_query(rec, received.year, stamp)
        saved = arc.query(number)
    assert saved is not None
    return replace(query_line(saved, config.queries.reply_days, today), others=others)


def pub_name(config: Config, village: str) -> str:
    v = config.village(village)
    return v.name if v else village


def run_query_answer(config: Config, number: str, *, answer: str, by: str = "", date: dt.date | None = None,
                     now: dt.datetime | None = None) -> QueryLine:
    """Record the village's answer; answering again replaces the published answer (the earlier stays archived)."""
    _workspace(config)
    assert config.root is not None
    key = number.strip().upper()
    answer = _text(answer, "--answer", "该笔为村部屋顶维修，已经村民代表会议决议。")
    today = (now.date() if now else shanghai_today())
    date = date or today
    unknown = UsageError(f"没有编号为「{number}」的质询；编号形如 Q2026-003，可运行 villagefin query list 查看。")
    if not NUMBER.fullmatch(key) or not archive_path(config.root).exists():
        raise unknown
    with Archive(config.root) as arc:
        rec = arc.query(key)
        if rec is None:
            raise unknown
        if date < rec.received:
            raise UsageError(f"答复日期 {date.isoformat()} 早于收到质询的日期 {rec.received.isoformat()}；请核对 --date。")
        stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat()
        arc.answer_query(key, answer, (by or "").strip(), date, stamp)
        saved = arc.query(key)
    assert saved is not None
    return query_line(saved, config.queries.reply_days, today)


def run_query_list(config: Config, *, month: str | None = None, villages: Sequence[str] = (),
                   only: QueryState | None = None, today: dt.date | None = None) -> list[QueryLine]:
    """Every query (of a month, of villages), optionally only the open ones (OPEN: open and overdue) or overdue."""
    _workspace(config)
    assert config.root is not None
    require_villages(config, villages)
    label = None
    if month:
        period = parse_month(month)
        label = None if period is None else period.key
    if not archive_path(config.root).exists():
        return []
    today = today or shanghai_today()
    with Archive(config.root, create=False) as arc:
        records = arc.queries(period=label)
    out = [query_line(r, config.queries.reply_days, today) for r in records if not villages or r.village in villages]
    if only == QueryState.OVERDUE:
        out = [q for q in out if q.state == QueryState.OVERDUE]
    elif only == QueryState.OPEN:
        out = [q for q in out if q.state != QueryState.ANSWERED]
    return out

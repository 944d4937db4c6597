"""The archive (SPEC 7): an append-only SQLite store of every official publication.

One row per village publication (village, period, revision), with the expenses.json bytes it published, so
that any month's output can be rebuilt from the archive alone. One transaction per village publication;
`BEGIN IMMEDIATE` with a busy timeout makes a second process wait, or be refused clearly, never lose data.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .errors import ArchiveBusy, ArchiveDamaged, VillagefinError, storage_error
from .model import Period, QueryState, ReviewConclusion
from .public import ArchiveRow, closings_of, money_totals

ARCHIVE_DIR = ".villagefin"
ARCHIVE_NAME = "archive.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY,
    village TEXT NOT NULL,
    village_name TEXT NOT NULL,
    period TEXT NOT NULL,
    revision INTEGER NOT NULL,
    run_at TEXT NOT NULL,
    publication_date TEXT NOT NULL,
    on_time INTEGER NOT NULL,
    count INTEGER NOT NULL,
    total TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    expenses_json BLOB NOT NULL,
    correction_reason TEXT,
    added TEXT NOT NULL DEFAULT '[]',
    removed TEXT NOT NULL DEFAULT '[]',
    changed TEXT NOT NULL DEFAULT '[]',
    files TEXT NOT NULL DEFAULT '{}',
    UNIQUE (village, period, revision)
);
CREATE TABLE IF NOT EXISTS expenses (
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    seq INTEGER NOT NULL,
    date TEXT NOT NULL,
    voucher TEXT NOT NULL,
    invoice TEXT NOT NULL,
    amount TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS expenses_invoice ON expenses(invoice);
CREATE INDEX IF NOT EXISTS expenses_publication ON expenses(publication_id);
CREATE TRIGGER IF NOT EXISTS publications_append_only BEFORE DELETE ON publications
BEGIN SELECT RAISE(ABORT, 'archive is append-only'); END;
CREATE TABLE IF NOT EXISTS review_copies (
    id INTEGER PRIMARY KEY,
    village TEXT NOT NULL,
    period TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    path TEXT NOT NULL,
    written_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    village TEXT NOT NULL,
    period TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reviewers TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    opinion TEXT NOT NULL,
    review_date TEXT NOT NULL,
    run_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_month ON reviews(village, period);
CREATE TABLE IF NOT EXISTS queries (
    number TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    village TEXT NOT NULL,
    period TEXT NOT NULL,
    revision INTEGER NOT NULL,
    item TEXT NOT NULL,
    voucher TEXT NOT NULL,
    summary TEXT NOT NULL,
    question TEXT NOT NULL,
    channel TEXT NOT NULL,
    received TEXT NOT NULL,
    asker TEXT NOT NULL DEFAULT '',
    run_at TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL REFERENCES queries(number),
    answer TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answer_date TEXT NOT NULL,
    run_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS reviews_append_only BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'archive is append-only'); END;
CREATE TRIGGER IF NOT EXISTS answers_append_only BEFORE DELETE ON answers
BEGIN SELECT RAISE(ABORT, 'archive is append-only'); END;
"""


@dataclass(frozen=True, slots=True)
class Publication:
    village: str
    village_name: str
    period: str
    revision: int
    run_at: str
    publication_date: dt.date
    on_time: bool
    count: int
    total: Decimal
    fingerprint: str
    expenses_json: bytes
    correction_reason: str | None
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def backdated(self) -> bool:
        """补登: the printed publication date is earlier than the day the run happened."""
        return self.publication_date < dt.date.fromisoformat(self.run_at[:10])


@dataclass(frozen=True, slots=True)
class ReviewCopy:
    """A review copy written by `villagefin review` (SPEC 13): the data fingerprint the committee reads."""

    village: str
    period: str
    fingerprint: str
    path: str
    written_at: str


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """The committee's recorded conclusion on one village-month's data (SPEC 13)."""

    village: str
    period: str
    fingerprint: str
    reviewers: tuple[str, ...]
    conclusion: ReviewConclusion
    opinion: str
    review_date: dt.date
    run_at: str


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """A villager's query (SPEC 14) with its latest answer ("" while unanswered). `asker` is internal only."""

    number: str
    village: str
    period: str
    revision: int
    item: str  # 序号 of that revision
    voucher: str
    summary: str
    question: str
    channel: str
    received: dt.date
    asker: str
    answer: str = ""
    answered_by: str = ""
    answer_date: dt.date | None = None
    answers: int = 0  # how many answers were recorded (the latest one is published)

    def deadline(self, reply_days: int) -> dt.date:
        """Received + `[queries] reply_days` calendar days (SPEC 14)."""
        return self.received + dt.timedelta(days=reply_days)

    def state(self, reply_days: int, today: dt.date) -> QueryState:
        if self.answer:
            return QueryState.ANSWERED
        return QueryState.OVERDUE if today > self.deadline(reply_days) else QueryState.OPEN


class InvoiceUse(NamedTuple):
    """One use of an invoice number in a published month."""

    village: str
    period: str
    voucher: str
    amount: Decimal


def archive_path(root: Path) -> Path:
    return Path(root) / ARCHIVE_DIR / ARCHIVE_NAME


def damaged(path: Path, detail: object) -> ArchiveDamaged:
    """The line for an archive SQLite cannot read (SPEC 18): what is damaged, and how to restore it."""
    return ArchiveDamaged(
        f"存档 {ARCHIVE_DIR}/{ARCHIVE_NAME} 已损坏，无法读取（{detail}）。请从备份恢复：先把 {path} "
        f"（连同旁边的 {ARCHIVE_NAME}-wal、{ARCHIVE_NAME}-shm，如果有）改名保留，再把最近一次备份的 {ARCHIVE_NAME} "
        f"复制到 {path.parent}，然后重新运行；没有备份时请联系维护人员。")


def sqlite_error(exc: sqlite3.Error, path: Path, writing: str = "使用") -> VillagefinError | None:
    """The Chinese line for an SQLite error on the archive at `path`, or None for a defect of ours."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if code == getattr(sqlite3, "SQLITE_FULL", -1) or "disk is full" in text:
        return storage_error(None, path.parent)
    if "disk i/o error" in text:  # what SQLite says when its -wal or -shm file cannot grow on a full disk
        try:
            full = shutil.disk_usage(path.parent).free < (1 << 20)
        except OSError:
            full = False
        return storage_error(None if full else OSError(errno.EIO, "磁盘读写错误"), path.parent)
    if "locked" in text or "busy" in text:
        return ArchiveBusy(f"存档 {path} 正被另一个 villagefin 进程{writing}，请等它结束后再运行（{exc}）。")
    if "readonly" in text or "unable to open" in text:
        return storage_error(OSError(errno.EACCES, str(exc)), path.parent)
    if type(exc) is sqlite3.DatabaseError or any(w in text for w in ("malformed", "not a database", "no such table")):
        return damaged(path, exc)  # SQLITE_CORRUPT and SQLITE_NOTADB are plain DatabaseErrors
    return None


def _row(r: sqlite3.Row) -> Publication:
    return Publication(
        village=r["village"], village_name=r["village_name"], period=r["period"], revision=r["revision"],
        run_at=r["run_at"], publication_date=dt.date.fromisoformat(r["publication_date"]),
        on_time=bool(r["on_time"]), count=r["count"], total=Decimal(r["total"]), fingerprint=r["fingerprint"],
        expenses_json=bytes(r["expenses_json"]), correction_reason=r["correction_reason"],
        added=tuple(json.loads(r["added"])), removed=tuple(json.loads(r["removed"])),
        changed=tuple(json.loads(r["changed"])),
    )


def _review(r: sqlite3.Row) -> ReviewRecord:
    return ReviewRecord(village=r["village"], period=r["period"], fingerprint=r["fingerprint"],
                        reviewers=tuple(json.loads(r["reviewers"])), conclusion=ReviewConclusion(r["conclusion"]),
                        opinion=r["opinion"], review_date=dt.date.fromisoformat(r["review_date"]), run_at=r["run_at"])


_QUERY_SELECT = (
    "SELECT q.*, a.answer AS answer, a.answered_by AS answered_by, a.answer_date AS answer_date, "
    "(SELECT COUNT(*) FROM answers c WHERE c.number = q.number) AS answers FROM queries q "
    "LEFT JOIN answers a ON a.id = (SELECT MAX(id) FROM answers b WHERE b.number = q.number) WHERE 1=1")


def _query_row(r: sqlite3.Row) -> QueryRecord:
    return QueryRecord(
        number=r["number"], village=r["village"], period=r["period"], revision=r["revision"], item=r["item"],
        voucher=r["voucher"], summary=r["summary"], question=r["question"], channel=r["channel"],
        received=dt.date.fromisoformat(r["received"]), asker=r["asker"], answer=r["answer"] or "",
        answered_by=r["answered_by"] or "",
        answer_date=dt.date.fromisoformat(r["answer_date"]) if r["answer_date"] else None, answers=r["answers"])


class Annex:
    """Reviews and villagers' queries (SPEC 13, 14): what the archive records beside the publications.

    Mixed into `Archive`, whose `_query` and `transaction` it uses; each write is one transaction, the query
    number allocated inside it."""

    conn: sqlite3.Connection | None
    _query: Callable[..., list[sqlite3.Row]]
    transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- review copies and reviews
    def record_review_copy(self, copy: ReviewCopy) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO review_copies (village, period, fingerprint, path, written_at) VALUES (?,?,?,?,?)",
                         (copy.village, copy.period, copy.fingerprint, copy.path, copy.written_at))

    def latest_review_copy(self, village: str, period: str) -> ReviewCopy | None:
        rows = self._query("SELECT * FROM review_copies WHERE village=? AND period=? ORDER BY id DESC LIMIT 1",
                           (village, period))
        if not rows:
            return None
        r = rows[0]
        return ReviewCopy(village=r["village"], period=r["period"], fingerprint=r["fingerprint"], path=r["path"],
                          written_at=r["written_at"])

    def record_review(self, rec: ReviewRecord) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO reviews (village, period, fingerprint, reviewers, conclusion, opinion, review_date, run_at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (rec.village, rec.period, rec.fingerprint, json.dumps(list(rec.reviewers), ensure_ascii=False),
                 rec.conclusion.value, rec.opinion, rec.review_date.isoformat(), rec.run_at))

    def reviews(self, village: str | None = None, period: str | None = None) -> list[ReviewRecord]:
        """Reviews recorded, oldest first."""
        sql, args = "SELECT * FROM reviews WHERE 1=1", []
        if village:
            sql += " AND village=?"
            args.append(village)
        if period:
            sql += " AND period=?"
            args.append(period)
        return [_review(r) for r in self._query(sql + " ORDER BY id", tuple(args))]

    def latest_review(self, village: str, period: str) -> ReviewRecord | None:
        rows = self._query("SELECT * FROM reviews WHERE village=? AND period=? ORDER BY id DESC LIMIT 1",
                           (village, period))
        return _review(rows[0]) if rows else None

    # -- villagers' queries
    def add_query(self, rec: QueryRecord, year: int, run_at: str) -> str:
        """Record a query; its number Q{year}-{NNN} counts up within the workspace and the year received."""
        with self.transaction() as conn:
            row = conn.execute("SELECT MAX(seq) FROM queries WHERE year=?", (year,)).fetchone()
            seq = (row[0] or 0) + 1
            number = f"Q{year:04d}-{seq:03d}"
            conn.execute(
                "INSERT INTO queries (number, year, seq, village, period, revision, item, voucher, summary, question,"
                " channel, received, asker, run_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (number, year, seq, rec.village, rec.period, rec.revision, rec.item, rec.voucher, rec.summary,
                 rec.question, rec.channel, rec.received.isoformat(), rec.asker, run_at))
        return number

    def answer_query(self, number: str, answer: str, by: str, date: dt.date, run_at: str) -> bool:
        """Append an answer (the latest is the one published); False when there is no such query."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM queries WHERE number=?", (number,)).fetchone() is None:
                return False
            conn.execute("INSERT INTO answers (number, answer, answered_by, answer_date, run_at) VALUES (?,?,?,?,?)",
                         (number, answer, by, date.isoformat(), run_at))
        return True

    def query(self, number: str) -> QueryRecord | None:
        rows = self._query(_QUERY_SELECT + " AND q.number=?", (number,))
        return _query_row(rows[0]) if rows else None

    def queries(self, village: str | None = None, period: str | None = None) -> list[QueryRecord]:
        """Queries in number order (year, then count), each with its latest answer."""
        sql, args = _QUERY_SELECT, []
        if village:
            sql += " AND q.village=?"
            args.append(village)
        if period:
            sql += " AND q.period=?"
            args.append(period)
        return [_query_row(r) for r in self._query(sql + " ORDER BY q.year, q.seq", tuple(args))]

    def annex_stamp(self) -> str:
        """Changes whenever a review or a query (or an answer) is recorded: part of a month's inputs."""
        rows = self._query("SELECT (SELECT COALESCE(MAX(id), 0) FROM reviews), (SELECT COUNT(*) FROM queries), "
                           "(SELECT COALESCE(MAX(id), 0) FROM answers)")
        return ":".join(str(x) for x in rows[0]) if rows else ""


class Archive(Annex):
    """A connection to a workspace's archive. Use as a context manager."""

    def __init__(self, root: Path, *, create: bool = True, timeout: float = 30.0):
        self.path = archive_path(root)
        self.conn: sqlite3.Connection | None = None
        if not self.path.exists() and not create:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, self.path.parent) from None
        self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        try:
            # write-ahead log: each village's transaction commits without a full sync, readers never block,
            # and a crash still loses nothing that was committed before the last checkpoint's sync
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            if create:
                self.conn.executescript(_SCHEMA)
            else:  # a reader: the archive must at least be a database with publications in it
                self.conn.execute("SELECT COUNT(*) FROM publications").fetchone()
        except sqlite3.Error as exc:
            self.close()
            self._raise(exc)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _raise(self, exc: sqlite3.Error, writing: str = "使用") -> None:
        error = sqlite_error(exc, self.path, writing)
        if error is None:
            raise exc
        raise error from None

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        if self.conn is None:
            return []
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            self._raise(exc)
            raise  # not reached

    def last_id(self) -> int | None:
        """The newest publication's row id (what `state` fingerprints: any new publication changes it)."""
        rows = self._query("SELECT MAX(id) FROM publications")
        return rows[0][0] if rows else None

    # -- reading ---------------------------------------------------------------------------------------------
    def latest(self, village: str, period: str) -> Publication | None:
        rows = self._query("SELECT * FROM publications WHERE village=? AND period=? ORDER BY revision DESC LIMIT 1",
                           (village, period))
        return _row(rows[0]) if rows else None

    def revisions(self, village: str, period: str) -> list[Publication]:
        return [_row(r) for r in self._query(
            "SELECT * FROM publications WHERE village=? AND period=? ORDER BY revision", (village, period))]

    def latest_of_period(self, period: str) -> dict[str, Publication]:
        rows = self._query(
            "SELECT p.* FROM publications p JOIN (SELECT village, MAX(revision) AS rev FROM publications "
            "WHERE period=? GROUP BY village) m ON p.village=m.village AND p.revision=m.rev AND p.period=?",
            (period, period))
        return {r["village"]: _row(r) for r in rows}

    def history(self, village: str | None = None, period: str | None = None) -> list[Publication]:
        sql = "SELECT * FROM publications WHERE 1=1"
        args: list = []
        if village:
            sql += " AND village=?"
            args.append(village)
        if period:
            sql += " AND period=?"
            args.append(period)
        sql += " ORDER BY period, village, revision"
        return [_row(r) for r in self._query(sql, tuple(args))]

    def periods(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT period FROM publications ORDER BY period DESC")]

    def village_periods(self, village: str) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT DISTINCT period FROM publications WHERE village=? ORDER BY period", (village,))]

    def year_to_date(self, village: str, year: int, month: int) -> tuple[Decimal, int | None]:
        """Sum of the latest revisions of `village` in `year` before `month`, and the first month counted."""
        total = Decimal("0.00")
        first: int | None = None
        for m in range(1, month):
            pub = self.latest(village, Period(year, m).key)
            if pub is not None:
                total += pub.total
                first = m if first is None else first
        return total, first

    def income_to_date(self, village: str, year: int, month: int) -> Decimal:
        """Income published by `village` in `year` before `month` (latest revisions; 本年累计收入, SPEC 12.4)."""
        total = Decimal("0.00")
        for m in range(1, month):
            pub = self.latest(village, Period(year, m).key)
            if pub is not None:
                total += money_totals(pub.expenses_json).get("income") or Decimal("0.00")
        return total

    def previous_closing(self, village: str, period: Period) -> dict[str, Decimal]:
        """column → the closing balance published for the month before `period` (SPEC 12.2); {} if none."""
        before = Period(period.year - 1, 12) if period.month == 1 else Period(period.year, period.month - 1)
        pub = self.latest(village, before.key)
        return closings_of(pub.expenses_json) if pub is not None else {}

    def invoices(self, exclude_period: str | None = None) -> dict[str, tuple[InvoiceUse, ...]]:
        """invoice → (village, period, voucher, amount) of the latest revision of every published month."""
        rows = self._query(
            "WITH latest AS (SELECT p.id, p.village, p.period FROM publications p JOIN "
            "(SELECT village, period, MAX(revision) AS rev FROM publications GROUP BY village, period) m "
            "ON m.village = p.village AND m.period = p.period AND m.rev = p.revision) "
            "SELECT l.village, l.period, e.voucher, e.amount, e.invoice FROM latest l "
            "JOIN expenses e ON e.publication_id = l.id WHERE e.invoice != '' AND l.period != ?",
            (exclude_period or "",))
        out: dict[str, list] = {}
        for r in rows:
            out.setdefault(r["invoice"], []).append(InvoiceUse(village=r["village"], period=r["period"],
                                                               voucher=r["voucher"], amount=Decimal(r["amount"])))
        return {k: tuple(v) for k, v in out.items()}

    # -- writing ---------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        assert self.conn is not None
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._raise(exc, "写入")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite has already rolled back after some errors (a full disk): rolling back again would hide
            # the real error behind "cannot rollback - no transaction is active"
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                self._raise(exc, "写入")
            raise

    def record(self, pub: Publication, expenses: Sequence[ArchiveRow], files: Mapping[str, str] | None = None) -> int:
        """Append one village publication in one transaction; returns its revision."""
        with self.transaction() as conn:
            row = conn.execute("SELECT MAX(revision) FROM publications WHERE village=? AND period=?",
                               (pub.village, pub.period)).fetchone()
            expected = (row[0] or 0) + 1
            if pub.revision != expected:
                raise ArchiveBusy(
                    f"存档中 {pub.village} {pub.period} 已有第 {expected - 1} 版（可能另一个进程刚刚公开过），请重新运行 publish。")
            cur = conn.execute(
                "INSERT INTO publications (village, village_name, period, revision, run_at, publication_date, on_time,"
                " count, total, fingerprint, expenses_json, correction_reason, added, removed, changed, files)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (pub.village, pub.village_name, pub.period, pub.revision, pub.run_at,
                 pub.publication_date.isoformat(), int(pub.on_time), pub.count, str(pub.total), pub.fingerprint,
                 pub.expenses_json, pub.correction_reason, json.dumps(list(pub.added), ensure_ascii=False),
                 json.dumps(list(pub.removed), ensure_ascii=False), json.dumps(list(pub.changed), ensure_ascii=False),
                 json.dumps(dict(files or {}), ensure_ascii=False)))
            pid = cur.lastrowid
            conn.executemany(
                "INSERT INTO expenses (publication_id, seq, date, voucher, invoice, amount, content_hash)"
                " VALUES (?,?,?,?,?,?,?)",
                [(pid, e.seq, e.date, e.voucher, e.invoice, str(e.amount), e.content_hash) for e in expenses])
        return pub.revision


def annex_stamp(root: Path) -> str:
    """`Annex.annex_stamp` of a workspace ("" without an archive)."""
    if not archive_path(root).exists():
        return ""
    with Archive(root, create=False) as arc:
        return arc.annex_stamp()


def last_publication_id(root: Path) -> int | None:
    """The newest publication row's id (None without an archive): part of a month's inputs fingerprint."""
    if not archive_path(root).exists():
        return None
    with Archive(root, create=False) as arc:
        return arc.last_id()


@contextmanager
def publish_lock(root: Path, wait: float = 600.0) -> Iterator[None]:
    """One publish at a time per workspace (SPEC 7): a second one waits, then is refused with a clear line.

    The lock is an open write transaction on a small SQLite file, so the operating system releases it if
    the process dies: no stale lock file to clean up, on any platform."""
    path = Path(root) / ARCHIVE_DIR / "publish.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, path.parent) from None
    conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None)
    try:
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise ArchiveBusy("另一个 villagefin publish 正在这个工作目录中运行，等了很久仍未结束；请等它结束后再运行。") from None
            error = sqlite_error(exc, path)
            if error is None:
                raise
            raise error from None
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()

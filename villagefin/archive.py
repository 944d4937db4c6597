"""The archive (SPEC 7): an append-only SQLite store of every official publication.

One row per village publication (village, period, revision), with the expenses.json bytes it published, so
that any month's output can be rebuilt from the archive alone. One transaction per village publication;
`BEGIN IMMEDIATE` with a busy timeout makes a second process wait, or be refused clearly, never lose data.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .errors import ArchiveBusy
from .model import Period
from .public import closings_of, money_totals

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
class ExpenseHash:
    seq: int
    date: str
    voucher: str
    invoice: str
    amount: Decimal
    content_hash: str


class InvoiceUse(NamedTuple):
    """One use of an invoice number in a published month."""

    village: str
    period: str
    voucher: str
    amount: Decimal


def archive_path(root: Path) -> Path:
    return Path(root) / ARCHIVE_DIR / ARCHIVE_NAME


def _row(r: sqlite3.Row) -> Publication:
    return Publication(
        village=r["village"], village_name=r["village_name"], period=r["period"], revision=r["revision"],
        run_at=r["run_at"], publication_date=dt.date.fromisoformat(r["publication_date"]),
        on_time=bool(r["on_time"]), count=r["count"], total=Decimal(r["total"]), fingerprint=r["fingerprint"],
        expenses_json=bytes(r["expenses_json"]), correction_reason=r["correction_reason"],
        added=tuple(json.loads(r["added"])), removed=tuple(json.loads(r["removed"])),
        changed=tuple(json.loads(r["changed"])),
    )


class Archive:
    """A connection to a workspace's archive. Use as a context manager."""

    def __init__(self, root: Path, *, create: bool = True, timeout: float = 30.0):
        self.path = archive_path(root)
        if not self.path.exists() and not create:
            self.conn: sqlite3.Connection | None = None
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        try:
            # write-ahead log: each village's transaction commits without a full sync, readers never block,
            # and a crash still loses nothing that was committed before the last checkpoint's sync
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            raise ArchiveBusy(f"存档 {self.path} 正被另一个 villagefin 进程使用，请等它结束后再运行（{exc}）。") from None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        if self.conn is None:
            return []
        return self.conn.execute(sql, args).fetchall()

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

    def last_id(self) -> int | None:
        rows = self._query("SELECT MAX(id) AS last FROM publications")
        return rows[0]["last"] if rows else None

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
        except sqlite3.OperationalError as exc:
            raise ArchiveBusy(f"存档 {self.path} 正被另一个 villagefin 进程写入，请等它结束后再运行（{exc}）。") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def record(self, pub: Publication, expenses: list[ExpenseHash], files: Mapping[str, str] | None = None) -> int:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None)
    try:
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            raise ArchiveBusy("另一个 villagefin publish 正在这个工作目录中运行，等了很久仍未结束；请等它结束后再运行。") from None
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()

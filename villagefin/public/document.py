"""expenses.json (SPEC 5.1, 5.5, 12.4): written, read back and fingerprinted here only.

It is a function of the village's public records only. Nothing that changes with settings alone (publication
date, revision, fingerprint, phone number, paper) goes in: "unchanged data" is defined as a byte-identical
expenses.json, and the data fingerprint is the sha256 of its bytes. `VillageDocument` is what the check
workers hand to `publish` (the bytes with what the archive keeps of them), so nobody else parses them for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, NamedTuple

from ..model import BANK, CASH
from ..money import plain
from .funds import ColumnFunds, Funds
from .records import PublicExpense, PublicFlow, PublicIncome, VillageView


class ArchiveRow(NamedTuple):
    """One published expense as the archive indexes it (its content hash, not its text)."""

    seq: int
    date: str
    voucher: str
    invoice: str
    amount: Decimal
    content_hash: str


class LineHash(NamedTuple):
    """One published line (expense, income or other flow) as a correction compares it: its voucher and the
    sha256 of its content."""

    voucher: str
    digest: str


@dataclass(frozen=True)
class VillageDocument:
    """A village-month's expenses.json as the check workers write it for `publish`, `review` and `status`:
    the bytes, their fingerprint, the archive's rows and the (voucher, hash) of every line (for a correction's
    diff), so that the parent process never parses the bytes again."""

    village: str
    data: bytes
    fingerprint: str
    rows: tuple[ArchiveRow, ...]
    lines: tuple[LineHash, ...]


def document_of(view: VillageView) -> VillageDocument:
    """The document of a view built from checked records (in a check worker)."""
    data = expenses_json(view)
    rows = tuple(ArchiveRow(seq=e.seq, date=e.date.isoformat(), voucher=e.voucher, invoice=e.invoice,
                            amount=e.amount, content_hash=content_hash(e)) for e in view.expenses)
    lines = [LineHash(row.voucher, row.content_hash) for row in rows]
    lines += [_money_hash(line) for line in (*view.income, *view.flows)]
    return VillageDocument(village=view.village_id, data=data, fingerprint=fingerprint(data), rows=rows,
                           lines=tuple(lines))


def _expense_record(e: PublicExpense) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "date": e.date.isoformat(),
        "voucher": e.voucher,
        "summary": e.summary,
        "category": e.category,
        "group": e.group,
        "payee": e.payee,
        "amount": plain(e.amount),
        "method": e.method,
        "handler": e.handler,
        "reviewer": e.reviewer,
        "approver": e.approver,
        "attachments": e.attachments,
        "invoice": e.invoice,
        "remarks": e.remarks,
    }


def expenses_json(view: VillageView) -> bytes:
    """The village's expenses.json: UTF-8, Chinese as itself, keys sorted, amounts as plain strings."""
    doc = {
        "village": {"id": view.village_id, "name": view.village_name},
        "period": view.period,
        "count": view.count,
        "total": plain(view.total),
        "categories": [{"name": c.name, "count": c.count, "total": plain(c.total)} for c in view.categories],
        "expenses": [_expense_record(e) for e in view.expenses],
    }
    if view.funds is not None:  # a 收支 village (SPEC 12.4); a village with expenses only is as before
        doc["income"] = [_income_record(i) for i in view.income]
        doc["flows"] = [_flow_record(f) for f in view.flows]
        doc["balances"] = view.funds.as_record()
        doc["income_total"] = plain(view.income_total)
    return _dump(doc)


#: the keys a 收支 village's expenses.json adds (SPEC 12.4)
MONEY_KEYS = ("income", "flows", "balances", "income_total")


def _dump(doc: dict[str, Any]) -> bytes:
    """expenses.json bytes of a document: one record per line, keys sorted, readable and stable."""
    doc = dict(doc)
    # one expense per line, keys sorted: readable, stable, and written by json's C encoder (indent= is not)
    lists = {}
    for key, mark in (("expenses", "\x00"), ("income", "\x01"), ("flows", "\x02")):
        if key in doc:
            lists[mark] = doc[key]
            doc[key] = mark  # a placeholder no ledger text can hold (json escapes a real control character)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    for mark, records in lists.items():
        body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records)
        text = text.replace(json.dumps(mark), f"[\n{body}\n]" if records else "[]")
    return (text + "\n").encode("utf-8")


def fingerprint(json_bytes: bytes) -> str:
    """The data fingerprint printed on sheets and pages: first 16 hex digits of sha256(expenses.json)."""
    return hashlib.sha256(json_bytes).hexdigest()[:16]


def expenses_from_json(data: bytes | Mapping[str, Any]) -> tuple[PublicExpense, ...]:
    """The public expenses back from an archived expenses.json (receipts are not in it: the public view adds
    them, `view.view_from_document`). `data` may be the document already parsed (`parse`)."""
    doc = parse(data)
    out = []
    for r in doc["expenses"]:
        out.append(PublicExpense(
            seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
            category=r["category"], group=r["group"], payee=r["payee"], amount=Decimal(r["amount"]),
            method=r["method"], handler=r["handler"], reviewer=r["reviewer"], approver=r["approver"],
            attachments=r["attachments"], invoice=r["invoice"], remarks=r.get("remarks", ""),
        ))
    return tuple(out)


def parse(data: bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    """An expenses.json parsed once, for reading its expenses and its money with one json.loads."""
    return json.loads(data.decode("utf-8")) if isinstance(data, bytes) else data


def content_hash(e: PublicExpense) -> str:
    """sha256 of one published expense's content (not its number in the list): what the archive keeps."""
    record = (e.date.isoformat(), e.voucher, e.summary, e.category, e.payee, str(e.amount), e.method, e.handler,
              e.reviewer, e.approver, str(e.attachments), e.invoice, e.remarks)
    return hashlib.sha256("\x1f".join(record).encode("utf-8")).hexdigest()


def _income_record(i: PublicIncome) -> dict[str, Any]:
    return {"seq": i.seq, "date": i.date.isoformat(), "voucher": i.voucher, "summary": i.summary,
            "category": i.category, "payer": i.payer, "amount": plain(i.amount), "method": i.method,
            "handler": i.handler, "reviewer": i.reviewer, "approver": i.approver, "attachments": i.attachments}


def _flow_record(f: PublicFlow) -> dict[str, Any]:
    return {"seq": f.seq, "date": f.date.isoformat(), "voucher": f.voucher, "summary": f.summary, "type": f.type,
            "direction": f.direction, "amount": plain(f.amount), "method": f.method}


def _amount_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def line_hashes(data: bytes) -> list[LineHash]:
    """(voucher, content hash) of every line an archived expenses.json publishes: its expenses, and a 收支
    village's income and other flows (what a correction compares, SPEC 5.1 and 12.4)."""
    doc = parse(data)
    out = [LineHash(e.voucher, content_hash(e)) for e in expenses_from_json(doc)]
    money = money_from_json(doc)
    out += [_money_hash(line) for line in (*money.get("income", ()), *money.get("flows", ()))]
    return out


def _money_hash(line: PublicIncome | PublicFlow) -> LineHash:
    """An income or other-flow line's (voucher, hash): the same from the view a worker built as from the JSON
    it wrote (tests/test_public_view.py holds the two equal)."""
    record = [type(line).__name__] + [str(getattr(line, f.name)) for f in fields(line) if f.name != "seq"]
    return LineHash(line.voucher, hashlib.sha256("\x1f".join(record).encode("utf-8")).hexdigest())


def money_from_json(data: bytes | Mapping[str, Any]) -> dict:
    """income, flows and funds back from an archived expenses.json, as `build_village_view` takes them; {} for
    a village with expenses only, or a month published before section 12 (no `income` key)."""
    doc = parse(data)
    if "income" not in doc:
        return {}
    income = tuple(PublicIncome(
        seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
        category=r["category"], payer=r["payer"], amount=Decimal(r["amount"]), method=r["method"],
        handler=r["handler"], reviewer=r["reviewer"], approver=r["approver"], attachments=r["attachments"],
    ) for r in doc["income"])
    flows = tuple(PublicFlow(
        seq=r["seq"], date=dt.date.fromisoformat(r["date"]), voucher=r["voucher"], summary=r["summary"],
        type=r["type"], direction=r["direction"], amount=Decimal(r["amount"]), method=r["method"],
    ) for r in doc["flows"])
    b = doc["balances"]

    def column(c: dict) -> ColumnFunds:
        return ColumnFunds(opening=_amount_or_none(c["opening"]), income=Decimal(c["income"]),
                           expense=Decimal(c["expense"]), other_in=Decimal(c["other_in"]),
                           other_out=Decimal(c["other_out"]), transfer=Decimal(c["transfer"]),
                           closing=_amount_or_none(c["closing"]))

    funds = Funds(cash=column(b["cash"]), bank=column(b["bank"]), accrued_income=Decimal(b["accrued"]["income"]),
                  accrued_expense=Decimal(b["accrued"]["expense"]))
    return {"income": income, "flows": flows, "funds": funds}


def is_money_document(data: bytes) -> bool:
    """The expenses.json of a 收支 village (SPEC 12.4): a cheap look for its key, without parsing it."""
    return b'"income_total"' in data


def money_totals(data: bytes) -> dict[str, Decimal | None]:
    """income and 月末结余 (cash + bank) of a 收支 village's expenses.json, as keywords; {} for any other (a
    cheap look for the key first: the township page asks this of every village of a county)."""
    if not is_money_document(data):
        return {}
    doc = json.loads(data.decode("utf-8"))
    if "income_total" not in doc:
        return {}
    cash, bank = doc["balances"]["cash"]["closing"], doc["balances"]["bank"]["closing"]
    closing = None if cash is None or bank is None else Decimal(cash) + Decimal(bank)
    return {"income": Decimal(doc["income_total"]), "closing": closing}


def without_money(data: bytes) -> bytes:
    """The expenses.json a village would have published before section 12: its money keys left out. A month
    archived before it counts as unchanged when this equals its archived bytes (SPEC 12.4)."""
    doc = json.loads(data.decode("utf-8"))
    if not any(key in doc for key in MONEY_KEYS):
        return data
    for key in MONEY_KEYS:
        doc.pop(key, None)
    return _dump(doc)


def closings_of(data: bytes) -> dict[str, Decimal]:
    """column → the closing balance a published expenses.json gives (cash, bank); {} when it gives none."""
    if b'"balances"' not in data:
        return {}
    doc = json.loads(data.decode("utf-8"))
    balances = doc.get("balances") or {}
    return {column: Decimal(balances[column]["closing"]) for column in (CASH, BANK)
            if balances.get(column, {}).get("closing") is not None}

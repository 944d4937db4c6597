"""Open data files of one village and month (SPEC 5.5): expenses.json and expenses.csv.

Both are functions of the village's expense records only. Nothing that changes with settings alone
(publication date, revision, fingerprint, phone number, paper) goes in: "unchanged data" is defined as a
byte-identical expenses.json (SPEC 5.1), and the data fingerprint is the sha256 of its bytes.

The CSV header row names the fields as SPEC 5.5 and the JSON keys do (date, voucher, summary, …, amount, …):
one set of names for every reader of the open data, whichever file they take.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from ..money import plain
from ..public import PublicExpense, VillageView

#: CSV columns in SPEC 5.5 order
CSV_FIELDS: tuple[str, ...] = (
    "date",
    "voucher",
    "summary",
    "category",
    "payee",
    "amount",
    "method",
    "handler",
    "reviewer",
    "approver",
    "attachments",
    "invoice",
)

# A cell starting with one of these is taken for a formula by Excel, WPS or LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    # one expense per line, keys sorted: readable, stable, and written by json's C encoder (indent= is not)
    records = doc["expenses"]
    doc["expenses"] = "\x00"  # a placeholder no ledger text can hold (json escapes a real NUL as \u0000)
    body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True).replace('"\\u0000"', f"[\n{body}\n]" if records else "[]")
    return (text + "\n").encode("utf-8")


def neutralise(cell: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    if cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _csv_row(e: PublicExpense) -> list[str]:
    values = {
        "date": e.date.isoformat(),
        "voucher": neutralise(e.voucher),
        "summary": neutralise(e.summary),
        "category": neutralise(e.category),
        "payee": neutralise(e.payee),
        # the amount column is a plain signed number: "-123.00" is a value, not a formula
        "amount": plain(e.amount),
        "method": neutralise(e.method),
        "handler": neutralise(e.handler),
        "reviewer": neutralise(e.reviewer),
        "approver": neutralise(e.approver),
        "attachments": "" if e.attachments is None else str(e.attachments),
        "invoice": neutralise(e.invoice),
    }
    return [values[f] for f in CSV_FIELDS]


def expenses_csv(view: VillageView) -> bytes:
    """The village's expenses.csv: UTF-8 with BOM (Excel), CRLF, one header row, one row per expense."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_FIELDS)
    for e in view.expenses:
        writer.writerow(_csv_row(e))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def fingerprint(json_bytes: bytes) -> str:
    """The data fingerprint printed on sheets and pages: first 16 hex digits of sha256(expenses.json)."""
    return hashlib.sha256(json_bytes).hexdigest()[:16]

"""expenses.csv of one village and month (SPEC 5.5), for Excel and WPS.

Its sibling expenses.json is owned by `villagefin.public`, which writes it, reads it back and fingerprints it.

The CSV header row names the fields as SPEC 5.5 and the JSON keys do (date, voucher, summary, …, amount, …):
one set of names for every reader of the open data, whichever file they take.
"""

from __future__ import annotations

import csv
import io

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


#: queries.csv columns (SPEC 14): what the page's 村民质询与答复 section shows; never the asker
QUERY_FIELDS: tuple[str, ...] = ("number", "received", "channel", "revision", "item", "voucher", "summary",
                                 "question", "answer", "answered", "deadline")


def queries_csv(view: VillageView) -> bytes:
    """The month's villagers' queries and answers, as masked on the page, every text cell neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(QUERY_FIELDS)
    for q in view.queries:
        writer.writerow([q.number, q.received.isoformat(), neutralise(q.channel), str(q.revision), neutralise(q.item),
                         neutralise(q.voucher), neutralise(q.summary), neutralise(q.question), neutralise(q.answer),
                         q.answer_date.isoformat() if q.answer_date else "", q.deadline.isoformat()])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


# -- 收支 villages (SPEC 12.4): income.csv and flows.csv, with the rules of expenses.csv ------------------------

INCOME_FIELDS: tuple[str, ...] = ("seq", "date", "voucher", "summary", "category", "payer", "amount", "method",
                                  "handler", "reviewer", "approver", "attachments")
FLOW_FIELDS: tuple[str, ...] = ("seq", "date", "voucher", "summary", "type", "direction", "amount", "method")


def _csv_bytes(fields: tuple[str, ...], rows) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(fields)
    for values in rows:
        writer.writerow([values[f] for f in fields])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _cells(record: object, fields: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name in fields:
        value = getattr(record, name)
        if name == "amount":
            out[name] = plain(value)  # a plain signed number, not a formula
        elif name == "date":
            out[name] = value.isoformat()
        elif name == "attachments":
            out[name] = "" if value is None else str(value)
        else:
            out[name] = neutralise(value)
    return out


def income_csv(view: VillageView) -> bytes:
    """income.csv: UTF-8 with BOM, CRLF, one header row, one row per income line (收1, 收2, …)."""
    return _csv_bytes(INCOME_FIELDS, (_cells(i, INCOME_FIELDS) for i in view.income))


def flows_csv(view: VillageView) -> bytes:
    """flows.csv: one row per line of 四、其他收付 (其1, 其2, …; direction 收 or 付, a 内部转账 from the cash
    column's point of view: 提现 收, 存现 付)."""
    return _csv_bytes(FLOW_FIELDS, (_cells(f, FLOW_FIELDS) for f in view.flows))

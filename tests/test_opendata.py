"""Open data (SPEC 5.5): expenses.json and expenses.csv read back to the fen, CSV injection, stable bytes."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
from test_pages import TOWNSHIP, expense, village_view

from villagefin.public import expenses_json, fingerprint
from villagefin.render.opendata import CSV_FIELDS, expenses_csv

D = Decimal
HEADER = list(CSV_FIELDS)

INJECTIONS = (
    expense(1, "1234.50", summary="=cmd|' /C calc'!A0", payee="+1", handler="-1", approver="@SUM(A1:A9)"),
    expense(
        2, "-123.00", summary="-1 冲销多付款", payee="\t制表符开头", reviewer="\r回车开头", remarks="=1+1"
    ),
    expense(
        3,
        "0.05",
        summary="买图钉",
        category="管理费用_办公费",
        payee='含"引号",和逗号',
        attachments=None,
        invoice="00123",
        method="现金",
    ),
    expense(
        4, "98765.43", summary="村道硬化\n第二期", payee="天长市路桥工程有限公司", invoice="044320000004"
    ),
)


def test_json_round_trip() -> None:
    view = village_view()
    raw = expenses_json(view)
    assert raw.endswith(b"\n") and not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert "新街村" in text and "\\u" not in text  # Chinese written as itself
    doc = json.loads(raw)
    assert doc["village"] == {"id": "xinjie", "name": "新街村"}
    assert doc["period"] == "2026-10"
    assert doc["count"] == 4 == len(doc["expenses"])
    assert doc["total"] == "53971.50" and D(doc["total"]) == view.total
    assert [c["name"] for c in doc["categories"]] == [c.name for c in view.categories]
    assert all(isinstance(c["total"], str) and isinstance(c["count"], int) for c in doc["categories"])
    for record, e in zip(doc["expenses"], view.expenses, strict=True):
        assert isinstance(record["amount"], str) and D(record["amount"]) == e.amount
        assert record["amount"] == f"{e.amount:.2f}"
        assert record["date"] == e.date.isoformat()
        for key in (
            "voucher",
            "summary",
            "category",
            "group",
            "payee",
            "method",
            "handler",
            "reviewer",
            "approver",
            "invoice",
            "remarks",
        ):
            assert record[key] == getattr(e, key), key
        assert record["seq"] == e.seq and record["attachments"] == e.attachments
    assert doc["expenses"][2]["amount"] == "-123.00"
    assert doc["expenses"][3]["attachments"] is None
    assert sum(D(r["amount"]) for r in doc["expenses"]) == D(doc["total"])
    # keys sorted at every level, so the bytes do not depend on how the dict was built
    assert list(doc) == sorted(doc) and list(doc["expenses"][0]) == sorted(doc["expenses"][0])


def test_json_is_stable_and_free_of_settings() -> None:
    view = village_view()
    first = expenses_json(view)
    assert expenses_json(village_view()) == first  # same view, same bytes
    changed_settings = replace(
        view,
        township=replace(TOWNSHIP, supervision_phone="0550-7999999", portal_url="https://other.example/x"),
        publication_date=dt.date(2026, 11, 20),
        revision=2,
        fingerprint="0123456789abcdef",
        preview=True,
        receipts_published=False,
        prev_period=None,
        next_period="2026-11",
        ytd_total=D("1.00"),
        ytd_from_month=10,
    )
    assert expenses_json(changed_settings) == first
    text = first.decode("utf-8")
    for leak in ("0550", "2026-11-05", "example", "revision", "fingerprint", "receipts", "preview"):
        assert leak not in text, leak
    # a change of data changes the bytes and the fingerprint
    other = replace(view, expenses=(replace(view.expenses[0], amount=D("1234.51")), *view.expenses[1:]))
    assert expenses_json(other) != first
    assert fingerprint(expenses_json(other)) != fingerprint(first)


def test_fingerprint() -> None:
    raw = expenses_json(village_view())
    fp = fingerprint(raw)
    assert fp == hashlib.sha256(raw).hexdigest()[:16] and len(fp) == 16
    assert village_view().fingerprint == fp


def csv_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_reads_back_with_csv_module() -> None:
    view = village_view(INJECTIONS)
    raw = expenses_csv(view)
    assert raw.startswith(b"\xef\xbb\xbf")
    header_line = "date,voucher,summary,category,payee,amount,method,handler,reviewer,approver,attachments,invoice\r\n"
    assert raw.startswith(b"\xef\xbb\xbf" + header_line.encode("utf-8")) and raw.endswith(b"\r\n")
    rows = csv_rows(raw)
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(INJECTIONS)  # no total row
    by_field = [dict(zip(CSV_FIELDS, r, strict=True)) for r in rows[1:]]
    for record, e in zip(by_field, INJECTIONS, strict=True):
        assert D(record["amount"]) == e.amount
        assert record["date"] == e.date.isoformat()
        assert record["attachments"] == ("" if e.attachments is None else str(e.attachments))
    assert sum(D(r["amount"]) for r in by_field) == view.total
    first, second, third, fourth = by_field
    # formula injection neutralised with a leading quote
    assert first["summary"] == "'=cmd|' /C calc'!A0"
    assert first["payee"] == "'+1" and first["handler"] == "'-1" and first["approver"] == "'@SUM(A1:A9)"
    assert second["summary"] == "'-1 冲销多付款"
    assert second["payee"] == "'\t制表符开头" and second["reviewer"] == "'\r回车开头"
    # the amount column is a plain signed number, not neutralised
    assert second["amount"] == "-123.00"
    assert third["amount"] == "0.05" and third["payee"] == '含"引号",和逗号' and third["invoice"] == "00123"
    assert fourth["summary"] == "村道硬化\n第二期"  # a quoted line break stays inside its cell
    assert fourth["amount"] == "98765.43"
    # nothing that a spreadsheet would run is left at the start of a text cell
    for r in by_field:
        for key, value in r.items():
            if key != "amount":
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (key, value)


def test_csv_reads_back_with_pandas(tmp_path: Path) -> None:
    view = village_view(INJECTIONS)
    path = tmp_path / "expenses.csv"
    path.write_bytes(expenses_csv(view))
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    assert list(df.columns) == HEADER
    assert len(df) == len(INJECTIONS)
    amounts = [D(a) for a in df["amount"]]
    assert amounts == [e.amount for e in INJECTIONS]
    assert sum(amounts) == view.total
    assert list(df["date"]) == [e.date.isoformat() for e in INJECTIONS]
    assert list(df["voucher"]) == [e.voucher for e in INJECTIONS]
    assert df["invoice"][2] == "00123"  # dtype=str keeps the leading zeros
    assert df["summary"][0] == "'=cmd|' /C calc'!A0" and df["summary"][3] == "村道硬化\n第二期"
    assert pd.isna(df["attachments"][2])  # blank cell, not "None"


def test_empty_month_files() -> None:
    view = village_view((), total_capitals="零元整", categories=())
    doc = json.loads(expenses_json(view))
    assert doc["count"] == 0 and doc["expenses"] == [] and doc["total"] == "0.00"
    assert csv_rows(expenses_csv(view)) == [HEADER]

"""收支 publication (SPEC 12.4): expenses.json gains income, flows and balances for 收支 villages only (a
village with expenses only publishes byte for byte as before), income.csv and flows.csv, the view read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from conftest import REPO, SAMPLES, sample_workspace

from villagefin.check import run_check
from villagefin.config import load_config
from villagefin.model import Balance, MoneyLine, Period
from villagefin.public import (
    PublicDocuments,
    build_village_view,
    expenses_json,
    money_from_json,
    public_expenses,
    public_money,
    township_of,
)
from villagefin.publish import run_publish
from villagefin.render.opendata import FLOW_FIELDS, INCOME_FIELDS, flows_csv, income_csv

GOLDEN = REPO / "tests" / "golden" / "expenses-json-before-12"
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def sample_public():
    config = load_config(SAMPLES)
    report = run_check(None, config, month="2026-10",
                       on_village=PublicDocuments(township=township_of(config), period=Period(2026, 10)))
    return report


def test_villages_with_expenses_only_publish_byte_for_byte_as_before(sample_public):
    compared = 0
    for path in sorted(GOLDEN.glob("*.json")):
        village = path.stem
        assert village not in sample_public.money
        assert sample_public.outputs[village].data == path.read_bytes(), village
        compared += 1
    assert compared == 3  # xinjie, hexi, taoyuan: the samples' villages with expenses only


def test_a_journal_village_with_income_is_a_shouzhi_village(sample_public):
    data = sample_public.outputs["qianjin"].data
    doc = json.loads(data)
    assert {"income", "flows", "balances", "income_total"} <= set(doc)
    assert doc["income_total"] == f"{sum(Decimal(i['amount']) for i in doc['income']):.2f}"
    assert [i["seq"] for i in doc["income"]] == [f"收{n}" for n in range(1, len(doc["income"]) + 1)]
    assert [f["seq"] for f in doc["flows"]] == [f"其{n}" for n in range(1, len(doc["flows"]) + 1)]
    for record in doc["income"]:
        assert set(record) == set(INCOME_FIELDS)
    for record in doc["flows"]:
        assert set(record) == set(FLOW_FIELDS)
    assert set(doc["balances"]) == {"cash", "bank", "accrued"}
    # the columns' movements are the lines' and expenses' own: recomputed here independently
    moved_in = sum(Decimal(i["amount"]) for i in doc["income"] if i["method"] != "挂账")
    column_income = sum(Decimal(doc["balances"][c]["income"]) for c in ("cash", "bank"))
    assert moved_in == column_income
    expense_total = sum(Decimal(e["amount"]) for e in doc["expenses"] if e["method"] != "挂账")
    assert expense_total == sum(Decimal(doc["balances"][c]["expense"]) for c in ("cash", "bank"))


DAY = dt.date(2026, 10, 9)


def _line(kind, amount, row, **kw):
    return MoneyLine(village="v", file="f.xlsx", sheet="S", row=row, date=DAY, voucher=f"记-{row}",
                     summary=kw.pop("summary", "摘要"), amount=Decimal(amount), kind=kind, **kw)


LINES = [
    _line("income", "5000.00", 3, column="bank", category="补助收入", payer="镇财政所 13812345678", method="银行"),
    _line("income", "120.50", 2, column="cash", category="经营收入", payer="=cmd()", method="现金"),
    _line("income", "300.00", 4, column="", category="经营收入", method="挂账"),
    _line("other-in", "1200.00", 5, column="cash", flow_type="一事一议", method="现金"),
    _line("other-out", "800.00", 6, column="bank", flow_type="工资劳务", method="银行"),
    _line("transfer", "1000.00", 7, column="cash", source="bank"),
]
BALANCES = [Balance(village="v", column="cash", opening=Decimal("100.00"), closing=Decimal("2420.50"),
                    source="cash-journal"),
            Balance(village="v", column="bank", opening=Decimal("9000.00"), closing=Decimal("12200.00"),
                    source="bank-journal")]


def _view():
    config = load_config(SAMPLES)
    return build_village_view(public_expenses([], None), township=township_of(config), village_id="v",
                              village_name="测试村", year=2026, month=10, publication_date=TODAY,
                              ytd_income_before=Decimal("1000.00"), **public_money(LINES, [], BALANCES))


def test_view_of_a_shouzhi_village():
    view = _view()
    assert view.is_money and view.title == "测试村2026年10月财务收支明细公开表"
    assert [i.seq for i in view.income] == ["收1", "收2", "收3"]
    assert [i.amount for i in view.income] == [Decimal("120.50"), Decimal("5000.00"), Decimal("300.00")]
    assert view.income_total == Decimal("5420.50") and view.ytd_income == Decimal("6420.50")
    assert view.income[1].payer == "镇财政所 138****5678"  # masked as SPEC 5.6 says
    assert [(f.seq, f.type, f.direction) for f in view.flows] == [
        ("其1", "一事一议", "收"), ("其2", "工资劳务", "付"), ("其3", "内部转账", "收")]  # 提现: into cash
    assert view.flows[2].method == "银行→现金"
    assert (view.flows_in_total, view.flows_out_total) == (Decimal("1200.00"), Decimal("800.00"))
    cash, bank = view.funds.cash, view.funds.bank
    # 100 + 120.50 + 1200 + 1000 = 2420.50; 9000 + 5000 − 800 − 1000 = 12200
    assert cash.computed_closing == cash.closing == Decimal("2420.50")
    assert bank.computed_closing == bank.closing == Decimal("12200.00")
    assert view.funds.accrued_income == Decimal("300.00")


def test_expenses_json_round_trip_of_a_shouzhi_village():
    view = _view()
    data = expenses_json(view)
    doc = json.loads(data)
    assert doc["income_total"] == "5420.50"
    assert doc["balances"]["cash"] == {"opening": "100.00", "income": "120.50", "expense": "0.00",
                                       "other_in": "1200.00", "other_out": "0.00", "transfer": "1000.00",
                                       "closing": "2420.50"}
    assert doc["balances"]["accrued"] == {"income": "300.00", "expense": "0.00"}
    assert doc["flows"][2] == {"seq": "其3", "date": "2026-10-09", "voucher": "记-7", "summary": "摘要",
                               "type": "内部转账", "direction": "收", "amount": "1000.00", "method": "银行→现金"}
    again = build_village_view((), township=view.township, village_id="v", village_name="测试村", year=2026,
                               month=10, publication_date=TODAY, **money_from_json(data))
    assert expenses_json(again) == data
    assert money_from_json(expenses_json(build_village_view((), township=view.township, village_id="v",
                                                            village_name="测试村", year=2026, month=10,
                                                            publication_date=TODAY))) == {}


def test_income_and_flows_csv():
    view = _view()
    raw = income_csv(view)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0] == list(INCOME_FIELDS)
    assert [r[0] for r in rows[1:]] == ["收1", "收2", "收3"]
    assert rows[1][INCOME_FIELDS.index("payer")] == "'=cmd()"  # neutralised
    assert sum(Decimal(r[INCOME_FIELDS.index("amount")]) for r in rows[1:]) == view.income_total
    rows = list(csv.reader(io.StringIO(flows_csv(view)[3:].decode("utf-8"))))
    assert rows[0] == list(FLOW_FIELDS)
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [("其1", "收", "1200.00"), ("其2", "付", "800.00"),
                                                      ("其3", "收", "1000.00")]


def test_publish_writes_income_and_flows_for_shouzhi_villages_only(tmp_path):
    ws = tmp_path / "ws"
    sample_workspace(ws)
    result = run_publish(load_config(ws), month="2026-10", today=TODAY)
    outcome = {o.village_id: o.outcome for o in result.outcomes}
    assert outcome["qianjin"] == outcome["dongfeng"] == outcome["shuanglong"] == "new"
    month = ws / "site" / "2026-10"
    assert (month / "qianjin" / "income.csv").is_file() and (month / "qianjin" / "flows.csv").is_file()
    doc = json.loads((month / "qianjin" / "expenses.json").read_bytes())
    assert "income" in doc
    for vid in ("xinjie", "hexi", "taoyuan"):
        assert not (month / vid / "income.csv").exists()
        assert (month / vid / "expenses.json").read_bytes() == (GOLDEN / f"{vid}.json").read_bytes()

"""`villagefin init DIR` (SPEC 8): a commented villagefin.toml that loads, folders, the template; no overwrite."""

from __future__ import annotations

import re
import sys

import openpyxl
import pytest

from villagefin.config import Config, load_config
from villagefin.errors import UsageError
from villagefin.template import FUNDS_SHEET, GUIDE_SHEET, INCOME_SHEET, LEDGER_SHEET
from villagefin.workspace import TEMPLATE_NAME, init_workspace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SPEC_KEYS = {
    "township": {"name", "county", "supervision_phone", "portal_url", "publication_day"},
    "publication": {"paper", "orientation", "font", "require_review"},
    "queries": {"reply_days"},
    "rules": {"cash_limit", "resolution_threshold", "split_window_days", "vague_terms", "min_summary_chars"},
    "chart": {"system", "extra"},
}
VILLAGE_KEYS = {"id", "name", "ledgers", "receipts", "publish_receipts"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_init_creates_workspace_that_loads(tmp_path):
    root = tmp_path / "新街镇工作目录"
    created = init_workspace(root, township="新街镇")
    toml = root / "villagefin.toml"
    assert toml in created and (root / "ledgers" / "xinjie") in created
    assert (root / "ledgers" / "xinjie" / "receipts").is_dir()
    assert (root / TEMPLATE_NAME) in created
    config = load_config(toml)
    assert config.township.name == "新街镇"
    assert [(v.id, v.name, v.ledgers, v.receipts) for v in config.villages] == [
        ("xinjie", "新街村", ("ledgers/xinjie/*.xlsx",), "ledgers/xinjie/receipts")]
    assert config.rules == Config().rules and config.chart.system == "auto"
    # SPEC 13: a new workspace gates publication on the committee's review; everything else is the default
    assert config.publication.require_review is True
    assert config.publication.paper == Config().publication.paper and config.publication.font == ""
    assert config.queries.reply_days == 10


def test_every_key_is_present_and_explained_in_chinese(tmp_path):
    init_workspace(tmp_path / "ws")
    text = (tmp_path / "ws" / "villagefin.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for table, keys in SPEC_KEYS.items():
        assert set(data[table]) == keys
    assert set(data["villages"][0]) == VILLAGE_KEYS
    lines = text.splitlines()
    for n, line in enumerate(lines):
        match = re.match(r"^(\w+) = ", line)
        if match:
            assert lines[n - 1].startswith("#") and CJK.search(lines[n - 1]), f"key {match.group(1)} is not explained"
    assert "extra = [{code" in text  # the [chart] extra example, commented


def test_township_name_is_escaped(tmp_path):
    init_workspace(tmp_path / "ws", township='新"街\\镇')
    assert load_config(tmp_path / "ws").township.name == '新"街\\镇'


def test_template_is_outside_the_ledger_glob(tmp_path):
    init_workspace(tmp_path / "ws")
    wb = openpyxl.load_workbook(tmp_path / "ws" / TEMPLATE_NAME)
    assert wb.sheetnames == [LEDGER_SHEET, INCOME_SHEET, FUNDS_SHEET, GUIDE_SHEET]
    # a blank template must not count as this month's ledger of the example village
    assert list((tmp_path / "ws" / "ledgers" / "xinjie").glob("*.xlsx")) == []


def test_init_refuses_to_overwrite(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    toml = root / "villagefin.toml"
    toml.write_text('[township]\nname = "我改过的"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="已经存在"):
        init_workspace(root, township="别的镇")
    assert toml.read_text(encoding="utf-8") == '[township]\nname = "我改过的"\n'


def test_init_into_an_existing_folder_keeps_its_files(tmp_path):
    (tmp_path / "ledgers" / "xinjie").mkdir(parents=True)
    kept = tmp_path / "ledgers" / "xinjie" / "十月.xlsx"
    kept.write_bytes(b"x")
    created = init_workspace(tmp_path)
    assert kept.read_bytes() == b"x"
    assert tmp_path not in created and (tmp_path / "ledgers" / "xinjie") not in created


def test_init_on_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(UsageError):
        init_workspace(target)

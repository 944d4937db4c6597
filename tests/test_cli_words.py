"""Everyday words (SPEC 16): --month as people write it, and click's own texts in Chinese, through click's
CliRunner on the real `villagefin` group."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from villagefin.commands import cli
from villagefin.ledgers import parse_month, shanghai_today
from villagefin.model import Period

TODAY = dt.date(2026, 12, 3)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="villagefin", terminal_width=100)


@pytest.mark.parametrize("text, expected", [
    ("2026-11", (2026, 11)), ("2026/11", (2026, 11)), ("2026.11", (2026, 11)), ("202611", (2026, 11)),
    ("2026年11月", (2026, 11)), ("11月", (2026, 11)), ("２０２６年１１月", (2026, 11)), (" 2026-11 ", (2026, 11)),
    ("2026-1", (2026, 1)), ("2026年3月份", (2026, 3)),
    ("12月", (2026, 12)),  # the year of the last ended month (November 2026), not a guess about December
])
def test_month_as_people_write_it(text, expected):
    assert Period.parse(text, TODAY) == Period(*expected)
    assert parse_month(text, TODAY) == Period(*expected)


def test_a_month_alone_takes_the_year_of_the_last_ended_month():
    assert Period.parse("12月", dt.date(2027, 1, 5)) == Period(2026, 12)  # last ended: December 2026
    assert Period.parse("1月", dt.date(2027, 1, 5)) == Period(2026, 1)
    assert Period.parse("1月", dt.date(2027, 2, 1)) == Period(2027, 1)


@pytest.mark.parametrize("text", ["2026-13", "13月", "0月", "2026", "20261", "2026-11-05", "十一月份x", "abc", ""])
def test_what_is_no_month(text):
    assert Period.parse(text, TODAY) is None


@pytest.mark.parametrize("month", ["2026/10", "2026.10", "202610", "2026年10月"])
def test_check_takes_the_month_in_any_written_form(tmp_path, write_xlsx, month):
    from conftest import HEADER, expense_row

    path = write_xlsx([HEADER, expense_row(8, "记-001", "购买办公用打印纸10包", 10)])
    result = run("check", str(path), "--month", month, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["period"] == "2026-10"


def test_a_month_word_alone_is_read_in_the_year_of_the_last_ended_month(tmp_path, write_xlsx):
    from conftest import HEADER, expense_row

    last = Period.last_ended(shanghai_today())
    row = expense_row(8, "记-001", "购买办公用打印纸10包", 10, month=last.month)
    row[0] = dt.date(last.year, last.month, 8)
    path = write_xlsx([HEADER, row])
    assert run("check", str(path), "--month", f"{last.month}月").exit_code == 0
    wrong_year = run("check", str(path), "--month", f"{last.year - 1}年{last.month}月")
    assert wrong_year.exit_code == 1  # the date is outside that month: so the month word was read as `last`


def test_a_month_that_is_none_is_a_chinese_usage_error():
    result = run("check", "--month", "2026-13")
    assert result.exit_code == 2
    assert "「2026-13」看不懂" in result.output and "2026年10月" in result.output
    assert "Usage" not in result.output and "Error" not in result.output


ENGLISH = re.compile(r"Usage|Options|Commands|Show this|Error|Did you mean|No such|Missing|Invalid|default:|"
                     r"required|Got unexpected|is not|Try '")


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], ["check", "--help"], ["publish", "--help"],
                                  ["serve", "--help"], ["template", "--help"], ["init", "--help"]])
def test_help_pages_are_in_chinese(args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("用法：villagefin")
    assert "选项：" in result.output and "显示本帮助并退出。" in result.output
    assert not ENGLISH.search(result.output), result.output
    if not args or args[0].startswith("-"):
        assert "命令：" in result.output and "显示版本号并退出。" in result.output


@pytest.mark.parametrize("args, words", [
    (["chek"], "没有命令「chek」，您是不是要用 check？"),
    (["stauts"], "您是不是要用 status？"),
    (["check", "--mnth", "2026-10"], "没有选项 --mnth，您是不是要用 --month？"),
    (["check", "--bogus"], "没有选项 --bogus"),
    (["template"], "缺少必需的选项 -o / --output"),
    (["init"], "缺少必需的参数 DIRECTORY"),
    (["init", "a", "b"], "多余的参数：b"),
    (["check", "--month"], "选项 --month 后面缺少值"),
    (["publish", "--preview=yes"], "选项 --preview 不带值"),
    (["check", "--format", "xml"], "「xml」不可用，只能是 text、json"),
    (["serve", "--port", "0"], "--port 的值不对：0 不在 1 到 65535 之间"),
    (["serve", "--port", "65536"], "65536 不在 1 到 65535 之间"),
    (["serve", "--port", "http"], "「http」不是整数"),
])
def test_usage_errors_are_one_chinese_line_and_exit_2(args, words):
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("用法错误：") and words in lines[0], result.output
    assert not ENGLISH.search(result.output), result.output
    command = "villagefin" if args[0] in ("chek", "stauts") else f"villagefin {args[0]}"
    assert f"运行 {command} --help 查看用法" in lines[0]


def test_serve_port_range_is_checked_before_anything_runs(tmp_path):
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    result = run("serve", "--out", str(tmp_path), "--port", "99999")
    assert result.exit_code == 2 and "网站地址" not in result.output

"""money.py: the one door for amounts (SPEC 3.3, 4.1) and 人民币大写 (SPEC 5.3)."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from villagefin.money import AmountError, D, capitals, display, parse_amount, plain

# ----------------------------------------------------------------------------------------- parse_amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # numbers as readers hand them over
        (1234, "1234.00"),
        (-5, "-5.00"),
        (1234.5, "1234.50"),
        (1234.5000000001, "1234.50"),  # float noise (SPEC 3.3)
        (0.1 + 0.2, "0.30"),
        (1234.4999999999, "1234.50"),
        (99.99, "99.99"),
        (-123.0, "-123.00"),
        (0.0, "0.00"),
        (-0.0, "0.00"),
        (1e-9, "0.00"),
        (Decimal("12.3"), "12.30"),
        (Decimal("12.340"), "12.34"),
        (Decimal("1E+3"), "1000.00"),
        # text as ledgers hold it
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567.8", "1234567.80"),
        ("¥1234.5", "1234.50"),
        ("￥1234.50元", "1234.50"),
        ("1234.50 元", "1234.50"),
        ("１，２３４．５０", "1234.50"),
        ("￥１２３４．５", "1234.50"),
        ("(123.00)", "-123.00"),
        ("（123.00）", "-123.00"),
        ("(¥1,234.50)", "-1234.50"),
        ("-123", "-123.00"),
        ("−123", "-123.00"),  # U+2212 minus sign
        ("－123.4", "-123.40"),  # full-width hyphen-minus
        ("-¥1,234.50", "-1234.50"),
        ("¥-1,234.50", "-1234.50"),
        ("+12", "12.00"),
        ("  88.8  ", "88.80"),
        ("\u3000１００\u3000", "100.00"),  # ideographic spaces
        ("12.340", "12.34"),
        ("12.3400000001", "12.34"),  # float noise written out as text by some exporter
        (".5", "0.50"),
        ("0", "0.00"),
        ("-0.00", "0.00"),
        ("RMB 12", "12.00"),
        ("人民币12.00元", "12.00"),
    ],
)
def test_parse_amount_accepts(value: object, expected: str) -> None:
    amount = parse_amount(value)
    assert amount == Decimal(expected)
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2, "always quantised to exactly two places"
    assert str(amount) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "\t\n"])
def test_parse_amount_blank_is_none(value: object) -> None:
    assert parse_amount(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12.345", "超过两位小数"),
        ("0.001", "超过两位小数"),
        ("1,234.567", "超过两位小数"),
        (12.345, "超过两位小数"),
        (0.005, "超过两位小数"),
        (1234.50001, "超过两位小数"),  # 0.00001 away: more than the 0.000001 of float noise
        (Decimal("1.005"), "超过两位小数"),
        ("十二元", "无法识别为金额"),
        ("abc", "无法识别为金额"),
        ("1.2.3", "无法识别为金额"),
        ("12 34", "无法识别为金额"),
        ("1,23", "无法识别为金额"),  # a decimal comma is ambiguous: refused
        ("1234,5", "无法识别为金额"),
        ("(123", "无法识别为金额"),
        ("(-123)", "无法识别为金额"),
        ("--5", "无法识别为金额"),
        ("1e3", "无法识别为金额"),
        ("NaN", "无法识别为金额"),
        ("12²", "无法识别为金额"),
        (float("nan"), "不是有限数"),
        (float("inf"), "不是有限数"),
        (float("-inf"), "不是有限数"),
        (Decimal("NaN"), "不是有限数"),
        (Decimal("Infinity"), "不是有限数"),
        (True, "是逻辑值，不是数字"),
        (False, "是逻辑值，不是数字"),
        (object(), "无法识别为金额"),
    ],
)
def test_parse_amount_refuses(value: object, reason: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(value)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == f"金额「{caught.value.value}」{reason}"


def test_amount_error_names_the_value_briefly() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("12.345")
    assert caught.value.value == "12.345"
    assert str(caught.value) == "金额「12.345」超过两位小数"
    with pytest.raises(AmountError) as caught:
        parse_amount(True)
    assert caught.value.value == "TRUE"
    with pytest.raises(AmountError) as caught:
        parse_amount("这是一段很长很长很长很长很长很长很长很长很长的文字")
    assert len(caught.value.value) <= 24
    assert caught.value.value.endswith("…")


def test_a_card_number_in_the_amount_column_is_refused() -> None:
    # 16 to 19 digits typed (or pasted) into the amount column: a float a trillion times too big
    for value in (6222021234567890.0, "6222021234567890123", 10**12):
        with pytest.raises(AmountError) as caught:
            parse_amount(value)
        assert "数额过大" in caught.value.reason
    assert parse_amount(999_999_999_999) == Decimal("999999999999.00")


def test_float_is_converted_through_its_shortest_repr() -> None:
    # the binary value of 0.15 is 0.1499999999999999944...; its repr "0.15" is what the sheet showed
    assert parse_amount(0.15) == Decimal("0.15")
    assert parse_amount(1.005 * 1000) == Decimal("1005.00")  # 1004.9999999999999 is float noise
    # 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary: its repr has a real third
    # decimal, so it is refused rather than rounded either way
    with pytest.raises(AmountError):
        parse_amount(2.675)


# ------------------------------------------------------------------------------------------ D, plain...


def test_d_literal() -> None:
    assert D("1234.5") == Decimal("1234.50")
    assert D(7) == Decimal("7.00")
    assert D("1,234.50") == Decimal("1234.50")
    assert D("-0") == Decimal("0.00")
    with pytest.raises(TypeError):
        D(1.5)  # type: ignore[arg-type]
    with pytest.raises(AmountError):
        D("")
    with pytest.raises(AmountError):
        D("1.234")


@pytest.mark.parametrize(
    ("amount", "as_plain", "as_display"),
    [
        ("1234.5", "1234.50", "1,234.50"),
        ("-123", "-123.00", "-123.00"),
        ("-1234567.89", "-1234567.89", "-1,234,567.89"),
        ("0", "0.00", "0.00"),
        ("999", "999.00", "999.00"),
        ("1000", "1000.00", "1,000.00"),
        ("100000000", "100000000.00", "100,000,000.00"),
    ],
)
def test_plain_and_display(amount: str, as_plain: str, as_display: str) -> None:
    assert plain(D(amount)) == as_plain
    assert display(D(amount)) == as_display


def test_plain_and_display_never_show_negative_zero() -> None:
    assert plain(Decimal("-0.00")) == "0.00"
    assert display(Decimal("-0")) == "0.00"
    assert plain(Decimal("12.3")) == "12.30"


# ------------------------------------------------------------------------------------------- capitals


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.55", "伍角伍分"),
        ("1", "壹元整"),
        ("10.00", "壹拾元整"),
        ("15.00", "壹拾伍元整"),
        ("100.10", "壹佰元零壹角整"),
        ("1004.50", "壹仟零肆元伍角整"),
        ("10000.00", "壹万元整"),
        ("10010.00", "壹万零壹拾元整"),
        ("100000.10", "壹拾万元零壹角整"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("200080.07", "贰拾万零捌拾元零柒分"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("100000000.00", "壹亿元整"),
        ("100000010.00", "壹亿零壹拾元整"),
        ("100001000.00", "壹亿零壹仟元整"),
        ("1000000.00", "壹佰万元整"),
        ("10001000.00", "壹仟万壹仟元整"),
        ("1070000000.00", "壹拾亿柒仟万元整"),
        ("210000000.00", "贰亿壹仟万元整"),
        ("105000000.00", "壹亿零伍佰万元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        # the examples of 《正确填写票据和结算凭证的基本规定》 itself
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # reversals
        ("-0.50", "负伍角整"),
        ("-15", "负壹拾伍元整"),
        ("-1680.32", "负壹仟陆佰捌拾元零叁角贰分"),
        ("-200080.07", "负贰拾万零捌拾元零柒分"),
    ],
)
def test_capitals(amount: str, expected: str) -> None:
    assert capitals(D(amount)) == expected


def test_capitals_never_writes_both_optional_zeros() -> None:
    # SPEC 5.3: 壹拾万零柒仟元零伍角叁分 is wrong; the rule's first form is ours
    assert capitals(D("107000.53")) != "壹拾万零柒仟元零伍角叁分"
    assert capitals(D("-107000.53")) == "负壹拾万柒仟元零伍角叁分"


def test_capitals_negative_zero_and_rounding() -> None:
    assert capitals(Decimal("-0.00")) == "零元整"
    assert capitals(Decimal("12.345")) == "壹拾贰元叁角伍分"  # rounded half up to cents first
    with pytest.raises(ValueError):
        capitals(Decimal("NaN"))


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_N = "[壹贰叁肆伍陆柒捌玖]"
_ALLOWED = re.compile(
    rf"负?(?:零元整|(?:[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元)?(?:零?{_N}角)?(?:零?{_N}分)?整?)"
)
# 壹拾万零柒仟 (万位 0, 千位 not) or 壹拾亿零柒仟万 (亿位 0, 千万位 not); not 壹佰亿零伍仟捌佰 (empty 万 group)
_OPTIONAL_GROUP_ZERO = re.compile(rf"[拾佰仟]万零{_N}仟|[拾佰仟]亿零{_N}仟[^万]*万")
_OPTIONAL_YUAN_ZERO = re.compile(rf"元零{_N}角")  # 捌拾元零叁角: 元位 0, 角位 not


def _from_capitals(text: str) -> Decimal:
    """Read 大写 back into a number (for amounts below 一万亿), independently of the module."""
    negative = text.startswith("负")
    text = text.removeprefix("负").removesuffix("整")
    yuan_text, _, fraction = text.rpartition("元")
    total, section, number = 0, 0, 0
    for char in yuan_text:
        if char in _DIGITS:
            number = _DIGITS.index(char)
        elif char in "拾佰仟":
            section += number * {"拾": 10, "佰": 100, "仟": 1000}[char]
            number = 0
        elif char == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
        elif char == "万":
            total += (section + number) * 10**4
            section = number = 0
    cents = (total + section + number) * 100
    for match in re.finditer(f"({_N})([角分])", fraction):
        cents += _DIGITS.index(match[1]) * (10 if match[2] == "角" else 1)
    value = Decimal(cents) / 100
    return -value if negative else value


def _expected_zeros(cents: int) -> int:
    """How many 零 our style writes, reckoned from digit positions rather than by the module's recursion."""
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    digits = str(yuan) if yuan else ""
    count = 0
    i = 0
    while i < len(digits):
        if digits[i] != "0":
            i += 1
            continue
        j = i
        while j < len(digits) and digits[j] == "0":
            j += 1
        if j < len(digits):  # a run of zeros between two digits
            top, low = len(digits) - 1 - i, len(digits) - j  # positions counted from 元位 = 0
            # optional (not written): the run ends at 万位/亿位, and the digit above it is in the same group
            optional = low in (4, 8) and top + 1 <= low + 3
            count += not optional
        i = j
    if yuan and jiao and yuan % 10 == 0:
        count += 1  # optional 零 at 元位: written
    if yuan and not jiao and fen:
        count += 1  # mandatory: 角位 0, 分位 not
    return count


def _random_cents(rng: random.Random) -> int:
    length = rng.randint(0, 12)
    zero_bias = rng.choice((0.2, 0.5, 0.8))
    digits = "".join("0" if rng.random() < zero_bias else str(rng.randint(1, 9)) for _ in range(length))
    cents = "".join("0" if rng.random() < zero_bias else str(rng.randint(1, 9)) for _ in range(2))
    return int((digits or "0") + cents)


def test_capitals_property_many_random_amounts() -> None:
    rng = random.Random(20261105)
    for _ in range(5000):
        cents = _random_cents(rng)
        amount = Decimal(cents) / 100
        for signed in (amount, -amount):
            text = capitals(signed)
            assert _ALLOWED.fullmatch(text), (signed, text)
            assert "零零" not in text, (signed, text)
            assert not text.endswith("分整"), (signed, text)
            assert text.endswith("整") != text.endswith("分"), (signed, text)
            assert not (_OPTIONAL_GROUP_ZERO.search(text) and _OPTIONAL_YUAN_ZERO.search(text)), text
            assert not re.search(r"(^|负|零|[万亿元])拾", text), (signed, text)  # 拾 always has its 壹
            assert "零元" not in text or text == "零元整", (signed, text)
            assert text == "零元整" or not re.search(r"零[万亿元角分]", text), (signed, text)
            assert _from_capitals(text) == (signed if cents else 0), (signed, text)
            if cents:
                assert text.startswith("负") == (signed < 0)
                assert text.count("零") == _expected_zeros(cents), (signed, text)


def test_property_checks_catch_wrong_forms() -> None:
    # the checks above would catch these mistakes
    both = "壹拾万零柒仟元零伍角叁分"
    assert _OPTIONAL_GROUP_ZERO.search(both) and _OPTIONAL_YUAN_ZERO.search(both)
    assert "贰拾万捌拾元零柒分".count("零") != _expected_zeros(20008007)  # mandatory 零 missing
    assert "壹仟陆佰捌拾元叁角贰分".count("零") != _expected_zeros(168032)  # another style than ours
    assert _from_capitals("壹万零壹拾元整") == Decimal("10010")
    assert _from_capitals("负壹亿零伍佰万元零伍分") == Decimal("-105000000.05")

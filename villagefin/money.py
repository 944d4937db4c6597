"""One door for money: cell values → `Decimal`, and `Decimal` → text (plain, with separators, 人民币大写).

Nothing else in villagefin parses or formats amounts. Every amount that leaves this module is a
`Decimal` quantised to exactly two places (``Decimal("0.01")``); no float ever holds an amount after
`parse_amount` (SPEC 3.3).

Readers hand numeric cells over as binary floats. Each is converted once, through its shortest repr
(``repr(1234.5000000001)`` → ``"1234.5000000001"``), to a Decimal; a value within 0.000001 of a
two-decimal amount is that amount, anything else has a real third decimal and is refused. The same
tolerance applies to text, so a CSV written by a program that printed float noise reads the same.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "ZERO",
    "AmountError",
    "D",
    "capitals",
    "display",
    "parse_amount",
    "plain",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: amounts must be smaller than this (one trillion yuan, 一万亿元): anything larger in a village ledger is a
#: card or ID number typed into the amount column, and would not fit a cell of the sheet anyway
MAX_AMOUNT = Decimal(10) ** 12
#: float noise tolerance (SPEC 3.3): within this of a two-decimal amount means that amount
_TOLERANCE = Decimal("0.000001")
#: floats below this (in size) with at most two decimals are read without the checks of `_checked`
_FLOAT_FAST = 1e11

REASON_UNREADABLE = "无法识别为金额"
REASON_DECIMALS = "超过两位小数"
REASON_NOT_FINITE = "不是有限数"
REASON_BOOL = "是逻辑值，不是数字"
REASON_TOO_LARGE = "数额过大（须小于一万亿元），可能误填了卡号或证件号"


class AmountError(ValueError):
    """A value that is not a usable amount.

    `reason` is a short Chinese phrase that reads after 金额「{value}」 (e.g. "超过两位小数");
    `value` is a short excerpt of the offending value, as the user would recognise it.
    """

    def __init__(self, reason: str, value: object = "") -> None:
        self.reason = reason
        self.value = _excerpt(value)
        super().__init__(f"金额「{self.value}」{reason}")


def _excerpt(value: object, limit: int = 24) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel and WPS show it
    text = repr(value) if isinstance(value, float) else str(value)
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Full-width ASCII (U+FF01..U+FF5E) → ASCII; the various spaces, minus signs and yuan signs → one each.
# A translate table rather than NFKC: NFKC would also turn "12²" into "122".
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORMALISE.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x202F: " ",
        0x2009: " ",
        0x2212: "-",  # minus sign
        0x2012: "-",
        0x2013: "-",
        0x2014: "-",
        0xFE63: "-",
        0xFFE5: "¥",  # full-width yuan sign
        0x3002: ".",  # ideographic full stop typed as a decimal point by a Chinese IME
    }
)

_CURRENCY = r"(?:¥|RMB|CNY|人民币)"
_AMOUNT_RE = re.compile(
    rf"""
    (?P<cur1>{_CURRENCY})?\s*
    (?P<open>\()?\s*
    (?P<sign1>[-+])?\s*
    (?P<cur2>{_CURRENCY})?\s*
    (?P<sign2>[-+])?\s*
    (?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
    \s*(?P<unit1>元)?\s*
    (?P<close>\))?\s*
    (?P<unit2>元)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PLAIN_RE = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?")


def parse_amount(value: object) -> Decimal | None:
    """The amount a cell holds, quantised to two places; None for a blank cell.

    Accepts int, float (float noise tolerated, see the module docstring), Decimal and text such as
    "1,234.50", "¥1234.5", "￥1234.50元", "１，２３４．５０", "(123.00)" / "（123.00）" (= −123.00), "−123".
    Zero is returned as ``Decimal("0.00")``: whether zero is acceptable is the caller's decision.
    Raises `AmountError` for anything else (text that is not a number, a real third decimal, NaN or
    infinity, True/False, an absurdly large number).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(REASON_BOOL, value)
    if isinstance(value, float):
        return _from_float(value)
    if isinstance(value, str):
        return _from_text(value)
    if isinstance(value, int):
        return _checked(Decimal(value), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(REASON_NOT_FINITE, value)
        return _checked(value, value)
    # numpy and other numeric types register with the numbers ABCs
    if isinstance(value, numbers.Integral):
        return _checked(Decimal(int(value)), value)
    if isinstance(value, numbers.Real):
        return _from_float(float(value))
    raise AmountError(REASON_UNREADABLE, value)


def _from_float(value: float) -> Decimal:
    text = repr(value)
    # the common case, a number shown with at most two decimals and far from the limit: exact in cents
    if -_FLOAT_FAST < value < _FLOAT_FAST:
        dot = text.find(".")
        if 0 < dot >= len(text) - 3 and "e" not in text:
            cents = Decimal(text).quantize(CENT)
            return cents if cents else ZERO  # also turns -0.00 into 0.00
    if not math.isfinite(value):
        raise AmountError(REASON_NOT_FINITE, value)
    # the shortest repr is the number the spreadsheet showed, not the binary expansion
    return _checked(Decimal(text), value)


def _from_text(value: str) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    if _PLAIN_RE.fullmatch(text):  # fast path: what most cells and CSV fields hold
        return _checked(Decimal(text), value)
    text = text.translate(_NORMALISE).strip()
    match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        if not text:
            return None
        raise AmountError(REASON_UNREADABLE, value)
    parts = match.groupdict()
    has_sign = parts["sign1"] is not None or parts["sign2"] is not None
    if (
        (parts["open"] is None) != (parts["close"] is None)
        or (parts["sign1"] is not None and parts["sign2"] is not None)
        or (parts["cur1"] is not None and parts["cur2"] is not None)
        or (parts["unit1"] is not None and parts["unit2"] is not None)
        or (parts["open"] is not None and has_sign)  # "(-123)" is no accountant's notation
    ):
        raise AmountError(REASON_UNREADABLE, value)
    number = Decimal(parts["num"].replace(",", ""))
    if parts["open"] is not None or "-" in (parts["sign1"], parts["sign2"]):
        number = -number
    return _checked(number, value)


def _checked(number: Decimal, original: object) -> Decimal:
    """Quantise `number` to cents, refusing a real third decimal and absurd sizes."""
    if abs(number) >= MAX_AMOUNT:
        raise AmountError(REASON_TOO_LARGE, original)
    try:
        cents = number.quantize(CENT, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # pragma: no cover - guarded by MAX_AMOUNT
        raise AmountError(REASON_UNREADABLE, original) from None
    if cents != number and abs(number - cents) > _TOLERANCE:
        raise AmountError(REASON_DECIMALS, original)
    if not cents:
        return ZERO  # also turns -0.00 into 0.00
    return cents


def D(text: str | int) -> Decimal:
    """An amount literal for code and tests: ``D("1234.5") == Decimal("1234.50")``.

    Goes through `parse_amount`, so it accepts the same text; floats are refused on purpose.
    """
    if isinstance(text, float) or not isinstance(text, (str, int)) or isinstance(text, bool):
        raise TypeError(f"D() takes str or int, not {type(text).__name__}")
    amount = parse_amount(text)
    if amount is None:
        raise AmountError(REASON_UNREADABLE, text)
    return amount


def _cents(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return cents if cents else ZERO


def plain(amount: Decimal) -> str:
    """Two decimals, sign, no separator: "1234.50", "-123.00" (JSON, CSV)."""
    return f"{_cents(amount):f}"


def in_sentence(amount: Decimal) -> str:
    """An amount inside a sentence (a limit, not a column): 1000 → "1,000"; 1000.50 → "1,000.5"."""
    return f"{amount.normalize():,f}"


def display(amount: Decimal) -> str:
    """Two decimals with thousands separators: "1,234.50", "-123.00" (sheets and pages)."""
    return f"{_cents(amount):,.2f}"


# ---------------------------------------------------------------------------------------------------
# 人民币大写 (SPEC 5.3)
#
# Source: 中国人民银行《支付结算办法》(银发〔1997〕393号) 附件一《正确填写票据和结算凭证的基本规定》:
#   * 中文大写金额数字用 壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分零整(正).
#   * 到"元"为止的，在"元"之后应写"整"字；在"角"之后可以不写"整"字 (we write it: 伍角整)；
#     有"分"的，"分"后面不写"整"字。
#   * 零的写法:
#     (一) 数字中间有"0"时要写"零"字: ¥1,409.50 → 壹仟肆佰零玖元伍角;
#     (二) 中间连续有几个"0"时可以只写一个"零"字: ¥6,007.14 → 陆仟零柒元壹角肆分;
#     (三) 万位或元位是"0"，或数字中间连续有几个"0"而万位、元位也是"0"，但千位、角位不是"0"时，
#          可以只写一个"零"字，也可以不写: ¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分 或 壹仟陆佰捌拾元叁角贰分;
#          ¥107,000.53 → 壹拾万柒仟元零伍角叁分 或 壹拾万零柒仟元伍角叁分;
#     (四) 角位是"0"而分位不是"0"时，"元"后面应写"零"字: ¥16,409.02 → 壹万陆仟肆佰零玖元零贰分.
#
# Our one zero style, the rule's first form in each example of (三):
#   * the optional 零 at 元位 (元位 is 0, 角 is not) is always written: 壹仟陆佰捌拾元零叁角贰分;
#   * the optional 零 at 万位/亿位 (that digit is 0, the digit below it is not, and the same 万/亿 group
#     has a digit above it) is never written: 壹拾万柒仟元零伍角叁分, 壹仟万壹仟元整.
#   So the two optional zeros of (三) never appear together. Every other zero between digits is written
#   (one 零 per run), including a whole empty group: ¥100,001,000.00 → 壹亿零壹仟元整.
#   拾 always has its digit: ¥15.00 → 壹拾伍元整, ¥10,010.00 → 壹万零壹拾元整. Negative: 负 in front.
# ---------------------------------------------------------------------------------------------------

_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_SMALL_UNITS = ("仟", "佰", "拾", "")


def _under_ten_thousand(n: int) -> str:
    """1..9999, one 零 per inner run of zeros, nothing for trailing zeros."""
    parts: list[str] = []
    started = False
    zero_pending = False
    for digit, unit in zip(f"{n:04d}", _CN_SMALL_UNITS, strict=True):
        if digit == "0":
            zero_pending = started
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(_CN_DIGITS[int(digit)] + unit)
        started = True
    return "".join(parts)


def _integer(n: int) -> str:
    """A positive whole number of yuan in capitals (without 元)."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _integer(high) + unit
            if low:
                # low has a leading zero in its span (千位 / 千万位 is 0): a zero between digits, written.
                # Otherwise any zero sits at 万位/亿位 with 千位 non-zero: optional, not written (style).
                if low < size // 10:
                    text += "零"
                text += _integer(low)
            return text
    return _under_ten_thousand(n)


def capitals(amount: Decimal) -> str:
    """人民币大写 of an amount, e.g. ``capitals(D("1680.32")) == "壹仟陆佰捌拾元零叁角贰分"``.

    Without the leading 「人民币」; a caller printing a voucher-style line adds it. Amounts with more
    than two decimals are rounded half up to cents first.
    """
    cents = _cents(amount)
    if cents < 0:
        return "负" + capitals(-cents)
    total = int(cents * 100)
    yuan, rest = divmod(total, 100)
    jiao, fen = divmod(rest, 10)
    if total == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer(yuan) + "元")
    if jiao:
        if yuan and yuan % 10 == 0:
            parts.append("零")  # optional 零 at 元位, rule (三): always written (our style)
        parts.append(_CN_DIGITS[jiao] + "角")
        parts.append(_CN_DIGITS[fen] + "分" if fen else "整")
    elif fen:
        if yuan:
            parts.append("零")  # rule (四): 角位 0, 分位 not
        parts.append(_CN_DIGITS[fen] + "分")
    else:
        parts.append("整")
    return "".join(parts)

"""privacy.mask: citizen IDs, mobile numbers and bank cards never appear in full in public text (SPEC 5.6)."""

from __future__ import annotations

import random
import re

import pytest

from villagefin.privacy import mask

ID = "340123199001011234"
CARD = "6222021234567890123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # citizen IDs: first 6 and last 4 kept
        ("张三身份证340123199001011234领款", "张三身份证340123********1234领款"),
        (ID, "340123********1234"),
        ("34012319900101123X", "340123********123X"),
        ("身份证号：34012319900101123x。", "身份证号：340123********123x。"),
        ("340123 19900101 1234", "340123********1234"),
        ("340123-19900101-1234", "340123********1234"),
        ("领款人李四（340123200002291234）", "领款人李四（340123********1234）"),  # 2000-02-29 exists
        ("３４０１２３１９９００１０１１２３４", "３４０１２３********１２３４"),  # full-width digits
        ("两人：340123199001011234、340123198512311235", "两人：340123********1234、340123********1235"),
        # an 18-digit run whose date cannot be a birth date is no ID; as a 16-19 digit run it is a card
        ("340123199013011234", "****1234"),  # month 13
        ("340123199002301234", "****1234"),  # 30 February
        ("340123190002291234", "****1234"),  # 1900 was not a leap year
        ("340123189912311234", "****1234"),  # year before 1900
        ("340123210001011234", "****1234"),  # year after 2099
        ("34012319901301123X", "****1123X"),  # no ID: its 17-digit run is still a card number
        # letters or digits around: not an ID (SPEC: "not inside a longer run of letters or digits") ...
        ("ABC340123199001011234", "ABC****1234"),  # ... but the 18 digits are still a card number
        ("340123199001011234ABC", "****1234ABC"),
        ("A34012319900101123X", "A****1123X"),
        # mobiles
        ("电话13812345678。", "电话138****5678。"),
        ("13812345678", "138****5678"),
        ("联系人王五13912345678,15012345678", "联系人王五139****5678,150****5678"),
        ("Tel:19912345678", "Tel:199****5678"),
        ("TEL13812345678", "TEL138****5678"),  # letters do not protect a mobile: only digits do
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        # SPEC 18: +86 / 0086 before it, and any of the separators between its groups, mixed
        ("+8613812345678", "+86138****5678"),
        ("电话0086-13812345678", "电话0086-138****5678"),
        ("00861381234５678", "0086138****５678"),
        ("＋８６１３８１２３４５６７８", "＋８６１３８****５６７８"),
        ("138 12345678", "138****5678"),
        ("1381234 5678", "138****5678"),
        ("138-1234 5678", "138****5678"),
        ("138－1234－5678", "138****5678"),
        ("138\u30001234\u30005678", "138****5678"),
        ("手机：+86 138-1234-5678。", "手机：+86 138****5678。"),
        # bank cards: last 4 only
        ("转账至6222021234567890123", "转账至****0123"),
        ("6222021234567890", "****7890"),  # 16 digits
        ("卡号6222 0212 3456 7890 123 王五", "卡号****0123 王五"),
        ("6222-0212-3456-7890", "****7890"),
        ("6222 0212 3456 7890", "****7890"),
        ("6222 0212 3456 7890 1", "****8901"),
        ("６２２２０２１２３４５６７８９０", "****７８９０"),
        ("6222\u30000212\u30003456\u30007890", "****7890"),
        ("6222－0212－3456－7890", "****7890"),
        # an ID with a separator after its 6th and/or 14th character, of any kind
        ("340123 199001011234", "340123********1234"),
        ("34012319900101-1234", "340123********1234"),
        ("340123\u300019900101－123X", "340123********123X"),
        ("误工补贴张三34012319900101123X", "误工补贴张三340123********123X"),
        # all three in one text
        (
            f"李四{ID}，电话13812345678，卡{CARD}",
            "李四340123********1234，电话138****5678，卡****0123",
        ),
    ],
)
def test_mask(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "购买办公用品",
        "支付2026年10月村部电费",
        "2026-10-08 记-012 购买水泥20吨，单价385.50元",
        "监督电话0550-7000000",
        "123456789012",  # 12 digits: nothing
        "12812345678",  # 12x is no mobile prefix
        "11012345678",
        "013812345678",  # a mobile inside a longer digit run
        "8613812345678",
        "90086138123456",  # "0086" inside a longer digit run is no country code
        "2026-11-01",
        "2026年11月 记-0012 金额 13,812.50",
        "记-1381-2345",
        "单价138.12 数量345678",
        "138123456789",
        "12345678901234567890",  # 20 digits: no card
        "123456789012345678901234",
        "622202123456789",  # 15 digits: no card
        "1234 5678 9012 3456 7890",  # 20 digits in groups
        "6222 0212 3456 789",  # 15 digits in groups
        "6222 0212-3456 7890",  # mixed separators are not one grouped number
        "340123 19901301 1234",  # 6-8-4 groups with an impossible date, and no card shape
        "发票号码 04400181234512345678 已核",  # 20-digit run
        "合同编号HT2026100800001",
        "138****5678",  # already masked
        "340123********1234",
        "****0123",
    ],
)
def test_not_masked(text: str) -> None:
    assert mask(text) == text


def test_full_numbers_never_survive() -> None:
    text = f"收款人张三，身份证{ID}，手机13812345678，开户行农商行，卡号{CARD}。"
    masked = mask(text)
    for secret in (ID, "13812345678", CARD, "19900101", "1234567890"):
        assert secret not in masked
    assert masked == "收款人张三，身份证340123********1234，手机138****5678，开户行农商行，卡号****0123。"


def test_idempotent_on_examples() -> None:
    for text in (
        f"李四{ID}，电话13812345678，卡{CARD}",
        "13812345678 9012 3456 7890",
        "1234 5678 9012 3456 13812345678",
        "6222 0212 3456 7890 138 1234 5678",
        "ABC340123199001011234",
        "340123199013011234",
    ):
        once = mask(text)
        assert mask(once) == once, text


_PIECES = (
    ID,
    "34012319900101123X",
    "340123 19900101 1234",
    "13812345678",
    "138 1234 5678",
    CARD,
    "6222 0212 3456 7890",
    "6222-0212-3456-7890-12",
    "340123199013011234",
    "+8613812345678",
    "0086 138－1234\u30005678",
    "340123\u300019900101－1234",
    "6222\u30000212\u30003456\u30007890",
    " ",
    "-",
    "*",
    "X",
    "元",
)
_ALPHABET = "0123456789" * 5 + "  --Xx*A张１３+－\u3000"


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 7)):
        if rng.random() < 0.35:
            parts.append(rng.choice(_PIECES))
        else:
            parts.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 9))))
    return "".join(parts)


_NUMBERISH = re.compile(r"[0-9０-９]")


def test_idempotent_and_conservative_on_random_texts() -> None:
    rng = random.Random(56)
    for _ in range(20000):
        text = _random_text(rng)
        once = mask(text)
        assert mask(once) == once, text
        # masking only ever hides digits or drops separators inside a number: nothing else changes
        assert re.sub(r"[0-9０-９ \-*－\u3000]", "", once) == re.sub(r"[0-9０-９ \-*－\u3000]", "", text), text
        # no 16-19 digit run survives unless it sits inside a longer one
        for run in re.findall(r"[0-9０-９]+", once):
            assert not 16 <= len(run) <= 19, (text, once)


def test_masks_a_number_only_once_in_a_long_text() -> None:
    text = "摘要：" + "；".join(f"领款人{i}号 13{i % 7 + 3}1234567{i % 10}" for i in range(300))
    masked = mask(text)
    assert masked.count("****") == 300
    assert not re.search(r"1[3-9][0-9]{9}", masked)

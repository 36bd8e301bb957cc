"""Tests for contractgen.formats: 人民币大写, Chinese numerals, dates, credit codes and ID numbers.

Known values come from the PBOC standard's own examples and hand-checked cases; properties check the
words against independent formulations (a parser that reads the words back, a digit-run rule for 零,
the "sum including the check character" form of each checksum).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractgen.formats import (
    MAX_AMOUNT,
    DateHasTime,
    annex_number,
    article_number,
    chinese_count,
    chinese_number,
    chinese_ordinal_paren,
    credit_code_problem,
    credit_code_valid,
    format_date,
    format_money,
    id_number_problem,
    money_words,
    parse_date,
)

# --------------------------------------------------------------------------- money words: known values

MONEY_CASES = [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("20.30", "贰拾元叁角"),
    ("10.05", "壹拾元零伍分"),
    ("100.50", "壹佰元伍角"),
    ("110", "壹佰壹拾元整"),
    ("1005", "壹仟零伍元整"),
    ("1010", "壹仟零壹拾元整"),
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("12800", "壹万贰仟捌佰元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("101000", "壹拾万壹仟元整"),  # the 万 digit's zero is absorbed by 万, as read aloud
    ("1000001", "壹佰万零壹元整"),
    ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("1000000000.01", "壹拾亿元零壹分"),
    ("1010000000", "壹拾亿壹仟万元整"),
    ("1234567890.12", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
    ("1000000000000", "壹万亿元整"),
    ("1000010000000", "壹万亿零壹仟万元整"),  # an empty 亿 group between 万亿 and 千万 is one 零
    ("1000100000000", "壹万零壹亿元整"),
    ("9999999999999.99", "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("12800.000", "壹万贰仟捌佰元整"),  # trailing zeros below 分 are not "more than 2 decimals"
]

# The examples printed in 《正确填写票据和结算凭证的基本规定》 (where it offers two forms, the one we write).
STANDARD_EXAMPLES = [
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
]


@pytest.mark.parametrize(("amount", "words"), MONEY_CASES + STANDARD_EXAMPLES)
def test_money_words_known_values(amount: str, words: str) -> None:
    assert money_words(Decimal(amount)) == words


def test_money_words_accepts_int() -> None:
    assert money_words(12800) == "壹万贰仟捌佰元整"


def test_money_words_omits_both_optional_zeros_of_rule_three() -> None:
    # The standard offers 壹拾万柒仟元零伍角叁分 or 壹拾万零柒仟元伍角叁分; its rule (三) lets the
    # 零 at the 万 digit and at the 元 digit both be left out, and we leave both out.
    assert money_words(Decimal("107000.53")) == "壹拾万柒仟元伍角叁分"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-0.01"), "negative"),
        (Decimal("-100"), "negative"),
        (Decimal("1.005"), "2 decimal places"),
        (Decimal("0.001"), "2 decimal places"),
        (MAX_AMOUNT + Decimal("0.01"), "at most"),
        (Decimal("1E20"), "at most"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
    ],
)
def test_money_words_rejects_amounts_it_cannot_write(amount: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        money_words(amount)
    with pytest.raises(ValueError, match=message):
        format_money(amount)


def test_money_words_rejects_float() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        money_words(0.1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- money words: properties

_DIGIT_VALUES = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def parse_money_words(words: str) -> Decimal:
    """Read 人民币大写 back into a Decimal; written independently of the formatter."""
    if words == "零元整":
        return Decimal(0)
    yuan_text, _, rest = words.rpartition("元") if "元" in words else ("", "", words)
    total = section = number = 0
    for char in yuan_text:
        if char == "零":
            continue
        if char in _DIGIT_VALUES:
            number = _DIGIT_VALUES[char]
        elif char in _SMALL_UNITS:
            section += number * _SMALL_UNITS[char]
            number = 0
        elif char == "万":
            section = (section + number) * 10_000
            number = 0
        elif char == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {words!r}")
    fen = 0
    match = re.fullmatch(r"整|零?(?:(?P<jiao>[壹贰叁肆伍陆柒捌玖])角)?(?:(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?", rest)
    assert match is not None, f"bad fraction {rest!r} in {words!r}"
    if match["jiao"]:
        fen += _DIGIT_VALUES[match["jiao"]] * 10
    if match["fen"]:
        fen += _DIGIT_VALUES[match["fen"]]
    return Decimal(total + section + number) + Decimal(fen).scaleb(-2)


def expected_zeros(yuan: int) -> int:
    """How many 零 the integer part needs, from the digits alone.

    A run of zeros between two non-zero digits is read as one 零, unless the run is only the trailing
    zeros of the higher digit's 4-digit group (then 万/亿 stands for them: 101000 → 壹拾万壹仟).
    """
    digits = str(yuan)
    positions = [len(digits) - 1 - i for i, d in enumerate(digits) if d != "0"]  # from the right
    zeros = 0
    for high, low in pairwise(positions):
        if high - low == 1:
            continue
        same_group = high // 4 == low // 4
        only_trailing_of_high_group = not same_group and low + 1 == (high // 4) * 4
        zeros += 0 if only_trailing_of_high_group else 1
    return zeros


amounts_to_10_12 = st.integers(min_value=0, max_value=10**14).map(lambda fen: Decimal(fen).scaleb(-2))
any_amount = st.integers(min_value=0, max_value=int(MAX_AMOUNT * 100)).map(lambda f: Decimal(f).scaleb(-2))


@given(amounts_to_10_12)
def test_money_words_round_trip_through_parser(amount: Decimal) -> None:
    assert parse_money_words(money_words(amount)) == amount


@given(any_amount)
def test_money_words_round_trip_up_to_max(amount: Decimal) -> None:
    assert parse_money_words(money_words(amount)) == amount


@given(any_amount)
def test_money_words_zero_placement(amount: Decimal) -> None:
    words = money_words(amount)
    yuan = int(amount)
    fen_total = int(amount * 100) % 100
    if yuan:
        integer_words, _, fraction_words = words.partition("元")
        assert integer_words.count("零") == expected_zeros(yuan), words
        # 零 after 元 exactly when 角 is zero and 分 is not (rule 四); never otherwise.
        assert fraction_words.startswith("零") == (fen_total != 0 and fen_total < 10), words
    assert "零零" not in words
    assert not words.endswith("零")
    assert words == "零元整" or not words.startswith("零")


@given(any_amount)
def test_money_words_ends_with_zheng_exactly_for_whole_yuan(amount: Decimal) -> None:
    words = money_words(amount)
    assert words.endswith("整") == (amount == amount.to_integral_value())
    assert words.count("整") <= 1
    assert ("元" in words) == (amount >= 1 or amount == 0)


@given(st.integers(min_value=1, max_value=10**12))
def test_money_words_leading_ten_is_always_written_with_yi(yuan: int) -> None:
    words = money_words(Decimal(yuan))
    assert not words.startswith("拾")
    # every 拾 has a digit in front of it (壹拾, 贰拾…), never a bare 拾 after a unit or 零
    assert re.search(r"(^|[^壹贰叁肆伍陆柒捌玖])拾", words) is None, words


# --------------------------------------------------------------------------- format_money


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12800", "人民币（大写）壹万贰仟捌佰元整（¥12,800.00）"),
        ("0", "人民币（大写）零元整（¥0.00）"),
        ("0.5", "人民币（大写）伍角（¥0.50）"),
        ("999.99", "人民币（大写）玖佰玖拾玖元玖角玖分（¥999.99）"),
        ("1000", "人民币（大写）壹仟元整（¥1,000.00）"),
        ("1234567890.12", "人民币（大写）壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分（¥1,234,567,890.12）"),
    ],
)
def test_format_money_known_values(amount: str, text: str) -> None:
    assert format_money(Decimal(amount)) == text


@given(any_amount)
def test_format_money_contains_grouped_figures_and_words(amount: Decimal) -> None:
    fen_total = int(amount * 100)
    yuan, fen = divmod(fen_total, 100)
    groups = []
    digits = str(yuan)
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    figures = ",".join(groups) + f".{fen:02d}"
    assert format_money(amount) == f"人民币（大写）{money_words(amount)}（¥{figures}）"


# --------------------------------------------------------------------------- Chinese numerals

NUMBER_CASES = {
    0: "零",
    1: "一",
    2: "二",
    9: "九",
    10: "十",
    11: "十一",
    12: "十二",
    19: "十九",
    20: "二十",
    21: "二十一",
    30: "三十",
    45: "四十五",
    99: "九十九",
    100: "一百",
    101: "一百零一",
    105: "一百零五",
    110: "一百一十",
    111: "一百一十一",
    119: "一百一十九",
    120: "一百二十",
    1000: "一千",
    1001: "一千零一",
    1010: "一千零一十",
    1100: "一千一百",
    2002: "二千零二",
    9999: "九千九百九十九",
}


@pytest.mark.parametrize(("n", "text"), sorted(NUMBER_CASES.items()))
def test_chinese_number_known_values(n: int, text: str) -> None:
    assert chinese_number(n) == text


_PLAIN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_PLAIN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_number(text: str) -> int:
    total, number = 0, 0
    for char in text:
        if char in _PLAIN_DIGITS:
            number = _PLAIN_DIGITS[char]
        else:
            total += (number or 1) * _PLAIN_UNITS[char]  # a bare 十 means 一十
            number = 0
    return total + number


def test_chinese_number_reads_back_for_every_value() -> None:
    for n in range(10_000):
        text = chinese_number(n)
        assert parse_chinese_number(text) == n, (n, text)
        assert "零零" not in text and (n == 0 or not text.endswith("零")), (n, text)
        # 一十 only inside a number (一百一十), never at its start
        assert not text.startswith("一十"), (n, text)


def test_chinese_count_uses_liang_only_for_two() -> None:
    assert chinese_count(2) == "两"
    assert chinese_count(1) == "一"
    assert chinese_count(12) == "十二"
    assert chinese_count(20) == "二十"
    assert chinese_count(22) == "二十二"
    assert chinese_count(200) == "二百"
    for n in range(10_000):
        if n != 2:
            assert chinese_count(n) == chinese_number(n)


def test_numbered_labels() -> None:
    assert article_number(1) == "第一条"
    assert article_number(12) == "第十二条"
    assert article_number(20) == "第二十条"
    assert article_number(101) == "第一百零一条"
    assert annex_number(1) == "附件一"
    assert annex_number(2) == "附件二"
    assert annex_number(11) == "附件十一"
    assert chinese_ordinal_paren(1) == "（一）"
    assert chinese_ordinal_paren(10) == "（十）"
    assert chinese_ordinal_paren(13) == "（十三）"


@pytest.mark.parametrize("func", [article_number, annex_number, chinese_ordinal_paren])
def test_numbered_labels_start_at_one(func: Callable[[int], str]) -> None:
    with pytest.raises(ValueError):
        func(0)
    with pytest.raises(ValueError):
        func(10_000)


@pytest.mark.parametrize("func", [chinese_number, chinese_count])
def test_numbers_out_of_range(func: Callable[[int], str]) -> None:
    with pytest.raises(ValueError):
        func(-1)
    with pytest.raises(ValueError):
        func(10_000)
    with pytest.raises(TypeError):
        func(1.0)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2026, 12, 1), "2026年12月1日"),
        (dt.date(2026, 1, 9), "2026年1月9日"),
        (dt.date(2024, 2, 29), "2024年2月29日"),
        (dt.date(1999, 10, 31), "1999年10月31日"),
    ],
)
def test_format_date(date: dt.date, text: str) -> None:
    assert format_date(date) == text


# --------------------------------------------------------------------------- 统一社会信用代码

# Codes of real organisations, each passing both check characters (a random string passes both with
# probability 1/341): 91350100M000100Y43 is the example in GB 32100-2015 (checked by hand below);
# the others are published codes of well-known companies, institutions and individual businesses,
# several taken from python-stdnum's test data.
VALID_CREDIT_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91110000710926094P",
    "121200004013590816",  # 机构编制 / 事业单位
    "91440300708461136T",
    "91330100716105852F",
    "914403001922038216",  # check character 6, organisation check 1
    "91110108551385082Q",
    "91110000802100433B",
    "9144030071526726XG",  # organisation code check character X
    "9131012056010553X5",
    "91620105L015101280",  # check character 0 (31 - 0 → 0)
    "91310115MA1K3BTP2B",
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",  # 个体工商户
    "92340621MA2UK3PJXE",
]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes(code: str) -> None:
    assert credit_code_problem(code) is None
    assert credit_code_valid(code)


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes_satisfy_checksums_independently(code: str) -> None:
    # GB 32100 in "sum including the check character" form: Σ v·3^i + v18 ≡ 0 (mod 31).
    values = [_CREDIT_CHARS.index(c) for c in code]
    assert (sum(v * 3**i for i, v in enumerate(values[:17])) + values[17]) % 31 == 0
    # GB 11714: Σ v·w + check ≡ 0 (mod 11), letters A=10…Z=35, X meaning 10.
    org = code[8:17]
    body = sum(int(c, 36) * w for c, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 10 if org[8] == "X" else int(org[8])
    assert (body + check) % 11 == 0


def test_standard_example_checked_by_hand() -> None:
    # 91350100M000100Y4 → values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4; weights 1,3,9,27,19,26,16,17,20,
    # 29,25,13,8,24,10,30,28; sum 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3.
    # Organisation code M000100Y: 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11-7 = 4.
    assert credit_code_problem("91350100M000100Y43") is None
    assert str(credit_code_problem("91350100M000100Y44")) == "check character should be '3', got '4'"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "must be 18 characters, got 17"),
        ("91350100M000100Y433", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("91110000600037341N", "check character should be 'L', got 'N'"),
        ("91110000600037341l", "lowercase letter 'l' at position 18: use capitals ('L')"),
        ("91350100m000100Y43", "lowercase letter 'm' at position 9: use capitals ('M')"),
        (
            "9111000060003IOZSV",
            "invalid character 'I' at position 14: I, O, Z, S and V are never used",
        ),
        ("91350100M000100O43", "invalid character 'O' at position 16: I, O, Z, S and V are never used"),
        ("91350100M00010SY43", "invalid character 'S' at position 15: I, O, Z, S and V are never used"),
        ("9135010-M000100Y43", "invalid character '-' at position 8"),
        ("91 350100M000100Y4", "invalid character ' ' at position 3"),
        ("B1350100M000100Y43", "unknown registration authority code 'B' at position 1"),
        (
            "94350100M000100Y43",
            "entity type '4' at position 2 does not exist for registration authority '9' (allowed: 1, 2, 3)",
        ),
        ("9135A100M000100Y43", "region code (positions 3-8) must be 6 digits, got '35A100'"),
        (
            "91110108MA01C8YX9R",
            "organisation code 'MA01C8YX9' (positions 9-17): check character should be '1', got '9'",
        ),
        (
            "91350100M000100Y53",
            "organisation code 'M000100Y5' (positions 9-17): check character should be '4', got '5'",
        ),
    ],
)
def test_invalid_credit_codes(code: str, problem: str) -> None:
    assert str(credit_code_problem(code)) == problem
    assert not credit_code_valid(code)


@given(st.sampled_from(VALID_CREDIT_CODES), st.integers(0, 17), st.sampled_from(_CREDIT_CHARS))
def test_any_single_character_change_is_caught(code: str, position: int, char: str) -> None:
    changed = code[:position] + char + code[position + 1 :]
    assert credit_code_valid(changed) == (changed == code)


# --------------------------------------------------------------------------- 居民身份证号码

ID_WEIGHTS_BY_POWER = [pow(2, 17 - i, 11) for i in range(17)]  # ISO 7064 MOD 11-2 from its definition


def with_id_check(first17: str) -> str:
    """Append the check character so that Σ a_i·2^(17-i) over all 18 ≡ 1 (mod 11), X meaning 10."""
    partial = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS_BY_POWER, strict=True))
    check = (1 - partial) % 11
    return first17 + ("X" if check == 10 else str(check))


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example in GB 11643-1999
        "440524188001010014",  # the other example in GB 11643-1999 (born 1880)
        with_id_check("31011520000229123"),  # born on a leap day
    ],
)
def test_valid_id_numbers(number: str) -> None:
    assert id_number_problem(number) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "check character should be 'X', got '1'"),
        ("11010519491231002x", "check character must be a capital 'X', got 'x'"),
        ("11010519491231002", "must be 18 characters, got 17"),
        ("110105194912310", "must be 18 characters, got 15"),  # old 15-digit numbers are not accepted
        ("1101051949123100X2", "invalid character 'X' at position 17: the first 17 must be digits"),
        ("11010519491231002A", "invalid check character 'A': must be a digit or 'X'"),
        (with_id_check("31011520010229123"), "birth date '20010229' (positions 7-14) is not a real date"),
        (with_id_check("31011519901301123"), "birth date '19901301' (positions 7-14) is not a real date"),
        (with_id_check("31011517991231123"), "birth date '17991231' (positions 7-14) is before 1800"),
    ],
)
def test_invalid_id_numbers(number: str, problem: str) -> None:
    assert str(id_number_problem(number)) == problem


@given(
    st.integers(110000, 659999),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(1, 9),
)
def test_id_numbers_built_by_the_standard_pass_and_single_digit_changes_fail(
    region: int, born: dt.date, sequence: int, position: int, delta: int
) -> None:
    number = with_id_check(f"{region}{born:%Y%m%d}{sequence:03d}")
    assert id_number_problem(number) is None
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert id_number_problem(changed) is not None


# --- dates as people write them ---------------------------------------------------------------------

@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_written_form_of_a_date_reads_as_that_date(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    for text in (day.isoformat(), f"{y}/{m:02}/{d:02}", f"{y}.{m}.{d}", f"{y}年{m}月{d}日", f" {y} - {m} - {d} ",
                 f"{y}年{m:02}月{d:02}号", f"{y}年{m}月{d}日".translate(_FULL_WIDTH)):
        assert parse_date(text) == day, text
    assert parse_date(day) == day


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("text", ["2026-12-01 10:00", "2026-12-01T10:00:00Z", "2026年12月1日 下午3点", "2026/12/01 9时"])
def test_a_date_with_a_time_is_told_apart(text: str) -> None:
    with pytest.raises(DateHasTime):
        parse_date(text)
    with pytest.raises(DateHasTime):
        parse_date(dt.datetime(2026, 12, 1, 10))


@pytest.mark.parametrize("text", ["2026-02-30", "2026-12/01", "12/01/2026", "2026-12-01x", "明天", "", "20261201"])
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)

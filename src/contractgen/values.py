"""Values as a Chinese legal team writes them → the typed values the composer works with.

Owns every form a value may take beyond the plain one: yes/no as 是/否/对/错/有/无 (and true/false,
yes/no); whole numbers in full-width digits (３), Chinese numerals (三, 十二, 一百零五) and with the
variable's unit (三年 for 合同有效期（年）); amounts as 1,200.50, 1200元, ¥1200, 人民币1200元, 1.2万,
in words (壹仟贰佰元整), or both (1200元（大写：壹仟贰佰元整）, 人民币（大写）壹仟贰佰元整（¥1,200.00）, checked
against each other); phone numbers with full-width digits and an extension (021-62881234转8001).
Dates are ``formats.parse_date``'s. Each ``to_*`` returns the value, or ``None`` when the text is not that kind of value; what is
accepted is listed in docs/values.md, generated from ``tests/value_cases.py``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, getcontext
from typing import Any

BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False,
              "是": True, "否": False, "对": True, "错": False, "有": True, "无": False}
"""What a yes/no field accepts (only a yes/no field: elsewhere ``yes`` is the text it says)."""

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
           "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
UNIT_WORDS = {"年": ("年",), "月": ("个月", "月"), "日": ("日", "天"), "天": ("天", "日"), "工作日": ("个工作日", "工作日"),
              "小时": ("个小时", "小时"), "分钟": ("分钟",), "周": ("周", "个星期"), "份": ("份",), "次": ("次",),
              "%": ("%",), "个": ("个",)}
"""A variable's unit (the bracket at the end of its label) → the words a value may end with."""
_UNIT_RE = re.compile(r"（([^（）]*)）$")
_MONEY_FIGURE = re.compile(r"(?:人民币|RMB|CNY)?\s*¥?\s*([+-]?\d[\d,]*(?:\.\d+)?)\s*(万)?\s*(?:元整?|圆整?)?")
_MONEY_WORDS = re.compile(r"^(?P<int>[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*)[元圆](?:零?(?P<jiao>[壹贰叁肆伍陆柒捌玖])角)?"
                          r"(?:零?(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?[整正]?$|^(?:(?P<jiao2>[壹贰叁肆伍陆柒捌玖])角)?"
                          r"(?:零?(?P<fen2>[壹贰叁肆伍陆柒捌玖])分)?$")
_PHONE = re.compile(r"^[0-9+\-() ]{5,30}(?:(?:转|分机|ext\.?|x)\s*[0-9]{1,6})?$", re.I)


class WordsDisagree(ValueError):
    """An amount given in figures and in words, which are not the same amount."""

    def __init__(self, figure: Decimal, words: str, amount: Decimal) -> None:
        super().__init__(figure, words, amount)
        self.figure, self.words, self.amount = figure, words, amount


def plain(text: str) -> str:
    """Full-width digits, letters and signs as ASCII (NFKC), spaces at the ends removed."""
    return unicodedata.normalize("NFKC", text).strip()


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return BOOL_WORDS.get(plain(value).lower()) if isinstance(value, str) else None


def unit_of(label: str) -> str:
    """A variable's unit: ``年`` for ``合同有效期（年）``; empty when its label names none."""
    found = _UNIT_RE.search(label)
    return found.group(1) if found else ""


def to_int(value: Any, unit: str = "") -> int | None:
    """A whole number: 3, "3", "３", "三", "十二", and "三年" when ``unit`` is 年."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    text = plain(value)
    for word in UNIT_WORDS.get(unit, (unit,) if unit else ()):
        if text.endswith(word) and len(text) > len(word):
            text = text[: -len(word)].strip()
            break
    if re.fullmatch(r"[+-]?\d+", text):
        # Past 30 digits no field's range can hold it; int() would refuse past 4,300 (an internal error).
        return int(text) if len(text) <= 31 else None
    return chinese_int(text)


def other_unit(value: Any, unit: str) -> str | None:
    """The unit a number was written with when it is not ``unit`` (``三月`` for a number of years)."""
    if not isinstance(value, str):
        return None
    text = plain(value)
    for words in UNIT_WORDS.values():
        for word in words:
            head = text[: -len(word)].strip()
            if text.endswith(word) and head and word not in UNIT_WORDS.get(unit, ()) and to_int(head) is not None:
                return word
    return None


def chinese_int(text: str) -> int | None:
    """一百零五 → 105, 两千 → 2000, 二〇二六 → 2026 (digit by digit), 壹仟贰佰 → 1200; None when it is not one."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS and ch not in _BIG for ch in text):
        return None
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit not in (None, 0):
                return None  # two digits in a row: 一二十
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]  # 十二, 一千零十
            digit = None
        else:
            section += digit or 0
            if section == 0 and total == 0:
                return None
            total = (total + section) * _BIG[ch] if ch == "亿" else total + section * _BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def to_decimal(value: Any) -> Decimal | None:
    """A number: 3.5, "3.5", "３.５", "1,200.5"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if not isinstance(value, str):
        return None
    try:
        number = Decimal(plain(value).replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def to_money(value: Any) -> Decimal | None:
    """An amount of yuan in any of the forms people write; raises ``WordsDisagree`` when figures and words differ."""
    if isinstance(value, (bool, float, int, Decimal)) or not isinstance(value, str):
        number = to_decimal(value)
        return None if number is None else _tidy(number)
    text = plain(value).replace("，", ",")
    words = None
    # 人民币（大写）壹仟贰佰元整（¥1,200.00）, as the contracts print an amount: words first, figures after
    printed = re.fullmatch(r"(?:人民币)?\s*[(（]\s*大写\s*[)）]\s*([^()（）]+?)\s*[(（]([^()（）]+)[)）]", text)
    both = re.fullmatch(r"(.*?)[(（]\s*(?:大写\s*[:：]?\s*)?([^()（）]+)[)）]", text)
    if printed:
        text, words = printed.group(2).strip(), printed.group(1).strip()
    elif both:
        text, words = both.group(1).strip(), both.group(2).strip()
    elif re.search(r"[壹贰叁肆伍陆柒捌玖拾佰仟角分]|元整", text) and not re.search(r"\d", text):
        text, words = "", text.removeprefix("人民币").removeprefix("大写").lstrip(":：").strip()
    amount = _figure(text) if text else None
    in_words = _words(words) if words is not None else None
    if words is not None and in_words is None:
        return None
    if amount is not None and in_words is not None and amount != in_words:
        raise WordsDisagree(amount, words or "", in_words)
    result = amount if amount is not None else in_words
    return None if result is None else _tidy(result)


def _figure(text: str) -> Decimal | None:
    match = _MONEY_FIGURE.fullmatch(text)
    if match is None or not re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[+-]?\d+(?:\.\d+)?", match.group(1)):
        return None
    number = Decimal(match.group(1).replace(",", ""))
    return number * 10_000 if match.group(2) else number


def _words(text: str) -> Decimal | None:
    """壹仟贰佰元整 → 1200; 壹拾万柒仟元伍角叁分 → 107000.53; 伍角 → 0.5."""
    match = _MONEY_WORDS.fullmatch(text)
    if match is None or not text:
        return None
    if match.group("int") is not None or text.startswith(("元", "圆")):
        integer = chinese_int(match.group("int")) if match.group("int") else 0
        if integer is None:
            return None
        jiao, fen = match.group("jiao"), match.group("fen")
    else:
        integer, jiao, fen = 0, match.group("jiao2"), match.group("fen2")
    cents = (_DIGITS[jiao] * 10 if jiao else 0) + (_DIGITS[fen] if fen else 0)
    return Decimal(integer) + Decimal(cents) / 100


def _tidy(number: Decimal) -> Decimal:
    """12000.0 → 12000, 1200.50 → 1200.5: one amount, one spelling (the contract records it)."""
    tidy = number.normalize()
    if tidy != tidy.to_integral_value() or tidy.adjusted() >= getcontext().prec:
        return tidy  # a number of more digits than the context holds cannot be quantized; a range check refuses it
    return tidy.quantize(Decimal(1))


def phone(text: str) -> str | None:
    """A phone number with ASCII digits (full-width ones converted), or None when it is not one."""
    number = plain(text)
    return number if _PHONE.match(number) else None

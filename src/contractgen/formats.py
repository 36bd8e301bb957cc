"""How values are written in a Chinese contract: amounts, numbers, dates, and identifier checks.

This module owns the exact wording of 人民币大写, Chinese numerals (第一条, 附件二, （三）, 一式两份),
dates (2026年12月1日) and the validation of 统一社会信用代码 (GB 32100-2015, with the embedded
GB 11714 organisation code) and 居民身份证号码 (GB 11643-1999). Everything here is a pure function of
its arguments and uses only the standard library and ``i18n`` (for what a check says is wrong), so
every step may import it.

Rules chosen for 人民币大写, following 《正确填写票据和结算凭证的基本规定》 (中国人民银行):

- A leading ten is written 壹拾: ``10`` → 壹拾元整, ``100000`` → 壹拾万元整, ``10亿`` → 壹拾亿元整, as
  in the standard's own example ¥107,000.53 → 壹拾万柒仟元零伍角叁分 and as banks require (a bare
  拾 can be altered by writing a digit in front of it).
- 整 follows 元 only: an amount ending at 元 ends in 元整; an amount ending at 角 ends in 角 with no
  整 (the standard says 整 after 角 is optional; we never write it); an amount with 分 ends in 分.
- The integer part is written as it is read: one 零 for each run of zeros between two non-zero digits,
  across 万 and 亿 as well (1005 → 壹仟零伍, 100010 → 壹拾万零壹拾, 100000001 → 壹亿零壹), except for
  zeros that a 万 or 亿 already accounts for (101000 → 壹拾万壹仟).
- Between 元 and the fraction, 零 is written only where the standard requires it, i.e. 角 is zero and
  分 is not (10.05 → 壹拾元零伍分). Where 角 is non-zero the standard allows the 零 to be left out and
  we leave it out (100.50 → 壹佰元伍角, 1680.32 → 壹仟陆佰捌拾元叁角贰分). Rule (三) equally lets the
  zero at the 万 digit go unwritten, so 107,000.53 → 壹拾万柒仟元伍角叁分 (the standard prints
  壹拾万柒仟元零伍角叁分 or 壹拾万零柒仟元伍角叁分; all three are correct).
- Below one yuan there is no 元: 0.05 → 伍分, 0.50 → 伍角. Zero is 零元整.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .i18n import Message, msg

__all__ = [
    "MAX_AMOUNT",
    "DateHasTime",
    "annex_number",
    "article_number",
    "chinese_count",
    "chinese_number",
    "chinese_ordinal_paren",
    "credit_code_problem",
    "credit_code_valid",
    "format_date",
    "format_money",
    "id_number_problem",
    "money_words",
    "parse_date",
]

MAX_AMOUNT = Decimal("9999999999999.99")
"""The largest amount ``money_words`` writes (just under 10 万亿 yuan)."""

_CENT = Decimal("0.01")

_MONEY_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_MONEY_UNITS = ("", "拾", "佰", "仟")
_PLAIN_DIGITS = "零一二三四五六七八九"
_PLAIN_UNITS = ("", "十", "百", "千")

# 4-digit groups from the lowest: 元 group, 万, 亿, 万亿 (a 13th digit is 万亿, written 万 … 亿).
_GROUP_UNITS = ("", "万", "亿", "万")


# --------------------------------------------------------------------------- amounts


def money_words(amount: Decimal | int) -> str:
    """The amount in 人民币大写, e.g. ``Decimal("12800")`` → ``壹万贰仟捌佰元整``.

    Raises ``ValueError`` for a negative amount, an amount with a non-zero digit below the 分
    (``1.005``; trailing zeros such as ``1.000`` are fine), NaN/infinity, or more than
    ``MAX_AMOUNT``; ``TypeError`` for a float (convert with ``Decimal(str(x))`` first, so the amount
    printed is the amount the user wrote).
    """
    fen_total = _to_fen(amount)
    yuan, fraction = divmod(fen_total, 100)
    jiao, fen = divmod(fraction, 10)
    if yuan == 0 and fraction == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer_words(yuan, _MONEY_DIGITS, _MONEY_UNITS) + "元")
    if fraction == 0:
        parts.append("整")
        return "".join(parts)
    if jiao:
        parts.append(_MONEY_DIGITS[jiao] + "角")
    elif yuan:
        # 角位是0而分位不是0时，"元"后面应写"零"字 — the one 零 the standard makes compulsory here.
        parts.append("零")
    if fen:
        parts.append(_MONEY_DIGITS[fen] + "分")
    return "".join(parts)


def format_money(amount: Decimal | int) -> str:
    """``人民币（大写）壹万贰仟捌佰元整（¥12,800.00）``: the words first, as 示范文本 and bank forms write an
    amount, then the figures with thousands separators."""
    fen_total = _to_fen(amount)
    figures = f"{Decimal(fen_total).scaleb(-2):,.2f}"
    return f"人民币（大写）{money_words(amount)}（¥{figures}）"


def _to_fen(amount: Decimal | int) -> int:
    """The amount as a whole number of 分, after checking it is one we can write."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(
            f"amount must be a Decimal or int, not {type(amount).__name__}"
            " (write floats as Decimal(str(x)) so the printed amount is exact)"
        )
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be a finite number, got {value}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    if value > MAX_AMOUNT:
        raise ValueError(f"amount must be at most {MAX_AMOUNT:,}, got {value:,}")
    try:
        in_fen = value.quantize(_CENT)
    except InvalidOperation as exc:  # pragma: no cover - bounded above, so quantize cannot overflow
        raise ValueError(f"amount {value} cannot be written in 分") from exc
    if in_fen != value:
        raise ValueError(f"amount must have at most 2 decimal places (分), got {value}")
    return int(in_fen * 100)


# --------------------------------------------------------------------------- numerals


def _integer_words(n: int, digits: str, units: tuple[str, ...], *, bare_ten: bool = False) -> str:
    """A positive integer below 10**16 in Chinese numerals, grouped by 万 and 亿.

    ``bare_ten`` writes a leading 一十 as 十 (十一, 十万), as ordinary numerals do; money keeps 壹拾.
    """
    groups: list[int] = []
    while n:
        n, group = divmod(n, 10_000)
        groups.append(group)
    out: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            # A whole group of zeros between non-zero digits is read as one 零 before the next digit.
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):
            out.append(digits[0])
        zero_pending = False
        out.append(_group_words(group, digits, units, bare_ten=bare_ten and not out))
        unit = _GROUP_UNITS[index]
        if index == 3 and groups[2] == 0:
            unit = "万亿"  # the 亿 group is empty, so 亿 must still follow the 万亿 digit
        out.append(unit)
    return "".join(out)


def _group_words(group: int, digits: str, units: tuple[str, ...], *, bare_ten: bool) -> str:
    """1..9999 without group unit: interior zero runs as one 零, trailing zeros silent."""
    out: list[str] = []
    zero_run = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_run = bool(out)
            continue
        if zero_run:
            out.append(digits[0])
            zero_run = False
        if bare_ten and not out and position == 1 and digit == 1:
            out.append(units[1])
        else:
            out.append(digits[digit] + units[position])
    return "".join(out)


def chinese_number(n: int) -> str:
    """0..9999 in ordinary Chinese numerals: 1 一, 10 十, 11 十一, 20 二十, 101 一百零一, 110 一百一十."""
    _check_int(n, low=0, high=9999)
    if n == 0:
        return _PLAIN_DIGITS[0]
    return _integer_words(n, _PLAIN_DIGITS, _PLAIN_UNITS, bare_ten=True)


def chinese_count(n: int) -> str:
    """Like ``chinese_number`` but a count of exactly two is 两 (一式两份); 12 stays 十二, 20 二十."""
    _check_int(n, low=0, high=9999)
    return "两" if n == 2 else chinese_number(n)


def article_number(n: int) -> str:
    """第一条, 第十二条."""
    _check_int(n, low=1, high=9999)
    return f"第{chinese_number(n)}条"


def annex_number(n: int) -> str:
    """附件一, 附件十一."""
    _check_int(n, low=1, high=9999)
    return f"附件{chinese_number(n)}"


def chinese_ordinal_paren(n: int) -> str:
    """（一）, （十二） with full-width parentheses, for numbered items inside a clause."""
    _check_int(n, low=1, high=9999)
    return f"（{chinese_number(n)}）"


def _check_int(n: int, *, low: int, high: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, not {type(n).__name__}")
    if not low <= n <= high:
        raise ValueError(f"number must be between {low} and {high}, got {n}")


# --------------------------------------------------------------------------- dates


class DateHasTime(ValueError):
    """A date written with a time of day (``2026-12-01 10:00``): a contract's dates have none."""


_DATE_FORMS = re.compile(
    r"(?P<y>\d{4})\s*(?:(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
    r"|年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号])")
_TIME_OF_DAY = re.compile(r"(?:T|\s+|\s*[,，]\s*)(?:[上下]午\s*)?\d{1,2}\s*(?:[:时点]|$).*", re.DOTALL)


def parse_date(value: object) -> dt.date:
    """A date as people write it: ``2026-12-01``, ``2026/12/01``, ``2026.12.01``, ``2026年12月1日``.

    The one reader of dates, for specs, library files and forms alike: a ``date`` is returned as it
    is; text may use full-width digits (２０２６年１２月１日), single-digit months and days, and spaces
    around the separators. Raises ``DateHasTime`` when a time of day follows the date (or a
    ``datetime`` is given), and ``ValueError`` for anything else that is not a real date.
    """
    if isinstance(value, dt.datetime):
        raise DateHasTime(str(value))
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE_FORMS.match(text)
    if match is None:
        raise ValueError(f"not a date: {value!r}")
    rest = text[match.end():]
    if rest and _TIME_OF_DAY.fullmatch(rest):
        raise DateHasTime(value)
    if rest:
        raise ValueError(f"not a date: {value!r}")
    month, day = (match["m"], match["d"]) if match["sep"] else (match["cm"], match["cd"])
    return dt.date(int(match["y"]), int(month), int(day))  # ValueError for 2026-02-30


def format_date(d: dt.date) -> str:
    """2026年12月1日: no zero padding, as dates are written in contract text."""
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- 统一社会信用代码

# GB 32100-2015 code set: digits and capitals except I, O, Z, S, V; the index is the character's value.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# 登记管理部门代码 → allowed 机构类别代码 (GB 32100-2015 with its later additions to the authority list).
_CREDIT_TYPES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国 / 港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# GB 11714-1997 organisation code: weights for the 8 body characters; letters count A=10 … Z=35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed 统一社会信用代码 with both check characters right."""
    return credit_code_problem(code) is None


def credit_code_problem(code: str) -> Message | None:
    """What is wrong with a 统一社会信用代码, in plain words, or ``None`` when it is valid.

    Checks the length, the code set, the registration authority and entity type (positions 1-2), that
    the region (3-8) is six digits, the GB 11714 check character of the organisation code (9-17),
    and the GB 32100 check character (18). Lowercase letters are reported, not silently upper-cased:
    a contract should carry the code exactly as the business licence prints it. The region is not
    looked up in the GB/T 2260 table, which changes every year.
    """
    if not isinstance(code, str):
        return msg("credit-code.not-text", kind=type(code).__name__)
    if len(code) != 18:
        return msg("credit-code.length", count=len(code))
    for position, char in enumerate(code, start=1):
        if char in _CREDIT_CHARS:
            continue
        if char.islower() and char.upper() in _CREDIT_CHARS:
            return msg("credit-code.lowercase", char=char, position=position, upper=char.upper())
        if char.upper() in "IOZSV":
            return msg("credit-code.never-used", char=char, position=position)
        return msg("credit-code.invalid-char", char=char, position=position)
    authority, kind = code[0], code[1]
    if authority not in _CREDIT_TYPES:
        return msg("credit-code.authority", authority=authority)
    if kind not in _CREDIT_TYPES[authority]:
        return msg("credit-code.entity-type", kind=kind, authority=authority, allowed=tuple(_CREDIT_TYPES[authority]))
    region = code[2:8]
    if not region.isdigit():
        return msg("credit-code.region", region=region)
    org_check = _org_check_char(code[8:16])
    if code[16] != org_check:
        return msg("credit-code.org-check", org=code[8:17], check=org_check, got=code[16])
    check = _credit_check_char(code[:17])
    if code[17] != check:
        return msg("credit-code.check", check=check, got=code[17])
    return None


def _org_check_char(body: str) -> str:
    """GB 11714 check character for the 8-character organisation code body."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _credit_check_char(first17: str) -> str:
    """GB 32100 check character: 31 - (Σ value·3^i mod 31) mod 31, with 31 written as 0."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


# --------------------------------------------------------------------------- 居民身份证号码

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def birth_date(id_number: str) -> dt.date | None:
    """The birth date an 18-digit 居民身份证号码 carries (positions 7-14), or ``None`` when it has none."""
    if len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_problem(s: str) -> Message | None:
    """What is wrong with an 18-digit 居民身份证号码 (GB 11643-1999), in plain words, or ``None``.

    Checks the length, that the first 17 characters are digits, the birth date (positions 7-14) is a
    real date from 1800 on, and the ISO 7064 MOD 11-2 check character, which must be a digit or a
    capital X. The address code is not looked up (the table changes every year); a birth date in the
    future is not caught, since the answer would depend on today's date.
    """
    if not isinstance(s, str):
        return msg("id-number.not-text", kind=type(s).__name__)
    if len(s) != 18:
        return msg("id-number.length", count=len(s))
    for position, char in enumerate(s[:17], start=1):
        if not ("0" <= char <= "9"):
            return msg("id-number.invalid-char", char=char, position=position)
    last = s[17]
    if last == "x":
        return msg("id-number.lowercase-x")
    if not ("0" <= last <= "9" or last == "X"):
        return msg("id-number.invalid-check-char", char=last)
    birth = s[6:14]
    try:
        born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return msg("id-number.birth-date", birth=birth)
    if born.year < 1800:
        return msg("id-number.birth-before-1800", birth=birth)
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    check = _ID_CHECK[total % 11]
    if last != check:
        return msg("id-number.check", check=check, got=last)
    return None

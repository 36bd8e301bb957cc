"""Values as people write them: every form in docs/values.md, and round trips of each accepted form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractgen import formats, values
from contractgen.compose import compose, format_value
from contractgen.errors import SpecError
from contractgen.i18n import use_language
from contractgen.library import load_library, normalized, value_problem
from contractgen.spec import parse_spec
from contractgen.yamlio import parse_yaml
from tests.value_cases import CASES, DOC_PATH, REGENERATE, ValueCase, render_doc

LIBRARY = load_library()
ROOT = Path(__file__).resolve().parents[1]
_PERSON = 'parties:\n  customer: {type: person, name: 李明, phone: "%s"}\n'


def shown(case: ValueCase) -> tuple[bool, str]:
    """Whether the value was accepted, and what the contract prints (or the Chinese message)."""
    written = parse_yaml(f"v: {case.written}\n", "v.yaml")["v"]
    with use_language("zh"):
        if case.variable == "sign_date":
            spec = parse_spec(f"industry: hotel\nsign_date: {case.written}\n".encode(), "s.yaml")
            try:
                return True, formats.format_date(compose(spec, LIBRARY, draft=True).sign_date)
            except SpecError as exc:
                return False, exc.problems[0].message
        if case.variable == "phone":
            spec = parse_spec(f"industry: hotel\n{_PERSON % case.written}".encode(), "s.yaml")
            try:
                details = dict(compose(spec, LIBRARY, draft=True).parties[0].details)
                return True, details["联系电话"].text
            except SpecError as exc:
                return False, exc.problems[0].message
        variable = LIBRARY.variable[case.variable]
        problem = value_problem(variable, written)
        if problem is not None:
            return False, str(problem)
        return True, format_value(variable, normalized(variable, written))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.variable}:{c.written}" for c in CASES])
def test_each_written_form(case: ValueCase):
    accepted, text = shown(case)
    assert (accepted, text) == (not case.refused, case.shows)


def test_docs_values_md_is_up_to_date():
    assert (ROOT / DOC_PATH).read_text(encoding="utf-8") == render_doc({c: c.shows for c in CASES}), (
        f"regenerate it with: {REGENERATE}")


def test_yes_and_no_are_text_outside_a_yes_no_field():
    spec = parse_spec(b"industry: hotel\nsign_place: yes\nvalues: {court: \xe6\x98\xaf}\n", "s.yaml")  # court: 是
    with pytest.raises(SpecError) as info:
        compose(spec, LIBRARY, draft=True)
    assert [p.field for p in info.value.problems] == ["values.court"]  # an enum, not a yes/no
    assert compose(parse_spec(b"industry: hotel\nsign_place: yes\n", "s.yaml"), LIBRARY, draft=True).sign_place == "yes"


# --- round trips: every accepted form of a value reads back as that value --------------------------

def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.integers(min_value=0, max_value=10**12))
def test_whole_numbers_round_trip(n):
    for form in (n, str(n), full_width(str(n)), f"{n}个月"):
        assert values.to_int(form, "月") == n, form
    if n <= 9999:  # as far as formats writes Chinese numerals
        assert values.to_int(formats.chinese_number(n)) == n
        assert values.to_int(f"{formats.chinese_number(n)}年", "年") == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_round_trip(amount):
    amount = Decimal(amount)
    expected = values._tidy(amount)
    words = formats.money_words(amount)
    forms = [str(amount), f"{amount:,}", f"{amount}元", f"¥{amount}", f"￥{full_width(str(amount))}", f"人民币{amount}元",
             words, f"{amount}元（大写：{words}）", f"¥{amount:,}（{words}）", formats.format_money(amount)]
    if amount == amount.to_integral_value() and amount % 100 == 0:
        forms.append(f"{amount / 10000}万")
    for form in forms:
        assert values.to_money(form) == expected, form


@given(st.integers(min_value=1, max_value=10**9 - 1), st.integers(min_value=1, max_value=99))
def test_figures_and_words_that_differ_are_refused(whole, cents):
    amount = Decimal(whole) + Decimal(cents) / 100
    other = amount + 1
    with pytest.raises(values.WordsDisagree):
        values.to_money(f"{amount}元（大写：{formats.money_words(other)}）")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_round_trip(day):
    for form in (day.isoformat(), f"{day.year}/{day.month:02d}/{day.day:02d}", f"{day.year}.{day.month}.{day.day}",
                 formats.format_date(day), full_width(formats.format_date(day))):
        assert formats.parse_date(form) == day, form


@given(st.sampled_from(sorted(values.BOOL_WORDS)))
def test_yes_no_words_round_trip(word):
    assert values.to_bool(word) is values.BOOL_WORDS[word]
    assert values.to_bool(full_width(word)) is values.BOOL_WORDS[word]


@given(st.from_regex(r"0[1-9][0-9]{1,2}-[2-8][0-9]{6,7}", fullmatch=True), st.integers(min_value=1, max_value=99999))
def test_phone_numbers_round_trip(number, extension):
    for form in (number, full_width(number), f"{number}转{extension}"):
        assert values.phone(form) == values.plain(form)

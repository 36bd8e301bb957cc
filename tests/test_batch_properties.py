"""Property tests of the batch: whatever a cell holds, a row is a spec or that row's problems, never a crash;
and a row's spec text reads back as exactly the values it was written from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contractgen.batch.columns import columns, map_columns
from contractgen.batch.rows import RowSpec, check_row, spec_text
from contractgen.batch.sheet import Row, Sheet
from contractgen.library import load_library
from contractgen.yamlio import parse_yaml
from tests.batch_sheets import customer_rows

LIBRARY = load_library()
FIELDS = list(columns(LIBRARY, "hotel"))
EXAMPLE = customer_rows(LIBRARY, "hotel", 1)[0]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
CELL = st.one_of(st.none(), TEXT, st.integers(-10**20, 10**20), st.booleans(), st.dates(),
                 st.floats(allow_nan=True, allow_infinity=True), st.datetimes(min_value=dt.datetime(1900, 1, 1)))
SCALAR = st.one_of(TEXT, st.integers(-10**25, 10**25), st.booleans(), st.dates(),
                   st.decimals(allow_nan=False, allow_infinity=False, places=4))
KEY = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True) | TEXT.filter(bool)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([f.key for f in FIELDS]), CELL, max_size=4))
def test_any_cells_make_a_spec_or_that_rows_problems(changed: dict) -> None:
    row_cells = dict(EXAMPLE, **changed)
    sheet = Sheet("rows.xlsx", tuple(f.label for f in FIELDS), 1,
                  (Row(2, tuple(row_cells.get(f.key) for f in FIELDS)),))
    mapped, problems = map_columns(sheet, LIBRARY, "hotel")
    assert not problems
    checked = check_row(sheet, sheet.rows[0], mapped, {"industry": "hotel"}, LIBRARY, 4)
    assert (checked.spec is None) == bool(checked.problems)
    for problem in checked.problems:
        text = str(problem)
        assert text.startswith("rows.xlsx row 2") and "Traceback" not in text
    if checked.spec is not None:
        assert isinstance(checked.spec, RowSpec) and checked.spec.spec().data["industry"] == "hotel"


def _read_back(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict):
        return {k: _read_back(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_read_back(v) for v in value]
    return str(value)


def _written(value):
    if isinstance(value, (bool, int)) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()  # dates are text to the spec reader, read by the composer
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_written(v) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@example({"true": "", "null": 1, "false": [True, None]})  # YAML's own words as keys
@given(st.dictionaries(KEY, st.one_of(SCALAR, st.lists(SCALAR, max_size=3),
                                      st.dictionaries(KEY, SCALAR, min_size=1, max_size=3)), max_size=6))
def test_a_spec_text_reads_back_as_the_values_it_was_written_from(data: dict) -> None:
    read = parse_yaml(spec_text(data, "rows.xlsx 第 2 行"), "row.yaml", allow_empty=True) or {}
    assert _read_back(read) == _written(data)

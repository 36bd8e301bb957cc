"""A spec as plain data — what the web form edits and the register keeps — and as YAML text.

The CLI reads spec files; the web app and the register hold the same spec as a JSON-ready mapping
(dates as ``YYYY-MM-DD`` strings, numbers as typed). ``to_yaml`` writes that mapping as the spec file
a user downloads (typed by the library's declarations, so a date is a YAML date), ``to_spec`` reads
it back through the one spec reader, so the composer checks a form exactly as it checks a file, and
``from_spec`` turns an uploaded spec file into the mapping. Nothing here judges a value: a value that
does not fit its type is passed on as it was typed, for the composer to report at its field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml

from .library import Library
from .spec import SPEC_KEYS, Spec, parse_spec

HEADER = "# 合同规格（contractgen spec）。构建：contractgen build 本文件 -o 输出目录\n"
_INT = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_yaml(data: Mapping[str, Any], library: Library) -> str:
    """The spec file of ``data``: keys in the spec's order, values typed by their declarations."""
    typed: dict[str, Any] = {}
    for key in (*SPEC_KEYS, *(k for k in data if k not in SPEC_KEYS)):
        if key not in data or data[key] in (None, "", [], {}):
            continue
        typed[key] = data[key]
    if "sign_date" in typed:
        typed["sign_date"] = _date(typed["sign_date"])
    values = typed.get("values")
    if isinstance(values, Mapping):
        typed["values"] = {name: _typed(library, name, value) for name, value in values.items()}
    return HEADER + yaml.safe_dump(typed, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def to_spec(data: Mapping[str, Any], library: Library, display: str = "网页表单") -> Spec:
    """``data`` read as the spec file ``to_yaml`` writes (its hash is that file's)."""
    return parse_spec(to_yaml(data, library).encode("utf-8"), display)


def from_spec(spec: Spec) -> dict[str, Any]:
    """A spec file's data as a plain, JSON-ready mapping."""
    return _plain(spec.data)


def _typed(library: Library, name: str, value: Any) -> Any:
    variable = library.variable.get(name)
    if variable is None or not isinstance(value, str):
        return value
    text = value.strip()
    if variable.type == "date":
        return _date(text)
    if variable.type == "int" and _INT.fullmatch(text):
        return int(text)
    if variable.type in ("money", "decimal") and _INT.fullmatch(text.replace(",", "")):
        return int(text.replace(",", ""))
    return value


def _date(value: Any) -> Any:
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):  # the reader's YamlInt: as typed when that is not plain (00123, +5)
        return int(value) if str(value) == str(int(value)) else str(value)
    if isinstance(value, float):  # YamlFloat: the typed characters (1.10 stays 1.10)
        return str(value)
    if isinstance(value, str):
        return str(value)
    return value

"""Batch sheets for the tests and the benchmark: the example row of an industry, many customers, wrong rows.

A sheet is a header (Chinese labels, a few columns by key) and rows of cells built from the values
of ``contractgen init INDUSTRY --example``; each customer gets a name, a valid ID number and a
contract number of its own. Written as XLSX (openpyxl) or CSV in any encoding.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contractgen.batch.columns import Field, columns
from contractgen.batch.template import _cell, _example, _get
from contractgen.library import Library

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int, birth: dt.date = dt.date(1990, 3, 7)) -> str:
    """A resident ID number with a right check digit (area 110105, the birth date, a serial)."""
    body = f"110105{birth:%Y%m%d}{serial % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def example_row(library: Library, industry: str) -> dict[str, Any]:
    """Field key → the example's cell value (what ``batch-template`` puts on row 3)."""
    example = _example(library, industry)
    row = {}
    for field in columns(library, industry):
        value = _cell(library, industry, field, _get(example, field.key))
        if value is not None and value != "":
            row[field.key] = value
    return row


def customer_rows(library: Library, industry: str, count: int) -> list[dict[str, Any]]:
    """``count`` rows of the example, each with its own customer and contract number."""
    base = example_row(library, industry)
    rows = []
    for i in range(count):
        row = dict(base)
        row["contract_no"] = f"PJ-2026-{i + 1:04d}"
        row["parties.customer.name"] = f"客户{i + 1:04d}"
        if "parties.customer.id_number" in row:
            row["parties.customer.id_number"] = id_number(i)
        rows.append(row)
    return rows


def heading(field: Field, by_key: Sequence[str]) -> str:
    return field.key if field.key in by_key else field.label


def grid(fields: Sequence[Field], rows: Sequence[dict[str, Any]], by_key: Sequence[str] = ()) -> list[list[Any]]:
    return [[heading(f, by_key) for f in fields], *([row.get(f.key) for f in fields] for row in rows)]


def write_xlsx(path: Path, cells: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in cells:
        sheet.append(row)
    book.save(path)
    return path


def csv_bytes(cells: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in cells:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return out.getvalue().encode(encoding)

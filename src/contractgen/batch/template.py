"""``contractgen batch-template INDUSTRY``: an empty batch sheet with every column an industry's row may fill.

Row 1 heads each column in Chinese (the label a legal team knows; required columns in red), row 2
gives its key (``values.term_years``: a batch reads either row and skips this one), row 3 is an
example row that builds as it is (the values of ``contractgen init INDUSTRY --example``); choices
and yes/no columns carry a drop-down list (data validation) of what they accept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..canonical import canonical
from ..library import Library
from ..spec import PROFILE_LABELS, parse_spec, starter_spec
from .columns import Field, choice_name, column_letter, columns
from .report import workbook_bytes

VALIDATED_ROWS = 2000
"""How far down the drop-down lists reach."""


def template_xlsx(library: Library, industry: str) -> bytes:
    """The template workbook's bytes (the same library gives the same bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = columns(library, industry)
    example = _example(library, industry)
    book = Workbook()
    sheet = book.active
    sheet.title = library.industry[industry].name
    sheet.append([f.label for f in fields])
    sheet.append([f.key for f in fields])
    sheet.append([_cell(library, industry, f, _get(example, f.key)) for f in fields])
    key_fill = PatternFill("solid", fgColor="EEEEEE")
    for index, field in enumerate(fields, 1):
        head = sheet.cell(1, index)
        head.font = Font(bold=True, color="C00000" if field.required else None)
        key = sheet.cell(2, index)
        key.font, key.fill = Font(color="666666", size=9), key_fill
        if field.kind == "date":
            sheet.cell(3, index).number_format = "yyyy-mm-dd"
        sheet.column_dimensions[column_letter(index - 1)].width = max(12, min(40, 2 * len(field.label) + 2))
        if field.choices:
            letter = column_letter(index - 1)
            check = DataValidation(type="list", formula1='"' + ",".join(field.choices) + '"', allow_blank=True,
                                   showErrorMessage=True, errorTitle=field.label,
                                   error="可选：" + "、".join(field.choices))
            check.add(f"{letter}3:{letter}{VALIDATED_ROWS}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A3"
    return workbook_bytes(book)


def _example(library: Library, industry: str) -> dict[str, Any]:
    """The example spec's data, ids for names (it builds as it is)."""
    spec = parse_spec(starter_spec(library, industry, example=True).encode("utf-8"), "example.yaml")
    return canonical(spec, library, []).data


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _cell(library: Library, industry: str, field: Field, value: Any) -> Any:
    """An example value as a cell: a date as a date, a number as a number, a choice by its Chinese name."""
    if value is None:
        return None
    if field.kind == "date":
        from ..formats import parse_date

        return parse_date(value)
    if field.kind == "bool":
        return "是" if value is True or str(value).lower() == "true" else "否"
    if field.kind == "party-type":
        return "自然人" if value == "person" else "单位"
    if field.kind == "profile":
        return PROFILE_LABELS.get(str(value), str(value))
    if field.kind == "list":
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if field.kind == "choice":
        group = field.key.split(".", 1)[1]
        node = next((n for n in library.alternatives(industry).get(group, ()) if n.choice == value), None)
        return choice_name(node) if node is not None else str(value)
    if field.kind in ("int", "decimal", "money") and not isinstance(value, bool):
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    return str(value)

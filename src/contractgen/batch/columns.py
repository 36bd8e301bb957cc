"""A batch sheet's columns → the spec fields they fill, by key or by Chinese label.

A column is headed by a spec key in either form: the dotted key (``values.term_years``,
``parties.customer.name``, ``sign_date``, ``choose.dispute``) or the name a legal team uses
(``合同有效期（年）`` or ``合同有效期``, ``甲方名称``, ``甲方身份证号码``, ``签订日期``, ``争议解决``), every
name that ``names`` and ``spec`` give. ``columns`` lists every column an industry's sheet may have
(what ``batch-template`` writes), ``map_columns`` reads a sheet's header against it: an unknown
header (with its “did you mean”) and two columns filling one field are problems of the header row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import names
from ..errors import Problem
from ..i18n import msg
from ..library import ArticleDef, ClauseDef, Library, did_you_mean
from ..spec import (
    FIELD_LABELS,
    GUARDIAN_KEYS,
    KEY_NAMES,
    PARTY_FIELD_LABELS,
    PARTY_KEY_NAMES,
    PARTY_KEYS,
    PARTY_ROLES,
    PROFILE_LABELS,
    ROLE_LABELS,
)
from .sheet import Sheet

SCALAR_KEYS = ("profile", "contract_no", "title", "sign_date", "sign_place")
LIST_KEYS = ("include", "exclude", "annexes")
"""Columns whose cell lists several ids or names, separated by 、 , ， ; or ；."""
LIST_SEPARATORS = "、,，;；\n"


@dataclass(frozen=True, slots=True)
class Field:
    """One thing a column can fill in a spec."""

    key: str
    """The dotted spec key, ids only: ``values.term_years``, ``parties.customer.id_number``."""
    label: str
    """What the column is headed in Chinese: ``合同有效期（年）``, ``甲方身份证号码``."""
    kind: str
    """text | date | int | decimal | money | bool | enum | choice | list | party-type | profile."""
    required: bool = False
    choices: tuple[str, ...] = ()
    """What the cell may say (the Chinese names where there are any), for the template's validation."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the sheet and the field it fills."""

    index: int
    header: str
    field: Field


def columns(library: Library, industry: str) -> tuple[Field, ...]:
    """Every field a row of ``industry`` may fill, in the order of a spec (what ``batch-template`` heads)."""
    ind = library.industry[industry]
    fields = [Field("contract_no", FIELD_LABELS["contract_no"], "text"),
              Field("sign_date", FIELD_LABELS["sign_date"], "date", required=True),
              Field("sign_place", FIELD_LABELS["sign_place"], "text"),
              Field("profile", FIELD_LABELS["profile"], "profile", choices=tuple(PROFILE_LABELS.values()))]
    for role in PARTY_ROLES:
        designation = ROLE_LABELS[role]
        kind = ind.customer_type if role == "customer" else "organization"
        fields.append(Field(f"parties.{role}.type", f"{designation}类型", "party-type", choices=("自然人", "单位")))
        for key in _party_keys(kind):
            fields.append(Field(f"parties.{role}.{key}", designation + _party_label(kind, key), "text",
                                required=key == "name"))
    if ind.customer_type == "person":  # a minor customer signs through a guardian (监护人)
        fields += [Field(f"parties.guardian.{key}", ROLE_LABELS["guardian"] + _party_label("person", key), "text")
                   for key in GUARDIAN_KEYS]
    for variable in library.variables_for(industry):
        kind = "enum" if variable.choices else variable.type if variable.type != "string" else "text"
        choices = tuple(variable.choices) if variable.choices else ("是", "否") if variable.type == "bool" else ()
        fields.append(Field(f"values.{variable.name}", variable.label, kind,
                            required=variable.required and variable.default is None, choices=choices))
    for group, alternatives in library.alternatives(industry).items():
        shown = tuple(dict.fromkeys(choice_name(node) for node in alternatives))  # one name each
        fields.append(Field(f"choose.{group}", names.group_title(library, alternatives), "choice", choices=shown))
    fields += [Field(key, FIELD_LABELS[key], "list") for key in LIST_KEYS]
    return tuple(fields)


def choice_name(node: ArticleDef | ClauseDef) -> str:
    """What a legal team calls an alternative (its title, else its first alias, else its id): a cell may say it."""
    return node.title or (node.aliases[0] if node.aliases else node.choice or "")


def _party_keys(kind: str) -> tuple[str, ...]:
    if kind == "person":
        return ("name", "id_number", "address", "phone", "email", "agent")
    return ("name", "credit_code", "address", "representative", "contact", "phone", "email", "agent")


def _party_label(kind: str, key: str) -> str:
    """``姓名``/``名称``, ``身份证号码``, ``与甲方关系``: a party field's label after 甲方, 乙方 or 监护人."""
    return ("姓名" if kind == "person" else "名称") if key == "name" else PARTY_FIELD_LABELS[key]


def _names(library: Library, industry: str) -> dict[str, tuple[str, ...]]:
    """Every header a column may have → the field keys it may mean (several: ambiguous)."""
    found: dict[str, list[str]] = {}

    def add(name: str, key: str) -> None:
        name = name.strip()
        if name and key not in found.setdefault(name, []):
            found[name].append(key)

    for key in (*SCALAR_KEYS, *LIST_KEYS):
        add(key, key)
        add(FIELD_LABELS[key], key)
    for name, key in KEY_NAMES.items():
        if key in SCALAR_KEYS + LIST_KEYS:
            add(name, key)
    for role, keys in (*((r, ("type", *PARTY_KEYS)) for r in PARTY_ROLES), ("guardian", GUARDIAN_KEYS)):
        for key in keys:
            for written in (f"parties.{role}.{key}", f"{role}.{key}"):
                add(written, f"parties.{role}.{key}")
        if role != "guardian":
            add(f"{ROLE_LABELS[role]}类型", f"parties.{role}.type")
        for name, key in {**{v: k for k, v in PARTY_FIELD_LABELS.items()}, **PARTY_KEY_NAMES}.items():
            if key in keys:
                add(ROLE_LABELS[role] + name, f"parties.{role}.{key}")
    variables = library.variables_for(industry)
    spaces = names.variables(variables)
    for variable in variables:
        add(f"values.{variable.name}", f"values.{variable.name}")
        add(variable.name, f"values.{variable.name}")
    for name, ids in spaces.by_name.items():
        for ident in ids:
            add(name, f"values.{ident}")
    groups = names.groups(library, industry)
    for group in groups.ids:
        add(f"choose.{group}", f"choose.{group}")
    for name, ids in groups.by_name.items():
        for ident in ids:
            add(name, f"choose.{ident}")
    return {name: tuple(keys) for name, keys in found.items()}


def map_columns(sheet: Sheet, library: Library, industry: str) -> tuple[tuple[Column, ...], list[Problem]]:
    """The sheet's columns and the fields they fill; problems of the header row (unknown, ambiguous, twice)."""
    by_key = {f.key: f for f in columns(library, industry)}
    known = _names(library, industry)
    problems: list[Problem] = []
    mapped: list[Column] = []
    first: dict[str, str] = {}
    for index, header in enumerate(sheet.header):
        written = sheet.keys[index] if index < len(sheet.keys) and sheet.keys[index] else header
        header = header or written
        if not written:
            if any(row.cells[index] is not None for row in sheet.rows):
                problems.append(Problem(sheet.path, sheet.header_row, "", msg("batch.column-no-header",
                                                                             column=column_letter(index))))
            continue
        keys = known.get(written, ())
        if len(keys) > 1:
            problems.append(Problem(sheet.path, sheet.header_row, "", msg("spec.name-ambiguous", name=header,
                                                                             candidates=keys)))
            continue
        field = by_key.get(keys[0]) if keys else None
        if field is None:
            labels = [f.label for f in by_key.values()] + list(by_key)
            problems.append(Problem(sheet.path, sheet.header_row, "", msg(
                "batch.column-unknown", column=column_letter(index), header=header,
                hint=did_you_mean(header, labels))))
            continue
        if field.key in first:
            problems.append(Problem(sheet.path, sheet.header_row, "", msg(
                "batch.column-twice", column=column_letter(index), header=header, first=first[field.key])))
            continue
        first[field.key] = header
        mapped.append(Column(index, header, field))
    return tuple(mapped), problems


def with_key_row(sheet: Sheet, library: Library, industry: str) -> Sheet:
    """The sheet with its row of keys (the second header row ``batch-template`` writes) taken as ``keys``.

    A row is the key row when every cell in it is a field key; then the columns are mapped by the
    keys, so two fields that share a Chinese label (the header row) are still told apart.
    """
    if not sheet.rows:
        return sheet
    known = {f.key for f in columns(library, industry)}
    cells = sheet.rows[0].cells
    given = [c for c in cells if c is not None]
    if not given or not all(isinstance(c, str) and c in known for c in given):
        return sheet
    return replace(sheet, keys=tuple(c if isinstance(c, str) else None for c in cells), rows=sheet.rows[1:])


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

"""Each row of a batch sheet → the spec of its contract, checked by composing it, before anything is rendered.

A row's spec is the base spec (``--base``: what every row shares, the provider and the options)
with the row's cells set on top, written out as a spec file's text: that text is what the
contract is built from, its file (``OUT/规格/0012-李明.yaml``) builds the same folder with
``contractgen build``, and its hash is the one in the manifest. Cells keep their meaning, not their
spreadsheet type: a number in a text column (a phone typed as a number) is its digits, a date cell
is the date, a date written as text (``2026年3月1日``) is read as specs read dates, so ``三月一日``
is a problem of that row and column. Problems are reported per row and column, by the column's
header as the sheet has it: ``rows.xlsx 第 12 行，“甲方身份证号码”：……``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..build import annex_key
from ..canonical import canonical
from ..compose import compose
from ..errors import InputError, Problem, SpecError
from ..i18n import Message, msg
from ..legal_check import compose_checked
from ..library import Library
from ..model import Contract
from ..spec import Spec, field_label, parse_spec
from .columns import LIST_SEPARATORS, Column, column_letter, map_columns, with_key_row
from .sheet import Row, Sheet

SPEC_FOLDER = "规格"
"""Where a batch puts each row's spec file (``OUT/规格/0012-李明.yaml``)."""
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\s]+")
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_BARE_KEY = re.compile(r"[a-z][a-z0-9_-]*")
"""A key written without quotes (every id is one); YAML reads it back as the same text."""
NAME_LENGTH = 40
"""How much of a customer's name a folder name keeps."""


@dataclass(frozen=True, slots=True)
class RowProblem(Problem):
    """A problem of one row of the sheet: ``rows.xlsx 第 12 行，“甲方身份证号码”：……``."""

    header: str = ""
    """The column's header as the sheet has it, or the field's label when no column gives the field."""

    def __str__(self) -> str:
        if not self.header:
            return str(msg("batch.row-problem-no-column", path=self.path, row=self.line, message=self.msg))
        return str(msg("batch.row-problem", path=self.path, row=self.line, column=self.header, message=self.msg))


class BatchError(InputError):
    """Rows of the sheet are wrong (every one listed), or the sheet's header is."""


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One good row: the spec its contract is built from, and where it goes."""

    row: int
    folder: str
    """The contract's subfolder of the output folder: ``0012-李明``."""
    text: str
    """The spec file's text (``OUT/规格/<folder>.yaml``)."""

    @property
    def spec_name(self) -> str:
        return f"{self.folder}.yaml"

    def spec(self) -> Spec:
        return parse_spec(self.text.encode("utf-8"), self.spec_name)


@dataclass(frozen=True, slots=True)
class Checked:
    """A row after checking: its spec, or its problems; what the report says of it."""

    row: int
    spec: RowSpec | None
    problems: tuple[RowProblem, ...]
    customer: str = ""
    contract_no: str = ""
    title: str = ""
    annexes: tuple[tuple[str, str], ...] = ()
    """Each annex's id and ``build.annex_key``: rows with equal keys share the annex's files."""


@dataclass(frozen=True)
class Plan:
    """A whole sheet checked: every row, in order, and the header's mapping."""

    sheet: Sheet
    industry: str
    columns: tuple[Column, ...]
    rows: tuple[Checked, ...]

    @property
    def good(self) -> tuple[Checked, ...]:
        return tuple(r for r in self.rows if r.spec is not None)

    @property
    def problems(self) -> tuple[RowProblem, ...]:
        return tuple(p for r in self.rows for p in r.problems)


CHECK_CHUNK = 20
"""Rows per task when the rows are checked on a pool (few tasks, each worth sending)."""


def plan_batch(sheet: Sheet, library: Library, industry: str, base: Spec | None = None, *,
               pool: Executor | None = None) -> Plan:
    """Map the sheet's columns and check every row by composing its contract; header problems raise ``BatchError``.

    Each row's contract is composed to check it and then let go: the batch renders from the spec
    text, so the memory held grows with the specs' text only, however many rows there are. With
    ``pool`` (``run.batch_pool``: workers holding the library) the rows are checked there, a chunk
    a task, instead of one after the other here: the same results, in the same order.
    """
    sheet = with_key_row(sheet, library, industry)
    mapped, problems = map_columns(sheet, library, industry)
    if problems:
        raise BatchError(problems)
    rows = sheet.rows
    if not rows:
        raise BatchError([Problem(sheet.path, None, "", msg("batch.no-rows"))])
    shared = _base_data(base, library, industry)
    width = max(4, len(str(rows[-1].number)))
    if pool is None or len(rows) <= CHECK_CHUNK:
        checked = [check_row(sheet, row, mapped, shared, library, width) for row in rows]
    else:
        bare = dataclasses.replace(sheet, rows=())  # a task needs the sheet's name, not every row
        tasks = [pool.submit(check_rows, bare, rows[i:i + CHECK_CHUNK], tuple(mapped), shared, width)
                 for i in range(0, len(rows), CHECK_CHUNK)]
        try:
            checked = [row for task in tasks for row in task.result()]
        finally:
            for task in tasks:
                task.cancel()
    return Plan(sheet, industry, mapped, tuple(_same_numbers(sheet, checked, mapped)))


def check_rows(sheet: Sheet, rows: Sequence[Row], mapped: Sequence[Column], shared: dict[str, Any],
               width: int) -> list[Checked]:
    """``check_row`` for each of ``rows`` on a pool worker, with the library the worker holds."""
    from .run import worker_library

    library = worker_library()
    return [check_row(sheet, row, mapped, shared, library, width) for row in rows]


def _base_data(base: Spec | None, library: Library, industry: str) -> dict[str, Any]:
    """The base spec's data with ids for names (its problems, and an industry not the batch's, raise)."""
    if base is None:
        return {"industry": industry}
    problems: list[Problem] = []
    data = _plain(canonical(base, library, problems).data)
    given = data.get("industry", industry)
    if given != industry:
        problems.append(Problem(base.path, None, "industry", msg("batch.base-other-industry", base=given,
                                                                 industry=industry)))
    if problems:
        raise SpecError(problems)
    data["industry"] = industry
    try:  # what the base gives must be right on its own: said once, not once per row
        compose(Spec(base.path, _yaml_map(data), base.sha256), library, draft=True)
    except SpecError as exc:
        raise SpecError([p for p in exc.problems if p.code != "spec.value-missing"]) from None
    return data


def check_row(sheet: Sheet, row: Row, mapped: Sequence[Column], shared: dict[str, Any], library: Library,
              width: int) -> Checked:
    """One row's spec and contract, or its problems."""
    data = _plain(shared)  # a copy of the maps and lists; the values are shared, never changed
    problems: list[RowProblem] = []
    for column in mapped:
        value = row.cells[column.index]
        if value is None:
            continue
        converted = _cell_value(value, column.field.kind)
        if isinstance(converted, Message):
            problems.append(_problem(sheet, row, column.header, column.field.key, converted))
            continue
        _set(data, column.field.key, converted)
    customer = _text(data, "parties", "customer", "name")
    folder = f"{row.number:0{width}d}" + (f"-{_safe(customer)}" if _safe(customer) else "")
    text = spec_text(data, f"{sheet.path} 第 {row.number} 行")
    spec = RowSpec(row.number, folder, text)
    contract: Contract | None = None
    try:
        contract, _warnings = compose_checked(spec.spec(), library)  # a row's contract is for signing
    except InputError as exc:
        by_key = {c.field.key: c.header for c in mapped}
        problems += [_problem(sheet, row, _column_for(p.field, by_key, library), p.field, p.msg) for p in exc.problems]
    if problems or contract is None:
        return Checked(row.number, None, tuple(problems), customer, _text(data, "contract_no"))
    annexes = tuple((annex.id, annex_key(contract, annex.id)) for annex in contract.annexes)
    return Checked(row.number, spec, (), customer, contract.contract_no, contract.title, annexes)


def _same_numbers(sheet: Sheet, checked: list[Checked], mapped: Sequence[Column]) -> list[Checked]:
    """A contract number given on two rows is a problem of the later row (the register refuses the second)."""
    header = next((c.header for c in mapped if c.field.key == "contract_no"), "合同编号")
    seen: dict[str, int] = {}
    out = []
    for row in checked:
        number = row.contract_no
        if row.spec is not None and number and number in seen:
            problem = RowProblem(sheet.path, row.row, "contract_no",
                                 msg("batch.contract-no-twice", number=number, first=seen[number]), header=header)
            row = dataclasses.replace(row, spec=None, problems=(problem,))
        elif number:
            seen.setdefault(number, row.row)
        out.append(row)
    return out


def _column_for(field: str, by_key: dict[str, str], library: Library) -> str:
    """The header of the column a problem's field came from; else the field's Chinese label."""
    field = re.sub(r"\[\d+\]", "", field)
    for key in (field, *(field.rsplit(".", n)[0] for n in (1, 2) if field.count(".") >= n)):
        if key in by_key:
            return by_key[key]
    return field_label(field, library) or field


def _problem(sheet: Sheet, row: Row, column: str, field: str, message: Message | str) -> RowProblem:
    return RowProblem(sheet.path, row.number, field, message, header=column)


def _cell_value(value: Any, kind: str) -> Any:
    """A cell as the spec value it stands for (see the module's docstring); a ``Message`` when it is none."""
    if isinstance(value, dt.datetime):
        # A time of day in a date column is the composer's to refuse (it names the date); in text it is text.
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return msg("batch.cell-not-a-number")
        value = int(value) if value.is_integer() and abs(value) < 1e15 else Decimal(repr(value))
    if kind == "list":
        return [part.strip() for part in re.split(f"[{LIST_SEPARATORS}]", str(value)) if part.strip()]
    if kind in ("text", "enum", "choice", "party-type", "profile") and not isinstance(value, str):
        if isinstance(value, bool):
            return "是" if value else "否"
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    *path, last = key.split(".")
    for part in path:
        inner = data.get(part)
        if not isinstance(inner, dict):
            inner = data[part] = {}
        data = inner
    data[last] = value


def _text(data: dict[str, Any], *path: str) -> str:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None  # type: ignore[assignment]
    return str(data).strip() if isinstance(data, (str, int)) and not isinstance(data, bool) else ""


def _safe(name: str) -> str:
    """A customer's name as part of a folder name: no separators, no control characters, not too long."""
    return _UNSAFE.sub("_", name).strip("._")[:NAME_LENGTH]


# --- the spec text --------------------------------------------------------------------------------

def spec_text(data: dict[str, Any], origin: str) -> str:
    """A spec's data as the text of a spec file; reading it back gives the same values (types included)."""
    return f"# contractgen batch：{origin}\n" + "".join(line + "\n" for line in _yaml_lines(data, 0))


def _yaml_lines(data: dict[str, Any], indent: int) -> list[str]:
    lines = []
    pad = "  " * indent
    for key, value in data.items():
        if value is None:
            continue
        bare = _BARE_KEY.fullmatch(str(key)) and str(key) not in ("true", "false", "null")  # YAML's words stay text
        head = f"{pad}{key if bare else _scalar(str(key))}:"
        if isinstance(value, dict):
            inner = _yaml_lines(value, indent + 1)
            lines += [head, *inner] if inner else [head + " {}"]
        elif isinstance(value, list):
            lines += [head, *(f"{pad}  - {_scalar(item)}" for item in value)] if value else [head + " []"]
        else:
            lines.append(f"{head} {_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    """A plain value as YAML 1.2 reads it back: text always quoted (JSON's quoting is YAML's), numbers as written."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # a YamlInt/YamlFloat gives the characters the base spec had
    if isinstance(value, dt.date):
        return value.isoformat()
    # JSON's quoting is YAML's, but YAML also breaks lines at U+0085/2028/2029 and refuses C1 controls
    # and U+FEFF inside quotes: those are written as escapes, so a cell's text comes back as it was.
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(value), ensure_ascii=False))


def _plain(data: Any) -> Any:
    """YAML maps and lists as plain dicts and lists (values untouched)."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _yaml_map(data: dict[str, Any]) -> Any:
    """Plain data as the YAML maps the composer reads (no line numbers: the base was checked by its own)."""
    from ..yamlio import YamlList, YamlMap

    if isinstance(data, dict):
        out = YamlMap((k, _yaml_map(v)) for k, v in data.items())
        out.line, out.key_lines = 0, {}
        return out
    if isinstance(data, list):
        items = YamlList(_yaml_map(v) for v in data)
        items.line, items.item_lines = 0, [0] * len(items)
        return items
    return data


__all__ = ["BatchError", "Checked", "Plan", "RowProblem", "RowSpec", "SPEC_FOLDER", "column_letter", "plan_batch",
           "spec_text"]

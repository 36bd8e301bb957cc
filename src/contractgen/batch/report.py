"""``OUT/报告.xlsx``: one line per row of the sheet, what became of it, in Chinese.

Owns the report's layout: the row number, 状态 (已生成 / 有误), the contract number, the customer,
the output folder, the problems of a wrong row (one a line, by column), then one column per file
a contract has (``contract.pdf``, ``annexes/privacy-policy.pdf`` …) holding that file's SHA-256, as
in its ``manifest.json``. The same sheet and contracts give the same bytes (fixed document dates and
ZIP times), as every output of contractgen does.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import msg, use_language
from .rows import Plan, RowProblem

if TYPE_CHECKING:
    from openpyxl import Workbook

REPORT_NAME = "报告.xlsx"
HEADERS = ("行号", "状态", "合同编号", "甲方", "输出文件夹", "问题")
DONE, WRONG = "已生成", "有误"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True, slots=True)
class RowResult:
    """A contract written: its folder and each file's path and SHA-256."""

    folder: str
    files: tuple[tuple[str, str], ...]
    contract_no: str = ""
    """The number the contract got, when not the sheet's (the register numbers a web batch)."""


def report_xlsx(plan: Plan, results: Mapping[int, RowResult]) -> bytes:
    """The report workbook's bytes: every row of ``plan``, written or wrong."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    paths = list(dict.fromkeys(path for r in results.values() for path, _ in r.files))
    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    sheet.append([*HEADERS, *paths])
    wrong_fill = PatternFill("solid", fgColor="FDE2E1")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    with use_language("zh"):  # the report is for the legal team: Chinese, as the sheet's headers are
        for row in plan.rows:
            result = results.get(row.row)
            problems = "\n".join(_problem_text(p) for p in row.problems)
            hashes = dict(result.files) if result else {}
            number = (result.contract_no if result else "") or row.contract_no
            sheet.append([row.row, DONE if result else WRONG, number, row.customer,
                          result.folder if result else "", problems, *(hashes.get(p, "") for p in paths)])
            if not result:
                for cell in sheet[sheet.max_row]:
                    cell.fill = wrong_fill
            sheet.cell(sheet.max_row, HEADERS.index("问题") + 1).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (6, 8, 18, 24, 28, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    return workbook_bytes(book)


def workbook_bytes(book: Workbook) -> bytes:
    """An openpyxl workbook saved with fixed dates and ZIP member times: the same workbook, the same bytes."""
    book.properties.creator = "contractgen"
    book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip(out.getvalue())


def _problem_text(problem: RowProblem) -> str:
    """A problem without the file and row (the line says which row): ``“甲方身份证号码”：……``."""
    if problem.header:
        return str(msg("batch.report-problem", column=problem.header, message=problem.msg))
    return str(problem.msg)


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with every member's time fixed, so the same report is the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving, whatever was set
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()

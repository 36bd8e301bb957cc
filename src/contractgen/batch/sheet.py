"""Reading a batch's rows: a spreadsheet (XLSX, XLS, ODS) or a CSV file → a header and numbered rows.

Owns the file formats and encodings, nothing about contracts. Spreadsheets are read with
python-calamine (dates come as dates, formula cells as their computed values, a merged cell's
value is given to every cell it covers); CSV files may be UTF-8 with or without a byte-order mark or
GB18030 (what Excel in China writes as “CSV”), told apart by decoding, never guessed into mojibake.
Empty rows are skipped; every row keeps the number the spreadsheet shows for it, so a message says
``第 12 行`` for the row the user sees as 12.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..files import UnreadableFile, read_bounded
from ..i18n import msg

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
MAX_SHEET_BYTES = 50_000_000
"""A sheet of 100,000 customers is a few megabytes; 50 MB is a mistake (or a picture pasted in)."""
MAX_UPLOAD_BYTES = 20_000_000
"""A sheet uploaded to the web app: tens of thousands of rows (a server takes no more in one request)."""
MAX_ROWS = 100_000
"""Rows of contracts one batch takes: its report and register entries stay workable."""


class SheetError(InputError):
    """The sheet cannot be read at all (unreadable, unknown format, no header)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One non-empty row of the sheet."""

    number: int
    """The row's number as the spreadsheet shows it (1-based; the header is row 1 in the template)."""
    cells: tuple[Any, ...]
    """The cells under the header, in order: text, numbers, bools, dates; ``None`` for an empty cell."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """What a batch reads: the header cells and the rows beneath it."""

    path: str
    """The file as the user named it (used in every message)."""
    header: tuple[str, ...]
    header_row: int
    rows: tuple[Row, ...]
    keys: tuple[str | None, ...] = ()
    """The row of keys under the Chinese header (as ``batch-template`` writes it), when there is one:
    the columns are mapped by it, and named by the header row in messages."""


def read_sheet(path: Path | None, display: str | None = None, data: bytes | None = None) -> Sheet:
    """The first worksheet of a spreadsheet, or a CSV file; ``data`` instead of reading ``path`` (an upload)."""
    display = display or str(path)
    suffix = Path(display if data is not None else path).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES + CSV_SUFFIXES:
        raise SheetError([Problem(display, None, "", msg("batch.sheet-kind-unknown", suffix=suffix or display,
                                                         choices=SPREADSHEET_SUFFIXES + (".csv",)))])
    if data is None:
        try:
            data = read_bounded(path, MAX_SHEET_BYTES)
        except UnreadableFile as exc:
            raise SheetError([Problem(display, None, "", exc.reason)]) from None
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError([Problem(display, None, "", msg("file.too-large", size=len(data), limit=MAX_SHEET_BYTES))])
    grid = _csv_grid(data, display) if suffix in CSV_SUFFIXES else _spreadsheet_grid(data, display)
    return _sheet(display, grid)


def _spreadsheet_grid(data: bytes, display: str) -> list[list[Any]]:
    """Every cell of the first worksheet, from A1, merged cells filled with their value."""
    from python_calamine import CalamineWorkbook  # a CSV batch never loads it

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        grid = [list(row) for row in sheet.to_python(skip_empty_area=False)]
        merged = sheet.merged_cell_ranges or []
    except Exception:  # calamine's errors have no common base beyond this; their English text says no more
        raise SheetError([Problem(display, None, "", msg("batch.sheet-unreadable"))]) from None
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, min(right, len(grid[r]) - 1) + 1):
                grid[r][c] = value
    return grid


def _csv_grid(data: bytes, display: str) -> list[list[Any]]:
    """A CSV file's cells, as text, after telling its encoding by decoding it."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="strict") if _decodes(data[3:], "utf-8") else None
    else:
        text = next((data.decode(enc) for enc in ("utf-8", "gb18030") if _decodes(data, enc)), None)
    if text is None:
        raise SheetError([Problem(display, None, "", msg("batch.csv-encoding-unknown"))])
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return [list(row) for row in reader]
    except csv.Error:  # an unpaired quote swallows the rest of the file: the line it gives up on says nothing
        raise SheetError([Problem(display, None, "", msg("batch.csv-malformed"))]) from None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _sheet(display: str, grid: list[list[Any]]) -> Sheet:
    """Header = the first non-empty row; a row of keys right under it is the template's second header."""
    numbered = [(i + 1, [_cell(v) for v in row]) for i, row in enumerate(grid)]
    numbered = [(n, row) for n, row in numbered if any(v is not None for v in row)]
    if not numbered:
        raise SheetError([Problem(display, None, "", msg("batch.sheet-empty"))])
    header_row, header_cells = numbered[0]
    width = max(i + 1 for i, v in enumerate(header_cells) if v is not None)
    header = tuple("" if v is None else str(v).strip() for v in header_cells[:width])
    rows = [Row(n, tuple((cells + [None] * width)[:width])) for n, cells in numbered[1:]]
    if len(rows) > MAX_ROWS:
        raise SheetError([Problem(display, None, "", msg("batch.too-many-rows", rows=len(rows), limit=MAX_ROWS))])
    return Sheet(display, header, header_row, tuple(rows))


def _cell(value: Any) -> Any:
    """A cell as the batch reads it: text stripped (empty → None), a date-time at midnight as a date."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date()
    return value

"""Reads .xlsx/.xls/.ods/.csv lists as they come: title rows, odd headers, several sheets."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

import pandas as pd
import python_calamine

from programme.core.errors import UnreadableFile

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
# The header is looked for in this many rows from the top (title rows come first).
HEADER_SEARCH_ROWS = 30
# A row is taken as the header only when at least this many of its cells are known column names.
MIN_HEADER_MATCHES = 2


@dataclass
class SheetTable:
    """The list found in a file: its sheet, header row, and rows as text with their spreadsheet numbers."""

    sheet: str
    header_row: int  # 1-based, as the spreadsheet shows it
    columns: list[str]
    frame: pd.DataFrame  # one column per header cell, all values as stripped text ('' when blank)
    row_numbers: list[int]  # the spreadsheet row of each frame row (1-based; for CSV the header is row 1)


def header_key(text: object) -> str:
    """Return a column name without case, accents, spaces or punctuation: "E-mail address" → "emailaddress"."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def map_columns(columns: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return {field: column} for each field whose synonym (compared by header_key) names a column."""
    keys = {header_key(column): column for column in reversed(columns) if str(column).strip()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in synonyms.items():
        for name in [field, *names]:
            column = keys.get(header_key(name))
            if column is not None and column not in taken:
                mapping[field] = column
                taken.add(column)
                break
    return mapping


def _cell_text(value: object) -> str:
    if type(value) is str:  # most cells: text, and ASCII text is already NFC
        return value.strip() if value.isascii() else unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # noqa: PLR0124 - NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise UnreadableFile("The CSV file's text encoding is not UTF-8 or Windows-1252.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _workbook_sheets(data: bytes) -> dict[str, list[list[str]]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {}
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = [
                # _cell_text, with its commonest case (ASCII text) spelt out: the same text, sooner
                [cell.strip() if type(cell) is str and cell.isascii() else _cell_text(cell) for cell in row]
                for row in rows
            ]
        return sheets
    except Exception as error:
        raise UnreadableFile(
            "The file could not be read as a spreadsheet; it may be damaged or password-protected."
        ) from error


def _find_header(
    rows: list[list[str]], known: set[str], header_cell: Callable[[str], bool] | None = None
) -> tuple[int, int]:
    """Return (index of the header row, number of known names in it)."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for cell in row if header_key(cell) in known or (header_cell is not None and header_cell(cell)))
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def read_table(
    data: bytes,
    filename: str,
    synonyms: Mapping[str, Sequence[str]],
    *,
    header_cell: Callable[[str], bool] | None = None,
) -> SheetTable:
    """Return the list in a file: the sheet and header row that best match the synonyms, blank rows dropped.

    header_cell, when given, also counts a cell as a column name (for lists whose columns are free-form
    questions, such as evaluation exports); the first best-scoring row wins, so a header beats the rows below.
    """
    suffix = PurePath(filename).suffix.lower()
    if not data:
        raise UnreadableFile("The file is empty.")
    if suffix == ".csv" or suffix == ".txt":
        sheets = {"CSV": _csv_rows(data)}
    elif suffix in SPREADSHEET_SUFFIXES:
        sheets = _workbook_sheets(data)
    else:
        raise UnreadableFile(f"Files of type '{suffix or 'unknown'}' cannot be read; use .xlsx, .xls, .ods or .csv.")
    known = {header_key(name) for field, names in synonyms.items() for name in [field, *names]}
    chosen = max(sheets.items(), key=lambda item: _find_header(item[1], known, header_cell)[1], default=None)
    if chosen is None:
        raise UnreadableFile("The file holds no sheet.")
    name, rows = chosen
    header_index, score = _find_header(rows, known, header_cell)
    if score < MIN_HEADER_MATCHES:
        raise UnreadableFile("No header row with recognisable column names was found in the first 30 rows.")
    header = [cell or f"Column {i + 1}" for i, cell in enumerate(rows[header_index])]
    width = len(header)
    body, numbers = [], []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if any(row):
            body.append(row if len(row) == width else (row + [""] * width)[:width])
            numbers.append(offset)
    frame = pd.DataFrame(body, columns=_unique(header), dtype=object)
    return SheetTable(
        sheet=name, header_row=header_index + 1, columns=list(frame.columns), frame=frame, row_numbers=numbers
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name} ({count + 1})")
    return result

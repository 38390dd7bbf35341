"""Exports a spreadsheet program opens safely: no cell can start a formula (OWASP CSV injection)."""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A cell starting with one of these can be run as a formula by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on a sheet name's length.
SHEET_NAME_MAX = 31


# An international phone number as stored: "+" and digits, spaces, brackets, dots and hyphens. In a workbook, where
# every text cell is typed as text, such a number is shown as it is: even typed again into the cell it calls no
# function and reaches no other program (no letters, no "|"); in a CSV file it keeps its quote.
PHONE_LIKE = re.compile(r"\+[0-9][0-9 ().\-]*")


def safe_cell(value: object, *, in_workbook: bool = False) -> object:
    """Return value, with control characters a workbook cannot hold removed (tab, line feed and carriage
    return stay) and text that could start a formula prefixed by a single quote (in a workbook, not a phone
    number)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS) and not (in_workbook and PHONE_LIKE.fullmatch(value)):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame, *, in_workbook: bool = False) -> pd.DataFrame:
    """Return a copy of frame whose text cells (and column names) cannot start a formula."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda value: safe_cell(value, in_workbook=in_workbook))
    safe.columns = [safe_cell(str(column)) for column in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return frame as UTF-8 CSV with a BOM (so Excel reads accents), formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per frame; every cell is a value, never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(title=str(title)[:SHEET_NAME_MAX])
        safe = safe_frame(frame, in_workbook=True)
        sheet.append([str(column) for column in safe.columns])
        for row in safe.itertuples(index=False):
            sheet.append([_plain(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(safe.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
        # openpyxl would still treat a leading "=" as a formula; every text cell is typed as a string.
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return None
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value  # enums
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value

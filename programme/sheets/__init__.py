"""Spreadsheets in and out: a tolerant reader (header detection, synonyms) and formula-safe writers."""

from programme.sheets.reader import SheetTable, header_key, hidden_note, map_columns, other_sheets_note, read_table
from programme.sheets.writer import safe_cell, safe_frame, to_csv_bytes, to_xlsx_bytes

__all__ = [
    "SheetTable",
    "header_key",
    "hidden_note",
    "map_columns",
    "other_sheets_note",
    "read_table",
    "safe_cell",
    "safe_frame",
    "to_csv_bytes",
    "to_xlsx_bytes",
]

"""The shared spreadsheet reader and the formula-safe writers."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from programme.core.db import REPO_ROOT
from programme.core.errors import UnreadableFile
from programme.sheets import map_columns, read_table, safe_cell, to_csv_bytes, to_xlsx_bytes

SAMPLES = REPO_ROOT / "tests" / "data"  # copies of ../shared/samples/
SYNONYMS = {
    "family": ["Surname", "Last name"],
    "given": ["Given name", "First name"],
    "gender": ["M/F", "Sex"],
    "nationality": ["Country", "Nationality"],
    "email": ["E-mail", "Email address"],
}


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_header_below_title_rows_and_spreadsheet_row_numbers() -> None:
    data = _xlsx(
        [
            ["Attendance list"],
            [],
            ["Surname", "Given name", "E-mail"],
            ["Santos", "Maria", "m@x.org"],
            [],
            ["Lim", "Wei", ""],
        ]
    )
    table = read_table(data, "list.xlsx", SYNONYMS)
    assert table.header_row == 3
    assert table.row_numbers == [4, 6]  # the blank row 5 is skipped, numbering kept
    assert table.frame["Surname"].tolist() == ["Santos", "Lim"]


def test_csv_with_bom_and_windows_1252_fallback() -> None:
    utf8 = "\ufeffSurname,Given name\nSantos,María\n".encode()
    assert read_table(utf8, "a.csv", SYNONYMS).frame["Given name"].tolist() == ["María"]
    cp1252 = "Surname;Given name\nSantos;José\n".encode("cp1252")
    table = read_table(cp1252, "b.csv", SYNONYMS)
    assert table.frame["Given name"].tolist() == ["José"] and table.row_numbers == [2]


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_csv_is_read_as_it_is(bom: bytes, codec: str) -> None:
    """Excel's "Unicode Text" and Microsoft Teams' reports are UTF-16 with a byte order mark, tab-separated: they
    were read as Windows-1252 (every other byte a NUL) and refused, "No header row...". Each cell is read as written."""
    rows = [
        ["Surname", "Given name", "E-mail"],
        ["Nguyễn", "Thị Hoa", "hoa@example.vn"],
        ["Santos", "María José", ""],
        ["Gurung", "Bikash", "bikash@example.org"],
    ]
    data = bom + "\r\n".join("\t".join(row) for row in rows).encode(codec) + "\r\n".encode(codec)
    table = read_table(data, "unicode text.csv", SYNONYMS)
    assert table.header_row == 1 and table.columns == rows[0]
    assert table.frame.values.tolist() == rows[1:] and table.row_numbers == [2, 3, 4]


def test_picks_the_sheet_that_holds_the_list() -> None:
    table = read_table((SAMPLES / "attendance_sheet.xlsx").read_bytes(), "attendance_sheet.xlsx", SYNONYMS)
    assert table.sheet == "Attendance" and table.header_row == 4


def test_map_columns_ignores_case_spaces_and_punctuation() -> None:
    mapping = map_columns(["SURNAME ", "given-name", "e mail"], SYNONYMS)
    assert mapping == {"family": "SURNAME ", "given": "given-name", "email": "e mail"}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.xlsx", "empty"),
        (b"not a zip", "x.xlsx", "could not be read"),
        (b"a,b", "x.pdf", "cannot be read"),
        (b"foo,bar\n1,2\n", "x.csv", "No header row"),
    ],
)
def test_unreadable_files_say_why(data: bytes, name: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_table(data, name, SYNONYMS)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "+1+SUM(A1)", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_formula_triggers_are_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text
    frame = pd.DataFrame({"name": [text]})
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines()[1].lstrip('"').startswith("'")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))["s"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'")


def test_phone_numbers_keep_their_plus_in_a_workbook_and_their_quote_in_csv() -> None:
    phones = ["+60165556666", "+977 980-123 4567", "+1 (555) 010.0199"]
    frame = pd.DataFrame({"phone": phones})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))["s"]
    assert [cell.value for cell in sheet["A"][1:]] == phones  # shown as stored, typed as text
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    lines = to_csv_bytes(frame).decode("utf-8-sig").splitlines()[1:]
    assert [line.strip('"') for line in lines] == ["'" + phone for phone in phones]  # a CSV file has no cell types


def test_control_characters_a_workbook_cannot_hold_are_removed() -> None:
    frame = pd.DataFrame({"name\x02": ["Ana\x00 Lim", '\x01=HYPERLINK("http://x")', "two\nlines\tkept"]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))["s"]
    assert [cell.value for cell in sheet["A"]] == ["name", "Ana Lim", '\'=HYPERLINK("http://x")', "two\nlines\tkept"]
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines()[2].lstrip('"').startswith("'=HYPERLINK")


def test_ordinary_values_are_untouched() -> None:
    assert safe_cell("Maria Santos") == "Maria Santos"
    assert safe_cell(-3) == -3

"""Large workbooks are parsed by calamine in a child process while the reader's own process scans them.

Every test here forces that path (reader.CHILD_MIN_BYTES = 0): the same tables as the in-process reader gives, the
scan's refusals as before, a child that dies gives one sentence, and no child is left running.
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from programme.core.db import REPO_ROOT
from programme.core.errors import UnreadableFile
from programme.importing.columns import PARTICIPANT_SYNONYMS
from programme.sheets import calamine_child, read_table, reader
from tests import hostile_files

# The hostile-file tests, run again here with the child forced (pytest collects them in this module too).
from tests.test_hostile_files import (  # noqa: F401
    test_a_cell_whose_position_is_escaped_is_refused,
    test_a_far_row_alone_is_refused_for_the_cells_it_spans,
    test_a_large_declared_dimension_with_few_cells_is_read,
    test_a_zip_bomb_is_refused_by_its_packing_ratio,
    test_an_ods_saved_by_libreoffice_with_empty_repeats_to_the_edge_is_read,
    test_an_ods_whose_xml_is_damaged_is_refused_in_one_sentence_not_read_past_the_damage,
    test_repeated_ods_cells_are_refused_before_calamine_expands_them,
    test_the_far_cell_file_is_small_and_refused_for_its_column,
)
from tests.test_sheets import (  # noqa: F401
    test_header_below_title_rows_and_spreadsheet_row_numbers,
    test_phone_numbers_keep_their_plus_in_a_workbook_and_their_quote_in_csv,
    test_picks_the_sheet_that_holds_the_list,
    test_unreadable_files_say_why,
)

STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _child_always(monkeypatch: pytest.MonkeyPatch) -> object:
    """Every workbook through the child; afterwards, every child started has ended and been waited for."""
    monkeypatch.setattr(reader, "CHILD_MIN_BYTES", 0)
    STARTED.clear()
    start = reader._ChildParse.start.__func__

    def recorded(cls: type, data: bytes) -> reader._ChildParse | None:
        child = start(cls, data)
        if child is not None:
            STARTED.append(child.process)
        return child

    monkeypatch.setattr(reader._ChildParse, "start", classmethod(recorded))
    yield
    assert all(process.returncode is not None for process in STARTED), "a child process was left running"


def _table(data: bytes, name: str, synonyms: dict | None = None) -> tuple:
    table = read_table(data, name, synonyms or PARTICIPANT_SYNONYMS)
    return (table.sheet, table.header_row, table.columns, table.frame.to_dict("list"), table.row_numbers,
            table.other_sheets, table.hidden_columns)  # fmt: skip


def _both_ways(monkeypatch: pytest.MonkeyPatch, data: bytes, name: str, synonyms: dict | None = None) -> tuple:
    """Return the table read through the child, after checking the in-process reader gives the same."""
    through_child = _table(data, name, synonyms)
    assert STARTED, "the child was not used"
    with monkeypatch.context() as inside:
        inside.setattr(reader, "CHILD_MIN_BYTES", 1 << 62)
        count = len(STARTED)
        in_process = _table(data, name, synonyms)
        assert len(STARTED) == count
    assert through_child == in_process
    return through_child


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ["Full name", "Gender", "Nationality", "Date of birth", "Score", "Mobile"]


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "tests" / "data").rglob("*.xlsx")), ids=lambda path: path.name)
def test_the_fixtures_read_the_same_through_the_child(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    _both_ways(monkeypatch, path.read_bytes(), path.name)


def test_a_long_list_of_every_kind_of_cell_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    decomposed = unicodedata.normalize("NFD", "José Ñuñez")
    rows: list[list[object]] = [["Participants of the course"], [], HEADER]
    for number in range(1, 9_001):  # over two of the child's frames of rows
        if number % 1_000 == 0:
            rows.append([])  # a blank row: dropped, the rows after it keep their numbers
            continue
        rows.append([f" Person {number} " if number % 3 else decomposed, "F", "Nepal", date(1990, 1, 1 + number % 28),
                     number + 0.5 if number % 2 else number, f"+977 {number}"])  # fmt: skip
    rows.append(["Lim Wei", None, True, datetime(2020, 5, 1, 9, 30), 1e20, "=1+1"])
    table = _both_ways(monkeypatch, _workbook({"Participants": rows}), "list.xlsx")
    sheet, header_row, columns, frame, numbers = table[:5]
    assert (sheet, header_row, columns) == ("Participants", 3, HEADER)
    assert len(numbers) == 9_000 - 9 + 1 and numbers[:2] == [4, 5] and 1_003 not in numbers
    assert frame["Full name"][0] == "Person 1" and frame["Full name"][2] == "José Ñuñez"
    assert unicodedata.is_normalized("NFC", frame["Full name"][2])
    assert frame["Score"][:2] == ["1.5", "2"] and frame["Date of birth"][0] == "1990-01-02"
    # A whole float without ".0", however large; a formula openpyxl wrote has no value saved with it: blank.
    last = ["Lim Wei", "", "True", "2020-05-01 09:30:00", "100000000000000000000", ""]
    assert [frame[column][-1] for column in HEADER] == last


@pytest.mark.parametrize("rows", [5, 30, 31], ids=lambda rows: f"{rows}-rows")
def test_the_list_on_a_later_sheet_is_the_one_read_whatever_its_length(
    monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    people = [[f"Person {number}", "M", "Viet Nam", "", "", ""] for number in range(rows)]
    data = _workbook({
        "Notes": [["How to fill"], ["One row a person"]],
        "Participants": [HEADER, *people],
        "Lists": [["Gender", "Nationality"], ["F", "Nepal"], ["M", "Burma"]],
        "Copy": [HEADER, ["Someone", "F", "Nepal"]],
    })  # fmt: skip
    sheet, _, _, frame, numbers, others, _ = _both_ways(monkeypatch, data, "list.xlsx")
    assert sheet == "Participants" and others == ["Lists", "Copy"]
    assert frame["Full name"] == [f"Person {number}" for number in range(rows)]
    assert numbers == list(range(2, rows + 2))


def test_a_tie_between_sheets_reads_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _workbook({"First": [HEADER, ["Ana", "F"]], "Second": [HEADER, ["Bo", "M"]]})
    assert _both_ways(monkeypatch, data, "list.xlsx")[3]["Full name"] == ["Ana"]


def test_an_ods_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    _both_ways(monkeypatch, hostile_files.libreoffice_like_ods(), "list.ods")


def _dying_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Have the reader start a child that kills itself at once, as calamine's abort or the memory cap would.

    (A tiny memory cap does not kill every build's child reliably: python-calamine 0.3, the requirement floor, starts
    and parses within 16 MB.)"""
    script = tmp_path / "dying_child.py"
    script.write_text("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    monkeypatch.setattr(
        reader, "calamine_child", SimpleNamespace(__file__=str(script), LENGTH_BYTES=calamine_child.LENGTH_BYTES)
    )


def test_a_child_that_dies_gives_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _dying_child(monkeypatch, tmp_path)
    with pytest.raises(UnreadableFile, match=r"^The file could not be read as a spreadsheet; it may be damaged"):
        read_table(_workbook({"Participants": [HEADER, ["Ana", "F"]]}), "list.xlsx", PARTICIPANT_SYNONYMS)
    assert STARTED and STARTED[0].returncode != 0


def test_a_hostile_file_gives_the_scans_message_even_when_the_child_dies_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _dying_child(monkeypatch, tmp_path)
    with pytest.raises(UnreadableFile, match="column 16,384"):
        read_table(hostile_files.far_cell_xlsx(), "list.xlsx", PARTICIPANT_SYNONYMS)


def test_the_far_cell_file_ends_the_child_not_this_process() -> None:
    # What the scan guards against, shown in the child alone: calamine asked for the grid of one cell at XFD1048576
    # under the child's memory limit. It ends without a traceback of its own (at most calamine's message).
    data = hostile_files.far_cell_xlsx()
    done = subprocess.run(
        [reader.sys.executable, "-I", calamine_child.__file__, "30", str(reader.CHILD_MEMORY_BYTES)],
        input=len(data).to_bytes(calamine_child.LENGTH_BYTES, "big") + data,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert b"Traceback" not in done.stderr


def test_damaged_sheet_xml_behind_a_passing_scan_is_refused_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    data = hostile_files.xlsx(b"<worksheet><sheetData><row><c r='A1' t='inlineStr'><is><t>Full name")
    with pytest.raises(UnreadableFile, match=r"^The file could not be read as a spreadsheet"):
        read_table(data, "list.xlsx", PARTICIPANT_SYNONYMS)


def test_a_list_abandoned_after_its_first_rows_ends_the_child() -> None:
    data = _workbook({"Notes": [["Nothing here"]], "More": [["Still nothing"]]})
    with pytest.raises(UnreadableFile, match="No header row"):
        read_table(data, "list.xlsx", PARTICIPANT_SYNONYMS)
    assert STARTED

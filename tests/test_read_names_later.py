"""import_list reads the names first (validate.read_names(later=True)): the columns its blank test, name keys and
e-mails do not need are cleaned, and the names split into given and family, only part by part (NamedRows.part),
with the same cells and people as reading them all at once."""

from __future__ import annotations

import csv
import io

import pytest

from programme.importing import detect_columns, read_participant_sheet
from programme.importing import validate as validate_module
from programme.importing.validate import read_names

HEADER = ["Full name", "Nationality", "Organisation", "E-mail", "Phone"]


def _table(rows: list[list[str]]):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    table = read_participant_sheet(buffer.getvalue().encode("utf-8"), "list.csv")
    return table, detect_columns(table)


def _rows() -> list[list[str]]:
    return [
        [
            "Santos, Maria" if n % 4 == 0 else f"Given{n}  Family{n}",
            "Philippines",
            f"Centre  {n}",  # doubled spaces: cleaned
            f"p{n}@example.org",
            f"+63   9{n:08d}",
        ]
        for n in range(1, 11)
    ]


def _seen(people) -> list[tuple]:
    return [(p.index, p.row, p.full_name, p.given_name, p.family_name, p.name_key, p.errors) for p in people]


def test_the_other_columns_and_the_splits_wait_for_their_part(monkeypatch: pytest.MonkeyPatch) -> None:
    table, mapping = _table(_rows())
    splits: list[str] = []
    real_split = validate_module.split_name
    monkeypatch.setattr(validate_module, "split_name", lambda name: splits.append(name) or real_split(name))
    named = read_names(table, mapping, later=True)
    assert set(named.cells) == {"full_name", "email"}  # what the names and e-mails need, nothing else yet
    assert splits == []  # "Given1 Family1": split only with its part ("Santos, Maria" is read by its comma rule)
    assert [p.given_name for p in named.people[:3]] == [None, None, None]

    parts = [named.part(0, 3), named.part(3, 10)]
    assert splits == [f"Given{n} Family{n}" for n in range(1, 11) if n % 4]  # each once, with its part
    eager = read_names(table, mapping)
    eager_parts = [eager.part(0, 3), eager.part(3, 10)]
    for part, expected in zip(parts, eager_parts, strict=True):
        assert part.cells == expected.cells
        assert list(part.cells) == list(expected.cells)  # the mapping's order
        assert _seen(part.people) == _seen(expected.people)
    assert parts[1].cells["phone"][0] == "+63 900000004"  # cleaned in its part
    assert parts[0].people[0].given_name == "Given1" and parts[0].people[0].family_name == "Family1"


def test_every_column_read_at_once_when_each_read_has_a_blank_cell() -> None:
    """No column of names or e-mails without a blank cell: the blank rows are told by every column, so every
    column is cleaned at once; a row with only a phone number is a person row (its name missing)."""
    rows = _rows()
    rows[2] = ["", "", "", "", ""]  # a blank row
    rows[4][0] = ""
    rows[6][3] = ""
    rows[8] = ["", "", "", "", "+63 911"]
    table, mapping = _table(rows)
    named, eager = read_names(table, mapping, later=True), read_names(table, mapping)
    assert named.cells == eager.cells and list(named.cells) == list(eager.cells)
    assert [p.row for p in named.people] == [p.row for p in eager.people] == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert _seen(named.part(0, 10).people) == _seen(eager.part(0, 10).people)

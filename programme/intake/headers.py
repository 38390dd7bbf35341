"""Two-row headers: a question on the first row over its sub-labels on the second (SurveyMonkey), or a field
over its parts ("Time" over "Start" and "End" in an agenda)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from programme.intake.tools import SINGLE_ANSWER_LABELS
from programme.sheets import header_key

# Joins a matrix question and one of its rows into one column name.
MATRIX_JOIN = " - "


def merge_sub_header(header: list[str], below: list[str]) -> list[str] | None:
    """Return one name per column when the row below the header holds sub-labels, else None.

    The row below is sub-labels when it has "Response" or "Open-Ended Response" under a question (as
    SurveyMonkey writes). A matrix question's text stands only above its first column: the columns after it,
    blank on the first row, take it with their own row label ("Sessions - Treaty body reporting").
    """
    if not any(header_key(cell) in SINGLE_ANSWER_LABELS for cell in below):
        return None
    below = below + [""] * (len(header) - len(below))
    names = []
    question = ""
    for top, sub in zip(header, below, strict=False):
        if top:
            question = top
        elif not sub:
            question = ""
        if not sub or header_key(sub) in SINGLE_ANSWER_LABELS:
            names.append(top or sub)
        elif not question:
            names.append(sub)
        else:
            names.append(f"{question}{MATRIX_JOIN}{sub}")
    return names


def field_sub_header(synonyms: Mapping[str, Sequence[str]]) -> Callable[[list[str], list[str]], list[str] | None]:
    """Return a reader of two-row headers for a list with known column names (agendas: "Time" over "Start" and
    "End", the second cell of the merged "Time" left blank).

    The row below the header is sub-labels when the header names at least two known fields itself, every cell
    of the row below is a known column name, and at least one of them stands under a blank cell. Each column
    is then named by its sub-label, else by its header.
    """
    known = {header_key(name) for field, names in synonyms.items() for name in (field, *names)}

    def merge(header: list[str], below: list[str]) -> list[str] | None:
        below = below + [""] * (len(header) - len(below))
        filled = [index for index, cell in enumerate(below) if cell.strip()]
        if not filled or sum(header_key(cell) in known for cell in header) < 2:
            return None
        if any(header_key(below[index]) not in known for index in filled):
            return None
        if not any(index >= len(header) or not header[index].strip() for index in filled):
            return None
        return [sub.strip() or top for top, sub in zip(header, below, strict=False)]

    return merge

"""Two-row headers (SurveyMonkey): a question on the first row over its sub-labels on the second."""

from __future__ import annotations

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

"""Agenda rows before they are saved: what a grid or a spreadsheet holds, read and checked row by row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time

import pandas as pd

from programme.people.names import clean_text
from programme.planning.methods import DEFAULT_METHOD, resolve_method
from programme.planning.people import topic_names
from programme.planning.times import time_problem
from programme.planning.validation import RowError, split_names

# The grid's columns, in order; "id" is empty for a session not saved yet.
AGENDA_COLUMNS = [
    "id",
    "day",
    "start",
    "end",
    "title",
    "method",
    "room",
    "topics",
    "facilitators",
    "resource_persons",
    "notes",
    "materials_url",
]

# The grid's headings (pages/agenda.py): a problem names the column as the grid shows it ("Session", not "title").
GRID_HEADERS = {"day": "Day", "start": "Start", "end": "End", "title": "Session", "method": "Method"}


@dataclass
class PlannedSession:
    """One agenda row as read from the grid, a spreadsheet or the database, before it is saved."""

    row: int
    day: int
    start: time
    end: time
    title: str
    # A standard method (Method's value) or one of the organisation's own.
    method: str = DEFAULT_METHOD
    session_id: int | None = None
    room: str | None = None
    notes: str | None = None
    materials_url: str | None = None
    topics: list[str] = field(default_factory=list)
    facilitators: list[str] = field(default_factory=list)
    resource_persons: list[str] = field(default_factory=list)

    @property
    def people(self) -> list[str]:
        return self.facilitators + self.resource_persons


def ends_before_start(start: time, end: time) -> str:
    """The message for a session whose end is not after its start: one running past midnight is told how to go on."""
    if end < start and start.hour >= 18 and end.hour < 12:
        return (
            f"The session ends before it starts ({start:%H:%M}–{end:%H:%M}): a session cannot run past midnight. "
            "End it at 23:59, or split it into two rows, the second on the next day from 00:00."
        )
    return "The session ends before it starts."


def planned_from_frame(
    frame: pd.DataFrame, own_methods: Iterable[str] = ()
) -> tuple[list[PlannedSession], list[RowError]]:
    """Return the grid's rows as planned sessions, and the errors (row = 1-based grid row, column = the grid's heading)
    that stop a save.

    Times are read as the grid returns them ("09:00:00.000", time objects) and as people type them
    (see times.read_time). A row without a method gets the default (presentation; break or meal for a
    row titled like one). own_methods are the organisation's methods (and any already on the agenda).
    """
    own_methods = list(own_methods)
    planned, errors = [], []
    for index, record in enumerate(frame.to_dict("records"), start=1):
        if all(_blank(record.get(column)) for column in AGENDA_COLUMNS if column != "id"):
            continue  # an empty row the editor added: nothing to save
        row_errors: list[RowError] = []
        day = _int_or_none(record.get("day"))
        if day is None or day < 1:
            row_errors.append(RowError(index, GRID_HEADERS["day"], "The day must be a whole number from 1."))
        start, start_problem = time_problem(_text(record.get("start")), "start time", "09:00")
        end, end_problem = time_problem(_text(record.get("end")), "end time", "10:30")
        if start_problem:
            row_errors.append(RowError(index, GRID_HEADERS["start"], start_problem))
        if end_problem:
            row_errors.append(RowError(index, GRID_HEADERS["end"], end_problem))
        if start and end and end <= start:
            row_errors.append(RowError(index, GRID_HEADERS["end"], ends_before_start(start, end)))
        title = clean_text(record.get("title"))
        if not title:
            row_errors.append(RowError(index, GRID_HEADERS["title"], "The session needs a title."))
        method = resolve_method(_text(record.get("method")), own_methods, title=title)
        if method is None:
            row_errors.append(
                RowError(
                    index,
                    GRID_HEADERS["method"],
                    f"'{clean_text(record.get('method'))}' is not on the list of methods; pick one, or add it to "
                    "your organisation's methods first.",
                )
            )
        errors.extend(row_errors)
        if row_errors:
            continue
        planned.append(
            PlannedSession(
                row=index,
                session_id=_int_or_none(record.get("id")),
                day=day,
                start=start,
                end=end,
                title=title[:300],
                method=method,
                room=clean_text(record.get("room")) or None,
                notes=clean_text(record.get("notes")) or None,
                materials_url=clean_text(record.get("materials_url"))[:500] or None,
                topics=topic_names(record.get("topics")),
                facilitators=split_names(record.get("facilitators")),
                resource_persons=split_names(record.get("resource_persons")),
            )
        )
    return planned, errors


def _blank(value: object) -> bool:
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> object:
    return None if _blank(value) else value


def _int_or_none(value: object) -> int | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None

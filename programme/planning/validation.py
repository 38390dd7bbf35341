"""Reading what planners type or paste: times, days, methods, lists of names; errors named by row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from programme.intake.report import RowError as RowError  # one row error for every import
from programme.people.names import after_name, clean_text
from programme.planning.methods import resolve_method
from programme.planning.times import parse_time as parse_time  # read once, in times.py

_RANGE = re.compile(r"\s*(?:-|–|—|to|until)\s*", re.IGNORECASE)
_DAY = re.compile(r"^(?:day\s*)?(\d{1,2})$", re.IGNORECASE)
# Separators between people's names in one cell; a comma only separates full names (see split_names).
_NAME_SEPARATORS = re.compile(r"\s*(?:;|/|&|\n|\band\b)\s*", re.IGNORECASE)


def parse_method(text: object, own: Iterable[str] = (), *, title: object = "") -> str | None:
    """Return the method a planner's word names, or None when it is not one we know (see methods.resolve_method)."""
    return resolve_method(text, own, title=title)


def split_time_range(text: object) -> tuple[str, str] | None:
    """Return ("9:00", "10:30") from "9:00 - 10:30", or None when the text is not a range."""
    parts = [part for part in _RANGE.split(clean_text(text)) if part]
    return (parts[0], parts[1]) if len(parts) == 2 else None


def parse_day(value: object, module_start: date) -> int | None:
    """Return the day number from "2", "Day 2" or a date within reach of the module's start; else None."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (value - module_start).days + 1
    text = clean_text(value)
    match = _DAY.match(text)
    if match:
        return int(match.group(1))
    parsed = _parse_date(text)
    return None if parsed is None else (parsed - module_start).days + 1


def _parse_date(text: str) -> date | None:
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} ", text) else text
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%A %d %B %Y", "%a %d %b %Y"):
        try:
            return datetime.strptime(text.replace(",", ""), pattern).date()
        except ValueError:
            continue
    return None


def split_names(text: object) -> list[str]:
    """Return the people named in one cell: "A B; C D", "A B and C D", "A B, C D" (but "Santos, Maria" is one, and so
    is "Dr Maria Santos, PhD": letters after a name, names.after_name, are not a person)."""
    cleaned = clean_text(text)
    if not cleaned:
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(cleaned):
        pieces: list[str] = []
        for piece in (piece.strip() for piece in part.split(",")):
            if piece and pieces and after_name(piece):  # "Dr Maria Santos, PhD": the letters after her name, no one
                pieces[-1] = f"{pieces[-1]}, {piece}"
            elif piece:
                pieces.append(piece)
        # "Santos, Maria" is one person written family-first; "Ivy Josiah, Irene Lim" is two.
        if len(pieces) == 2 and all(len(piece.split()) == 1 for piece in pieces):
            names.append(part.strip())
        else:
            names.extend(pieces)
    return [name for name in names if name]

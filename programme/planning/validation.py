"""Reading what planners type or paste: times, days, methods, lists of names; errors named by row and column."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from programme.models import Method
from programme.people.names import clean_text, fold


@dataclass(frozen=True)
class RowError:
    """A value that cannot be used: the row as the user sees it, the column, and what is wrong."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


# What planners write for each method, folded ("Group work" -> "group work").
METHOD_WORDS: dict[str, Method] = {
    "presentation": Method.PRESENTATION,
    "lecture": Method.PRESENTATION,
    "input": Method.PRESENTATION,
    "talk": Method.PRESENTATION,
    "keynote": Method.PRESENTATION,
    "panel": Method.PANEL,
    "panel discussion": Method.PANEL,
    "working group": Method.WORKING_GROUP,
    "working groups": Method.WORKING_GROUP,
    "group work": Method.WORKING_GROUP,
    "groupwork": Method.WORKING_GROUP,
    "workshop": Method.WORKING_GROUP,
    "exercise": Method.WORKING_GROUP,
    "role play": Method.ROLE_PLAY,
    "roleplay": Method.ROLE_PLAY,
    "role playing": Method.ROLE_PLAY,
    "simulation": Method.ROLE_PLAY,
    "visit": Method.VISIT,
    "field visit": Method.VISIT,
    "mission visit": Method.VISIT,
    "study visit": Method.VISIT,
    "plenary": Method.PLENARY,
    "plenary reflection": Method.PLENARY,
    "reflection": Method.PLENARY,
    "discussion": Method.PLENARY,
    "open discussion": Method.PLENARY,
    "evaluation": Method.EVALUATION,
    "other": Method.OTHER,
}
_TIME = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)
_COMPACT_TIME = re.compile(r"^(\d{2})(\d{2})$")
_RANGE = re.compile(r"\s*(?:-|–|—|to|until)\s*", re.IGNORECASE)
_DAY = re.compile(r"^(?:day\s*)?(\d{1,2})$", re.IGNORECASE)
# Separators between people's names in one cell; a comma only separates full names (see split_names).
_NAME_SEPARATORS = re.compile(r"\s*(?:;|/|&|\n|\band\b)\s*", re.IGNORECASE)
# Agenda rows that are pauses, not sessions: imports skip them rather than failing on them.
BREAK_WORDS = {
    "lunch",
    "lunch break",
    "coffee",
    "coffee break",
    "tea",
    "tea break",
    "break",
    "dinner",
    "welcome dinner",
}


def parse_method(text: object) -> Method | None:
    """Return the method a planner's word names, or None when it is not one we know ('' gives presentation)."""
    key = fold(clean_text(text))
    if not key:
        return Method.PRESENTATION
    for value in Method:
        if key == fold(value.value):
            return value
    return METHOD_WORDS.get(key)


def parse_time(value: object) -> time | None:
    """Return a time from "9:00", "09.30", "9am", "2:15 PM", "0930", "14h00", a time or an Excel fraction; else None."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    text = clean_text(value).lower()
    if not text:
        return None
    try:  # Excel stores a time of day as a fraction of 24 hours
        fraction = float(text)
        if 0 < fraction < 1:
            minutes = round(fraction * 24 * 60)
            return time(minutes // 60, minutes % 60)
    except ValueError:
        pass
    compact = _COMPACT_TIME.match(text)
    if compact:
        text = f"{compact.group(1)}:{compact.group(2)}"
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(4) or "").replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


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
    """Return the people named in one cell: "A B; C D", "A B and C D", "A B, C D" (but "Santos, Maria" is one)."""
    cleaned = clean_text(text)
    if not cleaned:
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(cleaned):
        pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
        # "Santos, Maria" is one person written family-first; "Ivy Josiah, Irene Lim" is two.
        if len(pieces) == 2 and all(len(piece.split()) == 1 for piece in pieces):
            names.append(part.strip())
        else:
            names.extend(pieces)
    return [name for name in names if name]


def is_break(title: str) -> bool:
    """Return whether an agenda row is a pause (lunch, coffee break) rather than a session."""
    return fold(title) in BREAK_WORDS

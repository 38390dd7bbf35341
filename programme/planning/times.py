"""Times of day as the agenda grid returns them and as planners type them, read in one place.

The grid's time picker sends "09:00:00.000" (or a time object once the column holds times); people type
09:00, 9.00, 9:00 AM, 0900, 9h, 14h30, 0900 hrs; spreadsheets hold times or fractions of a day.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, time

from programme.people.names import clean_text

# A clock time: hour, then minutes after ":", ".", "h" (and seconds with a fraction, as the grid sends),
# then "h"/"hrs" and am/pm, all optional: "9", "9h", "09:00:00.000", "2:15 PM", "9 a.m.", "14h30".
_CLOCK = re.compile(
    r"""^(?P<hour>\d{1,2})
    (?:\s*[:.h]\s*(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?
    \s*(?:h|hr|hrs|hours)?\.?
    \s*(?P<suffix>am|pm|a\.\s?m\.?|p\.\s?m\.?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Four or three digits without a separator, military style: "0900", "930", "1430 hrs".
_COMPACT = re.compile(
    r"^(?P<hour>\d{1,2})(?P<minute>\d{2})\s*(?:h|hr|hrs|hours)?\.?\s*(?P<suffix>am|pm|a\.\s?m\.?|p\.\s?m\.?)?$",
    re.IGNORECASE,
)
# A date in front of the time ("1970-01-01T09:00:00", "2017-12-02 09:00") and a zone behind it ("Z", "+00:00").
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:t|\s+)", re.IGNORECASE)
_ZONE_SUFFIX = re.compile(r"(?:z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_WORDS = {"noon": time(12), "midday": time(12), "12 noon": time(12), "midnight": time(0)}
EXAMPLES = "09:00, 9.30, 2:30 PM or 1430"


class TimeNotRead(ValueError):
    """A value that is not a time of day; the message says what was read and what is expected."""


def read_time(value: object) -> time | None:
    """Return the time of day in value (to the minute), None when it is blank; raise TimeNotRead for nonsense.

    Reads time and datetime objects (pandas' Timestamp too), fractions of a day as spreadsheets store
    them (0.375 is 09:00), and text: "09:00:00.000", "09:00", "9.00", "9:00 AM", "9 a.m.", "0900",
    "930", "9h", "14h30", "1430 hrs", "noon", with or without a date in front ("2017-12-02T09:00").
    """
    if value is None:
        return None
    if isinstance(value, datetime):  # before time: a datetime is not a time, but pandas' NaT is a datetime
        return None if value != value else value.time().replace(second=0, microsecond=0)  # noqa: PLR0124
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, bool):
        raise TimeNotRead(f"'{value}' is not a time; write it like {EXAMPLES}.")
    if isinstance(value, int | float):
        return None if value != value else _from_number(value)  # noqa: PLR0124 - NaN is blank
    text = clean_text(value).lower()
    if text in {"", "nan", "nat", "none", "<na>"}:
        return None
    if text in _WORDS:
        return _WORDS[text]
    shown = clean_text(value)
    bare = _ZONE_SUFFIX.sub("", _DATE_PREFIX.sub("", text)) if _DATE_PREFIX.match(text) else text
    match = _CLOCK.match(bare) or _COMPACT.match(bare)
    if match is None:
        try:
            number = float(bare)
        except ValueError:
            raise TimeNotRead(f"'{shown}' is not a time; write it like {EXAMPLES}.") from None
        return _from_number(number, shown)
    return _clock(int(match.group("hour")), int(match.group("minute") or 0), match.group("suffix"), shown)


def parse_time(value: object) -> time | None:
    """Return the time of day in value, or None when it is blank or not a time (see read_time)."""
    try:
        return read_time(value)
    except TimeNotRead:
        return None


def time_problem(value: object, what: str, example: str) -> tuple[time | None, str | None]:
    """Return (the time, None), or (None, a sentence for the user) when value is blank or not a time.

    what names the cell ("start time"); example is a time shown in the message ("09:00").
    """
    try:
        found = read_time(value)
    except TimeNotRead as problem:
        return None, f"The {what} {problem}"  # every problem starts with the value read: "The start time '25:00' is..."
    if found is None:
        return None, f"The {what} is missing; write it like {example}."
    return found, None


def _from_number(number: float, shown: str | None = None) -> time:
    """A fraction of a day (0.375 is 09:00, as spreadsheets store times) or a whole hour (9 is 09:00)."""
    shown = shown or f"{number:g}"
    if not math.isfinite(number):
        raise TimeNotRead(f"'{shown}' is not a time; write it like {EXAMPLES}.")
    if 0 <= number < 1:
        minutes = round(number * 24 * 60)
        if minutes == 24 * 60:
            raise TimeNotRead(f"'{shown}' is the end of the day, not a time; the latest time is 23:59.")
        return time(minutes // 60, minutes % 60)
    if float(number).is_integer():
        return _clock(int(number), 0, None, shown)
    raise TimeNotRead(f"'{shown}' is not a time; write it like {EXAMPLES}.")


def _clock(hour: int, minute: int, suffix: str | None, shown: str) -> time:
    meridiem = (suffix or "").replace(".", "").replace(" ", "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise TimeNotRead(f"'{shown}' is not a time: with am or pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23:
        raise TimeNotRead(f"'{shown}' is not a time of day: hours go from 0 to 23.")
    if minute > 59:
        raise TimeNotRead(f"'{shown}' is not a time: minutes go from 00 to 59.")
    return time(hour, minute)

"""A column of submission times read as UTC: the zone as written, day and month decided for the whole column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd

from programme.people.names import clean_text

# "2026/03/13 12:49:22 AM GMT+7", "13/03/2026 00:49:22", "3/13/2026 0:49", "2026-03-13 05:49:22" (+ zone).
_STAMP = re.compile(
    r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{1,4})[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*(?P<utc>\(?(?:GMT|UTC|Z)\)?)?\s*(?P<zone>[+-]\d{1,2}(?::?\d{2})?)?\s*\)?$"
)


# A zone at the end of an ISO 8601 time: "Z", "+07:00", "-0400".
_ISO_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
# "GMT+7", "UTC+05:30" in a layout _STAMP does not know: "GMT+7" is 7 hours ahead of UTC (as Google Forms means
# it), while pandas (dateutil) reads it the POSIX way, 7 hours behind; it is rewritten as an offset, "+07:00".
_NAMED_OFFSET = re.compile(
    r"\(?\b(?:GMT|UTC)\s*(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?\)?$", re.IGNORECASE
)


def _as_offset(text: str) -> str:
    """Return text with a trailing "GMT+7" written "+07:00" (pandas reads that the right way round)."""
    return _NAMED_OFFSET.sub(lambda m: f"{m['sign']}{int(m['hours']):02d}:{m['minutes'] or '00'}", text.rstrip())


@dataclass
class Times:
    """The column's times in UTC (None where unreadable or blank) and any warning about how they were read."""

    moments: list[datetime | None]
    warnings: list[str] = field(default_factory=list)
    without_zone: int = 0  # how many times were written with no zone (taken as UTC)
    two_ways: int = 0  # how many dates read two ways (04/05) and were not stored: the order was not known


def _zone(text: str | None) -> timedelta:
    if not text:
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    return sign * timedelta(hours=hours, minutes=minutes)


def read_times(column: str, values: Sequence[object], *, month_first: bool | None = None) -> Times:
    """Return each value as a UTC time; "GMT+7" means local time 7 hours ahead of UTC (UTC = local − 7h).

    Day and month order is decided from the whole column: a first number above 12 anywhere makes it day
    first, a second one above 12 month first. When no row decides, the order given is taken (month_first: the
    tool's own, as SurveyMonkey writes mm/dd/yyyy, or the user's); otherwise nothing is guessed: a date that
    reads two ways (04/05) is not stored (None), and a warning says so and how to give the order.
    """
    texts = [clean_text(value) for value in values]
    matches = [_STAMP.match(text) if text else None for text in texts]
    warnings: list[str] = []
    year_last = [m for m in matches if m and len(m["a"]) <= 2]
    day_first = True
    undecided = False
    if year_last:
        firsts = {int(m["a"]) for m in year_last}
        seconds = {int(m["b"]) for m in year_last}
        if any(n > 12 for n in seconds) and not any(n > 12 for n in firsts):
            day_first = False
        elif not any(n > 12 for n in firsts) and month_first is not None:
            day_first = not month_first
        elif not any(n > 12 for n in firsts):
            undecided = True
    two_ways = 0
    moments: list[datetime | None] = []
    without_zone = 0
    for text, match in zip(texts, matches, strict=True):
        if not text:
            moments.append(None)
            continue
        if match is None:
            text = _as_offset(text)
            moments.append(_other(text))
            without_zone += moments[-1] is not None and not _ISO_ZONE.search(text)
        elif undecided and len(match["a"]) <= 2 and int(match["a"]) != int(match["b"]):
            moments.append(None)  # 04/05: 4 May or 5 April; never guessed
            two_ways += 1
        else:
            moments.append(_from_match(match, day_first))
            without_zone += moments[-1] is not None and not (match["utc"] or match["zone"])
    if two_ways:
        warnings.append(
            f"Column '{column}': no date in it has a day above 12, so day and month cannot be told apart: "
            f"{two_ways} dates that read two ways (such as 04/05) were not stored. Give the order to keep them "
            "(--date-order day-first or month-first)."
        )
    return Times(moments=moments, warnings=warnings, without_zone=without_zone, two_ways=two_ways)


def _from_match(match: re.Match[str], day_first: bool) -> datetime | None:
    if len(match["a"]) == 4:
        year, month, day = int(match["a"]), int(match["b"]), int(match["c"])
    else:
        first, second, year = int(match["a"]), int(match["b"]), int(match["c"])
        day, month = (first, second) if day_first else (second, first)
        year += 2000 if year < 100 else 0
    hour = int(match["h"])
    if match["ampm"]:
        hour = hour % 12 + (12 if match["ampm"][0] in "Pp" else 0)
    try:
        local = datetime(year, month, day, hour, int(match["m"]), int(match["s"] or 0))
    except ValueError:
        return None
    return (local - _zone(match["zone"])).replace(tzinfo=UTC)


def _other(text: str) -> datetime | None:
    """Return ISO 8601 and other forms pandas reads; naive times are taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parsed = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
        return None if pd.isna(parsed) else parsed.to_pydatetime()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

"""Small helpers for the sentences the app writes: about names it does not choose (a tool's, a field's), and counts
with the noun they take ("1 member", "2 members")."""

from __future__ import annotations

from datetime import date

_VOWELS = frozenset("aeiouAEIOU")


def a_or_an(noun: str) -> str:
    """Return the noun after its indefinite article: "an Eventbrite", "an organisation type", "a Zoom".

    Decided by the first letter, which is right for the names the app writes (tools, fields, list kinds)."""
    return f"{'an' if noun[:1] in _VOWELS else 'a'} {noun}"


def counted(number: int, one: str, many: str | None = None) -> str:
    """Return "1 new person", "2 new people", "1,204 participations": the number with the noun it takes.

    many defaults to one + "s"; give it for other plurals ("person", "people"; "entry", "entries")."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def agreeing(number: int, one: str, many: str) -> str:
    """Return the words that agree with a count: `one` for 1, `many` otherwise ("is"/"are", "it is"/"they are")."""
    return one if number == 1 else many


def nothing_until_fixed(number: int, one: str, many: str | None = None, *, said: str = "") -> str:
    """Return "1 answer cannot be read; nothing will be imported until it is fixed." ("2 answers ... until they are
    fixed."): the counted noun, then `said` (words that agree with any count, " cannot be read", " in the sheet")."""
    return f"{counted(number, one, many)}{said}; nothing will be imported until {agreeing(number, 'it is', 'they are')} fixed."


def day_in_words(day: date) -> str:
    """Return "2 December 2017": a day as a person reads it in the app's sentences (never "2017-12-02")."""
    return f"{day.day} {day:%B %Y}"


def date_span(start: date, end: date) -> str:
    """Return "2–5 December 2017", "30 November – 3 December 2017" or "2 December 2017"."""
    if start == end:
        return day_in_words(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"

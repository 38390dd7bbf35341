"""Small helpers for the sentences the app writes: about names it does not choose (a tool's, a field's), and counts
with the noun they take ("1 member", "2 members")."""

from __future__ import annotations

_VOWELS = frozenset("aeiouAEIOU")


def a_or_an(noun: str) -> str:
    """Return the noun after its indefinite article: "an Eventbrite", "an organisation type", "a Zoom".

    Decided by the first letter, which is right for the names the app writes (tools, fields, list kinds)."""
    return f"{'an' if noun[:1] in _VOWELS else 'a'} {noun}"


def counted(number: int, one: str, many: str | None = None) -> str:
    """Return "1 new person", "2 new people", "1,204 participations": the number with the noun it takes.

    many defaults to one + "s"; give it for other plurals ("person", "people"; "entry", "entries")."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"

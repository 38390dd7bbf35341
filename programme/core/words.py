"""Small helpers for the sentences the app writes about names it does not choose (a tool's, a field's)."""

from __future__ import annotations

_VOWELS = frozenset("aeiouAEIOU")


def a_or_an(noun: str) -> str:
    """Return the noun after its indefinite article: "an Eventbrite", "an organisation type", "a Zoom".

    Decided by the first letter, which is right for the names the app writes (tools, fields, list kinds)."""
    return f"{'an' if noun[:1] in _VOWELS else 'a'} {noun}"

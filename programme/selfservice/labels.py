"""The public forms' words in each shipped language, read from editable JSON files in labels/ (one per language).

A key missing from a language's file falls back to English; `consent_version` names the wording of the consent
questions, stored with each consent given so that a changed wording is a new version.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

LABELS_DIR = Path(__file__).with_name("labels")
# Code → the language's own name, in the order the facilitator's picker offers them.
LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "id": "Bahasa Indonesia",
    "th": "ไทย",
}
RIGHT_TO_LEFT = frozenset({"ar"})


@cache
def _file(language: str) -> dict[str, object]:
    path = LABELS_DIR / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def labels(language: str) -> dict[str, object]:
    """Return the words of a language, English where its file has no entry."""
    return {**_file("en"), **_file(language)}


def text(language: str, key: str, **values: object) -> str:
    """Return one label of a language, with {placeholders} filled in."""
    value = labels(language).get(key, key)
    return str(value).format(**values) if values else str(value)


# A date in words is held on one line (no-break spaces) and laid out in its own direction: a first-strong isolate
# (U+2068 ... U+2069) reads "2 ديسمبر 2026" right to left in Arabic and "2 December 2026" left to right elsewhere.
FIRST_STRONG_ISOLATE, POP_ISOLATE, NO_BREAK_SPACE = "\u2068", "\u2069", "\u00a0"


def form_date(language: str, day: date) -> str:
    """Return a day as a participant reads it in the form's language, in words: "2 December 2026", "1er mars 2027",
    "12 de marzo de 2027", "2 ธันวาคม 2569" (the Buddhist era's year, as Thai dates are written), never broken at a
    line's end."""
    words = labels(language)
    months = list(words["months"])  # type: ignore[call-overload]
    number = str(words.get("first_day", day.day)) if day.day == 1 else str(day.day)
    year = day.year + int(words.get("year_offset", 0))  # type: ignore[call-overload]
    said = str(words["date"]).format(day=number, month=months[day.month - 1], year=year)
    return f"{FIRST_STRONG_ISOLATE}{said.replace(' ', NO_BREAK_SPACE)}{POP_ISOLATE}"

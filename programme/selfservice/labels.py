"""The public forms' words in each shipped language, read from editable JSON files in labels/ (one per language).

A key missing from a language's file falls back to English; `consent_version` names the wording of the consent
questions, stored with each consent given so that a changed wording is a new version.
"""

from __future__ import annotations

import json
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

"""Consent and roles applied to tables of people: who may see names, and which contact fields."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from programme.access.accounts import SignedIn

# Each contact column and the consent flag that allows showing it.
CONTACT_CONSENT = {"email": "consent_email", "phone": "consent_phone", "organisation": "consent_organisation"}
PERSONAL_COLUMNS = ("full_name", "given_name", "family_name", "name", "email", "phone", "position", "notes")
HIDDEN = ""


def mask_people(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame with contact fields blanked where consent is missing, and no personal columns for viewers.

    Expects the consent_* columns next to the contact columns it finds; drops the consent columns.
    """
    masked = frame.copy()
    if user is None or not user.can_see_names:
        masked = masked.drop(columns=[c for c in PERSONAL_COLUMNS + tuple(CONTACT_CONSENT) if c in masked.columns])
    for column, flag in CONTACT_CONSENT.items():
        if column in masked.columns:
            if flag not in masked.columns:
                raise ValueError(f"mask_people needs the {flag} column to show {column}")
            masked[column] = masked[column].where(masked[flag].astype(bool), HIDDEN)
    return masked.drop(columns=[flag for flag in CONTACT_CONSENT.values() if flag in masked.columns])


# What redact() writes instead of what it removes.
REDACTED_NAME, REDACTED_EMAIL, REDACTED_PHONE = "[name]", "[e-mail]", "[phone]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone number: an optional +, then at least 7 digits, possibly split by spaces, dots, dashes or brackets.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s.\-()]*\d){6,}(?![\w])")
# Name parts shorter than this are not redacted alone (initials, "Li" would blank ordinary words).
NAME_PART_MIN = 3


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Return text without e-mail addresses, phone numbers and the given people's names (full names first, then
    each part of at least NAME_PART_MIN letters, whole words, ignoring case), for readers outside the team."""
    text = _EMAIL.sub(REDACTED_EMAIL, text)
    text = _PHONE.sub(REDACTED_PHONE, text)
    full = {name.strip() for name in names if name and name.strip()}
    parts = {part for name in full for part in re.split(r"[\s,]+", name) if len(part) >= NAME_PART_MIN}
    for word in sorted(full, key=len, reverse=True) + sorted(parts, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED_NAME, text, flags=re.IGNORECASE)
    return text

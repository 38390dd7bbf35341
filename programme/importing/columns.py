"""The columns of a participant sheet: fields, the names people give them, and day-by-day attendance."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from programme.sheets import SheetTable, header_key, map_columns, read_table

# Each field of a participant row and the column names that mean it, compared without case, spaces or
# punctuation. The order matters where two fields could claim one column: the first field wins.
PARTICIPANT_SYNONYMS: dict[str, list[str]] = {
    "full_name": [
        "Name",
        "Full name",
        "Full names",
        "Name of participant",
        "Participant name",
        "Participant",
        "Participants",
        "Name and surname",
        "Names",
        "Nama",
    ],
    "given_name": ["Given name", "Given names", "First name", "First names", "Forename", "Other names"],
    "family_name": ["Surname", "Last name", "Family name", "Last names"],
    "gender": ["Gender", "Sex", "M/F", "F/M", "Male/Female", "Gender identity"],
    "nationality": [
        "Nationality",
        "Country of nationality",
        "Country",
        "Country of origin",
        "Citizenship",
        "Home country",
    ],
    "country_of_work": [
        "Country where you work",
        "Country of work",
        "Country of residence",
        "Country of employment",
        "Work country",
        "Based in",
        "Country where you are based",
    ],
    "organisation": [
        "Organisation",
        "Organization",
        "Name of your organisation",
        "Name of your organization",
        "Organisation name",
        "Organization name",
        "Institution",
        "Affiliation",
        "Agency",
    ],
    "org_type": [
        "Type of organisation",
        "Type of organization",
        "Organisation type",
        "Organization type",
        "Org type",
        "Sector",
    ],
    "position": ["Position", "Designation", "Job title", "Function", "Position in organisation"],
    "email": ["E-mail", "Email", "E-mail address", "Email address", "Email id", "Mail"],
    "phone": [
        "Mobile / WhatsApp",
        "Phone",
        "Mobile",
        "WhatsApp",
        "Telephone",
        "Tel",
        "Phone number",
        "Mobile number",
        "Contact number",
        "Phone (with country code)",
    ],
    "languages": ["Languages", "Language", "Languages spoken"],
    "expertise": ["Expertise", "Areas of expertise", "Area of expertise"],
    "role": ["Participation role", "Role in the course", "Role in the module", "Participant type"],
}

# What the page calls each field.
FIELD_LABELS: dict[str, str] = {
    "full_name": "Full name",
    "given_name": "Given name",
    "family_name": "Family name",
    "gender": "Gender",
    "nationality": "Nationality",
    "country_of_work": "Country where they work",
    "organisation": "Organisation",
    "org_type": "Type of organisation",
    "position": "Position",
    "email": "E-mail",
    "phone": "Phone",
    "languages": "Languages",
    "expertise": "Expertise",
    "role": "Role in the module",
    "consent_listed": "Consent: listed in the alumni directory",
    "consent_email": "Consent: e-mail shareable",
    "consent_phone": "Consent: phone shareable",
    "consent_organisation": "Consent: organisation shareable",
    "consent_photo": "Consent: photos",
}
# The consent fields, each read as yes or no from a column whose header asks for it.
CONSENT_FIELDS = ("consent_listed", "consent_email", "consent_phone", "consent_organisation", "consent_photo")
# A header asks for consent when it holds one of these words (compared without case, spaces or punctuation) ...
_CONSENT_WORDS = ("consent", "agree", "permission", "share", "publish", "maywe", "allow", "happyfor", "okto")
# ... and names what the consent is for (the first field whose word it holds; a header may name several).
_CONSENT_TOPICS: dict[str, tuple[str, ...]] = {
    "consent_photo": ("photo", "picture", "image"),
    "consent_email": ("email",),
    "consent_phone": ("phone", "mobile", "whatsapp", "telephone"),
    "consent_organisation": ("organisation", "organization", "employer"),
    "consent_listed": ("directory", "listed", "alumnilist", "alumninetwork", "myname", "yourname", "profile"),
}

# "Day 1", "day 2 (3 Dec)", "D3": a column of day-by-day attendance.
_DAY_COLUMN = re.compile(r"^\s*(?:day|d)\s*[-#.]?\s*(\d{1,2})\b", re.IGNORECASE)


@dataclass
class ColumnMapping:
    """Which column holds each field, and which columns are attendance days (column -> day number)."""

    fields: dict[str, str] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)

    def has_name(self) -> bool:
        return "full_name" in self.fields or "given_name" in self.fields or "family_name" in self.fields


def day_number(column: str) -> int | None:
    """Return the day a column such as "Day 2" records, or None."""
    found = _DAY_COLUMN.match(str(column))
    if found is None:
        return None
    number = int(found.group(1))
    return number if number >= 1 else None


def consent_columns(columns: Sequence[str], taken: Sequence[str] = ()) -> dict[str, str]:
    """Return {consent field: column} for the columns whose header asks for a consent ("I agree to be listed in
    the alumni directory", "May we share your e-mail and phone?"); one column may give several consents."""
    found: dict[str, str] = {}
    for column in columns:
        if column in taken:
            continue
        key = header_key(column)
        if not any(word in key for word in _CONSENT_WORDS):
            continue
        for name, words in _CONSENT_TOPICS.items():
            if name not in found and any(word in key for word in words):
                found[name] = column
    return found


def detect_mapping(columns: Sequence[str]) -> ColumnMapping:
    """Return the mapping guessed from the column names (fields by synonym, consents by wording, days by "Day N")."""
    fields = map_columns(list(columns), PARTICIPANT_SYNONYMS)
    fields.update(consent_columns(columns, list(fields.values())))
    days: dict[str, int] = {}
    for column in columns:
        number = day_number(column)
        if number is not None and column not in fields.values() and number not in days.values():
            days[column] = number
    return ColumnMapping(fields=fields, days=days)


def read_participant_sheet(data: bytes, file_name: str) -> SheetTable:
    """Return the participant list found in a spreadsheet or CSV file (raises UnreadableFile)."""
    return read_table(data, file_name, PARTICIPANT_SYNONYMS)

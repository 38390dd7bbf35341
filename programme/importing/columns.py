"""The columns of a participant sheet: fields, the names people give them, and day-by-day attendance."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from programme.core.errors import NoHeaderRow, UnreadableFile
from programme.importing.profiles import (
    TOOL_NAMES,
    ToolProfile,
    all_anonymous,
    column_named,
    detect_profile,
    people_section,
    profile_named,
    tool_column,
)
from programme.intake.columns import ColumnChoiceError, choose_field
from programme.intake.languages import GOOGLE_FORMS_EMAIL, MICROSOFT_FORMS, every_name
from programme.sheets import SheetTable, header_key, map_columns, read_table

# Each field of a participant row and the column names that mean it, compared without case, accents, spaces or
# punctuation; the English ones first, then French, Spanish and Indonesian ones (partners' own lists: "Nom",
# "Prénom", "Nationalité", "Courriel"). The order matters where two fields could claim one column: the first field wins.
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
        "User Name (Original Name)",
        "Name (Original Name)",
        "Nom complet",
        "Nom et prénom",
        "Nom et prénoms",
        "Prénom et nom",
        "Noms et prénoms",
        "Nombre completo",
        "Nombre y apellido",
        "Nombre y apellidos",
        "Nombres y apellidos",
        "Apellidos y nombres",
        "Nome completo",
        "Nama lengkap",
    ],
    "given_name": [
        "Given name",
        "Given names",
        "First name",
        "First names",
        "Forename",
        "Other names",
        "Prénom",
        "Prénoms",
        "Nombre",
        "Nombres",
        "Nama depan",
    ],
    "family_name": [
        "Surname",
        "Last name",
        "Family name",
        "Last names",
        "Nom",
        "Nom de famille",
        "Apellido",
        "Apellidos",
        "Nama belakang",
    ],
    # Letters written after the name (Eventbrite's "Suffix": "Jr.", "III", "PhD"): part of the name a certificate
    # prints, added after it as typed. A "Prefix" (Mr, Ms, Dr) is not read: not part of the name, never a gender.
    "name_suffix": ["Suffix", "Name suffix", "Suffix (Jr., Sr., etc.)"],
    "gender": [
        "Gender",
        "Sex",
        "M/F",
        "F/M",
        "Male/Female",
        "Gender identity",
        "Sexe",
        "Genre",
        "Sexo",
        "Género",
        "Jenis kelamin",
    ],
    "nationality": [
        "Nationality",
        "Country of nationality",
        "Country",
        "Country of origin",
        "Citizenship",
        "Home country",
        "Nationalité",
        "Pays",
        "Pays d'origine",
        "Nacionalidad",
        "País",
        "País de origen",
        "Kewarganegaraan",
    ],
    "country_of_work": [
        "Country where you work",
        "Country of work",
        "Country of residence",
        "Country of employment",
        "Work country",
        "Based in",
        "Country where you are based",
        "Pays de résidence",
        "Pays de travail",
        "País de residencia",
        "País donde trabaja",
        "Negara tempat bekerja",
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
        "Company",
        "Organisation / Company",
        "Organisme",
        "Structure",
        "Organización",
        "Institución",
        "Organisasi",
        "Lembaga",
    ],
    "org_type": [
        "Type of organisation",
        "Type of organization",
        "Organisation type",
        "Organization type",
        "Org type",
        "Sector",
        "Type d'organisation",
        "Type de structure",
        "Tipo de organización",
        "Jenis organisasi",
    ],
    "position": [
        "Position",
        "Designation",
        "Job title",
        "Function",
        "Position in organisation",
        "Fonction",
        "Poste",
        "Cargo",
        "Jabatan",
    ],
    "email": [
        "E-mail",
        "Email",
        "E-mail address",
        "Email address",
        "Email id",
        "Mail",
        "User Email",
        "Courriel",
        "Adresse e-mail",
        "Adresse électronique",
        "Correo",
        "Correo electrónico",
        "Surel",
        # The address Google Forms and Microsoft Forms collect, in the form's language (programme/intake/languages.py)
        *every_name(GOOGLE_FORMS_EMAIL),
        *(email for columns in MICROSOFT_FORMS.values() for email in columns.email),
    ],
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
        "Téléphone",
        "Portable",
        "Teléfono",
        "Celular",
        "Móvil",
        "Telepon",
        "Nomor HP",
    ],
    "languages": ["Languages", "Language", "Languages spoken", "Langues", "Idiomas", "Bahasa"],
    "expertise": ["Expertise", "Areas of expertise", "Area of expertise"],
    "role": ["Participation role", "Role in the course", "Role in the module", "Participant type"],
    # Whether the person came (Zoom's "Attended: Yes/No", a check-in column): No means registered, not attended.
    "attended": ["Attended", "Checked in", "Checked-in", "Check-in status"],
}

# What the page calls each field.
FIELD_LABELS: dict[str, str] = {
    "full_name": "Full name",
    "given_name": "Given name",
    "family_name": "Family name",
    "name_suffix": "Letters after the name (Jr., PhD)",
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
    "attended": "Attended (Yes/No)",
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

# "Day 1", "day 2 (3 Dec)", "D3": a column of day-by-day attendance; in partners' sheets in French ("Jour 1", "J2"),
# Spanish and Portuguese ("Día 1", "Dia 2"), Indonesian and Malay ("Hari 1"), Vietnamese ("Ngày 1"), Thai ("วันที่ 1")
# and Arabic ("اليوم 1", "يوم ٢": the digits as written there too).
_DAY_COLUMN = re.compile(r"^\s*(?:day|d|jour|j|d[ií]a|hari|ngày|วันที่|اليوم|يوم)\s*[-#.]?\s*(\d{1,2})\b", re.IGNORECASE)


# The one error for a column, field or tool the user named that the list does not have (exit 2), shared with the
# agenda and evaluation imports.
MappingError = ColumnChoiceError


@dataclass
class ColumnMapping:
    """Which column holds each field, and which columns are attendance days (column -> day number)."""

    fields: dict[str, str] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    tool: str | None = None  # the tool the list was recognised as coming from ("Microsoft Forms"), or None
    ignored: list[str] = field(default_factory=list)  # the tool's own columns, not read
    notes: list[str] = field(default_factory=list)  # what the user should know about how the columns are read
    # The tool's own words for a field's values ({field: {folded text: value}}), read before the vocabulary.
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    # What the user chose about the list's rows (the people on the organisers' own Zoom account imported or left
    # out: importing.own_account), as sentences without anyone's name: in the import's audit record (which a
    # person's erasure does not reach). The notes say the same with the names, for the preview.
    choices: list[str] = field(default_factory=list)

    def has_name(self) -> bool:
        return "full_name" in self.fields or "given_name" in self.fields or "family_name" in self.fields

    def role(self, column: str) -> str:
        """Return what a column is read as: a field's name, "day N", "meta" (the tool's own) or "not used"."""
        for name, taken in self.fields.items():
            if taken == column:
                return name
        if column in self.days:
            return f"day {self.days[column]}"
        return "meta" if column in self.ignored else "not used"

    def roles(self, columns: Sequence[str] | None = None) -> list[dict[str, str]]:
        """Return [{"header", "role"}] for each column (the mapped ones when columns is None)."""
        headers = list(columns) if columns is not None else [*self.fields.values(), *self.days, *self.ignored]
        return [{"header": column, "role": self.role(column)} for column in headers]


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
    """Return the participant list found in a spreadsheet or CSV file (raises UnreadableFile).

    A tool's report with sections (Zoom's Host, Panelist and Attendee Details) is cut to its people's section.
    """
    # A tool's own column names count towards the header: Zoom's participants' header ("Join Time", "Guest") beats
    # the meeting's header above it ("User Email", "Participants") in an export with meeting data.
    try:
        table = read_table(data, file_name, PARTICIPANT_SYNONYMS, header_cell=tool_column)
    except NoHeaderRow as error:  # a file too large or corrupt is not read twice
        rated = evaluation_columns(data, file_name)
        if rated:
            raise UnreadableFile(
                f"This file looks like an evaluation export, not a list of people: its column '{rated[0]}' holds "
                f"ratings ('{rated[1]}'...). Import it on Evaluate › Forms and entry, tab Import an export."
            ) from error
        raise
    return people_section(table, detect_profile(table.columns))


# Of a column's answers, the share in one named rating scale ("Very useful") that makes it a rating column, and how
# many such columns make a file an evaluation export rather than a list of people.
RATED_SHARE = 0.8
RATED_COLUMNS = 2


def evaluation_columns(data: bytes, file_name: str) -> tuple[str, str] | None:
    """Return the first rating column of a file read as an evaluation export, and one of its answers, when at least
    RATED_COLUMNS columns are answered in a named rating scale's words; else None. For the message of a participant
    import given an evaluation export (its header names no person's field): "No header row" said nothing useful."""
    from programme.evaluations.columns import META_SYNONYMS, looks_like_header
    from programme.evaluations.scales import detect_labels

    try:
        table = read_table(data, file_name, META_SYNONYMS, header_cell=looks_like_header)
    except UnreadableFile:
        return None
    rated = []
    for column in table.columns:
        answers = [value.strip() for value in table.frame[column] if isinstance(value, str) and value.strip()]
        labels = detect_labels(answers)
        if not answers or labels is None:
            continue
        known = {label.casefold() for label in labels}
        inside = [answer for answer in answers if answer.casefold() in known]
        if len(inside) >= RATED_SHARE * len(answers):
            rated.append((column, inside[0]))
    return rated[0] if len(rated) >= RATED_COLUMNS else None


def detect_columns(
    table: SheetTable, *, tool: str | None = None, overrides: dict[str, str | None] | None = None
) -> ColumnMapping:
    """Return the mapping for a list: its tool recognised (or the one named), the tool's own columns set aside,
    then each field by synonym, and the user's overrides ({field: header, or None for not used}) last."""
    profile = _profile(table.columns, tool)
    if profile is None:
        mapping = detect_mapping(table.columns)
    else:
        mapping = _tool_mapping(table, profile)
    for name, header in (overrides or {}).items():
        _override(mapping, table.columns, name, header)
    return mapping


def _profile(columns: Sequence[str], tool: str | None) -> ToolProfile | None:
    if tool is None:
        return detect_profile(columns)
    if header_key(tool) in ("", "none", "generic"):
        return None
    profile = profile_named(tool, columns)
    if profile is None:
        names = ", ".join(TOOL_NAMES)
        raise MappingError(f"'{tool}' is not a tool we know; use one of: {names} (or none).")
    return profile


def _tool_mapping(table: SheetTable, profile: ToolProfile) -> ColumnMapping:
    """Return the mapping of a tool's export: its meta columns left out of the synonyms' reach."""
    columns = list(table.columns)
    ignored = [column for name in profile.meta if (column := column_named(columns, name)) is not None]
    fields: dict[str, str] = {}
    for name, target in profile.fields.items():
        column = column_named(columns, name)
        if column is not None and target not in fields:
            fields[target] = column
    notes = [profile.note] if profile.note and table.row_numbers else []
    # The form's own identity columns (Microsoft Forms' Email and Name): meta when a question asks the same,
    # or when the form was anonymous ("anonymous" in every row).
    own = {column: target for name, target in profile.own_identity.items() if (column := column_named(columns, name))}
    questions = [column for column in columns if column not in ignored and column not in own]
    asked = detect_mapping(questions).fields
    for column, target in own.items():
        if target in asked or (target == "full_name" and {"given_name", "family_name"} & set(asked)):
            ignored.append(column)
            question = asked.get(target) or " and ".join(asked[n] for n in ("given_name", "family_name") if n in asked)
            notes.append(f"The form's own '{column}' column is not read: the question '{question}' is.")
        elif all_anonymous(table.frame, column):
            ignored.append(column)
            notes.append(f"The form's own '{column}' column is not read: the form was anonymous.")
    # The form's own columns it reads are read as the form means them, not by their words: a French form's own
    # "Nom" is the respondent's whole name (the synonyms read a partner's "Nom" as the family name).
    for column, target in own.items():
        if column not in ignored:
            fields.setdefault(target, column)
    rest = [column for column in columns if column not in ignored and column not in fields.values()]
    found = detect_mapping(rest)
    for name, column in found.fields.items():
        fields.setdefault(name, column)
    values = {name: dict(words) for name, words in profile.values.items() if name in fields}
    return ColumnMapping(fields=fields, days=found.days, tool=profile.name, ignored=ignored, notes=notes, values=values)


def _override(mapping: ColumnMapping, columns: Sequence[str], name: str, header: str | None) -> None:
    """Make the field read from the header (None: from no column); the header leaves any other role."""
    column = choose_field(mapping.fields, columns, name, header, known=list(FIELD_LABELS), what="a participant list")
    if column is None:
        return
    mapping.days.pop(column, None)
    if column in mapping.ignored:
        mapping.ignored.remove(column)

"""What kind of list a sheet is: who registered, who took part, or who attended which day.

A registration list (an online form's export) says who signed up: its people become registered for the module,
with attendance not recorded, and so never completed. A participant list says who took part. An attendance sheet
records each day. The kind is detected from the columns and confirmed by the user before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from programme.importing.columns import ColumnMapping
from programme.importing.profiles import MEETING_REPORT_TOOLS
from programme.intake.languages import GOOGLE_FORMS_TIMESTAMP, MICROSOFT_FORMS, every_name
from programme.sheets import header_key


class ListKind(StrEnum):
    REGISTRATION = "registration"
    PARTICIPANTS = "participants"
    ATTENDANCE = "attendance"


# What each kind does, in one sentence each (the page and the command line's help say it).
LIST_KIND_LABELS: dict[ListKind, str] = {
    ListKind.REGISTRATION: "Registration list",
    ListKind.PARTICIPANTS: "Participant list",
    ListKind.ATTENDANCE: "Attendance sheet",
}
LIST_KIND_EFFECTS: dict[ListKind, str] = {
    ListKind.REGISTRATION: (
        "people who signed up: they become registered for the module, with attendance not recorded "
        "(not completed) until a participant list or an attendance sheet says they came"
    ),
    ListKind.PARTICIPANTS: "people who took part in the module (completion follows the rule on Settings)",
    ListKind.ATTENDANCE: "who was present on each day (Day 1, Day 2... columns); completion follows the days",
}

# Headers that an online form's export has (Google Forms, Microsoft Forms, Kobo, SurveyMonkey...): the time the
# form was sent. Compared without case, spaces or punctuation. Google Forms' Timestamp and Microsoft Forms' start and
# completion times in the form's language too ("Horodateur", "Heure de début": programme/intake/languages.py).
FORM_COLUMNS = frozenset(
    header_key(name)
    for name in (
        *every_name(GOOGLE_FORMS_TIMESTAMP),
        "Submitted at",
        "Submission date",
        "Submission time",
        "Date submitted",
        *(name for columns in MICROSOFT_FORMS.values() for name in (columns.start, columns.completion)),
        "Submitted on",
        "_submission_time",
        "Response ID",
        "Respondent ID",
    )
)
# Words in a header that only a registration or application form asks.
REGISTRATION_WORDS = ("register", "registration", "apply", "application", "wanttojoin", "whydoyouwant", "motivation")


def registration_hints(columns: Sequence[str]) -> list[str]:
    """Return the columns that show the sheet is a registration form's export."""
    hints = []
    for column in columns:
        key = header_key(column)
        if key in FORM_COLUMNS or any(word in key for word in REGISTRATION_WORDS):
            hints.append(str(column))
    return hints


def form_hints(columns: Sequence[str], mapping: ColumnMapping) -> list[str]:
    """Return the columns that show the sheet is a registration form's export, but for a meeting report's own columns
    (the Timestamp of a Teams attendance list is when someone joined or left, not when a form was sent)."""
    own = set(mapping.ignored) if mapping.tool in MEETING_REPORT_TOOLS else set()
    return registration_hints([column for column in columns if column not in own])


def detect_list_kind(columns: Sequence[str], mapping: ColumnMapping) -> ListKind:
    """Return the kind of list the columns suggest: Day columns → attendance; a column saying who attended (Zoom's
    Attended, a check-in column) → participants, each row's answer deciding; a form's export → registration."""
    if mapping.days:
        return ListKind.ATTENDANCE
    if "attended" in mapping.fields:
        return ListKind.PARTICIPANTS
    if form_hints(columns, mapping):
        return ListKind.REGISTRATION
    return ListKind.PARTICIPANTS


def why_detected(kind: ListKind, columns: Sequence[str], mapping: ColumnMapping) -> str:
    """Return the reason for the detected kind, in a few words ("it has a Timestamp column")."""
    if kind == ListKind.ATTENDANCE and mapping.days:
        names = list(mapping.days)
        return f"it has day columns ({', '.join(names[:3])}{'…' if len(names) > 3 else ''})"
    if kind == ListKind.PARTICIPANTS and "attended" in mapping.fields:
        return (
            f"its column '{mapping.fields['attended']}' says who attended: those it does not mark as "
            "attended are recorded as registered, not as having attended"
        )
    hints = form_hints(columns, mapping)
    if kind == ListKind.REGISTRATION and hints:
        return f"it has a column '{hints[0]}', as a registration form's export does"
    return "it has neither day columns nor a registration form's columns"

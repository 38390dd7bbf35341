"""Survey tools recognised from their own columns: which columns are the tool's (meta), and which one is the
submission time and the response's id. Layouts as each tool's help pages document their exports
(tests/data/tools/README.md names them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from programme.intake.languages import (
    GOOGLE_FORMS_SCORE,
    GOOGLE_FORMS_TIMESTAMP,
    MICROSOFT_FORMS,
    every_name,
    other_languages,
)
from programme.people.names import clean_text, fold
from programme.sheets import header_key


@dataclass(frozen=True)
class ToolProfile:
    """One survey tool's export: its name, the columns that identify it, its own columns."""

    name: str
    signature: tuple[str, ...]  # header_keys: the tool is recognised when all are present
    meta: tuple[str, ...]  # the tool's own columns, never questions (header_keys)
    submitted: tuple[str, ...] = ()  # the submission time, best first (header_keys)
    response_id: str | None = None  # the tool's id of a response (header_key)
    two_row_header: bool = False  # the question on one row over its sub-labels on the next
    choice_columns: bool = False  # a 1/0 column per choice of a multiple-choice question ("Topics/lobbying")
    group_separator: str = "/"  # joins a question's XML name to its groups' ("evaluation/overall")
    label_groups: bool = False  # headers may hold group labels before the question's ("Module evaluation/...")
    label_choices: bool = False  # a multiple-choice question as one column per choice, ticked = the choice's label
    month_first: bool | None = None  # the order of day and month in its dates when no date decides (None: ask)
    ends_choices: str | None = None  # ends each choice of a multiple-choice answer in one cell ("A;B;")
    utc_without_zone: bool = False  # its submission time is UTC though written without a zone
    # The signature in the form's other languages (a French Google Form's "Horodateur"): any one of them will do.
    other_signatures: tuple[tuple[str, ...], ...] = ()


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(header_key(name) for name in names))


KOBO_META = _keys(
    "_id", "_uuid", "_submission_time", "_validation_status", "_index", "_parent_index", "_parent_table_name",
    "_notes", "_status", "_submitted_by", "_tags", "_geolocation", "_attachments", "__version__", "_version_",
    "_xform_id_string", "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "audit", "instanceID", "meta/instanceID", "meta/rootUuid", "meta/deprecatedID", "formhub/uuid",
)  # fmt: skip

PROFILES: tuple[ToolProfile, ...] = (
    ToolProfile(
        name="SurveyMonkey",
        signature=_keys("Respondent ID", "Collector ID"),
        meta=_keys(
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "End Date",
            "IP Address",
            "Email Address",
            "First Name",
            "Last Name",
            "Custom Data 1",
            "Custom Data 2",
            "Custom Data 3",
        ),  # fmt: skip
        submitted=_keys("End Date", "Start Date"),
        response_id=header_key("Respondent ID"),
        two_row_header=True,
        label_choices=True,
        month_first=True,  # "04/12/2019 03:09:40 PM"
    ),
    ToolProfile(
        name="KoboToolbox",
        signature=_keys("_uuid", "_submission_time"),
        meta=KOBO_META,
        submitted=_keys("_submission_time", "end", "start"),
        response_id=header_key("_uuid"),
        utc_without_zone=True,  # _submission_time: "2019-04-12T08:10:02", UTC (kpi's export code says so)
        choice_columns=True,
        label_groups=True,
    ),
    ToolProfile(
        name="Typeform",
        signature=_keys("Submit Date (UTC)", "Network ID"),
        meta=_keys(
            "#",
            "Response Type",
            "Start Date (UTC)",
            "Stage Date (UTC)",
            "Submit Date (UTC)",
            "Network ID",
            "Ending",
            "Tags",
        ),  # fmt: skip
        submitted=_keys("Submit Date (UTC)"),
        response_id=header_key("#"),
        utc_without_zone=True,  # the header says (UTC)
        label_choices=True,
    ),
    ToolProfile(
        name="Microsoft Forms",
        signature=_keys("Start time", "Completion time"),
        other_signatures=tuple(
            _keys(c.start, c.completion) for c in MICROSOFT_FORMS.values() if c.start != "Start time"
        ),
        meta=_keys(*(name for columns in MICROSOFT_FORMS.values() for name in columns.all)),
        submitted=_keys(*(columns.completion for columns in MICROSOFT_FORMS.values())),
        response_id=header_key("ID"),
        ends_choices=";",  # "Treaty body reporting;Working with the media;"
    ),
    ToolProfile(
        name="ODK Central",
        signature=_keys("SubmissionDate", "KEY", "SubmitterID"),
        meta=_keys(
            "SubmissionDate",
            "meta-instanceID",
            "meta-instanceName",
            "meta-deprecatedID",
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion",
            "start",
            "end",
            "today",
            "deviceid",
            "subscriberid",
            "simserial",
            "phonenumber",
            "username",
            "audit",
        ),  # fmt: skip
        submitted=_keys("SubmissionDate", "end", "start"),
        response_id=header_key("KEY"),
        choice_columns=True,
        group_separator="-",
    ),
    ToolProfile(
        name="Google Forms",
        signature=_keys("Timestamp"),
        other_signatures=tuple(_keys(name) for name in other_languages(GOOGLE_FORMS_TIMESTAMP)),
        meta=_keys(*every_name(GOOGLE_FORMS_TIMESTAMP), *every_name(GOOGLE_FORMS_SCORE)),
        submitted=_keys(*every_name(GOOGLE_FORMS_TIMESTAMP)),
    ),
)

# SurveyMonkey's sub-labels under a question that is one column (its second header row).
SINGLE_ANSWER_LABELS = frozenset(_keys("Response", "Open-Ended Response"))
# SurveyMonkey's sub-labels of a column of text written by the respondent: an open-ended question's answer, and what
# was written for a choice question's "Other (please specify)". Such a column is text whatever its answers look like.
OPEN_ENDED_LABELS = frozenset(_keys("Open-Ended Response", "Other (please specify)"))
_CHOICE_VALUES = frozenset({"", "0", "1", "0.0", "1.0", "true", "false"})
# "Topics/lobbying" or "evaluation/topics/lobbying": the choice after the last "/".
_CHOICE_COLUMN = re.compile(r"^(?P<question>.+)/(?P<choice>[^/]+)$")


def detect_tool(columns: Sequence[str]) -> ToolProfile | None:
    """Return the tool whose signature columns the header holds, or None for a sheet typed by hand."""
    keys = {header_key(column) for column in columns}
    return next(
        (tool for tool in PROFILES if any(set(s) <= keys for s in (tool.signature, *tool.other_signatures))), None
    )


def profile_named(name: str) -> ToolProfile | None:
    """Return the profile of a tool by its name, ignoring case and spaces."""
    return next((tool for tool in PROFILES if header_key(tool.name) == header_key(name)), None)


def choice_columns(columns: Sequence[str], values: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """Return {column: (question column or name, choice)} for KoboToolbox's 1/0 columns, one per choice.

    A column "Topics/lobbying" is a choice of the question "Topics" when at least one other column shares
    the prefix and all of them hold only 1, 0 or blanks.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    names = set(columns)
    for column in columns:
        if not all(str(value).strip().lower() in _CHOICE_VALUES for value in values[column]):
            continue
        # The question's own column names the split when it is there: a choice label may hold a "/" itself.
        parents = [name for name in names if name != column and column.startswith(f"{name}/")]
        if parents:
            question = max(parents, key=len)
            groups.setdefault(question, []).append((column, column[len(question) + 1 :]))
        elif match := _CHOICE_COLUMN.match(column):
            groups.setdefault(match["question"], []).append((column, match["choice"]))
    found: dict[str, tuple[str, str]] = {}
    for question, members in groups.items():
        if len(members) >= 2 or question in columns:
            for column, choice in members:
                found[column] = (question, choice)
    return found


def is_chosen(value: object) -> bool:
    """Return whether a 1/0 choice cell says the choice was ticked."""
    return str(value).strip().lower() in {"1", "1.0", "true"}


def chosen_text(choice: str, value: object) -> str | None:
    """Return how a choice cell is stored, None when the choice was not ticked.

    A cell holding 1/true or the choice's own label is the choice ticked; text in an "Other" choice's column
    is what the respondent wrote ("Other: Peer exchange").
    """
    text = clean_text(value)
    if is_chosen(text) or (text and fold(text) == fold(choice)):
        return choice
    if text and text.lower() not in _CHOICE_VALUES and fold(choice).startswith("other"):
        return f"{choice}: {text}"
    return None


@dataclass(frozen=True)
class LabelChoices:
    """A multiple-choice question written one column per choice, each ticked cell holding the choice's label."""

    question: str  # the question's text, "" when the export does not carry it (Typeform)
    members: tuple[tuple[str, str], ...]  # (column, choice) in the file's order


def label_choice_columns(columns: Sequence[str], values: dict[str, list[str]], join: str) -> list[LabelChoices]:
    """Return the multiple-choice questions written one column per choice with the choice's label as the answer.

    Typeform heads each such column with the choice's label alone (its question's text is not exported), and an
    "Other" column holds the text written; SurveyMonkey's two-row header gives "Question{join}Choice" with
    "Question{join}Other (please specify)". A run needs two columns whose every answer is their own label
    (a blank column between them, or sharing their question, belongs to it too).
    """
    found: list[LabelChoices] = []
    index = 0
    while index < len(columns):
        run = _choice_run(columns, values, join, index)
        if run is None:
            index += 1
            continue
        question, end = run
        members = [(column, _choice_of(column, question, join)) for column in columns[index:end]]
        if end < len(columns) and _is_other(_choice_of(columns[end], question, join), question):
            if not question or columns[end].startswith(f"{question}{join}"):
                members.append((columns[end], _choice_of(columns[end], question, join)))
                end += 1
        found.append(LabelChoices(question=question, members=tuple(members)))
        index = end
    return found


def _is_other(choice: str, question: str) -> bool:
    """Return whether a column is the "Other" choice's: "Other" (Typeform), "Other (please specify)"."""
    return fold(choice).startswith("other") if question else fold(choice) == "other"


def _choice_of(column: str, question: str, join: str) -> str:
    return column[len(question) + len(join) :] if question else column


def _labelled(column: str, answers: list[str], join: str) -> str | None:
    """Return the question a column answered only by its own choice label belongs to ("" when none), else None."""
    given = {clean_text(value) for value in answers} - {""}
    if len(given) != 1:
        return None
    label = given.pop()
    if fold(column) == fold(label):
        return ""
    if column.endswith(f"{join}{label}"):
        return column[: -len(f"{join}{label}")]
    return None


def _choice_run(columns: Sequence[str], values: dict[str, list[str]], join: str, start: int) -> tuple[str, int] | None:
    """Return (question, end) of a run of choice columns starting at start, or None."""
    question = _labelled(columns[start], values[columns[start]], join)
    if question is None:
        return None
    end, labelled, pending = start + 1, 1, 0
    while end + pending < len(columns):
        column = columns[end + pending]
        answers = values[column]
        if question and column.startswith(f"{question}{join}") and not any(clean_text(v) for v in answers):
            pending += 1  # a choice nobody ticked, known by its question
            continue
        if _labelled(column, answers, join) == question:
            end, labelled, pending = end + pending + 1, labelled + 1, 0
            continue
        if not question and not any(clean_text(v) for v in answers):
            pending += 1  # between two labelled columns, or before the "Other" column
            continue
        if _is_other(_choice_of(column, question, join), question):
            end += pending
            pending = 0
        break
    if question:
        end += pending
    return (question, end) if labelled >= 2 or (question and end - start >= 2) else None


def split_choices(text: str, ends: str | None) -> str:
    """Return a multiple-choice answer written "A;B;" (each choice ended by ";") as "A; B"; other text as it is."""
    if not ends or not text.endswith(ends):
        return text
    return "; ".join(part.strip() for part in text.split(ends) if part.strip())

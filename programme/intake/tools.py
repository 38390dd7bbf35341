"""Survey tools recognised from their own columns: which columns are the tool's (meta), and which one is the
submission time and the response's id. Layouts as each tool's help pages document their exports
(tests/data/tools/README.md names them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(header_key(name) for name in names)


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
    ),
    ToolProfile(
        name="KoboToolbox",
        signature=_keys("_uuid", "_submission_time"),
        meta=KOBO_META,
        submitted=_keys("_submission_time", "end", "start"),
        response_id=header_key("_uuid"),
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
    ),
    ToolProfile(
        name="Microsoft Forms",
        signature=_keys("Start time", "Completion time"),
        meta=_keys("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"),
        submitted=_keys("Completion time"),
        response_id=header_key("ID"),
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
        meta=_keys("Timestamp", "Score"),
        submitted=_keys("Timestamp"),
    ),
)

# SurveyMonkey's sub-labels under a question that is one column (its second header row).
SINGLE_ANSWER_LABELS = frozenset(_keys("Response", "Open-Ended Response"))
_CHOICE_VALUES = frozenset({"", "0", "1", "0.0", "1.0", "true", "false"})
# "Topics/lobbying" or "evaluation/topics/lobbying": the choice after the last "/".
_CHOICE_COLUMN = re.compile(r"^(?P<question>.+)/(?P<choice>[^/]+)$")


def detect_tool(columns: Sequence[str]) -> ToolProfile | None:
    """Return the tool whose signature columns the header holds, or None for a sheet typed by hand."""
    keys = {header_key(column) for column in columns}
    return next((tool for tool in PROFILES if set(tool.signature) <= keys), None)


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

"""The columns of a survey export: meta columns, who answered, and which question each other column is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from programme.core.errors import ProgrammeError
from programme.evaluations.scales import STANDARD_RANGE, is_blank, is_rating, is_zero_to_ten, scale_text
from programme.evaluations.wording import is_suggestion_question, respondent_attribute
from programme.intake.columns import ColumnChoiceError
from programme.intake.scales import ZERO_TO_TEN_ROLE, is_zero_to_ten_question, knows_label
from programme.intake.tools import ToolProfile, choice_columns
from programme.models import AgendaSession, Question, QuestionKind, RespondentAttributeKind
from programme.models.evaluations import ZERO_TO_TEN
from programme.people.names import clean_text, fold
from programme.sheets import header_key

# Survey tools' own columns (KoboToolbox/ODK, Google Forms, Microsoft Forms, SurveyMonkey): never questions.
# The first name of each entry is the role the importer gives the column.
META_SYNONYMS: dict[str, tuple[str, ...]] = {
    "_uuid": ("uuid", "instanceID", "Submission ID", "Response ID", "Respondent ID"),
    "_submission_time": ("submission time", "Timestamp", "Completion time", "Submitted at", "Date submitted"),
    "end": ("end time", "endtime"),
    "start": ("start time", "starttime"),
    "_id": ("id",),
    "_index": ("index", "_parent_index"),
    "_status": ("status",),
    "_submitted_by": ("submitted by",),
    "__version__": ("_version_", "version"),
    "_validation_status": (),
    "_notes": (),
    "_tags": (),
    "_geolocation": (),
    "_attachments": (),
    "_parent_table_name": (),
    "today": (),
    "deviceid": ("device id",),
    "username": (),
    "Last modified time": (),
    "IP Address": (),
}
# Columns that say who answered: kept only when the form asks for a name (otherwise responses stay anonymous).
IDENTITY_COLUMNS = ("Name", "Your name", "Full name", "Participant name", "Respondent name", "Email", "Email address")
META_KEYS = {header_key(name): role for role, names in META_SYNONYMS.items() for name in (role, *names)}
IDENTITY_KEYS = {header_key(name) for name in IDENTITY_COLUMNS}
# A new column is a rating question when at least this share of its answers read as ratings.
RATING_SHARE = 0.5
# A column of at most this many distinct short answers, one a known scale label, is a scale.
SCALE_LABELS_MAX = 7
SCALE_LABEL_MAX = 40
# KoboToolbox/ODK prefix a question with the groups it sits in: "evaluation/session_1: ...".
_GROUP_PATH = re.compile(r"^(?:[A-Za-z_][\w.-]*/)+")


@dataclass
class ColumnPlan:
    """What the importer does with one column of the file."""

    column: str  # as the file has it
    role: str  # "meta", "identity", "respondent" (a fact about who answered) or "question"
    text: str = ""  # the question's text (new or existing)
    kind: QuestionKind = QuestionKind.TEXT
    question_id: int | None = None  # an existing question of the form; None for a new one
    session_id: int | None = None
    session_title: str | None = None
    meta: str | None = None  # which meta column ("_uuid", "_submission_time"...)
    attribute: RespondentAttributeKind | None = None  # which fact about the respondent ("respondent" columns)
    feeds_backlog: bool = False  # a question whose answers are suggestions for the next module
    labels: list[str] | None = None  # the scale its word labels are read by (rating questions), lowest first
    choices: list[tuple[str, str]] = field(default_factory=list)  # (1/0 column, choice) of a multiple-choice question
    scale: tuple[int, int] = STANDARD_RANGE  # the range of its ratings: 1-5, or 0-10 (never averaged with 1-5)

    @property
    def is_new(self) -> bool:
        return self.role == "question" and self.question_id is None


def strip_group_path(column: str, separator: str = "/") -> str:
    """Return a column name without the survey's group path: "evaluation/overall" → "overall".

    ODK Central joins groups with "-" ("evaluation-overall"): with separator "-", an XML name (no spaces) loses
    what stands before its last "-".
    """
    text = _GROUP_PATH.sub("", clean_text(column))
    if separator != "/" and separator in text and not any(ch.isspace() for ch in text):
        text = text.rsplit(separator, 1)[1] or text
    return text


def question_text(column: str, separator: str = "/") -> str:
    """Return the question text a column stands for: group path off, "_" as spaces, first letter capital."""
    text = clean_text(strip_group_path(column, separator).replace("_", " "))
    return text[:1].upper() + text[1:]


def looks_like_header(cell: str) -> bool:
    """Return whether a cell may be a column name: words, not a number or a rating (finds the header row)."""
    text = clean_text(cell)
    return bool(text) and any(ch.isalpha() for ch in text) and not is_rating(text)


def linked_session(text: str, sessions: Sequence[AgendaSession]) -> AgendaSession | None:
    """Return the module's session whose title the text contains (ignoring case and accents), longest first."""
    folded = f" {fold(text)} "
    found = [s for s in sessions if fold(s.title) and f" {fold(s.title)} " in folded]
    return max(found, key=lambda s: len(fold(s.title)), default=None)


def plan_columns(
    columns: Sequence[str],
    frame: pd.DataFrame,
    *,
    questions: Sequence[Question],
    sessions: Sequence[AgendaSession],
    labels: Sequence[str] | None,
    tool: ToolProfile | None = None,
) -> list[ColumnPlan]:
    """Return a plan for each column: meta, identity, a fact about the respondent, an existing question, or a new one.

    A column named like a fact about who answered ("Respondent country", "Type of organisation", "Gender")
    is that, not a question, unless it names one of the module's sessions. A new open question worded as a
    request for suggestions ("What should be improved?", "Topics for the next module") feeds the backlog.
    """
    titles = {s.id: s.title for s in sessions}
    by_text = {fold(q.text): q for q in questions}
    by_session = {q.session_id: q for q in questions if q.session_id and q.kind == QuestionKind.RATING}
    plans = []
    choices = choice_columns(columns, {column: list(frame[column]) for column in columns}) if tool else {}
    carried: set[str] = set()
    separator = tool.group_separator if tool else "/"
    for column in columns:
        key = header_key(strip_group_path(column, separator))
        if tool is not None and header_key(column) in tool.meta:
            plans.append(ColumnPlan(column=column, role="meta", meta=header_key(column)))
            continue
        if column in choices:
            question, _ = choices[column]
            if question in columns or question in carried:
                # The question's own column holds the answer (or an earlier choice column carries it).
                text = question_text(question, separator)
                plans.append(ColumnPlan(column=column, role="choice", text=text, meta=question))
                continue
            carried.add(question)
            members = [(other, choice) for other, (parent, choice) in choices.items() if parent == question]
            text = question_text(question, separator)
            plans.append(ColumnPlan(column=column, role="question", text=text, kind=QuestionKind.TEXT, choices=members))
            continue
        if key in META_KEYS:
            plans.append(ColumnPlan(column=column, role="meta", meta=META_KEYS[key]))
            continue
        if key in IDENTITY_KEYS:
            plans.append(ColumnPlan(column=column, role="identity"))
            continue
        text = question_text(column, separator)
        linked = linked_session(text, sessions)
        attribute = respondent_attribute(text)
        if attribute is not None and linked is None:
            plans.append(ColumnPlan(column=column, role="respondent", text=text, attribute=attribute))
            continue
        kind = _kind_of(frame[column], labels, linked=linked is not None)
        scale = STANDARD_RANGE
        if is_zero_to_ten_question(column, frame[column]):
            kind, scale = QuestionKind.RATING, ZERO_TO_TEN  # "How likely are you to recommend... (0-10)"
        existing = by_text.get(fold(text)) or by_text.get(fold(strip_group_path(column, separator)))
        if existing is None and linked is not None and kind == QuestionKind.RATING and scale == STANDARD_RANGE:
            existing = by_session.get(linked.id)
        if existing is not None:
            session_id = existing.session_id
            plans.append(
                ColumnPlan(
                    column=column,
                    role="question",
                    text=existing.text,
                    kind=QuestionKind(existing.kind),
                    question_id=existing.id,
                    session_id=session_id,
                    session_title=titles.get(session_id),
                    feeds_backlog=bool(existing.feeds_backlog),
                    scale=(existing.scale_min, existing.scale_max),
                )
            )
            continue
        plans.append(
            ColumnPlan(
                column=column,
                role="question",
                text=text,
                kind=kind,
                session_id=linked.id if linked else None,
                session_title=linked.title if linked else None,
                feeds_backlog=kind == QuestionKind.TEXT and is_suggestion_question(text, frame[column]),
                scale=scale,
            )
        )
    return plans


def _kind_of(values: pd.Series, labels: Sequence[str] | None, *, linked: bool) -> QuestionKind:
    """Return rating when most answers read as ratings (an unanswered session column is a rating too)."""
    answered = [value for value in values if not is_blank(value)]
    if not answered:
        return QuestionKind.RATING if linked else QuestionKind.TEXT
    ratings = sum(is_rating(value, labels) for value in answered)
    if ratings >= RATING_SHARE * len(answered):
        return QuestionKind.RATING
    # A few short labels, some of them a scale's ("Very weak", "Weak", "Average"...): a scale whose order
    # must be known before anything is read, never comments.
    distinct = {fold(clean_text(value)) for value in answered}
    short = all(len(clean_text(value)) <= SCALE_LABEL_MAX for value in answered)
    if short and len(distinct) <= SCALE_LABELS_MAX and any(knows_label(clean_text(value)) for value in answered):
        return QuestionKind.RATING
    return QuestionKind.TEXT


def plans_table(plans: Sequence[ColumnPlan]) -> pd.DataFrame:
    """Return the plan as a table for the preview: column, what it becomes, kind, session."""
    rows = []
    for plan in plans:
        if plan.role == "meta":
            becomes = "survey tool's column (ignored)"
        elif plan.role == "choice":
            becomes = f"a choice of '{plan.text}' (read with the question)"
        elif plan.role == "identity":
            becomes = "who answered"
        elif plan.role == "respondent":
            becomes = f"about the respondent: {plan.attribute.value} (not a comment)"
        else:
            becomes = ("new question: " if plan.is_new else "question: ") + plan.text
            if plan.feeds_backlog:
                becomes += " (suggestions for the next module)"
            if plan.choices:
                becomes += f" (multiple choice: {len(plan.choices)} choice columns)"
            if plan.labels:
                becomes += f" (scale: {', '.join(plan.labels)})"
            if plan.kind == QuestionKind.RATING and is_zero_to_ten(plan.scale):
                becomes += " (scale: 0-10, kept apart from the 1-5 ratings)"
        rows.append(
            {
                "column": plan.column,
                "becomes": becomes,
                "kind": plan.kind.value if plan.role == "question" else "",
                "session": plan.session_title or "",
            }
        )
    return pd.DataFrame(rows, columns=["column", "becomes", "kind", "session"])


def column_role(plan: ColumnPlan, submitted: str | None = None, response_id: str | None = None) -> str:
    """Return what a column is read as, in the words --column takes: "rating", "text", "meta", "identity"..."""
    if plan.role == "question":
        if plan.kind == QuestionKind.RATING and plan.scale != STANDARD_RANGE:
            return f"{plan.kind.value} {scale_text(plan.scale)}"  # "rating 0-10"
        return plan.kind.value
    if plan.role == "respondent":
        return f"respondent: {plan.attribute.value}"
    if plan.column == submitted:
        return "submitted"
    if plan.column == response_id:
        return "response id"
    return plan.role


def column_roles(
    plans: Sequence[ColumnPlan], submitted: str | None = None, response_id: str | None = None
) -> list[dict[str, str]]:
    """Return [{"header", "role"}] for every column of the file (the --json key "columns")."""
    return [{"header": plan.column, "role": column_role(plan, submitted, response_id)} for plan in plans]


# The roles a user may give a column (--column ROLE=HEADER, the page's role picker); "ignore" is "meta".
# "rating 0-10": a 0-10 question ("How likely are you to recommend..."), kept apart from the 1-5 ratings.
COLUMN_ROLES = ("rating", ZERO_TO_TEN_ROLE, "text", "meta", "identity", "submitted", "response id")


def parse_column_roles(items: Sequence[str]) -> dict[str, str]:
    """Return {header: role} from ["rating=Overall", "meta=Score"] (--column ROLE=HEADER), roles checked."""
    found: dict[str, str] = {}
    for item in items:
        role, sep, header = item.partition("=")
        role = clean_text(role).lower().replace("_", " ")
        role = "meta" if role in ("ignore", "ignored") else role
        if not sep or not clean_text(header):
            raise ColumnChoiceError(f"'{item}' is not ROLE=HEADER (for example: rating=Overall rating).")
        if role not in COLUMN_ROLES:
            raise ColumnChoiceError(f"'{role}' is not a column role; use one of: {', '.join(COLUMN_ROLES)}.")
        found[clean_text(header)] = role
    return found


def override_columns(plans: Sequence[ColumnPlan], roles: dict[str, str]) -> None:
    """Give the columns the roles the user chose ({header: role}); a header the file lacks is an error."""
    by_column = {plan.column: plan for plan in plans}
    by_key = {header_key(plan.column): plan for plan in plans}
    for header, role in list(roles.items()):
        plan = by_column.get(header) or by_key.get(header_key(header))
        if plan is None:
            raise ColumnChoiceError(f"The file has no column '{header}'.")
        if role not in COLUMN_ROLES:
            raise ColumnChoiceError(f"'{role}' is not a column role; use one of: {', '.join(COLUMN_ROLES)}.")
        plan.choices = [] if role != column_role(plan) else plan.choices
        if role in ("meta", "submitted", "response id"):
            plan.role, plan.question_id, plan.labels = "meta", None, None
            plan.meta = {"submitted": "_submission_time", "response id": "_uuid"}.get(role, header_key(plan.column))
        elif role == "identity":
            plan.role, plan.question_id = "identity", None
        else:
            kind = QuestionKind.RATING if role == ZERO_TO_TEN_ROLE else QuestionKind(role)
            scale = ZERO_TO_TEN if role == ZERO_TO_TEN_ROLE else STANDARD_RANGE
            existing = plan.role == "question" and plan.question_id is not None
            if existing and (plan.kind != kind or (kind == QuestionKind.RATING and plan.scale != scale)):
                raise ProgrammeError(
                    f"Column '{plan.column}' is the form's {column_role(plan)} question '{plan.text}'; it cannot be "
                    f"read as {role} answers."
                )
            plan.text = plan.text if plan.role == "question" else question_text(plan.column)
            plan.role, plan.kind, plan.attribute, plan.scale = "question", kind, None, scale
            if scale != STANDARD_RANGE:
                plan.labels, plan.feeds_backlog = None, False
        if header != plan.column:
            roles[plan.column] = roles.pop(header)

"""The columns of a survey export: meta columns, who answered, and which question each other column is."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import pandas as pd

from programme.core.errors import ProgrammeError
from programme.evaluations.scales import (
    STANDARD_RANGE,
    is_blank,
    is_rating,
    is_zero_to_ten,
    numbered_choice,
    scale_text,
)
from programme.evaluations.wording import asks_for_comments, is_suggestion_question, respondent_attribute
from programme.importing.columns import PARTICIPANT_SYNONYMS
from programme.intake.columns import ColumnChoiceError
from programme.intake.headers import MATRIX_JOIN
from programme.intake.languages import GOOGLE_FORMS_EMAIL, GOOGLE_FORMS_TIMESTAMP, MICROSOFT_FORMS, every_name
from programme.intake.scales import ZERO_TO_TEN_ROLE, is_zero_to_ten_question, knows_label
from programme.intake.tools import LabelChoices, ToolProfile, choice_columns, label_choice_columns
from programme.models import AgendaSession, Question, QuestionKind, RespondentAttributeKind
from programme.models.evaluations import ZERO_TO_TEN
from programme.people.names import clean_text, fold
from programme.sheets import header_key

# Survey tools' own columns (KoboToolbox/ODK, Google Forms, Microsoft Forms, SurveyMonkey): never questions.
# The first name of each entry is the role the importer gives the column.
META_SYNONYMS: dict[str, tuple[str, ...]] = {
    "_uuid": ("uuid", "instanceID", "Submission ID", "Response ID", "Respondent ID"),
    # Google Forms names its "Timestamp", Microsoft Forms its "Completion time", in the form's language (French
    # "Horodateur", "Heure de fin"...: programme/intake/languages.py).
    "_submission_time": (
        "submission time",
        "Completion time",
        "Submitted at",
        "Date submitted",
        *every_name(GOOGLE_FORMS_TIMESTAMP),
        *(columns.completion for columns in MICROSOFT_FORMS.values()),
    ),  # fmt: skip
    "end": ("end time", "endtime"),
    "start": ("start time", "starttime", *(columns.start for columns in MICROSOFT_FORMS.values())),
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
    "Last modified time": tuple(columns.last_modified for columns in MICROSOFT_FORMS.values()),
    "IP Address": (),
}
# Columns that say who answered: kept only when the form asks for a name (otherwise responses stay anonymous). The
# e-mail and name the form tools collect themselves, in the form's language, too: never a question or a comment.
IDENTITY_COLUMNS = (
    "Name",
    "Your name",
    "Full name",
    "Participant name",
    "Respondent name",
    "Email",
    "Email address",
    *every_name(GOOGLE_FORMS_EMAIL),
    *(name for columns in MICROSOFT_FORMS.values() for name in (*columns.email, columns.name)),
)
META_KEYS = {header_key(name): role for role, names in META_SYNONYMS.items() for name in (role, *names)}
IDENTITY_KEYS = {header_key(name) for name in IDENTITY_COLUMNS}
# Columns of contact details (a participant list's, or a form that asked for them): never a question, never stored
# as an answer or a comment; the participant list's own phone headers included.
CONTACT_KEYS = {
    header_key(name)
    for name in (
        "Phone",
        "Phone number",
        "Mobile",
        "Mobile number",
        "WhatsApp",
        "WhatsApp number",
        "Telephone",
        "Contact number",
        *PARTICIPANT_SYNONYMS["phone"],
    )
}
# A new column is a rating question when (nearly) all its answers read as ratings: at least NEARLY_ALL of them, or
# at least RATING_SHARE when the others are one value (a slip). See _kind_of.
RATING_SHARE = 0.5
NEARLY_ALL = 0.9
# A column read as text is named in a warning when at least this share of its answers read as ratings.
NOTE_SHARE = 0.25
# A column of at most this many distinct short answers, one a known scale label, is a scale.
SCALE_LABELS_MAX = 7
SCALE_LABEL_MAX = 40
# KoboToolbox/ODK prefix a question with the groups it sits in: "evaluation/session_1: ...".
_GROUP_PATH = re.compile(r"^(?:[A-Za-z_][\w.-]*/)+")


@dataclass
class ColumnPlan:
    """What the importer does with one column of the file."""

    column: str  # as the file has it
    # "meta", "identity", "contact" (a phone number: not imported), "respondent" (a fact about who answered) or
    # "question"
    role: str
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
    untitled: bool = False  # a multiple-choice question named after its choices: the export lacks its text
    scale: tuple[int, int] = STANDARD_RANGE  # the range of its ratings: 1-5, or 0-10 (never averaged with 1-5)
    # Why the column's kind is asked, not guessed (ratings mixed with other answers): an error until a role is given.
    ask: str | None = None
    note: str | None = None  # a warning: read as text, though some answers read as ratings
    chosen: bool = False  # the user gave the column its role (--column, the page's role picker)
    open_ended: bool = False  # the export says its answers are written text (SurveyMonkey's "Open-Ended Response")

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


# The standard form's session question (forms.SESSION_QUESTION, "How useful was the session: {title}?"), folded.
# Such a question names its session from the start of what follows: a title found further in is another session's
# (deleting "Role play: preparing the visit to the EU Delegation" had its question, and its ratings, go to "Visit
# to the EU Delegation" and that session's facilitator when the agenda was saved).
_SESSION_QUESTION = "how useful was the session "


def linked_session(text: str, sessions: Sequence[AgendaSession]) -> AgendaSession | None:
    """Return the module's session whose title the text contains (ignoring case and accents), longest first; in a
    standard session question, only a title right after "How useful was the session:"."""
    folded = f" {fold(text)} "
    if folded.startswith(f" {_SESSION_QUESTION}"):
        folded = f" {folded[len(_SESSION_QUESTION) + 1 :]}"
        found = [s for s in sessions if fold(s.title) and folded.startswith(f" {fold(s.title)} ")]
    else:
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
    open_ended: Collection[str] = (),
) -> list[ColumnPlan]:
    """Return a plan for each column: meta, identity, a fact about the respondent, an existing question, or a new one.

    open_ended: the columns the export itself says hold written text (SurveyMonkey's sub-labels "Open-Ended Response"
    and "Other (please specify)"): text, whatever their answers look like ("4", "5 days").

    A column named like a fact about who answered ("Respondent country", "Type of organisation", "Gender")
    is that, not a question, unless it names one of the module's sessions. A new open question worded as a
    request for suggestions ("What should be improved?", "Topics for the next module") feeds the backlog.
    """
    titles = {s.id: s.title for s in sessions}
    # A question reworded after it had answers keeps the wordings they were given to (form_editing.py): a later
    # export of the same survey names its column by one of them. Its present wording, and any other question's,
    # come first.
    by_text = {fold(old): q for q in questions for old in json.loads(q.earlier_texts or "[]")}
    by_text.update({fold(q.text): q for q in questions})
    by_session = {q.session_id: q for q in questions if q.session_id and q.kind == QuestionKind.RATING}
    plans = []
    values = {column: list(frame[column]) for column in columns}
    choices = choice_columns(columns, values) if tool else {}
    members_of: dict[str, list[tuple[str, str]]] = {}
    for choice_column, (question, choice) in choices.items():
        members_of.setdefault(question, []).append((choice_column, choice))
    carried: set[str] = set()
    separator = tool.group_separator if tool else "/"
    meta_keys = set(tool.meta) if tool else set()
    groups = (
        label_group_prefixes([c for c in columns if c not in choices and header_key(c) not in meta_keys])
        if tool and tool.label_groups
        else ()
    )
    runs = (
        label_choice_columns([c for c in columns if header_key(c) not in meta_keys], values, MATRIX_JOIN)
        if tool and tool.label_choices
        else []
    )
    run_of = {column: run for run in runs for column, _ in run.members}
    for column in columns:
        bare = strip_label_groups(column, groups)
        key = header_key(strip_group_path(bare, separator))
        if tool is not None and header_key(column) in tool.meta:
            plans.append(ColumnPlan(column=column, role="meta", meta=header_key(column)))
            continue
        if column in run_of:
            plans.append(_label_choice_plan(column, run_of[column], by_text))
            continue
        if column in choices:
            question, _ = choices[column]
            text = question_text(strip_label_groups(question, groups), separator)
            if question in columns or question in carried:
                # The question's own column carries the answer (or an earlier choice column does).
                plans.append(ColumnPlan(column=column, role="choice", text=text, meta=question))
                continue
            carried.add(question)
            members = members_of[question]
            plans.append(ColumnPlan(column=column, role="question", text=text, kind=QuestionKind.TEXT, choices=members))
            continue
        if key in META_KEYS:
            plans.append(ColumnPlan(column=column, role="meta", meta=META_KEYS[key]))
            continue
        if key in IDENTITY_KEYS:
            plans.append(ColumnPlan(column=column, role="identity"))
            continue
        if key in CONTACT_KEYS:
            plans.append(ColumnPlan(column=column, role="contact"))
            continue
        text = _other_text(column) if column in open_ended else None
        text = text or question_text(bare, separator)
        linked = linked_session(text, sessions)
        attribute = respondent_attribute(text)
        if attribute is not None and linked is None:
            plans.append(ColumnPlan(column=column, role="respondent", text=text, attribute=attribute))
            continue
        if column in open_ended:
            reading = KindReading(QuestionKind.TEXT)  # the export says so: no answer makes it a rating
        else:
            reading = _kind_of(column, frame[column], labels, linked=linked is not None)
        kind, scale = reading.kind, STANDARD_RANGE
        if column not in open_ended and is_zero_to_ten_question(column, frame[column]):
            kind, scale = QuestionKind.RATING, ZERO_TO_TEN  # "How likely are you to recommend... (0-10)"
            reading = KindReading(kind)
        existing = by_text.get(fold(text)) or by_text.get(fold(strip_group_path(bare, separator)))
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
                    ask=_open_ended_rating(column, existing, frame[column]) if column in open_ended else None,
                    open_ended=column in open_ended,
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
                # A multiple-choice question's own column ("lobbying cedaw", labels joined by spaces) is read
                # from its 1/0 columns, which name each choice whole.
                choices=members_of.get(column, []) if kind == QuestionKind.TEXT else [],
                scale=scale,
                ask=reading.ask,
                note=reading.note,
                open_ended=column in open_ended,
            )
        )
    return plans


# SurveyMonkey's sub-label over what a respondent wrote for a single-choice question's "Other (please specify)".
_OTHER_SPECIFY = header_key("Other (please specify)")


def _other_text(column: str) -> str | None:
    """Return "<question> — Other (please specify)" for the column SurveyMonkey writes beside a single-choice question
    for its "Other" choice (the question's text above the choice's column, "Other (please specify)" below the next:
    merge_sub_header names it "<question> - Other (please specify)"), else None.

    Its own text question, read by its choice question's wording: the report and the Comments tab name it so. It is
    not folded into the choice question's answers: a rating question's "Other" text is no rating, and as that
    question's answer it would count among those who answered it. The name folds (people.names.fold) as the one
    earlier imports gave it (" - "), so a later export of the same survey finds that question.
    """
    question, join, sub = column.rpartition(MATRIX_JOIN)
    if not join or not question.strip() or header_key(sub) != _OTHER_SPECIFY:
        return None
    return f"{question_text(question)} \N{EM DASH} {clean_text(sub)}"


def _open_ended_rating(column: str, existing: Question, values: pd.Series) -> str | None:
    """Return why a column the export marks open-ended is asked when its header is one of the form's rating questions.

    Two statements disagree: the export says its answers are written text; the form (an earlier import, or its
    editor) says the wording is a rating. Neither is taken over the other: the written "4" (days) would count in
    the rating's mean, and a new text question of the same wording would make the form's two questions one header.
    """
    if existing.kind != QuestionKind.RATING:
        return None
    shown = _quoted(list(dict.fromkeys(clean_text(value) for value in values if not is_blank(value))))
    answers = f" ({shown})" if shown else ""
    return (
        f"Column '{column}' is open-ended in the export (written answers{answers}), but its header is the form's "
        f"rating question '{existing.text}': read as that question, its answers would count in its mean. Nothing "
        f'was imported: say what it is: --column "rating={column}" if its answers are that question\'s ratings, or '
        f'--column "meta={column}" to leave it out (on the page, "Change what a column is read as": rating or meta).'
    )


# The longest text given to a multiple-choice question named after its choices (its own text not exported).
UNTITLED_TEXT_MAX = 300


def _label_choice_plan(column: str, run: LabelChoices, by_text: dict[str, Question]) -> ColumnPlan:
    """Return the plan of one column of a multiple-choice question written one column per choice."""
    first = run.members[0][0]
    if run.question:
        text = question_text(run.question)
    else:  # Typeform exports the choices' labels only: the question is named after them
        text = f"Multiple choice ({' / '.join(choice for _, choice in run.members)})"
        text = text if len(text) <= UNTITLED_TEXT_MAX else text[: UNTITLED_TEXT_MAX - 2] + "…)"
    if column != first:
        return ColumnPlan(column=column, role="choice", text=text, meta=first)
    existing = by_text.get(fold(text))
    if existing is not None and existing.kind == QuestionKind.TEXT:
        return ColumnPlan(column=column, role="question", text=existing.text, question_id=existing.id,
                          session_id=existing.session_id, choices=list(run.members))  # fmt: skip
    return ColumnPlan(column=column, role="question", text=text, choices=list(run.members), untitled=not run.question)


def label_group_prefixes(columns: Sequence[str]) -> tuple[str, ...]:
    """Return the group paths KoboToolbox writes before question labels ("Module evaluation/"), longest first.

    A label may hold a "/" itself ("Lobbying/advocacy"), so a prefix counts as a group only when at least two
    columns share it.
    """
    counts: dict[str, int] = {}
    for column in columns:
        for index, char in enumerate(column):
            if char == "/" and 0 < index < len(column) - 1:
                counts[column[: index + 1]] = counts.get(column[: index + 1], 0) + 1
    return tuple(sorted((prefix for prefix, count in counts.items() if count >= 2), key=len, reverse=True))


def strip_label_groups(column: str, prefixes: Sequence[str]) -> str:
    """Return a header without the longest group path it starts with ("Module evaluation/Comments" → "Comments")."""
    return next((column[len(prefix) :] for prefix in prefixes if column.startswith(prefix)), column)


@dataclass(frozen=True)
class KindReading:
    """What a new column's answers say it is: the kind, and what the user is told about it.

    ask: why its kind is not guessed (the plan has an error until the user gives it a role); note: a warning when it
    was read as text though some answers read as ratings."""

    kind: QuestionKind
    ask: str | None = None
    note: str | None = None


def _kind_of(column: str, values: pd.Series, labels: Sequence[str] | None, *, linked: bool) -> KindReading:
    """Return what a new column is, from its answers (blanks and N/A left out) and its wording.

    A rating only when (nearly) all its answers read as ratings: every one; all but one value (a slip, whose rows are
    errors) with ratings at least half the answers; or at least NEARLY_ALL of them. A few short answers, one of them
    a known scale's label, are a scale whose order is asked ("Very weak", "Weak", "Average"...) or comments: the
    question asks which. A column that asks for comments ("Any other comments?") is text whatever some answers are
    ("Good" is a rating label too); so is a column mostly of other answers. Between the two (ratings at least half,
    two or more other answers) the user is asked; a column read as text with a quarter or more of its answers
    rating-like is named in a warning. Never a silent guess that changes a figure.
    """
    answered = [value for value in values if not is_blank(value)]
    comments = asks_for_comments(question_text(column))
    if not answered:
        return KindReading(QuestionKind.RATING if linked and not comments else QuestionKind.TEXT)
    rated = [value for value in answered if is_rating(value, labels)]
    others = {fold(clean_text(value)): clean_text(value) for value in answered if not is_rating(value, labels)}
    rated_shown = _quoted(list(dict.fromkeys(clean_text(value) for value in rated)))
    counts = f"{len(rated)} of its {len(answered)} answers"
    if comments:
        note = None
        if len(rated) >= NOTE_SHARE * len(answered):
            note = (
                f"Read as text (comments: its question asks for them), though {counts} read as ratings "
                f"({rated_shown}). If it is a rating question, give it the role rating "
                f'(--column "rating={column}", or "Change what a column is read as" on the page).'
            )
        return KindReading(QuestionKind.TEXT, note=note)
    if not others:
        return KindReading(QuestionKind.RATING)
    if len(rated) >= NEARLY_ALL * len(answered) or (len(others) == 1 and len(rated) >= RATING_SHARE * len(answered)):
        return KindReading(QuestionKind.RATING)  # a slip or two among ratings: their rows are errors, named
    # A few short labels, some of them a scale's ("Very weak", "Weak", "Average"...): a scale whose order must be
    # known before anything is read, or comments ("Good", "Thanks"): the scale's question says both.
    distinct = {fold(clean_text(value)) for value in answered}
    short = all(len(clean_text(value)) <= SCALE_LABEL_MAX for value in answered)
    if short and len(distinct) <= SCALE_LABELS_MAX and any(knows_label(clean_text(value)) for value in answered):
        return KindReading(QuestionKind.RATING)
    other_shown = _quoted(list(others.values()))
    if len(rated) >= RATING_SHARE * len(answered):
        ask = (
            f"Column '{column}' mixes ratings and other answers: {counts} read as ratings ({rated_shown}), the others "
            f"do not ({other_shown}). Nothing was imported: say what it is, rating or text (comments): "
            f'--column "rating={column}" or --column "text={column}", or "Change what a column is read as" on the page.'
        )
        return KindReading(QuestionKind.RATING, ask=ask)
    note = None
    if len(rated) >= NOTE_SHARE * len(answered):
        note = (
            f"Read as text (comments): most of its answers are no rating ({other_shown}), "
            f"though {counts} read as ratings ({rated_shown}). If it is a rating question, give it the role rating "
            f'(--column "rating={column}", or "Change what a column is read as" on the page).'
        )
    numbered = list(dict.fromkeys(clean_text(value) for value in answered if numbered_choice(value, labels)))
    if note is None and sum(numbered_choice(value, labels) for value in answered) >= NOTE_SHARE * len(answered):
        # "4 - Muy bueno": a numbered choice in words no scale we know holds; the number alone is not taken.
        note = (
            f"Read as text (comments): answers such as {_quoted(numbered)} begin with a number, but the words after it "
            "are no rating label we know. If they are a scale's choices, give the scale's five labels, lowest first "
            '(--labels "Lowest, ..., Highest", or the scale labels on the page).'
        )
    return KindReading(QuestionKind.TEXT, note=note)


# How many answers a message quotes.
QUOTED_MAX = 5


def _quoted(texts: Sequence[str]) -> str:
    """Return "'Good', 'Thanks'" (at most QUOTED_MAX, then "..."), each cut at SCALE_LABEL_MAX characters."""
    shown = [f"'{text[:SCALE_LABEL_MAX]}{'…' if len(text) > SCALE_LABEL_MAX else ''}'" for text in texts[:QUOTED_MAX]]
    return ", ".join(shown) + (", ..." if len(texts) > QUOTED_MAX else "")


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
        elif plan.role == "contact":
            becomes = "contact details (not imported)"
        elif plan.role == "respondent":
            becomes = f"about the respondent: {plan.attribute.value} (not a comment)"
        else:
            becomes = ("new question: " if plan.is_new else "question: ") + plan.text
            if plan.feeds_backlog:
                becomes += " (suggestions for the next module)"
            if plan.open_ended and plan.kind == QuestionKind.TEXT:
                becomes += " (written answers: open-ended in the export)"
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
        plan.ask, plan.note, plan.chosen = None, None, True
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

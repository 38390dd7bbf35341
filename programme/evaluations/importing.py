"""Import of an evaluation export as it comes (survey tool, online form, typed sheet): atomic, with a dry run."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import agreeing, counted
from programme.evaluations.apply import apply_evaluations
from programme.evaluations.columns import (
    META_SYNONYMS,
    SCALE_LABEL_MAX,
    SCALE_LABELS_MAX,
    ColumnPlan,
    column_roles,
    looks_like_header,
    override_columns,
    plan_columns,
)
from programme.evaluations.forms import form_questions, module_form, module_sessions
from programme.evaluations.import_plan import EvaluationImport, ParsedRow
from programme.evaluations.scales import (
    STANDARD_RANGE,
    UnknownAnswer,
    form_labels,
    is_blank,
    parse_labels,
    read_rating,
)
from programme.importing.batches import imported_elsewhere, imported_here
from programme.importing.columns import PARTICIPANT_SYNONYMS
from programme.importing.profiles import participant_list_tool
from programme.intake.columns import ColumnChoiceError
from programme.intake.headers import merge_sub_header
from programme.intake.report import RowError
from programme.intake.scales import ScaleProblem, column_labels, has_numbers, resolve_scale, wrong_scale
from programme.intake.times import read_times
from programme.intake.tools import (
    OPEN_ENDED_LABELS,
    PROFILES,
    ToolProfile,
    chosen_text,
    detect_tool,
    profile_named,
    split_choices,
)
from programme.models import (
    ImportKind,
    Module,
    QuestionKind,
    RespondentAttributeKind,
    Response,
)
from programme.people.names import clean_text, fold
from programme.sheets import header_key, hidden_note, map_columns, other_sheets_note, read_table

EXTERNAL_ID_MAX = 100
ATTRIBUTE_VALUE_MAX = 200
# Where a response's time is read from, best first.
TIME_COLUMNS = ("_submission_time", "end", "start")


def plan_evaluations(
    session: Session,
    *,
    data: bytes,
    filename: str,
    module_id: int,
    scale_labels: Sequence[str] | str | None = None,
    tool_name: str | None = None,
    columns: Mapping[str, str] | None = None,
    month_first: bool | None = None,
    writing: bool = False,
) -> EvaluationImport:
    """Return what importing an evaluation export would do; writes nothing (apply_evaluations writes the plan).

    writing: the plan is written in this transaction (not a preview); it is then made after any other import into
    the module has committed (one_import_at_a_time), so that it sees the form and the responses that import wrote.

    A rating column's word labels are read only by a scale that holds them all, in order (the labels given,
    the form's own, or one standard scale); otherwise the plan has an error naming the labels. columns maps
    a header to the role the user gives it (--column ROLE=HEADER: rating, rating 0-10, text, meta, identity,
    submitted, response id). A 0-10 question (its header names the range or asks how likely one is to recommend,
    or the user says so) keeps its own range: it is never averaged with the 1-5 ratings.
    """
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module does not exist.")
    if writing:
        one_import_at_a_time(session, module_id)
    table = read_table(data, filename, META_SYNONYMS, header_cell=looks_like_header, sub_header=merge_sub_header)
    tool = _tool(tool_name, table.columns)
    form = module_form(session, module_id)
    custom = parse_labels(scale_labels)
    # The form's labels count only when it stored its own (the default labels are no statement about a file).
    labels = custom or (form_labels(form.scale_labels) if form and form.scale_labels else None)
    plans = plan_columns(
        table.columns,
        table.frame,
        questions=form_questions(session, form.id) if form else [],
        sessions=module_sessions(session, module_id),
        labels=labels,
        tool=tool,
        # SurveyMonkey's second header row names a column of written answers "Open-Ended Response".
        open_ended={
            column
            for column, sub in zip(table.columns, table.sub_labels, strict=False)
            if header_key(sub) in OPEN_ENDED_LABELS
        },
    )
    overrides = dict(columns or {})
    override_columns(plans, overrides)
    if not any(plan.role == "question" for plan in plans):
        raise ProgrammeError("The file has no question columns, only the survey tool's own columns.")
    _refuse_participant_list(plans, table.columns)
    result = EvaluationImport(rows=len(table.frame), form_id=form.id if form else None, plans=plans)
    result.module_id, result.file_name, result.file_hash = module_id, filename, hashlib.sha256(data).hexdigest()
    result.custom_labels = custom
    elsewhere = imported_elsewhere(session, ImportKind.EVALUATIONS, result.file_hash, module_id)
    if elsewhere is not None:
        result.warn(
            f"This export was imported before into {elsewhere}, not into this module: check that this is the module "
            "it belongs to (its responses would count in both)."
        )
    result.tool = tool.name if tool else None
    submitted = _chosen(plans, overrides, "submitted", (tool.submitted if tool else ()) + TIME_COLUMNS)
    response_id = _chosen(
        plans, overrides, "response id", ((tool.response_id,) if tool and tool.response_id is not None else ("_uuid",))
    )
    result.columns = column_roles(plans, submitted, response_id)
    if table.other_sheets:
        result.warn(other_sheets_note(table))
    hidden = [plan.column for plan in plans if plan.role == "question" and plan.column in table.hidden_columns]
    if hidden:
        result.warn(hidden_note(hidden))
    for plan in plans:
        if plan.untitled and plan.role == "question":
            names = ", ".join(f"'{column}'" for column, _ in plan.choices)
            result.warn(
                f"The columns {names} are one choice each of a multiple-choice question whose text the export "
                f"does not hold; they were read as one question named '{plan.text}'.",
                plan.column,
            )
    result.errors.extend(_duplicate_targets(plans, table.header_row))
    for message, column in _unread_scales(plans, table.frame):
        result.warn(message, column)
    asked = _asked_kinds(plans, table.header_row, result)
    unreadable = asked | _resolve_scales(plans, table.frame, labels, table.header_row, result, asked)
    times = _times(table.frame, submitted, result, tool, month_first)
    ends_choices = tool.ends_choices if tool else None
    parsed = _parse_rows(
        table.frame, table.row_numbers, plans, labels, result, unreadable, times, response_id, ends_choices
    )
    result.fresh = _new_rows(session, parsed, form.id if form else None, result)
    result.warn_all(_other_module_signs(module, parsed))
    result.asks_name = bool(form and form.asks_name)
    if any(plan.role == "identity" for plan in plans) and not result.asks_name:
        result.warn("The columns naming who answered were not imported: this form is anonymous.")
    result.created = len(result.fresh)
    if result.skipped:
        here = imported_here(session, ImportKind.EVALUATIONS, result.file_hash, module_id)
        result.imported_before = here.sentence() if here else None
    result.questions_added = sum(plan.is_new for plan in plans)
    return result


# A file without a rating whose columns give this many of a person's details is a participant list.
PARTICIPANT_LIST_FIELDS = 3
_PERSON_FIELDS = ("email", "phone", "nationality", "country_of_work", "organisation", "org_type", "gender", "position")


def _refuse_participant_list(plans: Sequence[ColumnPlan], columns: Sequence[str]) -> None:
    """Refuse a participant list chosen as an evaluation export: its columns would become questions, and its
    organisations, consent answers and roles anonymous comments (contact details are never imported). A list of
    Zoom, Eventbrite or Indico is refused by its tool's own columns, rating-like or not (Eventbrite's Quantity, 1 a
    row, read as ratings; Zoom's Guest and In Waiting Room as questions)."""
    tool = participant_list_tool(columns)
    if tool is not None:
        profile, own = tool
        named = ", ".join(f"'{column}'" for column in own[:4])
        raise ProgrammeError(
            f"This file is {'an' if profile.name[0] in 'AEIOU' else 'a'} {profile.name} list of people, not an "
            f"evaluation export: its columns {named} are "
            f"{profile.name}'s own. Import it under Import participants (it reads who came); an evaluation export "
            "has a column per question."
        )
    if any(plan.role == "question" and plan.kind == QuestionKind.RATING for plan in plans):
        return
    found = map_columns(list(columns), {name: PARTICIPANT_SYNONYMS[name] for name in _PERSON_FIELDS})
    if len(found) < PARTICIPANT_LIST_FIELDS:
        return
    named = ", ".join(f"'{column}'" for column in [column for column in columns if column in found.values()][:4])
    raise ProgrammeError(
        f"This file looks like a participant list, not an evaluation export: it has no rating column, and its "
        f"columns {named} are a person's details. Import it under Import participants; an evaluation export has a "
        "column per question."
    )


# PostgreSQL advisory lock ("EV", with the module's id) an evaluation import holds from its plan to its commit.
EVALUATION_IMPORT_LOCK = 0x4556


def one_import_at_a_time(session: Session, module_id: int) -> None:
    """On PostgreSQL, wait until any other evaluation import into this module has committed.

    Two imports of the same export at once (two colleagues, or the page and the command line) each read the module
    with neither's rows committed: each made a form of its own and wrote every response (a team's journey: 76
    responses and two forms from one export of 38), where one after the other the second skips what the first
    wrote. SQLite admits one writing transaction at a time already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(CAST(:kind AS integer), CAST(:module AS integer))"),
            {"kind": EVALUATION_IMPORT_LOCK, "module": module_id},
        )


def import_evaluations(
    session: Session,
    *,
    data: bytes,
    filename: str,
    module_id: int,
    dry_run: bool = False,
    scale_labels: Sequence[str] | str | None = None,
    by: str | None = None,
    tool_name: str | None = None,
    columns: Mapping[str, str] | None = None,
    month_first: bool | None = None,
) -> EvaluationImport:
    """Return what importing an evaluation export did; writes nothing on a dry run or when any row is wrong.

    month_first: the order of day and month in the submission times, when the column does not tell (None: a date
    that reads two ways is not stored, with a warning)."""
    plan = plan_evaluations(
        session, data=data, filename=filename, module_id=module_id, scale_labels=scale_labels, tool_name=tool_name,
        columns=columns, month_first=month_first, writing=not dry_run,
    )  # fmt: skip
    plan.dry_run = dry_run
    if plan.errors or dry_run or (plan.created == 0 and plan.skipped):
        return plan  # every response already imported: no empty import recorded (plan.imported_before names it)
    return apply_evaluations(session, plan, by=by)


class ImportedMeanwhile(ProgrammeError):
    """The export previewed was imported meanwhile (a colleague's import of it committed since the preview): the
    preview is stale, and the page replaces it by this message."""


def import_from_preview(session: Session, *, by: str | None = None, **plan_args: object) -> EvaluationImport:
    """Write an import the user saw previewed (the page's Import button): planned again in this transaction, after
    any other import into the module has committed, then written.

    Refused (ImportedMeanwhile, nothing written) when the file's responses are all imported by then: a colleague's
    import of the same export committed since the preview. Written anyway, it recorded an empty import of 0
    responses, offered for undo, and said "Imported 0 responses."."""
    plan = plan_evaluations(session, writing=True, **plan_args)  # type: ignore[arg-type]
    if not plan.errors and plan.created == 0:
        earlier = f"{plan.imported_before}, listed" if plan.imported_before else "listed"
        raise ImportedMeanwhile(
            "Nothing was imported: every response in this file was imported meanwhile, by a colleague's import of "
            f"the same export ({earlier} under Past imports)."
        )
    return apply_evaluations(session, plan, by=by)


def _chosen(plans: Sequence[ColumnPlan], overrides: Mapping[str, str], role: str, names: Sequence[str]) -> str | None:
    """Return the column the user gave the role, else the first of the tool's (or the usual) meta columns."""
    chosen = next((header for header, given in overrides.items() if given == role), None)
    if chosen is not None:
        return chosen
    meta = {plan.meta: plan.column for plan in plans if plan.role == "meta"}
    return next((meta[name] for name in names if name in meta), None)


def _tool(name: str | None, columns: Sequence[str]) -> ToolProfile | None:
    """Return the tool named by the user (--tool) or recognised from the export's own columns."""
    if not name:
        return detect_tool(columns)
    if header_key(name) in ("none", "generic"):
        return None  # a sheet typed by hand: no tool's columns set aside
    tool = profile_named(name)
    if tool is None:
        known = ", ".join(profile.name for profile in PROFILES)
        raise ColumnChoiceError(f"'{name}' is not a survey tool we know; use one of: {known} (or none).")
    return tool


# A header naming a scale: a column of numbers 0-10 under it is a 0-10 question, not text.
_SCALE_HINT = re.compile(r"0\s*(?:-|–|to)\s*10|likely|recommend|rate|rating|scale|score", re.IGNORECASE)


def _asked_kinds(plans: Sequence[ColumnPlan], header_row: int, result: EvaluationImport) -> set[int]:
    """Say what the detection could not decide: a column whose kind is asked (an error naming it, its answers left
    unread) and a column read as text though some answers read as ratings (a warning). Return the asked plans."""
    asked = set()
    for index, plan in enumerate(plans):
        if plan.role != "question":
            continue
        if plan.ask:
            result.errors.append(RowError(row=header_row, column=plan.column, message=plan.ask))
            asked.add(index)
        elif plan.note:
            result.warn(plan.note, plan.column)
    return asked


# Said after a scale's question for a column the detection took for ratings: it may hold comments.
_OR_COMMENTS = (
    " If it holds comments, not ratings, read it as text instead "
    '(--column "text={column}", or "Change what a column is read as" on the page).'
)


def _resolve_scales(
    plans: Sequence[ColumnPlan], frame: pd.DataFrame, custom: Sequence[str] | None, header_row: int,
    result: EvaluationImport, asked: set[int] = frozenset(),
) -> set[int]:  # fmt: skip
    """Give each rating column the scale its labels are read by; return the plans that cannot be read."""
    rating = [index for index, plan in enumerate(plans) if plan.role == "question" and plan.kind == QuestionKind.RATING]
    labels = {index: column_labels(frame[plans[index].column]) for index in rating}
    everything = [label for found in labels.values() for label in found]
    unreadable: set[int] = set()
    for index, plan in enumerate(plans):
        if plan.role != "question" or plan.choices or plan.scale != STANDARD_RANGE or index in asked:
            continue  # a 0-10 question reads numbers only: no labels to decide
        hinted = plan.kind == QuestionKind.RATING or plan.session_id is not None or _SCALE_HINT.search(plan.column)
        hinted = hinted and not (plan.open_ended and plan.kind == QuestionKind.TEXT)  # written answers, the export says
        problem = wrong_scale(plan.column, frame[plan.column]) if hinted else None
        if problem:
            result.errors.append(RowError(row=header_row, column=plan.column, message=problem))
            unreadable.add(index)
            continue
        if index not in labels:
            continue
        try:
            plan.labels = resolve_scale(
                plan.column,
                labels[index],
                custom=custom,
                # Labels the user did not give this time: those the module's form kept from an earlier import.
                custom_source=(
                    "the labels given"
                    if result.custom_labels
                    else "the labels this module's form kept from an earlier import"
                ),
                file_labels=everything,
                numbers=has_numbers(frame[plan.column]),
            )
        except ScaleProblem as problem:
            message = str(problem)
            if plan.is_new and not plan.chosen:  # detected, not said: a few short answers may be comments
                message += _OR_COMMENTS.format(column=plan.column)
            result.errors.append(RowError(row=header_row, column=plan.column, message=message))
            result.unknown_labels[plan.column] = list(labels[index])
            unreadable.add(index)
    return unreadable


def _times(
    frame: pd.DataFrame,
    column: str | None,
    result: EvaluationImport,
    tool: ToolProfile | None,
    month_first: bool | None = None,
) -> list[datetime | None]:
    """Return each row's submission time in UTC, read from the submission time column (month_first: the user's
    order of day and month, when the column itself does not tell; else the tool's own)."""
    if column is None:
        return [None] * len(frame)
    order = month_first if month_first is not None else (tool.month_first if tool else None)
    times = read_times(column, list(frame[column]), month_first=order)
    result.two_way_dates = times.two_ways
    for warning in times.warnings:
        result.warn(warning.removeprefix(f"Column '{column}': "), column)
    if times.without_zone and not (tool and tool.utc_without_zone):
        n = times.without_zone
        result.warn(
            f"{counted(n, 'submission time')} {agreeing(n, 'has', 'have')} no time zone and "
            f"{agreeing(n, 'was', 'were')} stored as UTC; if the tool wrote {agreeing(n, 'it', 'them')} in local "
            f"time, {agreeing(n, 'it is', 'they are')} off by the zone's difference "
            "(the answers are not affected).",
            column,
        )
    return times.moments


def _duplicate_targets(plans: Sequence[ColumnPlan], header_row: int) -> list[RowError]:
    seen: dict[int, str] = {}
    errors = []
    about: dict[RespondentAttributeKind, str] = {}
    for plan in plans:
        if plan.attribute is not None:
            if plan.attribute in about:
                message = (
                    f"This column and '{about[plan.attribute]}' both give the respondent's {plan.attribute.value}; "
                    "remove one."
                )
                errors.append(RowError(row=header_row, column=plan.column, message=message))
            about.setdefault(plan.attribute, plan.column)
        if plan.question_id is None:
            continue
        if plan.question_id in seen:
            message = f"This column and '{seen[plan.question_id]}' are the same question of the form; remove one."
            errors.append(RowError(row=header_row, column=plan.column, message=message))
        seen.setdefault(plan.question_id, plan.column)
    return errors


def _parse_rows(
    frame: pd.DataFrame,
    numbers: Sequence[int],
    plans: Sequence[ColumnPlan],
    labels: Sequence[str] | None,
    result: EvaluationImport,
    unreadable: set[int],
    times: Sequence[datetime | None],
    id_column: str | None,
    ends_choices: str | None = None,
) -> list[ParsedRow]:
    meta = {plan.meta: plan.column for plan in plans if plan.role == "meta"}
    identity = next((plan.column for plan in plans if plan.role == "identity"), None)
    occurrences: Counter[str] = Counter()
    parsed = []
    for (_, row), number, moment in zip(frame.iterrows(), numbers, times, strict=True):
        summary = _summary_word(row, plans)
        if summary is not None:
            result.warn(f"Row {number} ('{summary}') is a summary line under the answers, not a response: left out.")
            continue
        answers = []
        attributes: dict[RespondentAttributeKind, str] = {}
        about: list[tuple[int, None, str]] = []  # the facts as answers were fingerprinted before they had a role
        for index, plan in enumerate(plans):
            value = row[plan.column]
            if plan.choices:
                value = "; ".join(text for column, choice in plan.choices if (text := chosen_text(choice, row[column])))
            if plan.role == "respondent" and not is_blank(value):
                attributes[plan.attribute] = clean_text(value)[:ATTRIBUTE_VALUE_MAX]
                about.append((index, None, clean_text(value)))
            if plan.role != "question" or is_blank(value) or index in unreadable:
                continue
            if plan.kind == QuestionKind.TEXT:
                answers.append((index, None, split_choices(clean_text(value), ends_choices)))
                continue
            try:
                if plan.scale != STANDARD_RANGE:
                    answers.append((index, read_rating(value, scale=plan.scale), None))
                else:
                    rating = read_rating(value, plan.labels or labels, only_labels=bool(plan.labels))
                    answers.append((index, rating, None))
            except UnknownAnswer as error:
                result.errors.append(RowError(row=number, column=plan.column, message=str(error)))
        if not answers:
            result.warn(f"Row {number} has no answers and was left out.")
            continue
        parsed.append(
            ParsedRow(
                row=number,
                external_id=_external_id(row, id_column, meta, sorted(answers + about), occurrences),
                submitted_at=moment,
                identity=clean_text(row[identity]) if identity else None,
                answers=answers,
                attributes=attributes,
            )
        )
    return parsed


def _unread_scales(plans: Sequence[ColumnPlan], frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Return a warning for new text questions that share a few short labels ("Muy útil", "Útil"...): a rating
    scale none of the known ones holds (another language, the form's own words) is read as text until its labels
    are given, so the user is told rather than finding the sessions without ratings."""
    labels: dict[str, set[str]] = {}
    shown: dict[str, list[str]] = {}
    for plan in plans:
        if not (plan.is_new and plan.kind == QuestionKind.TEXT and not plan.choices and not plan.feeds_backlog):
            continue
        answered = [clean_text(value) for value in frame[plan.column] if not is_blank(value)]
        distinct = {fold(text): text for text in answered}
        if 2 <= len(distinct) <= SCALE_LABELS_MAX and all(len(text) <= SCALE_LABEL_MAX for text in answered):
            labels[plan.column], shown[plan.column] = set(distinct), list(distinct.values())
    alike = [
        column
        for column, own in labels.items()
        if any(len(own & other) >= 2 for name, other in labels.items() if name != column)
    ]
    if len(alike) < 2:
        return []
    names = ", ".join(f"'{column}'" for column in alike)
    words = ", ".join(f"'{text}'" for text in dict.fromkeys(text for column in alike for text in shown[column]))
    return [
        (
            f"The columns {names} share the same few answers ({words}), as a rating scale's labels would, but no "
            "scale we know holds them: they were read as text (comments). If they are ratings, give the scale's five "
            'labels, lowest first (--labels "Lowest, ..., Highest", or the scale labels on the page).',
            alike[0],
        )
    ]


# A line someone added under the answers ("Average", "Total"): its first cell, outside the rating columns.
SUMMARY_WORDS = frozenset({"average", "averages", "mean", "means", "total", "totals", "sum", "count", "median", "avg"})


def _summary_word(row: pd.Series, plans: Sequence[ColumnPlan]) -> str | None:
    """Return the word of a summary line ("Average"): the row's first filled cell, when it is not in a rating
    column ("Average" is a rating there) and is one of SUMMARY_WORDS; else None."""
    for plan in plans:
        text = clean_text(row[plan.column])
        if is_blank(text):
            continue
        rating = plan.role == "question" and plan.kind == QuestionKind.RATING
        return text if not rating and fold(text) in SUMMARY_WORDS else None
    return None


# Evaluation forms are filled from the module's first day to a few weeks after it (late online submissions).
DAYS_BEFORE_MODULE = 3
DAYS_AFTER_MODULE = 60


def _other_module_signs(module: Module, rows: list[ParsedRow]) -> list[str]:
    """Return a warning when most responses were submitted well outside the module's dates (the wrong module?)."""
    dates = sorted(row.submitted_at.date() for row in rows if row.submitted_at is not None)
    if not dates:
        return []
    earliest, latest = (
        module.start_date - timedelta(days=DAYS_BEFORE_MODULE),
        module.end_date + timedelta(days=DAYS_AFTER_MODULE),
    )
    outside = sum(1 for day in dates if not earliest <= day <= latest)
    if outside * 2 <= len(dates):
        return []
    when = (
        f"on {dates[0]:%d %b %Y}" if dates[0] == dates[-1] else f"between {dates[0]:%d %b %Y} and {dates[-1]:%d %b %Y}"
    )
    return [
        f"{outside} of {len(dates)} responses were submitted {when}, "
        f"but this module ran {module.start_date:%d %b %Y} – {module.end_date:%d %b %Y}. "
        "Check that this export belongs to this module."
    ]


def _external_id(
    row: pd.Series, id_column: str | None, meta: dict[str, str], answers: list, occurrences: Counter[str]
) -> str:
    """Return the survey's own id (_uuid, Respondent ID...); without one, a fingerprint that a re-import repeats."""
    if id_column and clean_text(row[id_column]):
        return clean_text(row[id_column])[:EXTERNAL_ID_MAX]
    stamp = "|".join(clean_text(row[meta[name]]) for name in TIME_COLUMNS if name in meta)
    digest = hashlib.sha256(json.dumps([stamp, answers], ensure_ascii=False).encode()).hexdigest()[:40]
    # Identical rows in one file are different people (e.g. two paper forms typed alike): number them.
    occurrences[digest] += 1
    return f"row-{digest}-{occurrences[digest]}"


def _new_rows(
    session: Session, parsed: list[ParsedRow], form_id: int | None, result: EvaluationImport
) -> list[ParsedRow]:
    """Return the rows not yet in the form, skipping repeats in the file and earlier imports."""
    known: set[str] = set()
    if form_id is not None:
        query = sa.select(Response.external_id).where(Response.form_id == form_id, Response.external_id.is_not(None))
        known = set(session.scalars(query))
    fresh: list[ParsedRow] = []
    seen: dict[str, int] = {}
    before = 0
    for row in parsed:
        if row.external_id in known:
            before += 1
        elif row.external_id in seen:
            result.warn(f"Row {row.row} repeats the submission in row {seen[row.external_id]}; left out.")
        else:
            seen[row.external_id] = row.row
            fresh.append(row)
    result.skipped = len(parsed) - len(fresh)
    if before:
        result.warn(f"{before} responses were imported before and were left out.")
    return fresh

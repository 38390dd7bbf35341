"""Pre- and post-test scores of a module's participants: imported from a quiz's export (Google Forms, Microsoft Forms,
or a sheet typed by hand) or typed in a grid, and stored on the participations the Learning figures read.

Scores are stored as a percentage of the quiz's maximum (0-100, one decimal), the scale of the demo data and of the
Learning tab ("usually out of 100"): gains of quizzes of different lengths can then be averaged across modules.
Google Forms writes a quiz's score with its maximum ("7 / 10", "7.00 / 10"); Microsoft Forms writes the points alone
("Total points": 7), so its maximum must be given (out_of): it is never guessed.

Rows are matched to the module's own participations: by e-mail first, then by name (the import's name key). A row
that matches nobody, matches several people, or whose person the file holds twice is listed and not written; a
score that cannot be read is an error naming its row and column, and nothing is written until it is fixed. A
re-import of the same stage replaces the scores of the people its rows hold (the result counts them).
Layouts and their sources: tests/data/tools/quizzes/README.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core import edits
from programme.core.errors import ProgrammeError
from programme.core.rounding import rounded
from programme.core.words import agreeing, counted
from programme.courses.catalogue import get_module_by_id
from programme.importing import normalise
from programme.importing.batches import import_number
from programme.importing.columns import PARTICIPANT_SYNONYMS
from programme.importing.plan import file_hash
from programme.intake.columns import ColumnChoiceError, column_named
from programme.intake.languages import GOOGLE_FORMS_SCORE, GOOGLE_FORMS_TIMESTAMP, every_name
from programme.intake.report import IntakeReport, RowError
from programme.intake.tools import detect_tool
from programme.models import ImportBatch, ImportKind, Participation, Person
from programme.people.names import clean_text, name_key
from programme.sheets import header_key, hidden_note, other_sheets_note, read_table

STAGES = ("pre", "post")
FIELDS = {"pre": "pre_test_score", "post": "post_test_score"}
STAGE_WORDS = {"pre": "pre-test", "post": "post-test"}

# The quiz tools' own score columns: Google Forms' "Score" ("7 / 10"; in the form's language too: "Pontuação"),
# Microsoft Forms' "Total points" (7).
TOOL_SCORE_COLUMNS = (*every_name(GOOGLE_FORMS_SCORE), "Total points")
# A sheet typed by hand: the stage's own column first (one sheet may hold both), then a general one.
STAGE_SCORE_COLUMNS = {
    "pre": ("Pre-test", "Pre-test score", "Pre test", "Pretest", "Pre-test (%)", "Pre-test %", "Pre"),
    "post": ("Post-test", "Post-test score", "Post test", "Posttest", "Post-test (%)", "Post-test %", "Post"),
}
OTHER_SCORE_COLUMNS = ("Total score", "Test score", "Points", "Marks", "Result", "Grade")
# Google Forms heads the collected address "Email Address" (older forms) or "Email address"; Microsoft Forms "Email"
# (the word "anonymous" when the form does not record names): all are among the participant list's synonyms.
EMAIL_COLUMNS = (*PARTICIPANT_SYNONYMS["email"], "Email Address")
NAME_COLUMNS = tuple(PARTICIPANT_SYNONYMS["full_name"])
GIVEN_COLUMNS = tuple(PARTICIPANT_SYNONYMS["given_name"])
FAMILY_COLUMNS = tuple(PARTICIPANT_SYNONYMS["family_name"])
# Microsoft Forms writes, after a quiz question's answer, "Points - <question>" and "Feedback - <question>".
PER_QUESTION = re.compile(r"^(points|feedback)\s*-\s*", re.IGNORECASE)

_NUMBER = r"\d+(?:[.,]\d+)?"
_OUT_OF = re.compile(rf"^(?P<got>{_NUMBER})\s*(?:/|out of|of)\s*(?P<max>{_NUMBER})$", re.IGNORECASE)
_PERCENT = re.compile(rf"^(?P<got>{_NUMBER})\s*%$")
_PLAIN = re.compile(rf"^(?P<got>{_NUMBER})$")

MATCHED, NOT_MATCHED, AMBIGUOUS, REPEATED, UNREADABLE = "matched", "not matched", "ambiguous", "repeated", "unreadable"


class ScoreProblem(ValueError):
    """A score cell that cannot be read; needs_maximum: it is points, and the quiz's maximum was not given."""

    def __init__(self, message: str, *, needs_maximum: bool = False) -> None:
        super().__init__(message)
        self.needs_maximum = needs_maximum


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def read_score(text: object, out_of: float | None = None) -> float:
    """Return a score as a percentage of the maximum (one decimal): "7 / 10", "7.00 / 10", "13,5 / 15", "70%", or
    points ("7") when out_of gives the maximum. Raise ScoreProblem saying what is wrong otherwise."""
    written = clean_text(text)
    if not written:
        raise ScoreProblem("no score")
    compact = written.replace("\u00a0", " ")
    if match := _OUT_OF.match(compact):
        got, maximum = _number(match["got"]), _number(match["max"])
        if maximum <= 0:
            raise ScoreProblem(f"'{written}' is out of {match['max']}: a maximum must be above 0")
        if out_of is not None and abs(maximum - out_of) > 1e-9:
            raise ScoreProblem(
                f"'{written}' is out of {match['max']}, but the quiz was said to be out of {out_of:g}: "
                "check the maximum given"
            )
    elif match := _PERCENT.match(compact):
        got, maximum = _number(match["got"]), 100.0
    elif match := _PLAIN.match(compact):
        if out_of is None:
            raise ScoreProblem(f"'{written}' is points without the quiz's maximum", needs_maximum=True)
        got, maximum = _number(match["got"]), out_of
    else:
        raise ScoreProblem(f"'{written}' is not a score (write it as 7 / 10, 70% or points with the maximum given)")
    if got > maximum:
        raise ScoreProblem(f"'{written}' is above the maximum ({maximum:g})")
    return rounded(got / maximum * 100, 1)


@dataclass
class ScoreRow:
    """One row of the file: who it is, its score as written and read, and what becomes of it."""

    row: int
    email: str | None
    name: str
    written: str
    score: float | None = None  # percent
    status: str = NOT_MATCHED
    reason: str = ""
    participation_id: int | None = None
    person: str | None = None  # the matched person's name as recorded
    previous: float | None = None  # the score it replaces, when there was one

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "email": self.email,
            "name": self.name,
            "score": self.score,
            "status": self.status,
            "reason": self.reason,
            "participation_id": self.participation_id,
            "person": self.person,
            "previous": self.previous,
        }


@dataclass
class TestScoreImport(IntakeReport):
    """What an import of a quiz's scores would do (nothing written) or did."""

    __test__ = False  # not a pytest test class, whatever its name

    stage: str = "pre"
    module_id: int | None = None
    file_name: str = ""
    file_hash: str = ""
    batch_id: int | None = None  # the import batch its undo reads, once written
    score_column: str | None = None
    out_of: float | None = None
    needs_maximum: bool = False  # points without a maximum: the page asks for it
    details: list[ScoreRow] = field(default_factory=list)

    def _with(self, *statuses: str) -> list[ScoreRow]:
        return [row for row in self.details if row.status in statuses]

    @property
    def matched(self) -> list[ScoreRow]:
        return self._with(MATCHED)

    @property
    def replaced(self) -> int:
        """Matched rows whose person already had a score at this stage (an earlier import or typed by hand)."""
        return sum(1 for row in self.matched if row.previous is not None)

    @property
    def unmatched(self) -> list[ScoreRow]:
        return self._with(NOT_MATCHED, AMBIGUOUS, REPEATED)

    def table(self) -> pd.DataFrame:
        """Return the rows for the page's preview: row, e-mail, name, score (%), status, person, reason."""
        columns = ["row", "email", "name", "score", "status", "person", "previous", "reason"]
        return pd.DataFrame([{key: row.as_dict()[key] for key in columns} for row in self.details], columns=columns)

    def to_json(self) -> dict[str, Any]:
        """Return the CLI's JSON: stage, rows, matched, replaced, not_matched (with each row and reason), the keys
        every import shares (errors, warnings, tool, columns, written), dry_run, batch (the import's number, for its
        undo; null when nothing was written), score_column, out_of, scores."""
        return {
            "stage": self.stage,
            "rows": self.rows,
            "matched": len(self.matched),
            "replaced": self.replaced,
            "not_matched": [
                {"row": row.row, "email": row.email, "name": row.name, "status": row.status, "reason": row.reason}
                for row in self.unmatched
            ],
            **self.intake_json(),
            "dry_run": self.dry_run,
            "batch": self.batch_id,
            "score_column": self.score_column,
            "out_of": self.out_of,
            "scores": [
                {"row": row.row, "person": row.person, "score": row.score, "previous": row.previous}
                for row in self.matched
            ],
        }

    def summary(self) -> str:
        """Return the result in one sentence, saying what was (or would be) written and replaced."""
        stage = STAGE_WORDS[self.stage]
        if self.errors:
            return f"Nothing was imported: {counted(len(self.errors), 'error')} in {counted(self.rows, 'row')}."
        done = "would be written" if not self.written else "written"
        replaced = f", replacing {counted(self.replaced, f'earlier {stage} score')}" if self.replaced else ""
        left = f"; {counted(len(self.unmatched), 'row')} not matched, not written" if self.unmatched else ""
        dry = " Dry run: nothing was written." if self.dry_run else ""
        return f"{counted(len(self.matched), f'{stage} score')} {done}{replaced}{left}.{dry}"


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ProgrammeError(f"The stage must be pre or post, not '{stage}'.")


def _columns(columns: Sequence[str], names: Sequence[str], *, skip: set[str]) -> list[str]:
    keys = {header_key(name) for name in names}
    return [column for column in columns if column not in skip and header_key(column) in keys]


def _score_column(columns: Sequence[str], stage: str, chosen: str | None) -> str:
    if chosen:
        column = column_named(columns, chosen)
        if column is None:
            raise ColumnChoiceError(f"The file has no column '{chosen}'; its columns are: {', '.join(columns)}.")
        return column
    other = STAGE_SCORE_COLUMNS["post" if stage == "pre" else "pre"]
    for names in (TOOL_SCORE_COLUMNS, STAGE_SCORE_COLUMNS[stage], OTHER_SCORE_COLUMNS):
        found = _columns(columns, names, skip=set())
        if found:
            return found[0]
    if _columns(columns, other, skip=set()):
        raise ColumnChoiceError(
            f"The file has a {STAGE_WORDS['post' if stage == 'pre' else 'pre']} column but no "
            f"{STAGE_WORDS[stage]} one: check the stage, or name the score's column."
        )
    raise ColumnChoiceError(
        "No score column was found (Google Forms' 'Score', Microsoft Forms' 'Total points', or 'Pre-test' / "
        f"'Post-test'); name it (--column score=HEADER). The file's columns are: {', '.join(columns)}."
    )


def _module_people(session: Session, module_id: int, stage: str) -> list[tuple[int, str, str | None, float | None]]:
    """Return (participation id, name, e-mail, the stage's score) of everyone in the module."""
    score = getattr(Participation, FIELDS[stage])
    query = (
        sa.select(Participation.id, Person.full_name, Person.email, score)
        .join(Person, Person.id == Participation.person_id)
        .where(Participation.module_id == module_id)
        .order_by(Participation.id)
    )
    return [tuple(row) for row in session.execute(query).all()]


def _first(values: Sequence[str]) -> str:
    return next((value for value in values if value), "")


def _email(values: Sequence[str]) -> str | None:
    """Return the first cell that reads as an e-mail ("anonymous", Microsoft Forms' word, is not one)."""
    for value in values:
        try:
            address = normalise.email(value)
        except normalise.CellError:
            continue
        if address:
            return address
    return None


def _synonyms() -> dict[str, list[str]]:
    """The column names the header row is recognised by."""
    return {
        "score": [*TOOL_SCORE_COLUMNS, *STAGE_SCORE_COLUMNS["pre"], *STAGE_SCORE_COLUMNS["post"], *OTHER_SCORE_COLUMNS],
        "email": list(EMAIL_COLUMNS),
        "name": [*NAME_COLUMNS, *GIVEN_COLUMNS, *FAMILY_COLUMNS],
        "meta": [
            *every_name(GOOGLE_FORMS_TIMESTAMP),
            "ID",
            "Start time",
            "Completion time",
            "Quiz feedback",
            "Last modified time",
        ],
    }


def file_columns(data: bytes, filename: str) -> list[str]:
    """Return the columns of a quiz's export, as the import reads its header (for choosing the score's column)."""
    return read_table(data, filename, _synonyms()).columns


def plan_test_scores(
    session: Session,
    *,
    data: bytes,
    filename: str,
    module_id: int,
    stage: str,
    out_of: float | None = None,
    score_column: str | None = None,
) -> TestScoreImport:
    """Return what importing a quiz's scores as the module's pre- or post-test would do; writes nothing."""
    _check_stage(stage)
    if out_of is not None and out_of <= 0:
        raise ProgrammeError("The quiz's maximum (out of) must be above 0.")
    get_module_by_id(session, module_id)
    table = read_table(data, filename, _synonyms())
    columns = table.columns
    tool = detect_tool(columns)
    result = TestScoreImport(
        stage=stage, module_id=module_id, file_name=PurePath(filename).name, file_hash=file_hash(data),
        out_of=out_of, tool=tool.name if tool else None, rows=len(table.frame),
    )  # fmt: skip
    result.score_column = score = _score_column(columns, stage, score_column)
    per_question = {column for column in columns if PER_QUESTION.match(column)}
    skip = per_question | {score}
    emails = _columns(columns, EMAIL_COLUMNS, skip=skip)
    names = _columns(columns, NAME_COLUMNS, skip=skip)
    # Microsoft Forms' own Name (the signed-in account's) comes after a question asking for the name.
    names.sort(key=lambda column: tool is not None and tool.name == "Microsoft Forms" and column == "Name")
    given = _columns(columns, GIVEN_COLUMNS, skip=skip)
    family = _columns(columns, FAMILY_COLUMNS, skip=skip)
    roles = {score: "score", **dict.fromkeys(emails, "email"), **dict.fromkeys([*names, *given, *family], "name")}
    result.columns = [{"header": column, "role": roles.get(column, "not read")} for column in columns]
    if not emails and not names and not given:
        raise ColumnChoiceError(
            "The file has no e-mail or name column to tell whose score each row is: collect e-mail addresses in the "
            "quiz, or ask for the name."
        )
    if table.other_sheets:
        result.warn(other_sheets_note(table))
    hidden = [column for column in table.hidden_columns if column in roles]
    if hidden:
        result.warn(hidden_note(hidden))

    people = _module_people(session, module_id, stage)
    if not people:
        raise ProgrammeError("Nobody is on this module's list yet: import its participants first.")
    by_email: dict[str, int] = {}
    by_key: dict[str, list[int]] = {}
    known: dict[int, tuple[str, str | None, float | None]] = {}
    for participation_id, full_name, email, previous in people:
        known[participation_id] = (full_name, email, previous)
        if email:
            by_email[email.casefold()] = participation_id
        by_key.setdefault(name_key(full_name), []).append(participation_id)

    frame = table.frame
    needs_maximum: list[int] = []
    for position, number in enumerate(table.row_numbers):
        cells = frame.iloc[position]
        full = _first([cells[column] for column in names])
        if not full and given:
            full = " ".join(
                part for part in (_first([cells[c] for c in given]), _first([cells[c] for c in family])) if part
            )
        row = ScoreRow(row=number, email=_email([cells[column] for column in emails]), name=clean_text(full),
                       written=clean_text(cells[score]))  # fmt: skip
        try:
            row.score = read_score(row.written, out_of)
        except ScoreProblem as problem:
            row.status, row.reason = UNREADABLE, str(problem)
            if problem.needs_maximum:
                needs_maximum.append(number)
            else:
                result.errors.append(RowError(number, score, str(problem)))
        if row.status != UNREADABLE:
            _match(row, by_email, by_key, known)
        result.details.append(row)
    if needs_maximum:
        result.needs_maximum = True
        more = f" (and {len(needs_maximum) - 1} more rows)" if len(needs_maximum) > 1 else ""
        result.errors.insert(
            0,
            RowError(
                needs_maximum[0],
                score,
                f"the scores are points without the quiz's maximum{more}: give the maximum the quiz is out of "
                "(--out-of on the command line, 'Out of' on the page)",
            ),
        )
    _mark_repeats(result.details)
    earlier = _imported_before(session, result)
    if earlier is not None:
        result.warn(earlier)
    return result


def _imported_before(session: Session, plan: TestScoreImport) -> str | None:
    """Return the warning for a file already imported into this module as the same test (and not undone), naming that
    import by its number under Past imports, and saying whether importing it again would change anything."""
    batches = session.execute(
        sa.select(ImportBatch.id, ImportBatch.counts)
        .where(
            ImportBatch.kind == ImportKind.TEST_SCORES,
            ImportBatch.module_id == plan.module_id,
            ImportBatch.file_hash == plan.file_hash,
            ImportBatch.undone_at.is_(None),
        )
        .order_by(ImportBatch.id.desc())
    ).all()
    same_test = [
        batch_id for batch_id, counts in batches if (json.loads(counts) if counts else {}).get("stage") == plan.stage
    ]
    if not same_test:
        return None
    said = (
        f"This file was imported before as the {STAGE_WORDS[plan.stage]} (import {import_number(session, same_test[0])} "
        "under Past imports)"
    )
    changed = sum(1 for row in plan.matched if not _same(row.previous, row.score))
    if not changed:
        return f"{said}: its scores are already recorded, so importing it again changes nothing."
    return (
        f"{said}; {counted(changed, 'score')} of it {agreeing(changed, 'was', 'were')} changed since (typed, or "
        f"another file imported): importing it again puts the file's back."
    )


def _same(left: float | None, right: float | None) -> bool:
    return left is not None and right is not None and abs(float(left) - float(right)) < 1e-9


def _match(row: ScoreRow, by_email: dict[str, int], by_key: dict[str, list[int]], known: dict[int, tuple]) -> None:
    """Find the row's participation: by e-mail, then by name among the module's people."""
    if row.email and row.email in by_email:
        row.participation_id = by_email[row.email]
        row.status, row.reason = MATCHED, "e-mail"
    elif row.name:
        found = by_key.get(name_key(row.name), [])
        if len(found) > 1:
            row.status, row.reason = AMBIGUOUS, f"{len(found)} people of this module have this name"
            return
        if not found:
            row.reason = (
                "nobody of this module has this e-mail or name" if row.email else "nobody of this module has this name"
            )
            return
        recorded = known[found[0]][1]
        if row.email and recorded:
            row.status = AMBIGUOUS
            row.reason = "the name is on the module's list, with another e-mail recorded: enter the score by hand"
            return
        row.participation_id = found[0]
        row.status, row.reason = MATCHED, "name"
    else:
        row.reason = "nobody of this module has this e-mail" if row.email else "the row has no e-mail or name"
        return
    row.person, _, row.previous = known[row.participation_id]


def _mark_repeats(rows: list[ScoreRow]) -> None:
    """Rows of one person (the quiz taken twice): none is written, each names the others."""
    seen: dict[int, list[ScoreRow]] = {}
    for row in rows:
        if row.status == MATCHED:
            seen.setdefault(row.participation_id, []).append(row)
    for same in seen.values():
        if len(same) > 1:
            numbers = ", ".join(str(row.row) for row in same)
            for row in same:
                row.status = REPEATED
                row.reason = f"{row.person} answered more than once (rows {numbers}): keep one row in the file"


def apply_test_scores(session: Session, plan: TestScoreImport, *, by: str | None = None) -> TestScoreImport:
    """Write a plan's matched scores onto their participations in the session's one transaction; return it written.

    Refuses a plan with errors. The participations are changed through the ORM, so the summaries' upkeep (the
    Learning figures) follows them at commit. An import batch (kind "test scores") keeps each score written and the
    one it replaced, for its undo (programme/evaluations/test_score_undo.py); one audit entry holds them too."""
    if plan.errors:
        raise ProgrammeError(f"Nothing was imported: the file has {counted(len(plan.errors), 'error')} to fix first.")
    attribute = FIELDS[plan.stage]
    before: dict[str, float | None] = {}
    after: dict[str, float | None] = {}
    for row in plan.matched:
        participation = session.get(Participation, row.participation_id)
        if participation is None or participation.module_id != plan.module_id:
            raise ProgrammeError("Someone left the module's list since the file was read; read it again.")
        before[str(participation.id)] = getattr(participation, attribute)
        setattr(participation, attribute, row.score)
        after[str(participation.id)] = row.score
    counts = {"stage": plan.stage, "written": len(after), "replaced": plan.replaced,
              "not_matched": len(plan.unmatched), "before": before, "after": after}  # fmt: skip
    batch = ImportBatch(kind=ImportKind.TEST_SCORES, file_name=plan.file_name[:300], file_hash=plan.file_hash,
                        module_id=plan.module_id, username=by, counts=json.dumps(counts))  # fmt: skip
    session.add(batch)
    session.flush()
    audit.record(
        session,
        action="import",
        username=by,
        entity="import_batch",
        entity_id=batch.id,
        summary=(
            f"test score import {import_number(session, batch.id)}, {STAGE_WORDS[plan.stage]} scores from "
            f"{plan.file_name} into module {plan.module_id}: {len(after)} "
            f"written ({plan.replaced} replaced), {len(plan.unmatched)} rows not matched"
        ),
        before=before,
        after=after,
    )
    plan.written = True
    plan.batch_id = batch.id
    return plan


def import_test_scores(
    session: Session,
    *,
    data: bytes,
    filename: str,
    module_id: int,
    stage: str,
    out_of: float | None = None,
    score_column: str | None = None,
    dry_run: bool = False,
    by: str | None = None,
) -> TestScoreImport:
    """Plan and, unless a dry run or the file has errors, write a quiz's scores as the module's pre- or post-test."""
    plan = plan_test_scores(session, data=data, filename=filename, module_id=module_id, stage=stage, out_of=out_of,
                            score_column=score_column)  # fmt: skip
    plan.dry_run = dry_run
    if plan.errors or dry_run:
        return plan
    return apply_test_scores(session, plan, by=by)


# --- typed by hand ---

# Nationality and e-mail tell apart two people of one name (a quiz row matched to neither is typed in by hand).
SCORE_TABLE_COLUMNS = [
    "participation_id", "full_name", "nationality", "email", "role", "pre_test_score", "post_test_score",
]  # fmt: skip


def scores_table(session: Session, module_id: int) -> pd.DataFrame:
    """Return one row per person in the module: participation id, name, nationality (code), e-mail, role, pre- and
    post-test score (%)."""
    get_module_by_id(session, module_id)
    query = (
        sa.select(
            Participation.id,
            Person.full_name,
            Person.nationality,
            Person.email,
            Participation.role,
            Participation.pre_test_score,
            Participation.post_test_score,
        )  # fmt: skip
        .join(Person, Person.id == Participation.person_id)
        .where(Participation.module_id == module_id)
        .order_by(Participation.role, Person.sort_name, Participation.id)
    )
    rows = [
        (pid, name, nationality, email, getattr(role, "value", role), pre, post)
        for pid, name, nationality, email, role, pre, post in session.execute(query)
    ]
    frame = pd.DataFrame(rows, columns=SCORE_TABLE_COLUMNS)
    for column in ("pre_test_score", "post_test_score"):
        frame[column] = frame[column].astype("Float64")
    return frame


def _typed(value: object, who: str, stage: str) -> float | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return read_score(value, 100.0 if _PLAIN.match(value.strip()) else None)
        except ScoreProblem as problem:
            raise ProgrammeError(f"{who}'s {STAGE_WORDS[stage]} score: {problem}.") from None
    number = float(value)
    if not 0 <= number <= 100:
        raise ProgrammeError(
            f"{who}'s {STAGE_WORDS[stage]} score must be between 0 and 100 (a percentage), not {number:g}."
        )
    return rounded(number, 1)


def _same(left: float | None, right: float | None) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return abs(left - right) < 1e-9


SCORE_LABELS = {"pre_test_score": "Pre-test (%)", "post_test_score": "Post-test (%)"}


def _cell(column: str, value: Any) -> Any:
    """A grid's cell as the save compares it (core/edits.grid_onto_now's read): a score as a number, one decimal."""
    if column not in SCORE_LABELS or isinstance(value, str):
        return value
    return rounded(float(value), 1)


def save_scores(session: Session, *, module_id: int, opened: pd.DataFrame, typed: pd.DataFrame, by: str | None) -> int:
    """Save the cells of the scores grid that changed since it opened (typed against opened, both as scores_table
    gives them) and return how many changed, in the save's transaction (core/edits.GridEdits): cells not changed in
    the grid stay as saved now; a cell someone else changed meanwhile to another value saves nothing, and the
    refusal (GridConflict) names the person, what is saved now and who saved it."""
    now = scores_table(session, module_id)
    grid = edits.GridEdits(session)
    merged = edits.grid_onto_now(
        grid,
        opened=opened,
        typed=typed,
        now=now,
        id_column="participation_id",
        what=lambda row: f"{clean_text(row.get('full_name')) or 'someone'}'s test scores",
        entity="module",
        entity_id=lambda _row: module_id,
        labels={**SCORE_LABELS, "full_name": "Name", "participation_id": "Participation"},
        read=_cell,
    )
    grid.check()
    saved = now.set_index("participation_id")
    changes: list[tuple[Participation, str, float | None]] = []
    for record in merged.to_dict("records"):
        participation_id = record.get("participation_id")
        if participation_id is None or pd.isna(participation_id) or int(participation_id) not in saved.index:
            raise ProgrammeError("The grid holds someone who is not on this module's list; reload the page.")
        participation_id = int(participation_id)
        who = clean_text(saved.at[participation_id, "full_name"])
        for stage in STAGES:
            column = FIELDS[stage]
            was = saved.at[participation_id, column]
            was = None if pd.isna(was) else float(was)
            value = _typed(record.get(column), who, stage)
            if _same(value, was):
                continue
            participation = session.get(Participation, participation_id)
            if participation is None or participation.module_id != module_id:
                raise ProgrammeError(f"{who} is no longer on this module's list; reload the page.")
            changes.append((participation, column, value))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for participation, column, value in changes:
        key = f"{participation.id}:{column}"
        before[key] = getattr(participation, column)
        setattr(participation, column, value)
        after[key] = value
    if changes:
        session.flush()
        audit.record(session, action="update", username=by, entity="module", entity_id=module_id,
                     summary=f"test scores typed: {len(changes)} changed", before=before, after=after)  # fmt: skip
    return len(changes)

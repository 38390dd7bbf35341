"""The import plan: what a sheet would do (new, matched, probable, repeated, errors), worked out without writing."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.collector import collector_paused
from programme.core.errors import ProgrammeError
from programme.core.words import counted
from programme.importing.batches import imported_elsewhere, imported_here
from programme.importing.columns import ColumnMapping
from programme.importing.lists import LIST_KIND_LABELS, ListKind, detect_list_kind
from programme.importing.matching import (
    TARGETED_ROWS,
    PeopleIndex,
    certain_match,
    load_index,
    load_index_for,
    probable_matches,
)
from programme.importing.profiles import column_named
from programme.importing.validate import (
    REPEATING_FIELDS,
    NamedRows,
    PersonRow,
    SharedEmails,
    letters_in,
    shared_email_error,
    validate_rows,
)
from programme.importing.value_mappings import MAPPABLE, mapped_values, saved_mappings
from programme.importing.vocabulary import GuessedValues, UnknownValues
from programme.intake.report import ImportWarning, RowError, intake_json
from programme.models import ImportBatch, ImportKind, Module
from programme.people.likeness import likeness
from programme.sheets import SheetTable, hidden_note, other_sheets_note


class RowStatus(StrEnum):
    NEW = "new"
    MATCHED = "matched"
    PROBABLE = "probable"
    REPEATED = "repeated in file"
    ERROR = "error"


@dataclass
class PlannedRow:
    """A row of the sheet and what importing it would do."""

    person: PersonRow
    status: RowStatus
    person_id: int | None = None  # the matched person, or the probable candidate
    score: float | None = None
    reason: str = ""
    same_as_row: int | None = None  # for a repeated row: the spreadsheet row it repeats

    @property
    def row(self) -> int:
        return self.person.row


@dataclass
class ImportPlan:
    """Everything an import would write, for one module, before anything is written."""

    file_name: str
    file_hash: str
    sheet: str
    header_row: int
    mapping: ColumnMapping
    module_id: int
    module_days: int
    rows: list[PlannedRow]
    index: PeopleIndex
    notes: list[ImportWarning] = field(default_factory=list)
    # The distinct values of gender or organisation type that nothing recognised, per column (for the page).
    unknown: list[UnknownValues] = field(default_factory=list)
    previous_batches: list[int] = field(default_factory=list)
    # The same file's latest import into this module: "import 3, on 06 Dec 2026 at 20:05 UTC by amira", else None.
    imported_before: str | None = None
    list_kind: ListKind = ListKind.PARTICIPANTS
    detected_kind: ListKind = ListKind.PARTICIPANTS
    # A summary plan (build_plan's keep_rows=False) keeps in rows only the rows with errors and the probable
    # matches, and counts the others here by status; it cannot be written. Empty for a full plan.
    omitted: dict[RowStatus, int] = field(default_factory=dict)
    # The module's first day: a list of people who took part, imported into a module that has not begun, is warned of.
    module_start: date | None = None

    @property
    def warnings(self) -> list[str]:
        """Return the warnings as sentences (a column's warning names the column)."""
        return [note.text for note in self.notes]

    def warn(self, message: str, column: str | None = None) -> None:
        self.notes.append(ImportWarning(message, column))

    def warning_details(self) -> list[dict[str, Any]]:
        """Return every warning as {column, message}; column is None for a warning about the whole list."""
        return [note.as_dict() for note in self.notes]

    @property
    def errors(self) -> list[RowError]:
        return [error for planned in self.rows for error in planned.person.errors]

    @property
    def probable(self) -> list[PlannedRow]:
        return [planned for planned in self.rows if planned.status == RowStatus.PROBABLE]

    def likeness(self, planned: PlannedRow) -> str:
        """Return what makes a row look like the person it may be, in words (likeness): the name, the nationality,
        the e-mail and the organisation of the sheet's row beside the record's."""
        known = self.index.people[planned.person_id]
        person = planned.person
        return likeness(
            {"full_name": person.full_name, "nationality": person.nationality, "email": person.email,
             "organisation": person.organisation},
            {"full_name": known.full_name, "nationality": known.nationality, "email": known.email,
             "organisation": known.organisation},
        )  # fmt: skip

    def counts(self, accepted: set[int] | frozenset[int] = frozenset()) -> dict[str, int]:
        """Return rows, valid, created, matched, probable, repeated and errors, given the accepted probable rows."""
        statuses = [planned.status for planned in self.rows]

        def count(status: RowStatus) -> int:
            return statuses.count(status) + self.omitted.get(status, 0)

        accepted_here = sum(1 for planned in self.probable if planned.row in accepted)
        probable = count(RowStatus.PROBABLE)
        rows = len(self.rows) + sum(self.omitted.values())
        return {
            "rows": rows,
            "valid": rows - count(RowStatus.ERROR),
            "created": count(RowStatus.NEW) + probable - accepted_here,
            "matched": count(RowStatus.MATCHED) + accepted_here,
            "probable": probable,
            "repeated": count(RowStatus.REPEATED),
            "error_rows": count(RowStatus.ERROR),
        }

    def report(self, accepted: set[int] | frozenset[int] = frozenset(), *, written: bool = False) -> dict[str, Any]:
        """Return the outcome as the command line's JSON object (rows, valid, created, matched, probable...).

        created counts the people written: 0 on a dry run or a run refused for errors (written False);
        would_create counts the new people the sheet holds (the same figure once written).
        """
        counts = self.counts(accepted)
        return {
            "file": self.file_name,
            "list": self.list_kind.value,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": counts["rows"],
            "valid": counts["valid"],
            "created": counts["created"] if written else 0,
            "would_create": counts["created"],
            "matched": counts["matched"],
            "repeated": counts["repeated"],
            "probable": [
                {
                    "row": planned.row,
                    "name": planned.person.full_name,
                    "candidate": self.index.people[planned.person_id].full_name,
                    "candidate_id": planned.person_id,
                    "score": planned.score,
                    "why": self.likeness(planned),
                    "accepted": planned.row in accepted,
                }
                for planned in self.probable
            ],
            **intake_json(
                self.errors, self.notes, tool=self.mapping.tool, columns=self.mapping.roles(), written=written
            ),
            "previous_batches": list(self.previous_batches),
            "imported_before": self.imported_before,
        }


def file_hash(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes (how a re-imported file is recognised)."""
    return hashlib.sha256(data).hexdigest()


# A column headed by a date ("2019-03-04", "04/03/2019", "Mon 4 Mar", "4 March"): a day of an attendance sheet.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_HEADER = re.compile(
    r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T]00:00(?::00)?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    rf"|(?:[a-z]{{3,9}}\.?,?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?)\s*$",
    re.IGNORECASE,
)


@collector_paused()
def build_plan(
    session: Session,
    *,
    table: SheetTable,
    mapping: ColumnMapping,
    module: Module,
    file_name: str,
    file_hash: str,
    list_kind: ListKind | str | None = None,
    value_mappings: Mapping[str, Mapping[str, str]] | None = None,
    keep_rows: bool = True,
) -> ImportPlan:
    """Return what importing the sheet into the module would do; writes nothing.

    list_kind says what the list is (registration, participants, attendance); None takes the kind detected
    from the columns. A registration list's day columns are not read; an attendance sheet needs them.
    value_mappings ({field: {folded text: value}}) are the organisation's own mappings of values the vocabulary
    does not know; None reads the ones saved (value_mappings.saved_mappings).

    The rows are validated and classified PLAN_ROWS_PER_CHUNK at a time, with the same outcome as all at
    once. keep_rows=False gives a summary plan for a dry run: the same counts, errors, probable matches and
    warnings, without a PlannedRow for each new, matched or repeated row (a million-row sheet's rows
    as Python objects would take more than a gigabyte); it cannot be written.
    """
    begun = _begin(session, table=table, mapping=mapping, list_kind=list_kind, value_mappings=value_mappings)
    mapping = begun.mapping
    # A short list is matched against the people its rows could be (found once they are read); a long one
    # against everyone, loaded at once.
    index: PeopleIndex | IndexFor = (
        (lambda people: load_index_for(session, module.id, people) or load_index(session, module.id))
        if len(table.row_numbers) <= TARGETED_ROWS
        else load_index(session, module.id)
    )
    rows, omitted, unknown, consent, index = _plan_rows(table, mapping, index, keep_rows=keep_rows, own=begun.own)
    plan = new_plan(table, module, begun, file_name=file_name, file_hash=file_hash, rows=rows, index=index)
    plan.omitted = omitted
    plan_notes(plan, table, begun, unknown, consent, earlier_imports(session, file_hash, module.id))
    return plan


@dataclass
class _Begun:
    """What build_plan settles before reading any row: the mapping as used, the list's kind, the value mappings."""

    mapping: ColumnMapping
    kind: ListKind
    detected: ListKind
    kind_warnings: list[str]
    own: dict[str, dict[str, Any]]


def _begin(
    session: Session,
    *,
    table: SheetTable,
    mapping: ColumnMapping,
    list_kind: ListKind | str | None,
    value_mappings: Mapping[str, Mapping[str, str]] | None,
) -> _Begun:
    """Check the mapping against the list's kind and read the value mappings (build_plan's first step)."""
    if not mapping.has_name():
        raise ProgrammeError(
            "No column holds the participants' names; choose the column or columns holding them in the mapping."
        )
    detected = detect_list_kind(table.columns, mapping)
    kind = ListKind(list_kind) if list_kind else detected
    kind_warnings = []
    if kind == ListKind.ATTENDANCE and not mapping.days:
        raise ProgrammeError(
            "An attendance sheet needs columns of days (Day 1, Day 2...) and this list has none; choose the day "
            "columns, or import it as a participant list (people who took part) or a registration list."
        )
    if kind == ListKind.REGISTRATION and mapping.days:
        kind_warnings.append(
            f"The day columns ({', '.join(mapping.days)}) are not read: a registration list records who "
            "registered, not who came. Import the list as an attendance sheet to record the days."
        )
        mapping = replace(mapping, fields=dict(mapping.fields), days={})
    mappings = saved_mappings(session) if value_mappings is None else value_mappings
    own: dict[str, dict[str, Any]] = {name: mapped_values(mappings, name) for name in MAPPABLE}
    for name, words in mapping.values.items():  # the tool's own words (Eventbrite's "Checked In"), then the user's
        own[name] = {**words, **own.get(name, {})}
    return _Begun(mapping, kind, detected, kind_warnings, own)


def new_plan(
    table: SheetTable,
    module: Module,
    begun: _Begun,
    *,
    file_name: str,
    file_hash: str,
    rows: list[PlannedRow],
    index: PeopleIndex,
) -> ImportPlan:
    """Return the plan of the table's rows into the module, without its notes (plan_notes)."""
    return ImportPlan(
        file_name=file_name,
        file_hash=file_hash,
        sheet=table.sheet,
        header_row=table.header_row,
        mapping=begun.mapping,
        module_id=module.id,
        module_days=(module.end_date - module.start_date).days + 1,
        rows=rows,
        index=index,
        list_kind=begun.kind,
        detected_kind=begun.detected,
        module_start=module.start_date,
    )


def earlier_imports(session: Session, file_hash: str, module_id: int) -> tuple[list[int], str | None, str | None]:
    """Return the earlier imports of the same file (not undone), the warning about them, if any, and the latest of them
    into this module in words ("import 3, on 06 Dec 2026 at 20:05 UTC by amira", else None); read before the import
    writes its own batch."""
    previous = list(
        session.scalars(
            sa.select(ImportBatch.id)
            .where(
                ImportBatch.file_hash == file_hash,
                ImportBatch.kind == ImportKind.PARTICIPANTS,
                ImportBatch.undone_at.is_(None),
            )
            .order_by(ImportBatch.id)
        )
    )
    here = imported_here(session, ImportKind.PARTICIPANTS, file_hash, module_id)
    before = here.sentence() if here is not None else None
    elsewhere = imported_elsewhere(session, ImportKind.PARTICIPANTS, file_hash, module_id)
    if elsewhere is not None:
        return (
            previous,
            (
                f"This file was imported before into {elsewhere}, not into this module: check that this is the module "
                "it belongs to. Its people are matched to the records made then, and added to this module."
            ),
            before,
        )
    if before is not None:
        return (
            previous,
            (
                f"This file was imported before ({before}, listed under Past imports); people already imported are "
                "matched, not added again."
            ),
            before,
        )
    return previous, None, None


def plan_notes(
    plan: ImportPlan,
    table: SheetTable,
    begun: _Begun,
    unknown: list[UnknownValues],
    consent: _ConsentNotes,
    earlier: tuple[list[int], str | None, str | None],
) -> None:
    """Put the plan's warnings (in their order), its unknown values and its earlier imports into it."""
    mapping, kind, detected, module_days = plan.mapping, plan.list_kind, plan.detected_kind, plan.module_days
    plan.unknown = unknown
    dated = [column for column in table.columns if _DATE_HEADER.match(column) and column not in mapping.fields.values()]
    if dated and not mapping.days:
        plan.warn(
            f"The columns {', '.join(repr(column) for column in dated)} are headed by dates: they are not read as "
            "attendance days. To record who came on each day, rename them Day 1, Day 2... (or choose them as the "
            "attendance day columns on the page) and import the list as an attendance sheet."
        )
    if table.other_sheets:
        plan.warn(other_sheets_note(table))
    suffix = mapping.fields.get("name_suffix")
    if suffix:
        plan.warn(
            "Written after each name, as typed ('Jose Rizal, Jr.', 'Maria Santos, PhD'): part of the name "
            "certificates print.",
            suffix,
        )
    prefix = column_named(table.columns, "Prefix")
    if prefix and prefix not in mapping.fields.values():
        plan.warn(
            "Not read: a prefix (Mr, Ms, Dr...) is not part of the name kept, and is never used to guess anyone's "
            "gender.",
            prefix,
        )
    read = set(mapping.fields.values()) | set(mapping.days)
    hidden = [column for column in table.hidden_columns if column in read]
    if hidden:
        plan.warn(hidden_note(hidden))
    plan.notes.extend(ImportWarning(text) for text in [*begun.kind_warnings, *mapping.notes])
    for found in unknown:
        plan.warn(found.message(), found.column)
    plan.notes.extend(ImportWarning(text) for text in consent.warnings())
    family_first = consent.family_first_warning()
    if family_first:
        plan.warn(family_first, mapping.fields.get("full_name"))
    if kind != detected:
        plan.warn(
            f"The list looks like a {LIST_KIND_LABELS[detected].lower()}; it will be imported as a "
            f"{LIST_KIND_LABELS[kind].lower()}, as chosen."
        )
    if kind != ListKind.REGISTRATION and plan.module_start is not None and plan.module_start > date.today():
        plan.warn(
            f"This module starts on {plan.module_start.day} {plan.module_start:%B %Y}, after today: "
            f"{'an attendance sheet' if kind == ListKind.ATTENDANCE else 'a participant list'} records its people as "
            "having taken part in it. Check that this is the right module; a list of people who signed up for it is "
            "imported as a registration list."
        )
    extra_days = sorted(day for day in mapping.days.values() if day > module_days)
    if extra_days:
        plan.warn(
            f"The sheet has attendance for day {extra_days[0]} but the module lasts {module_days} days; "
            "completion is judged on the module's days."
        )
    missing_days = [day for day in range(1, module_days + 1) if mapping.days and day not in mapping.days.values()]
    if missing_days:
        plan.warn(
            f"The sheet has attendance for {counted(len(mapping.days), 'day')} but the module lasts {module_days} "
            f"days: {_days(missing_days)} will count as absent for everyone on it whose attendance on "
            f"{'that day' if len(missing_days) == 1 else 'those days'} is not already recorded, so they will not "
            "have attended every day. Check that this is the right module, or correct the module's dates on "
            "Courses and modules before importing. (A sheet of later days adds them to the days already recorded.)"
        )
    plan.previous_batches, note, plan.imported_before = earlier
    if note is not None:
        plan.warn(note)


# Rows validated and classified at a time: the rows as Python objects exist a chunk at a time (with keep_rows=False).
PLAN_ROWS_PER_CHUNK = 50_000
# The chunk of a summary plan: smaller, as its rows are dropped once classified.
SUMMARY_ROWS_PER_CHUNK = 10_000
# What a summary plan keeps of its rows: the ones the report lists.
KEPT_IN_SUMMARY = frozenset({RowStatus.ERROR, RowStatus.PROBABLE})


def _chunks(table: SheetTable, size: int, first: int | None = None) -> Iterator[tuple[int, SheetTable]]:
    """Yield (offset of the first row, the rows as a table) for each size rows of the table (the first part first
    rows, when given)."""
    count = len(table.row_numbers)
    if count <= (first or size):
        yield 0, table
        return
    starts = [0, *range(first, count, size)] if first else range(0, count, size)
    for start, stop in zip(starts, [*starts[1:], count], strict=True):
        rows = table.frame.iloc[start:stop].reset_index(drop=True)
        yield start, replace(table, frame=rows, row_numbers=table.row_numbers[start:stop])


# Makes the people index for the rows of a list read in one chunk (matching.load_index_for).
IndexFor = Callable[[list[PersonRow]], PeopleIndex]


def _plan_rows(
    table: SheetTable,
    mapping: ColumnMapping,
    index: PeopleIndex | IndexFor,
    *,
    keep_rows: bool,
    own: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[list[PlannedRow], dict[RowStatus, int], list[UnknownValues], _ConsentNotes, PeopleIndex]:
    """Return the planned rows (all, or those a summary keeps), the others counted by status, the unknown
    values by column, the unclear consent answers and the people index they were matched against, validating and
    classifying a chunk of rows at a time. index may be a function making it from the rows, for a list of one
    chunk."""
    reading = RowsRead(table, mapping, index, own)
    rows: list[PlannedRow] = []
    size = PLAN_ROWS_PER_CHUNK if keep_rows else SUMMARY_ROWS_PER_CHUNK
    for planned in reading.chunks(size):
        if keep_rows:
            rows.extend(planned)
            continue
        for row in planned:
            if row.status in KEPT_IN_SUMMARY:
                rows.append(row)
            else:
                reading.omitted[row.status] += 1
    unknown_values = reading.end()
    assert isinstance(reading.index, PeopleIndex)  # a list with rows made it in its first chunk
    return rows, dict(reading.omitted), unknown_values, reading.consent, reading.index


class RowsRead:
    """A sheet's rows validated and classified a chunk at a time (chunks()), and what is kept across the chunks:
    the earlier rows' e-mails and names, the unknown values, the unclear consent answers. end() says what only the
    whole sheet tells: the unknown values by column, the names of earlier rows in errors about shared e-mails."""

    def __init__(
        self,
        table: SheetTable,
        mapping: ColumnMapping,
        index: PeopleIndex | IndexFor,
        own: Mapping[str, Mapping[str, Any]] | None = None,
        named: NamedRows | None = None,
    ) -> None:
        self.table, self.mapping, self.index, self.own = table, mapping, index, own
        self.named = named  # the whole table's names, read before (validate.read_names), or None
        self.omitted: Counter[RowStatus] = Counter()
        self.unknown: dict[tuple[str, type], UnknownValues] = {}
        self.consent = _ConsentNotes()
        self.emails = SharedEmails()
        self.by_email: dict[str, int] = {}
        # The first row of each name and nationality, apart for rows with an e-mail: a later row of the same name
        # with another e-mail is then another person (_in_file).
        self.by_name = FirstRows()
        self.people_count = 0
        # The gender column's one-letter answers, of the whole sheet: "M" is asked about in every chunk, or in none.
        column = mapping.fields.get("gender")
        self.letters = letters_in(str(text) for text in table.frame[column].unique()) if column else None

    def chunks(self, size: int, first: int | None = None) -> Iterator[list[PlannedRow]]:
        """Yield the planned rows of each size rows of the sheet (of its first `first` rows first, when given), in
        order."""
        for start, chunk in _chunks(self.table, size, first):
            found: list[UnknownValues] = []
            named = None if self.named is None else self.named.part(start, start + len(chunk.row_numbers))
            people = validate_rows(
                chunk, self.mapping, found, self.own, emails=self.emails, gender_letters=self.letters, named=named
            )
            self.people_count += len(people)
            for person in people:
                person.index += start
            for values in found:
                merged = self.unknown.setdefault(
                    (values.column, type(values)),
                    type(values)(values.column, values.what, field_name=values.field_name),
                )
                for text, count in values.counts.items():
                    merged.counts[text] = merged.counts.get(text, 0) + count
                if isinstance(values, GuessedValues) and isinstance(merged, GuessedValues):
                    merged.read_as.update(values.read_as)
                    merged.in_other_language = merged.in_other_language or values.in_other_language
            self.consent.add(people)
            if not isinstance(self.index, PeopleIndex):
                self.index = self.index(people)  # the list's only chunk: its rows are all read
            yield _classify(self.index, people, self.by_email, self.by_name)

    def end(self) -> list[UnknownValues]:
        """Finish the sheet's errors and return its unknown values in the columns' order; raise if it has no row."""
        if not self.people_count:
            raise ProgrammeError("The sheet holds no participant rows below its header.")
        if self.emails.unnamed:
            _name_earlier_rows(self.table, self.mapping, self.emails.unnamed)
        order = [self.mapping.fields[name] for name in REPEATING_FIELDS if name in self.mapping.fields]
        return sorted(self.unknown.values(), key=lambda values: order.index(values.column))


def _name_earlier_rows(table: SheetTable, mapping: ColumnMapping, unnamed: list[tuple[PersonRow, int, int]]) -> None:
    """Put the names of the earlier rows into the errors of e-mails shared across chunks (rows read again)."""
    wanted = {row for _, _, row in unnamed}
    positions = [position for position, row in enumerate(table.row_numbers) if row in wanted]
    rows = table.frame.iloc[positions].reset_index(drop=True)
    again = replace(table, frame=rows, row_numbers=[table.row_numbers[position] for position in positions])
    names = {person.row: person.full_name for person in validate_rows(again, mapping)}
    for person, position, row in unnamed:
        person.errors[position] = shared_email_error(person, mapping.fields["email"], names[row], row)


# Unclear consent answers named one by one; more are counted.
CONSENT_WARNINGS_SHOWN = 5


@dataclass
class _ConsentNotes:
    """The unclear consent answers of a sheet: the first few, and how many there are; and the rows whose name was
    written "Family, Given" (read as "Given Family"), said in one warning (family_first_warning)."""

    first: list[RowError] = field(default_factory=list)
    count: int = 0
    family_first: list[int] = field(default_factory=list)  # their row numbers

    def add(self, people: list[PersonRow]) -> None:
        for person in people:
            if person.warnings:
                self.count += len(person.warnings)
                self.first.extend(person.warnings[: CONSENT_WARNINGS_SHOWN - len(self.first)])
            if person.family_first:
                self.family_first.append(person.row)

    def family_first_warning(self) -> str | None:
        """The sentence saying which names were read as "Family, Given", or None when none was."""
        rows = self.family_first
        if not rows:
            return None
        shown = ", ".join(str(row) for row in rows[:CONSENT_WARNINGS_SHOWN])
        more = f" and {len(rows) - CONSENT_WARNINGS_SHOWN:,} more" if len(rows) > CONSENT_WARNINGS_SHOWN else ""
        return (
            f"{counted(len(rows), 'name')} with one comma {'was' if len(rows) == 1 else 'were'} read as family name, "
            f"given names ('Santos, Maria' as Maria Santos): row{'s' if len(rows) > 1 else ''} {shown}{more}. If the "
            "list writes names another way, correct those rows, or read the given and family names from columns "
            "of their own."
        )

    def warnings(self) -> list[str]:
        """Return the unclear consent answers as warnings naming row and column (the first few, then a count)."""
        shown = [f"Row {note.row}, column '{note.column}': {note.message}" for note in self.first]
        if self.count > CONSENT_WARNINGS_SHOWN:
            shown.append(f"{self.count - CONSENT_WARNINGS_SHOWN} more consent answers are unclear and were not set.")
        return shown


class FirstRows:
    """The first row of each name key by nationality, and whether that row gave an e-mail: the rows' own row
    numbers held in one map or the other (a million-row sheet: no new number, no pair, per row)."""

    def __init__(self) -> None:
        self.plain: dict[str, dict[str, int]] = {}
        self.mailed: dict[str, dict[str, int]] = {}

    def first(self, nationality: str | None, name_key: str) -> tuple[int, bool] | None:
        """Return (the first row of this name and nationality, whether it gave an e-mail), or None."""
        row = self.plain.get(nationality, {}).get(name_key)
        if row is not None:
            return row, False
        row = self.mailed.get(nationality, {}).get(name_key)
        return None if row is None else (row, True)

    def add(self, nationality: str, name_key: str, row: int, *, mailed: bool) -> None:
        """Note the row, unless an earlier row of this name and nationality is noted."""
        if self.first(nationality, name_key) is None:
            self.add_first(nationality, name_key, row, mailed=mailed)

    def add_first(self, nationality: str, name_key: str, row: int, *, mailed: bool) -> None:
        """Note the row, which first() found to be the first of its name and nationality."""
        (self.mailed if mailed else self.plain).setdefault(nationality, {})[name_key] = row


def _classify(
    index: PeopleIndex, people: list[PersonRow], by_email: dict[str, int], by_name: FirstRows
) -> list[PlannedRow]:
    """Return each person's planned row; by_email and by_name hold the earlier rows (of earlier chunks too)."""
    rows: list[PlannedRow] = []
    unmatched: list[PlannedRow] = []
    anyone = bool(index.people)  # an empty database matches nobody: no need to ask it row by row
    for person in people:
        if not person.valid:
            rows.append(PlannedRow(person, RowStatus.ERROR))
            continue
        nationality = person.nationality
        # The first earlier row of this name and nationality, looked up once for its three uses below.
        found = by_name.first(nationality, person.name_key) if nationality else None
        planned = _in_file(index, person, by_email, found) or (_in_database(index, person) if anyone else None)
        if planned is None:
            planned = PlannedRow(person, RowStatus.NEW, reason=_namesake(person, found))
            unmatched.append(planned)
        rows.append(planned)
        if planned.status != RowStatus.REPEATED:
            if person.email:
                by_email.setdefault(person.email, person.row)
            if nationality and found is None:
                by_name.add_first(nationality, person.name_key, person.row, mailed=bool(person.email))
    probable = probable_matches(index, [planned.person for planned in unmatched])
    for planned in unmatched:
        match = probable.get(planned.person.index)
        if match is not None:
            planned.status, planned.person_id, planned.score, planned.reason = (
                RowStatus.PROBABLE,
                match.person_id,
                match.score,
                match.reason,
            )
    return rows


def _in_file(
    index: PeopleIndex, person: PersonRow, by_email: dict[str, int], found: tuple[int, bool] | None
) -> PlannedRow | None:
    """Return the row as a repeat of an earlier row, or as the database's person with its e-mail; found is
    FirstRows.first() for the row's name and nationality (None without a nationality)."""
    earlier = by_email.get(person.email) if person.email else None
    if earlier is None and person.email and person.email in index.by_email:
        return None  # the e-mail names someone in the database: that decides, not a similar earlier row
    if earlier is None and person.nationality:
        if found is not None and found[1] and person.email:
            return None  # the earlier row of this name had another e-mail: two people of one name (_namesake)
        earlier = None if found is None else found[0]
    if earlier is None:
        return None
    return PlannedRow(person, RowStatus.REPEATED, same_as_row=earlier, reason="same person as an earlier row")


def _namesake(person: PersonRow, found: tuple[int, bool] | None) -> str:
    """Return why a new row is not taken as the earlier row of its name and nationality (another e-mail), or "";
    found is FirstRows.first() for the row's name and nationality (None without a nationality)."""
    if found is None or not found[1] or not person.email:
        return ""
    return f"not the person of row {found[0]}: the same name and nationality, another e-mail"


def _in_database(index: PeopleIndex, person: PersonRow) -> PlannedRow | None:
    match = certain_match(index, person)
    if match is None:
        return None
    status = RowStatus.MATCHED if match.certain else RowStatus.PROBABLE  # another e-mail: someone decides
    return PlannedRow(person, status, person_id=match.person_id, score=match.score, reason=match.reason)


def _days(days: list[int]) -> str:
    """Return the days as "day 4", "days 4 and 5" or "days 2, 4 and 5"."""
    if len(days) == 1:
        return f"day {days[0]}"
    return "days " + ", ".join(str(day) for day in days[:-1]) + f" and {days[-1]}"

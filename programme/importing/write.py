"""Writing an import plan: one transaction, bulk inserts, an import batch that undo can take back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core.bulk import Constant, background_writes, write_columns
from programme.core.collector import collector_paused
from programme.core.errors import ProgrammeError
from programme.core.search_index import indexed_together
from programme.core.words import a_or_an
from programme.importing import triggers
from programme.importing.batches import import_number
from programme.importing.columns import CONSENT_FIELDS
from programme.importing.lists import ListKind
from programme.importing.plan import ImportPlan, PlannedRow, RowStatus
from programme.importing.validate import PersonRow
from programme.models import (
    AttendanceDay,
    Gender,
    ImportBatch,
    ImportKind,
    ImportUpdate,
    Organisation,
    Participation,
    ParticipationRole,
    Person,
)
from programme.models.base import utcnow
from programme.people.names import sort_names
from programme.planning.attendance import completion_rule, is_completed
from programme.summaries import new_people

Progress = Callable[[float, str], None]
# Rows sent in one statement: PostgreSQL allows 65,535 bind parameters, a person row has ~25 columns.
CHUNK_ROWS = 2_000
# A person's fields an import may fill when they are blank (never overwrite).
FILLABLE = (
    "given_name",
    "family_name",
    "gender",
    "nationality",
    "country_of_work",
    "organisation_id",
    "position",
    "email",
    "phone",
    "languages",
    "expertise",
)
# The ImportUpdate field that records a participation's attendance filled by the import.
ATTENDANCE_FIELD = "participation.attendance"
# The ImportUpdate field that records a participation marked registered by a registration list.
REGISTERED_FIELD = "participation.registered"
PERSON = Person.__table__
PARTICIPATION = Participation.__table__
ORGANISATION = Organisation.__table__


class ImportHasErrors(ProgrammeError):
    """Rows have errors and the user did not choose to import the valid rows only."""


@dataclass
class ImportResult:
    """What an import wrote."""

    batch_id: int
    created: int
    matched: int
    participations: int
    updated_fields: int
    attendance_days: int
    organisations: int
    skipped_rows: int
    list_kind: str = ListKind.PARTICIPANTS.value
    consents: int = 0  # people whose consent the list recorded
    # People already in the module (registered by an earlier list) whose attendance this list recorded.
    attendance_recorded: int = 0


@dataclass
class _Target:
    """One person the import writes about: a new one (key = first row) or one already in the database."""

    rows: list[PersonRow]
    person_id: int | None = None
    written: bool = False  # written before the whole list was read (pipeline.py): no later row may join it
    _merged: dict[str, Any] | None = field(default=None, repr=False)

    def first(self, name: str) -> Any:
        """Return the field's value from the first of the person's rows that has one."""
        if len(self.rows) == 1:  # nearly every person: read the row itself
            value = getattr(self.rows[0], name)
            return None if value is None or value == "" else value
        return self.merged().get(name)

    def merged(self) -> dict[str, Any]:
        # Computed once: every field is read several times while writing.
        if self._merged is None:
            merged: dict[str, Any] = {}
            for row in self.rows:
                for name, value in vars(row).items():
                    if value is not None and value != "" and name not in merged:
                        merged[name] = value
            self._merged = merged
        return self._merged

    def organisation_country(self) -> str | None:
        return self.first("country_of_work") or self.first("nationality")

    def days(self) -> dict[int, bool] | None:
        if len(self.rows) == 1:
            return self.rows[0].days or None
        marked = [row.days for row in self.rows if row.days]
        if not marked:
            return None
        return {day: any(days.get(day, False) for days in marked) for day in sorted({d for m in marked for d in m})}


@collector_paused()
def apply_plan(
    session: Session,
    *,
    plan: ImportPlan,
    username: str | None,
    accepted: Iterable[int] = (),
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the plan in the session's transaction and return what was written; raise if errors forbid it."""
    if plan.omitted:
        raise ValueError("A summary plan (build_plan with keep_rows=False) cannot be written.")
    report = progress or (lambda _fraction, _text: None)
    counts = _writable(plan, set(accepted), skip_invalid=skip_invalid)
    found, existing = _targets(plan, set(accepted))
    new = _Columns(found)
    batch = _begin_batch(session, plan, username)
    used_emails = set(plan.index.by_email)
    _share_emails(new + existing, used_emails)
    report(0.1, "Organisations")
    current = _current_people(session, [target.person_id for target in existing])  # type: ignore[misc]
    # Organisations are created only for people who will point to them: new ones, and known ones without one.
    without_org = [target for target in existing if current[target.person_id]["organisation_id"] is None]  # type: ignore[index]
    # What the writes need from the database is read before they start: the writes then run on a second thread
    # (background_writes) while the next table's rows are prepared here, and a read would wait for them.
    rule = completion_rule(session)
    person_ids = _reserve_ids(session, PERSON, len(new))
    for target, person_id in zip(new, person_ids, strict=True):
        target.person_id = person_id
    fresh = _Columns(target for target in new + existing if target.person_id not in plan.index.in_module)
    participation_ids = _reserve_ids(session, PARTICIPATION, len(fresh))
    consent = _ConsentColumns(plan)
    # The new people's reach summary rows are written with them (not regrouped from the raw rows at the commit).
    facts = new_people.module_facts(session, plan.module_id) if new else None
    with background_writes(session):
        # On SQLite the search index's trigger would index the people one by one: they are indexed together.
        with indexed_together(session, person_ids), triggers.together(session, triggers.PERSON, person_ids):
            organisations = _organisations(session, new + without_org if without_org else new)
            # Prepared while the organisations are written, so that they are ready once the people are.
            adding = _new_participations(plan, new + existing, batch.id, rule=rule, fresh=fresh, ids=participation_ids)
            report(0.2, "New people")
            people_columns = _insert_people(session, new, organisations, batch.id, report, consent)
        report(0.6, "Blank fields of known people")
        updated = _fill_blanks(session, existing, current, organisations, batch.id)
        consents = consent.recorded_new + _fill_consent(session, existing, consent, batch.id)
        report(0.7, "Participations")
        with triggers.together(session, triggers.PARTICIPATION, participation_ids):
            participations, days, taking_part = _participations(session, plan, adding, batch.id, report, rule=rule)
        if facts is not None:
            # Only new people (nobody else's participation changed): the module's figures move by theirs.
            only_new = not existing
            _new_people_summaries(session, people_columns, taking_part, organisations, len(new), facts, only_new)
    return _record(
        session,
        plan,
        batch,
        username=username,
        counts=counts,
        new=new,
        existing=existing,
        facts=facts,
        written=(participations, updated, days, consents),
        organisations=organisations,
        report=report,
    )


def _writable(plan: ImportPlan, accepted: set[int], *, skip_invalid: bool) -> dict[str, int]:
    """Return the plan's counts; raise ImportHasErrors if its errors (without skip_invalid) or no valid row forbid
    writing it."""
    counts = plan.counts(accepted)
    if plan.errors and not skip_invalid:
        raise ImportHasErrors(
            f"{counts['error_rows']} {'row has' if counts['error_rows'] == 1 else 'rows have'} errors; "
            "correct them, or choose to import the valid rows only."
        )
    if counts["valid"] == 0:
        raise ImportHasErrors("No row is valid, so nothing was imported.")
    return counts


@collector_paused()
def write_while_planning(
    session: Session,
    *,
    plan: ImportPlan,
    chunks: Iterable[list[PlannedRow]],
    amendable: Callable[[PersonRow], bool],
    end: Callable[[], None],
    username: str | None,
    accept_probable: bool = False,
    skip_invalid: bool = False,
) -> ImportResult:
    """Write a plan whose rows are still being planned, with apply_plan's outcome; raise if the plan forbids it.

    chunks yields the plan's rows a part at a time (plan.rows is filled here), end() finishes the plan once they are
    all read. The new people of each part are handed to the writing thread (background_writes) while the next part
    is planned: their organisations, records, participations and attendance days, in the order and with the ids
    apply_plan gives them. amendable(row) says whether a later row may repeat a new person's first row (the same
    e-mail or name key further down): from the first such person on, the new people wait for the end, when every
    row is read. Everything needing the whole plan follows the last part: the checks (ImportHasErrors, the caller
    then rolls the transaction back), known people, consent, the summaries, the audit record.
    """
    accepted = None if accept_probable else set()
    sort = _TargetSort(accepted)
    batch = _begin_batch(session, plan, username)
    rule = completion_rule(session)
    ids = _Ids(session, (ORGANISATION, PERSON, PARTICIPATION))
    organisations = _known_organisations(session)
    consent = _ConsentColumns(plan)
    facts = new_people.module_facts(session, plan.module_id)
    written: list[_Target] = []
    waiting: list[_Target] = []
    person_ids: list[int] = []  # the new people written and not yet indexed, then not yet in the directory
    alumni_ids: list[int] = []
    participation_ids: list[int] = []
    flushes: list[Callable[[], None]] = []
    people_parts: list[dict[str, Any]] = []
    taking_part_parts: list[dict[str, Any]] = []
    totals = [0, 0]  # participations, attendance day rows

    def write_new(targets: list[_Target]) -> None:
        new = _Columns(targets)
        for target, person_id in zip(new, ids.take(PERSON, len(new)), strict=True):
            target.person_id = person_id
            person_ids.append(person_id)
            alumni_ids.append(person_id)
        _add_organisations(session, organisations, new, lambda count: ids.take(ORGANISATION, count))
        taken = ids.take(PARTICIPATION, len(new))
        participation_ids.extend(taken)
        adding = _new_participations(plan, new, batch.id, rule=rule, fresh=new, ids=taken)
        people_parts.append(_insert_people(session, new, organisations, batch.id, _silent, consent))
        added, days, taking_part = _participations(session, plan, adding, batch.id, _silent, rule=rule)
        taking_part_parts.append(taking_part)
        totals[0] += added
        totals[1] += days
        for flush in flushes:
            flush()

    with background_writes(session):
        with triggers.together(session, triggers.PARTICIPATION, participation_ids, growing=True) as taking_part_done:
            with (
                indexed_together(session, person_ids, growing=True) as indexed,
                triggers.together(session, triggers.PERSON, alumni_ids, growing=True) as people_done,
            ):
                # On SQLite the search index and the alumni directory take each part's rows once they are written
                # (in that order: a person's entry needs their participation), while the next part is planned.
                flushes.extend((indexed, people_done, taking_part_done))
                for rows in chunks:
                    plan.rows.extend(rows)
                    settled = []
                    for target in sort.add(rows):
                        if waiting or amendable(target.rows[0]):
                            waiting.append(target)
                        else:
                            target.written = True
                            settled.append(target)
                    if settled:
                        write_new(settled)
                        written.extend(settled)
                end()
                counts = _writable(
                    plan,
                    set() if accepted is not None else {row.row for row in plan.probable},
                    skip_invalid=skip_invalid,
                )
                existing = sort.existing()
                _share_emails(written + waiting + existing, set(plan.index.by_email))
                if waiting:
                    write_new(waiting)
                new = written + waiting
                current = _current_people(session, [target.person_id for target in existing])  # type: ignore[misc]
                without_org = [target for target in existing if current[target.person_id]["organisation_id"] is None]  # type: ignore[index]
                if without_org:
                    _add_organisations(session, organisations, without_org, lambda count: ids.take(ORGANISATION, count))
            updated = _fill_blanks(session, existing, current, organisations, batch.id)
            consents = consent.recorded_new + _fill_consent(session, existing, consent, batch.id)
            fresh = _Columns(target for target in existing if target.person_id not in plan.index.in_module)
            taken = ids.take(PARTICIPATION, len(fresh))
            participation_ids.extend(taken)
            adding = _new_participations(plan, existing, batch.id, rule=rule, fresh=fresh, ids=taken)
            added, days, _ = _participations(session, plan, adding, batch.id, _silent, rule=rule)
            totals[0] += added
            totals[1] += days
        facts = facts if new else None
        if facts is not None:
            _new_people_summaries(
                session,
                _joined(people_parts),
                _joined(taking_part_parts),
                organisations,
                len(new),
                facts,
                not existing,
            )
    return _record(
        session,
        plan,
        batch,
        username=username,
        counts=counts,
        new=new,
        existing=existing,
        facts=facts,
        written=(totals[0], updated, totals[1], consents),
        organisations=organisations,
        report=_silent,
    )


def _silent(_fraction: float, _text: str) -> None:
    """A progress report nobody reads."""


def _joined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Return columns written in parts (dicts of the same keys, lists or Constants) as one list a column."""
    if len(parts) == 1:
        return parts[0]
    lengths = [
        max((len(values) for values in part.values() if not isinstance(values, Constant)), default=0) for part in parts
    ]
    return (
        {
            name: list(
                chain.from_iterable(
                    repeat(part[name].value, length) if isinstance(part[name], Constant) else part[name]
                    for part, length in zip(parts, lengths, strict=True)
                )
            )
            for name in parts[0]
        }
        if parts
        else {}
    )


class _Ids:
    """New ids for rows of tables, as _reserve_ids gives them; on SQLite each table's highest id is read once (at
    the start, before any write is queued) and counted on from here, so that taking ids waits for no write."""

    def __init__(self, session: Session, tables: Iterable[sa.Table]) -> None:
        self.session = session
        self.next: dict[str, int] | None = None
        if session.get_bind().dialect.name != "postgresql":
            self.next = {table.name: (session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1 for table in tables}

    def take(self, table: sa.Table, count: int) -> list[int]:
        if self.next is None or count == 0:
            return _reserve_ids(self.session, table, count)
        start = self.next[table.name]
        self.next[table.name] = start + count
        return list(range(start, start + count))


def _record(
    session: Session,
    plan: ImportPlan,
    batch: ImportBatch,
    *,
    username: str | None,
    counts: dict[str, int],
    new: list[_Target],
    existing: list[_Target],
    facts: new_people.ModuleFacts | None,
    written: tuple[int, int, int, int],
    organisations: _Organisations,
    report: Progress,
) -> ImportResult:
    """Tell the summaries what the writes changed, and record the batch's counts and the audit entry; return them.

    written: (participations added, blank fields filled, attendance day rows, people whose consent was recorded).
    """
    participations, updated, days, consents = written
    created = len(new)
    # Participations and people are written in bulk (not noticed): what they change is refreshed at the commit.
    if facts is None:
        _touch(session, plan.module_id, batch.id, new + existing)
    elif existing:
        _touch(session, plan.module_id, batch.id, existing)
    recorded = session.scalar(
        sa.select(sa.func.count()).where(ImportUpdate.batch_id == batch.id, ImportUpdate.field == ATTENDANCE_FIELD)
    )
    result = ImportResult(
        batch_id=batch.id,
        created=created,
        matched=len(existing),
        participations=participations,
        updated_fields=updated,
        attendance_days=days,
        organisations=len(organisations.created),
        skipped_rows=counts["error_rows"],
        list_kind=plan.list_kind.value,
        consents=consents,
        attendance_recorded=int(recorded or 0),
    )
    batch.counts = json.dumps({**asdict(result), "rows": counts["rows"], "organisation_ids": organisations.created})
    audit.record(
        session,
        action="import",
        username=username,
        entity="import_batch",
        entity_id=batch.id,
        summary=(
            f"participant import {import_number(session, batch.id)}, {a_or_an(plan.list_kind.value)} list into module "
            f"{plan.module_id}: {created} new people, {len(existing)} matched, "
            f"{participations} participations, {updated} blank fields filled, {consents} people's consent recorded, "
            f"{result.skipped_rows} rows skipped" + "".join(f". {choice}" for choice in plan.mapping.choices)
        ),
        # What the user chose about the list's rows (the organisers' own Zoom account imported or left out).
        after={key: value for key, value in asdict(result).items()}
        | ({"choices": list(plan.mapping.choices)} if plan.mapping.choices else {}),
    )
    session.flush()
    report(1.0, "Done")
    return result


def _begin_batch(session: Session, plan: ImportPlan, username: str | None) -> ImportBatch:
    """Write the import's batch (the first write: on SQLite the transaction then holds the write lock)."""
    batch = ImportBatch(
        kind=ImportKind.PARTICIPANTS,
        file_name=plan.file_name[:300],
        file_hash=plan.file_hash,
        module_id=plan.module_id,
        username=username,
    )
    session.add(batch)
    session.flush()
    _roomy_cache(session)
    return batch


def _new_people_summaries(
    session: Session,
    people: dict[str, Any],
    taking_part: dict[str, Any],
    organisations: _Organisations,
    count: int,
    facts: new_people.ModuleFacts,
    only_new: bool,
) -> None:
    """Hand the new people's columns (the first `count` participations are theirs) to summaries.new_people."""
    organisation_ids = people["organisation_id"]

    def first(values: Any) -> list[Any]:
        return [values.value] * count if isinstance(values, Constant) else values[:count]

    new_people.write(
        session,
        new_people.NewPeople(
            person_id=people["id"],
            gender=people["gender"],
            nationality=people["nationality"],
            country_of_work=people["country_of_work"],
            organisation_id=organisation_ids,
            org_type=[None if org is None else organisations.facts[org][0] for org in organisation_ids],
            org_country=[None if org is None else organisations.facts[org][1] for org in organisation_ids],
            listed=[bool(value) for value in first(people["consent_listed"])],
            role=_stored(first(taking_part["role"])),
            attended=first(taking_part["attended"]),
            registered=first(taking_part["registered"]),
            completed=first(taking_part["completed"]),
        ),
        facts,
        only_new=only_new,
    )


def _stored(members: list[Any]) -> list[Any]:
    """Return each enum member's value (looked up once per distinct member)."""
    values = {member: member.value for member in set(members)}
    return list(map(values.__getitem__, members))


def _touch(session: Session, module_id: int, batch_id: int, targets: list[_Target]) -> None:
    """Tell the summaries (and cached figures) what the bulk writes changed: the module; people whose blank fields
    were filled in every module they took part in; the others only took part here."""
    filled = session.scalars(
        sa.select(ImportUpdate.person_id)
        .where(ImportUpdate.batch_id == batch_id, ImportUpdate.field.not_in([ATTENDANCE_FIELD, REGISTERED_FIELD]))
        .distinct()
    )
    summaries.touch(session, modules=[module_id], people=filled, participants=[target.person_id for target in targets])


def _targets(plan: ImportPlan, accepted: set[int]) -> tuple[list[_Target], list[_Target]]:
    """Return the new people and the known people the rows are about, repeated rows merged."""
    sort = _TargetSort(accepted)
    return sort.add(plan.rows), sort.existing()


class _TargetSort:
    """The people a plan's rows are about, found as its rows come (in order): new ones, and the known people matched
    (or accepted probable matches, accepted: their rows, None for every one); a repeated row joins its first row's."""

    def __init__(self, accepted: set[int] | None) -> None:
        self.accepted = accepted
        self.by_row: dict[int, _Target] = {}
        self.by_person: dict[int, _Target] = {}

    def add(self, rows: Iterable[PlannedRow]) -> list[_Target]:
        """Take the next rows; return the new people whose first row is among them."""
        new: list[_Target] = []
        by_row, by_person, accepted = self.by_row, self.by_person, self.accepted
        error, repeated, matched, probable = RowStatus.ERROR, RowStatus.REPEATED, RowStatus.MATCHED, RowStatus.PROBABLE
        for planned in rows:
            status, person = planned.status, planned.person
            if status == error:
                continue
            if status == repeated:
                target = by_row.get(planned.same_as_row)  # type: ignore[arg-type]
                if target is None:
                    continue
                if target.written:
                    raise RuntimeError(f"row {person.row} repeats a person already written")  # see pipeline.py
                target.rows.append(person)
            elif status == matched or (status == probable and (accepted is None or person.row in accepted)):
                target = by_person.setdefault(planned.person_id, _Target([], planned.person_id))  # type: ignore[arg-type]
                target.rows.append(person)
            else:
                target = _Target([person])
                new.append(target)
            by_row[person.row] = target
        return new

    def existing(self) -> list[_Target]:
        """Return the known people the rows are about, in the order of their first rows."""
        return list(self.by_person.values())


def _share_emails(targets: list[_Target], used: set[str]) -> None:
    """Keep each e-mail on one person: a repeated row's address already taken elsewhere is dropped."""
    firsts, several = _shape(targets)
    used.update(filter(None, map(attrgetter("email"), firsts)))
    for position in several:  # only a person on several rows has a repeated row
        target = targets[position]
        for row in target.rows[1:]:
            if row.email and row.email in used and row.email != target.rows[0].email:
                row.email = None
            elif row.email:
                used.add(row.email)


@dataclass
class _Organisations:
    ids: dict[tuple[str, str | None], int]
    created: list[int]
    # Each organisation's type (stored value) and country, as the reach summaries read them.
    facts: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    def id_for(self, target: _Target) -> int | None:
        if not target.first("organisation"):
            return None
        return self.ids.get((target.first("org_key"), target.organisation_country()))

    def ids_for(self, targets: list[_Target]) -> list[int | None]:
        """Return id_for(target) for each target."""
        names, keys = _offered(targets, "organisation"), _offered(targets, "org_key")
        return [
            self.ids.get((key, country)) if name else None
            for name, key, country in zip(names, keys, _countries(targets), strict=True)
        ]


class _Columns(list):
    """Targets whose fields are read as columns (_offered) once each: the writes read several fields more than once
    (countries for the organisations and for the people). The columns are not to be changed by their readers."""

    def __init__(self, targets: Iterable[_Target]) -> None:
        super().__init__(targets)
        self.columns: dict[str, list[Any]] = {}
        self.shape: tuple[list[PersonRow], list[int]] | None = None


def _shape(targets: list[_Target]) -> tuple[list[PersonRow], list[int]]:
    """Return each target's first row and the positions of the targets on several rows (found once for _Columns)."""
    if isinstance(targets, _Columns) and targets.shape is not None:
        return targets.shape
    rows = list(map(attrgetter("rows"), targets))
    lengths = list(map(len, rows))
    several = [position for position, count in enumerate(lengths) if count > 1] if max(lengths, default=1) > 1 else []
    shape = (list(map(itemgetter(0), rows)), several)
    if isinstance(targets, _Columns):
        targets.shape = shape
    return shape


def _offered(targets: list[_Target], name: str) -> list[Any]:
    """Return target.first(name) for each target, reading a one-row person's row directly."""
    cache = targets.columns if isinstance(targets, _Columns) else None
    if cache is not None and name in cache:
        return cache[name]
    firsts, several = _shape(targets)
    values = list(map(attrgetter(name), firsts))  # each person's first row, at C speed
    for position in several:  # a person on several rows: the first of them that gives the field
        values[position] = targets[position].first(name)
    if "" in values:
        values = [None if value == "" else value for value in values]
    if cache is not None:
        cache[name] = values
    return values


def _countries(targets: list[_Target]) -> list[str | None]:
    """Return target.organisation_country() for each target."""
    return [
        work or nationality
        for work, nationality in zip(
            _offered(targets, "country_of_work"), _offered(targets, "nationality"), strict=True
        )
    ]


def _organisations(session: Session, targets: list[_Target]) -> _Organisations:
    """Return organisation ids by (name key, country), creating the missing ones."""
    organisations = _known_organisations(session)
    _add_organisations(session, organisations, targets, lambda count: _reserve_ids(session, ORGANISATION, count))
    return organisations


def _known_organisations(session: Session) -> _Organisations:
    """Return the organisations in the database, by (name key, country)."""
    table = ORGANISATION
    known: dict[tuple[str, str | None], int] = {}
    facts: dict[int, tuple[str | None, str | None]] = {}
    query = sa.select(table.c.id, table.c.name_key, table.c.country, sa.type_coerce(table.c.org_type, sa.String))
    for org_id, key, country, org_type in session.execute(query):
        known[(key, country)] = org_id
        facts[org_id] = (org_type, country)
    return _Organisations(ids=known, created=[], facts=facts)


def _add_organisations(
    session: Session, organisations: _Organisations, targets: list[_Target], reserve: Callable[[int], list[int]]
) -> None:
    """Create the targets' organisations not among organisations (ids from reserve) and add them to it."""
    table = ORGANISATION
    known, facts = organisations.ids, organisations.facts
    wanted: dict[tuple[str, str | None], tuple[str, str]] = {}
    columns = zip(
        _offered(targets, "organisation"),
        _offered(targets, "org_key"),
        _countries(targets),
        _offered(targets, "org_type"),
        strict=True,
    )
    for name, org_key, country, org_type in columns:
        if not name or not org_key:
            continue
        key = (org_key, country)
        if key not in known and key not in wanted:
            wanted[key] = (name, org_type.value if org_type else None)
    created = reserve(len(wanted))
    _write(
        session,
        table,
        {
            "id": created,
            "name": [name for name, _ in wanted.values()],
            "name_key": [key for key, _ in wanted],
            "country": [country for _, country in wanted],
            "org_type": [org_type for _, org_type in wanted.values()],
        },
    )
    known.update(zip(wanted, created, strict=True))
    for org_id, (_, country), (_, org_type) in zip(created, wanted, wanted.values(), strict=True):
        facts[org_id] = (org_type, country)
    organisations.created.extend(created)


@dataclass
class _ConsentColumns:
    """The sheet's consent columns: what each person's answers give, and the form's wording as the source."""

    plan: ImportPlan
    recorded_new: int = 0

    @property
    def fields(self) -> list[str]:
        return [name for name in CONSENT_FIELDS if name in self.plan.mapping.fields]

    def answers(self, target: _Target) -> dict[str, bool]:
        """Return the consents the person's rows answer clearly (none for blank or unclear answers)."""
        given = {name: target.first(name) for name in self.fields}
        return {name: bool(value) for name, value in given.items() if value is not None}

    def source(self, answered: dict[str, bool]) -> str:
        """Return "FILE: 'wording'; 'wording'": where the consent comes from, cut to the column's 200 characters."""
        headers = dict.fromkeys(self.plan.mapping.fields[name] for name in answered)
        text = f"{self.plan.file_name}: " + "; ".join(f"'{header}'" for header in headers)
        return text if len(text) <= 200 else text[:199] + "…"


def _insert_people(
    session: Session,
    targets: list[_Target],
    organisations: _Organisations,
    batch_id: int,
    report: Progress,
    consent: _ConsentColumns | None = None,
) -> dict[str, Any]:
    """Write the new people, whose ids apply_plan reserved; return the columns written."""
    ids = [target.person_id for target in targets]
    firsts = [target.rows[0] for target in targets]
    now = utcnow()

    def offered(name: str) -> list[Any]:
        return _offered(targets, name)

    columns = {
        "id": ids,
        "given_name": [first.given_name for first in firsts],
        "family_name": [first.family_name for first in firsts],
        "full_name": [first.full_name for first in firsts],
        "name_key": [first.name_key for first in firsts],
        "sort_name": sort_names([first.full_name for first in firsts]),
        "gender": [(gender or Gender.UNDISCLOSED).value for gender in offered("gender")],
        "nationality": offered("nationality"),
        "country_of_work": offered("country_of_work"),
        "organisation_id": organisations.ids_for(targets),
        "position": offered("position"),
        "email": offered("email"),
        "phone": offered("phone"),
        "languages": offered("languages"),
        "expertise": offered("expertise"),
        "notes": Constant(None),
        **_new_consents(targets, consent),
        "erased_at": Constant(None),
        "created_at": Constant(now),
        "updated_at": Constant(now),
        "import_batch_id": Constant(batch_id),
    }
    _write(session, PERSON, columns, progress=lambda share: report(0.2 + 0.4 * share, "New people"))
    return columns


def _new_consents(targets: list[_Target], consent: _ConsentColumns | None) -> dict[str, list[Any] | Constant]:
    """Return the consent columns of new people: what the list answered clearly, otherwise not given (False)."""
    if consent is None or not consent.fields:
        return {
            **{name: Constant(False) for name in CONSENT_FIELDS},
            "consent_date": Constant(None),
            "consent_source": Constant(None),
        }
    answers = [consent.answers(target) for target in targets]
    consent.recorded_new += sum(1 for answered in answers if answered)
    today = utcnow().date()
    return {
        **{name: [answered.get(name, False) for answered in answers] for name in CONSENT_FIELDS},
        "consent_date": [today if answered else None for answered in answers],
        "consent_source": [consent.source(answered) if answered else None for answered in answers],
    }


def _fill_consent(session: Session, targets: list[_Target], consent: _ConsentColumns, batch_id: int) -> int:
    """Record the list's consents for known people whose consent was never recorded (no source); return how many.

    A consent already recorded (typed on the person's page, or from an earlier list) is left as it is. Each
    field changed is kept as an ImportUpdate, so that undo puts the person's consent back.
    """
    answers = {target.person_id: consent.answers(target) for target in targets} if consent.fields else {}
    answers = {person_id: answered for person_id, answered in answers.items() if answered}
    if not answers:
        return 0
    columns = [PERSON.c[name] for name in (*CONSENT_FIELDS, "consent_date", "consent_source")]
    updates: list[dict[str, Any]] = []
    recorded = 0
    for chunk in _chunks(list(answers)):
        query = sa.select(PERSON.c.id, *columns).where(PERSON.c.id.in_(chunk), PERSON.c.consent_source.is_(None))
        for row in session.execute(query).mappings():
            answered = answers[row["id"]]
            values = {
                **{name: answered.get(name, False) for name in CONSENT_FIELDS},
                "consent_date": utcnow().date(),
                "consent_source": consent.source(answered),
            }
            session.execute(sa.update(PERSON).where(PERSON.c.id == row["id"]).values(**values, updated_at=utcnow()))
            recorded += 1
            updates.extend(
                {
                    "batch_id": batch_id,
                    "person_id": row["id"],
                    "field": name,
                    "old_value": None if row[name] is None else str(row[name]),
                }
                for name in values
                if row[name] != values[name]
            )
    _write(session, ImportUpdate.__table__, _as_columns(updates))
    return recorded


def _fill_blanks(
    session: Session,
    targets: list[_Target],
    current: dict[int, dict[str, Any]],
    organisations: _Organisations,
    batch_id: int,
) -> int:
    """Fill the blank fields of known people from the sheet; record each so that undo can clear it."""
    changes: dict[str, list[dict[str, Any]]] = {name: [] for name in FILLABLE}
    updates: list[dict[str, Any]] = []
    for target in targets:
        now_values = current[target.person_id]  # type: ignore[index]
        offered = {name: target.first(name) for name in FILLABLE if name != "organisation_id"}
        offered["organisation_id"] = organisations.id_for(target)
        for name, value in offered.items():
            if value is None or not _is_blank(name, now_values[name]):
                continue
            stored = value.value if hasattr(value, "value") else value
            old = now_values[name]
            if str(getattr(old, "value", old)) == str(stored):
                continue
            changes[name].append({"_id": target.person_id, "_value": stored})
            updates.append(
                {
                    "batch_id": batch_id,
                    "person_id": target.person_id,
                    "field": name,
                    "old_value": None if old is None else str(getattr(old, "value", old)),
                }
            )
    for name, rows in changes.items():
        if rows:
            statement = (
                sa.update(PERSON)
                .where(PERSON.c.id == sa.bindparam("_id"))
                .values({name: sa.bindparam("_value"), "updated_at": utcnow()})
            )
            for chunk in _chunks(rows):
                session.execute(statement, chunk)
    _write(session, ImportUpdate.__table__, _as_columns(updates))
    return len(updates)


def _current_people(session: Session, person_ids: list[int]) -> dict[int, dict[str, Any]]:
    columns = [PERSON.c[name] for name in FILLABLE]
    current: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(person_ids):
        for row in session.execute(sa.select(PERSON.c.id, *columns).where(PERSON.c.id.in_(chunk))):
            current[row[0]] = dict(zip(FILLABLE, row[1:], strict=True))
    return current


def _is_blank(name: str, value: Any) -> bool:
    if name == "gender":
        return value in (None, Gender.UNDISCLOSED, Gender.UNDISCLOSED.value)
    return value is None or (isinstance(value, str) and not value.strip())


# The days of someone without days marked (no day rows).
EMPTY_DAYS: dict[int, bool] = {}


@dataclass
class _NewParticipations:
    """The participations an import adds (columns ready to write), their day rows, and the targets already in the
    module (whose participations are brought up to date when written)."""

    columns: dict[str, Any]
    days: dict[str, list[Any]]
    already: list[_Target]


def _new_participations(
    plan: ImportPlan, targets: list[_Target], batch_id: int, *, rule: Any, fresh: list[_Target], ids: list[int]
) -> _NewParticipations:
    """Return each new participation in the module (with day-by-day attendance) as columns, reading nothing from the
    database: apply_plan prepares them while the people are written.

    fresh are the targets not yet in the module, ids their participations' reserved ids. A registration list adds
    people as registered with attendance not recorded (attended NULL, not completed).
    """
    registration = plan.list_kind == ListKind.REGISTRATION
    already = [t for t in targets if t.person_id in plan.index.in_module]
    # A row whose "Attended" column says No (Zoom, a check-in list) is registered, not attended.
    said = _offered(fresh, "attended")
    registered = [registration or came is not None for came in said]
    # Each person's days (target.days()): a one-row person's read from the row, at C speed.
    firsts, several = _shape(fresh)
    marked = [row.days or None for row in firsts]
    for position in several:
        marked[position] = fresh[position].days()
    # Column by column, at C speed where the column allows (an import's 50,000 rows a few passes each): someone only
    # registered (a registration list, or "Attended" No) has (None, None) and no day rows; someone without days
    # marked (True, None); the others (whether any day is marked present, the days present) and a row per day.
    if registration:
        marked = [None] * len(fresh)
    elif False in said:  # only False equals False among True, False and None
        marked = [None if came is False else marks for came, marks in zip(said, marked, strict=True)]
    if None in marked:  # a dict never equals None
        days_attended = [None if marks is None else sum(marks.values()) for marks in marked]
        attended = [
            (None if registration or came is False else True) if present is None else present > 0
            for came, present in zip(said, days_attended, strict=True)
        ]
        with_days = [EMPTY_DAYS if marks is None else marks for marks in marked]
    else:
        days_attended = list(map(sum, map(dict.values, marked)))
        attended = list(map((0).__lt__, days_attended))
        with_days = marked
    days: dict[str, list[Any]] = {
        "participation_id": list(chain.from_iterable(map(repeat, ids, map(len, with_days)))),
        "day": list(chain.from_iterable(with_days)),
        "present": list(chain.from_iterable(map(dict.values, with_days))),
    }
    # Completion depends only on (attended, days attended): judged once for each pair.
    outcomes = list(zip(attended, days_attended, strict=True))
    judged = {
        outcome: is_completed(rule, attended=outcome[0], days_attended=outcome[1], module_days=plan.module_days)
        for outcome in set(outcomes)
    }
    completed = list(map(judged.__getitem__, outcomes))
    columns = {
        "id": ids,
        "person_id": list(map(attrgetter("person_id"), fresh)),
        "module_id": Constant(plan.module_id),
        "role": [role or ParticipationRole.PARTICIPANT for role in _offered(fresh, "role")],
        "attended": attended,
        "completed": completed,
        "days_attended": days_attended,
        "registered": registered,
        "pre_test_score": Constant(None),
        "post_test_score": Constant(None),
        "import_batch_id": Constant(batch_id),
    }
    return _NewParticipations(columns, days, already)


def _participations(
    session: Session,
    plan: ImportPlan,
    new: _NewParticipations,
    batch_id: int,
    report: Progress,
    *,
    rule: Any,
) -> tuple[int, int, dict[str, Any]]:
    """Write the new participations and their days, and bring those of the targets already in the module up to date;
    return (added, day rows, the added participations' columns)."""
    registration = plan.list_kind == ListKind.REGISTRATION
    columns, days, already = new.columns, new.days, new.already
    _write(session, PARTICIPATION, columns, progress=lambda share: report(0.7 + 0.2 * share, "Participations"))
    signed_up = [target for target in already if registration or target.first("attended") is not None]
    if signed_up:
        _mark_registered(session, plan, signed_up, batch_id)
    came = [target for target in already if not registration and target.first("attended") is not False]
    if came:
        for name, values in _as_columns(_fill_attendance(session, plan, came, batch_id, rule)).items():
            days[name].extend(values)
    _write(session, AttendanceDay.__table__, days)
    return len(columns["id"]), len(days["day"]), columns


def _mark_registered(session: Session, plan: ImportPlan, targets: list[_Target], batch_id: int) -> None:
    """Mark the participations already in the module as registered (kept as ImportUpdates, for undo)."""
    person_ids = [target.person_id for target in targets]
    for chunk in _chunks(person_ids):
        rows = session.execute(
            sa.select(PARTICIPATION.c.id, PARTICIPATION.c.person_id).where(
                PARTICIPATION.c.module_id == plan.module_id,
                PARTICIPATION.c.person_id.in_(chunk),
                PARTICIPATION.c.registered.is_(False),
            )
        ).all()
        if not rows:
            continue
        ids = [row.id for row in rows]
        session.execute(sa.update(PARTICIPATION).where(PARTICIPATION.c.id.in_(ids)).values(registered=True))
        _write(
            session,
            ImportUpdate.__table__,
            {
                "batch_id": Constant(batch_id),
                "person_id": [row.person_id for row in rows],
                "field": Constant(REGISTERED_FIELD),
                "old_value": [json.dumps({"id": row.id}) for row in rows],
            },
        )


def _attendance(days: dict[int, bool] | None) -> tuple[bool, int | None]:
    if days is None:
        return True, None
    present = sum(days.values())
    return present > 0, present


def _day_rows(participation_id: int, days: dict[int, bool] | None) -> list[dict[str, Any]]:
    return [
        {"participation_id": participation_id, "day": day, "present": present} for day, present in (days or {}).items()
    ]


def _fill_attendance(
    session: Session, plan: ImportPlan, targets: list[_Target], batch_id: int, rule: Any
) -> list[dict[str, Any]]:
    """Record the sheet's days on participations already in the module, never overwriting a recorded day.

    A participation with no attendance at all (a registration list imported before the attendance sheet)
    takes the sheet's days. One with days recorded (yesterday's sheet) gains the days it lacks (today's
    sheet). One whose attendance is known only as a number of days is left as it is. A person on a participant
    list (no days) who was only registered is recorded as having taken part. Each change is kept as an
    ImportUpdate, so that undo takes back exactly the days added.
    """
    with_days: dict[int, dict[int, bool] | None] = {t.person_id: t.days() for t in targets}  # type: ignore[misc]
    if not with_days:
        return []
    query = sa.select(
        PARTICIPATION.c.id,
        PARTICIPATION.c.person_id,
        PARTICIPATION.c.attended,
        PARTICIPATION.c.completed,
        PARTICIPATION.c.days_attended,
    ).where(PARTICIPATION.c.module_id == plan.module_id, PARTICIPATION.c.person_id.in_(list(with_days)))
    rows = session.execute(query).all()
    recorded = _recorded_days([row.id for row in rows], session)
    day_rows: list[dict[str, Any]] = []
    for participation_id, person_id, attended, completed, days_attended in rows:
        known = recorded.get(participation_id, {})
        if with_days[person_id] is None:
            if attended is None:  # only registered: a participant list says they took part
                _took_part(session, plan, rule, participation_id, person_id, batch_id)
            continue
        if not known and days_attended is not None:
            continue  # a number of days without the days themselves: nothing to add them to
        added = {day: present for day, present in with_days[person_id].items() if day not in known}
        if not added:
            continue
        now_attended, now_days = _attendance({**known, **added})
        session.execute(
            sa.update(PARTICIPATION)
            .where(PARTICIPATION.c.id == participation_id)
            .values(
                attended=now_attended,
                days_attended=now_days,
                completed=is_completed(
                    rule, attended=now_attended, days_attended=now_days, module_days=plan.module_days
                ),
            )
        )
        old: dict[str, Any] = {"id": participation_id, "attended": attended, "completed": completed}
        if known:
            old.update(days_attended=days_attended, added_days=sorted(added))
        session.execute(
            sa.insert(ImportUpdate.__table__).values(
                batch_id=batch_id, person_id=person_id, field=ATTENDANCE_FIELD, old_value=json.dumps(old)
            )
        )
        day_rows.extend(_day_rows(participation_id, added))
    return day_rows


def _took_part(
    session: Session, plan: ImportPlan, rule: Any, participation_id: int, person_id: int, batch_id: int
) -> None:
    """Record a registered person as having taken part (days not known), keeping the old state for undo."""
    session.execute(
        sa.update(PARTICIPATION)
        .where(PARTICIPATION.c.id == participation_id)
        .values(
            attended=True,
            completed=is_completed(rule, attended=True, days_attended=None, module_days=plan.module_days),
        )
    )
    old = {"id": participation_id, "attended": None, "completed": False, "added_days": []}
    session.execute(
        sa.insert(ImportUpdate.__table__).values(
            batch_id=batch_id, person_id=person_id, field=ATTENDANCE_FIELD, old_value=json.dumps(old)
        )
    )


def _recorded_days(participation_ids: list[int], session: Session) -> dict[int, dict[int, bool]]:
    """Return {participation id: {day: present}} for the days already recorded."""
    table = AttendanceDay.__table__
    recorded: dict[int, dict[int, bool]] = {}
    for chunk in _chunks(participation_ids):
        query = sa.select(table.c.participation_id, table.c.day, table.c.present).where(
            table.c.participation_id.in_(chunk)
        )
        for participation_id, day, present in session.execute(query):
            recorded.setdefault(participation_id, {})[day] = present
    return recorded


# SQLite's page cache for an import's connection (KiB, as a negative PRAGMA value): the default 2 MB makes a large
# import spill index pages to disk mid-transaction.
SQLITE_IMPORT_CACHE_KIB = 128 * 1024


def _roomy_cache(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")


def _reserve_ids(session: Session, table: sa.Table, count: int) -> list[int]:
    """Return count new ids for table's rows, so that rows can be inserted (and referred to) in bulk."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # Taken from the table's own sequence: safe alongside other writers. The sequence is named first: given
        # as pg_get_serial_sequence(...) inside nextval it was looked up again for every id (0.2 s for 50,000).
        sequence = session.scalar(sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        statement = sa.text(
            "SELECT array_agg(id ORDER BY id) FROM "
            "(SELECT nextval(CAST(:sequence AS regclass)) AS id FROM generate_series(1, :count)) AS ids"
        )
        return list(session.scalar(statement, {"sequence": sequence, "count": count}))
    # SQLite: the import batch was written first, so this transaction holds the write lock; no one else adds rows.
    start = session.scalar(sa.select(sa.func.max(table.c.id))) or 0
    return list(range(start + 1, start + count + 1))


# Rows written between two progress reports.
PROGRESS_ROWS = 10_000


def _write(
    session: Session,
    table: sa.Table,
    columns: dict[str, list[Any] | Constant],
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write the rows given as columns (one list a column, or a Constant) in bulk (programme.core.bulk)."""
    lengths = {len(values) for values in columns.values() if not isinstance(values, Constant)}
    total = max(lengths, default=0)
    for start in range(0, total, PROGRESS_ROWS):
        stop = min(total, start + PROGRESS_ROWS)
        chunk = {
            name: values if isinstance(values, Constant) else values[start:stop] for name, values in columns.items()
        }
        write_columns(session, table.name, chunk)
        if progress:
            progress(stop / total)


def _as_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Return rows (dicts with the same keys) as one list a column."""
    if not rows:
        return {}
    return {name: [row[name] for row in rows] for name in rows[0]}


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK_ROWS):
        yield items[start : start + CHUNK_ROWS]

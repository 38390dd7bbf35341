"""Merge two records of the same person: everything that points at the removed record moves to the kept one.

Participations move; where both records took part in the same module, the kept participation stays and takes
the attendance of both (a day is present when either record has it). Group memberships, sessions led, next
steps' focal points, network memberships, outcomes, evaluation responses and any other row with a person
foreign key move too (a row the kept record already has is not doubled). The kept record's blank fields are
filled from the removed one; its name stays. One audit entry says which record was merged into which.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from programme import summaries
from programme.access import audit
from programme.access.accounts import SignedIn
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.core.words import counted
from programme.importing.write import ATTENDANCE_FIELD
from programme.models import (
    AttendanceDay,
    AuditEntry,
    Group,
    ImportUpdate,
    Module,
    Participation,
    ParticipationRole,
    Person,
)
from programme.models.base import utcnow
from programme.planning.agenda import module_days
from programme.planning.attendance import completion_rule, is_completed

# Tables keyed by (something, person_id): a row the kept record already has is not doubled.
_PAIRED = {
    "group_member": "group_id",
    "session_facilitator": "session_id",
    "action_focal_point": "action_item_id",
    "network_member": "network_id",
}
# Fields of the kept record filled from the removed one when blank (the name stays the kept record's).
FILLED = (
    "nationality",
    "country_of_work",
    "organisation_id",
    "position",
    "email",
    "phone",
    "languages",
    "expertise",
    "notes",
)
CONSENT = (
    "consent_listed",
    "consent_email",
    "consent_phone",
    "consent_organisation",
    "consent_photo",
    "consent_date",
    "consent_source",
)


# What each table's rows are, in the users' words (the page's preview and the audit summary).
ROW_WORDS = {
    "participation": "participations",
    "group_member": "group memberships",
    "session_facilitator": "sessions led",
    "action_focal_point": "next steps as focal point",
    "network_member": "network memberships",
    "outcome": "outcomes",
    "evaluation_response": "evaluation responses",
    "import_update": "import records",
}


@dataclass
class MergeResult:
    """What a merge moved: rows by table, the modules both records took part in, the fields filled."""

    kept: int
    removed: int
    moved: dict[str, int] = field(default_factory=dict)
    combined_modules: list[int] = field(default_factory=list)
    role_differs: list[int] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    # Fields both records give, differently: the kept record's value stays, the removed one's goes (with the record;
    # the audit entry's "before" keeps it).
    dropped: list[str] = field(default_factory=list)
    consent_from_removed: bool = False
    # The removed record's places in groups of an exercise (a module's, or one agenda session's) in which the kept
    # record has a group already: one person is in one group of an exercise, the kept record's.
    groups_dropped: int = 0

    def moved_words(self) -> str:
        """Return "2 participations, 1 outcome" (what moves, in the users' words), or "nothing"."""
        moved = [f"{n} {ROW_WORDS.get(table, table.replace('_', ' '))}" for table, n in sorted(self.moved.items()) if n]
        return ", ".join(moved) or "nothing"

    def summary(self) -> str:
        """One sentence, without names, for the audit trail and the page."""
        parts = [f"person #{self.removed} merged into #{self.kept}", f"moved: {self.moved_words()}"]
        if self.combined_modules:
            parts.append(f"{counted(len(self.combined_modules), 'module')} in both records: attendance combined")
        if self.role_differs:
            parts.append(
                f"{counted(len(self.role_differs), 'module')} with another role on the removed record: kept's role kept"
            )
        if self.filled:
            parts.append(f"blank fields filled: {', '.join(self.filled)}")
        if self.dropped:
            parts.append(f"the removed record's other {', '.join(self.dropped)} not kept")
        if self.consent_from_removed:
            parts.append("consent taken from the removed record (recorded later)")
        if self.groups_dropped:
            parts.append(
                f"{counted(self.groups_dropped, 'group membership')} of the removed record not kept: the kept record is in "
                "another group of the same exercise"
            )
        return "; ".join(parts)


def person_references() -> list[tuple[sa.Table, sa.Column]]:
    """Return every (table, column) with a foreign key to person."""
    return [
        (table, column)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if any(key.column.table.name == "person" for key in column.foreign_keys)
    ]


def _people(session: Session, keep_id: int, remove_id: int) -> tuple[Person, Person]:
    if keep_id == remove_id:
        raise ProgrammeError("Choose two different records to merge.")
    found = []
    for person_id in (keep_id, remove_id):
        person = session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise NotFound(f"There is no person with id {person_id} (or their record was erased).")
        found.append(person)
    return found[0], found[1]


def merge_people(
    session: Session, *, keep_id: int, remove_id: int, by: SignedIn | str | None, dry_run: bool = False
) -> MergeResult:
    """Merge record remove_id into keep_id and return what moved; with dry_run, only say what would move.

    by: the signed-in user (who needs to be able to edit), or the command line's name for itself.
    """
    if isinstance(by, SignedIn) and not by.can_edit:
        raise PermissionDenied("Only facilitators and administrators can merge people's records.")
    keep, remove = _people(session, keep_id, remove_id)
    result = MergeResult(kept=keep_id, removed=remove_id)
    _participations(session, result, dry_run)
    for table, column in person_references():
        if table.name == "participation":
            continue
        if table.name == "import_update":
            _import_updates(session, result, dry_run)
        elif table.name in _PAIRED:
            _paired(session, table, _PAIRED[table.name], result, dry_run)
        else:
            rows = sa.select(sa.func.count()).select_from(table).where(column == remove_id)
            result.moved[table.name] = int(session.scalar(rows) or 0)
            if not dry_run:
                session.execute(sa.update(table).where(column == remove_id).values({column.name: keep_id}))
    if not dry_run:
        summaries.touch(session, people=[keep_id, remove_id])  # rows moved in bulk above
    before = {"kept": _fields(keep), "removed": _fields(remove)}
    _fill(keep, remove, result)
    if dry_run:
        session.expire_all()  # nothing above wrote; forget the filled fields
        return result
    email = remove.email
    remove.email = None  # e-mail is unique: free it before the kept record takes it
    session.flush()
    if "email" in result.filled:
        keep.email = email
    keep.updated_at = utcnow()
    session.add(keep)
    # Earlier audit entries about the removed record now describe the kept one (erasing it clears them too).
    session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.entity == "person", AuditEntry.entity_id == remove_id)
        .values(entity_id=keep_id)
    )
    session.delete(remove)
    session.flush()
    audit.record(
        session,
        action="merge",
        username=by.username if isinstance(by, SignedIn) else by,
        entity="person",
        entity_id=keep_id,
        summary=result.summary(),
        before=before,
        after={"kept": _fields(keep), "result": asdict(result)},
    )
    return result


def _fields(person: Person) -> dict[str, Any]:
    names = ("full_name", "gender", "organisation_id", *FILLED, *CONSENT)
    return {name: getattr(getattr(person, name), "value", getattr(person, name)) for name in dict.fromkeys(names)}


def _fill(keep: Person, remove: Person, result: MergeResult) -> None:
    for name in FILLED:
        kept, removed = getattr(keep, name), getattr(remove, name)
        if kept in (None, "") and removed not in (None, ""):
            result.filled.append(name)
            if name != "email":  # set after the removed record lets go of it
                setattr(keep, name, removed)
        elif removed not in (None, "") and str(kept).strip().casefold() != str(removed).strip().casefold():
            result.dropped.append(name)
    if str(keep.gender) == "undisclosed" and str(remove.gender) != "undisclosed":
        result.filled.append("gender")
        keep.gender = remove.gender
    # Consent: the later record of it (a record with none takes the other's).
    if remove.consent_date is not None and (keep.consent_date is None or remove.consent_date > keep.consent_date):
        result.consent_from_removed = True
        for name in CONSENT:
            setattr(keep, name, getattr(remove, name))


def _participations(session: Session, result: MergeResult, dry_run: bool) -> None:
    kept = {
        p.module_id: p for p in session.scalars(sa.select(Participation).where(Participation.person_id == result.kept))
    }
    removed = list(session.scalars(sa.select(Participation).where(Participation.person_id == result.removed)))
    result.moved["participation"] = sum(1 for p in removed if p.module_id not in kept)
    for other in removed:
        mine = kept.get(other.module_id)
        if mine is None:
            if not dry_run:
                other.person_id = result.kept
                session.add(other)
            continue
        result.combined_modules.append(other.module_id)
        if mine.role != other.role:
            result.role_differs.append(other.module_id)
        if not dry_run:
            _combine(session, mine, other)
    session.flush()


def _days(session: Session, participation_id: int) -> dict[int, bool]:
    query = sa.select(AttendanceDay.day, AttendanceDay.present).where(
        AttendanceDay.participation_id == participation_id
    )
    return {int(day): bool(present) for day, present in session.execute(query)}


def _combine(session: Session, mine: Participation, other: Participation) -> None:
    """Give the kept participation the attendance of both: a day is present when either record has it."""
    my_days, other_days = _days(session, mine.id), _days(session, other.id)
    for day, present in other_days.items():
        if present and not my_days.get(day, False):
            mark = session.get(AttendanceDay, (mine.id, day))
            if mark is None:
                session.add(AttendanceDay(participation_id=mine.id, day=day, present=True))
            else:
                mark.present = True
            my_days[day] = True
    mine.attended = bool(mine.attended or other.attended)
    if my_days:
        mine.days_attended = sum(my_days.values())
    elif mine.days_attended is None or (other.days_attended or 0) > mine.days_attended:
        mine.days_attended = other.days_attended if other.days_attended is not None else mine.days_attended
    if mine.pre_test_score is None:
        mine.pre_test_score = other.pre_test_score
    if mine.post_test_score is None:
        mine.post_test_score = other.post_test_score
    if my_days and mine.role == ParticipationRole.PARTICIPANT:
        module = session.get(Module, mine.module_id)
        mine.completed = is_completed(
            completion_rule(session),
            attended=mine.attended,
            days_attended=mine.days_attended,
            module_days=module_days(module),
        )
    else:  # no day-by-day record to go by: either record's completion stands
        mine.completed = bool(mine.completed or other.completed)
    session.add(mine)
    session.execute(sa.delete(AttendanceDay).where(AttendanceDay.participation_id == other.id))
    session.delete(other)


def _paired(session: Session, table: sa.Table, other_key: str, result: MergeResult, dry_run: bool) -> None:
    person, key = table.c.person_id, table.c[other_key]
    mine = sa.select(key).where(person == result.kept).scalar_subquery()
    doubled = sa.and_(person == result.removed, key.in_(mine))
    moving = sa.and_(person == result.removed, key.not_in(mine))
    if table.name == "group_member":
        # Two records of one person in two groups of one exercise: the kept record's group stays, not both.
        clash = sa.and_(moving, _in_another_group_of_the_exercise(table, result.kept))
        result.groups_dropped = int(session.scalar(sa.select(sa.func.count()).select_from(table).where(clash)) or 0)
        doubled, moving = (
            sa.or_(doubled, clash),
            sa.and_(moving, sa.not_(_in_another_group_of_the_exercise(table, result.kept))),
        )
    result.moved[table.name] = int(session.scalar(sa.select(sa.func.count()).select_from(table).where(moving)) or 0)
    if dry_run:
        return
    if table.name == "network_member":  # the earlier joining date of the two
        for network_id, joined in session.execute(sa.select(key, table.c.joined_on).where(doubled)).all():
            if joined is not None:
                earlier = sa.case(
                    (table.c.joined_on.is_(None), joined), (table.c.joined_on > joined, joined), else_=table.c.joined_on
                )
                session.execute(
                    sa.update(table).where(person == result.kept, key == network_id).values(joined_on=earlier)
                )
    # Bulk statements: both people's figures (sessions led, groups...) are refreshed at commit.
    summaries.touch(session, people=[result.kept, result.removed])
    session.execute(sa.delete(table).where(doubled))
    session.execute(sa.update(table).where(moving).values(person_id=result.kept))


def _in_another_group_of_the_exercise(table: sa.Table, kept: int) -> sa.ColumnElement[bool]:
    """A group_member row whose group is of a module (and agenda session) in which `kept` is in another group."""
    theirs, other, kept_row = Group.__table__.alias("theirs"), Group.__table__.alias("other"), table.alias("kept_row")
    return (
        sa.exists()
        .where(
            theirs.c.id == table.c.group_id,
            kept_row.c.person_id == kept,
            other.c.id == kept_row.c.group_id,
            other.c.id != theirs.c.id,
            other.c.module_id == theirs.c.module_id,
            other.c.session_id.is_not_distinct_from(theirs.c.session_id),
        )
        .correlate(table)
    )


def _import_updates(session: Session, result: MergeResult, dry_run: bool) -> None:
    """Attendance an import recorded follows its participation; blanks it filled on the removed record go with it."""
    attendance = sa.and_(ImportUpdate.person_id == result.removed, ImportUpdate.field == ATTENDANCE_FIELD)
    count = sa.select(sa.func.count()).select_from(ImportUpdate).where(attendance)
    result.moved["import_update"] = int(session.scalar(count) or 0)
    if dry_run:
        return
    session.execute(sa.update(ImportUpdate).where(attendance).values(person_id=result.kept))
    session.execute(sa.delete(ImportUpdate).where(ImportUpdate.person_id == result.removed))

"""A module's agenda: the sessions by day, and the operations that add, change, move and reorder them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core import edits
from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import counted
from programme.courses.catalogue import get_module_by_id
from programme.models import AgendaSession, Module, Person, SessionFacilitator, SessionPersonRole, SessionTopic, Topic
from programme.people.names import by_name, clean_text
from programme.planning.methods import checked_method, own_methods
from programme.planning.people import PeopleFinder, topics_by_name
from programme.planning.planned import AGENDA_COLUMNS, PlannedSession, ends_before_start, planned_from_frame
from programme.planning.times import TimeNotRead, read_time

# How people are listed in one grid cell.
NAME_JOIN = "; "


@dataclass
class SaveResult:
    """What saving a grid changed."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    people_created: int = 0
    # Evaluation questions that name a session and were tied to it by this save (their ratings now count for it).
    questions_tied: int = 0


def saved_sentence(result: SaveResult) -> str:
    """Say what an agenda save did: "Saved: 2 added, 0 kept or changed, 0 removed.", and the evaluation questions it
    tied to the sessions they name, whose ratings now count in those sessions' figures."""
    sentence = f"Saved: {result.created} added, {result.updated} kept or changed, {result.deleted} removed."
    if result.questions_tied == 1:
        sentence += (
            " 1 evaluation question names a session of this agenda and is now tied to it: its ratings count in that"
            " session's figures."
        )
    elif result.questions_tied:
        sentence += (
            f" {result.questions_tied} evaluation questions name sessions of this agenda and are now tied to them:"
            " their ratings count in those sessions' figures."
        )
    if result.questions_tied:
        sentence += " A question that is not about its session can be untied under Forms and entry › Form."
    return sentence


def module_days(module: Module) -> int:
    """Return how many calendar days the module runs."""
    return (module.end_date - module.start_date).days + 1


def session_date(module: Module, day: int) -> date:
    """Return the calendar date of day N of a module (day 1 is the start date)."""
    return module.start_date + timedelta(days=day - 1)


def minutes(start: time, end: time) -> int:
    """Return the minutes between two times of the same day."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def agenda_table(session: Session, module_id: int) -> pd.DataFrame:
    """Return the module's sessions in AGENDA_COLUMNS, by day, start time and position."""
    sessions = list(
        session.scalars(
            sa.select(AgendaSession)
            .where(AgendaSession.module_id == module_id)
            .order_by(AgendaSession.day, AgendaSession.start_time, AgendaSession.position, AgendaSession.id)
        )
    )
    ids = [s.id for s in sessions]
    topics = _topics_of(session, ids)
    people = _people_of(session, ids)
    rows = [
        {
            "id": s.id,
            "day": s.day,
            "start": s.start_time,
            "end": s.end_time,
            "title": s.title,
            "method": s.method,
            "room": s.room or "",
            "topics": "; ".join(topics.get(s.id, [])),
            "facilitators": NAME_JOIN.join(people.get((s.id, SessionPersonRole.FACILITATOR), [])),
            "resource_persons": NAME_JOIN.join(people.get((s.id, SessionPersonRole.RESOURCE_PERSON), [])),
            "notes": s.notes or "",
            "materials_url": s.materials_url or "",
        }
        for s in sessions
    ]
    frame = pd.DataFrame(rows, columns=AGENDA_COLUMNS)
    frame["id"] = frame["id"].astype("Int64")
    frame["day"] = frame["day"].astype("Int64")
    return frame


def _topics_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if ids:
        query = (
            sa.select(SessionTopic.session_id, Topic.name)
            .join(Topic, Topic.id == SessionTopic.topic_id)
            .where(SessionTopic.session_id.in_(ids))
        )
        for session_id, name in session.execute(query):
            found.setdefault(session_id, []).append(name)
    return {session_id: by_name(names) for session_id, names in found.items()}


def _people_of(session: Session, ids: Sequence[int]) -> dict[tuple[int, SessionPersonRole], list[str]]:
    found: dict[tuple[int, SessionPersonRole], list[str]] = {}
    if ids:
        query = (
            sa.select(SessionFacilitator.session_id, SessionFacilitator.role, Person.full_name)
            .join(Person, Person.id == SessionFacilitator.person_id)
            .where(SessionFacilitator.session_id.in_(ids))
            .order_by(Person.sort_name)
        )
        for session_id, role, name in session.execute(query):
            found.setdefault((session_id, SessionPersonRole(role)), []).append(name)
    return found


def planned_from_database(session: Session, module_id: int) -> list[PlannedSession]:
    """Return the module's saved sessions as planned sessions (for checks)."""
    saved = agenda_table(session, module_id)
    planned, _ = planned_from_frame(saved, saved["method"].unique())  # every saved method, the own ones too
    return planned


def known_methods(session: Session, module_id: int) -> list[str]:
    """Return the methods a grid of this module may hold: the organisation's own and any already on its agenda."""
    used = session.scalars(sa.select(AgendaSession.method).where(AgendaSession.module_id == module_id).distinct())
    return list(dict.fromkeys([*own_methods(session), *used]))


# The grid's columns, as a refusal names them.
AGENDA_LABELS = {
    "day": "Day",
    "start": "Start",
    "end": "End",
    "title": "Session",
    "method": "Method",
    "room": "Room",
    "topics": "Topics",
    "facilitators": "Facilitators",
    "resource_persons": "Resource persons",
    "notes": "Notes",
    "materials_url": "Materials",
}


def _grid_cell(column: str, value: object) -> object:
    if column in ("start", "end"):
        try:
            return read_time(value) or value
        except TimeNotRead:
            return value
    return value or None if isinstance(value, str) else value


def save_agenda_frame(
    session: Session, *, module_id: int, frame: pd.DataFrame, by: str | None, opened: pd.DataFrame | None = None
) -> SaveResult:
    """Apply the edited grid to the module's agenda in one go and return the counts; refuse any invalid row.

    Rows with an id update that session, rows without one are new, and saved sessions missing from the
    grid are deleted. Nothing is written when a row has an error (the caller's transaction rolls back).

    opened: the rows as the grid showed them when it was drawn. Then the grid's own changes are applied, in this
    transaction, to the agenda as saved now (a colleague's cells, rows added and rows removed meanwhile stay), and a
    cell that someone else also changed since, to another value, saves nothing (GridConflict names the sessions).
    """
    module = get_module_by_id(session, module_id)
    if opened is not None:
        grid = edits.GridEdits(session)
        frame = edits.grid_onto_now(
            grid,
            opened=opened,
            typed=frame,
            now=agenda_table(session, module.id),
            id_column="id",
            what=lambda row: f"the session “{row.get('title') or ''}” (day {row.get('day')})",
            entity="agenda",
            entity_id=lambda _row: module.id,
            labels=AGENDA_LABELS,
            read=_grid_cell,
        )
        grid.check()
    planned, errors = planned_from_frame(frame, known_methods(session, module_id))
    if errors:
        first = errors[0]
        raise ProgrammeError(
            f"{counted(len(errors), 'problem')} in the agenda; nothing was saved. Row {first.row}, {first.column}: "
            f"{first.message}"
        )
    existing = {s.id: s for s in session.scalars(sa.select(AgendaSession).where(AgendaSession.module_id == module.id))}
    unknown = [p.row for p in planned if p.session_id is not None and p.session_id not in existing]
    if unknown:
        raise ProgrammeError(f"Row {unknown[0]} is a session of another module; reload the agenda and try again.")
    result = SaveResult()
    finder = PeopleFinder(session)
    kept = {p.session_id for p in planned if p.session_id is not None}
    for session_id, agenda_session in existing.items():
        if session_id not in kept:
            session.delete(agenda_session)
            result.deleted += 1
    session.flush()
    for position, item in enumerate(sorted(planned, key=lambda p: (p.day, p.start, p.row))):
        target = existing.get(item.session_id) if item.session_id else None
        if target is None:
            target = AgendaSession(module_id=module.id, start_time=item.start, end_time=item.end, title=item.title)
            session.add(target)
            result.created += 1
        else:
            result.updated += 1
        write_planned(session, target, item, position=position, finder=finder)
    result.people_created = len(finder.created)
    # An evaluation imported before the agenda gets its session ratings.
    result.questions_tied = link_evaluation_questions(session, module.id)
    audit.record(
        session,
        action="update",
        username=by,
        entity="agenda",
        entity_id=module.id,
        summary=f"module {module.id} agenda: {result.created} added, {result.updated} kept or changed, "
        f"{result.deleted} deleted, {result.people_created} new people",
    )
    return result


def link_evaluation_questions(session: Session, module_id: int) -> int:
    """After a change to the module's agenda, tie its evaluation questions that name a session to it
    (programme.evaluations.forms.link_questions; imported here, as evaluations reads planning's modules)."""
    from programme.evaluations.forms import link_questions

    return link_questions(session, module_id)


def write_planned(
    session: Session,
    target: AgendaSession,
    item: PlannedSession,
    *,
    position: int,
    finder: PeopleFinder,
    import_batch_id: int | None = None,
) -> None:
    """Copy a planned session onto a database row, with its topics and people."""
    target.day, target.start_time, target.end_time = item.day, item.start, item.end
    target.title, target.method, target.room = item.title, item.method, item.room
    target.notes, target.materials_url, target.position = item.notes, item.materials_url, position
    session.flush()
    session.execute(sa.delete(SessionTopic).where(SessionTopic.session_id == target.id))
    for topic in topics_by_name(session, item.topics):
        session.add(SessionTopic(session_id=target.id, topic_id=topic.id))
    # A bulk delete: the module's session and facilitator figures move with it.
    summaries.touch(session, modules=[target.module_id])
    session.execute(sa.delete(SessionFacilitator).where(SessionFacilitator.session_id == target.id))
    seen: set[int] = set()
    for names, role in (
        (item.facilitators, SessionPersonRole.FACILITATOR),
        (item.resource_persons, SessionPersonRole.RESOURCE_PERSON),
    ):
        for name in names:
            person = finder.find_or_create(name, import_batch_id=import_batch_id)
            if person.id not in seen:  # one role per person and session; facilitator wins
                seen.add(person.id)
                session.add(SessionFacilitator(session_id=target.id, person_id=person.id, role=role))
    session.flush()


def add_session(
    session: Session,
    *,
    module_id: int,
    day: int,
    start: time,
    end: time,
    title: str,
    method: str = "",
    room: str | None = None,
    notes: str | None = None,
    topics: Iterable[str] = (),
    facilitators: Iterable[str] = (),
    resource_persons: Iterable[str] = (),
    by: str | None,
) -> AgendaSession:
    """Add one session to a module's agenda and return it; no method gives the default (see methods.default_method)."""
    module = get_module_by_id(session, module_id)
    if day < 1:
        raise ProgrammeError("The day must be 1 or later.")
    if end <= start:
        raise ProgrammeError(ends_before_start(start, end))
    if not clean_text(title):
        raise ProgrammeError("The session needs a title.")
    item = PlannedSession(
        row=0,
        day=day,
        start=start,
        end=end,
        title=clean_text(title)[:300],
        method=checked_method(session, method, title=title),
        room=clean_text(room) or None,
        notes=clean_text(notes) or None,
        topics=list(topics),
        facilitators=list(facilitators),
        resource_persons=list(resource_persons),
    )
    target = AgendaSession(module_id=module.id, start_time=start, end_time=end, title=item.title)
    session.add(target)
    write_planned(session, target, item, position=_next_position(session, module.id), finder=PeopleFinder(session))
    link_evaluation_questions(session, module.id)
    audit.record(
        session,
        action="create",
        username=by,
        entity="agenda_session",
        entity_id=target.id,
        summary=f"session on day {day} of module {module.id}",
    )
    return target


def _next_position(session: Session, module_id: int) -> int:
    highest = session.scalar(sa.select(sa.func.max(AgendaSession.position)).where(AgendaSession.module_id == module_id))
    return (highest or 0) + 1


def _get_session(session: Session, session_id: int) -> AgendaSession:
    found = session.get(AgendaSession, session_id)
    if found is None:
        raise NotFound("That session no longer exists; reload the agenda.")
    return found


def delete_session(session: Session, *, session_id: int, by: str | None) -> None:
    """Remove a session from its agenda (its topics and facilitators go with it)."""
    target = _get_session(session, session_id)
    audit.record(
        session,
        action="delete",
        username=by,
        entity="agenda_session",
        entity_id=target.id,
        summary=f"session on day {target.day} of module {target.module_id}",
        before={"title": target.title},
    )
    session.delete(target)
    session.flush()


def move_session(session: Session, *, session_id: int, day: int, by: str | None) -> AgendaSession:
    """Move a session to another day, keeping its times, and return it."""
    if day < 1:
        raise ProgrammeError("The day must be 1 or later.")
    target = _get_session(session, session_id)
    before = target.day
    target.day = day
    target.position = _next_position(session, target.module_id)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="agenda_session",
        entity_id=target.id,
        summary=f"moved from day {before} to day {day}",
    )
    return target


def reorder_day(session: Session, *, module_id: int, day: int, ordered_ids: Sequence[int], by: str | None) -> None:
    """Put a day's sessions in a new order: each takes the time slot of the session that stood in its place."""
    sessions = {
        s.id: s
        for s in session.scalars(
            sa.select(AgendaSession).where(AgendaSession.module_id == module_id, AgendaSession.day == day)
        )
    }
    if sorted(ordered_ids) != sorted(sessions):
        raise ProgrammeError(f"The new order must list every session of day {day} once; reload the agenda.")
    slots = sorted((s.start_time, s.end_time, s.position) for s in sessions.values())
    for (start, end, position), session_id in zip(slots, ordered_ids, strict=True):
        moved = sessions[session_id]
        moved.start_time, moved.end_time, moved.position = start, end, position
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="agenda",
        entity_id=module_id,
        summary=f"day {day} reordered ({len(ordered_ids)} sessions)",
    )


def day_order(frame: pd.DataFrame, session_id: int) -> list[int]:
    """Return the ids of the sessions on the same day as session_id, in the order the agenda table lists them."""
    day = frame.loc[frame["id"] == session_id, "day"].iloc[0]
    return frame.loc[frame["day"] == day, "id"].astype(int).tolist()


def swap_places(order: Sequence[int], session_id: int, step: int) -> list[int] | None:
    """Return the order with session_id swapped with its neighbour `step` places away (-1 earlier, +1 later);
    None when there is no such neighbour (the first session cannot move earlier)."""
    position = list(order).index(session_id)
    target = position + step
    if not 0 <= target < len(order):
        return None
    swapped = list(order)
    swapped[position], swapped[target] = swapped[target], swapped[position]
    return swapped

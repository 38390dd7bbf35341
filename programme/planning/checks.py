"""Warnings before an agenda is saved: clashes in a room, facilitators in two places, dates, long days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.words import counted
from programme.courses.catalogue import module_label
from programme.models import AgendaSession, Course, Module, Person, SessionFacilitator
from programme.people.names import fold, name_key
from programme.planning.agenda import get_module_by_id, minutes, module_days, session_date
from programme.planning.methods import is_training
from programme.planning.people import PeopleFinder
from programme.planning.planned import PlannedSession

# A day of sessions longer than this (first start to last end) tires participants out; planners asked for
# a warning rather than a rule, since a visit day sometimes runs late on purpose.
LONG_DAY_HOURS = 9
NO_ROOM = "(no room given)"


@dataclass(frozen=True)
class AgendaWarning:
    """Something a planner should look at before saving; saving is still allowed."""

    kind: str  # room clash | double booking | outside dates | long day
    day: int
    message: str


def check_agenda(session: Session, *, module_id: int, planned: list[PlannedSession]) -> list[AgendaWarning]:
    """Return the warnings for a module's planned sessions, ordered by day."""
    module = get_module_by_id(session, module_id)
    warnings = (
        room_clashes(planned)
        + double_bookings_within(planned)
        + double_bookings_across(session, module, planned)
        + outside_dates(module, planned)
        + long_days(planned)
    )
    return sorted(warnings, key=lambda w: (w.day, w.kind))


def _slot(item: PlannedSession) -> str:
    return f"{item.start:%H:%M}–{item.end:%H:%M}"


def _pairs(planned: list[PlannedSession]):
    """Yield each pair of sessions on the same day whose times overlap."""
    ordered = sorted(planned, key=lambda p: (p.day, p.start, p.row))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            # Sorted by start: once a later session is on another day or starts after this one ends, stop.
            if second.day != first.day or second.start >= first.end:
                break
            yield first, second


def room_clashes(planned: list[PlannedSession]) -> list[AgendaWarning]:
    """Return a warning for each pair of sessions in the same room whose times overlap on the same day."""
    warnings = []
    for first, second in _pairs(planned):
        if fold(first.room or "") == fold(second.room or ""):
            room = first.room or NO_ROOM
            warnings.append(
                AgendaWarning(
                    "room clash",
                    first.day,
                    f"Day {first.day}, {room}: '{first.title}' ({_slot(first)}) overlaps "
                    f"'{second.title}' ({_slot(second)}).",
                )
            )
    return warnings


def double_bookings_within(planned: list[PlannedSession]) -> list[AgendaWarning]:
    """Return a warning for each person leading two overlapping sessions of the same module."""
    warnings = []
    for first, second in _pairs(planned):
        second_keys = {name_key(n) for n in second.people}
        for name in first.people:
            if name_key(name) in second_keys:
                warnings.append(
                    AgendaWarning(
                        "double booking",
                        first.day,
                        f"Day {first.day}: {name} leads both '{first.title}' ({_slot(first)}) and "
                        f"'{second.title}' ({_slot(second)}).",
                    )
                )
    return warnings


def double_bookings_across(session: Session, module: Module, planned: list[PlannedSession]) -> list[AgendaWarning]:
    """Return a warning for each person booked in another module's session at the same date and time."""
    finder = PeopleFinder(session)
    wanted: dict[int, str] = {}
    people_of: list[set[int]] = []
    for item in planned:
        ids = set()
        for name in item.people:
            person = finder.find(name)
            if person is not None:
                wanted[person.id] = name
                ids.add(person.id)
        people_of.append(ids)
    if not wanted:
        return []
    warnings = []
    for other in _other_bookings(session, module, list(wanted)):
        for item, ids in zip(planned, people_of, strict=True):
            same_time = session_date(module, item.day) == other.date and _overlap_times(item, other)
            if same_time and other.person_id in ids:
                warnings.append(
                    AgendaWarning(
                        "double booking",
                        item.day,
                        f"Day {item.day} ({other.date:%d %b %Y}): {wanted[other.person_id]} leads '{item.title}' "
                        f"({_slot(item)}) but is also booked for '{other.title}' in {other.module} "
                        f"({other.start:%H:%M}–{other.end:%H:%M}).",
                    )
                )
    return warnings


def _overlap_times(item: PlannedSession, other: _Booking) -> bool:
    return item.start < other.end and other.start < item.end


@dataclass(frozen=True)
class _Booking:
    person_id: int
    date: date
    start: time
    end: time
    title: str
    module: str


def _other_bookings(session: Session, module: Module, person_ids: list[int]) -> list[_Booking]:
    """Return these people's sessions in other modules that run during this module's dates."""
    # A session's real date is its module's start date plus (day - 1); only modules whose dates touch
    # this module's can clash, so the query narrows on dates before computing each session's date.
    query = (
        sa.select(
            SessionFacilitator.person_id,
            AgendaSession.day,
            AgendaSession.start_time,
            AgendaSession.end_time,
            AgendaSession.title,
            Module.start_date,
            Module.number,
            Module.city,
            Course.code,
        )
        .join(AgendaSession, AgendaSession.id == SessionFacilitator.session_id)
        .join(Module, Module.id == AgendaSession.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(Person, Person.id == SessionFacilitator.person_id)
        .where(
            SessionFacilitator.person_id.in_(person_ids),
            Module.id != module.id,
            Module.start_date <= module.end_date,
            Module.end_date >= module.start_date,
        )
    )
    bookings = []
    for row in session.execute(query):
        day_date = date.fromordinal(row.start_date.toordinal() + row.day - 1)
        label = module_label(row.code, row.number, row.start_date, row.city)
        bookings.append(_Booking(row.person_id, day_date, row.start_time, row.end_time, row.title, label))
    return bookings


def outside_dates(module: Module, planned: list[PlannedSession]) -> list[AgendaWarning]:
    """Return a warning for each session on a day after the module's last day."""
    last = module_days(module)
    return [
        AgendaWarning(
            "outside dates",
            item.day,
            f"'{item.title}' is on day {item.day}, but the module runs {counted(last, 'day')}, "
            f"{module.start_date:%d %b} to {module.end_date:%d %b %Y}.",
        )
        for item in planned
        if item.day > last
    ]


def long_days(planned: list[PlannedSession], limit_hours: float = LONG_DAY_HOURS) -> list[AgendaWarning]:
    """Return a warning for each day whose sessions span more than limit_hours from first start to last end.

    Breaks and meals do not lengthen a day: a welcome dinner after the last session is not a training day's end.
    """
    warnings = []
    training = [p for p in planned if is_training(p.method)]
    for day in sorted({p.day for p in training}):
        items = [p for p in training if p.day == day]
        first, last = min(p.start for p in items), max(p.end for p in items)
        span = minutes(first, last)
        if span > limit_hours * 60:
            warnings.append(
                AgendaWarning(
                    "long day",
                    day,
                    f"Day {day} runs {span // 60} h {span % 60:02d} min ({first:%H:%M}–{last:%H:%M}), "
                    f"longer than {limit_hours:g} hours.",
                )
            )
    return warnings

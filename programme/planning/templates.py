"""Reusing what worked: a module's agenda copied from an earlier one, and the library of session designs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import counted
from programme.courses.catalogue import add_module
from programme.models import AgendaSession, Course, Module, SessionDesign, SessionFacilitator, SessionTopic, Topic
from programme.people.names import clean_text, fold
from programme.planning.agenda import add_session, get_module_by_id, link_evaluation_questions, minutes, module_days
from programme.planning.methods import checked_method
from programme.planning.people import topic_names


def copy_agenda(
    session: Session,
    *,
    source_module_id: int,
    target_module_id: int,
    keep_facilitators: bool,
    by: str | None,
) -> int:
    """Copy an earlier module's sessions onto an empty module's agenda and return how many were copied.

    Sessions keep their day numbers, so they land on the new module's dates; facilitators are kept or
    cleared (a later module often has new resource persons).
    """
    source = get_module_by_id(session, source_module_id)
    target = get_module_by_id(session, target_module_id)
    if source.id == target.id:
        raise ProgrammeError("Pick an earlier module to copy from, not the module itself.")
    already = session.scalar(sa.select(sa.func.count()).where(AgendaSession.module_id == target.id))
    if already:
        raise ProgrammeError(
            f"This module already has {counted(already, 'session')}; copy an agenda only into a module with an empty agenda."
        )
    originals = list(
        session.scalars(
            sa.select(AgendaSession)
            .where(AgendaSession.module_id == source.id)
            .order_by(AgendaSession.day, AgendaSession.start_time, AgendaSession.position)
        )
    )
    for position, original in enumerate(originals):
        copy = AgendaSession(
            module_id=target.id,
            day=original.day,
            start_time=original.start_time,
            end_time=original.end_time,
            title=original.title,
            method=original.method,
            room=original.room,
            notes=original.notes,
            materials_url=original.materials_url,
            position=position,
        )
        session.add(copy)
        session.flush()
        _copy_links(session, original.id, copy.id, keep_facilitators=keep_facilitators)
    link_evaluation_questions(session, target.id)  # an evaluation imported before the agenda gets its session ratings
    audit.record(
        session,
        action="create",
        username=by,
        entity="agenda",
        entity_id=target.id,
        summary=f"{len(originals)} sessions copied from module {source.id}"
        + (" with facilitators" if keep_facilitators else " without facilitators"),
    )
    return len(originals)


def _copy_links(session: Session, source_id: int, target_id: int, *, keep_facilitators: bool) -> None:
    for topic_id in session.scalars(sa.select(SessionTopic.topic_id).where(SessionTopic.session_id == source_id)):
        session.add(SessionTopic(session_id=target_id, topic_id=topic_id))
    if keep_facilitators:
        for link in session.scalars(sa.select(SessionFacilitator).where(SessionFacilitator.session_id == source_id)):
            session.add(SessionFacilitator(session_id=target_id, person_id=link.person_id, role=link.role))


def module_from_earlier(
    session: Session,
    *,
    source_module_id: int,
    course_code: str,
    number: int,
    start: date,
    title: str | None = None,
    city: str | None = None,
    country: str | None = None,
    keep_facilitators: bool = True,
    by: str | None,
) -> Module:
    """Create a module as long as an earlier one, starting on `start`, with the earlier agenda; return it."""
    source = get_module_by_id(session, source_module_id)
    module = add_module(
        session,
        course_code=course_code,
        number=number,
        title=title or f"Module {number}",
        start=start,
        end=start + timedelta(days=module_days(source) - 1),
        city=city if city is not None else source.city,
        country=country if country is not None else source.country,
        venue=source.venue,
        focus=source.focus,
        by=by,
    )
    module.objectives = source.objectives
    copy_agenda(
        session, source_module_id=source.id, target_module_id=module.id, keep_facilitators=keep_facilitators, by=by
    )
    return module


def earlier_modules(session: Session, module_id: int, *, limit: int | None = None) -> pd.DataFrame:
    """Return the modules that have an agenda to copy, newest first (excluding this one); limit keeps that many."""
    has_agenda = sa.select(AgendaSession.id).where(AgendaSession.module_id == Module.id).exists()
    # Counted per module listed (an index look-up), so that the newest few do not count every agenda.
    sessions = (
        sa.select(sa.func.count(AgendaSession.id))
        .where(AgendaSession.module_id == Module.id)
        .correlate(Module)
        .scalar_subquery()
    )
    query = (
        sa.select(Module.id, Course.code, Module.number, Module.start_date, Module.city, sessions.label("sessions"))
        .join(Course, Course.id == Module.course_id)
        .where(Module.id != module_id, has_agenda)
        .order_by(Module.start_date.desc(), Module.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return pd.DataFrame(
        session.execute(query).mappings().all(), columns=["id", "code", "number", "start_date", "city", "sessions"]
    )


def designs_table(session: Session) -> pd.DataFrame:
    """Return the library of session designs, by title."""
    rows = [
        {
            "id": d.id,
            "title": d.title,
            "method": d.method,
            "duration_minutes": d.duration_minutes,
            "objectives": d.objectives or "",
            "topics": d.topics or "",
        }
        for d in session.scalars(sa.select(SessionDesign).order_by(SessionDesign.title))
    ]
    return pd.DataFrame(rows, columns=["id", "title", "method", "duration_minutes", "objectives", "topics"])


def add_design(
    session: Session,
    *,
    title: str,
    method: str,
    duration_minutes: int,
    objectives: str | None = None,
    topics: str | None = None,
    by: str | None,
) -> SessionDesign:
    """Add a session design to the library and return it; titles are unique."""
    title = clean_text(title)
    if not title:
        raise ProgrammeError("A session design needs a title.")
    if duration_minutes <= 0:
        raise ProgrammeError("A session design needs a duration in minutes.")
    taken = [d for d in session.scalars(sa.select(SessionDesign.title)) if fold(d) == fold(title)]
    if taken:
        raise ProgrammeError(f"The library already has a design called '{taken[0]}'.")
    design = SessionDesign(
        title=title[:300],
        method=checked_method(session, method, title=title),
        duration_minutes=duration_minutes,
        objectives=clean_text(objectives) or None,
        topics="; ".join(topic_names(topics)) or None,
    )
    session.add(design)
    session.flush()
    audit.record(session, action="create", username=by, entity="session_design", entity_id=design.id, summary=title)
    return design


def save_as_design(session: Session, *, session_id: int, by: str | None) -> SessionDesign:
    """Add an agenda session to the library (title, method, duration, topics) and return the design."""
    original = session.get(AgendaSession, session_id)
    if original is None:
        raise NotFound("That session no longer exists; reload the agenda.")
    topics = session.scalars(sa.select(SessionTopic.topic_id).where(SessionTopic.session_id == session_id)).all()
    names = [session.get(Topic, topic_id).name for topic_id in topics]
    return add_design(
        session,
        title=original.title,
        method=original.method,
        duration_minutes=minutes(original.start_time, original.end_time),
        topics="; ".join(names),
        by=by,
    )


def drop_in_design(
    session: Session, *, design_id: int, module_id: int, day: int, start: time, by: str | None
) -> AgendaSession:
    """Add a session from a library design to a module's agenda at a day and time, and return it."""
    design = session.get(SessionDesign, design_id)
    if design is None:
        raise NotFound("That session design no longer exists.")
    end_moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=design.duration_minutes)
    if end_moment.date() != date(2000, 1, 1):
        raise ProgrammeError("A session from this design would end after midnight; pick an earlier start.")
    return add_session(
        session,
        module_id=module_id,
        day=day,
        start=start,
        end=end_moment.time(),
        title=design.title,
        method=design.method,
        notes=design.objectives,
        topics=topic_names(design.topics),
        by=by,
    )

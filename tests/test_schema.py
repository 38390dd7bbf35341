"""The schema's constraints: the database itself refuses impossible records."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.models import AgendaSession, Course, Module, Participation, Person
from programme.people.names import name_key


def _course_and_module(session: Session) -> Module:
    course = Course(code="C1", title="Course")
    session.add(course)
    session.flush()
    module = Module(
        course_id=course.id, number=1, title="Module 1", start_date=date(2020, 1, 1), end_date=date(2020, 1, 3)
    )
    session.add(module)
    session.flush()
    return module


def _person(session: Session, name: str = "Maria Santos", email: str | None = None) -> Person:
    person = Person(full_name=name, name_key=name_key(name), email=email)
    session.add(person)
    session.flush()
    return person


def test_course_code_is_unique(session: Session) -> None:
    session.add(Course(code="C1", title="A"))
    session.flush()
    session.add(Course(code="C1", title="B"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_module_number_unique_within_course(session: Session) -> None:
    module = _course_and_module(session)
    session.add(
        Module(
            course_id=module.course_id, number=1, title="again", start_date=date(2020, 2, 1), end_date=date(2020, 2, 2)
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_module_end_before_start_is_refused(session: Session) -> None:
    module = _course_and_module(session)
    session.add(
        Module(
            course_id=module.course_id, number=2, title="bad", start_date=date(2020, 2, 5), end_date=date(2020, 2, 1)
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_session_must_end_after_it_starts(session: Session) -> None:
    module = _course_and_module(session)
    session.add(AgendaSession(module_id=module.id, day=1, start_time=time(11), end_time=time(10), title="x"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_person_attends_a_module_once(session: Session) -> None:
    module = _course_and_module(session)
    person = _person(session)
    session.add(Participation(person_id=person.id, module_id=module.id))
    session.flush()
    session.add(Participation(person_id=person.id, module_id=module.id))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_email_belongs_to_one_person_but_many_may_have_none(session: Session) -> None:
    _person(session, "A One", None)
    _person(session, "B Two", None)
    _person(session, "C Three", "c@example.org")
    session.add(Person(full_name="D Four", name_key="d four", email="c@example.org"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_participation_needs_an_existing_module(session: Session) -> None:
    person = _person(session)
    session.add(Participation(person_id=person.id, module_id=9999))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_enum_columns_refuse_values_outside_the_list(session: Session) -> None:
    with pytest.raises((sa.exc.IntegrityError, sa.exc.StatementError, LookupError)):
        session.execute(
            sa.text(
                "INSERT INTO person (full_name, name_key, sort_name, gender, consent_listed, consent_email, consent_phone,"
                " consent_organisation, consent_photo, created_at, updated_at)"
                " VALUES ('X', 'x', 'x', 'robot', false, false, false, false, false, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
        session.flush()


def test_rating_must_be_on_the_scale(session: Session) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.text("INSERT INTO evaluation_answer (response_id, question_id, rating) VALUES (1, 1, 7)"))
        session.flush()

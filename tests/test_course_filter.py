"""Course filters at scale (ui.course_filter): a multiselect of courses offers the newest PICKER_LIMIT with a find box,
never every course. At 18,684 courses the Reach sidebar, the alumni directory's Course facet and the Outcomes tab each
sent 1.5 MB of labels to the browser on every page load."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.courses.search import PICKER_LIMIT, course_choices, course_ids
from programme.models import Course, UserRole
from tests.apptest_support import run_page

COURSES = PICKER_LIMIT + 5


def _many_courses(session) -> None:
    """COURSES courses, one module each, the oldest first (course C0000 in 1900 ... )."""
    for number in range(COURSES):
        code = f"C{number:04d}"
        add_course(session, code=code, title=f"Course number {number}", start_year=1900 + number)
        add_module(
            session,
            course_code=code,
            number=1,
            title="Module 1",
            start=date(1900 + number, 3, 1),
            end=date(1900 + number, 3, 5),
            city="Bangkok",
            country="THA",
        )


@pytest.fixture
def many_courses_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        _many_courses(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_course_choices_keeps_the_chosen_courses_beyond_the_newest(engine) -> None:
    with session_scope(engine) as session:
        _many_courses(session)
    with session_scope(engine) as session:
        total, newest = course_choices(session, limit=3, keep=("C0000", "C0204", "NOPE"))
        counted = session.execute(sa.text("SELECT count(*) FROM course")).scalar_one()
        first_id = session.execute(sa.text("SELECT id FROM course WHERE code = 'C0001'")).scalar_one()
        ids = course_ids(session, ("C0001", "NOPE"))
    assert total == counted == COURSES
    # The newest three (latest module first), then the kept one that is not among them; an unknown code left out.
    assert list(newest) == ["C0204", "C0203", "C0202", "C0000"]
    assert newest["C0000"] == "Course number 0"
    assert ids == (first_id,)


def _course_box(boxes, label: str):
    return next(box for box in boxes if box.label == label)


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.VIEWER])
def test_reach_course_filter_offers_the_newest_with_a_find_box(many_courses_db: str, role: UserRole) -> None:
    app = run_page("pages/reach.py", role)
    assert not app.exception
    box = _course_box(app.sidebar.multiselect, "Course")
    assert len(box.options) == PICKER_LIMIT  # 205 before
    assert box.options[0] == "C0204 · Course number 204"
    assert any(f"The newest {PICKER_LIMIT} of {COURSES} courses" in caption.value for caption in app.sidebar.caption)
    # The oldest course is found by its code, chosen, and stays chosen (and offered) when another search follows.
    app.sidebar.text_input(key="reach_courses_find").input("C0000").run()
    assert _course_box(app.sidebar.multiselect, "Course").options == ["C0000 · Course number 0"]
    _course_box(app.sidebar.multiselect, "Course").select("C0000").run()
    app.sidebar.text_input(key="reach_courses_find").input("C0203").run()
    box = _course_box(app.sidebar.multiselect, "Course")
    assert not app.exception
    assert box.value == ["C0000"] and box.options == ["C0203 · Course number 203", "C0000 · Course number 0"]


def test_alumni_course_facet_and_outcomes_filter_offer_the_newest(many_courses_db: str) -> None:
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    assert not app.exception
    facet = _course_box(app.multiselect, "Course")
    assert len(facet.options) == PICKER_LIMIT  # 205 before
    app.text_input(key="course_codes_find").input("C0007").run()
    _course_box(app.multiselect, "Course").select("C0007").run()
    assert not app.exception
    assert _course_box(app.multiselect, "Course").value == ["C0007"]
    app.session_state["alumni_tab"] = "Outcomes"
    app.run()
    assert not app.exception
    outcomes = _course_box(app.multiselect, "After the course")
    assert len(outcomes.options) == PICKER_LIMIT  # 205 before
    app.text_input(key="outcomes_courses_find").input("C0001").run()
    assert _course_box(app.multiselect, "After the course").options == ["C0001 · Course number 1"]


def test_outcome_form_offers_the_person_s_own_courses(engine) -> None:
    from programme.alumni.outcomes import person_courses
    from programme.models import Module, Participation, Person

    with session_scope(engine) as session:
        _many_courses(session)
    with session_scope(engine) as session:
        person = Person(full_name="Ana Santos", name_key="ana santos")
        session.add(person)
        session.flush()
        modules = {code: module_id for code, module_id in session.execute(
            sa.select(Course.code, Module.id).join(Module, Module.course_id == Course.id)
            .where(Course.code.in_(("C0003", "C0150")))
        )}  # fmt: skip
        for module_id in modules.values():
            session.add(Participation(person_id=person.id, module_id=module_id))
        person_id = person.id
    with session_scope(engine) as session:
        ids = dict(session.execute(sa.text("SELECT code, id FROM course WHERE code IN ('C0003', 'C0150')")).all())
        courses = person_courses(session, person_id)
    # Newest first; every other course left out (all of them were offered before).
    assert courses == {ids["C0150"]: "C0150 · Course number 150", ids["C0003"]: "C0003 · Course number 3"}

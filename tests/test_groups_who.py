"""Who is grouped: once a module's attendance is recorded, the people who came, not a registered person who did not
(seen in a journey: a registration list of 100 and an attendance sheet of 60 made groups of 25 out of all 100).

The module built here: six participants, all registered; then three are marked as having come, one as absent, and
two stay with no attendance recorded (on the registration list, not on the attendance sheet).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.groups.store import attendance_recorded, make_module_groups, participants_frame
from programme.models import Participation, Person, UserRole
from tests.apptest_support import run_page

CAME, ABSENT, NOT_RECORDED = ["Ana", "Ben", "Cia"], ["Dev"], ["Eve", "Fay"]


@pytest.fixture
def module_url(sqlite_url: str) -> tuple[str, int]:
    with session_scope(make_engine(sqlite_url)) as session:
        add_course(session, code="G1", title="Groups course", by=None)
        module = add_module(session, course_code="G1", number=1, title="One", start=date(2024, 5, 6),
                            end=date(2024, 5, 8), by=None)  # fmt: skip
        for name in CAME + ABSENT + NOT_RECORDED:
            person = Person(full_name=name, name_key=name.lower(), nationality="NPL")
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=module.id, registered=True, attended=None))
        module_id = module.id
    return sqlite_url, module_id


def _mark_attendance(url: str, module_id: int) -> None:
    with session_scope(make_engine(url)) as session:
        for participation, name in session.execute(
            sa.select(Participation, Person.full_name).join(Person).where(Participation.module_id == module_id)
        ):
            participation.attended = True if name in CAME else False if name in ABSENT else None
            session.add(participation)


def _names(frame) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(frame["name"])


def _grouped(app) -> int:  # type: ignore[no-untyped-def]
    """How many people the page's plan puts in its groups."""
    return sum(len(group.members) for group in app.session_state["groups_plan"].groups)


def test_before_attendance_everyone_registered_is_grouped_after_it_those_who_came(module_url) -> None:
    url, module_id = module_url
    everyone = sorted(CAME + ABSENT + NOT_RECORDED)
    with session_scope(make_engine(url)) as session:
        assert not attendance_recorded(session, module_id)
        assert _names(participants_frame(session, module_id)) == everyone  # groups made before the module
    _mark_attendance(url, module_id)
    with session_scope(make_engine(url)) as session:
        assert attendance_recorded(session, module_id)
        assert _names(participants_frame(session, module_id)) == sorted(CAME)
        assert _names(participants_frame(session, module_id, everyone=True)) == everyone
        plan = make_module_groups(session, module_id=module_id, groups=1)
        assert sorted(len(group.members) for group in plan.groups) == [len(CAME)]


def test_the_command_line_groups_those_who_came_unless_told_everyone(module_url, monkeypatch, capsys) -> None:
    url, module_id = module_url
    _mark_attendance(url, module_id)
    monkeypatch.setenv("DATABASE_URL", url)
    counts = []
    for extra in ([], ["--everyone"]):
        args = ["groups", "make", "--course", "G1", "--module", "1", "--groups", "2", "--json", *extra]
        assert main(args) == 0
        payload = json.loads(capsys.readouterr().out)
        counts.append(sum(len(group["members"]) for group in payload["groups"]))
    assert counts == [len(CAME), len(CAME + ABSENT + NOT_RECORDED)]


def test_the_page_asks_who_is_grouped_once_attendance_is_recorded(module_url, monkeypatch) -> None:
    url, module_id = module_url
    monkeypatch.setenv("DATABASE_URL", url)
    app = run_page("pages/groups.py", UserRole.FACILITATOR)
    app.selectbox(key="module").set_value(module_id).run()
    assert not app.exception
    assert not [radio for radio in app.radio if radio.key == "groups_who"]  # nothing recorded: everyone, no question
    _mark_attendance(url, module_id)
    app = run_page("pages/groups.py", UserRole.FACILITATOR)
    app.selectbox(key="module").set_value(module_id).run()
    who = app.radio(key="groups_who")
    assert who.value == "came"
    assert list(who.options) == [
        "Those who came (3)",
        "Everyone on the module's lists (6, with those not recorded as coming)",
    ]
    app.number_input(key="amount").set_value(1).run()
    app = app.button(key="generate").click().run()
    assert not app.exception
    assert _grouped(app) == len(CAME)
    app.radio(key="groups_who").set_value("everyone").run()
    app = app.button(key="generate").click().run()
    assert _grouped(app) == len(CAME + ABSENT + NOT_RECORDED)


def test_a_one_person_group_says_1_member(module_url, monkeypatch) -> None:
    """Seen on the page: "1 members" under a group of one (six people in six groups)."""
    url, module_id = module_url
    monkeypatch.setenv("DATABASE_URL", url)
    app = run_page("pages/groups.py", UserRole.FACILITATOR)
    app.selectbox(key="module").set_value(module_id).run()
    app.number_input(key="amount").set_value(6).run()
    app = app.button(key="generate").click().run()
    assert not app.exception
    captions = [caption.value for caption in app.caption]
    assert sum(caption.startswith("1 member") for caption in captions) == 6
    assert not any("1 members" in caption for caption in captions)

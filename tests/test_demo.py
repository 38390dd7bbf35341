"""The demo programme: at the real organisation's scale, the same on every database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import session_scope
from programme.core.errors import ProgrammeError
from programme.demo import load_demo
from programme.reach import stats


def test_demo_reaches_the_organisations_scale(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        figures = stats(session)
    assert figures["courses"] >= 28
    assert figures["individuals"] >= 650
    assert figures["countries"] >= 20
    assert figures["participations"] >= 800
    assert figures["participations"] > figures["individuals"]  # many attended several modules
    assert figures["sessions"] >= 150
    assert figures["groups"] >= 10
    assert figures["evaluation_responses"] >= 300
    assert figures["alumni_networks"] >= 3
    assert min(int(year) for year in figures["by_year"]) == 2004
    assert max(int(year) for year in figures["by_year"]) == 2019
    assert sum(figures["by_gender"].values()) == figures["individuals"]


def test_demo_figures_are_identical_on_every_backend(demo_engine, sqlite_templates) -> None:
    from programme.core.db import make_engine

    reference = make_engine(f"sqlite:///{sqlite_templates['demo']}")
    with session_scope(reference) as session:
        expected = stats(session)
    with session_scope(demo_engine) as session:
        assert stats(session) == expected


def test_demo_refuses_a_database_that_holds_data(demo_engine) -> None:
    with Session(demo_engine) as session, pytest.raises(ProgrammeError, match="already holds data"):
        load_demo(session)


def test_demo_holds_the_seed_reports_module_4(demo_engine) -> None:
    from programme.courses.catalogue import get_module

    with Session(demo_engine) as session:
        module = get_module(session, "NP-MYS-2016", 4)
        assert (module.start_date.isoformat(), module.end_date.isoformat()) == ("2017-12-02", "2017-12-05")
        assert module.city == "Kuala Lumpur" and module.country == "MYS"
        assert "CEDAW" in module.focus


def test_demo_modules_of_a_course_follow_one_another(demo_engine) -> None:
    from programme.models import Module

    with Session(demo_engine) as session:
        modules = session.scalars(sa.select(Module).order_by(Module.course_id, Module.number)).all()
    for earlier, later in zip(modules, modules[1:], strict=False):
        if earlier.course_id == later.course_id:
            assert earlier.end_date < later.start_date, (earlier.course_id, later.number)


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_the_apps_demo_load_refuses_anyone_but_an_administrator(engine, role: str) -> None:
    """Synthetic people in an organisation's database are an administrator's decision: Home offered the button to
    facilitators, and the loader itself let anyone through."""
    from programme.access.accounts import SignedIn
    from programme.core.errors import PermissionDenied
    from programme.demo import load_demo_as
    from programme.models import UserRole

    with Session(engine) as session, pytest.raises(PermissionDenied, match="Only an administrator"):
        load_demo_as(session, by=SignedIn(user_id=1, username="fac", role=UserRole(role)))
    with engine.connect() as connection:  # nothing written: no course, no person
        assert connection.execute(sa.text("SELECT COUNT(*) FROM course")).scalar() == 0
        assert connection.execute(sa.text("SELECT COUNT(*) FROM person")).scalar() == 0


def test_an_administrator_loads_the_demo_from_the_app_and_the_audit_trail_says_who(engine) -> None:
    from programme.access.accounts import SignedIn
    from programme.demo import load_demo_as
    from programme.models import UserRole

    with session_scope(engine) as session:
        counts = load_demo_as(session, by=SignedIn(user_id=1, username="admin1", role=UserRole.ADMIN))
    with engine.connect() as connection:
        people = connection.execute(sa.text("SELECT COUNT(*) FROM person")).scalar()
        entries = connection.execute(sa.text("SELECT username, summary FROM audit_entry")).all()
    assert counts["person"] == people > 0
    assert [(name, summary) for name, summary in entries] == [
        ("admin1", f"demo data loaded: {people:,} synthetic people")
    ]

"""The dashboards' Funder and Grant filters before any grant is recorded.

Seen in a journey on a new installation: the Evaluation and Reach dashboards' sidebars showed two boxes, Funder and
Grant, each saying "No options to select", and nothing said what they were for or where funders come from.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.courses.catalogue import add_course, add_module
from programme.funding import add_funder, add_grant
from programme.models import Participation, Person
from programme.web.engine import forget_figures
from programme.web.pickers import NO_FUNDERS
from tests.apptest_support import run_page

PAGES = ["pages/reach.py", "pages/evaluations.py"]


def _module_with_someone(engine: Engine, *, grant: bool) -> None:
    with session_scope(engine) as session:
        add_course(session, code="NAT-MYS", title="National Programme on Migrant Workers' Rights", by=None)
        module = add_module(session, course_code="NAT-MYS", number=1, title="Module 1", start=date(2019, 9, 3),
                            end=date(2019, 9, 5), by=None)  # fmt: skip
        person = Person(full_name="Siti Rahma", name_key="siti rahma")
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module.id, attended=True))
        if grant:
            add_funder(session, name="Example Fund", by=None)
            add_grant(session, funder="Example Fund", reference="EF-2019", by=None)
    # On PostgreSQL the test database is emptied and filled again under the same address between tests, and its
    # change counters start again: figures cached for the test before would be taken for this one's.
    forget_figures()


def _sidebar_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(element.value) for element in app.sidebar.caption)


@pytest.mark.parametrize("path", PAGES)
def test_without_grants_the_sidebar_says_where_funders_come_from(monkeypatch, engine: Engine, path: str) -> None:
    _module_with_someone(engine, grant=False)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    app = run_page(path)
    assert not app.exception
    assert "Funder" not in [box.label for box in app.sidebar.multiselect]
    assert "Grant" not in [box.label for box in app.sidebar.multiselect]
    assert "no grants are recorded yet" in _sidebar_text(app) and "Funders and grants" in _sidebar_text(app)


@pytest.mark.parametrize("path", PAGES)
def test_with_a_grant_the_filters_offer_it(monkeypatch, engine: Engine, path: str) -> None:
    _module_with_someone(engine, grant=True)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    app = run_page(path)
    assert not app.exception
    boxes = {box.label: box for box in app.sidebar.multiselect}
    assert list(boxes["Funder"].options) == ["Example Fund"]
    assert len(boxes["Grant"].options) == 1 and "EF-2019" in boxes["Grant"].options[0]
    assert NO_FUNDERS not in _sidebar_text(app)

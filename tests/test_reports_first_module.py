"""Reports and exports opens on the module a report is due for: the newest with someone on its list.

Seen in a journey on an empty PostgreSQL database: a course with Module 1 (April) and Module 2 (September), the lists
imported into Module 2 (the import page's first choice, the newest); Reports then opened on Module 1 ("0 participants,
0 sessions"), the first of its list, and the report and certificates offered were an empty module's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import Participation, Person
from programme.web.engine import forget_figures
from programme.web.pickers import first_with_people
from tests.apptest_support import run_page


def _course(engine: Engine, *, with_people: tuple[int, ...]) -> dict[int, int]:
    """A course with Modules 1-3 (Module 3 not yet held); one person on the list of each module numbered in
    with_people. Return {number: module id}."""
    with session_scope(engine) as session:
        add_course(session, code="NAT-MYS", title="National Programme on Migrant Workers' Rights", by=None)
        ids = {}
        for number, start in ((1, date(2019, 4, 9)), (2, date(2019, 9, 3)), (3, date(2030, 3, 4))):
            module = add_module(session, course_code="NAT-MYS", number=number, title=f"Module {number}", start=start,
                                end=start.replace(day=start.day + 2), city="Kuala Lumpur", by=None)  # fmt: skip
            ids[number] = module.id
        for number in with_people:
            person = Person(full_name=f"Person {number}", name_key=f"person {number}")
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=ids[number], attended=True))
    # On PostgreSQL the test database is emptied and filled again under the same address between tests, and its
    # change counters start again: figures cached for the test before would be taken for this one's.
    forget_figures()
    return ids


def test_reports_opens_on_the_newest_module_with_people_not_the_first_listed(monkeypatch, engine: Engine) -> None:
    ids = _course(engine, with_people=(2,))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    app = run_page("pages/reports.py")
    assert not app.exception
    picker = next(box for box in app.selectbox if box.key == "reports_module")
    # Listed oldest first still, as a course's modules are numbered; Module 2 chosen.
    assert list(picker.options)[0].split(" · ")[1] == "Module 1"
    assert picker.value == ids[2]
    assert any("Module 2** — 3–5 September 2019" in text.value and "1 participant" in text.value
               for text in app.markdown)  # fmt: skip


def test_a_course_whose_modules_have_nobody_yet_opens_on_its_first(monkeypatch, engine: Engine) -> None:
    ids = _course(engine, with_people=())
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    app = run_page("pages/reports.py")
    assert not app.exception
    assert next(box for box in app.selectbox if box.key == "reports_module").value == ids[1]


def test_first_with_people_takes_the_newest_listed_first() -> None:
    assert first_with_people([30, 20, 10], {10: 4, 20: 1}) == 20
    assert first_with_people([30, 20, 10], {}) is None

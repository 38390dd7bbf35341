"""Home's overview: the latest modules around a date and the next steps still open."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from programme.courses.overview import latest_modules, open_next_steps
from programme.models import ActionItem, ActionStatus


def test_latest_modules_are_the_next_ones_then_the_most_recent(demo_engine) -> None:
    with Session(demo_engine) as session:
        frame = latest_modules(session, today=date(2017, 11, 1), limit=4)
    assert len(frame) == 4
    upcoming = frame[frame["when"] == "next"]
    past = frame[frame["when"] == "past"]
    assert not upcoming.empty and not past.empty
    assert list(upcoming["start_date"]) == sorted(upcoming["start_date"])
    assert all(d >= date(2017, 11, 1) for d in upcoming["start_date"])
    assert all(d < date(2017, 11, 1) for d in past["start_date"])
    # The seed report's Module 4 (2 December 2017) is among the next ones.
    assert ((upcoming["course"] == "NP-MYS-2016") & (upcoming["module"] == 4)).any()


def test_open_next_steps_count_open_and_overdue_items(demo_engine) -> None:
    with Session(demo_engine) as session:
        items = session.scalars(sa.select(ActionItem)).all()
        still_open = [i for i in items if i.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)]
        overdue = [i for i in still_open if i.due_date is not None and i.due_date < date(2015, 1, 1)]
        figures = open_next_steps(session, today=date(2015, 1, 1))
    assert figures == {"open": len(still_open), "overdue": len(overdue)}
    assert figures["open"] > 0


def test_a_delivered_module_with_nobody_recorded_says_so(session: Session) -> None:
    """Home said "delivered" of a module with no participant and no attendance (its list had gone into another module
    by mistake): such a module now says it ended with nothing recorded yet; one with people stays "delivered"."""
    from programme.courses.catalogue import add_course, add_module
    from programme.models import ModuleStatus, Participation, Person

    add_course(session, code="MW-KL", title="Migrant workers' rights", by=None)
    empty = add_module(session, course_code="MW-KL", number=1, title="Module 1", start=date(2019, 4, 9),
                       end=date(2019, 4, 12), by=None)  # fmt: skip
    held = add_module(session, course_code="MW-KL", number=2, title="Module 2", start=date(2019, 9, 3),
                      end=date(2019, 9, 5), by=None)  # fmt: skip
    planned = add_module(session, course_code="MW-KL", number=3, title="Module 3", start=date(2020, 3, 3),
                         end=date(2020, 3, 5), by=None)  # fmt: skip
    empty.status = held.status = ModuleStatus.DELIVERED
    planned.status = ModuleStatus.PLANNED
    person = Person(full_name="Ana Lim", name_key="ana lim", nationality="MYS")
    session.add(person)
    session.flush()
    session.add(Participation(person_id=person.id, module_id=held.id))
    session.commit()
    frame = latest_modules(session, today=date(2021, 1, 1))
    assert dict(zip(frame["module"], frame["status"], strict=True)) == {
        3: "planned",
        2: "delivered",
        1: "ended, nothing recorded yet",
    }
    assert list(frame.columns) == ["course", "module", "title", "start_date", "end_date", "city", "status", "when"]

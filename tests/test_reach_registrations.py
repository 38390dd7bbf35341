"""The registrations and the Completion funnel under a year range, from reach_person_stage (programme/reach/kept.py),
on a small programme with registration lists, people registered who did not come, attendance not recorded and
walk-ins, counted by hand (the table below); the demo has none of these, so its check cannot catch a mistake here.

    person  gender  M1 (2015)               M2 (2016)                 M3 (2017)               M4 (2018)
    Ana     female  P  registered, came, ✓                            P  registered, not rec.
    Ben     male    P  registered, absent   P  walk-in, came
    Cia     female                          P  registered, came, ✓                            F  walk-in, came
    Dev     male                                                      P  walk-in, came, ✓
    Eve     female                                                                            P  registered, not rec.
    Fay     female                          R  registered, came       P  registered, absent
    Gus     male    P  walk-in, came, ✓                                                       P  walk-in, came

P participant, F facilitator, R resource person; ✓ completed; "not rec." attendance not recorded (registered only);
"walk-in": took part without being on a registration list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme import reach, summaries
from programme.models import Course, Gender, Module, ModuleStatus, Participation, ParticipationRole, Person, Scope
from programme.people.names import name_key
from programme.reach import kept

P, F, R = ParticipationRole.PARTICIPANT, ParticipationRole.FACILITATOR, ParticipationRole.RESOURCE_PERSON
CAME, ABSENT, NOT_RECORDED = True, False, None
# (person, module, role, registered, attended, completed)
ROWS = [
    ("Ana", "M1", P, True, CAME, True),
    ("Ana", "M3", P, True, NOT_RECORDED, False),
    ("Ben", "M1", P, True, ABSENT, False),
    ("Ben", "M2", P, False, CAME, False),
    ("Cia", "M2", P, True, CAME, True),
    ("Cia", "M4", F, False, CAME, False),
    ("Dev", "M3", P, False, CAME, True),
    ("Eve", "M4", P, True, NOT_RECORDED, False),
    ("Fay", "M2", R, True, CAME, False),
    ("Fay", "M3", P, True, ABSENT, False),
    ("Gus", "M1", P, False, CAME, True),
    ("Gus", "M4", P, False, CAME, False),
]
WOMEN = {"Ana", "Cia", "Eve", "Fay"}
EVERY_ROLE = tuple(role.value for role in ParticipationRole)
PARTICIPANTS = (P.value,)
RAW_TABLE = r"\bparticipation\b"


@dataclass
class Programme:
    modules: dict[str, int]
    people: dict[str, int]
    participations: dict[tuple[str, str], int]


def build(session: Session) -> Programme:
    course = Course(code="C", title="Regional Course C", scope=Scope.REGIONAL, start_year=2015)
    session.add(course)
    session.flush()
    modules = {
        f"M{n}": Module(course_id=course.id, number=n, title=f"Module {n}", start_date=date(2014 + n, 6, 1),
                        end_date=date(2014 + n, 6, 5), city="Bangkok", country="THA", status=ModuleStatus.DELIVERED)
        for n in range(1, 5)
    }  # fmt: skip
    people = {
        name: Person(
            given_name=name, family_name="Tester", full_name=f"{name} Tester", name_key=name_key(f"{name} Tester"),
            gender=Gender.FEMALE if name in WOMEN else Gender.MALE, nationality="NPL", country_of_work="MYS",
        )
        for name in ("Ana", "Ben", "Cia", "Dev", "Eve", "Fay", "Gus")
    }  # fmt: skip
    session.add_all([*modules.values(), *people.values()])
    session.flush()
    rows = {}
    for who, module, role, registered, attended, completed in ROWS:
        row = Participation(person_id=people[who].id, module_id=modules[module].id, role=role,
                            registered=registered, attended=attended, completed=completed)  # fmt: skip
        session.add(row)
        rows[(who, module)] = row
    session.commit()
    return Programme(
        {k: m.id for k, m in modules.items()},
        {k: p.id for k, p in people.items()},
        {k: row.id for k, row in rows.items()},
    )


@pytest.fixture
def programme(session: Session) -> Programme:
    return build(session)


@contextmanager
def no_raw_rows(session: Session) -> Iterator[None]:
    """Fail when a statement inside the block reads the participation table (the figure must come from summaries)."""
    import re

    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert not [s for s in seen if re.search(RAW_TABLE, s, re.IGNORECASE)], seen


def registrations(registered: int, took_part: int, only: int, unregistered: int) -> dict[str, int]:
    return {
        "registered": registered,
        "registered_took_part": took_part,
        "registered_only": only,
        "took_part_unregistered": unregistered,
    }


def funnel(people: tuple[int, int, int], participations: tuple[int, int, int]) -> dict[str, tuple[int, ...]]:
    return {"individuals": people, "participations": participations}


def funnel_of(session: Session, reach_filter: reach.ReachFilter) -> dict[str, tuple[int, ...]]:
    frame = reach.funnel(session, reach_filter)
    assert list(frame["stage"]) == ["registered", "attended", "completed"]
    return {column: tuple(int(v) for v in frame[column]) for column in ("individuals", "participations")}


# By hand, from the table in the module's docstring.
CASES = [
    pytest.param(
        {"year_from": 2016, "year_to": 2017},
        # Registered: Cia (M2), Fay (M2), Ana (M3); of them came to one they registered for: Cia, Fay (as a resource
        # person: any role); not recorded: Ana (M3; her M1, where she came, is outside the range); walk-ins: Ben
        # (M2), Dev (M3).
        registrations(3, 2, 1, 2),
        # Participants listed: Ben, Cia (M2), Ana, Dev, Fay (M3: absent); came: Ben, Cia, Dev; completed: Cia, Dev.
        # One participation each.
        funnel((5, 3, 2), (5, 3, 2)),
        id="2016-2017",
    ),
    pytest.param(
        {"year_from": 2015, "year_to": 2015},
        # M1: Ana registered and came, Ben registered and absent, Gus walked in.
        registrations(2, 1, 0, 1),
        funnel((3, 2, 2), (3, 2, 2)),
        id="2015",
    ),
    pytest.param(
        {"year_from": 2015, "year_to": 2016},
        # Ben registered for M1 and was absent, then walked in to M2: registered and a walk-in, never "registered and
        # came". Registered: Ana, Ben (M1), Cia, Fay (M2); came: Ana, Cia, Fay; walk-ins: Gus (M1), Ben (M2).
        registrations(4, 3, 0, 2),
        # Participants: Ana, Ben, Gus (M1), Ben, Cia (M2): four people (Ben once), five participations; came: Ana,
        # Gus, Ben, Cia (four, one participation each); completed: Ana, Gus, Cia.
        funnel((4, 4, 3), (5, 4, 3)),
        id="2015-2016",
    ),
    pytest.param(
        {"year_from": 2018},
        # M4: Eve registered (not recorded); Cia (facilitator) and Gus walked in. Participants: Eve, Gus; came: Gus.
        registrations(1, 0, 1, 2),
        funnel((2, 1, 0), (2, 1, 0)),
        id="from-2018",
    ),
    pytest.param(
        {"year_from": 2017, "year_to": 2018, "genders": ("female",)},
        # Women in M3 and M4: Ana (M3), Eve (M4) registered, not recorded; Fay (M3) registered, absent; Cia walked
        # in to M4 as a facilitator. Participants: Ana, Fay, Eve; nobody came.
        registrations(3, 0, 2, 1),
        funnel((3, 0, 0), (3, 0, 0)),
        id="2017-2018-women",
    ),
    pytest.param(
        {"year_from": 2015, "year_to": 2016, "genders": ("male",)},
        # Men in M1 and M2: Ben (M1 registered, absent; M2 walk-in), Gus (M1 walk-in).
        registrations(1, 0, 0, 2),
        # Participants Ben (twice), Gus; came: Gus (M1), Ben (M2); completed: Gus.
        funnel((2, 2, 1), (3, 2, 1)),
        id="2015-2016-men",
    ),
    pytest.param(
        {"year_to": 2014},
        registrations(0, 0, 0, 0),
        funnel((0, 0, 0), (0, 0, 0)),
        id="before-any-module",
    ),
]


@pytest.mark.parametrize(("narrowing", "expected_registrations", "expected_funnel"), CASES)
def test_the_registrations_and_the_funnel_under_a_year_range_counted_by_hand(
    session: Session, programme: Programme, narrowing, expected_registrations, expected_funnel
) -> None:
    assert summaries.check(session)["reach"] == []
    reach_filter = reach.ReachFilter(**narrowing)
    chosen = kept.selection(session, reach_filter)
    assert chosen is not None and chosen.years == (reach_filter.year_from, reach_filter.year_to)
    with no_raw_rows(session):
        found_registrations = reach.registrations(session, reach_filter)
        found_funnel = funnel_of(session, reach_filter)
    assert found_registrations == expected_registrations
    assert found_funnel == expected_funnel
    # The raw rows (the same selection, every role named, or participants for the funnel) agree.
    assert reach.registrations(session, replace(reach_filter, roles=EVERY_ROLE)) == expected_registrations
    assert funnel_of(session, replace(reach_filter, roles=PARTICIPANTS)) == expected_funnel


def test_over_every_year_the_figures_differ_from_a_range(session: Session, programme: Programme) -> None:
    # Everyone: registered Ana, Ben, Cia, Eve, Fay; came to one they registered for: Ana (M1), Cia, Fay; not recorded:
    # Ana, Eve; walk-ins: Ben, Cia, Dev, Gus. Participants: all seven (Cia and Fay in another role too); came: Ana,
    # Ben, Cia, Dev, Gus; completed: Ana, Cia, Dev, Gus. Participations: 10 participant rows, 6 came, 4 completed.
    assert kept.selection(session, reach.ReachFilter()) == kept.Selection()
    assert reach.registrations(session) == registrations(5, 3, 2, 4)
    assert funnel_of(session, reach.ReachFilter()) == funnel((7, 5, 4), (10, 6, 4))


def test_a_change_of_attendance_moves_the_figures_of_its_year(session: Session, programme: Programme) -> None:
    # Ana came to M3 after all (an attendance sheet): within 2016-2017 she is registered and came, no longer
    # registered only, and a participant who came.
    row = session.get(Participation, programme.participations[("Ana", "M3")])
    row.attended = True
    session.commit()
    assert summaries.check(session)["reach"] == []
    years = reach.ReachFilter(year_from=2016, year_to=2017)
    with no_raw_rows(session):
        assert reach.registrations(session, years) == registrations(3, 3, 0, 2)
        assert funnel_of(session, years) == funnel((5, 4, 2), (5, 4, 2))
    # M3 moved to 2019: outside 2016-2017 (Ana, Dev and Fay's M3 rows with it).
    session.get(Module, programme.modules["M3"]).start_date = date(2019, 6, 1)
    session.get(Module, programme.modules["M3"]).end_date = date(2019, 6, 5)
    session.commit()
    assert summaries.check(session)["reach"] == []
    with no_raw_rows(session):
        # M2 alone: Cia, Fay registered and came; Ben walked in. Participants Ben, Cia, both came, Cia completed.
        assert reach.registrations(session, years) == registrations(2, 2, 0, 1)
        assert funnel_of(session, years) == funnel((2, 2, 1), (2, 2, 1))


def test_a_write_that_forgets_the_upkeep_fails_the_check_of_reach_person_stage(
    session: Session, programme: Programme
) -> None:
    # Fay's M3 (2017) row taken off the registration list by a Core statement, which nothing notices. Her flags over
    # every year do not move (she registered for M2, in 2016): reach_person_stage alone holds the difference.
    table = Participation.__table__
    fay_m3 = programme.participations[("Fay", "M3")]
    session.execute(sa.update(table).where(table.c.id == fay_m3).values(registered=False))
    session.commit()
    found = summaries.check(session)["reach"]
    assert len(found) == 1 and found[0].startswith(f"reach_person_stage ({programme.people['Fay']}, 2017)"), found
    # The figure read from the summary is then wrong: 2017 alone has Ana registered, no longer Fay.
    year_2017 = reach.ReachFilter(year_from=2017, year_to=2017)
    raw = reach.registrations(session, replace(year_2017, roles=EVERY_ROLE))
    assert raw == registrations(1, 0, 1, 1)
    assert reach.registrations(session, year_2017) != raw
    summaries.rebuild(session)
    session.commit()
    assert summaries.check(session)["reach"] == []
    assert reach.registrations(session, year_2017) == raw


def test_a_registration_sent_through_the_participants_form_and_its_void_move_the_figures_of_its_year(
    session: Session, programme: Programme
) -> None:
    from programme.courses.catalogue import add_module
    from programme.models import ConsentKind
    from programme.selfservice import links, registration, submissions

    module = add_module(session, course_code="C", number=5, title="Module 5", start=date(2026, 12, 2),
                        end=date(2026, 12, 4), city="Bangkok", by=None)  # fmt: skip
    session.commit()
    token = links.open_form(session, module_id=module.id, kind="registration").token
    session.commit()
    values = {"full_name": "Zainab Okafor", "email": "zainab@example.org", "nationality": "Nigeria"}
    result = registration.submit_registration(
        session, token, values, dict.fromkeys(ConsentKind, True), browser="b1", client="10.0.0.5"
    )
    session.commit()
    assert result.outcome == "created"
    assert summaries.check(session)["reach"] == []
    # 2026 holds M5 alone: Zainab registered, her attendance not recorded; a participant listed who has not come yet.
    year_2026 = reach.ReachFilter(year_from=2026)
    with no_raw_rows(session):
        assert reach.registrations(session, year_2026) == registrations(1, 0, 1, 0)
        assert funnel_of(session, year_2026) == funnel((1, 0, 0), (1, 0, 0))
        # 2016-2017 as before.
        assert reach.registrations(session, reach.ReachFilter(year_from=2016, year_to=2017)) == registrations(
            3, 2, 1, 2
        )
    submissions.void_submission(session, result.submission_id, by="facilitator")
    session.commit()
    assert summaries.check(session)["reach"] == []
    with no_raw_rows(session):
        assert reach.registrations(session, year_2026) == registrations(0, 0, 0, 0)
        assert funnel_of(session, year_2026) == funnel((0, 0, 0), (0, 0, 0))

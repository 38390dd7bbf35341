"""Reach under a year range read from the kept summaries (programme/reach/kept.py): each figure the summaries answer
reads no participation, and gives the raw rows' figures, on the demo (some participations recorded absent or only
registered) and on the small programme of tests/reach_fixture.py counted by hand; each differs from the figure over
every year, so a range ignored would fail. The registrations and the Completion funnel too, from reach_person_stage
(tests/test_reach_registrations.py counts them by hand)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import reach, summaries
from programme.models import Participation, ParticipationRole
from programme.reach import kept
from tests import reach_fixture

EVERY_ROLE = tuple(role.value for role in ParticipationRole)
PARTICIPANTS = (ParticipationRole.PARTICIPANT.value,)
# The figures a year range is answered from the summaries for (the headline under one person attribute at most).
FROM_SUMMARIES: list[Callable[..., Any]] = [
    reach.headline_figures,
    reach.by_country,
    reach.by_gender,
    reach.by_org_type,
    reach.growth,
    reach.repeat_participation,
    reach.corridors,
    reach.organisations,
    reach.organisation_count,
    *(lambda session, f, stack=stack: reach.by_year(session, f, stack=stack) for stack in reach.STACKS),
]
RAW_TABLE = re.compile(r"\bparticipation\b", re.IGNORECASE)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on the engine inside the block."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def same(left: Any, right: Any) -> bool:
    if isinstance(left, pd.DataFrame):
        return left.shape == right.shape and left.equals(right) and left.attrs == right.attrs
    return left == right


def assert_same(left: Any, right: Any) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right)
        assert left.attrs == right.attrs
    else:
        assert left == right


def some_absent_or_only_registered(engine: Engine) -> None:
    """Record some of the demo's participations absent, some only registered (attendance not recorded), and some
    registered people who came: people the figures must not count, or count once, within a range and outside it."""
    with Session(engine) as session:
        for participation in session.scalars(sa.select(Participation).order_by(Participation.id)):
            if participation.id % 7 == 0:
                participation.attended = False
            elif participation.id % 11 == 0:
                participation.attended, participation.registered = None, True
            elif participation.id % 5 == 0:
                participation.registered = True
        session.commit()


# Year ranges over part of the demo's years (2004-2019), open at one end or not, with the person filters the
# summaries answer too.
RANGES = [
    {"year_from": 2008, "year_to": 2013},
    {"year_to": 2010},
    {"year_from": 2015, "genders": ("female",)},
    {"year_from": 2012, "year_to": 2012, "org_types": ("NGO", "not recorded")},
    {"year_from": 2006, "year_to": 2016, "countries": "most common"},
    {
        "year_from": 2010,
        "year_to": 2017,
        "countries": "most common",
        "country_basis": reach.CountryBasis.COUNTRY_OF_WORK,
    },
    {"year_from": 2009, "year_to": 2018, "genders": ("female",), "org_types": ("NGO",)},
]


@pytest.mark.parametrize("narrowing", RANGES, ids=lambda n: "-".join(f"{k}={v}" for k, v in n.items()))
def test_a_year_range_read_from_the_summaries_gives_the_raw_rows_figures(demo_engine: Engine, narrowing) -> None:
    some_absent_or_only_registered(demo_engine)
    with Session(demo_engine) as session:
        assert summaries.check(session)["reach"] == []
        chosen = dict(narrowing)
        basis = chosen.get("country_basis", reach.CountryBasis.NATIONALITY)
        if chosen.get("countries") == "most common":
            by_country = reach.by_country(session, reach.ReachFilter(country_basis=basis))
            chosen["countries"] = tuple(by_country.sort_values("individuals")["code"].tail(2))
        kept_filter = reach.ReachFilter(**chosen)
        raw_filter = replace(kept_filter, roles=EVERY_ROLE)  # the same selection, which the raw rows answer
        every_year = replace(kept_filter, year_from=None, year_to=None)
        selection = kept.selection(session, kept_filter)
        assert selection is not None and selection.years == (kept_filter.year_from, kept_filter.year_to)
        assert kept.selection(session, raw_filter) is None
        two_attributes = sum(bool(getattr(kept_filter, name)) for name in ("genders", "org_types", "countries")) > 1
        # Two person attributes at once: the modules of such people are not kept (the headline's modules and courses,
        # Completion per module), so those two read the raw rows.
        checks: list[tuple[Callable[..., Any], Any, Any, bool]] = [
            (function, kept_filter, raw_filter, not (two_attributes and function is reach.headline_figures))
            for function in FROM_SUMMARIES
        ]
        # Completion per module counts participants: the same filter naming that role is answered from the raw rows.
        for latest in (None, 3):
            modules = lambda session, f, latest=latest: reach.funnel_by_module(session, f, latest=latest)  # noqa: E731
            checks.append((modules, kept_filter, replace(kept_filter, roles=PARTICIPANTS), not two_attributes))
        # The registrations (every role) and the Completion funnel (participants), from reach_person_stage; the funnel's
        # participations under two person attributes at once are not kept, so it reads the raw rows then.
        checks.append((reach.registrations, kept_filter, raw_filter, True))
        checks.append((reach.funnel, kept_filter, replace(kept_filter, roles=PARTICIPANTS), not two_attributes))
        for function, summary_filter, raw_rows_filter, from_summaries in checks:
            with statements(demo_engine) as seen:
                answer = function(session, summary_filter)
            assert not from_summaries or not [s for s in seen if RAW_TABLE.search(s)], (function, seen)
            assert_same(answer, function(session, raw_rows_filter))
            # The range narrows: the figure over every year differs (a range ignored would fail here).
            assert not same(answer, function(session, every_year)), function
        everyone = reach.headline_figures(session, every_year).iloc[0]["individuals"]
        assert 0 < reach.headline_figures(session, kept_filter).iloc[0]["individuals"] < everyone


@pytest.fixture
def small(session: Session) -> reach_fixture.Fixture:
    """The small programme, with Eve registered for B1 (2012) and recorded absent: never counted as reached."""
    fixture = reach_fixture.build(session)
    session.add(
        Participation(person_id=fixture.people["Eve"], module_id=fixture.modules["B1"], attended=False, registered=True)
    )
    session.commit()
    return fixture


def _rows(frame: pd.DataFrame, key: str | list[str], *columns: str) -> dict:
    keys = [key] if isinstance(key, str) else key
    return {
        tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: tuple(row[c] for c in columns)
        for row in frame.to_dict("records")
    }


def test_a_year_range_counted_by_hand_on_the_small_programme(session: Session, small) -> None:
    # A1 is 2010; B1 2012 (Ana, Ben as facilitator, Cia; Eve absent), B2 2013 (Ana, Cia, Dev as resource person).
    later = reach.ReachFilter(year_from=2011, year_to=2013)
    assert kept.selection(session, later) is not None and kept.selection(session, later).years == (2011, 2013)
    assert reach.headline_figures(session, later).iloc[0].to_dict() == {
        "courses": 1,  # B
        "modules": 2,
        "individuals": 4,  # Ana, Ben, Cia, Dev: Eve was absent
        "participations": 6,  # Ana 2, Ben 1, Cia 2, Dev 1
        "countries": 3,  # NPL, PHL, IDN
        "women_share": 50.0,
        "civil_society_share": 66.7,  # Ana (NGO) and Cia (union) of the 3 with a type
        "org_type_recorded": 3,
    }
    assert _rows(reach.by_gender(session, later), "gender", "individuals", "participations") == {
        "female": (2, 4),
        "male": (2, 2),
    }
    assert _rows(reach.by_country(session, later), "code", "individuals", "participations") == {
        "NPL": (2, 3),
        "PHL": (1, 2),
        "IDN": (1, 1),
    }
    assert _rows(reach.by_org_type(session, later), "org_type", "individuals", "participations") == {
        "NGO": (1, 2),
        "government": (1, 1),
        "trade union": (1, 2),
        "not recorded": (1, 1),
    }
    # New within the range: Ana, Ben and Cia in 2012 (Ana and Ben first came in 2010, outside it), Dev in 2013.
    assert _rows(reach.growth(session, later), "year", "new_individuals", "cumulative_individuals") == {
        2012: (3, 3),
        2013: (1, 4),
    }
    assert _rows(reach.repeat_participation(session, later), "modules", "individuals") == {
        "1": (2,),  # Ben, Dev
        "2": (2,),  # Ana, Cia
        "3+": (0,),  # Ana's third module, A1, is outside the range
    }
    assert _rows(reach.by_year(session, later, stack="role"), ["year", "role"], "individuals", "participations") == {
        (2012, "participant"): (2, 2),
        (2012, "facilitator"): (1, 1),
        (2013, "participant"): (2, 2),
        (2013, "resource person"): (1, 1),
    }
    assert _rows(reach.corridors(session, later), ["nationality_code", "country_of_work_code"], "individuals") == {
        ("NPL", "MYS"): (1,),
        ("NPL", "NPL"): (1,),
        ("PHL", "MYS"): (1,),
        ("IDN", "IDN"): (1,),
    }
    assert _rows(reach.organisations(session, later), "org_type", "organisations", "individuals") == {
        "NGO": (1, 1),
        "government": (1, 1),
        "trade union": (1, 1),
    }
    assert reach.organisation_count(session, later) == 3
    # Completion per module: participants listed (Eve too, absent), took part and completed, of B1 and B2 only.
    modules = reach.funnel_by_module(session, later)
    assert _rows(modules, "module_id", "registered", "attended", "completed") == {
        small.modules["B1"]: (3, 2, 2),
        small.modules["B2"]: (2, 2, 1),
    }
    assert modules.attrs["modules"] == 2
    # Eve registered in 2012 and did not come; nobody registered in 2010.
    assert reach.registrations(session, later) == {
        "registered": 1,
        "registered_took_part": 0,
        "registered_only": 0,
        "took_part_unregistered": 4,
    }
    assert reach.registrations(session, reach.ReachFilter(year_to=2010))["registered"] == 0


def test_a_year_range_and_a_person_attribute_counted_by_hand(session: Session, small) -> None:
    # Women from 2010 to 2012: Ana (A1, B1) and Cia (B1).
    women = reach.ReachFilter(year_from=2010, year_to=2012, genders=("female",))
    assert kept.selection(session, women) is not None
    figures = reach.headline_figures(session, women).iloc[0]
    assert (figures["courses"], figures["modules"], figures["individuals"], figures["participations"]) == (2, 2, 2, 3)
    assert _rows(reach.growth(session, women), "year", "new_individuals") == {2010: (1,), 2011: (0,), 2012: (1,)}
    assert _rows(reach.by_year(session, women, stack="scope"), ["year", "scope"], "individuals") == {
        (2010, "regional"): (1,),
        (2012, "national"): (2,),
    }
    # One year: 2010 (A1): Ana and Ben, one module each.
    one_year = reach.ReachFilter(year_from=2010, year_to=2010)
    assert reach.headline_figures(session, one_year).iloc[0]["individuals"] == 2
    assert _rows(reach.repeat_participation(session, one_year), "modules", "individuals")["1"] == (2,)
    assert reach.organisation_count(session, one_year) == 2  # Migrant Care, the Ministry
    modules = reach.funnel_by_module(session, reach.ReachFilter(year_from=2010, year_to=2010, genders=("male",)))
    assert _rows(modules, "module_id", "registered", "attended", "completed") == {small.modules["A1"]: (1, 1, 0)}
    # A range with no module: nothing, from the summaries too.
    nothing = reach.ReachFilter(year_from=2011, year_to=2011)
    assert kept.selection(session, nothing) is not None
    assert reach.headline_figures(session, nothing).iloc[0]["individuals"] == 0
    assert reach.growth(session, nothing).empty and reach.funnel_by_module(session, nothing).empty

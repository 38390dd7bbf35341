"""The Reach page's headline and first tab at once (programme/reach/overview.py): the headline figures, the
registrations, the organisations' count and the people by country, each equal to the raw rows' figure (the same
selection with every role named, which the summaries do not answer) under year ranges and person filters, after an
erasure too, and counted by hand on the small programme; under a year range the people are read from
reach_person_year in one statement, not three."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import reach
from programme.access.erasure import forget_person
from programme.core.db import session_scope
from programme.models import Participation, Person
from programme.reach import kept
from tests.test_reach_year_ranges import (
    EVERY_ROLE,
    RAW_TABLE,
    _rows,
    small,  # noqa: F401 (a fixture)
    some_absent_or_only_registered,
    statements,
)

# Year ranges over part of the demo's years (2004-2019) and person filters, alone and together; {} is everything.
FILTERS: list[dict[str, Any]] = [
    {},
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
    {"genders": ("male", "non-binary/other")},
    {"country_basis": reach.CountryBasis.COUNTRY_OF_WORK},
]


def _filter(session: Session, narrowing: dict[str, Any]) -> reach.ReachFilter:
    chosen = dict(narrowing)
    if chosen.get("countries") == "most common":
        basis = chosen.get("country_basis", reach.CountryBasis.NATIONALITY)
        by_country = reach.by_country(session, reach.ReachFilter(country_basis=basis))
        chosen["countries"] = tuple(by_country.sort_values("individuals")["code"].tail(2))
    return reach.ReachFilter(**chosen)


def assert_raw_figures(session: Session, kept_filter: reach.ReachFilter) -> None:
    """The overview under a filter the summaries answer gives the raw rows' figures for the same selection."""
    raw_filter = replace(kept_filter, roles=EVERY_ROLE)
    assert kept.selection(session, kept_filter) is not None and kept.selection(session, raw_filter) is None
    shown = reach.overview(session, kept_filter)
    pd.testing.assert_frame_equal(shown.figures, reach.headline_figures(session, raw_filter))
    assert shown.registrations == reach.registrations(session, raw_filter)
    assert shown.organisation_count == reach.organisation_count(session, raw_filter)
    assert shown.by_country is not None
    pd.testing.assert_frame_equal(shown.by_country, reach.by_country(session, raw_filter))


@pytest.mark.parametrize("narrowing", FILTERS, ids=lambda n: "-".join(f"{k}={v}" for k, v in n.items()) or "all")
def test_the_overview_gives_the_raw_rows_figures(demo_engine: Engine, narrowing) -> None:
    some_absent_or_only_registered(demo_engine)
    with Session(demo_engine) as session:
        assert_raw_figures(session, _filter(session, narrowing))


def test_the_overview_under_a_filter_the_summaries_do_not_answer_is_each_figure_of_the_raw_rows(
    demo_engine: Engine,
) -> None:
    raw_filter = reach.ReachFilter(year_from=2008, year_to=2013, roles=EVERY_ROLE)
    with Session(demo_engine) as session:
        shown = reach.overview(session, raw_filter)
        pd.testing.assert_frame_equal(shown.figures, reach.headline_figures(session, raw_filter))
        assert shown.registrations == reach.registrations(session, raw_filter)
        assert shown.organisation_count == reach.organisation_count(session, raw_filter)
        # By country costs a figure of its own from the raw rows: left to the Map tab, which computes it when open.
        assert shown.by_country is None


def test_the_overview_reads_the_ranges_people_once(demo_engine: Engine) -> None:
    """The point of it: the headline, the organisations and the countries each read the range's reach_person_year rows
    of every person (three passes); the overview reads them in one statement, and no participation."""
    later = reach.ReachFilter(year_from=2008, year_to=2013)
    with Session(demo_engine) as session:
        with statements(demo_engine) as apart:
            reach.headline_figures(session, later)
            reach.organisation_count(session, later)
            reach.by_country(session, later)
        with statements(demo_engine) as together:
            reach.overview(session, later)
    reads = lambda seen: [s for s in seen if "FROM reach_person_year" in s]  # noqa: E731
    assert len(reads(apart)) == 3
    assert len(reads(together)) == 1
    assert not [s for s in together if RAW_TABLE.search(s)]


def test_the_overview_leaves_out_an_erased_persons_placeholder_organisation(demo_engine: Engine) -> None:
    """An erased person counts among the individuals; the "(erased) ..." placeholder they are linked to is no
    organisation reached: someone alone in their organisation, erased, takes it out of the count (within a range
    that holds them too)."""
    with session_scope(demo_engine) as session:
        took_part = sa.select(Participation.person_id).where(Participation.attended.is_(True))
        members = sa.func.count().over(partition_by=Person.organisation_id)
        rows = session.execute(
            sa.select(Person.id, members.label("members")).where(
                Person.organisation_id.is_not(None), Person.id.in_(took_part)
            )
        ).all()
        alone = next(row.id for row in rows if row.members == 1)
        before = reach.organisation_count(session)
        forget_person(session, person_id=alone, by="tester")
    with Session(demo_engine) as session:
        assert reach.overview(session).organisation_count == before - 1
        for narrowing in ({}, {"year_from": 2008, "year_to": 2013}, {"year_to": 2010}, {"genders": ("female",)}):
            assert_raw_figures(session, reach.ReachFilter(**narrowing))


def test_the_overview_counted_by_hand_on_the_small_programme(session: Session, small) -> None:  # noqa: F811
    # A1 is 2010; B1 2012 (Ana, Ben as facilitator, Cia; Eve registered and absent), B2 2013 (Ana, Cia, Dev as
    # resource person): tests/test_reach_year_ranges.py counts the same figures one by one.
    shown = reach.overview(session, reach.ReachFilter(year_from=2011, year_to=2013))
    assert shown.figures.iloc[0].to_dict() == {
        "courses": 1,
        "modules": 2,
        "individuals": 4,  # Ana, Ben, Cia, Dev: Eve was absent
        "participations": 6,  # Ana 2, Ben 1, Cia 2, Dev 1
        "countries": 3,  # NPL, PHL, IDN
        "women_share": 50.0,
        "civil_society_share": 66.7,  # Ana (NGO) and Cia (union) of the 3 with a type
        "org_type_recorded": 3,
    }
    assert _rows(shown.by_country, "code", "individuals", "participations") == {
        "NPL": (2, 3),
        "PHL": (1, 2),
        "IDN": (1, 1),
    }
    assert shown.organisation_count == 3
    assert shown.registrations == {
        "registered": 1,  # Eve
        "registered_took_part": 0,
        "registered_only": 0,
        "took_part_unregistered": 4,
    }
    # Nobody within the range: nothing, and no country.
    nobody = reach.overview(session, reach.ReachFilter(year_from=2011, year_to=2011))
    assert nobody.figures.iloc[0]["individuals"] == 0 and nobody.organisation_count == 0
    assert nobody.by_country is not None and nobody.by_country.empty
    # Two person attributes at once: the headline's modules and courses are counted from the raw rows, the rest kept.
    two = reach.ReachFilter(year_from=2010, year_to=2013, genders=("female",), org_types=("NGO",))
    figures = reach.overview(session, two).figures.iloc[0]
    assert (figures["courses"], figures["modules"], figures["individuals"], figures["participations"]) == (2, 3, 1, 3)

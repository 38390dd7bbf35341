"""The filters' country lists read one index look-up per country (core/distinct.py), not every person: the same
values as SELECT DISTINCT, NULL left out; and neither the Reach filters nor the alumni directory's facets read every
course any more (18,684 courses' labels on each cold page at scale; the Course filter is ui.course_filter's)."""

from __future__ import annotations

import sqlalchemy as sa

from programme.alumni.common import directory
from programme.alumni.facets import facet_options
from programme.core.db import session_scope
from programme.core.distinct import distinct_values
from programme.models import Person
from programme.reach import NOT_RECORDED, filter_options

PERSON = Person.__table__
# Repeats, a NULL among them and values out of order, as people are added.
NATIONALITIES = ["NPL", None, "KEN", "NPL", "BRA", None, "KEN", "ZWE", "BRA"]
WORK = [None, "THA", "THA", None, "MYS", "KEN", None, "THA", "ARG"]


def _people(session) -> None:
    session.add_all(
        Person(full_name=f"Person {i}", name_key=f"person {i}", nationality=nationality, country_of_work=work)
        for i, (nationality, work) in enumerate(zip(NATIONALITIES, WORK, strict=True))
    )


def test_distinct_values_equal_select_distinct(engine) -> None:
    with session_scope(engine) as session:
        assert distinct_values(session, PERSON.c.nationality) == []  # nobody yet
        _people(session)
    with session_scope(engine) as session:
        for column in (PERSON.c.nationality, PERSON.c.country_of_work):
            bare = session.execute(sa.text(f"SELECT DISTINCT {column.name} FROM person")).scalars()
            assert distinct_values(session, column) == sorted(code for code in bare if code is not None)
        assert distinct_values(session, directory.c.nationality) == []  # nobody listed


def test_filter_options_countries_and_no_course_list(engine) -> None:
    with session_scope(engine) as session:
        _people(session)
    with session_scope(engine) as session:
        options = filter_options(session)
        facets = facet_options(session)
        bare = session.execute(sa.text("SELECT nationality FROM person UNION SELECT country_of_work FROM person"))
        expected = {code for (code,) in bare if code is not None}
    assert list(options["countries"])[-1] == NOT_RECORDED
    assert set(options["countries"]) - {NOT_RECORDED} == expected == {"ARG", "BRA", "KEN", "MYS", "NPL", "THA", "ZWE"}
    assert "courses" not in options and "course_ids" not in facets

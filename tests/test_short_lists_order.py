"""Short lists of names read from the database (funders, networks, course partners, the organisers signing a
certificate) in the same order on every installation, capitals and accents aside (names.by_name), as lists of
people are (person.sort_name). Before, they followed the database's collation: SQLite and a C-collation PostgreSQL
put "Zeta Fund" before "abc Trust" and "Ángel Foundation" last."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from programme.alumni.networks import list_networks
from programme.core.db import session_scope
from programme.courses.catalogue import add_course
from programme.funding.grants import add_funder
from programme.funding.queries import funding_options
from programme.models import Network
from programme.people.names import by_name
from programme.planning.partners import add_partner
from programme.reports.certificates import _organisers
from programme.reports.content import _partners

# Written in this order; the order a reader expects, by hand: "abc", "angel", "zeta".
WRITTEN = ["Zeta Fund", "abc Trust", "Ángel Foundation"]
EXPECTED = ["abc Trust", "Ángel Foundation", "Zeta Fund"]


def test_by_name_orders_capitals_and_accents_aside() -> None:
    assert by_name(WRITTEN) == EXPECTED
    assert by_name([(3, "Zeta Fund"), (1, "abc Trust"), (2, "Ángel Foundation")], lambda row: row[1]) == [
        (1, "abc Trust"),
        (2, "Ángel Foundation"),
        (3, "Zeta Fund"),
    ]


def test_funders_and_networks_are_listed_by_name_on_every_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        for name in WRITTEN:
            add_funder(session, name=name, by="admin")
            session.add(Network(name=f"{name} network"))
    with session_scope(engine) as session:
        assert funding_options(session)["funders"] == EXPECTED
        assert list_networks(session)["name"].tolist() == [f"{name} network" for name in EXPECTED]


def test_a_courses_partners_are_listed_organisers_first_then_by_name(engine: Engine) -> None:
    with session_scope(engine) as session:
        course = add_course(session, code="ORD", title="Order")
        add_partner(session, course_code="ORD", organisation="zonta Host", role="host", by="admin")
        for name in WRITTEN:
            add_partner(session, course_code="ORD", organisation=name, role="organiser", by="admin")
        add_partner(session, course_code="ORD", organisation="Able Funder", role="funder", by="admin")
        course_id = course.id
    with session_scope(engine) as session:
        assert _partners(session, course_id) == [
            *((name, "organiser") for name in EXPECTED),
            ("zonta Host", "host"),
            ("Able Funder", "funder"),
        ]
        assert _organisers(session, course_id) == " and ".join(EXPECTED)

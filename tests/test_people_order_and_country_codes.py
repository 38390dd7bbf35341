"""Lists of people in the same order on every database (person.sort_name, migration 0028), and the alumni directory
reading a country's code typed in capitals ("THA") as that country."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.access.erasure import forget_person
from programme.alumni.search import DirectoryQuery, search_directory
from programme.alumni.terms import reading
from programme.core.bulk import Constant, write_columns
from programme.core.db import session_scope
from programme.models import Course, Module, Person, UserRole
from programme.people.edit import edit_person
from programme.people.names import sort_names
from programme.people.participants import people_page, people_table
from tests.test_importing import csv_bytes, run_import, with_module

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)

# Written in this order; the order a reader expects, worked out by hand: capitals and accents aside, word by word
# ("Ana Zed" before "Anab Lee", "ÁNGEL Ruiz" before "ángela de la Cruz": a name that ends first comes first).
# A PostgreSQL database with an en_US collation puts "Anab Lee" first (it compares "anazed" with "anablee");
# SQLite and a C collation put every lower-case or accented name after "Zaw Min".
WRITTEN = ["Zaw Min", "ángela de la Cruz", "Ana Zed", "Anab Lee", "bob Lee", "Émile Roux", "Carlos Díaz", "ÁNGEL Ruiz"]
EXPECTED = ["Ana Zed", "Anab Lee", "ÁNGEL Ruiz", "ángela de la Cruz", "bob Lee", "Carlos Díaz", "Émile Roux", "Zaw Min"]


def _add_people(engine: Engine, names: list[str]) -> dict[str, int]:
    with session_scope(engine) as session:
        people = [Person(full_name=name, name_key=name.lower()) for name in names]
        session.add_all(people)
        session.flush()
        return {person.full_name: person.id for person in people}


def test_the_participants_list_is_ordered_by_name_capitals_and_accents_aside(engine: Engine) -> None:
    _add_people(engine, WRITTEN)
    with session_scope(engine) as session:
        assert people_page(session, FACILITATOR, limit=100)["full_name"].tolist() == EXPECTED
        assert people_page(session, FACILITATOR, offset=2, limit=3)["full_name"].tolist() == EXPECTED[2:5]
        assert people_table(session, FACILITATOR)["full_name"].tolist() == EXPECTED


def test_every_writer_keeps_the_sort_name(engine: Engine) -> None:
    ids = _add_people(engine, ["Ñuñez O'Brien", "Zoë Ångström"])
    with session_scope(engine) as session:
        edit_person(session, person_id=ids["Zoë Ångström"], values={"full_name": "Éva Ångström"}, by=FACILITATOR)
        forget_person(session, person_id=ids["Ñuñez O'Brien"], by="admin", note=False)
    with_module(engine)
    run_import(engine, csv_bytes("Name,Country\nÉlodie MARTÍN-López,PH\n"), "list.csv")
    with engine.connect() as connection:
        stored = dict(connection.exec_driver_sql("SELECT full_name, sort_name FROM person").all())
    erased = ids["Ñuñez O'Brien"]
    # Worked out by hand: lower case, no accents, punctuation a space, words single-spaced.
    assert stored["Éva Ångström"] == "eva angstrom"  # renamed by an edit (the ORM)
    assert stored["Élodie MARTÍN-López"] == "elodie martin lopez"  # the import's bulk insert
    assert stored[f"Erased person #{erased}"] == f"erased person {erased}"  # the name of the erased is gone


def test_a_module_report_lists_its_participants_by_family_name_capitals_and_accents_aside(engine: Engine) -> None:
    from programme.reports.content import _listed_participants

    # (full name, family name) as written; no family name recorded: placed by the whole name.
    written = [("Ana Zubiri", "Zubiri"), ("Zed Ábaco", "Ábaco"), ("bob Lee", None), ("Carl de Souza", "de Souza")]
    with session_scope(engine) as session:
        module = _module(session)
        for full, family in written:
            person = Person(full_name=full, family_name=family, name_key=full.lower(), consent_listed=True)
            session.add(person)
            session.flush()
            session.execute(
                sa.insert(Person.metadata.tables["participation"]).values(
                    person_id=person.id, module_id=module.id, role="participant", attended=True, completed=True
                )
            )
        module_id = module.id
    with session_scope(engine) as session:
        frame, _unlisted = _listed_participants(session, module_id)
    # By hand: abaco, bob lee, de souza, zubiri.
    assert frame["name"].tolist() == ["Zed Ábaco", "bob Lee", "Carl de Souza", "Ana Zubiri"]


def test_a_column_of_names_folds_as_each_name_does() -> None:
    # Worked out by hand; the first list is ASCII (folded at once), the second not.
    assert sort_names(["Mary-Jane  O'NEIL", "ZAW min", "x_y"]) == ["mary jane o neil", "zaw min", "x y"]
    assert sort_names(["Mary-Jane O'NEIL", "Zoë Ångström"]) == ["mary jane o neil", "zoe angstrom"]


def test_postgresql_compares_sort_names_byte_by_byte_whatever_the_database_s_collation(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite compares text byte by byte (BINARY) unless told otherwise")
    with engine.connect() as connection:
        collation = connection.exec_driver_sql(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'person' AND column_name = 'sort_name'"
        ).scalar()
    assert collation == "C"


def _page_statement(engine: Engine, **scope: object) -> tuple[list[str], str, object]:
    """Return (the page's names, the statement that chose its people and its parameters) of people_page."""
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_scope(engine) as session:
            page = people_page(session, FACILITATOR, limit=100, **scope)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    statement, parameters = next((s, p) for s, p in statements if "LIMIT" in s and "ORDER BY" in s)
    return page["full_name"].tolist(), statement, parameters


def _plan(engine: Engine, statement: str, parameters: object) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return " | ".join(row[3] for row in rows)
        return " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))


def test_a_page_of_the_participants_list_is_read_from_the_index_in_order(engine: Engine) -> None:
    """At 500,000 people a sort of every row for each page is what the index avoids (benchmarks/pages.py)."""
    count = 3_000
    names = [f"Person {number:05d}" for number in range(count)]
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        columns = {
            "id": list(range(1, count + 1)),
            "full_name": names,
            "name_key": [name.lower() for name in names],
            "sort_name": [name.lower() for name in names],
            "gender": Constant("undisclosed"),
            "created_at": Constant(now),
            "updated_at": Constant(now),
        }
        flags = ("consent_listed", "consent_email", "consent_phone", "consent_organisation", "consent_photo")
        write_columns(session, "person", columns | {flag: Constant(False) for flag in flags})
        module = _module(session)
        module_id = module.id
        session.execute(
            sa.insert(Person.metadata.tables["participation"]),
            [
                {"person_id": 2_900 - i, "module_id": module_id, "role": "participant", "attended": True}
                for i in range(10)
            ],
        )
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    shown, statement, parameters = _page_statement(engine, offset=200)
    assert shown == names[200:300]
    plan = _plan(engine, statement, parameters)
    assert "ix_person_sort_name" in plan, plan
    if engine.dialect.name == "sqlite":
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "Sort" not in plan.replace("ix_person_sort_name", ""), plan
    # A module's ten people: read from its participations, not by checking each of the 3,000 people.
    shown, statement, parameters = _page_statement(engine, module_id=module_id)
    assert shown == names[2_890:2_900]  # ids 2,891 to 2,900
    if engine.dialect.name == "sqlite":  # PostgreSQL plans from its statistics
        plan = _plan(engine, statement, parameters)
        assert "ix_participation_module_person" in plan and "SCAN person" not in plan, plan


# --- The directory: a country's code typed in capitals --------------------------------------------------------------

# name -> (nationality, country of work); every one a listed alum, with nothing else in their profile.
ALUMNI = {
    "Somchai Prasert": ("THA", "THA"),
    "Lin Aung": ("MMR", "THA"),
    "Thanh Nguyen": ("VNM", "VNM"),  # "tha" starts his name
    "Aziz Rahman": ("MYS", "MYS"),
    "Mysha Khan": ("BGD", "BGD"),  # "mys" starts her name
    "Jordan Lee": ("PHL", "PHL"),
    "Rami Haddad": ("JOR", "LBN"),
    "Ben Carter": ("AUS", "AUS"),
    "Koffi Mensah": ("BEN", "BEN"),  # from Benin: "ben" in lower case is a word, not the code
    "émile Roux": ("FRA", "FRA"),
}


@pytest.fixture
def alumni(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        module = _module(session)
        ids = {}
        for name, (nationality, work) in ALUMNI.items():
            person = Person(
                full_name=name,
                name_key=name.lower(),
                nationality=nationality,
                country_of_work=work,
                consent_listed=True,
            )
            session.add(person)
            session.flush()
            ids[name] = person.id
            session.execute(
                sa.insert(Person.metadata.tables["participation"]).values(
                    person_id=person.id, module_id=module.id, role="participant", attended=True, completed=True
                )
            )
    return ids


def _found(engine: Engine, text: str) -> set[int]:
    with session_scope(engine) as session:
        return set(search_directory(session, DirectoryQuery(text=text), user=FACILITATOR).results["person_id"])


def _of_country(engine: Engine, code: str) -> set[int]:
    """The directory's people from or working in a country, by bare SQL."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT person_id FROM alumni_directory WHERE nationality = %(code)s OR country_of_work = %(code)s"
            if engine.dialect.name == "postgresql"
            else "SELECT person_id FROM alumni_directory WHERE nationality = :code OR country_of_work = :code",
            {"code": code},
        )
        return set(rows.scalars())


def test_a_country_code_in_capitals_finds_its_people_as_the_country_s_name_does(
    engine: Engine, alumni: dict[str, int]
) -> None:
    thai = _of_country(engine, "THA")
    assert thai == {alumni["Somchai Prasert"], alumni["Lin Aung"]}
    # The code, as the name: the country's people, and the word in a profile ("Thanh" starts with "tha").
    assert _found(engine, "THA") == thai | {alumni["Thanh Nguyen"]}
    assert _found(engine, "Thailand") == thai
    assert _found(engine, "MYS") == _of_country(engine, "MYS") | {alumni["Mysha Khan"]}
    assert _found(engine, "THA lin") == {alumni["Lin Aung"]}
    with session_scope(engine) as session:
        result = search_directory(session, DirectoryQuery(text="THA"), user=FACILITATOR)
    assert [term.country for term in result.terms] == ["THA"]
    assert reading(list(result.terms)) == "“Thailand”: from or working in Thailand, or this word in a profile."


def test_the_directory_lists_its_results_by_name_capitals_and_accents_aside(
    engine: Engine, alumni: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        names = search_directory(session, DirectoryQuery(), user=FACILITATOR).results["name"].tolist()
    expected = ["Aziz Rahman", "Ben Carter", "émile Roux", "Jordan Lee", "Koffi Mensah", "Lin Aung", "Mysha Khan"]
    assert names == expected + ["Rami Haddad", "Somchai Prasert", "Thanh Nguyen"]  # by hand


def test_names_are_still_found_and_words_in_lower_case_are_not_codes(engine: Engine, alumni: dict[str, int]) -> None:
    # "Jordan" is a name and a country: both, as before.
    assert _found(engine, "Jordan") == {alumni["Jordan Lee"], alumni["Rami Haddad"]}
    # In lower case or capitalised a word is a word: "tha", "ben", "Ben" are not Thailand or Benin.
    assert _found(engine, "tha") == {alumni["Thanh Nguyen"]}
    assert _found(engine, "ben") == {alumni["Ben Carter"]}
    assert _found(engine, "Ben") == {alumni["Ben Carter"]}
    assert _found(engine, "BEN") == {alumni["Ben Carter"]} | _of_country(engine, "BEN")
    # Two letters are never a code ("TH", "MY" are words too), nor three capitals that name no country.
    assert _found(engine, "TH") == {alumni["Thanh Nguyen"]}
    assert _found(engine, "XYZ") == set()


def _module(session: Session) -> Module:
    """Course RC and its Module 1 (4-8 May 2020), flushed: the module the lists below are of."""
    course = Course(code="RC", title="Regional course", start_year=2020)
    session.add(course)
    session.flush()
    module = Module(course_id=course.id, number=1, title="M1", start_date=date(2020, 5, 4), end_date=date(2020, 5, 8))
    session.add(module)
    session.flush()
    return module

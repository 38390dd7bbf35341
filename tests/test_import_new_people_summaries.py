"""An import's new people: their reach summary rows are written with them (summaries/new_people.py), not regrouped
from the raw rows at the commit. The rows must be those the raw rows give, on both databases, whatever the list
(registration, participants with an Attended column, attendance days, roles, consent, known organisations), and
an import must stay one transaction that undo takes back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import summaries
from programme.core.db import session_scope
from programme.core.freshness import PEOPLE_SCOPE, module_scope
from programme.importing import (
    ImportPlan,
    apply_plan,
    build_plan,
    detect_mapping,
    file_hash,
    read_participant_sheet,
    undo_batch,
)
from programme.importing.lists import ListKind
from programme.models import (
    DataVersion,
    ImportBatch,
    Module,
    Organisation,
    Participation,
    Person,
    ReachModule,
    ReachModuleStage,
    ReachPerson,
    ReachPersonYear,
    ReachYear,
)
from programme.summaries import new_people

SUMMARY_TABLES = (ReachPerson, ReachPersonYear, ReachYear, ReachModule, ReachModuleStage)


def a_module(engine: Engine) -> int:
    """A demo module with a start date (the first by id)."""
    with Session(engine) as session:
        return session.scalars(sa.select(Module.id).where(Module.start_date.is_not(None)).order_by(Module.id)).first()


def a_known_organisation(engine: Engine) -> tuple[str, str]:
    """An organisation of the demo with a type and a country: (name, country's name as a list gives it)."""
    with Session(engine) as session:
        organisation = session.scalars(
            sa.select(Organisation)
            .where(Organisation.org_type.is_not(None), Organisation.country == "PHL")
            .order_by(Organisation.id)
        ).first()
    assert organisation is not None
    return organisation.name, "Philippines"


def plan_list(session: Session, data: bytes, module_id: int, list_kind: ListKind | None = None) -> ImportPlan:
    """The import's plan of a CSV list for the module, as the import page makes it."""
    table = read_participant_sheet(data, "list.csv")
    return build_plan(
        session,
        table=table,
        mapping=detect_mapping(table.columns),
        module=session.get(Module, module_id),
        file_name="list.csv",
        file_hash=file_hash(data),
        list_kind=list_kind,
    )


def import_list(engine: Engine, data: bytes, module_id: int, list_kind: ListKind | None = None) -> int:
    with session_scope(engine) as session:
        plan = plan_list(session, data, module_id, list_kind)
        assert not plan.errors
        return apply_plan(session, plan=plan, username="tester").batch_id


def snapshot(engine: Engine) -> dict[str, set[tuple]]:
    """Every row of the person-level and year summaries (booleans and integers compared as Python sees them)."""
    with Session(engine) as session:
        return {
            table.__tablename__: {
                tuple(int(v) if isinstance(v, bool) else v for v in row)
                for row in session.execute(sa.select(table.__table__))
            }
            for table in SUMMARY_TABLES
        }


def rebuilt(engine: Engine) -> dict[str, set[tuple]]:
    """The same tables recomputed from the raw rows by the rebuild (the statements the upkeep ran before), rolled back."""
    with Session(engine) as session:
        summaries.rebuild(session, ["reach"])
        session.flush()
        rows = {
            table.__tablename__: {
                tuple(int(v) if isinstance(v, bool) else v for v in row)
                for row in session.execute(sa.select(table.__table__))
            }
            for table in SUMMARY_TABLES
        }
        session.rollback()
    return rows


def differences(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return summaries.check(session)["reach"]


def people_version(engine: Engine) -> int:
    with Session(engine) as session:
        stored = session.get(DataVersion, PEOPLE_SCOPE)
        return stored.version if stored else 0


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Person, Organisation, Participation, ImportBatch, *SUMMARY_TABLES)
        }


def participants_list(organisation: str, country: str) -> bytes:
    """New people of every kind the person-level rows tell apart: taking part or not (Attended No), with and
    without a gender, organisation type or nationality, an organisation the database knows, consent to be listed."""
    return (
        "Name,E-mail,Gender,Nationality,Country of work,Organisation,Type of organisation,Attended,"
        "I agree to be listed in the alumni directory\n"
        f"Zebulon Quartermaine,zq@example.org,F,{country},{country},{organisation},,Yes,Yes\n"
        "Ottilie Vanderholt,ov@example.org,M,Nepal,Qatar,GEFONT Benchmark Union,Trade union,No,No\n"
        "Ignatius Pemberton-Lowe,ipl@example.org,,,,,,Yes,\n"
        "Wilhelmina Castellanos,wc@example.org,Female,Malaysia,,Tenaganita Test,NGO,Yes,Yes\n"
    ).encode()


@pytest.fixture
def module_id(demo_engine: Engine) -> int:
    return a_module(demo_engine)


def test_the_rows_written_with_the_new_people_are_those_the_raw_rows_give(demo_engine: Engine, module_id: int) -> None:
    name, country = a_known_organisation(demo_engine)
    before_version = people_version(demo_engine)
    with Session(demo_engine) as session:
        before_individuals = len(
            set(session.scalars(sa.select(Participation.person_id).where(Participation.attended.is_(True))))
        )
    import_list(demo_engine, participants_list(name, country), module_id)
    assert differences(demo_engine) == []
    assert snapshot(demo_engine) == rebuilt(demo_engine)
    # Counted independently: three of the four took part (one said No), each a new individual.
    with Session(demo_engine) as session:
        after_individuals = len(
            set(session.scalars(sa.select(Participation.person_id).where(Participation.attended.is_(True))))
        )
        year_rows = session.execute(sa.select(ReachYear).where(ReachYear.dimension == "all")).scalars().all()
        new_rows = (
            session.execute(
                sa.select(ReachPerson)
                .join(Person, Person.id == ReachPerson.person_id)
                .where(Person.email.in_(["zq@example.org", "ov@example.org", "ipl@example.org", "wc@example.org"]))
            )
            .scalars()
            .all()
        )
    assert after_individuals == before_individuals + 3
    assert sorted((row.modules, row.listed) for row in new_rows) == [(0, False), (1, False), (1, True), (1, True)]
    assert sum(row.individuals for row in year_rows) >= 3
    # The people's caches move although no known person changed.
    assert people_version(demo_engine) == before_version + 1


def test_a_registration_list_and_an_attendance_sheet_keep_the_rows_true(demo_engine: Engine, module_id: int) -> None:
    registration = (
        b"Timestamp,Full name,Email address,Gender,Nationality\n"
        b"2024-01-02 10:00,Araminta Fothergill,af@example.org,F,Philippines\n"
        b"2024-01-02 10:05,Bartholomew Quince,bq@example.org,M,Nepal\n"
    )
    import_list(demo_engine, registration, module_id, ListKind.REGISTRATION)
    assert differences(demo_engine) == []
    assert snapshot(demo_engine) == rebuilt(demo_engine)
    with Session(demo_engine) as session:
        registered_only = session.execute(
            sa.select(ReachPerson.registered_only, ReachPerson.modules)
            .join(Person, Person.id == ReachPerson.person_id)
            .where(Person.email.in_(["af@example.org", "bq@example.org"]))
        ).all()
    assert sorted(registered_only) == [(True, 0), (True, 0)]
    # The attendance sheet: one of the registered (now known) and two new people, one present no day.
    attendance = (
        b"Full name,Email,Nationality,Day 1,Day 2\n"
        b"Araminta Fothergill,af@example.org,Philippines,x,x\n"
        b"Cornelius Ashdown,ca@example.org,Kenya,x,\n"
        b"Delphine Marchbanks,dm@example.org,Kenya,,\n"
    )
    import_list(demo_engine, attendance, module_id, ListKind.ATTENDANCE)
    assert differences(demo_engine) == []
    assert snapshot(demo_engine) == rebuilt(demo_engine)


def test_a_new_person_changed_again_before_the_commit_is_recomputed(demo_engine: Engine, module_id: int) -> None:
    data = b"Name,E-mail,Gender,Nationality\nPrudence Ellingham,pe@example.org,F,Philippines\n"
    with session_scope(demo_engine) as session:
        plan = plan_list(session, data, module_id)
        apply_plan(session, plan=plan, username="tester")
        person = session.scalars(sa.select(Person).where(Person.email == "pe@example.org")).one()
        person.gender = "male"
        person.nationality = "KEN"
        session.add(person)
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        row = session.scalars(
            sa.select(ReachPerson)
            .join(Person, Person.id == ReachPerson.person_id)
            .where(Person.email == "pe@example.org")
        ).one()
    assert (row.gender, row.nationality) == ("male", "KEN")


def test_a_failure_while_writing_the_summaries_leaves_nothing(
    demo_engine: Engine, module_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, snapshot_before = counts(demo_engine), snapshot(demo_engine)
    written = new_people.write

    def failing(session: Session, people: new_people.NewPeople, facts: new_people.ModuleFacts, **options: bool) -> None:
        written(
            session, people, facts, **options
        )  # the people, participations and summary rows are queued or written...
        raise RuntimeError("disk full")  # ... and then the import fails

    monkeypatch.setattr(new_people, "write", failing)
    name, country = a_known_organisation(demo_engine)
    with pytest.raises(RuntimeError, match="disk full"):
        import_list(demo_engine, participants_list(name, country), module_id)
    assert counts(demo_engine) == before
    assert snapshot(demo_engine) == snapshot_before
    assert differences(demo_engine) == []


def test_a_failed_summary_write_on_the_writing_thread_leaves_nothing(
    demo_engine: Engine, module_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk write that fails in the database (here a duplicate key in reach_person_year) rolls everything back."""
    before, snapshot_before = counts(demo_engine), snapshot(demo_engine)
    original = new_people.write_columns

    def doubled(session: Session, table_name: str, columns: dict) -> int:
        if table_name == ReachPersonYear.__tablename__:
            columns = {
                name: (values + values if isinstance(values, list) else values) for name, values in columns.items()
            }
        return original(session, table_name, columns)

    monkeypatch.setattr(new_people, "write_columns", doubled)
    name, country = a_known_organisation(demo_engine)
    # The driver's own error (SQLite's IntegrityError, psycopg's UniqueViolation): the bulk writes use its connection.
    with pytest.raises(Exception, match="reach_person_year"):
        import_list(demo_engine, participants_list(name, country), module_id)
    assert counts(demo_engine) == before
    assert snapshot(demo_engine) == snapshot_before


def test_undo_after_the_import_puts_the_summaries_back(demo_engine: Engine, module_id: int) -> None:
    before = snapshot(demo_engine)
    name, country = a_known_organisation(demo_engine)
    batch_id = import_list(demo_engine, participants_list(name, country), module_id)
    assert snapshot(demo_engine) != before
    with session_scope(demo_engine) as session:
        undo_batch(session, batch_id=batch_id, username="tester")
    assert snapshot(demo_engine) == before
    assert differences(demo_engine) == []


def module_version(engine: Engine, module_id: int) -> int:
    with Session(engine) as session:
        stored = session.get(DataVersion, module_scope(module_id))
        return stored.version if stored else 0


def test_only_new_people_move_their_module_rows_and_its_cached_figures(demo_engine: Engine, module_id: int) -> None:
    """A list of new people only, into a module that has participants already: its reach_module and
    reach_module_stage rows move by theirs (not recomputed), and come out as the raw rows give them."""
    with Session(demo_engine) as session:
        before_rows = session.scalar(
            sa.select(ReachModule.people).where(
                ReachModule.module_id == module_id, ReachModule.dimension == "all", ReachModule.value == ""
            )
        )
        took_part = session.scalar(
            sa.select(sa.func.count())
            .select_from(Participation)
            .where(Participation.module_id == module_id, Participation.attended.is_(True))
        )
    assert before_rows == took_part and took_part > 0  # a module with people already
    version = module_version(demo_engine, module_id)
    name, country = a_known_organisation(demo_engine)
    import_list(demo_engine, participants_list(name, country), module_id)
    assert differences(demo_engine) == []
    assert snapshot(demo_engine) == rebuilt(demo_engine)
    with Session(demo_engine) as session:
        after_rows = session.scalar(
            sa.select(ReachModule.people).where(
                ReachModule.module_id == module_id, ReachModule.dimension == "all", ReachModule.value == ""
            )
        )
    assert after_rows == took_part + 3
    assert module_version(demo_engine, module_id) == version + 1


def test_a_module_changed_otherwise_in_the_same_transaction_is_recomputed(demo_engine: Engine, module_id: int) -> None:
    name, country = a_known_organisation(demo_engine)
    data = participants_list(name, country)
    with session_scope(demo_engine) as session:
        plan = plan_list(session, data, module_id)
        apply_plan(session, plan=plan, username="tester")
        # Someone already in the module is marked absent in the same transaction (an ORM change: noticed).
        earlier = session.scalars(
            sa.select(Participation)
            .where(Participation.module_id == module_id, Participation.attended.is_(True))
            .order_by(Participation.id)
        ).first()
        earlier.attended = False
        session.add(earlier)
    assert differences(demo_engine) == []
    assert snapshot(demo_engine) == rebuilt(demo_engine)

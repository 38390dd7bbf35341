"""The scale demo: proportions, integrity, determinism across backends, and the CLI flag."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.cli import main
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.demo.scale import BIG_TABLES, load_scale

PEOPLE = 2_000
SEED = 11

# Figures that must agree between two loads of the same seed, whatever the backend.
FINGERPRINT = {
    "people": "SELECT COUNT(*) FROM person",
    "participations": "SELECT COUNT(*) FROM participation",
    "answers": "SELECT COUNT(*) FROM evaluation_answer",
    "responses": "SELECT COUNT(*) FROM evaluation_response",
    "sessions": "SELECT COUNT(*) FROM agenda_session",
    "modules": "SELECT COUNT(*) FROM module",
    "courses": "SELECT COUNT(*) FROM course",
    "organisations": "SELECT COUNT(*) FROM organisation",
    "network_members": "SELECT COUNT(*) FROM network_member",
    "rating_sum": "SELECT SUM(rating) FROM evaluation_answer",
    "person_module_sum": "SELECT SUM(person_id * 7 + module_id) FROM participation",
    "completed": "SELECT COUNT(*) FROM participation WHERE completed",
    "listed": "SELECT COUNT(*) FROM person WHERE consent_listed",
    "emails": "SELECT COUNT(DISTINCT email) FROM person",
    "last_module_start": "SELECT MAX(start_date) FROM module",
}


def fingerprint(engine: Engine) -> dict[str, str]:
    """Return the figures as text: PostgreSQL returns dates where SQLite returns their ISO text."""
    with engine.connect() as connection:
        return {key: str(connection.exec_driver_sql(sql).scalar()) for key, sql in FINGERPRINT.items()}


def load(engine: Engine, people: int = PEOPLE, seed: int = SEED) -> dict[str, int]:
    with session_scope(engine) as session:
        return load_scale(session, people=people, seed=seed)


def scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(sql).scalar()


# Every foreign key the generator writes, as (child table, column, parent table).
REFERENCES = [
    ("person", "organisation_id", "organisation"),
    ("course_partner", "course_id", "course"),
    ("course_partner", "organisation_id", "organisation"),
    ("module", "course_id", "course"),
    ("participation", "person_id", "person"),
    ("participation", "module_id", "module"),
    ("agenda_session", "module_id", "module"),
    ("session_topic", "session_id", "agenda_session"),
    ("session_topic", "topic_id", "topic"),
    ("session_facilitator", "session_id", "agenda_session"),
    ("session_facilitator", "person_id", "person"),
    ("evaluation_form", "module_id", "module"),
    ("evaluation_question", "form_id", "evaluation_form"),
    ("evaluation_question", "session_id", "agenda_session"),
    ("evaluation_response", "form_id", "evaluation_form"),
    ("evaluation_response", "person_id", "person"),
    ("evaluation_answer", "response_id", "evaluation_response"),
    ("evaluation_answer", "question_id", "evaluation_question"),
    ("network_member", "network_id", "network"),
    ("network_member", "person_id", "person"),
    ("outcome", "person_id", "person"),
]


def test_scale_demo_holds_its_proportions_on_each_backend(engine: Engine, tmp_path: Path) -> None:
    counts = load(engine)
    assert counts["person"] == scalar(engine, "SELECT COUNT(*) FROM person") == PEOPLE
    participations = counts["participation"]
    assert 3.8 * PEOPLE <= participations <= 4.2 * PEOPLE  # about four per person
    assert scalar(engine, "SELECT COUNT(*) FROM (SELECT DISTINCT person_id, module_id FROM participation) d") == (
        participations
    )
    assert scalar(engine, "SELECT MIN(n) FROM (SELECT COUNT(*) n FROM participation GROUP BY person_id) d") >= 1
    assert 9.5 <= counts["evaluation_answer"] / participations <= 10.5  # about ten answers per participation
    module_mean = participations / counts["module"]
    assert 30 <= module_mean <= 40
    assert scalar(engine, "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM participation GROUP BY module_id) d") <= 45
    sizes = "SELECT COUNT(*) n FROM agenda_session GROUP BY module_id"
    assert scalar(engine, f"SELECT MIN(n) FROM ({sizes}) d") >= 10
    assert scalar(engine, f"SELECT MAX(n) FROM ({sizes}) d") <= 16
    # Every session has a facilitator; every rated session belongs to the form's own module.
    assert counts["session_facilitator"] == counts["agenda_session"]
    assert (
        scalar(
            engine,
            "SELECT COUNT(*) FROM evaluation_question q JOIN evaluation_form f ON f.id = q.form_id "
            "JOIN agenda_session s ON s.id = q.session_id WHERE s.module_id <> f.module_id",
        )
        == 0
    )
    assert scalar(engine, "SELECT COUNT(*) FROM evaluation_question WHERE session_id IS NOT NULL") == (
        9 * counts["evaluation_form"]
    )
    assert scalar(engine, "SELECT MIN(rating) FROM evaluation_answer") == 1
    assert scalar(engine, "SELECT MAX(rating) FROM evaluation_answer") == 5
    for child, column, parent in REFERENCES:
        orphans = scalar(
            engine,
            f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} "
            f"WHERE c.{column} IS NOT NULL AND p.id IS NULL",
        )
        assert orphans == 0, f"{child}.{column} points outside {parent}"
    # The same seed gives the same rows on a fresh SQLite file, whichever backend this run was on.
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    schema.upgrade(reference)
    load(reference)
    assert fingerprint(engine) == fingerprint(reference)


def index_names(engine: Engine) -> dict[str, set[str]]:
    inspector = sa.inspect(engine)
    return {table: {index["name"] for index in inspector.get_indexes(table)} for table in BIG_TABLES}


def test_ids_continue_and_indexes_return_after_the_scale_demo(engine: Engine) -> None:
    """The indexes dropped for the load are back; PostgreSQL's sequences moved past the explicit ids."""
    before = index_names(engine)
    assert before["evaluation_answer"] and before["participation"]
    counts = load(engine, people=50)
    assert index_names(engine) == before
    with engine.begin() as connection:
        new_id = connection.execute(
            sa.text("INSERT INTO course (code, title, scope) VALUES ('NEW', 'New course', 'regional') RETURNING id")
        ).scalar()
    assert new_id == counts["course"] + 1


def test_another_seed_gives_another_programme(tmp_path: Path) -> None:
    first, second = (make_engine(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db"))
    for engine, seed in ((first, 1), (second, 2)):
        schema.upgrade(engine)
        load(engine, people=300, seed=seed)
    assert fingerprint(first)["person_module_sum"] != fingerprint(second)["person_module_sum"]


def test_scale_demo_refuses_a_database_that_holds_data(demo_engine: Engine) -> None:
    before = scalar(demo_engine, "SELECT COUNT(*) FROM person")
    with session_scope(demo_engine) as session, pytest.raises(ProgrammeError, match="already holds data"):
        load_scale(session, people=100, seed=1)
    assert scalar(demo_engine, "SELECT COUNT(*) FROM person") == before


def test_cli_people_flag_builds_and_then_refuses(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--people", "500", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "100%" in out
    assert "500 people" in out
    engine = make_engine(sqlite_url)
    assert scalar(engine, "SELECT COUNT(*) FROM person") == 500
    assert scalar(engine, "SELECT value FROM app_setting WHERE key = 'demo_data'") == "yes"
    assert main(["demo", "--people", "500"]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert scalar(engine, "SELECT COUNT(*) FROM person") == 500


def test_cli_refuses_a_number_of_people_out_of_range(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--people", "0"]) == 1
    assert "--people must be between 1" in capsys.readouterr().err
    assert scalar(make_engine(sqlite_url), "SELECT COUNT(*) FROM person") == 0

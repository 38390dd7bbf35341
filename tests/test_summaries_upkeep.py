"""The upkeep of the summaries: what a transaction touched moves at its commit, nothing at a rollback, and only the
modules it touched (programme/summaries/upkeep.py). The figures themselves are checked in the summaries' own tests."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.cli import main
from programme.models import DataVersion, Module, Participation, Person
from programme.summaries import PEOPLE_SCOPE, check, settle, touch


def versions(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(sa.select(DataVersion.scope, DataVersion.version)).all())


def two_modules(engine: Engine) -> tuple[int, int, int]:
    """Two modules of the demo and one person who took part in the first only."""
    with Session(engine) as session:
        first, second = session.scalars(sa.select(Module.id).order_by(Module.id).limit(2)).all()
        person = session.scalars(
            sa.select(Participation.person_id)
            .where(Participation.module_id == first)
            .where(
                ~Participation.person_id.in_(
                    sa.select(Participation.person_id).where(Participation.module_id == second)
                )
            )
            .limit(1)
        ).one()
    return first, second, person


def test_an_orm_change_moves_its_module_and_people_at_commit_and_no_other_module(demo_engine: Engine) -> None:
    first, second, person = two_modules(demo_engine)
    before = versions(demo_engine)
    with Session(demo_engine) as session:
        participation = session.scalars(
            sa.select(Participation).where(Participation.module_id == first, Participation.person_id == person)
        ).one()
        participation.completed = not participation.completed
        session.commit()
    after = versions(demo_engine)
    assert after[f"module:{first}"] == before[f"module:{first}"] + 1
    assert after[f"module:{second}"] == before[f"module:{second}"]
    assert after[PEOPLE_SCOPE] == before[PEOPLE_SCOPE] + 1


def test_a_person_edit_moves_every_module_they_took_part_in(demo_engine: Engine) -> None:
    first, second, person = two_modules(demo_engine)
    with Session(demo_engine) as session:
        theirs = set(session.scalars(sa.select(Participation.module_id).where(Participation.person_id == person)))
    before = versions(demo_engine)
    with Session(demo_engine) as session:
        session.get(Person, person).position = "Coordinator"
        session.commit()
    after = versions(demo_engine)
    moved = {scope for scope in after if scope.startswith("module:") and after[scope] != before.get(scope)}
    assert moved == {f"module:{module}" for module in theirs}
    assert f"module:{second}" not in moved


def test_a_rollback_forgets_what_was_touched(demo_engine: Engine) -> None:
    first, _second, _person = two_modules(demo_engine)
    before = versions(demo_engine)
    with Session(demo_engine) as session:
        touch(session, modules=[first])
        session.rollback()
        session.commit()  # a later commit in the same session carries nothing of the rolled-back work
    assert versions(demo_engine) == before


def test_a_bulk_write_that_touches_moves_its_module(demo_engine: Engine) -> None:
    first, second, _person = two_modules(demo_engine)
    before = versions(demo_engine)
    with Session(demo_engine) as session:
        session.execute(sa.update(Participation).where(Participation.module_id == second).values(completed=True))
        touch(session, modules=[second])
        session.commit()
    after = versions(demo_engine)
    assert after[f"module:{second}"] == before[f"module:{second}"] + 1
    assert after[f"module:{first}"] == before[f"module:{first}"]


def test_rebuild_summaries_from_the_command_line(demo_sqlite_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    assert main(["rebuild-summaries", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rebuilt"] is True
    assert report["differences"] == {}
    assert report["modules"] > 0
    assert main(["rebuild-summaries", "--check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rebuilt"] is False


@pytest.mark.parametrize("flag", [[], ["--check"]])
def test_rebuild_summaries_on_an_empty_database(sqlite_url: str, monkeypatch, capsys, flag: list[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["rebuild-summaries", *flag]) == 0
    assert "Every summary equals" in capsys.readouterr().out


def test_two_saves_in_one_module_at_once_both_commit_and_keep_the_summaries_true(demo_engine: Engine) -> None:
    """Two facilitators saving attendance in the same module at the same moment: the second's upkeep waits for the
    first's commit (PostgreSQL; SQLite lets one writer at a time in), then both changes are kept and the summaries
    agree with the raw rows."""
    if demo_engine.dialect.name != "postgresql":
        pytest.skip("SQLite admits one writing transaction at a time")
    first, _second, _person = two_modules(demo_engine)
    with Session(demo_engine) as session:
        a, b = session.scalars(sa.select(Participation.id).where(Participation.module_id == first).limit(2)).all()
        was = {pid: session.get(Participation, pid).attended for pid in (a, b)}
    failures: list[BaseException] = []

    def save_b() -> None:
        try:
            with Session(demo_engine) as other:
                other.get(Participation, b).attended = not was[b]
                other.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    with Session(demo_engine) as session:
        session.get(Participation, a).attended = not was[a]
        session.flush()
        settle(session)  # this transaction's upkeep is done, not committed
        worker = threading.Thread(target=save_b)
        worker.start()
        # The other save is waiting on this transaction (its upkeep, or its rows) before this one commits.
        deadline = time.monotonic() + 30
        waiting = 0
        while not waiting and time.monotonic() < deadline and worker.is_alive():
            with demo_engine.connect() as probe:
                waiting = probe.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                )
            time.sleep(0.05)
        assert waiting, "the other save never waited"
        session.commit()
    worker.join(timeout=60)
    assert failures == []
    with Session(demo_engine) as session:
        assert {pid: session.get(Participation, pid).attended for pid in (a, b)} == {a: not was[a], b: not was[b]}
        assert check(session) == {"evaluations": [], "reach": []}

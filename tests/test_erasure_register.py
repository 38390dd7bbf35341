"""The register of erasures: a record erased after a backup was made is erased again when that backup is restored,
and only that record; a rolled back erasure is not noted; the register holds no name or contact.
(programme/access/erasure_register.py)"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.access.backup import backup, restore
from programme.access.erasure import forget_person
from programme.access.erasure_register import ENV, noted, register_path, stamp
from programme.cli import main
from programme.core.db import is_sqlite, make_engine, session_scope
from programme.models import AuditEntry, Person
from tests.conftest import empty_database


@pytest.fixture
def target(demo_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the demo's kind to restore into (on PostgreSQL kept for the next test: empty_database)."""
    if is_sqlite(demo_engine):
        made = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        yield made
        made.dispose()
        return
    made = empty_database(demo_engine, "erasures")
    yield made
    made.dispose()


def _someone(engine: Engine) -> tuple[int, str, str]:
    """A person of the demo with a name and an e-mail, not erased: (id, full name, e-mail)."""
    with session_scope(engine) as session:
        person = session.scalars(
            sa.select(Person).where(Person.erased_at.is_(None), Person.email.is_not(None)).order_by(Person.id).limit(1)
        ).one()
        return person.id, person.full_name, person.email


def _erased(engine: Engine) -> set[int]:
    with session_scope(engine) as session:
        return set(session.scalars(sa.select(Person.id).where(Person.erased_at.is_not(None))))


def test_a_backup_made_before_an_erasure_is_restored_with_that_record_erased_again(
    demo_engine: Engine, target: Engine, tmp_path: Path, erasure_register: Path
) -> None:
    before = _erased(demo_engine)
    out = backup(demo_engine, tmp_path / "monday.bin", by="tester")
    person_id, name, email = _someone(demo_engine)
    with session_scope(demo_engine) as session:
        forget_person(session, person_id=person_id, by="tester")
    # The register: one line, the record's number and times, nothing that names the person.
    text = erasure_register.read_text()
    assert name not in text and email not in text
    assert [line["person"] for line in noted(erasure_register)] == [person_id]

    assert restore(target, out, by="admin") == 1
    assert _erased(target) == before | {person_id}
    with session_scope(target) as session:
        person = session.get(Person, person_id)
        assert person.email is None and name not in person.full_name
        summaries = session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.action == "erase")).all()
        assert any("erased again on its restore" in summary for summary in summaries)
    # The erasure done by the restore is not noted a second time.
    assert len(noted(erasure_register)) == 1


def test_a_register_line_leaves_alone_another_record_of_the_same_number(
    demo_engine: Engine, target: Engine, tmp_path: Path, erasure_register: Path
) -> None:
    out = backup(demo_engine, tmp_path / "monday.bin", by="tester")
    person_id, name, _ = _someone(demo_engine)
    with session_scope(demo_engine) as session:
        created = session.get(Person, person_id).created_at
    # Another database's record numbered the same, created a second earlier.
    other = created.replace(second=(created.second + 59) % 60)
    line = {"person": person_id, "created": stamp(other), "erased": stamp(created)}
    erasure_register.write_text(json.dumps(line) + "\nnot a line of the register\n")
    assert restore(target, out, by="admin") == 0
    with session_scope(target) as session:
        assert session.get(Person, person_id).full_name == name


def test_a_rolled_back_erasure_is_not_noted(engine: Engine, erasure_register: Path) -> None:
    with session_scope(engine) as session:
        person = Person(full_name="Maria Santos", name_key="maria santos", email="maria@example.org")
        session.add(person)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        forget_person(session, person_id=person.id, by="tester")
        raise RuntimeError("the page failed before the commit")
    assert not erasure_register.exists()
    with session_scope(engine) as session:
        assert session.get(Person, person.id).erased_at is None
        forget_person(session, person_id=person.id, by="tester")
    assert [line["person"] for line in noted(erasure_register)] == [person.id]


def test_the_register_sits_beside_a_sqlite_database_file(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV)
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        path = register_path(session)
    database = Path(sqlite_url.split("///", 1)[1])
    assert path == database.with_name(database.name + ".erasures")
    engine.dispose()


def test_cli_restore_says_how_many_records_it_erased_again(
    demo_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_engine(demo_sqlite_url)
    out = backup(source, tmp_path / "monday.db", by="tester")
    first, _, _ = _someone(source)
    with session_scope(source) as session:
        second = session.scalar(
            sa.select(Person.id).where(Person.erased_at.is_(None), Person.id != first).order_by(Person.id).limit(1)
        )
        forget_person(session, person_id=first, by="tester")
        forget_person(session, person_id=second, by="tester")
    source.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["restore", str(out)]) == 0
    said = capsys.readouterr().out
    assert "2 records erased since the backup was made were erased again" in said


# Computer B: an empty database to restore into (fresh(kind, name, postgres): on PostgreSQL a database of its own
# beside the engine postgres's, kept for the next test: empty_database).
Fresh = Callable[[str, str, Engine | None], Engine]


@pytest.fixture
def computer_b(tmp_path: Path) -> Iterator[Fresh]:
    made: list[Engine] = []

    def fresh(kind: str, name: str, postgres: Engine | None) -> Engine:
        if kind == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
        else:
            assert postgres is not None
            engine = empty_database(postgres, name)
        made.append(engine)
        return engine

    yield fresh
    for engine in made:
        engine.dispose()


def _register_rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT key, value FROM app_setting WHERE key LIKE 'erasure:%' ORDER BY key"))
        return [(key, value) for key, value in rows]


def _erase_on_a(
    source: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noted_by: str
) -> tuple[Path, Path, int, str]:
    """On computer A (its own register): a backup, an erasure, a second backup; return (older backup, newer backup,
    the record erased, its former name)."""
    monkeypatch.setenv(ENV, str(tmp_path / "a.erasures"))
    older = backup(source, tmp_path / "monday.bin", by="tester")
    person_id, name, email = _someone(source)
    with session_scope(source) as session:
        forget_person(session, person_id=person_id, by="tester")
    if noted_by == "the file only":  # an erasure made by an earlier version: in the file beside A's database only
        with source.begin() as connection:
            connection.execute(sa.text("DELETE FROM app_setting WHERE key LIKE 'erasure:%'"))
    newer = backup(source, tmp_path / "tuesday.bin", by="tester")
    # What the backup carries of the register names no one: the record's number and two times.
    carried = _register_rows(source)
    assert [key.split(":")[1] for key, _ in carried] == [str(person_id)]
    assert not any(part in f"{carried}" for part in (name, email, *name.split()))
    return older, newer, person_id, name


def _erased_on_b_after_both_restores(
    first: Engine, second: Engine, older: Path, newer: Path, person_id: int, name: str, register_b: Path
) -> None:
    # B's register is empty: the newer backup brings the erasure with it...
    assert not register_b.exists()
    assert restore(first, newer, by="admin") == 0
    assert person_id in _erased(first)
    assert [line["person"] for line in noted(register_b)] == [person_id]
    # ...so the older backup, restored on B afterwards, loses the person again.
    assert restore(second, older, by="admin") == 1
    assert person_id in _erased(second)
    with session_scope(second) as session:
        person = session.get(Person, person_id)
        assert person.email is None and person.full_name != name
    # And a backup of B carries the erasure on.
    assert [key.split(":")[1] for key, _ in _register_rows(second)] == [str(person_id)]


@pytest.mark.parametrize("noted_by", ["this version", "the file only"])
def test_an_erasure_travels_with_a_backup_to_another_computer(
    demo_engine: Engine,
    computer_b: Fresh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    noted_by: str,
) -> None:
    older, newer, person_id, name = _erase_on_a(demo_engine, tmp_path, monkeypatch, noted_by)
    register_b = tmp_path / "b.erasures"
    monkeypatch.setenv(ENV, str(register_b))  # computer B: a register of its own, empty
    kind, postgres = ("sqlite", None) if is_sqlite(demo_engine) else ("postgresql", demo_engine)
    first, second = computer_b(kind, "b_first", postgres), computer_b(kind, "b_second", postgres)
    _erased_on_b_after_both_restores(first, second, older, newer, person_id, name, register_b)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set")
@pytest.mark.parametrize("direction", ["laptop to team", "team to laptop"])
def test_an_erasure_travels_with_a_backup_carried_to_the_other_kind_of_database(
    demo_sqlite_url: str,
    postgres_engine: Engine,
    computer_b: Fresh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    direction: str,
) -> None:
    from tests.conftest import load_demo_copy

    if direction == "laptop to team":
        source, kind = make_engine(demo_sqlite_url), "postgresql"
    else:
        load_demo_copy(postgres_engine)
        source, kind = postgres_engine, "sqlite"
    older, newer, person_id, name = _erase_on_a(source, tmp_path, monkeypatch, "this version")
    if direction == "laptop to team":
        source.dispose()
    register_b = tmp_path / "b.erasures"
    monkeypatch.setenv(ENV, str(register_b))
    first, second = computer_b(kind, "b_first", postgres_engine), computer_b(kind, "b_second", postgres_engine)
    _erased_on_b_after_both_restores(first, second, older, newer, person_id, name, register_b)

"""A register of erasures that cannot be written is said, not only logged: a restore whose file beside the database
cannot take the backup's lines says that those erasures are kept only in the database (a restore of an older backup
there would bring the people back) and how to mend it; the next backup, once the file can be written, completes it.
(programme/access/erasure_register.py: unwritten_sentence; restore.restored_sentence; the backup and restore
commands.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from programme.access.backup import backup
from programme.access.erasure import forget_person
from programme.access.erasure_register import ENV, noted
from programme.access.restore import restored_sentence
from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.models import Person


def _backup_carrying_one_erasure(demo_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """On computer A: erase one person, then back up (the backup carries the register's line); return the record."""
    monkeypatch.setenv(ENV, str(tmp_path / "a.erasures"))
    source = make_engine(demo_sqlite_url)
    with session_scope(source) as session:
        person_id = session.scalar(sa.select(Person.id).where(Person.erased_at.is_(None)).order_by(Person.id).limit(1))
        forget_person(session, person_id=person_id, by="tester")
    backup(source, tmp_path / "tuesday.db", by="tester")
    source.dispose()
    return int(person_id)


def test_a_restore_that_cannot_write_the_register_says_so_and_a_later_backup_completes_it(
    demo_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    person_id = _backup_carrying_one_erasure(demo_sqlite_url, tmp_path, monkeypatch)
    # Computer B: its register's folder is a file, so the register cannot be written there.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv(ENV, str(blocked / "b.erasures"))
    target_url = f"sqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setenv("DATABASE_URL", target_url)
    assert main(["init"]) == 0
    capsys.readouterr()

    assert main(["restore", str(tmp_path / "tuesday.db")]) == 0  # the restore itself is done
    said = capsys.readouterr()
    assert "could not be written: 1 erasure is kept only in the database" in said.err
    assert str(blocked / "b.erasures") in said.err
    target = make_engine(target_url)
    assert "1 erasure is kept only in the database" in restored_sentence(target, 0)
    with session_scope(target) as session:
        assert session.get(Person, person_id).erased_at is not None

    # Once the register can be written, the next backup completes it, and nothing more is said.
    writable = tmp_path / "b-fixed.erasures"
    monkeypatch.setenv(ENV, str(writable))
    assert main(["backup", str(tmp_path / "wednesday.db")]) == 0
    said = capsys.readouterr()
    assert "Backup written" in said.out and "could not be written" not in said.err
    assert [line["person"] for line in noted(writable)] == [person_id]
    assert "kept only in the database" not in restored_sentence(target, 0)
    target.dispose()


def test_a_restore_whose_register_is_written_says_nothing_of_it(
    demo_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    person_id = _backup_carrying_one_erasure(demo_sqlite_url, tmp_path, monkeypatch)
    register_b = tmp_path / "b.erasures"
    monkeypatch.setenv(ENV, str(register_b))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    assert main(["init"]) == 0
    assert main(["restore", str(tmp_path / "tuesday.db")]) == 0
    assert "could not be written" not in capsys.readouterr().err
    assert [line["person"] for line in noted(register_b)] == [person_id]

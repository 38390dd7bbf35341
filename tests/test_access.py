"""Accounts, erasure, the audit trail, backups and concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import sys
import types
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import Session

from programme.access import accounts, throttle
from programme.access.backup import backup, restore
from programme.access.erasure import forget_person
from programme.access.restore import restore_refusal, restored_sentence
from programme.cli import main
from programme.core.db import is_sqlite, make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.models import AuditEntry, Participation, Person, User, UserRole
from programme.reach import stats
from programme.summaries.upkeep import check as summaries_check
from tests.apptest_support import run_page
from tests.concurrent_writer import WRITES_PER_PROCESS, write_people
from tests.conftest import empty_database

PASSWORD = "correct horse battery"


def _audit_actions(session: Session) -> list[str]:
    return list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_passwords_are_argon2_hashes_and_sign_in_works(session: Session) -> None:
    user = accounts.add_user(session, username="maria", password=PASSWORD, role="facilitator", by="admin")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    signed = accounts.authenticate(session, "Maria", PASSWORD)
    assert signed is not None and signed.role == UserRole.FACILITATOR and signed.can_see_names
    assert accounts.authenticate(session, "maria", "wrong password") is None
    assert _audit_actions(session) == ["create", "login", "login_failed"]


def test_unknown_users_are_checked_against_a_dummy_hash(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    monkeypatch.setattr(accounts, "_verify", lambda password_hash, password: checked.append(password_hash) or False)
    assert accounts.authenticate(session, "nobody", "whatever") is None
    assert checked == [accounts._DUMMY_HASH]


def test_repeated_failures_make_the_next_attempt_wait(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # The throttle's clock stands still: the first wait is 2 s, and on a loaded machine (the floors' suite at nice 19)
    # more than 2 s passed between the fifth failure and the right password, which then went through.
    now = throttle.utcnow()
    monkeypatch.setattr(throttle, "utcnow", lambda: now)
    monkeypatch.setattr(accounts, "utcnow", lambda: now)
    accounts.add_user(session, username="ana", password=PASSWORD, role="viewer", by=None)
    for _ in range(throttle.ACCOUNT_FREE_FAILURES):
        assert accounts.authenticate(session, "ana", "nope") is None
    assert accounts.users_table(session)[0]["throttled"]
    assert accounts.authenticate(session, "ana", PASSWORD) is None  # even the right password waits


def test_old_hash_parameters_are_upgraded_on_sign_in(session: Session) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    session.add(User(username="old", password_hash=weak, role=UserRole.ADMIN))
    session.flush()
    assert accounts.authenticate(session, "old", PASSWORD) is not None
    upgraded = session.scalar(sa.select(User.password_hash).where(User.username == "old"))
    assert upgraded != weak and not accounts._hasher.check_needs_rehash(upgraded)


def test_weak_passwords_and_duplicate_names_are_refused(session: Session) -> None:
    with pytest.raises(ProgrammeError, match="at least"):
        accounts.add_user(session, username="x", password="short", role="viewer", by=None)
    accounts.add_user(session, username="x", password=PASSWORD, role="viewer", by=None)
    with pytest.raises(ProgrammeError, match="already exists"):
        accounts.add_user(session, username="X", password=PASSWORD, role="viewer", by=None)


def test_the_last_admin_cannot_be_demoted(session: Session) -> None:
    admin = accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    with pytest.raises(ProgrammeError, match="last active administrator"):
        accounts.update_user(session, user_id=admin.id, by="root", role="viewer")
    accounts.add_user(session, username="second", password=PASSWORD, role="admin", by=None)
    accounts.update_user(session, user_id=admin.id, by="second", role="viewer")
    assert session.get(User, admin.id).role == UserRole.VIEWER


def test_two_admins_demoting_each_other_at_once_leave_one_admin(engine) -> None:
    # Both databases. Admin A demotes B while B, in another browser, demotes A: each transaction counted two active
    # admins (PostgreSQL's snapshots do not see the other's change) and both went through, leaving no admin at all.
    import threading

    with session_scope(engine) as session:
        ids = [
            accounts.add_user(session, username=name, password="a-long-test-password", role="admin", by=None).id
            for name in ("ana_admin", "ben_admin")
        ]
    first = Session(engine, expire_on_commit=False)
    accounts.update_user(first, user_id=ids[1], by="ana_admin", role="facilitator")  # A's save, not yet committed
    outcome: list[object] = []

    def second_save() -> None:
        try:
            with session_scope(engine) as session:
                accounts.update_user(session, user_id=ids[0], by="ben_admin", role="facilitator")
            outcome.append("saved")
        except ProgrammeError as error:
            outcome.append(error)

    other = threading.Thread(target=second_save)
    other.start()
    other.join(timeout=1)  # B's save waits for A's (or, without the lock, goes through at once)
    first.commit()
    first.close()
    other.join(timeout=30)
    assert len(outcome) == 1 and "last active administrator" in str(outcome[0]), outcome
    with session_scope(engine) as session:
        admins = session.scalars(sa.select(User.username).where(User.role == UserRole.ADMIN)).all()
    assert admins == ["ana_admin"]


def test_erasure_removes_personal_data_and_keeps_aggregates(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        before = stats(session)
        person_id = session.scalar(sa.select(Participation.person_id).limit(1))
        original = session.get(Person, person_id)
        name, email = original.full_name, original.email
        forget_person(session, person_id=person_id, by="admin")
    with session_scope(demo_engine) as session:
        assert stats(session) == before
        person = session.get(Person, person_id)
        assert person.erased_at is not None and person.email is None and person.phone is None
        assert name not in person.full_name and not person.consent_listed
        dump = json.dumps([row._asdict() for row in session.execute(sa.select(AuditEntry)).all()], default=str)
        assert email not in dump and name not in dump
        assert session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "erase"


def test_backup_and_restore_round_trip(demo_engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as session:
        expected = stats(session)
        people = session.scalar(sa.select(sa.func.count()).select_from(Person))
    out = backup(demo_engine, tmp_path / "backup.bin", by="tester")
    with pytest.raises(ProgrammeError, match="already exists"):
        backup(demo_engine, out, by="tester")
    if is_sqlite(demo_engine):
        target = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    else:
        # Named after the test database, so that two test runs on one server (CI and a local run) never share it.
        target = empty_database(demo_engine, "restore")
    with session_scope(target) as session:
        assert restore_refusal(session) is None  # empty: a backup can be restored into it
    erased = restore(target, out, by="admin2", name="monday.db")
    with session_scope(target) as session:
        assert stats(session) == expected
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == people
        assert restore_refusal(session) == (
            f"This database already holds {expected['courses']} courses and {people:,} people, so a backup cannot be "
            "restored into it: a restore never overwrites anything. To restore, start the app on a new, empty "
            "database (another SQLite file, or a new PostgreSQL database) and restore there."
        )
    # What the page says after it: what the database holds now, and whose accounts sign in.
    assert restored_sentence(target, erased) == (
        f"Backup restored: the database now holds {expected['courses']} courses, {expected['modules']} modules and "
        f"{people:,} people. Its accounts replaced this installation's: sign in with an account from the backup, "
        "with the password it had when the backup was made."
    )
    # Every table holds the same rows (on PostgreSQL the search index and the directory are filled by their triggers
    # as the rows are read back), and every summary equals its raw rows; the audit has the restore's entry more,
    # and the caches' versions moved on.
    tables = sorted(set(sa.inspect(demo_engine).get_table_names()) - {"audit_entry", "data_version"})
    counts = {}
    for name, which in ((name, engine) for name in tables for engine in (demo_engine, target)):
        with which.connect() as connection:
            counts.setdefault(name, []).append(connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar())
    assert {name: pair for name, pair in counts.items() if pair[0] != pair[1]} == {}
    with session_scope(target) as session:
        assert not any(summaries_check(session).values())
    with pytest.raises(ProgrammeError, match="already holds data"):
        restore(target, out, by="admin3")
    # Who restored which file, in the restored database; and the refused attempt on it.
    with session_scope(target) as session:
        entries = session.execute(
            sa.select(AuditEntry.username, AuditEntry.summary)
            .where(AuditEntry.action == "restore")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(entry) for entry in entries] == [
        ("admin2", "backup 'monday.db' restored"),
        ("admin3", "restore of 'backup.bin' refused: the database holds data"),
    ]
    target.dispose()


def _backup_entries(engine) -> list[tuple]:
    with session_scope(engine) as session:
        query = sa.select(AuditEntry.action, AuditEntry.username, AuditEntry.summary).where(
            AuditEntry.entity == "backup"
        )
        return [tuple(row) for row in session.execute(query.order_by(AuditEntry.id))]


def test_the_command_line_backup_is_audited(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / ("copy.db" if is_sqlite(engine) else "copy.dump")
    assert main(["backup", str(out)]) == 0
    assert out.stat().st_size > 0 and f"Backup written to {out}." in capsys.readouterr().out
    assert _backup_entries(engine) == [("export", "command line", f"database backup made ({out.name})")]
    # A refused backup (the file is there already: nothing is overwritten) is not recorded as one.
    assert main(["backup", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert len(_backup_entries(engine)) == 1


def test_a_backup_whose_audit_cannot_be_written_is_removed(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args, **kwargs):
        raise ProgrammeError("the audit trail cannot be written")

    monkeypatch.setattr("programme.access.audit.record", refuse)
    out = tmp_path / "copy.bin"
    with pytest.raises(ProgrammeError, match="audit trail"):
        backup(engine, out, by="tester")
    assert not out.exists()  # no copy of everyone's data that the audit trail does not show


def test_the_backup_page_audits_each_backup_once(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/backup.py", UserRole.ADMIN, username="keeper")
    # Before restoring (the database is empty): what a restore does, the backup's accounts replacing these, people
    # erased since the backup erased again from the register, which each backup carries; and for a backup of an older
    # version, which carries none, on another computer, how to find them again.
    said = " ".join(markdown.value for markdown in app.markdown)
    assert "The backup's accounts replace this installation's" in said and "register of erasures" in said
    assert "the one each backup carries" in said
    assert any("people erased since they were made come back" in warning.value and "Audit trail" in warning.value
               for warning in app.warning)  # fmt: skip
    assert app.get("file_uploader")
    app = app.button[0].click().run()
    assert not app.exception, app.exception
    assert [button.label for button in app.get("download_button")] == ["Download backup"]
    entries = _backup_entries(make_engine(sqlite_url))
    assert len(entries) == 1 and entries[0][:2] == ("export", "keeper")
    assert entries[0][2].startswith("database backup made (programme-") and entries[0][2].endswith(".db)")


def test_the_backup_page_says_a_database_holding_data_cannot_be_restored_into_before_any_upload(
    demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen: the restore's uploader and warnings on a database full of courses, the refusal only after the upload."""
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = run_page("pages/backup.py", UserRole.ADMIN, username="keeper")
    assert not app.exception, app.exception
    assert [info.value for info in app.info] == [
        "This database already holds 30 courses and 816 people, so a backup cannot be restored into it: a restore "
        "never overwrites anything. To restore, start the app on a new, empty database (another SQLite file, or a "
        "new PostgreSQL database) and restore there."
    ]
    assert not app.get("file_uploader") and not [w for w in app.warning if "erased" in w.value]
    assert "Prepare backup" in [button.label for button in app.button]  # a backup can still be made


def test_restore_refuses_a_file_that_is_not_a_backup(engine, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    with pytest.raises(ProgrammeError, match="not a"):
        restore(engine, bogus)


# Spawned interpreters start slowly on a loaded 2-core machine; this bounds a hang, not speed.
JOIN_TIMEOUT_SECONDS = 600


def test_two_processes_writing_at_once_lose_nothing(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    url = engine.url.render_as_string(hide_password=False)
    # A page run by AppTest earlier in the session leaves itself as __main__, which spawn would run again in each
    # child (and stop at its sign-in guard): the children need only tests/concurrent_writer.py.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=write_people, args=(url, name)) for name in ("app", "import")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=JOIN_TIMEOUT_SECONDS)
    assert [worker.exitcode for worker in workers] == [0, 0], "a writer failed (non-zero) or hung (None)"
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2 * WRITES_PER_PROCESS


def test_single_sign_on_maps_to_an_existing_active_account_only(session: Session) -> None:
    accounts.add_user(session, username="ana@example.org", password=PASSWORD, role="facilitator", by=None)
    signed = accounts.authenticate_external(session, "Ana@Example.org")
    assert signed is not None and signed.role == UserRole.FACILITATOR
    assert accounts.authenticate_external(session, "stranger@example.org") is None
    assert accounts.authenticate_external(session, None) is None


def test_no_personal_data_reaches_the_logs(demo_engine, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    with session_scope(demo_engine) as session:
        person = session.scalar(sa.select(Person).where(Person.email.is_not(None)).limit(1))
        email, name = person.email, person.full_name
        accounts.add_user(session, username="logger", password=PASSWORD, role="viewer", by=None)
        accounts.authenticate(session, "logger", "wrong password")
        accounts.authenticate(session, "logger", PASSWORD)
        forget_person(session, person_id=person.id, by="logger")
    text = caplog.text
    assert email not in text and name not in text and PASSWORD not in text

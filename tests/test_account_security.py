"""Sign-in that tells nobody which accounts exist, waits that an attacker cannot turn on the admin, recovery
from the command line, the password policy, and bidirectional controls kept out of names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import accounts, throttle
from programme.access.passwords import WeakPassword, password_problem
from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import add_course
from programme.models import AuditEntry, LoginThrottle, User, UserRole

PASSWORD = "correct horse battery"
T0 = datetime(2031, 5, 1, 9, 0, tzinfo=UTC)
HERE, ELSEWHERE = "203.0.113.7", "198.51.100.9"


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _fail(session: Session, username: str, client: str | None, times: int, at: datetime = T0) -> None:
    for _ in range(times):
        assert accounts.authenticate(session, username, "not the password", client=client, now=at) is None


def _fail_through_waits(session: Session, username: str, client: str | None, times: int, start: datetime) -> datetime:
    """Fail times, each attempt when the previous wait has ended (attempts during a wait do not count)."""
    now = start
    for _ in range(times):
        _fail(session, username, client, 1, at=now)
        now = throttle.waiting_until(session, username, client, now) or now
    return now


@pytest.fixture
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lowest cost, for the tests that count failures and waits (not what a hash costs): each of their
    dozens of refused sign-ins checks a hash, which at the real cost took 4-12 s a test (durations, 5 December)."""
    from argon2 import PasswordHasher

    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", quick)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", quick.hash("not-a-real-password"))


# Twelve failures, each after the last wait: the five free ones, then waits of 2 + 4 + ... + 128 seconds.
TWELVE_FAILURES_TAKE = timedelta(seconds=sum(2**k for k in range(1, 8)))


def _twelve_failures_ending_now(session: Session, username: str) -> None:
    _fail_through_waits(session, username, None, 12, start=datetime.now(UTC) - TWELVE_FAILURES_TAKE)


# ---------------------------------------------------------------- one answer for every refusal


def test_unknown_disabled_wrong_and_waiting_all_check_a_hash_and_return_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.add_user(session, username="ana", password=PASSWORD, role="viewer", by=None)
    accounts.add_user(session, username="old", password=PASSWORD, role="viewer", by=None)
    accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    accounts.update_user(session, user_id=accounts.get_user(session, "old").id, by="root", active=False)
    _fail(session, "ana", HERE, throttle.ACCOUNT_FREE_FAILURES)  # ana from HERE now waits
    hashes: list[str] = []
    real_verify = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: hashes.append(h) or real_verify(h, p))
    answers = {
        "unknown": accounts.authenticate(session, "nobody", PASSWORD, client=HERE, now=_at(1)),
        "disabled": accounts.authenticate(session, "old", PASSWORD, client=HERE, now=_at(1)),
        "wrong": accounts.authenticate(session, "root", "not the password", client=HERE, now=_at(1)),
        "waiting, right password": accounts.authenticate(session, "ana", PASSWORD, client=HERE, now=_at(1)),
    }
    assert answers == dict.fromkeys(answers)
    # Each refusal ran exactly one Argon2 check, so none is quicker than the others.
    assert len(hashes) == 4 and all(h.startswith("$argon2id$") for h in hashes)
    assert hashes.count(accounts._DUMMY_HASH) == 3  # unknown, disabled, waiting


def test_the_login_form_shows_one_message_for_unknown_wrong_and_waiting(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    from tests.apptest_support import run_page

    with session_scope(make_engine(sqlite_url)) as session:
        accounts.add_user(session, username="admin", password=PASSWORD, role="admin", by=None)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    # A wait of an hour after the free failures, so that a slow page run cannot outlast it.
    monkeypatch.setattr(
        throttle, "delay_after", lambda failures, free: timedelta(hours=1) if failures >= free else None
    )
    shown: dict[str, list[str]] = {}
    attempts = [("unknown", "nobody", PASSWORD)] + [("wrong", "admin", "wrong password")] * 5
    attempts.append(("waiting", "admin", PASSWORD))  # five failures from this client: the next one waits
    for case, username, password in attempts:
        app = run_page("pages/home.py", role=None)
        app.text_input[0].input(username)
        app.text_input[1].input(password)
        app.button[0].click().run()
        assert not app.exception
        shown[case] = [error.value for error in app.error]
    assert shown == dict.fromkeys(shown, [accounts.SIGN_IN_REFUSED])
    assert "locked" not in accounts.SIGN_IN_REFUSED


# ---------------------------------------------------------------- waits that grow


def test_waits_double_after_the_free_failures_and_a_try_during_a_wait_changes_nothing(
    session: Session, quick_hashes: None
) -> None:
    accounts.add_user(session, username="ana", password=PASSWORD, role="viewer", by=None)
    _fail(session, "ana", HERE, throttle.ACCOUNT_FREE_FAILURES - 1)
    assert throttle.waiting_until(session, "ana", HERE, T0) is None  # four failures cost nothing
    waits, now = [], T0
    for _ in range(5):
        _fail(session, "ana", HERE, 1, at=now)
        until = throttle.waiting_until(session, "ana", HERE, now)
        waits.append((until - now).total_seconds())
        # During the wait the right password is refused, and the wait does not move.
        assert accounts.authenticate(session, "ana", PASSWORD, client=HERE, now=now + timedelta(seconds=1)) is None
        assert throttle.waiting_until(session, "ana", HERE, now) == until
        now = until
    assert waits == [2, 4, 8, 16, 32]
    assert accounts.authenticate(session, "ana", PASSWORD, client=HERE, now=now) is not None  # the wait is over
    assert throttle.waiting_until(session, "ana", HERE, now) is None  # and a sign-in clears the count


def test_the_wait_is_capped_and_old_failures_are_forgotten(session: Session, quick_hashes: None) -> None:
    _fail_through_waits(session, "ana", HERE, 25, start=T0)
    last = session.scalar(sa.select(LoginThrottle).where(LoginThrottle.account_key == throttle.account_key("ana")))
    assert last.wait_until - last.last_failure_at == timedelta(minutes=15)
    a_day_later = last.last_failure_at + timedelta(hours=24, seconds=1)
    _fail(session, "ana", HERE, 1, at=a_day_later)
    assert throttle.waiting_until(session, "ana", HERE, a_day_later) is None  # counting starts again


def test_waits_are_per_username_and_client_so_an_attacker_cannot_keep_the_admin_out(
    session: Session, quick_hashes: None
) -> None:
    accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    _fail_through_waits(session, "root", ELSEWHERE, 12, start=T0)  # someone elsewhere who knows the username
    later = T0 + TWELVE_FAILURES_TAKE + timedelta(seconds=1)
    assert accounts.authenticate(session, "root", PASSWORD, client=ELSEWHERE, now=later) is None
    # The admin's own client has its own count: they sign in at once.
    assert accounts.authenticate(session, "Root", PASSWORD, client=HERE, now=later) is not None


def test_unknown_usernames_wait_exactly_like_real_ones(session: Session, quick_hashes: None) -> None:
    accounts.add_user(session, username="ana", password=PASSWORD, role="viewer", by=None)
    last = _fail_through_waits(session, "ana", HERE, 7, start=T0)
    assert _fail_through_waits(session, "nobody", HERE, 7, start=T0) == last


def test_a_client_trying_many_usernames_waits_for_all_of_them(session: Session, quick_hashes: None) -> None:
    accounts.add_user(session, username="ana", password=PASSWORD, role="viewer", by=None)
    for index in range(throttle.CLIENT_FREE_FAILURES):
        _fail(session, f"guess{index}", ELSEWHERE, 1)  # one try per name: no pair reaches its own limit
    assert throttle.waiting_until(session, "ana", ELSEWHERE, T0) is not None
    assert accounts.authenticate(session, "ana", PASSWORD, client=ELSEWHERE, now=_at(1)) is None
    assert accounts.authenticate(session, "ana", PASSWORD, client=HERE, now=_at(1)) is not None


def test_usernames_and_addresses_are_stored_only_as_digests(session: Session) -> None:
    _fail(session, "my secret password", HERE, 1)  # typed into the username box
    stored = session.execute(sa.select(LoginThrottle.account_key, LoginThrottle.client_key)).all()
    text = repr(stored)
    assert "secret" not in text and HERE not in text
    assert all(len(key) == 64 for row in stored for key in row if key)


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
        accounts.add_user(session, username="maria", password=PASSWORD, role="facilitator", by=None)
    return sqlite_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _audit(url: str) -> list[tuple[str, str | None, str | None]]:
    with session_scope(make_engine(url)) as session:
        rows = session.execute(sa.select(AuditEntry.action, AuditEntry.username, AuditEntry.summary)).all()
    return [tuple(row) for row in rows]


def test_user_list_json_has_its_keys_and_no_password_data(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with session_scope(make_engine(cli_db)) as session:
        _twelve_failures_ending_now(session, "maria")  # the last wait: 256 seconds
    code, out, _ = run(capsys, "user", "list", "--json")
    assert code == 0
    listed = {row["username"]: row for row in json.loads(out)["accounts"]}
    assert set(listed) == {"root", "maria"}
    assert all(set(row) == {*accounts_keys()} for row in listed.values())
    assert listed["root"] == {
        "username": "root",
        "role": "admin",
        "disabled": False,
        "throttled": False,
        "throttled_until": None,
        "failed_sign_ins": 0,
        "last_sign_in": None,
    }
    assert listed["maria"]["throttled"] and listed["maria"]["failed_sign_ins"] == 12
    assert "argon2" not in out and "password" not in out
    code, out, _ = run(capsys, "user", "list")
    assert code == 0 and "maria" in out and "waits until" in out and "argon2" not in out


def accounts_keys() -> tuple[str, ...]:
    from programme.cli.users import LIST_KEYS

    return LIST_KEYS


def test_an_admin_kept_out_gets_back_in_with_user_unlock(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(cli_db)
    with session_scope(engine) as session:
        _twelve_failures_ending_now(session, "root")  # from this very machine: the shared client
        assert accounts.authenticate(session, "root", PASSWORD) is None
    code, out, _ = run(capsys, "user", "unlock", "ROOT")
    assert code == 0 and "root" in out
    with session_scope(engine) as session:
        assert accounts.authenticate(session, "root", PASSWORD) is not None
    assert ("unlock", "command line", "account root: sign-in waits cleared") in _audit(cli_db)


def test_user_passwd_sets_a_strong_password_and_refuses_a_weak_one(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(cli_db)
    with session_scope(engine) as session:
        _twelve_failures_ending_now(session, "root")
    monkeypatch.setenv("PROGRAMME_PASSWORD", "passwordpassword")
    code, out, err = run(capsys, "user", "passwd", "root")
    assert code == 2 and out == "" and "too easy to guess" in err and err.count("\n") == 1
    monkeypatch.setenv("PROGRAMME_PASSWORD", "blue mango river delta")
    code, out, _ = run(capsys, "user", "passwd", "root")
    assert code == 0 and "blue mango" not in out
    with session_scope(engine) as session:
        assert accounts.authenticate(session, "root", "blue mango river delta") is not None  # waits cleared too
        assert accounts.authenticate(session, "root", PASSWORD) is None
    assert any(action == "update" and "password reset" in (summary or "") for action, _, summary in _audit(cli_db))


def test_user_disable_stops_sign_in_and_never_disables_the_last_admin(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "user", "disable", "maria")
    assert code == 0 and "disabled" in out
    with session_scope(make_engine(cli_db)) as session:
        assert accounts.authenticate(session, "maria", PASSWORD) is None
    code, _, err = run(capsys, "user", "disable", "root")
    assert code == 2 and "last active administrator" in err and err.count("\n") == 1
    with session_scope(make_engine(cli_db)) as session:
        assert session.scalar(sa.select(User.active).where(User.username == "root")) is True
    code, out, _ = run(capsys, "user", "list", "--json")
    assert {row["username"]: row["disabled"] for row in json.loads(out)["accounts"]} == {"root": False, "maria": True}
    assert any(action == "update" and username == "command line" for action, username, _ in _audit(cli_db))


@pytest.mark.parametrize("verb", ["unlock", "passwd", "disable"])
def test_an_unknown_name_is_one_sentence_and_exit_2(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, verb: str
) -> None:
    monkeypatch.setenv("PROGRAMME_PASSWORD", "blue mango river delta")
    code, out, err = run(capsys, "user", verb, "ghost")
    assert code == 2 and out == ""
    assert err == "Error: There is no account named 'ghost'.\n"


def test_user_add_refuses_a_weak_password_with_the_reason(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROGRAMME_PASSWORD", "qwertyuiop12")
    code, _, err = run(capsys, "user", "add", "ana", "--role", "admin")
    assert code == 1 and "common passwords" in err  # `user add` keeps its exit code for mistakes
    monkeypatch.setenv("PROGRAMME_PASSWORD", "kestrel-harbour-violet")
    assert run(capsys, "user", "add", "ana", "--role", "admin")[0] == 0


# ---------------------------------------------------------------- the password policy


@pytest.mark.parametrize(
    ("password", "username", "reason"),
    [
        ("aaaaaaaaaa", "admin", "at least 12 characters"),
        ("1234567890", "admin", "at least 12 characters"),
        ("password12", "admin", "at least 12 characters"),
        ("programmeadmin", "programmeadmin", "not be the username"),
        ("ProgrammeAdmin", "programmeadmin", "not be the username"),
        ("admin", "admin", "not be the username"),
        ("programmeadmin-2024", "programmeadmin", "not contain the username"),
        ("ana.tan likes rain", "ana.tan@example.org", "not contain the username"),
        ("aaaaaaaaaaaa", "admin", "too easy to guess"),
        ("123456789012", "admin", "too easy to guess"),
        ("passwordpassword", "admin", "too easy to guess"),
        ("qwertyuiop12", "admin", "common passwords"),
        ("iloveyou1234", "admin", "too easy to guess"),
        ("Password1234", "admin", "common passwords"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, username: str, reason: str) -> None:
    problem = password_problem(password, username)
    assert problem is not None and reason in problem
    assert problem.count(".") <= 1 and problem.endswith(".")  # one sentence


@pytest.mark.parametrize(
    ("password", "username"),
    [("correct horse battery", "admin"), ("kestrel-harbour-violet", "ana"), ("mango tree at 4 dawns", "root")],
)
def test_long_unguessable_passwords_are_accepted(password: str, username: str) -> None:
    assert password_problem(password, username) is None


def test_the_policy_applies_to_new_accounts_and_password_changes(session: Session) -> None:
    with pytest.raises(WeakPassword, match="not be the username"):
        accounts.add_user(session, username="administrator", password="Administrator", role="admin", by=None)
    user = accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    with pytest.raises(ProgrammeError, match="too easy to guess"):
        accounts.update_user(session, user_id=user.id, by="root", password="123456789012")


def test_the_first_admin_form_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    from tests.apptest_support import run_page

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/home.py", role=None)
    assert [widget.label for widget in app.text_input][:1] == ["Username"]
    for widget, value in zip(app.text_input, ["admin", "aaaaaaaaaaaa", "aaaaaaaaaaaa"], strict=True):
        widget.input(value)
    app.button[0].click().run()
    assert [error.value for error in app.error] == [password_problem("aaaaaaaaaaaa", "admin")]
    with session_scope(make_engine(sqlite_url)) as session:
        assert accounts.count_users(session) == 0


# ---------------------------------------------------------------- bidirectional controls


RLO_NAME = "Ana \u202etnaT\u202c Lim"


def test_bidi_controls_are_removed_from_a_name_at_import(engine, tmp_path) -> None:
    from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
    from programme.models import Person
    from tests.test_importing import with_module

    with_module(engine)
    data = (
        "Name,Organisation,Country,E-mail\n"
        f"{RLO_NAME},\u2067Tenaganita\u2069,MY,ana@example.org\n"
        "\u200fSiti Rahman\u200e,Migrant Care,ID,\n"
    ).encode()
    with session_scope(engine) as session:
        from programme.courses.catalogue import get_module

        table = read_participant_sheet(data, "names.csv")
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=get_module(session, "BKK", 1),
            file_name="names.csv",
            file_hash=file_hash(data),
        )
        apply_plan(session, plan=plan, username="tester", accepted=set())
    with session_scope(engine) as session:
        names = set(session.scalars(sa.select(Person.full_name)))
        organisations = set(session.scalars(sa.text("SELECT name FROM organisation")))
    assert names == {"Ana tnaT Lim", "Siti Rahman"}
    assert organisations == {"Tenaganita", "Migrant Care"}


def test_bidi_controls_are_removed_at_entry(session: Session) -> None:
    from programme.planning.people import PeopleFinder

    course = add_course(session, code="\u202eKL-2026", title=f"Course for {RLO_NAME}")
    assert (course.code, course.title) == ("KL-2026", "Course for Ana tnaT Lim")
    user = accounts.add_user(session, username="\u202enimda", password=PASSWORD, role="viewer", by=None)
    assert user.username == "nimda"
    person = PeopleFinder(session).find_or_create(RLO_NAME)
    assert person.full_name == "Ana tnaT Lim"
    # Joiners that Persian and Indic scripts need are kept.
    kept = PeopleFinder(session).find_or_create("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Karimi")
    assert "\u200c" in kept.full_name
    assert session.get(User, user.id).role == UserRole.VIEWER


def test_the_migration_removes_bidi_controls_from_names_already_stored(tmp_path) -> None:
    from programme.core import schema

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    schema.upgrade(engine, "0005_person_search_statement")
    with engine.begin() as connection:  # in the table's columns at 0005 (the model has more since: sort_name, 0028)
        connection.execute(
            sa.text(
                "INSERT INTO person (full_name, name_key, gender, consent_listed, consent_email, consent_phone, "
                "consent_organisation, consent_photo, created_at, updated_at) VALUES (:name, 'ana lim tnat', "
                "'undisclosed', 0, 0, 0, 0, 0, '2026-12-06 00:00:00', '2026-12-06 00:00:00')"
            ),
            {"name": RLO_NAME},
        )
    schema.upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT full_name FROM person")) == "Ana tnaT Lim"

"""Lists know what they are: a registration list registers, a participant list says who took part, an attendance
sheet records days; `attendance summary` says who is where; reach counts those who took part."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.cli import main
from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.courses.catalogue import get_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet, undo_batch
from programme.importing.lists import ListKind
from programme.models import Participation, Person
from programme.reach import ReachFilter, headline_figures, registrations, stats

# Copies of ../shared/samples/: an online form's registration export and a 3-day attendance sheet.
SAMPLES = REPO_ROOT / "tests" / "data"
REGISTRATIONS = SAMPLES / "registrations_online_form.csv"
ATTENDANCE = SAMPLES / "attendance_sheet.xlsx"
MODULE_DAYS = 4


def _words(name: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKC", name).casefold().replace(",", " ")
    return frozenset(text.split())


def expected_summary() -> dict[str, int]:
    """The four figures worked out from the sample files alone: people told apart by e-mail, else by their name's
    words (the attendance sheet writes some names family name first), and days counted from the sheet's marks."""
    with REGISTRATIONS.open(encoding="utf-8-sig", newline="") as handle:
        registered = {}
        for row in csv.DictReader(handle):
            if row["Full Name"].strip():
                registered.setdefault(row["Email Address"].strip().lower(), _words(row["Full Name"]))
    by_name = {words: email for email, words in registered.items()}
    sheet = openpyxl.load_workbook(io.BytesIO(ATTENDANCE.read_bytes()))["Attendance"]
    header = [cell.value for cell in sheet[4]]
    day_columns = [i for i, name in enumerate(header) if name and str(name).startswith("Day")]
    attended: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=5, values_only=True):
        surname, given, email = row[1], row[2], row[6]
        if not surname or surname == "Total":
            continue
        words = _words(f"{given} {surname}")
        key = email.strip().lower() if email else by_name.get(words, " ".join(sorted(words)))
        attended[key] = sum(1 for i in day_columns if row[i])
    listed = set(registered) | set(attended)
    return {
        "listed": len(listed),
        "registered_only": len(set(registered) - set(attended)),
        "attended": sum(1 for days in attended.values() if days > 0),
        "completed": sum(1 for days in attended.values() if days >= MODULE_DAYS),
    }


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def four_day_module(engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Engine:
    """Course RC, module 1 lasting four days, on each backend, reached by the command line."""
    monkeypatch.setenv("DATABASE_URL", database_url(engine))
    assert cli(capsys, "course", "add", "--code", "RC", "--title", "Regional course")[0] == 0
    module = ["--course", "RC", "--number", "1", "--title", "Module 1", "--start", "2019-04-01", "--end", "2019-04-04"]
    assert cli(capsys, "module", "add", *module, "--city", "Bangkok", "--country", "TH")[0] == 0
    return engine


def import_list(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> dict:
    code, out, err = cli(
        capsys, "import", "participants", str(path), "--course", "RC", "--module", "1", "--json", *extra
    )
    assert code == 0, err
    return json.loads(out)


def test_registrations_then_attendance_summary(four_day_module: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    first = import_list(capsys, REGISTRATIONS)
    assert first["list"] == "registration" and first["written"] is True
    second = import_list(capsys, ATTENDANCE)
    assert second["list"] == "attendance"

    code, out, _ = cli(capsys, "attendance", "summary", "--course", "RC", "--module", "1", "--json")
    assert code == 0
    figures = json.loads(out)
    assert list(figures) == ["listed", "registered_only", "attended", "completed"]
    assert figures == expected_summary()
    assert figures == {"listed": 100, "registered_only": 40, "attended": 60, "completed": 0}  # the figures

    code, out, _ = cli(capsys, "attendance", "summary", "--course", "RC", "--module", "1")
    assert code == 0
    assert "100 people" in out and "registered only (attendance not recorded): 40" in out and "completed" in out

    with session_scope(four_day_module) as session:
        # A registered person who is not on the sheet: not recorded, not completed, no days.
        mario = session.scalar(sa.select(Participation).join(Person).where(Person.email == "p0.mail@example.org"))
        assert (mario.registered, mario.attended, mario.completed, mario.days_attended) == (True, None, False, None)
        # Registered and on the sheet: both facts kept.
        claire = session.scalar(sa.select(Participation).join(Person).where(Person.email == "p40.post@example.org"))
        assert (claire.registered, claire.attended, claire.days_attended) == (True, True, 2)
        # Reach counts the 60 who took part; the registrations are compared beside them.
        module_filter = ReachFilter(courses=("RC",))
        assert int(headline_figures(session, module_filter).iloc[0]["individuals"]) == 60
        assert registrations(session, module_filter) == {
            "registered": 60,
            "registered_took_part": 20,
            "registered_only": 40,
            "took_part_unregistered": 40,
        }
        assert stats(session)["individuals"] == 60
    code, out, _ = cli(capsys, "stats", "--json")
    totals = json.loads(out)
    # registered: everyone listed for the module (60 who took part + 40 only registered), the funnel's top;
    # on_registration_lists: the 60 on the registration list, 20 of whom took part.
    listed = 60 + 40
    assert (totals["individuals"], totals["registered"]) == (60, listed)
    assert (totals["on_registration_lists"], totals["registered_took_part"]) == (60, 20)


def test_list_kind_chosen_on_the_command_line(four_day_module: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    # The registration export declared a list of people who took part: they are recorded as attended.
    report = import_list(capsys, REGISTRATIONS, "--list", "participants")
    assert report["list"] == "participants"
    code, out, _ = cli(capsys, "attendance", "summary", "--course", "RC", "--module", "1", "--json")
    assert json.loads(out) == {"listed": 60, "registered_only": 0, "attended": 60, "completed": 60}
    # An attendance sheet needs day columns: one sentence, nothing written.
    code, _, err = cli(
        capsys, "import", "participants", str(REGISTRATIONS), "--course", "RC", "--module", "1", "--list", "attendance"
    )
    assert code == 1 and err.startswith("Error: An attendance sheet needs columns of days")
    with pytest.raises(SystemExit) as usage:  # argparse: a usage error, exit 2
        main(["import", "participants", str(REGISTRATIONS), "--course", "RC", "--module", "1", "--list", "nonsense"])
    assert usage.value.code == 2


def test_a_participant_list_after_a_registration_list_and_undo(four_day_module: Engine, capsys) -> None:
    import_list(capsys, REGISTRATIONS)
    # A participant list (no days) naming two of the registered people: they took part; undo puts them back.
    data = "Name,E-mail\nMario Hernandez,p0.mail@example.org\nBrandi Browning,p1.mail@example.org\n"
    table = read_participant_sheet(data.encode(), "took_part.csv")
    with session_scope(four_day_module) as session:
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=get_module(session, "RC", 1),
            file_name="took_part.csv",
            file_hash=file_hash(data.encode()),
        )
        assert plan.list_kind == ListKind.PARTICIPANTS
        result = apply_plan(session, plan=plan, username="tester")
    with session_scope(four_day_module) as session:
        states = session.execute(
            sa.select(Person.email, Participation.attended, Participation.completed, Participation.registered)
            .join(Person)
            .where(Person.email.in_(["p0.mail@example.org", "p1.mail@example.org", "p2.post@example.org"]))
            .order_by(Person.email)
        ).all()
        # Completion without day figures follows the rule "attended all days" (attending counts as all days).
        assert [tuple(row[1:]) for row in states] == [(True, True, True), (True, True, True), (None, False, True)]
    with session_scope(four_day_module) as session:
        undo_batch(session, batch_id=result.batch_id, username="tester")
    with session_scope(four_day_module) as session:
        back = session.execute(
            sa.select(Participation.attended, Participation.completed)
            .join(Person)
            .where(Person.email == "p0.mail@example.org")
        ).one()
        assert tuple(back) == (None, False)


def test_registration_list_over_people_already_in_the_module_marks_them_registered(
    four_day_module: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    import_list(capsys, ATTENDANCE)
    report = import_list(capsys, REGISTRATIONS)
    assert report["list"] == "registration" and report["matched"] == 20
    with session_scope(four_day_module) as session:
        rows = session.execute(
            sa.select(Participation.registered, Participation.attended, sa.func.count())
            .group_by(Participation.registered, Participation.attended)
            .order_by(Participation.registered, Participation.attended)
        ).all()
    # 40 only on the sheet; 20 on both (attendance kept); 40 only registered (not recorded).
    counts = {(registered, attended): n for registered, attended, n in rows}
    assert counts == {(False, True): 40, (True, True): 20, (True, None): 40}


def test_the_import_page_asks_what_the_list_is(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_importing import page_with_upload, with_module

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    with_module(engine)
    app = page_with_upload(REGISTRATIONS.name, REGISTRATIONS.read_bytes())
    assert not app.exception, app.exception
    radio = app.radio[0]
    assert radio.label == "What is this list?" and radio.value == ListKind.REGISTRATION  # detected
    assert any("because it has a column 'Timestamp'" in caption.value for caption in app.caption)
    # Chosen as a list of people who took part: the import records them as attended.
    app = radio.set_value(ListKind.PARTICIPANTS).run()
    assert any("looks like a registration list" in warning.value for warning in app.warning)
    app = next(b for b in app.button if b.label.startswith("Import 61 rows")).click().run()
    assert not app.exception, app.exception
    assert any("taken as a participant list" in success.value for success in app.success)
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).where(Participation.attended.is_(True))) == 60


def test_the_list_kinds_are_named_with_their_article() -> None:
    from programme.importing.lists import LIST_KIND_LABELS
    from programme.web.import_steps import with_article

    named = {kind.value: with_article(label.lower()) for kind, label in LIST_KIND_LABELS.items()}
    assert named == {
        "registration": "a registration list",
        "participants": "a participant list",
        "attendance": "an attendance sheet",  # was "a attendance sheet" on the import page
    }


def test_counts_take_the_noun_they_count() -> None:
    from programme.web.import_steps import counted

    assert [counted(1, "new person", "new people"), counted(2, "new person", "new people")] == [
        "1 new person",
        "2 new people",
    ]
    assert [counted(1, "participation"), counted(1204, "participation")] == ["1 participation", "1,204 participations"]

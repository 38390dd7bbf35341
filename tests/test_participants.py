"""The participant list and export: consent-aware, formula-safe, audited; the participants page."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from programme.access.accounts import SignedIn
from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.models import AuditEntry, Module, Organisation, OrgType, Participation, Person, UserRole
from programme.people.participants import export_participants, participations_table, people_table
from tests.apptest_support import run_page
from tests.test_importing import csv_bytes, run_import, with_module

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)
VIEWER = SignedIn(user_id=2, username="view", role=UserRole.VIEWER)
SHEET = (
    "Name,Country,E-mail,Mobile / WhatsApp,Organisation,Day 1,Day 2\n"
    'Ana Lim,MY,ana@x.org,+60 12 345 6789,"=HYPERLINK(""http://evil"")",x,x\n'
    "Ram Rai,NP,ram@x.org,+977 980 1234567,GEFONT,x,\n"
    "-Sneaky Name,NP,,,,x,x\n"
)


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    with_module(engine, days=2)
    run_import(engine, csv_bytes(SHEET), "list.csv")
    with session_scope(engine) as session:  # only Ana consented to share her e-mail and organisation
        ana = session.scalar(sa.select(Person).where(Person.email == "ana@x.org"))
        ana.consent_email = ana.consent_organisation = True
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_the_team_sees_contacts_without_consent_and_the_export_does_not(loaded: str) -> None:
    with session_scope(make_engine(loaded)) as session:
        people = people_table(session, FACILITATOR).set_index("full_name")
        assert people.loc["Ana Lim", "email"] == "ana@x.org"
        # Consent governs publication, not the team's own list: Ram's organisation and contacts show.
        assert people.loc["Ram Rai", "email"] == "ram@x.org" and people.loc["Ram Rai", "phone"] == "+9779801234567"
        assert people.loc["Ram Rai", "organisation"] == "GEFONT"
        exported = participations_table(session, FACILITATOR, publication=True).set_index("full_name")
        assert exported.loc["Ram Rai", "email"] == "" and exported.loc["Ram Rai", "organisation"] == ""
        assert exported.loc["Ana Lim", "email"] == "ana@x.org"
        assert people.loc["Ana Lim", "modules"] == 1
        assert "consent_email" not in people.columns
        assert list(people_table(session, FACILITATOR, search="rai RAM")["full_name"]) == ["Ram Rai"]
        assert "full_name" not in people_table(session, VIEWER).columns  # viewers see no names


def test_export_is_formula_safe_consent_aware_and_audited(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "people.xlsx"
    assert main(["export", "participants", str(out), "--course", "BKK", "--module", "1"]) == 0
    sheet = openpyxl.load_workbook(out)["Participants"]
    rows = [
        dict(zip([c.value for c in sheet[1]], [c.value for c in row], strict=True))
        for row in sheet.iter_rows(min_row=2)
    ]
    by_name = {row["Full name"]: row for row in rows}
    assert by_name["Ana Lim"]["Organisation"] == '\'=HYPERLINK("http://evil")'
    assert "'-Sneaky Name" in by_name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert by_name["Ram Rai"]["E-mail"] in (None, "") and by_name["Ram Rai"]["Days attended"] == 1
    assert by_name["Ram Rai"]["Completed"] == "No" and by_name["Ana Lim"]["Completed"] == "Yes"
    csv_out = tmp_path / "people.csv"
    assert main(["export", "participants", str(csv_out)]) == 0
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",'-Sneaky Name," in text
    with session_scope(make_engine(loaded)) as session:
        exports = session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.action == "export")).all()
        assert len(exports) == 2 and all("ana@x.org" not in s for s in exports)


# The headings a partner reads, written out by hand (not read from the code under test), in the export's order.
READABLE_HEADINGS = [
    "Course",
    "Module",
    "Module start",
    "Record number",
    "Full name",
    "Given name",
    "Family name",
    "Gender",
    "Nationality",
    "Country of work",
    "Organisation",
    "Type of organisation",
    "Position",
    "E-mail",
    "Phone",
    "Role",
    "Attended",
    "Days attended",
    "Completed",
]


def test_the_export_is_headed_in_words_and_an_organisation_type_follows_its_consent(
    loaded: str, tmp_path: Path
) -> None:
    with session_scope(make_engine(loaded)) as session:  # Ana shares her organisation, Ram does not
        for email in ("ana@x.org", "ram@x.org"):
            person = session.scalar(sa.select(Person).where(Person.email == email))
            session.get(Organisation, person.organisation_id).org_type = OrgType.TRADE_UNION
    out = tmp_path / "people.xlsx"
    assert main(["export", "participants", str(out), "--course", "BKK", "--module", "1"]) == 0
    sheet = openpyxl.load_workbook(out)["Participants"]
    assert [cell.value for cell in sheet[1]] == READABLE_HEADINGS
    rows = {
        row[4]: dict(zip(READABLE_HEADINGS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["Ana Lim"]["Type of organisation"] == "trade union"
    assert rows["Ram Rai"]["Type of organisation"] in (None, "") and rows["Ram Rai"]["Organisation"] in (None, "")
    with session_scope(make_engine(loaded)) as session:  # the page's download: the same function, a .csv this time
        data, count = export_participants(session, user=FACILITATOR, file_name="participants.csv", course_code="BKK")
    lines = data.decode("utf-8-sig").splitlines()
    assert count == 3 and lines[0] == ",".join(READABLE_HEADINGS)
    ram = next(line for line in lines if "Ram Rai" in line)
    assert "trade union" not in ram and "trade union" in next(line for line in lines if "Ana Lim" in line)


def test_export_refuses_other_formats_and_viewers(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with session_scope(make_engine(loaded)) as session:
        with pytest.raises(ProgrammeError, match=".xlsx or .csv"):
            export_participants(session, user=FACILITATOR, file_name="x.pdf")
        with pytest.raises(ProgrammeError, match="facilitator or admin"):
            export_participants(session, user=VIEWER, file_name="x.csv")
    # A module number means nothing without its course: the command line, which resolves it, refuses it.
    assert (
        main(["export", "participants", str(tmp_path / "x.csv"), "--module", "1"]) == 1
    )  # as before: a ProgrammeError
    assert "course as well" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_participants_page_lists_and_searches(loaded: str) -> None:
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    assert "**3** people" in [m.value for m in app.markdown]
    app = app.text_input(key="people_search").input("ana").run()
    assert "**1** person" in [m.value for m in app.markdown]
    app = app.button(key="people_export").click().run()
    assert not app.exception, app.exception


def test_an_admin_forgets_a_person_from_the_page_and_a_facilitator_cannot(loaded: str) -> None:
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    app = app.selectbox(key="people_person").select_index(1).run()
    assert not [e for e in app.expander if "Forget" in e.label]

    app = run_page("pages/participants.py", UserRole.ADMIN)
    app = app.text_input(key="people_search").input("ram").run()
    app = app.selectbox(key="people_person").select_index(1).run()
    submit = app.button(key="FormSubmitter:forget_person-Forget this person")
    app = submit.click().run()
    assert any("Tick the box" in w.value for w in app.warning)
    with session_scope(make_engine(loaded)) as session:
        assert session.scalar(sa.select(Person).where(Person.email == "ram@x.org")) is not None

    app.checkbox[0].check()
    app = app.button(key="FormSubmitter:forget_person-Forget this person").click().run()
    assert not app.exception, app.exception
    assert any("Erased" in s.value for s in app.success)
    with session_scope(make_engine(loaded)) as session:
        assert session.scalar(sa.select(Person).where(Person.email == "ram@x.org")) is None
        assert session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.erased_at.is_not(None))) == 1


def test_cli_json_is_one_object(loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "again.csv"
    path.write_text(SHEET)
    assert main(["import", "participants", str(path), "--course", "BKK", "--module", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["matched"], report["written"]) == (0, 3, True)


def test_the_person_picker_tells_people_apart_by_nationality_and_organisation(loaded: str) -> None:
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    options = app.selectbox(key="people_person").options
    ana = next(option for option in options if option.startswith("Ana Lim"))
    people = {row.full_name: row for row in _people(loaded)}
    assert ana == f"Ana Lim · {people['Ana Lim'].nationality} · {people['Ana Lim'].organisation}"
    ram = next(option for option in options if option.startswith("Ram Rai"))
    assert ram == f"Ram Rai · {people['Ram Rai'].nationality} · GEFONT"  # the team sees it without consent


def _people(url: str) -> list:
    with session_scope(make_engine(url)) as session:
        return list(people_table(session, FACILITATOR).itertuples())


def test_the_export_says_yes_or_no_and_its_own_file_imports_back(loaded: str, tmp_path: Path) -> None:
    # Users read Attended and Completed as Yes/No (not True/False); a participation whose attendance is not recorded
    # is a blank cell. The exported file, imported into another module, records the same people as attended or not.
    with session_scope(make_engine(loaded)) as session:
        ram = session.scalar(sa.select(Person).where(Person.email == "ram@x.org"))
        taken = session.scalar(sa.select(Participation).where(Participation.person_id == ram.id))
        taken.attended, taken.completed = False, False
        sneaky = session.scalar(sa.select(Person).where(Person.full_name == "-Sneaky Name"))
        session.scalar(sa.select(Participation).where(Participation.person_id == sneaky.id)).attended = None
    out = tmp_path / "people.xlsx"
    assert main(["export", "participants", str(out), "--course", "BKK", "--module", "1"]) == 0
    rows = list(openpyxl.load_workbook(out)["Participants"].iter_rows(values_only=True))
    by_name = {row[4]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert (by_name["Ana Lim"]["Attended"], by_name["Ana Lim"]["Completed"]) == ("Yes", "Yes")
    assert (by_name["Ram Rai"]["Attended"], by_name["Ram Rai"]["Completed"]) == ("No", "No")
    assert by_name["'-Sneaky Name"]["Attended"] in (None, "")
    csv_out = tmp_path / "people.csv"
    assert main(["export", "participants", str(csv_out), "--course", "BKK", "--module", "1"]) == 0
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",Attended,Days attended,Completed")
    assert next(line for line in lines if "Ram Rai" in line).endswith(",No,1,No")  # its days as recorded
    assert next(line for line in lines if "Ana Lim" in line).endswith(",Yes,2,Yes")
    # Back in: a second module, the export as its list; Ram is registered only, Ana took part.
    assert main(["module", "add", "--course", "BKK", "--number", "2", "--title", "Module 2", "--start", "2019-06-03",
                 "--end", "2019-06-05", "--city", "Bangkok", "--country", "THA"]) == 0  # fmt: skip
    assert main(["import", "participants", str(csv_out), "--course", "BKK", "--module", "2"]) == 0
    with session_scope(make_engine(loaded)) as session:
        second = sa.select(Participation).join(Module).where(Module.number == 2)
        read = {session.get(Person, p.person_id).email: (p.registered, p.attended) for p in session.scalars(second)}
    # "No": registered only, attendance not recorded (as a Zoom "Attended: No" row), never counted as attended.
    assert read["ana@x.org"][1] is True and read["ram@x.org"] == (True, None)


def test_the_participants_page_says_it_lists_more_than_those_who_took_part(loaded: str) -> None:
    """Seen on a first module: Home counted 70 individuals and Participants 111 people under "Everyone who took
    part" (41 registered who never came, and the agenda's facilitators, are on it too)."""
    engine = make_engine(loaded)
    with session_scope(engine) as session:  # a facilitator named on the agenda only: no participation
        session.add(Person(full_name="Agenda Only", name_key="agenda only"))
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    assert "**4** people" in [m.value for m in app.markdown]  # the 3 of the list and the facilitator
    caption = app.caption[0].value
    assert "Everyone who took part" not in caption
    assert "only registered" in caption and "facilitators" in caption

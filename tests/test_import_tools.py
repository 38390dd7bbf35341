"""Participant lists as the tools export them (tests/data/tools/participants/, layouts and sources in its README):
each is recognised, its own columns set aside, and its people imported with the right fields; an organisation type
nobody knows imports the person with the type not recorded and one warning; Zoom's "Attended: No" and Eventbrite's
"Attending" register without attendance, "Checked In" attends; a Zoom meeting's waiting-room rows are left out.
Expected figures are read from the fixtures with the csv module, not with the code under test."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.cli import main
from programme.core.db import REPO_ROOT, session_scope
from programme.core.errors import ProgrammeError
from programme.importing import normalise
from programme.importing.normalise import UnknownValue
from programme.models import AuditEntry, Gender, Organisation, OrgType, Participation, Person

TOOLS = REPO_ROOT / "tests" / "data" / "tools" / "participants"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def module_cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Engine:
    """Course RC with module 1 (one day), on each backend, reached by the command line."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert cli(capsys, "course", "add", "--code", "RC", "--title", "Regional course")[0] == 0
    module = ["--course", "RC", "--number", "1", "--title", "Module 1", "--start", "2026-03-13", "--end", "2026-03-13"]
    assert cli(capsys, "module", "add", *module, "--city", "Bangkok", "--country", "TH")[0] == 0
    return engine


def import_json(capsys: pytest.CaptureFixture[str], name: str, *extra: str, code: int = 0) -> dict:
    status, out, err = cli(
        capsys, "import", "participants", str(TOOLS / name), "--course", "RC", "--module", "1", "--json", *extra
    )
    assert status == code, err
    return json.loads(out)


def people(engine: Engine) -> dict[str, tuple]:
    """{e-mail: (full name, gender, organisation, its type, position, registered, attended)}."""
    with session_scope(engine) as session:
        rows = session.execute(
            sa.select(
                Person.email,
                Person.full_name,
                Person.gender,
                Organisation.name,
                Organisation.org_type,
                Person.position,
                Participation.registered,
                Participation.attended,
            )
            .join(Participation, Participation.person_id == Person.id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_word_rules_read_partner_wording_and_refuse_to_guess_the_rest() -> None:
    assert normalise.org_type("Lawyers network") == OrgType.LAWYERS
    assert normalise.org_type("Faith-based group") == OrgType.FAITH_BASED
    assert normalise.org_type("Migrant Workers Association") == OrgType.MIGRANT_COMMUNITY
    assert normalise.org_type("Union") == OrgType.TRADE_UNION
    assert normalise.org_type("Bar Concil") == OrgType.LAWYERS  # a misspelling, read by the fuzzy step
    with pytest.raises(UnknownValue):
        normalise.org_type("migrant workers union")  # two types' words: nothing guessed
    with pytest.raises(UnknownValue):
        normalise.org_type("Sports club")
    assert normalise.gender("Woman") == Gender.FEMALE
    assert normalise.attended("No") is False and normalise.attended("Yes") is True


def test_microsoft_forms_anonymous_export(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "microsoft_forms_anonymous.csv")
    assert report["tool"] == "Microsoft Forms" and report["written"] is True
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert roles["Email"] == "meta" and roles["Name"] == "meta" and roles["Start time"] == "meta"
    assert roles["Email address"] == "email" and roles["Full name"] == "full_name"
    assert (report["rows"], report["created"], report["errors"]) == (3, 3, [])
    found = people(module_cli)
    assert set(found) == {"siti.r@example.org", "rajan.thapa@example.org", "maria.santos@example.org"}
    assert found["maria.santos@example.org"][:4] == (
        "Maria Santos",
        Gender.FEMALE,
        "Lawyers for Migrants",
        OrgType.LAWYERS,  # "Lawyers network": read by the word rule, not refused
    )
    assert found["rajan.thapa@example.org"][3] == OrgType.TRADE_UNION


def test_column_option_overrides_one_mapping(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    # Taking the form's own Email column by choice: every row says "anonymous", so every row is refused.
    report = import_json(capsys, "microsoft_forms_anonymous.csv", "--column", "email=Email", "--dry-run", code=1)
    assert {item["header"]: item["role"] for item in report["columns"]}["Email"] == "email"
    assert [error["row"] for error in report["errors"]] == [2, 3, 4]
    status, _, err = cli(
        capsys, "import", "participants", str(TOOLS / "microsoft_forms_anonymous.csv"), "--course", "RC",
        "--module", "1", "--column", "email=No such column",
    )  # fmt: skip
    assert status == 2 and "No such column" in err and "Traceback" not in err
    with session_scope(module_cli) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def csv_rows(name: str, after: str | None = None) -> list[dict[str, str]]:
    """The fixture's rows as {header: cell}, read with the csv module (not the code under test); after names the
    section marker row (Zoom's "Attendee Details") whose next row is the header."""
    lines = list(csv.reader(io.StringIO((TOOLS / name).read_text(encoding="utf-8-sig"))))
    start = 0 if after is None else next(i for i, line in enumerate(lines) if line[0] == after) + 1
    header = lines[start]
    return [dict(zip(header, line, strict=True)) for line in lines[start + 1 :]]


def test_zoom_attendee_report(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "zoom_webinar_attendee_report.csv")
    assert report["tool"] == "Zoom" and report["list"] == "participants"
    # The Attendee Details section only (host and panelist left out), computed from the file's cells.
    section = csv_rows("zoom_webinar_attendee_report.csv", after="Attendee Details")
    emails = {row["Email"] for row in section}
    came = {row["Email"] for row in section if row["Attended"] == "Yes"}
    assert (report["rows"], report["created"], report["repeated"]) == (len(section), len(emails), 1) == (4, 3, 1)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert roles["Join Time"] == "meta" and roles["Attended"] == "attended" and roles["Organization"] == "organisation"
    assert roles["Type of organisation"] == "org_type"  # a registration question, after Is Guest
    assert report["errors"] == [] and report["warnings"] == [
        "Only the Attendee Details section is imported: the host and panelists are not participants."
    ]
    found = people(module_cli)
    assert set(found) == emails and "host@example.org" not in found and "ana.resource@example.org" not in found
    assert found["nur.aisyah@example.org"][2:] == ("Tenaganita", OrgType.NGO, "Case worker", True, True)
    assert (
        {email for email, person in found.items() if person[-1]}
        == came
        == {
            "nur.aisyah@example.org",
            "bikash.g@example.org",
        }
    )
    # Attended: No → registered, not attended; "--" in the session columns is the tool's own (meta), not read.
    assert found["lina.haddad@example.org"][3:] == (OrgType.LAWYERS, "Lawyer", True, None)


def test_zoom_meeting_participants_report(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    # Everyone imported, the host included, as chosen (--own-account import): the rest of the report as before.
    report = import_json(capsys, "zoom_meeting_participants.csv", "--own-account", "import")
    assert report["tool"] == "Zoom meeting" and report["list"] == "participants"
    rows = csv_rows("zoom_meeting_participants.csv")
    in_meeting = [row for row in rows if row["In Waiting Room"] == "No"]
    names = {row["Name (Original Name)"] for row in in_meeting}
    assert (report["rows"], report["created"], report["repeated"]) == (len(in_meeting), len(names), 1) == (5, 4, 1)
    assert any("waiting room" in note and "host" in note for note in report["warnings"])
    assert any(note.startswith("Imported as participants, as chosen") for note in report["warnings"])
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Name (Original Name)"], roles["User Email"], roles["In Waiting Room"]) == (
        "full_name",
        "email",
        "meta",
    )
    with session_scope(module_cli) as session:
        listed = dict(
            session.execute(
                sa.select(Person.full_name, Participation.attended).join(
                    Participation, Participation.person_id == Person.id
                )
            ).all()
        )
    # Lina Haddad was only ever in the waiting room: not a participant. Everyone else joined and attended.
    assert listed == dict.fromkeys(names, True) and "Lina Haddad" not in listed


def participants(engine: Engine) -> set[str]:
    """The full names of the people with a participation."""
    with session_scope(engine) as session:
        return set(session.scalars(sa.select(Person.full_name).join(Participation)))


def zoom_meeting_sections(name: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The meeting's row ({header: cell}) and the participants' rows of an export with meeting data, read with the
    csv module: the meeting's header and row, a blank line, then the participants' header and rows."""
    lines = list(csv.reader(io.StringIO((TOOLS / name).read_text(encoding="utf-8"))))
    blank = lines.index([])
    meeting = dict(zip(lines[0], lines[1], strict=True))
    header = lines[blank + 1]
    return meeting, [dict(zip(header, line, strict=True)) for line in lines[blank + 2 :]]


def test_zoom_meeting_host_is_not_imported_without_a_choice(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Zoom meeting's host was imported as a participant (a list without days counts as every day attended: the
    host completed, got a certificate and entered the alumni directory). Without --own-account the import is refused
    with a sentence naming the people on the organisers' own Zoom account and the option that decides."""
    status, out, err = cli(
        capsys,
        "import",
        "participants",
        str(TOOLS / "zoom_meeting_participants.csv"),
        "--course",
        "RC",
        "--module",
        "1",
    )
    own = {row["Name (Original Name)"] for row in csv_rows("zoom_meeting_participants.csv") if row["Guest"] == "No"}
    assert own == {"Programme Host"}
    assert status == 2 and out == ""
    assert "Programme Host (host@example.org)" in err and "Guest: No" in err
    assert "--own-account import" in err and "--own-account leave-out" in err and "nothing was written" in err
    assert participants(module_cli) == set()
    # Left out as chosen: the host is not a participant; the guests who joined are.
    report = import_json(capsys, "zoom_meeting_participants.csv", "--own-account", "leave-out")
    rows = csv_rows("zoom_meeting_participants.csv")
    guests = {row["Name (Original Name)"] for row in rows if row["In Waiting Room"] == "No" and row["Guest"] == "Yes"}
    assert participants(module_cli) == guests == {"Ana Resource", "Nur Aisyah", "Bikash Gurung"}
    assert report["written"] is True and report["created"] == 3
    assert any(
        note.startswith("Left out, as chosen: the 1 row of the 1 person who joined from your own Zoom account")
        and "Programme Host" in note
        for note in report["warnings"]
    )


def test_zoom_meeting_export_with_meeting_data(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """The export "with meeting data": the meeting's header and row (its User Email the host's) above the
    participants. The participants' header is the list's header (the meeting's was read as the header, its
    "Participants" column as the names), and the host the file names is said in the question and the notes."""
    name = "zoom_meeting_participants_with_meeting_data.csv"
    meeting, rows = zoom_meeting_sections(name)
    host_email = meeting["User Email"]
    status, _, err = cli(
        capsys, "import", "participants", str(TOOLS / name), "--course", "RC", "--module", "1", "--dry-run"
    )  # fmt: skip
    assert status == 2
    assert f"The meeting's host, named in the file's meeting row, is {host_email}." in err
    assert (
        "2 people joined from your own Zoom account (Guest: No): Programme Host (host@example.org), Farah Rahim" in err
    )
    report = import_json(capsys, name, "--own-account", "leave-out")
    assert report["tool"] == "Zoom meeting" and report["header_row"] == 4
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Name (Original Name)"], roles["User Email"], roles["Guest"]) == ("full_name", "email", "meta")
    admitted = [row for row in rows if row["In Waiting Room"] == "No"]
    own = [row for row in admitted if row["Guest"] == "No" or row["User Email"] == host_email]
    guests = [row for row in admitted if row not in own]
    assert (
        participants(module_cli) == {row["Name (Original Name)"] for row in guests} == {"Nur Aisyah", "Bikash Gurung"}
    )
    note = next(note for note in report["warnings"] if note.startswith("Left out, as chosen"))
    assert note.startswith(f"Left out, as chosen: the {len(own)} rows of the 2 people") and len(own) == 3
    assert f"The host named in the file: {host_email}." in note
    # The audit record says what was chosen, without anyone's name (a person's erasure does not reach it).
    with session_scope(module_cli) as session:
        entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import")).one()
    after = json.loads(entry.after) if isinstance(entry.after, str) else entry.after
    assert after["choices"] == [
        "Left out, as chosen: the 3 rows of the 2 people who joined from your own Zoom account (Guest: No) "
        "(the file names the host)."
    ]
    assert "Left out, as chosen" in entry.summary and "Programme Host" not in entry.summary + json.dumps(after)


def test_zoom_meeting_own_account_imported_as_chosen(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    name = "zoom_meeting_participants_with_meeting_data.csv"
    _, rows = zoom_meeting_sections(name)
    import_json(capsys, name, "--own-account", "import")
    admitted = {row["Name (Original Name)"] for row in rows if row["In Waiting Room"] == "No"}
    assert participants(module_cli) == admitted == {"Programme Host", "Farah Rahim", "Nur Aisyah", "Bikash Gurung"}


def test_eventbrite_attendee_report(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "eventbrite_attendee_report.csv")
    rows = csv_rows("eventbrite_attendee_report.csv")
    assert report["tool"] == "Eventbrite" and (report["rows"], report["created"]) == (len(rows), len(rows)) == (3, 3)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Company"], roles["Job Title"], roles["Order #"]) == ("organisation", "position", "meta")
    assert (roles["Attendee Status"], roles["Price Tier"]) == ("attended", "meta")
    found = people(module_cli)
    assert found["thida.win@example.org"] == (
        "Thida Win",
        Gender.UNDISCLOSED,
        "Foundation for Education and Development",
        None,
        "Field coordinator",
        True,
        True,
    )
    # "Checked In" came; "Attending" holds a ticket and was not checked in: registered only.
    checked_in = {row["Email"] for row in rows if row["Attendee Status"] == "Checked In"}
    assert {email for email, person in found.items() if person[-1]} == checked_in
    assert found["somchai.p@example.org"][-2:] == (True, None)
    assert {email: person[2] for email, person in found.items()} == {row["Email"]: row["Company"] for row in rows}


def test_eventbrite_prefix_and_suffix(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Eventbrite's Suffix ("Jr.", "PhD") was not read: a certificate printed "Jose Rizal" for Jose Rizal, Jr. It is
    written after the name as typed (names.after_name keeps such letters out of the given and family names); Prefix
    (Mr, Ms, Dr) is not part of the name kept and is never read as a gender. Both said in the notes."""
    name = "eventbrite_attendee_report_prefix_suffix.csv"
    report = import_json(capsys, name)
    rows = csv_rows(name)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Suffix"], roles["Prefix"]) == ("name_suffix", "meta")
    expected = {
        row["Email"]: " ".join([row["First Name"], row["Last Name"]]) + (f", {row['Suffix']}" if row["Suffix"] else "")
        for row in rows
    }
    assert expected == {
        "thida.win@example.org": "Thida Win, PhD",
        "jose.rizal@example.org": "Jose Rizal, Jr.",
        "dewi.lestari@example.org": "Dewi Lestari",
    }
    with session_scope(module_cli) as session:
        found = {
            person.email: (person.full_name, person.given_name, person.family_name, person.gender)
            for person in session.scalars(sa.select(Person))
        }
    assert found == {
        row["Email"]: (expected[row["Email"]], row["First Name"], row["Last Name"], Gender.UNDISCLOSED) for row in rows
    }
    assert any(note.startswith("Column 'Suffix': Written after each name, as typed") for note in report["warnings"])
    assert any(
        note.startswith("Column 'Prefix': Not read: a prefix (Mr, Ms, Dr...)") and "gender" in note
        for note in report["warnings"]
    )


def test_suffix_already_in_the_name_is_not_written_twice(
    module_cli: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(
        "Full name,Suffix,Email\nJose Rizal Jr.,Jr.,jose@example.org\nMaria Santos,PhD,maria@example.org\n"
    )
    status, _, err = cli(capsys, "import", "participants", str(listed), "--course", "RC", "--module", "1")
    assert status == 0, err
    with session_scope(module_cli) as session:
        names = dict(session.execute(sa.select(Person.email, Person.full_name)).all())
        split = dict(session.execute(sa.select(Person.email, Person.family_name)).all())
    assert names == {"jose@example.org": "Jose Rizal Jr.", "maria@example.org": "Maria Santos, PhD"}
    assert split == {"jose@example.org": "Rizal", "maria@example.org": "Santos"}


def test_eventbrite_status_neither_checked_in_nor_attending_is_refused(
    module_cli: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (TOOLS / "eventbrite_attendee_report.csv").read_text(encoding="utf-8")
    changed = tmp_path / "eventbrite_refunded.csv"
    changed.write_text(text.replace(",Attending,", ",Refunded,"), encoding="utf-8")
    status, out, _ = cli(
        capsys, "import", "participants", str(changed), "--course", "RC", "--module", "1", "--json"
    )  # fmt: skip
    report = json.loads(out)
    assert status == 1 and report["written"] is False
    assert [(error["row"], error["column"]) for error in report["errors"]] == [(3, "Attendee Status")]
    assert "Refunded" in report["errors"][0]["message"]
    with session_scope(module_cli) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def test_indico_registrants(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "indico_registrants.csv", "--list", "registration")
    assert report["tool"] == "Indico" and (report["rows"], report["created"]) == (2, 2)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Email Address"], roles["Affiliation"], roles["Registration date"]) == (
        "email",
        "organisation",
        "meta",
    )
    found = people(module_cli)
    assert found["priya.nair@example.org"][2:] == ("Centre for Migration Studies", None, "Researcher", True, None)
    with session_scope(module_cli) as session:
        assert session.scalar(sa.select(Person.nationality).where(Person.email == "ahmad.karimi@example.org")) == "AFG"


def test_indico_export_with_check_in_columns(
    module_cli: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The same export with "Checked in" and "Check-in date" chosen: Indico writes them after the registration state
    # (generate_spreadsheet_from_registrations), the flag as Yes/No and the date empty when not checked in.
    lines = (TOOLS / "indico_registrants.csv").read_text(encoding="utf-8-sig").splitlines()
    added = [",Checked in,Check-in date", ",Yes,2026-03-13 01:02:03.000004+00:00", ",No,"]
    path = tmp_path / "registrations.csv"
    path.write_text("\r\n".join(line + extra for line, extra in zip(lines, added, strict=True)) + "\r\n", "utf-8-sig")
    status, out, err = cli(
        capsys, "import", "participants", str(path), "--course", "RC", "--module", "1", "--json"
    )  # fmt: skip
    assert status == 0, err
    report = json.loads(out)
    assert report["tool"] == "Indico" and report["list"] == "participants"
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Checked in"], roles["Check-in date"]) == ("attended", "meta")
    found = people(module_cli)
    assert found["ahmad.karimi@example.org"][-2:] == (True, True)
    assert found["priya.nair@example.org"][-2:] == (True, None)  # registered, not checked in


def test_unknown_org_types_import_with_one_warning(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "partner_list_unknown_types.csv")
    assert report["tool"] is None
    assert (report["rows"], report["valid"], report["created"], report["errors"]) == (5, 5, 5, [])
    about_types = [item for item in report["warning_details"] if item["column"] == "Type of organisation"]
    assert len(about_types) == 1
    message = about_types[0]["message"]
    assert "'Sports club' (2 rows)" in message and "'migrant workers union' (1 row)" in message
    assert "Lawyers network" not in message and "Faith-based group" not in message
    assert any(text.endswith(message) for text in report["warnings"])  # the text list keeps every warning
    found = people(module_cli)
    assert found["arif.h@example.org"][3] == OrgType.LAWYERS
    assert found["grace.o@example.org"][3] == OrgType.FAITH_BASED
    # Nothing guessed: the unknown ones are stored as not recorded.
    assert [found[email][3] for email in ("tomas.r@example.org", "chen.w@example.org", "kamal.s@example.org")] == [
        None,
        None,
        None,
    ]


def test_tool_option(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, "eventbrite_attendee_report.csv", "--tool", "none", "--dry-run")
    assert report["tool"] is None
    status, _, err = cli(
        capsys, "import", "participants", str(TOOLS / "indico_registrants.csv"), "--course", "RC", "--module", "1",
        "--tool", "Spreadsheet Wizard",
    )  # fmt: skip
    assert status == 2 and "Spreadsheet Wizard" in err and "Microsoft Teams" in err


def test_fixture_readme_names_each_file() -> None:
    readme = (TOOLS / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(TOOLS).glob("*.csv")):
        assert path.name in readme


def test_a_mapping_remembered_reads_the_value_in_later_imports(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from programme.importing.value_mappings import remember_mappings, saved_mappings
    from programme.models import AuditEntry

    with session_scope(module_cli) as session:
        assert remember_mappings(session, "org_type", {"Sports club": "other"}, by="tester") == 1
        assert remember_mappings(session, "org_type", {"sports  CLUB": "other"}, by="tester") == 0
        with pytest.raises(ProgrammeError):
            remember_mappings(session, "org_type", {"Chess club": "chess"}, by="tester")
    with session_scope(module_cli) as session:
        assert saved_mappings(session) == {"org_type": {"sports club": "other"}}
        audited = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "value_mappings")).all()
        assert [entry.username for entry in audited] == ["tester"]
    report = import_json(capsys, "partner_list_unknown_types.csv")
    message = next(item["message"] for item in report["warning_details"] if item["column"] == "Type of organisation")
    assert "Sports club" not in message and "'migrant workers union' (1 row)" in message
    found = people(module_cli)
    assert [found[email][3] for email in ("tomas.r@example.org", "chen.w@example.org", "kamal.s@example.org")].count(
        OrgType.OTHER
    ) == 2


def test_zoom_webinar_attendees_on_the_organisers_account_are_asked_about(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """A webinar's attendee report marks each attendee "Is Guest" (Zoom support KB0066590: "No" is someone signed in to
    the host's own Zoom account, a colleague of the organisers). Such an attendee was imported as a participant without
    a word (and so completed the module, got a certificate, entered the alumni directory). Now the import is refused
    until --own-account says, naming them and the host of the file's Host Details; leave-out imports the guests only."""
    name = "zoom_webinar_attendee_report_own_account.csv"
    section = csv_rows(name, after="Attendee Details")
    own = {row["User Name (Original Name)"] for row in section if row["Is Guest"] == "No"}
    assert own == {"Farah Rahim"}
    host = csv_rows(name, after="Host Details")[0]  # the row under Host Details' header
    status, out, err = cli(capsys, "import", "participants", str(TOOLS / name), "--course", "RC", "--module", "1")
    assert status == 2 and out == ""
    assert "1 person joined from your own Zoom account (Is Guest: No): Farah Rahim (farah.rahim@example.org)." in err
    assert f"named in the file's Host Details, is {host['User Name (Original Name)']} ({host['Email']})" in err
    assert "--own-account import" in err and "nothing was written" in err
    assert participants(module_cli) == set()
    report = import_json(capsys, name, "--own-account", "leave-out")
    guests = {row["User Name (Original Name)"] for row in section if row["Is Guest"] != "No"}
    assert participants(module_cli) == guests == {"Nur Aisyah", "Bikash Gurung", "Lina Haddad"}
    assert report["written"] is True and report["created"] == len(guests)
    assert any(
        note.startswith(
            "Left out, as chosen: the 1 row of the 1 person who joined from your own Zoom account (Is Guest"
        )
        for note in report["warnings"]
    )
    # A registrant who never joined ("--" in Is Guest) is no one's own account: Lina Haddad, registered only.
    assert people(module_cli)["lina.haddad@example.org"][-2:] == (True, None)


def test_zoom_webinar_attendees_on_the_organisers_account_imported_as_chosen(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "zoom_webinar_attendee_report_own_account.csv"
    report = import_json(capsys, name, "--own-account", "import")
    emails = {row["Email"] for row in csv_rows(name, after="Attendee Details")}
    assert set(people(module_cli)) == emails and "farah.rahim@example.org" in emails
    assert report["created"] == len(emails) == 4
    assert any(note.startswith("Imported as participants, as chosen") for note in report["warnings"])


TEAMS = "teams_attendance_report.csv"
# Teams' roles of the people who ran the meeting (asked about, as a Zoom meeting's own account is).
TEAMS_ORGANISERS = {"Organizer", "Co-organizer"}


def teams_sections(name: str) -> dict[str, list[list[str]]]:
    """The fixture's sections ({title line: its lines, split at tabs}), read with the csv module (not the code under
    test): a Teams attendance report is UTF-16 with a byte order mark, tab-separated, sections apart by a blank line."""
    text = (TOOLS / name).read_bytes().decode("utf-16")
    sections: dict[str, list[list[str]]] = {}
    lines: list[list[str]] = []
    for line in csv.reader(io.StringIO(text, newline=""), delimiter="\t"):
        if not line:
            lines = []
        elif not lines and len(line) == 1 and line[0] not in sections:
            sections[line[0]] = lines = []
        else:
            lines.append(line)
    return sections


def teams_people(name: str = TEAMS) -> list[dict[str, str]]:
    """The rows of the report's "2. Participants" section as {header: cell}."""
    header, *rows = teams_sections(name)["2. Participants"]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_teams_report_is_read_as_its_participants_section() -> None:
    """A Teams attendance report (UTF-16, tab-separated: it was refused, "No header row...") is read as the people of
    its Participants section, once each: the summary's key/value lines are not the header and the In-Meeting
    Activities (each join and leave: Lina Haddad twice) are not read; the labels after the names are taken off."""
    from programme.importing import detect_columns, read_participant_sheet

    sections = teams_sections(TEAMS)
    assert list(sections) == ["1. Summary", "2. Participants", "3. In-Meeting Activities"]
    people = teams_people()
    activities = sections["3. In-Meeting Activities"][1:]
    assert (len(people), len(activities)) == (7, 8)
    table = read_participant_sheet((TOOLS / TEAMS).read_bytes(), TEAMS)
    summary_lines = 1 + len(sections["1. Summary"]) + 1  # its title, its lines, the blank line
    assert table.header_row == summary_lines + 2  # the section's title, then its header
    assert table.row_numbers == list(range(table.header_row + 1, table.header_row + 1 + len(people)))
    assert table.frame["Email"].tolist() == [row["Email"] for row in people]
    assert table.frame["Name"].tolist() == [
        "Programme Organiser",
        "Farah Rahim",
        "Santos, Maria",  # "(Guest)" taken off
        "Nur Aisyah",  # "(External)"
        "Bikash Gurung",  # "(Unverified)"
        "Lina Haddad",
        "Juan Dela Cruz",  # "(EXT)"
    ]
    mapping = detect_columns(table)
    assert mapping.tool == "Microsoft Teams"
    assert (mapping.fields["full_name"], mapping.fields["email"]) == ("Name", "Email")
    # The UPN is not the e-mail, the meeting's Role is not a role in the module, times and durations are not read.
    assert set(mapping.ignored) == {"First Join", "Last Leave", "In-Meeting Duration", "Participant ID (UPN)", "Role"}


def test_teams_organisers_are_not_imported_without_a_choice(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(
        capsys, "import", "participants", str(TOOLS / TEAMS), "--course", "RC", "--module", "1", "--dry-run", "--json"
    )  # fmt: skip
    organisers = [row for row in teams_people() if row["Role"] in TEAMS_ORGANISERS]
    assert [row["Name"] for row in organisers] == ["Programme Organiser", "Farah Rahim"]
    assert status == 2 and out == ""
    assert err.startswith(
        "Error: 2 people organised the meeting (Role: Organizer or Co-organizer): Programme Organiser "
        "(organiser@example.org), Farah Rahim (farah.rahim@example.org). Import them as participants?"
    )
    assert "--own-account import" in err and "--own-account leave-out" in err and "nothing was written" in err
    assert "The host" not in err and "meeting's host" not in err  # the Role column says who organised
    assert participants(module_cli) == set()


def test_teams_report_dry_run(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_json(capsys, TEAMS, "--dry-run", "--own-account", "leave-out")
    people = teams_people()
    others = [row for row in people if row["Role"] not in TEAMS_ORGANISERS]
    # Seven people in section 2, two of them organisers left out: five rows, five new people, nothing written.
    assert (report["rows"], report["valid"], report["would_create"], report["created"]) == (len(others),) * 3 + (0,)
    assert len(others) == 5 and report["written"] is False and report["errors"] == []
    assert report["tool"] == "Microsoft Teams" and report["list"] == "participants"
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Name"], roles["Email"], roles["Participant ID (UPN)"], roles["Role"]) == (
        "full_name",
        "email",
        "meta",
        "meta",
    )
    notes = " ".join(report["warnings"])
    assert "(Guest), (External), (EXT) or (Unverified), is not part of the name" in notes
    assert "join and leave times, durations, Role and the summary's meeting date are not read" in notes
    assert "Left out, as chosen: the 2 rows of the 2 people who organised the meeting (Role: Organizer or " in notes


def test_teams_report_imported(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Everyone in the Participants section joined: participants who attended, once each, their names without Teams'
    labels ("Santos, Maria (Guest)" → Maria Santos), the Email column their e-mail (Lina Haddad's UPN differs)."""
    report = import_json(capsys, TEAMS, "--own-account", "import")
    people = teams_people()
    assert report["written"] is True and (report["created"], report["participations"]) == (len(people),) * 2 == (7, 7)
    with session_scope(module_cli) as session:
        rows = session.execute(
            sa.select(Person.full_name, Person.email, Participation.attended).join(
                Participation, Participation.person_id == Person.id
            )
        ).all()
    assert {name: (email, attended) for name, email, attended in rows} == {
        "Programme Organiser": ("organiser@example.org", True),
        "Farah Rahim": ("farah.rahim@example.org", True),
        "Maria Santos": ("maria.santos@example.net", True),
        "Nur Aisyah": ("nur.aisyah@example.my", True),
        "Bikash Gurung": (None, True),
        "Lina Haddad": ("lina.haddad@example.org", True),
        "Juan Dela Cruz": ("juan.delacruz@example.ph", True),
    }
    lina = next(row for row in people if row["Name"] == "Lina Haddad")
    assert lina["Participant ID (UPN)"] != lina["Email"] == "lina.haddad@example.org"


def test_teams_organisers_left_out(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    import_json(capsys, TEAMS, "--own-account", "leave-out", "--tool", "Microsoft Teams")
    assert participants(module_cli) == {"Maria Santos", "Nur Aisyah", "Bikash Gurung", "Lina Haddad", "Juan Dela Cruz"}


# Microsoft Teams' older layouts (tests/data/tools/participants/README.md): UTF-16, tab-separated, a row per join or
# leave (2020) or per stay (2021). Expected people counted by hand from the fixtures and checked with the csv module.
TEAMS_2020 = "teams_attendance_list_2020.csv"
TEAMS_2021 = "teams_attendance_report_2021.csv"


def teams_rows(name: str, header: str) -> list[dict[str, str]]:
    """The fixture's rows under its header line (the first cell `header`), read with the csv module."""
    lines = list(csv.reader(io.StringIO((TOOLS / name).read_bytes().decode("utf-16"), newline=""), delimiter="\t"))
    start = next(position for position, line in enumerate(lines) if line and line[0] == header)
    return [dict(zip(lines[start], line, strict=True)) for line in lines[start + 1 :] if line]


def test_teams_2020_list_is_teams_once_per_person_and_not_a_registration_list() -> None:
    """The 2020 layout (Full Name, User Action, Timestamp) was taken as a Google Forms export because of its Timestamp,
    so as a registration list: its people would have been recorded as registered, not attended. It is a Teams list:
    seven people on fourteen Joined / Left rows, each read once (first row kept), labels taken off."""
    from programme.importing import detect_columns, read_participant_sheet
    from programme.importing.columns import detect_mapping
    from programme.importing.lists import ListKind, detect_list_kind
    from programme.importing.profiles import detect_profile, participant_list_tool

    rows = teams_rows(TEAMS_2020, "Full Name")
    assert len(rows) == 14 and {row["User Action"] for row in rows} == {"Joined", "Joined before", "Left"}
    firsts = {row["Full Name"]: number for number, row in reversed(list(enumerate(rows, start=2)))}
    assert len(firsts) == 7
    table = read_participant_sheet((TOOLS / TEAMS_2020).read_bytes(), TEAMS_2020)
    assert table.header_row == 1 and table.row_numbers == sorted(firsts.values()) == [2, 3, 4, 5, 6, 8, 13]
    assert table.frame["Full Name"].tolist() == [
        "Programme Organiser",
        "Farah Rahim",  # "Joined before"
        "Maria Santos",  # "(Guest)" taken off; Joined, Left, Joined
        "Nur Aisyah",
        "Lina Haddad",  # Joined, Left, Joined
        "Bikash Gurung",  # "(Guest)"
        "Juan Dela Cruz",
    ]
    mapping = detect_columns(table)
    assert mapping.tool == "Microsoft Teams" and mapping.fields == {"full_name": "Full Name"}
    assert set(mapping.ignored) == {"User Action", "Timestamp"}
    assert detect_list_kind(table.columns, mapping) == ListKind.PARTICIPANTS
    assert "does not say who organised the meeting" in " ".join(mapping.notes)
    assert participant_list_tool(table.columns)[0].name == "Microsoft Teams"  # never an evaluation export
    # A form's export with a Timestamp and a Full Name (no User Action) is still a form's, and a registration list.
    form = ["Timestamp", "Full Name", "Email address", "Organisation"]
    assert detect_profile(form).name == "Google Forms"
    assert detect_list_kind(form, detect_mapping(form)) == ListKind.REGISTRATION
    # Indico's own Registration date still says a registration form's export.
    indico = read_participant_sheet((TOOLS / "indico_registrants.csv").read_bytes(), "indico_registrants.csv")
    assert detect_list_kind(indico.columns, detect_columns(indico)) == ListKind.REGISTRATION


def test_teams_2020_list_imported_as_attended_nothing_asked(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """Everyone on the list joined: seven participants who attended, once each; no Role, so nothing is asked (the
    note says the list does not say who organised); --tool "Microsoft Teams" picks this layout."""
    report = import_json(capsys, TEAMS_2020, "--tool", "Microsoft Teams")
    assert (report["tool"], report["list"], report["rows"], report["created"]) == (
        "Microsoft Teams",
        "participants",
        7,
        7,
    )
    assert any("does not say who organised the meeting" in note for note in report["warnings"])
    with session_scope(module_cli) as session:
        rows = session.execute(
            sa.select(Person.full_name, Participation.registered, Participation.attended).join(
                Participation, Participation.person_id == Person.id
            )
        ).all()
    names = {"Programme Organiser", "Farah Rahim", "Maria Santos", "Nur Aisyah", "Lina Haddad", "Bikash Gurung"}
    assert sorted(name for name, _, _ in rows) == sorted(names | {"Juan Dela Cruz"})
    assert {attended for _, _, attended in rows} == {True}


def test_teams_2021_report_read_once_per_person_organizer_asked(
    module_cli: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 2021 layout (a Meeting Summary, then Full Name, Join Time, Leave Time, Duration, Email, Role, Participant
    ID (UPN)) was not recognised: it is Teams, its six people read once (Lina Haddad's two stays, one person), its
    Organizer asked about as the 2022 layout's are."""
    from programme.importing import detect_columns, read_participant_sheet

    rows = teams_rows(TEAMS_2021, "Full Name")
    assert len(rows) == 7 and len({(row["Full Name"], row["Email"]) for row in rows}) == 6
    table = read_participant_sheet((TOOLS / TEAMS_2021).read_bytes(), TEAMS_2021)
    assert table.header_row == 7 and table.row_numbers == [8, 9, 10, 11, 12, 14]  # row 13: Lina Haddad again
    mapping = detect_columns(table)
    assert mapping.tool == "Microsoft Teams"
    assert (mapping.fields["full_name"], mapping.fields["email"]) == ("Full Name", "Email")
    assert set(mapping.ignored) == {"Join Time", "Leave Time", "Duration", "Participant ID (UPN)", "Role"}
    organizer = [row for row in rows if row["Role"] == "Organizer"]
    assert [row["Full Name"] for row in organizer] == ["Programme Organiser"]
    status, out, err = cli(
        capsys, "import", "participants", str(TOOLS / TEAMS_2021), "--course", "RC", "--module", "1", "--json"
    )  # fmt: skip
    assert status == 2 and out == ""
    assert err.startswith(
        "Error: 1 person organised the meeting (Role: Organizer or Co-organizer): Programme Organiser "
        "(organiser@example.org). Import them as participants?"
    )
    assert participants(module_cli) == set()


def test_teams_2021_report_imported(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Left out, the organizer is not imported; the five others attended, once each, their names without Teams'
    labels, Email their e-mail (Lina Haddad's UPN differs), the Presenter imported as anyone else."""
    report = import_json(capsys, TEAMS_2021, "--own-account", "leave-out", "--tool", "Microsoft Teams")
    assert (report["tool"], report["list"], report["created"], report["participations"]) == (
        "Microsoft Teams",
        "participants",
        5,
        5,
    )
    with session_scope(module_cli) as session:
        rows = session.execute(
            sa.select(Person.full_name, Person.email, Participation.attended).join(
                Participation, Participation.person_id == Person.id
            )
        ).all()
    assert {name: (email, attended) for name, email, attended in rows} == {
        "Maria Santos": ("maria.santos@example.net", True),
        "Nur Aisyah": ("nur.aisyah@example.my", True),
        "Lina Haddad": ("lina.haddad@example.org", True),
        "Bikash Gurung": (None, True),
        "Juan Dela Cruz": ("juan.delacruz@example.ph", True),
    }


# Google Meet's attendance report and a Microsoft Teams live event's attendee report (tests/data/tools/participants/
# README.md). Expected people read from the fixtures with the csv module, not with the code under test.
MEET = "google_meet_attendance_report.csv"
LIVE_EVENT = "teams_live_event_attendee_report.csv"


def plain_rows(name: str) -> list[dict[str, str]]:
    """A UTF-8, comma-separated fixture's rows as {header: cell}, read with the csv module."""
    with (TOOLS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def live_event_people(rows: list[dict[str, str]]) -> dict[str, str]:
    """{Participant Id: Full Name} of a live event's rows, each person once (their first row)."""
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["Participant Id"], row["Full Name"])
    return found


def test_google_meet_report_is_recognised_not_an_evaluation_or_anonymous_list() -> None:
    """Google Meet's report was read as a list of no tool (its Duration and times "not read", no note) and, chosen as
    an evaluation export, as six anonymous responses with five questions. It is Google Meet's, a participant list."""
    from programme.importing import detect_columns, read_participant_sheet
    from programme.importing.lists import ListKind, detect_list_kind
    from programme.importing.profiles import participant_list_tool

    rows = plain_rows(MEET)
    table = read_participant_sheet((TOOLS / MEET).read_bytes(), MEET)
    assert table.header_row == 1 and table.row_numbers == list(range(2, 2 + len(rows))) and len(rows) == 6
    mapping = detect_columns(table)
    assert mapping.tool == "Google Meet"
    assert mapping.fields == {"given_name": "First name", "family_name": "Last name", "email": "Email"}
    assert set(mapping.ignored) == {"Duration", "Time joined", "Time exited"}
    assert detect_list_kind(table.columns, mapping) == ListKind.PARTICIPANTS
    assert participant_list_tool(table.columns)[0].name == "Google Meet"
    assert "the meeting's organiser, listed like everyone else, is imported" in " ".join(mapping.notes)


def test_google_meet_report_dry_run_wording(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(
        capsys, "import", "participants", str(TOOLS / MEET), "--course", "RC", "--module", "1", "--dry-run"
    )  # fmt: skip
    assert status == 0, err
    assert "This looks like a Google Meet export (choose another with --tool)." in out
    assert "valid 6, new people to add 6," in out and "Dry run: nothing was written." in out
    assert "Duration, Time joined and Time exited are not read" in out
    assert participants(module_cli) == set()


def test_google_meet_report_imported(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Everyone listed joined the call: participants who attended, their names from First name and Last name, their
    e-mails from Email; the organiser (no role in the report) is one of them."""
    rows = plain_rows(MEET)
    expected = {f"{row['First name']} {row['Last name']}": (row["Email"], True) for row in rows}
    report = import_json(capsys, MEET)
    assert (report["tool"], report["list"], report["written"]) == ("Google Meet", "participants", True)
    assert report["created"] == report["participations"] == len(expected) == 6
    with session_scope(module_cli) as session:
        found = session.execute(
            sa.select(Person.full_name, Person.email, Participation.attended).join(
                Participation, Participation.person_id == Person.id
            )
        ).all()
    assert {name: (email, attended) for name, email, attended in found} == expected
    assert expected["Programme Organiser"] == ("organiser@example.org", True)


def test_teams_live_event_report_is_read_once_per_person() -> None:
    """A live event's AttendeeReport.csv (a row per join or leave) was read with its Role as the role in the module,
    every row refused ("'Attendee' is not a role in a module"), and as an evaluation export of ten responses. It is
    Microsoft Teams': ten rows, five people (Maria Santos joined twice, two Session Ids), each read once."""
    from programme.importing import detect_columns, read_participant_sheet
    from programme.importing.profiles import participant_list_tool

    rows = plain_rows(LIVE_EVENT)
    people = live_event_people(rows)
    assert len(rows) == 10 and len(people) == 5 and {row["Action"] for row in rows} == {"Joined", "Left"}
    maria = {row["Session Id"] for row in rows if row["Full Name"] == "Maria Santos"}
    assert len(maria) == 2
    firsts = sorted({row["Participant Id"]: number for number, row in reversed(list(enumerate(rows, 2)))}.values())
    table = read_participant_sheet((TOOLS / LIVE_EVENT).read_bytes(), LIVE_EVENT)
    assert table.header_row == 1 and table.row_numbers == firsts == [2, 3, 4, 6, 8]
    assert table.frame["Full Name"].tolist() == list(people.values())
    mapping = detect_columns(table)
    assert mapping.tool == "Microsoft Teams"
    assert mapping.fields == {"full_name": "Full Name", "email": "Participant Id"}
    assert set(mapping.ignored) == {"Session Id", "UserAgent", "UTC Event Timestamp", "Action", "Role"}
    assert participant_list_tool(table.columns)[0].name == "Microsoft Teams"


def test_teams_live_event_dry_run_and_import(module_cli: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(
        capsys, "import", "participants", str(TOOLS / LIVE_EVENT), "--course", "RC", "--module", "1", "--dry-run"
    )  # fmt: skip
    assert status == 0, err
    assert "This looks like a Microsoft Teams export (choose another with --tool)." in out
    assert "valid 5, new people to add 5," in out and "errors 0." in out and "Dry run: nothing was written." in out
    assert "each person is imported once, however many Joined and Left rows they have" in out
    assert participants(module_cli) == set()
    people = live_event_people(plain_rows(LIVE_EVENT))
    report = import_json(capsys, LIVE_EVENT, "--tool", "Microsoft Teams")
    assert (report["tool"], report["list"], report["created"], report["participations"]) == (
        "Microsoft Teams",
        "participants",
        len(people),
        len(people),
    )
    with session_scope(module_cli) as session:
        found = session.execute(
            sa.select(Person.email, Person.full_name, Participation.attended).join(
                Participation, Participation.person_id == Person.id
            )
        ).all()
    assert {email: (name, attended) for email, name, attended in found} == {
        email: (name, True) for email, name in people.items()
    }


def test_teams_live_event_team_is_asked_about(
    module_cli: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A Role other than Attendee (a live event's Producer, as Microsoft Graph's onlineMeetingRole names it) is the
    event's team: asked about as a meeting's Organizer is, nothing written until --own-account says. The report here
    is the fixture with Maria Santos's rows marked Producer (no real report with such a row was found)."""
    text = (TOOLS / LIVE_EVENT).read_bytes().decode("utf-8")  # its CR LF line ends kept
    lines = text.splitlines(keepends=True)
    produced = [line.replace(",Attendee\r\n", ",Producer\r\n") if ",Maria Santos," in line else line for line in lines]
    path = tmp_path / "AttendeeReport.csv"
    path.write_text("".join(produced), encoding="utf-8", newline="")
    assert sum(",Producer\r\n" in line for line in produced) == 4
    status, out, err = cli(capsys, "import", "participants", str(path), "--course", "RC", "--module", "1", "--dry-run")
    assert status == 2 and out == ""
    assert err.startswith(
        "Error: 1 person ran the live event (Role: Organizer, Producer or Presenter): Maria Santos "
        "(maria.santos@example.net). Import them as participants?"
    )
    assert "--own-account import" in err and "nothing was written" in err
    status, _, err = cli(
        capsys, "import", "participants", str(path), "--course", "RC", "--module", "1", "--own-account", "leave-out"
    )  # fmt: skip
    assert status == 0, err
    assert participants(module_cli) == {"Nur Aisyah", "Bikash Gurung", "Lina Haddad", "Juan Dela Cruz"}

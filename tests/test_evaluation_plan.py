"""The evaluation import is plan-then-apply: a plan writes nothing, apply writes it in one go; --column changes a
column's role (CLI and plan). Figures computed here by hand from the small files."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.cli import main
from programme.core.db import make_engine
from programme.core.errors import ProgrammeError
from programme.evaluations import apply_evaluations, module_summary, plan_evaluations
from programme.models import Answer, Course, ImportBatch, Module, Response
from programme.web.display import WORD_JOINER
from tests.test_evaluations import csv_bytes, make_module
from tests.test_intake_tools import TOOLS, rows_of

# A sheet typed by hand: "Overall" holds 1-5 ratings, but "Day attended" (1, 2, 3) is no rating at all.
TYPED = "_uuid,Overall,Day attended,Comments\nu1,4,1,Thank you\nu2,5,2,\nu3,3,3,Long days\n"


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(table)) for table in (Response, Answer, ImportBatch)
    )


def test_a_plan_writes_nothing_and_apply_writes_it(session: Session) -> None:
    module = make_module(session)
    data = (TOOLS / "typeform.csv").read_bytes()
    plan = plan_evaluations(session, data=data, filename="typeform.csv", module_id=module.id)
    assert (plan.created, plan.written, plan.errors) == (len(plan.fresh), False, [])
    assert _counts(session) == (0, 0, 0)
    done = apply_evaluations(session, plan, by="tester")
    assert done.written and done.form_id is not None
    assert _counts(session)[0] == plan.created and _counts(session)[2] == 1


def test_apply_refuses_a_plan_with_errors(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,Overall quality\nu1,Very weak\nu2,Strong\nu3,Average\nu4,Weak\n")
    plan = plan_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert plan.unknown_labels == {"Overall quality": ["Very weak", "Strong", "Average", "Weak"]}
    with pytest.raises(ProgrammeError, match="errors to fix"):
        apply_evaluations(session, plan)
    assert _counts(session) == (0, 0, 0)


def test_column_roles_change_what_is_read(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes(TYPED)
    plan = plan_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    roles = {item["header"]: item["role"] for item in plan.columns}
    assert roles == {"_uuid": "response id", "Overall": "rating", "Day attended": "rating", "Comments": "text"}
    chosen = plan_evaluations(
        session, data=data, filename="f.csv", module_id=module.id, columns={"Day attended": "meta"}
    )
    assert {item["header"]: item["role"] for item in chosen.columns}["Day attended"] == "meta"
    apply_evaluations(session, chosen)
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    assert "Day attended" not in summary
    assert (summary["Overall"]["n"], summary["Overall"]["mean"]) == (3, pytest.approx((4 + 5 + 3) / 3))


def test_a_role_for_a_column_the_file_lacks_is_refused(session: Session) -> None:
    module = make_module(session)
    with pytest.raises(ProgrammeError, match="no column 'Nope'"):
        plan_evaluations(
            session, data=csv_bytes(TYPED), filename="f.csv", module_id=module.id, columns={"Nope": "meta"}
        )


@pytest.fixture
def cli_module(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    from programme.core.db import make_engine, session_scope

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        make_module(session, code="EVC")
    return sqlite_url


def test_cli_column_option(cli_module: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "typed.csv"
    path.write_text(TYPED, encoding="utf-8")
    args = ["import", "evaluations", str(path), "--course", "EVC", "--module", "1", "--json", "--dry-run"]
    assert main([*args, "--column", "ignore=Day attended", "--column", "text=Overall"]) == 0
    report = json.loads(capsys.readouterr().out)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Day attended"], roles["Overall"]) == ("meta", "text")
    assert main([*args, "--column", "colour=Overall"]) == 2
    err = capsys.readouterr().err
    assert "not a column role" in err and "Traceback" not in err
    assert main([*args, "--column", "rating=Missing"]) == 2
    assert "no column 'Missing'" in capsys.readouterr().err


# --- the page: Forms and entry › Import an export (AppTest; the upload is put where the uploader keeps it) ---


def _entry_page(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes):
    from programme.core.db import make_engine, session_scope
    from programme.models import UserRole
    from tests.apptest_support import run_page

    with session_scope(make_engine(sqlite_url)) as session:
        module_id = make_module(session, code="EVP").id
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app.session_state["evaluation_export"] = {"name": name, "data": data}
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    assert not app.exception, app.exception
    return app, hashlib.sha256(data).hexdigest()[:12]


def test_entry_page_shows_the_tool_and_a_column_role_can_be_changed(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from programme.core.db import make_engine

    data = (TOOLS / "typeform.csv").read_bytes()
    app, digest = _entry_page(sqlite_url, monkeypatch, "typeform.csv", data)
    assert any(info.value == "This looks like a Typeform export." for info in app.info)
    assert {metric.label: metric.value for metric in app.metric}["New questions"] == "2"
    app = app.selectbox(key=f"role_column_{digest}").set_value("What was most useful?").run()
    app = app.selectbox(key=f"role_{digest}_What was most useful?").set_value("meta").run()
    assert not app.exception, app.exception
    assert {metric.label: metric.value for metric in app.metric}["New questions"] == "1"
    button = next(button for button in app.button if button.key == "import_evaluations")
    # The button names the module the responses go into, with its dates: the page opens on the newest module.
    assert button.label == f"Import {len(rows_of('typeform.csv'))} responses into EVP · Module 1 (8–12 April 2019)"
    app = button.click().run()
    assert not app.exception, app.exception
    responses = len(rows_of("typeform.csv"))
    assert any(f"Imported {responses} responses" in message.value for message in app.success)
    with Session(make_engine(sqlite_url)) as session:
        texts = session.scalars(sa.select(Answer.text).where(Answer.text.is_not(None))).all()
        assert texts == []  # the text column was set aside: no answer of it imported
        assert _counts(session)[0] == responses


def test_entry_page_asks_the_order_of_unknown_labels(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from programme.core.db import make_engine

    data = csv_bytes("_uuid,Overall quality\nu1,Very weak\nu2,Strong\nu3,Average\nu4,Weak\nu5,Very strong\n")
    app, digest = _entry_page(sqlite_url, monkeypatch, "f.csv", data)
    assert any("are not a scale we know" in warning.value for warning in app.warning)
    assert not any(button.key == "import_evaluations" for button in app.button)
    for place, label in enumerate(["Very weak", "Weak", "Average", "Strong", "Very strong"]):
        app = app.selectbox(key=f"label_{digest}_{place}").set_value(label).run()
    assert not app.exception, app.exception
    app = next(button for button in app.button if button.key == "import_evaluations").click().run()
    assert any("Imported 5 responses" in message.value for message in app.success)
    with Session(make_engine(sqlite_url)) as session:
        # By hand: Very weak 1, Strong 4, Average 3, Weak 2, Very strong 5.
        assert session.scalar(sa.select(sa.func.avg(Answer.rating))) == pytest.approx((1 + 4 + 3 + 2 + 5) / 5)


def test_entry_page_columns_table_shows_every_column_and_each_becomes_in_full(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen as a first user: a SurveyMonkey export's table of columns showed ten rows (its own columns: Respondent
    ID... Custom Data 1) and a scroll bar, the questions below it, and the kind and session cut off on the right.
    Then, in a journey audit: a long "becomes" (a question as it will be written, with its scale) was cut at the
    grid's column edge, unreadable. A static table wraps each cell: every text is on the page in full (the browser
    test looks at it: tests/test_browser_audit_j.py)."""
    data = (TOOLS / "surveymonkey.csv").read_bytes()
    app, _ = _entry_page(sqlite_url, monkeypatch, "surveymonkey.csv", data)
    assert not [frame for frame in app.dataframe if "becomes" in frame.value.columns]  # no grid that cuts
    table = next(frame for frame in app.table if list(frame.value.columns) == ["column", "becomes", "kind", "session"])
    assert len(table.value) == 16  # SurveyMonkey's 9 own columns, then the questions (counted in the fixture)
    # Each cell is the plan's text exactly, escaped for the table's Markdown: read back, the same text.
    with Session(make_engine(sqlite_url)) as session:
        module_id = session.scalar(sa.select(Module.id).join(Course).where(Course.code == "EVP"))
        planned = plan_evaluations(session, data=data, filename="surveymonkey.csv", module_id=module_id)
    shown = [re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "") for text in table.value["becomes"]]
    assert shown == list(planned.columns_table()["becomes"])
    longest = max(shown, key=len)
    assert len(longest) > 60 and longest.startswith(("question: ", "new question: "))  # whole, as the plan says it
    assert "None" not in set(table.value["session"]) and "nan" not in set(table.value["session"].astype(str))


def test_entry_page_asks_the_order_of_dates_that_read_two_ways(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No date has a day above 12: the page offers the order; chosen month first, 04/05 is stored as 5 April."""
    from programme.core.db import make_engine
    from programme.models import Response

    data = csv_bytes("Submitted at,Overall quality\n04/05/2026 10:00:00,4\n02/06/2026 09:15:00,5\n")
    app, digest = _entry_page(sqlite_url, monkeypatch, "f.csv", data)
    assert any("read two ways" in warning.value for warning in app.warning)
    order = app.radio(key=f"date_order_{digest}")
    app = order.set_value("Month first (4/5 = April 5)").run()
    assert not app.exception, app.exception
    assert not any("read two ways" in warning.value for warning in app.warning)
    app = next(button for button in app.button if button.key == "import_evaluations").click().run()
    assert any("Imported 2 responses" in message.value for message in app.success)
    with Session(make_engine(sqlite_url)) as session:
        stored = sorted(t.replace(tzinfo=None) for t in session.scalars(sa.select(Response.submitted_at)))
    assert stored == [datetime(2026, 2, 6, 9, 15), datetime(2026, 4, 5, 10, 0)]  # by hand: month first


# --- a participant list chosen by mistake, and contact details in an evaluation export ---

DATA = Path(__file__).parent / "data"


def test_a_registration_export_is_refused_as_an_evaluation_export(session: Session) -> None:
    # A Google Forms registration export (tests/data/registrations_online_form.csv: timestamp, name, gender,
    # nationality, country of work, organisation, its type, e-mail, phone, one open question): no rating column.
    module = make_module(session)
    data = (DATA / "registrations_online_form.csv").read_bytes()
    with pytest.raises(ProgrammeError, match="looks like a participant list") as refused:
        plan_evaluations(session, data=data, filename="registrations.csv", module_id=module.id)
    assert "Import participants" in str(refused.value) and "'Gender'" in str(refused.value)
    assert _counts(session) == (0, 0, 0)


@pytest.mark.parametrize(
    ("fixture", "tool", "column"),
    [
        # Eventbrite's attendee report: Quantity (1 a row) was read as a rating question, so the file was not refused
        # and 3 "responses" with 17 questions would have been imported.
        ("eventbrite_attendee_report.csv", "an Eventbrite", "'Order #'"),
        # Zoom's meeting participants: Guest and In Waiting Room (Yes/No) were read as comments, 7 questions.
        ("zoom_meeting_participants.csv", "a Zoom meeting", "'Join Time'"),
        # The same with the meeting's data above the people: its columns Meeting ID, Topic... were the header.
        ("zoom_meeting_participants_with_meeting_data.csv", "a Zoom meeting", "'Meeting ID'"),
        ("zoom_webinar_attendee_report.csv", "a Zoom", "'Join Time'"),
        ("indico_registrants.csv", "an Indico", "'Registration state'"),
        # Teams' attendance report (UTF-16, in sections): it was unreadable ("No header row...").
        ("teams_attendance_report.csv", "a Microsoft Teams", "'Participant ID (UPN)'"),
        # Google Meet's attendance report and a Teams live event's attendee report: read as 6 and 10 anonymous
        # responses with 5 questions each.
        ("google_meet_attendance_report.csv", "a Google Meet", "'Time joined'"),
        ("teams_live_event_attendee_report.csv", "a Microsoft Teams", "'UTC Event Timestamp'"),
    ],
)
def test_a_list_of_people_from_zoom_eventbrite_or_indico_is_refused_by_its_tools_columns(
    session: Session, fixture: str, tool: str, column: str
) -> None:
    # The tools' own exports (tests/data/tools/participants/README.md says where each layout comes from).
    module = make_module(session)
    data = (DATA / "tools" / "participants" / fixture).read_bytes()
    with pytest.raises(ProgrammeError, match=f"This file is {tool} list of people") as refused:
        plan_evaluations(session, data=data, filename=fixture, module_id=module.id)
    assert "Import participants" in str(refused.value) and column in str(refused.value)
    assert _counts(session) == (0, 0, 0)


def test_the_cli_refuses_a_participant_list_without_a_traceback(cli_module: str, capsys: pytest.CaptureFixture) -> None:
    path = DATA / "registrations_online_form.csv"
    assert main(["import", "evaluations", str(path), "--course", "EVC", "--module", "1"]) != 0
    err = capsys.readouterr().err
    assert "looks like a participant list" in err and "Traceback" not in err


def test_phone_numbers_in_an_evaluation_export_are_not_imported(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes(
        "_uuid,Overall,Phone number,WhatsApp,Comments\n"
        "u1,4,+60 12 345 6789,+60123456789,Thank you\n"
        "u2,5,+977 980 123 4567,,\n"
    )
    plan = plan_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    roles = {item["header"]: item["role"] for item in plan.columns}
    assert (roles["Phone number"], roles["WhatsApp"], roles["Overall"]) == ("contact", "contact", "rating")
    apply_evaluations(session, plan, by="tester")
    texts = [text for text in session.scalars(sa.select(Answer.text)) if text]
    assert texts == ["Thank you"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3  # two ratings and the comment


def test_entry_page_says_a_participant_list_is_not_an_evaluation_export(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (DATA / "registrations_online_form.csv").read_bytes()
    app, _ = _entry_page(sqlite_url, monkeypatch, "registrations.csv", data)
    said = [error.value for error in app.error]
    assert any("looks like a participant list" in text and "Import participants" in text for text in said), said
    assert not any(button.key == "import_evaluations" for button in app.button)


def test_entry_page_s_import_refused_after_a_colleague_s_clears_the_stale_preview(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in real use: two colleagues pressed Import on the same export at once. The second's import waited for the
    first and was refused ("every response in this file was imported meanwhile"), but its preview ("New responses 4")
    and the Import button stayed on screen under the refusal, inviting another press. The colleague's import is made
    to commit between this run's preview and its write (as it did then); after the click the preview, its counts
    and the button are gone, the uploader is empty and the refusal is said once."""
    import programme.evaluations.importing as importing
    from programme.core.db import make_engine, session_scope
    from programme.evaluations import import_evaluations

    data = (TOOLS / "typeform.csv").read_bytes()
    app, _ = _entry_page(sqlite_url, monkeypatch, "typeform.csv", data)
    button = next(button for button in app.button if button.key == "import_evaluations")
    real_plan = importing.plan_evaluations

    def colleague_first(session: Session, **arguments: object):  # type: ignore[no-untyped-def]
        """The colleague's import commits just before this click's transaction plans the import again."""
        if arguments.get("writing") and not colleague_first.done:
            colleague_first.done = True
            with session_scope(make_engine(sqlite_url)) as other:
                module_id = arguments["module_id"]
                import_evaluations(other, data=data, filename="typeform.csv", module_id=module_id, by="colleague")
        return real_plan(session, **arguments)

    colleague_first.done = False
    monkeypatch.setattr(importing, "plan_evaluations", colleague_first)
    app = button.click().run()
    assert not app.exception, app.exception
    assert colleague_first.done
    said = [message.value for message in [*app.warning, *app.error]]
    assert sum("imported meanwhile" in text for text in said) == 1, said
    assert not any(button.key == "import_evaluations" for button in app.button)
    assert not app.metric  # no count of "New responses" from the stale preview
    assert "evaluation_export" not in app.session_state
    with Session(make_engine(sqlite_url)) as session:
        assert _counts(session) == (len(rows_of("typeform.csv")), _counts(session)[1], 1)  # the colleague's only

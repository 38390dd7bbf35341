"""What a new organisation met on its first module (wave 16's journey from an empty database with the shared samples):
each test fails on the code before its fix."""

from __future__ import annotations

import io
from datetime import date, time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.evaluations.importing import import_evaluations
from programme.models import Response, UserRole
from programme.planning.agenda import add_session
from tests.apptest_support import run_page

# The shared KoboToolbox export (tests/data, a copy of /work/shared/samples): its questions name sessions
# ("International human rights framework"...) that the agenda below does not hold.
EXPORT = Path(__file__).parent / "data" / "evaluation_survey_export.csv"


@pytest.fixture
def untied(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> int:
    """A module whose agenda's titles differ from the sessions its evaluation export asks about."""
    with session_scope(make_engine(sqlite_url)) as session:
        add_course(session, code="NP-MYS", title="National programme", by=None)
        module = add_module(session, course_code="NP-MYS", number=1, title="Module 1", start=date(2026, 11, 10),
                            end=date(2026, 11, 13), by=None)  # fmt: skip
        add_session(session, module_id=module.id, day=1, start=time(9), end=time(10), title="UN treaty bodies and CEDAW",
                    by=None)  # fmt: skip
        result = import_evaluations(session, data=EXPORT.read_bytes(), filename=EXPORT.name, module_id=module.id)
        assert not result.errors
        module_id = module.id
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return module_id


def _everything_said(app) -> str:  # type: ignore[no-untyped-def]
    parts = [e.value for e in (*app.info, *app.caption, *app.markdown, *app.warning)]
    return "\n".join(str(part) for part in parts)


def test_weak_sessions_is_not_a_zero_when_no_session_was_rated_as_one(untied: int) -> None:
    """The dashboard said "Weak sessions 0" above "sessions are not ranked": read as every session doing well, while
    one of the export's sessions had a mean of 2.9. No session rated as one: the figure is "—", its help says why."""
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert not app.exception
    weak = next(metric for metric in app.metric if metric.label == "Weak sessions")
    assert weak.value == "—"
    assert weak.help.startswith("No question names a session of the agenda")


def test_a_viewer_is_not_sent_to_pages_they_cannot_open(untied: int) -> None:
    """A viewer (a funder's account) was told to "Check that the agenda on Plan › Agenda holds the sessions" and that
    suggestions "feed the topic backlog on Next steps and topics": pages a viewer's menu does not have."""
    viewer = _everything_said(run_page("pages/evaluations.py", UserRole.VIEWER))
    assert "sessions are not ranked" in viewer
    assert "Plan › Agenda" not in viewer and "Next steps and topics" not in viewer
    # A facilitator, who can act, is still told where.
    facilitator = _everything_said(run_page("pages/evaluations.py", UserRole.FACILITATOR))
    assert "Plan › Agenda" in facilitator and "Next steps and topics" in facilitator


def test_a_viewer_before_any_evaluation_is_told_who_adds_them(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    viewer = run_page("pages/evaluations.py", UserRole.VIEWER)
    assert not viewer.exception
    assert [info.value for info in viewer.info] == [
        "No evaluation responses yet. They appear here once a facilitator imports a module's survey export or types "
        "its paper forms."
    ]
    facilitator = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert [info.value for info in facilitator.info] == [
        "No evaluation responses yet. Import a survey export or type paper forms on **Forms and entry**."
    ]


def test_a_facilitator_named_in_the_report_is_named_as_a_focal_point(session) -> None:  # type: ignore[no-untyped-def]
    """The module report's summary said "Facilitators: Amina Rahman..." and its next steps then said "(focal points: 2
    people not named here)" of Amina Rahman and a participant. The team is named (a public role, as in the summary); a
    participant who did not consent to being listed is still only counted."""
    from docx import Document

    from programme.models import Participation, ParticipationRole, Person
    from programme.planning.next_steps import add_action_item
    from programme.reports.content import module_report_content
    from programme.reports.module_report import module_report

    add_course(session, code="NP-MYS", title="National programme", by=None)
    module = add_module(session, course_code="NP-MYS", number=1, title="Module 1", start=date(2026, 11, 10),
                        end=date(2026, 11, 13), by=None)  # fmt: skip
    add_session(session, module_id=module.id, day=1, start=time(9), end=time(10), title="CEDAW",
                facilitators=["Amina Rahman"], by=None)  # fmt: skip
    participant = Person(full_name="Siti Aminah", name_key="siti aminah", consent_listed=False)
    session.add(participant)
    session.flush()
    session.add(Participation(person_id=participant.id, module_id=module.id, role=ParticipationRole.PARTICIPANT))
    facilitator = session.scalar(sa.select(Person).where(Person.full_name == "Amina Rahman"))
    assert facilitator is not None and not facilitator.consent_listed
    add_action_item(session, module_id=module.id, text="Case submission to the UN Working Group",
                    focal_point_ids=[facilitator.id, participant.id], by=None)  # fmt: skip
    session.commit()

    content = module_report_content(session, module.id)
    assert content.team == {"facilitator": ["Amina Rahman"]}
    (step,) = content.next_steps
    assert (step.focal_points, step.unnamed_focal_points) == (["Amina Rahman"], 1)
    document = Document(io.BytesIO(module_report(session, module_id=module.id, by=None)))
    lines = [paragraph.text for paragraph in document.paragraphs]
    assert (
        "Case submission to the UN Working Group (focal points: Amina Rahman and 1 other person not named here)."
        in lines
    )
    assert not any("Siti Aminah" in line for line in lines)


def test_an_agenda_sheet_headed_as_organisations_head_it_names_its_people(session) -> None:  # type: ignore[no-untyped-def]
    """A first agenda sheet headed "Facilitator / Resource person" had that column "not used": the preview showed no
    facilitators, and the import would have left every session without its people unless the column was set by hand.
    A Moderator and a Panelists column (a panel's agenda) are read too, and the preview shows the resource persons."""
    from programme.planning.agenda_import import import_agenda
    from tests.test_evaluations import make_module
    from tests.test_planning_import import _xlsx

    module = make_module(session, code="AG-FIRST", sessions=[])
    sheet = [
        ["Day", "Time", "Session", "Facilitator / Resource person"],
        [1, "09:00 - 10:30", "Opening and expectations", "Amina Rahman"],
        [1, "10:45 - 12:30", "UN treaty bodies and CEDAW", "Maria Santos; Budi Hartono"],
    ]
    report = import_agenda(session, data=_xlsx(sheet), filename="programme.xlsx", module_id=module.id, dry_run=True,
                           by=None)  # fmt: skip
    assert not report.errors
    assert {c["header"]: c["role"] for c in report.columns}["Facilitator / Resource person"] == "facilitator"
    assert report.sessions_table()["facilitators"].tolist() == ["Amina Rahman", "Maria Santos; Budi Hartono"]
    assert "resource persons" not in report.sessions_table().columns  # none named: no empty column

    panel = [
        ["Day", "Start", "End", "Session", "Moderator", "Panelists"],
        [1, "14:00", "15:30", "Panel: business and human rights", "John Ong", "Dev Putra; Ana Thapa"],
    ]
    report = import_agenda(session, data=_xlsx(panel), filename="panel.xlsx", module_id=module.id, dry_run=True,
                           by=None)  # fmt: skip
    assert not report.errors
    (planned,) = report.planned
    assert (planned.facilitators, planned.resource_persons) == (["John Ong"], ["Dev Putra", "Ana Thapa"])
    table = report.sessions_table()
    assert table[["facilitators", "resource persons"]].values.tolist() == [["John Ong", "Dev Putra; Ana Thapa"]]


def test_every_day_of_the_agenda_timeline_is_drawn_on_the_same_clock() -> None:
    """Timeline and hours drew each day on its own span: day 2's three-hour role play and day 4's one-hour evaluation
    filled the same width. Each day now spans the module's whole hours, 09:00 to 15:00 here (whole hours from the
    earliest start to the latest end), so a short day looks short."""
    from datetime import datetime

    from programme.charts.planning import day_timeline
    from tests.test_planning import _day_sessions

    frame = _day_sessions(
        (1, time(9), time(10, 30), "Opening and expectations", "plenary"),
        (2, time(9), time(12), "Role play: visit to the EU Delegation", "role play"),
        (4, time(14), time(14, 45), "Evaluation", "evaluation"),
    )
    spans = {day: tuple(day_timeline(frame, day).layout.xaxis.range) for day in (1, 2, 4)}
    expected = (datetime(2000, 1, 1, 9), datetime(2000, 1, 1, 15))
    assert {day: tuple(pd.Timestamp(edge).to_pydatetime() for edge in span) for day, span in spans.items()} == {
        1: expected,
        2: expected,
        4: expected,
    }


def test_reach_and_home_do_not_send_a_viewer_to_plan_or_people(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """A viewer's menu has Home, Evaluate and Reports: Reach told them to "Add courses and modules under Plan", to
    "Import the attendance sheet … under People › Import participants", and Home's Still open to see the next steps
    "under Plan → Next steps and topics". They are told that the team records these; the team is still told where."""
    from programme.models import Course, Module, Participation, Person

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    empty = " ".join(info.value for info in run_page("pages/reach.py", UserRole.VIEWER).info)
    assert (
        empty
        == "No modules are recorded yet: the figures appear here once the team records its courses and participants."
    )
    assert "**Plan**" in " ".join(info.value for info in run_page("pages/reach.py", UserRole.FACILITATOR).info)

    # Four people on a registration list (more than the smallest group a viewer is shown), nobody marked as present.
    with session_scope(make_engine(sqlite_url)) as session:
        course = Course(code="R", title="Registered only")
        session.add(course)
        session.flush()
        module = Module(course_id=course.id, number=1, title="M1", start_date=date(2024, 3, 1),
                        end_date=date(2024, 3, 3))  # fmt: skip
        people = [Person(full_name=f"Person {n}", name_key=f"person {n}") for n in range(4)]
        session.add_all([module, *people])
        session.flush()
        session.add_all(
            Participation(person_id=p.id, module_id=module.id, registered=True, attended=None) for p in people
        )
    viewer = [info.value for info in run_page("pages/reach.py", UserRole.VIEWER).info]
    assert viewer == [
        "4 people signed up in this selection, and nobody's attendance is recorded yet: the charts count the people "
        "who took part. They appear once the team records who came."
    ]
    facilitator = " ".join(info.value for info in run_page("pages/reach.py", UserRole.FACILITATOR).info)
    assert "**People › Import participants**" in facilitator and "**Plan › Agenda › Attendance**" in facilitator

    home = run_page("pages/home.py", UserRole.VIEWER)
    assert not home.exception
    still_open = next(metric for metric in home.metric if metric.label == "Still open")
    assert still_open.help == "Agreed at the end of modules, with focal points."


def test_a_problem_in_the_agenda_grid_names_the_column_as_the_grid_heads_it() -> None:
    """The grid is headed Day, Start, End, Session, Method; the problems under it named "day", "start" and "title"
    (the stored fields), so "title" pointed at no column the user could see."""
    from programme.planning.planned import planned_from_frame

    frame = pd.DataFrame(
        [
            {"id": None, "day": None, "start": None, "end": "10:30", "title": "Opening", "method": None},
            {"id": None, "day": 1, "start": "11:00", "end": None, "title": None, "method": "dance"},
        ]
    )
    _, errors = planned_from_frame(frame)
    assert [(error.row, error.column) for error in errors] == [
        (1, "Day"),
        (1, "Start"),
        (2, "End"),
        (2, "Session"),
        (2, "Method"),
    ]


def test_reports_counts_the_sessions_its_report_lists(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """Reports and exports said "7 sessions" of an agenda with a coffee break and a lunch, whose report's PROGRAM
    CONTENT lists 5 (breaks and meals are on the printed agenda, not in a report's programme)."""
    from programme.models import Participation, Person

    with session_scope(make_engine(sqlite_url)) as session:
        add_course(session, code="NP-MYS", title="National programme", by=None)
        module = add_module(session, course_code="NP-MYS", number=1, title="Module 1", start=date(2026, 11, 10),
                            end=date(2026, 11, 13), by=None)  # fmt: skip
        for start, title in ((9, "Opening"), (10, "Coffee break"), (11, "CEDAW"), (12, "Lunch")):
            add_session(session, module_id=module.id, day=1, start=time(start), end=time(start, 45), title=title,
                        by=None)  # fmt: skip
        person = Person(full_name="Siti Aminah", name_key="siti aminah")
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module.id, attended=True))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    assert not app.exception
    (said,) = [text.value for text in app.markdown if "Module 1** —" in text.value]
    assert ": 1 participant, 2 sessions, 0 evaluation responses, 0 next steps." in said


def test_one_alum_found_is_said_in_the_singular(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """ "1 listed alumni match." under a search for a name."""
    from programme.models import Participation, Person

    with session_scope(make_engine(sqlite_url)) as session:
        add_course(session, code="NP-MYS", title="National programme", by=None)
        module = add_module(session, course_code="NP-MYS", number=1, title="Module 1", start=date(2026, 11, 10),
                            end=date(2026, 11, 13), by=None)  # fmt: skip
        person = Person(full_name="Siti Aminah", name_key="siti aminah", consent_listed=True)
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module.id, attended=True, completed=True))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    assert not app.exception
    assert "**1 listed alum** matches." in [text.value for text in app.markdown]

"""Planning: the agenda grid, checks before saving, templates, attendance, next steps, backlog, exports."""

from __future__ import annotations

import io
from datetime import date, time

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session

from programme.charts.planning import day_timeline, hours_by, programme_timeline
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import add_course, add_module, update_course, update_module
from programme.courses.queries import (
    CourseFilter,
    ModuleFilter,
    count_courses,
    count_modules,
    courses_table,
    modules_table,
)
from programme.models import (
    ActionStatus,
    AgendaSession,
    Answer,
    AttendanceDay,
    AuditEntry,
    EvaluationForm,
    Participation,
    ParticipationRole,
    Person,
    Question,
    QuestionKind,
    Response,
    SessionFacilitator,
    TopicSuggestion,
)
from programme.people.names import name_key
from programme.planning import agenda, attendance, backlog, exports, next_steps, partners, templates
from programme.planning.attendance import CompletionRule, set_completion_rule
from programme.planning.checks import check_agenda, long_days
from programme.planning.planned import PlannedSession
from programme.planning.validation import parse_day, parse_method, parse_time, split_names


def _module(session: Session, code: str, number: int, start: date, end: date):
    if not session.scalar(sa.text("SELECT count(*) FROM course WHERE code = :c").bindparams(c=code)):
        add_course(session, code=code, title=f"Course {code}", scope="national", country="MYS")
    return add_module(
        session,
        course_code=code,
        number=number,
        title=f"Module {number}",
        start=start,
        end=end,
        city="Kuala Lumpur",
        country="MYS",
    )


def _grid(*rows: dict) -> pd.DataFrame:
    base = dict.fromkeys(agenda.AGENDA_COLUMNS, "")
    base["id"] = None
    return pd.DataFrame([{**base, **row} for row in rows], columns=agenda.AGENDA_COLUMNS)


@pytest.fixture
def kl(session: Session):
    """Module 4 of the Malaysia course, 2–5 December 2017, with an empty agenda."""
    module = _module(session, "NP-MYS", 4, date(2017, 12, 2), date(2017, 12, 5))
    session.commit()
    return module


# ---- reading what planners type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", time(9)),
        ("09.30", time(9, 30)),
        ("2pm", time(14)),
        ("2:15 PM", time(14, 15)),
        ("0930", time(9, 30)),
        ("14h00", time(14)),
        ("0.375", time(9)),
        ("12am", time(0)),
        ("25:00", None),
        ("noon-ish", None),
        ("", None),
    ],
)
def test_times_are_read_as_planners_write_them(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


def test_days_methods_and_names_are_read_from_messy_cells() -> None:
    start = date(2017, 12, 2)
    assert [parse_day(v, start) for v in ("2", "Day 3", "2017-12-05", "04/12/2017", "Sunday")] == [2, 3, 4, 3, None]
    assert [parse_method(v) for v in ("Group work", "LECTURE", "Role-play", "", "dance")] == [
        "working group",
        "presentation",
        "role play",
        "presentation",
        None,
    ]
    # DOMAIN.md's "visit to a diplomatic mission", as planners type it, is a visit (the agenda import refused it).
    assert [parse_method(v) for v in ("Visit to a diplomatic mission", "Embassy visit")] == ["visit", "visit"]
    assert split_names("Santos, Maria") == ["Santos, Maria"]
    assert split_names("Ivy Josiah, Irene Lim; Adrian Pereira and Sumitha Shaanthinni") == [
        "Ivy Josiah",
        "Irene Lim",
        "Adrian Pereira",
        "Sumitha Shaanthinni",
    ]


# ---- the grid's write-back --------------------------------------------------------------------------------


def test_saving_the_grid_creates_updates_and_deletes_in_one_go(session: Session, kl) -> None:
    grid = _grid(
        {
            "day": 1,
            "start": time(9),
            "end": time(10, 30),
            "title": "Introduction",
            "method": "plenary",
            "facilitators": "Santos, Maria",
            "topics": "Programme overview",
        },
        {
            "day": 1,
            "start": "11:00",
            "end": "12:30",
            "title": "CEDAW and migrant workers",
            "method": "presentation",
            "resource_persons": "Ivy Josiah",
            "topics": "CEDAW; Women's rights",
        },
    )
    result = agenda.save_agenda_frame(session, module_id=kl.id, frame=grid, by="tester")
    session.commit()
    assert (result.created, result.updated, result.deleted, result.people_created) == (2, 0, 0, 2)
    saved = agenda.agenda_table(session, kl.id)
    assert saved["title"].tolist() == ["Introduction", "CEDAW and migrant workers"]
    assert saved.loc[0, "facilitators"] == "Maria Santos"
    assert saved.loc[1, "resource_persons"] == "Ivy Josiah"
    assert saved.loc[1, "topics"] == "CEDAW; Women's rights"

    edited = saved.copy()
    edited.loc[0, "title"] = "Welcome and introduction"
    edited = edited.drop(index=1)
    edited = pd.concat(
        [
            edited,
            _grid(
                {
                    "day": 2,
                    "start": "9:00",
                    "end": "17:00",
                    "title": "Visit",
                    "method": "visit",
                    "facilitators": "Maria Santos",
                }
            ),
        ]
    )
    result = agenda.save_agenda_frame(session, module_id=kl.id, frame=edited, by="tester")
    session.commit()
    assert (result.created, result.updated, result.deleted, result.people_created) == (1, 1, 1, 0)
    assert agenda.agenda_table(session, kl.id)["title"].tolist() == ["Welcome and introduction", "Visit"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2  # Maria matched, not duplicated


def test_an_invalid_row_saves_nothing_and_names_row_and_column(session: Session, kl) -> None:
    agenda.add_session(session, module_id=kl.id, day=1, start=time(9), end=time(10), title="Kept", by=None)
    session.commit()
    grid = pd.concat(
        [
            agenda.agenda_table(session, kl.id),
            _grid(
                {"day": 1, "start": "11:00", "end": "10:00", "title": "Backwards", "method": "panel"},
                {"day": 0, "start": "9:00", "end": "10:00", "title": "", "method": "dance"},
            ),
        ]
    )
    planned, errors = agenda.planned_from_frame(grid)
    assert [(e.row, e.column) for e in errors] == [(2, "End"), (3, "Day"), (3, "Session"), (3, "Method")]
    with pytest.raises(ProgrammeError, match="4 problem.*nothing was saved. Row 2, End"):
        agenda.save_agenda_frame(session, module_id=kl.id, frame=grid, by=None)
    session.rollback()
    assert agenda.agenda_table(session, kl.id)["title"].tolist() == ["Kept"]


def test_move_and_reorder_sessions(session: Session, kl) -> None:
    first = agenda.add_session(session, module_id=kl.id, day=1, start=time(9), end=time(10, 30), title="A", by=None)
    second = agenda.add_session(session, module_id=kl.id, day=1, start=time(11), end=time(11, 45), title="B", by=None)
    agenda.reorder_day(session, module_id=kl.id, day=1, ordered_ids=[second.id, first.id], by=None)
    # B takes the first slot, A the second: the day's time slots stay as they were.
    assert (second.start_time, second.end_time) == (time(9), time(10, 30))
    assert (first.start_time, first.end_time) == (time(11), time(11, 45))
    agenda.move_session(session, session_id=first.id, day=3, by=None)
    session.commit()
    table = agenda.agenda_table(session, kl.id)
    assert table[["day", "title"]].values.tolist() == [[1, "B"], [3, "A"]]
    with pytest.raises(ProgrammeError, match="every session of day 1"):
        agenda.reorder_day(session, module_id=kl.id, day=1, ordered_ids=[first.id], by=None)


# ---- checks -----------------------------------------------------------------------------------------------


def _planned(
    row: int, day: int, start: str, end: str, title: str, room: str | None = "Hall", people=()
) -> PlannedSession:
    return PlannedSession(
        row=row,
        day=day,
        start=parse_time(start),
        end=parse_time(end),
        title=title,
        room=room,
        facilitators=list(people),
    )


def test_overlaps_in_a_room_are_warned_but_back_to_back_sessions_are_not(session: Session, kl) -> None:
    planned = [
        _planned(1, 1, "9:00", "10:30", "Opening"),
        _planned(2, 1, "10:30", "12:00", "Back to back"),
        _planned(3, 1, "10:00", "11:00", "Clash", room="hall"),
        _planned(4, 1, "10:00", "11:00", "Other room", room="Room B"),
        _planned(5, 2, "9:00", "10:30", "Same time, other day"),
    ]
    warnings = check_agenda(session, module_id=kl.id, planned=planned)
    assert [w.kind for w in warnings] == ["room clash", "room clash"]
    assert "'Opening' (09:00–10:30) overlaps 'Clash' (10:00–11:00)" in warnings[0].message
    assert "'Clash' (10:00–11:00) overlaps 'Back to back' (10:30–12:00)" in warnings[1].message


def test_a_facilitator_in_two_places_is_warned_within_and_across_modules(session: Session, kl) -> None:
    # Another course's module runs 4–6 December: its day 1 is 4 December, which is day 3 of Module 4.
    other = _module(session, "RC2017", 1, date(2017, 12, 4), date(2017, 12, 6))
    agenda.add_session(
        session,
        module_id=other.id,
        day=1,
        start=time(9),
        end=time(10, 30),
        title="ICRMW",
        facilitators=["Maria Santos"],
        by=None,
    )
    agenda.add_session(
        session,
        module_id=other.id,
        day=2,
        start=time(9),
        end=time(10, 30),
        title="ILO",
        facilitators=["Maria Santos"],
        by=None,
    )
    session.commit()
    planned = [
        _planned(1, 3, "10:00", "11:00", "Lobbying", people=["Santos, Maria"]),  # 4 Dec 10:00: clash
        _planned(2, 2, "09:00", "10:30", "CEDAW", people=["Maria Santos"]),  # 3 Dec: free
        _planned(3, 4, "11:00", "12:00", "Wrap-up", people=["Maria Santos"]),  # 5 Dec, after ILO ends: free
        _planned(4, 2, "10:00", "11:00", "Panel", room="Room B", people=["maria santos"]),  # overlaps CEDAW
    ]
    warnings = [w for w in check_agenda(session, module_id=kl.id, planned=planned) if w.kind == "double booking"]
    assert len(warnings) == 2
    assert warnings[0].day == 2 and "leads both 'CEDAW'" in warnings[0].message
    assert warnings[1].day == 3 and "also booked for 'ICRMW' in RC2017 · Module 1" in warnings[1].message


def test_sessions_outside_the_dates_and_long_days_are_warned(session: Session, kl) -> None:
    planned = [
        _planned(1, 1, "8:00", "12:00", "Morning"),
        _planned(2, 1, "13:00", "17:30", "Afternoon"),  # day 1 spans 9 h 30
        _planned(3, 2, "9:00", "18:00", "Nine hours exactly"),
        _planned(4, 5, "9:00", "10:00", "Day after the end"),
    ]
    warnings = check_agenda(session, module_id=kl.id, planned=planned)
    assert [(w.kind, w.day) for w in warnings] == [("long day", 1), ("outside dates", 5)]
    assert "runs 9 h 30 min (08:00–17:30)" in warnings[0].message
    assert "the module runs 4 days, 02 Dec to 05 Dec 2017" in warnings[1].message
    assert long_days(planned, limit_hours=8) and len(long_days(planned, limit_hours=8)) == 2


# ---- templates --------------------------------------------------------------------------------------------


def test_a_new_module_from_an_earlier_one_shifts_sessions_and_keeps_or_clears_facilitators(
    session: Session, kl
) -> None:
    agenda.add_session(
        session,
        module_id=kl.id,
        day=1,
        start=time(9),
        end=time(10),
        title="Opening",
        topics=["CEDAW"],
        facilitators=["Maria Santos"],
        by=None,
    )
    agenda.add_session(
        session, module_id=kl.id, day=4, start=time(14), end=time(15), title="Evaluation", method="evaluation", by=None
    )
    module5 = templates.module_from_earlier(
        session,
        source_module_id=kl.id,
        course_code="NP-MYS",
        number=5,
        start=date(2018, 4, 7),
        keep_facilitators=True,
        by=None,
    )
    assert (module5.end_date, module5.city) == (date(2018, 4, 10), "Kuala Lumpur")
    copied = agenda.agenda_table(session, module5.id)
    assert copied[["day", "title", "topics", "facilitators"]].values.tolist() == [
        [1, "Opening", "CEDAW", "Maria Santos"],
        [4, "Evaluation", "", ""],
    ]
    assert exports.printable_agenda(session, module5.id)["Day"].tolist() == [
        "Day 1 · Sat 07 Apr 2018",
        "Day 4 · Tue 10 Apr 2018",
    ]
    module6 = _module(session, "NP-MYS", 6, date(2018, 8, 1), date(2018, 8, 4))
    assert (
        templates.copy_agenda(
            session, source_module_id=kl.id, target_module_id=module6.id, keep_facilitators=False, by=None
        )
        == 2
    )
    assert agenda.agenda_table(session, module6.id)["facilitators"].tolist() == ["", ""]
    with pytest.raises(ProgrammeError, match="already has 2 session"):
        templates.copy_agenda(
            session, source_module_id=kl.id, target_module_id=module6.id, keep_facilitators=False, by=None
        )


def test_a_design_from_the_library_drops_in_with_its_duration_and_topics(session: Session, kl) -> None:
    design = templates.add_design(
        session,
        title="Lobbying for rights",
        method="working group",
        duration_minutes=105,
        topics="Lobbying, Diplomatic missions",
        by=None,
    )
    added = templates.drop_in_design(session, design_id=design.id, module_id=kl.id, day=2, start=time(14), by=None)
    assert (added.end_time, added.method) == (time(15, 45), "working group")
    assert agenda.agenda_table(session, kl.id).loc[0, "topics"] == "Diplomatic missions; Lobbying"
    with pytest.raises(ProgrammeError, match="already has a design"):
        templates.add_design(session, title="lobbying for RIGHTS", method="panel", duration_minutes=60, by=None)
    saved = templates.save_as_design(
        session,
        session_id=agenda.add_session(
            session,
            module_id=kl.id,
            day=1,
            start=time(9),
            end=time(10, 15),
            title="GCM update",
            topics=["GCM"],
            by=None,
        ).id,
        by=None,
    )
    assert (saved.duration_minutes, saved.topics) == (75, "GCM")


# ---- attendance -------------------------------------------------------------------------------------------


def _participant(session: Session, module_id: int, name: str, role=ParticipationRole.PARTICIPANT) -> Participation:
    person = Person(full_name=name, name_key=name_key(name))
    session.add(person)
    session.flush()
    participation = Participation(person_id=person.id, module_id=module_id, role=role)
    session.add(participation)
    session.flush()
    return participation


def test_attendance_by_day_sets_days_and_completed_by_the_rule(session: Session, kl) -> None:
    anna = _participant(session, kl.id, "Anna Reyes")
    budi = _participant(session, kl.id, "Budi Santoso")
    trainer = _participant(session, kl.id, "Maria Santos", ParticipationRole.FACILITATOR)
    attendance.mark_attendance(
        session, participation_id=anna.id, days_present={1: True, 2: True, 3: True, 4: True}, by=None
    )
    attendance.mark_attendance(session, participation_id=budi.id, days_present={1: True, 2: True, 4: True}, by=None)
    attendance.mark_attendance(session, participation_id=trainer.id, days_present={1: True}, by=None)
    assert (anna.days_attended, anna.completed) == (4, True)
    assert (budi.days_attended, budi.attended, budi.completed) == (3, True, False)  # default rule: all days
    assert trainer.completed is False
    set_completion_rule(session, CompletionRule.ANY_DAY)
    assert attendance.recompute_completed(session, module_id=kl.id, by=None) == 1
    assert budi.completed is True and trainer.completed is False  # facilitators never "complete"
    set_completion_rule(session, CompletionRule.MOST_DAYS)  # 80% of 4 days = 3.2 days
    attendance.recompute_completed(session, module_id=kl.id, by=None)
    assert (anna.completed, budi.completed) == (True, False)
    assert session.get(AttendanceDay, (budi.id, 3)).present is False
    with pytest.raises(ProgrammeError, match="Day 7 is not a day"):
        attendance.mark_attendance(session, participation_id=budi.id, days_present={7: True}, by=None)


def test_changing_the_rule_applies_it_to_every_module_with_one_audit_entry(session: Session, kl) -> None:
    from programme.models import AuditEntry
    from programme.planning.attendance import completion_rule

    budi = _participant(session, kl.id, "Budi Santoso")
    attendance.mark_attendance(session, participation_id=budi.id, days_present={1: True, 2: True, 4: True}, by=None)
    assert budi.completed is False
    entries = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert attendance.change_completion_rule(session, rule="attended at least one day", by="admin") == 1
    assert budi.completed is True and completion_rule(session) == CompletionRule.ANY_DAY
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == entries + 1
    assert attendance.change_completion_rule(session, rule=CompletionRule.ALL_DAYS, by="admin") == 1
    assert budi.completed is False


def test_saving_the_attendance_grid_writes_only_changed_rows(session: Session, kl) -> None:
    known = _participant(session, kl.id, "Chandra Rai")
    known.days_attended = 3  # known from an import without day columns
    absent = _participant(session, kl.id, "Dewi Lestari")
    session.commit()
    grid = attendance.attendance_table(session, kl.id)
    assert grid.columns.tolist()[1:10] == [
        "full_name", "nationality", "role", "attended", "Day 1", "Day 2", "Day 3", "Day 4", "days_attended"
    ]  # fmt: skip
    grid.loc[grid["full_name"] == "Dewi Lestari", "attended"] = False
    assert attendance.save_attendance_frame(session, module_id=kl.id, frame=grid, by=None) == 1
    assert (absent.attended, absent.days_attended, absent.completed) == (False, 0, False)
    assert known.days_attended == 3  # untouched: its row did not change


# ---- next steps and backlog -------------------------------------------------------------------------------


def test_open_next_steps_of_the_previous_module_come_up_for_review(session: Session, kl) -> None:
    module5 = _module(session, "NP-MYS", 5, date(2018, 4, 7), date(2018, 4, 10))
    irene = _participant(session, kl.id, "Irene Fernandez").person_id
    samantha = _participant(session, kl.id, "Samantha Lee").person_id
    case = next_steps.add_action_item(
        session,
        module_id=kl.id,
        text="Case submission to the UNWG",
        focal_point_ids=[irene],
        due_date=date(2018, 3, 1),
        by=None,
    )
    next_steps.add_action_item(session, module_id=kl.id, text="Dialogue with SUHAKAM", status="done", by=None)
    aichr = next_steps.add_action_item(
        session,
        module_id=kl.id,
        text="Cases to AICHR",
        focal_point_ids=[samantha, irene],
        status="in progress",
        by=None,
    )
    review = next_steps.open_items_for_review(session, module5.id, today=date(2018, 4, 7))
    assert review["text"].tolist() == ["Case submission to the UNWG", "Cases to AICHR"]
    assert review["focal_points"].tolist() == ["Irene Fernandez", "Irene Fernandez; Samantha Lee"]
    assert review["overdue"].tolist() == [True, False]
    frame = review.copy()
    frame.loc[0, "status"] = "done"
    assert next_steps.save_action_items(session, frame=frame, by=None) == 1
    assert case.status == ActionStatus.DONE and aichr.status == ActionStatus.IN_PROGRESS
    assert next_steps.open_items_for_review(session, kl.id).empty  # module 4 has no module before it here
    with pytest.raises(ProgrammeError, match="status must be one of"):
        next_steps.update_action_item(session, item_id=case.id, status="finished", by=None)


def test_open_next_steps_of_every_module_late_ones_first(session: Session, kl) -> None:
    module5 = _module(session, "NP-MYS", 5, date(2018, 4, 7), date(2018, 4, 10))
    irene = _participant(session, kl.id, "Irene Fernandez").person_id
    add = next_steps.add_action_item
    add(session, module_id=kl.id, text="Cases to AICHR", due_date=date(2018, 6, 1), status="in progress", by=None)
    add(session, module_id=kl.id, text="Dialogue with SUHAKAM", status="done", by=None)
    add(session, module_id=module5.id, text="Shadow report", by=None)  # no due date: last
    add(session, module_id=module5.id, text="UNWG case", focal_point_ids=[irene], due_date=date(2018, 3, 1), by=None)
    frame, total = next_steps.open_action_items(session, today=date(2018, 4, 20))
    # By hand: three still open or in progress; the one past its due date (1 March) first, then 1 June, then none.
    assert total == 3
    assert frame["text"].tolist() == ["UNWG case", "Cases to AICHR", "Shadow report"]
    assert frame["overdue"].tolist() == [True, False, False]
    assert frame["module"].tolist()[0].startswith("NP-MYS · Module 5") and frame["focal_points"][0] == "Irene Fernandez"
    late, late_total = next_steps.open_action_items(session, overdue_only=True, today=date(2018, 4, 20))
    assert (late["text"].tolist(), late_total) == (["UNWG case"], 1)
    first, counted = next_steps.open_action_items(session, today=date(2018, 4, 20), limit=1)
    assert len(first) == 1 and counted == 3
    edited = frame.copy()
    edited.loc[0, "status"] = "done"  # saved from the list of every module, as from a module's own
    assert next_steps.save_action_items(session, frame=edited, by=None) == 1
    assert next_steps.open_action_items(session, today=date(2018, 4, 20))[1] == 2


def test_backlog_counts_repeats_and_pulling_a_topic_plans_it(session: Session, kl) -> None:
    module5 = _module(session, "NP-MYS", 5, date(2018, 4, 7), date(2018, 4, 10))
    backlog.add_suggestion(
        session, module_id=kl.id, text="Recruitment reform initiatives", requested_by="plenary", times_asked=3, by=None
    )
    again = backlog.add_suggestion(
        session,
        module_id=kl.id,
        text="recruitment reform initiatives.".rstrip("."),
        requested_by="Nepal group",
        by=None,
    )
    backlog.add_suggestion(session, module_id=kl.id, text="More on CEDAW", by=None)
    assert (again.times_asked, again.requested_by) == (4, "plenary; Nepal group")
    table = backlog.backlog_for_module(session, module5.id)
    assert table[["text", "times_asked", "asked_at"]].values.tolist() == [
        ["Recruitment reform initiatives", 4, "NP-MYS · Module 4"],
        ["More on CEDAW", 1, "NP-MYS · Module 4"],
    ]
    created = backlog.pull_into_agenda(
        session, suggestion_id=again.id, module_id=module5.id, day=1, start=time(11), end=time(12, 30), by=None
    )
    assert created.title == "Recruitment reform initiatives" and again.planned_module_id == module5.id
    assert backlog.backlog_for_module(session, module5.id).loc[0, "planned_in"].startswith("NP-MYS · Module 5")
    with pytest.raises(ProgrammeError, match="already planned"):
        backlog.pull_into_agenda(
            session, suggestion_id=again.id, module_id=module5.id, day=2, start=time(9), end=time(10), by=None
        )


def test_of_spellings_written_equally_often_the_first_response_s_is_shown(session: Session, kl) -> None:
    # Three spellings of one topic, once each: the first response's is shown, whatever order the database keeps the
    # answers in (here written last response first; PostgreSQL once gave "Human Trafficking" in CI).
    form = EvaluationForm(module_id=kl.id, title="End of module evaluation")
    session.add(form)
    session.flush()
    wish = Question(form_id=form.id, position=1, text="Suggestions", kind=QuestionKind.TEXT, feeds_backlog=True)
    session.add(wish)
    session.flush()
    responses = [Response(form_id=form.id, external_id=str(index)) for index in range(3)]
    session.add_all(responses)
    session.flush()
    spellings = ["Human trafficking", "human trafficking", "Human Trafficking"]
    for response, text in reversed(list(zip(responses, spellings, strict=True))):
        session.add(Answer(response_id=response.id, question_id=wish.id, text=text))
        session.flush()
    assert backlog.evaluation_suggestions(session, kl.id).values.tolist() == [["Human trafficking", 3]]


def test_evaluation_suggestions_feed_the_backlog_once(session: Session, kl) -> None:
    form = EvaluationForm(module_id=kl.id, title="End of module evaluation")
    session.add(form)
    session.flush()
    rated = Question(form_id=form.id, position=1, text="Overall", kind=QuestionKind.RATING)
    wish = Question(
        form_id=form.id, position=2, text="Suggestions for the next module", kind=QuestionKind.TEXT, feeds_backlog=True
    )
    useful = Question(form_id=form.id, position=3, text="Most useful?", kind=QuestionKind.TEXT)
    session.add_all([rated, wish, useful])
    session.flush()
    answers = ["Human trafficking", "human trafficking; More on CEDAW", "More on CEDAW.\nHuman Trafficking", None]
    for index, text in enumerate(answers):
        response = Response(form_id=form.id, external_id=str(index))
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id=wish.id, text=text))
        session.add(Answer(response_id=response.id, question_id=useful.id, text="Case studies"))
    backlog.add_suggestion(session, module_id=kl.id, text="More on CEDAW", requested_by="plenary", by=None)
    found = backlog.evaluation_suggestions(session, kl.id)
    assert found.values.tolist() == [["Human trafficking", 3], ["More on CEDAW", 2]]
    assert backlog.take_in_evaluation_suggestions(session, module_id=kl.id, by=None) == (1, 0)
    assert backlog.take_in_evaluation_suggestions(session, module_id=kl.id, by=None) == (0, 0)
    rows = session.scalars(sa.select(TopicSuggestion).order_by(TopicSuggestion.text)).all()
    assert [(r.text, r.times_asked, r.source) for r in rows] == [
        ("Human trafficking", 3, "evaluation"),
        ("More on CEDAW", 1, "typed"),
    ]


# ---- courses, modules, partners ---------------------------------------------------------------------------


def test_module_pickers_and_tables_narrow_in_sql_with_counts(session: Session, kl) -> None:
    from programme.courses.queries import module_filter_options
    from programme.courses.search import module_choices
    from programme.planning.agenda import add_session

    for number in range(1, 4):
        _module(session, "RC2019", number, date(2019, 3 * number, 1), date(2019, 3 * number, 3))
    newest = _module(session, "RC2019", 4, date(2020, 1, 6), date(2020, 1, 8))
    choices = module_choices(session, "", limit=3)
    assert list(choices.labels) == [newest.id, *list(choices.labels)[1:]] and len(choices.labels) == 3
    assert choices.matching == 5  # more than the list shows: the page says so
    assert module_choices(session, "np-mys").labels == {kl.id: "NP-MYS · Module 4 · Dec 2017, Kuala Lumpur"}
    assert module_choices(session, "np-mys").matching == 1
    # The module already chosen stays listed, first, whatever the search; a search matching nothing says 0.
    missing = module_choices(session, "no such course", include=kl.id)
    assert list(missing.labels) == [kl.id] and missing.matching == 0
    assert count_modules(session, ModuleFilter(year=2019)) == (3, 1)
    assert count_courses(session, CourseFilter(search="rc20")) == 1
    assert len(modules_table(session, limit=2)) == 2 and modules_table(session, ModuleFilter(search="np-"))[
        "module_id"
    ].tolist() == [kl.id]
    assert courses_table(session, limit=1)["code"].tolist() == ["RC2019"]
    assert courses_table(session).set_index("code").loc["RC2019", "modules"] == 4
    assert module_filter_options(session) == ((2020, 2019, 2018, 2017), ("MYS",))
    add_session(session, module_id=newest.id, day=1, start=time(9), end=time(10), title="Opening", by=None)
    assert templates.earlier_modules(session, kl.id, limit=5)[["id", "sessions"]].values.tolist() == [[newest.id, 1]]


def test_courses_and_modules_are_edited_and_filtered(session: Session, kl) -> None:
    _module(session, "RC2019", 1, date(2019, 12, 30), date(2020, 1, 3))
    update_course(session, code="RC2019", scope="regional", country="Thailand", by=None)
    update_module(session, module_id=kl.id, changes={"status": "confirmed", "focus": " CEDAW ", "number": 3}, by=None)
    assert (kl.status.value, kl.focus, kl.number) == ("confirmed", "CEDAW", 3)
    assert modules_table(session, ModuleFilter(year=2020))["course"].tolist() == ["RC2019"]  # runs over New Year
    assert modules_table(session, ModuleFilter(year=2019))["course"].tolist() == ["RC2019"]
    assert modules_table(session, ModuleFilter(status="confirmed"))["number"].tolist() == [3]
    assert modules_table(session, ModuleFilter(scope="national", country="Malaysia"))["course"].tolist() == ["NP-MYS"]
    assert courses_table(session, CourseFilter(country="THA"))["code"].tolist() == ["RC2019"]
    assert courses_table(session, CourseFilter(year=2020)).loc[0, "modules"] == 1
    with pytest.raises(ProgrammeError, match="status must be one of"):
        modules_table(session, ModuleFilter(status="done"))
    with pytest.raises(ProgrammeError, match="end date is before"):
        update_module(session, module_id=kl.id, changes={"end_date": date(2017, 11, 1)}, by=None)


def test_a_module_filter_is_one_value_the_lists_and_counts_share(session: Session, kl) -> None:
    _module(session, "RC2019", 1, date(2019, 3, 4), date(2019, 3, 8))
    _module(session, "RC2019", 2, date(2019, 9, 2), date(2019, 9, 6))
    # A frozen value: equal filters are one cache key for the page's cached queries, and none can be changed.
    assert ModuleFilter(year=2019, search="rc") == ModuleFilter(year=2019, search="rc")
    assert hash(ModuleFilter(year=2019)) == hash(ModuleFilter(year=2019))
    with pytest.raises(AttributeError):
        ModuleFilter().year = 2019  # type: ignore[misc]
    assert not ModuleFilter().is_set() and not ModuleFilter(search="  ").is_set()
    assert ModuleFilter(status="planned").is_set() and CourseFilter(scope="national").is_set()
    # The courses list reads the same year, country, scope and search; status and course are a module's alone.
    module_filter = ModuleFilter(
        year=2019, country="MYS", scope="national", status="planned", course_code="X", search="r"
    )
    assert module_filter.for_courses() == CourseFilter(year=2019, country="MYS", scope="national", search="r")
    # One course's modules: the table and the count agree (NP-MYS 4 in 2017; RC2019 1 and 2 in 2019).
    one_course = ModuleFilter(course_code="rc2019")
    assert sorted(modules_table(session, one_course)["number"].tolist()) == [1, 2]
    assert count_modules(session, one_course) == (2, 1)
    assert count_modules(session, ModuleFilter(course_code="rc2019", year=2017)) == (0, 0)
    # Blank text restricts nothing: all three modules of the two courses.
    assert count_modules(session, ModuleFilter(search="  ")) == (3, 2) == count_modules(session)
    assert count_courses(session, CourseFilter(search=" ")) == 2 == len(courses_table(session))
    with pytest.raises(ProgrammeError, match="no course with the code 'NOPE'"):
        count_modules(session, ModuleFilter(course_code="NOPE"))


def test_partners_are_added_once_per_role_and_removed(session: Session, kl) -> None:
    partners.add_partner(
        session, course_code="NP-MYS", organisation="Bar Council Malaysia", role="co-organiser", country="MYS", by=None
    )
    partners.add_partner(
        session,
        course_code="NP-MYS",
        organisation="Diplomacy Training Program",
        role="organiser",
        country="AUS",
        by=None,
    )
    link = partners.add_partner(
        session, course_code="np-mys", organisation="bar council  malaysia", role="host", country="Malaysia", by=None
    )
    table = partners.partners_table(session, "NP-MYS")
    assert table[["name", "role"]].values.tolist() == [
        ["Diplomacy Training Program", "organiser"],
        ["Bar Council Malaysia", "co-organiser"],
        ["Bar Council Malaysia", "host"],
    ]
    with pytest.raises(ProgrammeError, match="already a host"):
        partners.add_partner(
            session, course_code="NP-MYS", organisation="Bar Council Malaysia", role="host", country="MYS", by=None
        )
    partners.remove_partner(session, course_code="NP-MYS", organisation_id=link.organisation_id, role="host", by=None)
    assert len(partners.partners_table(session, "NP-MYS")) == 2


# ---- exports and charts -----------------------------------------------------------------------------------


def test_exports_print_day_time_session_facilitator_and_are_audited(session: Session, kl) -> None:
    agenda.add_session(
        session,
        module_id=kl.id,
        day=1,
        start=time(9),
        end=time(10, 30),
        title="=HYPERLINK(1)",
        room="Main hall",
        facilitators=["Ivy Josiah"],
        resource_persons=["Adrian Pereira"],
        by=None,
    )
    agenda.add_session(
        session,
        module_id=kl.id,
        day=2,
        start=time(9),
        end=time(12),
        title="Visit to the EU Delegation",
        method="visit",
        by=None,
    )
    sheet = load_workbook(io.BytesIO(exports.agenda_xlsx(session, module_id=kl.id, by="tester"))).active
    rows = list(sheet.values)
    assert rows[0] == ("Day", "Time", "Session", "Method", "Room", "Facilitator")
    assert rows[1] == (
        "Day 1 · Sat 02 Dec 2017",
        "09:00–10:30",
        "'=HYPERLINK(1)",
        "presentation",
        "Main hall",
        "Ivy Josiah; Adrian Pereira",
    )
    document = Document(io.BytesIO(exports.agenda_docx(session, module_id=kl.id, by="tester")))
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading 2")] == [
        "Day 1 · Sat 02 Dec 2017",
        "Day 2 · Sun 03 Dec 2017",
    ]
    header, first = ([cell.text for cell in row.cells] for row in document.tables[0].rows[:2])
    assert (header, first[3]) == (["Time", "Session", "Method", "Room", "Facilitator"], "Main hall")
    assert document.tables[1].rows[1].cells[1].text == "Visit to the EU Delegation"
    exported = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(exported) == 2 and all("Ivy" not in (e.summary or "") for e in exported)


def test_charts_total_hours_and_draw_timelines(session: Session, kl) -> None:
    agenda.add_session(
        session,
        module_id=kl.id,
        day=1,
        start=time(9),
        end=time(10, 30),
        title="A",
        topics=["CEDAW", "Lobbying"],
        by=None,
    )
    agenda.add_session(
        session,
        module_id=kl.id,
        day=1,
        start=time(11),
        end=time(12),
        title="B",
        method="panel",
        topics=["CEDAW"],
        by=None,
    )
    frame = agenda.agenda_table(session, kl.id)
    assert hours_by(frame, "method").values.tolist() == [["presentation", 1.5], ["panel", 1.0]]
    assert hours_by(frame, "topics").values.tolist() == [["CEDAW", 2.5], ["Lobbying", 1.5]]
    assert len(day_timeline(frame, 1).data) == 2  # one trace per method
    assert day_timeline(frame, 2).layout.annotations[0].text == "Nothing to show yet"
    figure = programme_timeline(modules_table(session))
    assert figure.data[0].y.tolist() == ["NP-MYS"]


def test_demo_agendas_have_no_warnings_and_the_seed_module_has_its_next_steps(demo_engine) -> None:
    with Session(demo_engine) as session:
        module = session.scalar(
            sa.text(
                "SELECT m.id FROM module m JOIN course c ON c.id = m.course_id WHERE c.code = 'NP-MYS-2016' AND m.number = 4"
            )
        )
        planned = agenda.planned_from_database(session, module)
        assert len(planned) == 16
        assert [w.kind for w in check_agenda(session, module_id=module, planned=planned)] == []
        assert len(next_steps.action_items_table(session, module)) == 3
        texts = backlog.backlog_table(session, [module])["text"].str.lower().tolist()
        assert any("recruitment" in t for t in texts)
        assert session.scalar(sa.select(sa.func.count()).select_from(SessionFacilitator)) > 0
        assert session.scalar(sa.select(sa.func.count()).select_from(AgendaSession)) == 1164


def _day_sessions(*rows: tuple[int, time, time, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"day": d, "start": s, "end": e, "title": t, "method": m, "facilitators": "", "topics": ""}
            for d, s, e, t, m in rows
        ]
    )


def test_a_method_has_one_colour_on_every_day_and_in_the_hours() -> None:
    from programme.charts.colours import METHOD_COLOURS
    from programme.charts.planning import hours_chart
    from programme.models import Method

    assert set(METHOD_COLOURS) == set(Method) and len(set(METHOD_COLOURS.values())) == len(Method)
    # Day 1 has a plenary before the presentation, day 2 only presentations: plotly's default colours
    # would give "presentation" a different colour on each day.
    frame = _day_sessions(
        (1, time(9), time(10), "Opening", "plenary"),
        (1, time(11), time(12), "Treaties", "presentation"),
        (2, time(9), time(10), "Media", "presentation"),
        (2, time(11), time(12), "Role play", "role play"),
    )
    for day in (1, 2):
        colours = {trace.name: trace.marker.color for trace in day_timeline(frame, day).data}
        assert colours == {method: METHOD_COLOURS[method] for method in colours}
    by_method = hours_chart(frame, "method").data[0]
    assert list(by_method.marker.color) == [METHOD_COLOURS[m] for m in by_method.y]


def test_day_timeline_rows_follow_the_clock_and_the_legend_sits_above() -> None:
    frame = _day_sessions(
        (3, time(9), time(10, 30), "ILO conventions", "presentation"),
        (3, time(14), time(15, 30), "Trafficking", "presentation"),
        (3, time(16), time(17), "Shadow reports", "presentation"),
        (3, time(11), time(12, 30), "The ASEAN Consensus", "working group"),
    )
    figure = day_timeline(frame, 3)
    # autorange reversed: the first category of the array is drawn at the top.
    assert list(figure.layout.yaxis.categoryarray) == [
        "09:00 ILO conventions",
        "11:00 The ASEAN Consensus",
        "14:00 Trafficking",
        "16:00 Shadow reports",
    ]
    assert figure.layout.yaxis.categoryorder == "array" and figure.layout.yaxis.autorange == "reversed"
    legend = figure.layout.legend
    assert (legend.orientation, legend.yanchor) == ("h", "bottom") and legend.y >= 1
    assert figure.layout.margin.t >= 80


def test_hours_are_labelled_beside_the_bars_with_room_for_the_label() -> None:
    from programme.charts.planning import hours_chart

    frame = _day_sessions((1, time(9), time(12), "Long", "presentation"), (1, time(13), time(14), "Short", "panel"))
    for column in ("method", "topics"):
        bars = hours_chart(frame, column).data[0]
        assert (bars.textposition, bars.textangle, bars.cliponaxis) == ("outside", 0, False)
        assert bars.textfont.size >= 12 and bars.constraintext == "none"
    figure = hours_chart(frame, "method")
    assert list(figure.data[0].text) == ["3.0 h", "1.0 h"]
    assert figure.layout.xaxis.range[1] > 3.0
    # 1 h 15 min is 1.25 h: a half rounded up, as every figure shown (format(1.25, ".1f") gave "1.2 h").
    quarter = _day_sessions((1, time(9), time(10, 15), "Quarter past", "panel"))
    assert list(hours_chart(quarter, "method").data[0].text) == ["1.3 h"]


def test_the_people_leading_a_modules_sessions_can_be_its_next_steps_focal_points(session: Session, kl) -> None:
    """Seen on a new installation: the facilitators typed on the agenda (people with no participation in the module)
    were missing from the Focal points list, though they are the ones who usually follow a next step up."""
    grid = _grid(
        {"day": 1, "start": "09:00", "end": "10:30", "title": "UN treaty bodies", "facilitators": "Ana Reyes"},
        {"day": 2, "start": "09:00", "end": "10:30", "title": "Role play", "facilitators": "Ana Reyes",
         "resource_persons": "Budi Santoso"},
    )  # fmt: skip
    agenda.save_agenda_frame(session, module_id=kl.id, frame=grid, by="tester")
    maria = Person(full_name="Maria Santos", name_key=name_key("Maria Santos"))
    session.add(maria)
    session.flush()
    session.add(Participation(person_id=maria.id, module_id=kl.id, role="participant"))
    session.flush()

    people = next_steps.module_people(session, kl.id)
    assert sorted(zip(people["full_name"], people["role"], strict=True)) == [
        ("Ana Reyes", "facilitator"),
        ("Budi Santoso", "resource person"),
        ("Maria Santos", "participant"),
    ]
    ana = int(people.loc[people["full_name"] == "Ana Reyes", "person_id"].iloc[0])
    item = next_steps.add_action_item(session, module_id=kl.id, text="Case submission", focal_point_ids=[ana], by=None)
    assert next_steps.action_items_table(session, kl.id).loc[0, "focal_points"] == "Ana Reyes"
    assert item.id


def _modules(*spans: tuple[str, date, date]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"course": course, "number": n, "start_date": start, "end_date": end, "scope": "national", "city": "KL"}
            for n, (course, start, end) in enumerate(spans, start=1)
        ]
    )


def test_the_programme_timeline_labels_its_axis_with_dates_whatever_the_span() -> None:
    """Seen under Courses › Timeline: one module of four days drew its axis in hours (00:00, 12:00)."""
    from programme.charts.planning import DAY_MS

    one = programme_timeline(_modules(("NP-MYS", date(2017, 12, 2), date(2017, 12, 5)))).layout.xaxis
    assert one.dtick >= DAY_MS and one.dtick % DAY_MS == 0  # ticks whole days apart, never hours
    assert "%d" in one.tickformat and "%b" in one.tickformat and "%H" not in one.tickformat
    assert pd.Timestamp(one.tick0) == pd.Timestamp(2017, 12, 2)  # at midnight: each tick is a day
    # A single day still spans a day (the bar ends at the end of it): ticks a day apart.
    day = programme_timeline(_modules(("X", date(2020, 1, 6), date(2020, 1, 6)))).layout.xaxis
    assert day.dtick == DAY_MS
    # Over years plotly picks the ticks; whichever it picks is labelled with a date, a month or a year, never hours.
    years = programme_timeline(_modules(("A", date(2004, 3, 1), date(2004, 3, 10)), ("B", date(2019, 5, 6),
                                                                                       date(2019, 5, 9))))  # fmt: skip
    stops = years.layout.xaxis.tickformatstops
    assert stops and all("%H" not in stop.value and "%M" not in stop.value for stop in stops)
    assert stops[0].dtickrange[0] is None  # the finest spacing (a zoom into one day) is covered too


@pytest.mark.parametrize(
    ("field", "limit"),
    [("course code", 40), ("course title", 300), ("module title", 300), ("module city", 120), ("module venue", 200)],
)
def test_a_text_longer_than_its_column_is_refused_naming_the_field(session: Session, field: str, limit: int) -> None:
    """Seen adding a course from the command line: on PostgreSQL a 5,000-letter title ended in "something unexpected
    went wrong (DataError)", and SQLite stored it whole. Both refuse it now, naming the field and its limit."""
    long = "T" * (limit + 1)
    with pytest.raises(ProgrammeError, match=rf"longer than {limit:,} characters \({limit + 1:,} typed\)"):
        if field.startswith("course"):
            add_course(
                session, **({"code": long, "title": "T"} if field == "course code" else {"code": "C", "title": long})
            )
        else:
            add_course(session, code="C", title="Course")
            name = field.split()[1]
            add_module(session, course_code="C", number=1, start=date(2017, 3, 14), end=date(2017, 3, 17),
                       **{"title": "Module 1", name: long})  # fmt: skip
    session.rollback()
    if field.startswith("module"):  # and so is a change to an existing module
        add_course(session, code="C", title="Course")
        module = add_module(
            session, course_code="C", number=1, title="M", start=date(2017, 3, 14), end=date(2017, 3, 17)
        )
        with pytest.raises(ProgrammeError, match=f"longer than {limit:,} characters"):
            update_module(session, module_id=module.id, changes={field.split()[1]: long})
    elif field == "course title":
        add_course(session, code="C", title="Course")
        with pytest.raises(ProgrammeError, match="longer than 300 characters"):
            update_course(session, code="C", title=long)
    session.rollback()
    assert session.scalar(sa.text("SELECT count(*) FROM course WHERE length(title) > 300 OR length(code) > 40")) == 0

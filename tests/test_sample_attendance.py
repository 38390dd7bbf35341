"""The sample attendance sheet the Import page offers: it covers every day of the chosen module, so that a new
organisation trying it (course → module → the sample → Reports) gets certificates under the default completion rule
("attended all days"). The shared sample (../shared/samples/attendance_sheet.xlsx) ticks 3 days: imported into a
4-day module, it completed nobody until the rule was changed.

Expected figures are counted from the sheet with openpyxl (rows under the '#' header whose every Day column is
ticked) and from the database with bare SQL, never with the code under test."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module, get_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
from programme.importing.files import sample_attendance
from programme.models import OrgType, UserRole
from programme.reports.certificates import certificates_pdf
from tests.apptest_support import run_page

# A module of 4 days (9–12 April 2019), as the journey test's first module.
START, END, DAYS = date(2019, 4, 9), date(2019, 4, 12), 4


def _sheet_people(data: bytes) -> tuple[list[str], list[tuple[str, int]]]:
    """The sheet's Day columns and its people (e-mail, days ticked), read independently of the import."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["Attendance"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "#")
    days = [i for i, name in enumerate(rows[header]) if isinstance(name, str) and name.startswith("Day ")]
    email = rows[header].index("E-mail")
    people = [
        (row[email], sum(1 for i in days if str(row[i] or "").strip().lower() == "x"))
        for row in rows[header + 1 :]
        if isinstance(row[0], int)
    ]
    return [rows[header][i] for i in days], people


def _new_module(url: str) -> None:
    with session_scope(make_engine(url)) as session:
        add_course(session, code="MW-BKK-2019", title="Regional course on migrant workers' rights")
        add_module(session, course_code="MW-BKK-2019", number=1, title="Module 1", start=START, end=END,
                   city="Bangkok", country="THA")  # fmt: skip


def test_the_sample_covers_every_day_of_the_module_and_gives_certificates(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Course, 4-day module, the sample for it imported as it is: everyone who attended the 4 days completes under
    the default rule and has a certificate (the shared 3-day sample gave none), on the Reports page too."""
    _new_module(sqlite_url)
    data = sample_attendance(DAYS)
    day_columns, people = _sheet_people(data)
    assert day_columns == [f"Day {day}" for day in range(1, DAYS + 1)]
    every_day = [email for email, ticked in people if ticked == DAYS]
    assert 0 < len(every_day) < len(people)  # most complete; some miss a day (the rule shows)

    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        table = read_participant_sheet(data, "sample_attendance_sheet_4_days.xlsx")
        module = get_module(session, "MW-BKK-2019", 1)
        plan = build_plan(session, table=table, mapping=detect_mapping(table.columns), module=module,
                          file_name="sample.xlsx", file_hash=file_hash(data))  # fmt: skip
        assert not plan.errors, plan.errors
        apply_plan(session, plan=plan, username="tester", accepted=set())
    with engine.connect() as connection:
        completed = (
            connection.execute(
                sa.text(
                    "SELECT lower(p.email) FROM participation pa JOIN person p ON p.id = pa.person_id "
                    "WHERE pa.completed ORDER BY 1"
                )  # fmt: skip
            )
            .scalars()
            .all()
        )
        module_id = connection.execute(sa.text("SELECT id FROM module")).scalar_one()
    assert completed == sorted(every_day)

    with Session(engine) as session:
        pdf = PdfReader(io.BytesIO(certificates_pdf(session, module_id=module_id, by="tester")))
    assert len(pdf.pages) == len(every_day)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    reports = run_page("pages/reports.py", UserRole.FACILITATOR)
    assert not reports.exception, reports.exception
    assert f"Completed Module 1: **{len(every_day)}**" in [m.value for m in reports.markdown]
    button = next(b.proto for b in reports.get("download_button") if b.proto.label.startswith("Certificates for this"))
    assert not button.disabled


def test_a_one_day_module_has_a_one_day_sample() -> None:
    day_columns, people = _sheet_people(sample_attendance(1))
    assert day_columns == ["Day 1"] and all(ticked == 1 for _, ticked in people)


def test_the_import_page_offers_the_sample_for_the_chosen_modules_days(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    _new_module(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with make_engine(sqlite_url).connect() as connection:
        module_id = connection.execute(sa.text("SELECT id FROM module")).scalar_one()
    app = run_page("pages/import_participants.py", UserRole.FACILITATOR, address={"module": str(module_id)})
    assert not app.exception, app.exception
    sample = next(b.proto for b in app.get("download_button") if "sample attendance" in b.proto.label)
    assert "this module's 4 days" in sample.help
    assert sample.label == "Download a sample attendance sheet (.xlsx)"


def test_the_samples_people_have_organisation_types_from_the_apps_own_words(engine: Engine) -> None:
    """Every person of the sample comes with their organisation's type, in the app's words (the Organisation type
    filter's and tab's), so that a new organisation trying it sees the Reach dashboard's organisation types and
    civil-society share filled. Expected: the sheet's own column, read with openpyxl, against bare SQL."""
    data = sample_attendance(DAYS)
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["Attendance"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "#")
    kind, email = rows[header].index("Type of organisation"), rows[header].index("E-mail")
    typed = {row[email].lower(): row[kind] for row in rows[header + 1 :] if isinstance(row[0], int)}
    assert len(typed) == 12 and all(typed.values())
    assert set(typed.values()) <= {member.value for member in OrgType}
    assert len(set(typed.values())) >= 4  # several types, civil society and not

    with Session(engine) as session:
        add_course(session, code="MW-BKK-2019", title="Regional course on migrant workers' rights")
        module = add_module(session, course_code="MW-BKK-2019", number=1, title="Module 1", start=START, end=END,
                            city="Bangkok", country="THA")  # fmt: skip
        table = read_participant_sheet(data, "sample_attendance_sheet_4_days.xlsx")
        plan = build_plan(session, table=table, mapping=detect_mapping(table.columns), module=module,
                          file_name="sample.xlsx", file_hash=file_hash(data))  # fmt: skip
        assert not plan.errors, plan.errors
        apply_plan(session, plan=plan, username="tester", accepted=set())
        session.commit()
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT lower(p.email), o.org_type FROM person p LEFT JOIN organisation o ON o.id = p.organisation_id"
            )
        ).all()
    names = {member.name: member.value for member in OrgType}  # an enum column may hold the member's name
    assert {email: names.get(value, value) for email, value in stored} == typed

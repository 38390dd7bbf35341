"""Module report, summary workbook and certificates: written, opened again and read back."""

from __future__ import annotations

import importlib
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session

from programme.cli import main
from programme.core.errors import NotFound, ProgrammeError
from programme.courses.catalogue import get_module
from programme.models import AuditEntry, Gender, Person
from programme.reports import (
    HEADINGS,
    course_certificates,
    date_span,
    module_certificates,
    module_report,
    summary_workbook,
)
from programme.reports.certificates import render_certificates
from tests import reach_fixture


@pytest.fixture
def small(session: Session) -> reach_fixture.Fixture:
    return reach_fixture.build(session)


def _read_docx(data: bytes) -> tuple[list[str], list[str], list[list[list[str]]]]:
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    text = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return headings, text, tables


def test_date_span_reads_like_the_reports() -> None:
    from datetime import date

    assert date_span(date(2017, 12, 2), date(2017, 12, 5)) == "2–5 December 2017"
    assert date_span(date(2017, 11, 30), date(2017, 12, 3)) == "30 November – 3 December 2017"
    assert date_span(date(2017, 12, 31), date(2018, 1, 2)) == "31 December 2017 – 2 January 2018"
    assert date_span(date(2017, 12, 2), date(2017, 12, 2)) == "2 December 2017"


def test_module_report_follows_the_seed_report_and_respects_consent(session: Session, small) -> None:
    data = module_report(session, module_id=get_module(session, "b", 2).id, by="tester")
    headings, text, tables = _read_docx(data)
    assert headings == HEADINGS
    assert text[:5] == ["National Course B", "A Capacity Building Program", "Module 2", text[3], "REPORT"]
    assert text[3] == "2–5 February 2013, Kuala Lumpur, Malaysia"
    body = "\n".join(text)
    # Participants of B2: Ana and Cia (Dev is a resource person); women 100%, civil society 100%.
    assert "2 participants from 2 countries took part (with 1 resource person)" in body
    assert "100% were women and 100% came from civil society" in body
    assert "Migrant Care (organiser)" in body
    # Names only where consent allows: Ana and Ben consented; Cia and Dev did not.
    participants_table = next(t for t in tables if t[0] == ["Name", "Country", "Organisation"])
    assert participants_table[1:] == [["Ana Thapa", "Nepal", ""]]  # no consent to share the organisation
    assert "1 participant is not listed by name" in body
    assert "Cia Santos" not in body  # a participant without consent to be listed
    # Facilitators and resource persons are named whatever their consent: their role in the programme is public.
    assert "Resource person: Dev Putra." in text
    assert "Day 1, 09:00–10:30: CEDAW (presentation). Facilitated by Ana Thapa and Dev Putra." in text
    assert "Day 2, 14:00–16:00: Mission visit (presentation)." in text
    step = next(line for line in text if line.startswith("Case submission"))
    assert step == (
        "Case submission to the UN Working Group (focal points: Ben Gurung and 1 other person not named here), "
        "by 1 June 2013."
    )
    evaluation = next(t for t in tables if t[0] == ["Question", "Responses", "Mean rating"])
    assert evaluation[1:] == [["Overall, the module was useful", "2", "4.5"], ["The CEDAW session", "1", "3.0"]]
    assert "(2 responses)" in body
    assert text[-2:] == ["Human trafficking (asked 3 times)", "Recruitment reform"]
    by_country = next(t for t in tables if t[0] == ["Country", "Participants", "Share"])
    # Whole percentages, as the organisation's reports and the summary's "100% were women" write them.
    assert sorted(by_country[1:]) == [["Nepal", "1", "50%"], ["Philippines", "1", "50%"]]
    by_gender = next(t for t in tables if t[0] == ["Gender", "Participants", "Share"])
    assert by_gender[1:] == [["female", "2", "100%"]]
    session.commit()
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.username == "tester" and "B module 2" in entry.summary and "Cia" not in entry.summary


def test_module_report_names_the_scale_the_evaluation_used(session: Session, small) -> None:
    """The report said "a scale of 1 (poor) to 5 (excellent)" whatever the form's scale: an export rated on
    "Not at all useful" .. "Extremely useful" was described to funders as rated from poor to excellent."""
    import json

    from programme.models import EvaluationForm, Question

    module_id = get_module(session, "b", 2).id
    _, text, _ = _read_docx(module_report(session, module_id=module_id, by=None))
    assert any("on a scale of 1 (poor) to 5 (excellent)" in line for line in text)  # no labels of its own
    form = session.scalar(sa.select(EvaluationForm).where(EvaluationForm.module_id == module_id))
    form.scale_labels = json.dumps(
        ["Not at all useful", "Slightly useful", "Useful", "Very useful", "Extremely useful"]
    )
    session.flush()
    _, text, _ = _read_docx(module_report(session, module_id=module_id, by=None))
    assert any("on a scale of 1 (not at all useful) to 5 (extremely useful)" in line for line in text)
    # "Overall, the module was useful" answered with numbers (an export's "Overall rating (1-5)"): the words name
    # only the questions answered with them.
    overall = session.scalar(sa.select(Question).where(Question.text == "Overall, the module was useful"))
    overall.uses_form_labels = False
    session.flush()
    _, text, _ = _read_docx(module_report(session, module_id=module_id, by=None))
    assert any(
        "on a scale of 1 to 5 (for the questions answered in words, 1 is “not at all useful” and 5 “extremely "
        "useful”)" in line
        for line in text
    )
    assert not any("scale of 1 (not at all useful)" in line for line in text)
    session_q = session.scalar(sa.select(Question).where(Question.text == "The CEDAW session"))
    session_q.uses_form_labels = False
    session.flush()
    _, text, _ = _read_docx(module_report(session, module_id=module_id, by=None))
    assert any("Mean ratings on a scale of 1 to 5:" in line for line in text)


def test_module_report_of_a_bare_module_says_what_is_missing(session: Session, small) -> None:
    _, text, _ = _read_docx(module_report(session, module_id=get_module(session, "A", 1).id, by=None))
    body = "\n".join(text)
    assert "The agenda of this module is not recorded yet." in body
    assert "No evaluation forms are recorded for this module yet." in body
    assert "No next steps are recorded for this module yet." in body
    with pytest.raises(NotFound, match="has no module 7"):
        module_report(session, module_id=get_module(session, "A", 7).id, by=None)


def test_the_workbooks_corridors_are_those_of_alumni_corridors_and_the_reach_chart(session: Session, small) -> None:
    """Seen in a journey audit: the Corridors sheet listed Nepal → Nepal and Indonesia → Indonesia, which Alumni ›
    Corridors (and DOMAIN.md: country of origin → country of destination) does not call corridors. The sheet lists
    the corridors alone and counts those who work at home under them (the fixture's table, by hand: Ana Nepal →
    Malaysia, Cia Philippines → Malaysia; Ben Nepal and Dev Indonesia work at home; Eve never took part)."""
    from programme.alumni.corridors import corridors as alumni_corridors

    sheet = list(load_workbook(io.BytesIO(summary_workbook(session)))["Corridors"].iter_rows(values_only=True))
    assert sheet[0] == ("nationality code", "nationality", "country of work code", "country of work", "individuals")
    assert sorted(sheet[1:3]) == [("NPL", "Nepal", "MYS", "Malaysia", 1), ("PHL", "Philippines", "MYS", "Malaysia", 1)]
    assert sheet[3] == (None,) * 5
    assert sheet[4][0].startswith("Not corridors, so not listed: 2 individuals work in their country of nationality")
    assert len(sheet) == 5
    # The same pairs as the Alumni page's corridors (Ana and Cia completed: alumni at both ends).
    alumni = alumni_corridors(session)
    assert set(zip(alumni["origin"], alumni["destination"], strict=True)) == {(row[0], row[2]) for row in sheet[1:3]}


def test_summary_workbook_has_a_sheet_and_a_native_chart_per_dimension(session: Session, small) -> None:
    workbook = load_workbook(io.BytesIO(summary_workbook(session)))
    assert workbook.sheetnames == [
        "Headline",
        "By country",
        "By gender",
        "By organisation type",
        "Repeat participation",
        "By year",
        "Growth",
        "Corridors",
        "Evaluations",
    ]
    headline = {row[0]: row[1] for row in workbook["Headline"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert headline["Individuals (each counted once)"] == 4
    assert headline["Participations (a person in a module)"] == 8
    assert headline["Covers"] == "All courses"
    years = list(workbook["By year"].iter_rows(values_only=True))
    assert years[0] == ("year", "female", "male")
    assert years[1:4] == [(2010, 1, 1), (2012, 2, 1), (2013, 2, 1)]
    assert years[4] == (None, None, None) and years[5][0].startswith("Participations (a person in a module)")
    for name in ("By country", "By gender", "By organisation type", "Repeat participation", "By year", "Growth"):
        assert len(workbook[name]._charts) == 1, name
    one_course = load_workbook(io.BytesIO(summary_workbook(session, course_code="A")))
    rows = {r[0]: r[1] for r in one_course["Headline"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["Participations (a person in a module)"] == 2
    assert rows["Covers"] == "A · Regional Course A"


def test_certificates_go_to_those_who_completed(session: Session, small) -> None:
    assert [c.name for c in module_certificates(session, get_module(session, "B", 2).id)] == [
        "Ana Thapa"
    ]  # Cia did not complete
    assert [c.name for c in module_certificates(session, get_module(session, "B", 1).id)] == [
        "Cia Santos",
        "Ana Thapa",
    ]  # by family name; Ben facilitated
    course = course_certificates(session, "B")
    assert [c.name for c in course] == ["Ana Thapa"]
    assert course[0].what == "all 2 modules" and course[0].when == "1 May 2012 – 5 February 2013"
    assert course[0].organisers == "Migrant Care"
    # Course A, held so far in one module: its certificate names the module ("completed Module 1 of ...").
    assert [(c.name, c.what) for c in course_certificates(session, "A")] == [("Ana Thapa", "Module 1")]
    pdf = render_certificates(course)
    assert pdf.startswith(b"%PDF") and b"/Count 1" in pdf


def test_a_certificate_names_the_module_once_when_its_title_opens_with_it(session: Session, small) -> None:
    """Seen on a team's first certificates: a module titled "Module 1: UN mechanisms" (the add form's placeholder
    is "Module 2") printed "completed Module 1: Module 1: UN mechanisms"."""
    from pypdf import PdfReader

    module = get_module(session, "B", 2)
    module.title = "Module 2: UN mechanisms"
    session.commit()
    certificates = module_certificates(session, module.id)
    assert [(c.name, c.what) for c in certificates] == [("Ana Thapa", "Module 2: UN mechanisms")]
    printed = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(render_certificates(certificates))).pages
    )
    assert printed.count("Module 2") == 1, printed
    # A title naming another module, or none, keeps the module's number in front.
    module.title = "Module 20 follow-up"
    session.commit()
    assert module_certificates(session, module.id)[0].what == "Module 2: Module 20 follow-up"
    module.title = "lobbying"
    session.commit()
    assert module_certificates(session, module.id)[0].what == "Module 2: lobbying"


def test_certificates_are_in_family_name_order_whatever_the_case(session: Session, small) -> None:
    """Seen on a printed set: "Maria Josefina de los Santos" (family name typed in lower case) came after "Rahim
    Uddin": the database sorted capitals first."""
    module_id = get_module(session, "B", 1).id
    cia = session.scalar(sa.select(Person).where(Person.full_name == "Cia Santos"))
    cia.full_name, cia.family_name = "Cia de los Santos", "de los Santos"
    session.commit()
    # By hand: "de los Santos" (d) before "Thapa" (t); before, "Thapa" (T) came first.
    assert [c.name for c in module_certificates(session, module_id)] == ["Cia de los Santos", "Ana Thapa"]


def test_certificates_skip_erased_people_and_say_when_nobody_qualifies(session: Session, small) -> None:
    from programme.reports import certificates_pdf

    ana = session.get(Person, small.people["Ana"])
    ana.erased_at = datetime.now(UTC)
    session.commit()
    with pytest.raises(ProgrammeError, match="Nobody has completed B module 2 yet: mark attendance on the Agenda"):
        certificates_pdf(session, module_id=get_module(session, "B", 2).id, by=None)


def test_certificate_pdf_holds_one_page_per_person_with_accented_names(session: Session, small) -> None:
    from programme.reports.certificates import Certificate

    pdf = render_certificates(
        [
            Certificate("Nguyễn Thị Hồng", "Module 1", "Course", "1 May 2012", "Hanoi"),
            Certificate("Ana", "x", "y", "z", ""),
        ]
    )
    assert pdf.startswith(b"%PDF")
    assert b"/Count 2" in pdf


def test_export_commands_write_files(monkeypatch, demo_sqlite_url, tmp_path, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    report = tmp_path / "m4.docx"
    assert main(["export", "report", str(report), "--course", "NP-MYS-2016", "--module", "4"]) == 0
    headings, text, _ = _read_docx(report.read_bytes())
    assert headings == HEADINGS and text[2] == "Module 4" and text[3].startswith("2–5 December 2017, Kuala Lumpur")
    summary = tmp_path / "all.xlsx"
    assert main(["export", "summary", str(summary)]) == 0
    assert load_workbook(summary)["Headline"]["B4"].value == 816
    certificates = tmp_path / "c.pdf"
    assert main(["export", "certificates", str(certificates), "--course", "NP-MYS-2016", "--module", "4"]) == 0
    assert certificates.read_bytes().startswith(b"%PDF")
    assert "written to" in capsys.readouterr().out


def test_export_commands_fail_with_one_clear_sentence(monkeypatch, demo_sqlite_url, tmp_path, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    assert main(["export", "report", str(tmp_path / "x.docx"), "--course", "NOPE", "--module", "1"]) == 1
    assert capsys.readouterr().err.strip() == "Error: There is no course with the code 'NOPE'."
    assert main(["export", "summary", str(tmp_path / "x.csv")]) == 1
    assert "must end in .xlsx" in capsys.readouterr().err
    assert main(["export", "summary", str(tmp_path / "missing" / "x.xlsx")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert sorted(p.suffix for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith("demo.db")) == []


def test_the_module_report_says_plainly_when_no_organisation_type_is_recorded(session: Session, small) -> None:
    """B2's participants who took part are Ana and Cia; with neither organisation's type on record the report said
    "0% came from civil society organisations ..., of the 0 whose organisation type is recorded"."""
    from programme.models import Organisation

    for organisation in session.scalars(sa.select(Organisation)):
        organisation.org_type = None
    session.commit()
    _, text, _ = _read_docx(module_report(session, module_id=get_module(session, "b", 2).id, by="tester"))
    body = "\n".join(text)
    assert "% were women; no organisation type is recorded yet, so there is no civil-society share." in body
    assert "of the 0" not in body and "came from civil society" not in body


def test_summary_workbook_has_an_evaluation_sheet_with_each_question_s_figures(session: Session, small) -> None:
    """Per rating question of each evaluated module: n, mean and the count of each rating, as the dashboard's
    Likert chart has them. B2's form (reach_fixture): "Overall, the module was useful" rated 5 and 4 (n 2, mean
    4.5); "The CEDAW session" rated 3 once (the other answer blank: not counted); "Comments" is text, not listed.
    Added here: a question whose text starts with "=" (formula-safe) rated 2, and a 0-10 question rated 9 and 10."""
    from programme.models import Answer, EvaluationForm, Question, Response

    form = session.scalar(sa.select(EvaluationForm).where(EvaluationForm.module_id == small.modules["B2"]))
    formula = Question(form_id=form.id, position=4, text='=HYPERLINK("http://x")')
    ten = Question(form_id=form.id, position=5, text="How likely are you to recommend it?", scale_min=0, scale_max=10)
    response = Response(form_id=form.id)
    session.add_all([formula, ten, response])
    session.flush()
    first = session.scalars(sa.select(Response.id).where(Response.form_id == form.id).order_by(Response.id)).first()
    session.add_all([Answer(response_id=response.id, question_id=formula.id, rating=2),
                     Answer(response_id=response.id, question_id=ten.id, rating=9),
                     Answer(response_id=first, question_id=ten.id, rating=10)])  # fmt: skip
    session.commit()
    workbook = load_workbook(io.BytesIO(summary_workbook(session)))
    assert "Evaluations" in workbook.sheetnames
    rows = list(workbook["Evaluations"].iter_rows(values_only=True))
    ratings = [str(r) for r in range(11)]
    assert rows[0] == ("module", "question", "session", "scale", "n", "mean", *ratings)
    zeros = dict.fromkeys(ratings, None)
    b2 = "B · Module 2 · "

    def row(question, session_title, scale, n, mean, counts):  # type: ignore[no-untyped-def]
        cells = {**zeros, **{str(r): 0 for r in (range(1, 6) if scale == "1-5" else range(11))}, **counts}
        return (question, session_title, scale, n, mean, *cells.values())

    body = [(r[1], r[2], r[3], r[4], r[5], *r[6:]) for r in rows[1:] if r[0] and r[0].startswith(b2)]
    assert body == [
        row("Overall, the module was useful", None, "1-5", 2, 4.5, {"4": 1, "5": 1}),
        row("The CEDAW session", "CEDAW", "1-5", 1, 3.0, {"3": 1}),
        row('\'=HYPERLINK("http://x")', None, "1-5", 1, 2.0, {"2": 1}),
        row("How likely are you to recommend it?", None, "0-10", 2, 9.5, {"9": 1, "10": 1}),
    ]
    formula_cell = next(cell for cell in workbook["Evaluations"]["B"] if str(cell.value).startswith("'="))
    assert formula_cell.data_type == "s"  # text, never a formula
    # Course A has no evaluation: its workbook's sheet says so.
    one_course = load_workbook(io.BytesIO(summary_workbook(session, course_code="A")))
    assert list(one_course["Evaluations"].iter_rows(values_only=True))[-1][0] == (
        "No evaluation responses are recorded for these modules yet."
    )


def test_the_evaluation_sheet_holds_the_latest_evaluated_modules(session: Session, small, monkeypatch) -> None:
    """A1 (2010) is evaluated too; with room for one module, the sheet holds B2 (2013), the latest, and says so."""
    from programme.models import Answer, EvaluationForm, Question, Response

    workbook_module = importlib.import_module("programme.reports.summary_workbook")

    form = EvaluationForm(module_id=small.modules["A1"], title="End of module")
    session.add(form)
    session.flush()
    question, response = Question(form_id=form.id, position=1, text="Overall"), Response(form_id=form.id)
    session.add_all([question, response])
    session.flush()
    session.add(Answer(response_id=response.id, question_id=question.id, rating=2))
    session.commit()
    both = [
        r[0] for r in load_workbook(io.BytesIO(summary_workbook(session)))["Evaluations"].iter_rows(values_only=True)
    ]
    assert [label.split(" · ")[:2] for label in both[1:4]] == [["A", "Module 1"], ["B", "Module 2"], ["B", "Module 2"]]
    monkeypatch.setattr(workbook_module, "EVALUATED_MODULES_MAX", 1)
    rows = [
        r[0] for r in load_workbook(io.BytesIO(summary_workbook(session)))["Evaluations"].iter_rows(values_only=True)
    ]
    assert [label.split(" · ")[:2] for label in rows[1:3]] == [["B", "Module 2"], ["B", "Module 2"]]
    assert rows[3] is None and rows[-1] == "The latest 1 evaluated modules; choose a course for its own."


def test_report_and_workbook_leave_organisation_type_not_recorded_out_of_the_shares(session: Session, small) -> None:
    from programme.models import Organisation, Participation

    # Cia's union has no type on record; Eve registered for B2 but her attendance is not recorded.
    union = session.scalar(sa.select(Organisation).where(Organisation.name == "Workers Union"))
    union.org_type = None
    session.add(Participation(person_id=small.people["Eve"], module_id=small.modules["B2"], attended=None,
                              registered=True, completed=False))  # fmt: skip
    session.commit()
    _, text, tables = _read_docx(module_report(session, module_id=get_module(session, "b", 2).id, by="tester"))
    body = "\n".join(text)
    # B2's participants who took part: Ana (NGO) and Cia (type not recorded); Eve only registered, not counted.
    # Civil society: Ana, 1 of the 1 whose type is recorded = 100%; Cia left out of the share (not 50%).
    assert "2 participants from 2 countries took part" in body
    assert "100% came from civil society organisations" in body
    assert "of the 1 whose organisation type is recorded (1 not recorded, left out of the share)" in body
    assert (
        "1 person signed up on a registration list; 0 of them took part, and 2 took part without having signed up."
        in body
    )
    by_type = next(table for table in tables if table[0][0] == "Organisation type")
    assert by_type[1:] == [["NGO", "1", "100%"], ["not recorded", "1", "not in the shares"]]
    assert "left out of the shares" in body
    workbook = load_workbook(io.BytesIO(summary_workbook(session, course_code="B")))
    rows = list(workbook["By organisation type"].iter_rows(values_only=True))
    shares = {row[0]: row[3] for row in rows[1:] if row[1] is not None}
    # Course B took part: Ana (NGO), Ben (government, facilitator), Cia (not recorded): 50% and 50% of the 2 typed.
    assert shares == {"NGO": 50.0, "government": 50.0, "not recorded": None}
    assert any(row[0] and "left out of the shares" in str(row[0]) for row in rows)


def test_module_report_names_only_who_took_part_not_registrations_or_no_shows(session: Session, small) -> None:
    from programme.models import Participation

    module_id = get_module(session, "b", 2).id
    for name, attended, registered in (("Eva Registered", None, True), ("Fay Noshow", False, True)):
        person = reach_fixture._person(name, Gender.FEMALE, "NP", "MY", None, listed=True)
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module_id, attended=attended, registered=registered))
    session.commit()
    _, text, tables = _read_docx(module_report(session, module_id=module_id, by=None))
    body = "\n".join(text)
    participants_table = next(t for t in tables if t[0] == ["Name", "Country", "Organisation"])
    # As before they registered: Ana listed, Cia not (no consent); the two who did not take part nowhere.
    assert participants_table[1:] == [["Ana Thapa", "Nepal", ""]]
    assert "1 participant is not listed by name" in body
    assert "Eva Registered" not in body and "Fay Noshow" not in body
    assert "2 participants from 2 countries took part" in body


def test_a_module_planned_but_not_yet_held_names_its_team_and_no_share_of_nobody(session: Session) -> None:
    # The helpers' journey: an agenda typed with facilitators and a resource person, nobody's attendance yet.
    from datetime import date, time

    import pandas as pd

    from programme.courses.catalogue import add_course, add_module
    from programme.planning import agenda

    add_course(session, code="AUD", title="Audit course", by="t")
    module = add_module(session, course_code="AUD", number=2, title="M2", start=date(2026, 3, 10),
                        end=date(2026, 3, 12), by="t")  # fmt: skip
    rows = [
        {"day": 1, "start": time(9), "end": time(10, 30), "title": "Opening", "facilitators": "Kristie Juarez"},
        {"day": 1, "start": time(11), "end": time(12, 30), "title": "Access to justice",
         "facilitators": "Rahim Uddin", "resource_persons": "Pim Srisuk"},
    ]  # fmt: skip
    agenda.save_agenda_frame(session, module_id=module.id, frame=pd.DataFrame(rows), by="t")
    session.commit()
    _, text, _ = _read_docx(module_report(session, module_id=module.id, by="tester"))
    whole = "\n".join(text)
    assert "Day 1, 11:00–12:30: Access to justice (presentation). Facilitated by Rahim Uddin. Resource person: " \
           "Pim Srisuk." in whole  # fmt: skip
    assert "Facilitated by Pim Srisuk" not in whole and "Facilitated by Rahim Uddin and Pim Srisuk" not in whole
    assert "No participant is recorded as having taken part in this module yet" in whole
    assert "0% were women" not in whole and "0 participants" not in whole
    assert "Facilitators: Kristie Juarez and Rahim Uddin. Resource person: Pim Srisuk." in whole


def test_a_session_typed_after_the_modules_last_day_is_marked_in_the_report(session: Session) -> None:
    """The agenda page warns about a session on Day 4 of a three-day module; the report printed it as any other."""
    from datetime import date, time

    import pandas as pd

    from programme.courses.catalogue import add_course, add_module
    from programme.planning import agenda

    add_course(session, code="AUD", title="Audit course", by="t")
    module = add_module(session, course_code="AUD", number=1, title="M1", start=date(2026, 3, 10),
                        end=date(2026, 3, 12), by="t")  # fmt: skip
    rows = [
        {"day": 3, "start": time(9), "end": time(10), "title": "Lobbying plan", "method": "working group"},
        {"day": 4, "start": time(9), "end": time(10), "title": "Mission visit", "method": "role play"},
    ]
    agenda.save_agenda_frame(session, module_id=module.id, frame=pd.DataFrame(rows), by="t")
    session.commit()
    _, text, _ = _read_docx(module_report(session, module_id=module.id, by="tester"))
    assert "Day 3, 09:00–10:00: Lobbying plan (working group)." in text  # 10–12 March: day 3 is the last
    assert "Day 4 (after the module's last day), 09:00–10:00: Mission visit (role play)." in text


def test_module_report_rounds_a_mean_half_up_as_a_reader_does(session: Session, small) -> None:
    """Means of 4 or 8 ratings often end in 5 (4.25): the report showed 4.2 next to 3.8 for 3.75 (Python rounds a
    half to even), while the dashboard showed 4.25. By hand: 4, 5 (the fixture's) and 4, 4 typed here: 17 / 4 = 4.25,
    said 4.3; the CEDAW session's 3 and 4 and 5 and 3: 15 / 4 = 3.75, said 3.8."""
    from programme.evaluations import add_paper_response, module_form
    from programme.evaluations.forms import form_questions

    module_id = get_module(session, "b", 2).id
    form = module_form(session, module_id)
    questions = {question.text: question.id for question in form_questions(session, form.id)}
    overall, cedaw = questions["Overall, the module was useful"], questions["The CEDAW session"]
    add_paper_response(session, form_id=form.id, answers={overall: 4, cedaw: 4})
    add_paper_response(session, form_id=form.id, answers={overall: 4, cedaw: 5})
    add_paper_response(session, form_id=form.id, answers={cedaw: 3})
    session.flush()
    _, _, tables = _read_docx(module_report(session, module_id=module_id, by=None))
    evaluation = next(t for t in tables if t[0] == ["Question", "Responses", "Mean rating"])
    assert evaluation[1:] == [["Overall, the module was useful", "4", "4.3"], ["The CEDAW session", "4", "3.8"]]


def test_module_report_of_one_participant_from_one_country_reads_in_the_singular(session: Session) -> None:
    """A first module with one participant so far: "1 participant from 1 country took part" (it said "1 participants
    from 1 countries")."""
    from datetime import date

    from programme.models import Course, Module, Participation

    course = Course(code="ONE", title="A first course", start_year=2026)
    session.add(course)
    session.flush()
    module = Module(course_id=course.id, number=1, title="Module 1", start_date=date(2026, 3, 2),
                    end_date=date(2026, 3, 4), city="Bangkok", country="THA")  # fmt: skip
    person = Person(full_name="Ana Lim", name_key="ana lim", nationality="PHL", gender=Gender.FEMALE)
    session.add_all([module, person])
    session.flush()
    session.add(Participation(person_id=person.id, module_id=module.id))
    session.flush()
    _, text, _ = _read_docx(module_report(session, module_id=module.id, by=None))
    assert "1 participant from 1 country took part. 100% were women" in "\n".join(text)

"""Evaluations: scales, the standard form, imports of survey exports, paper entry, summary and suggestions."""

from __future__ import annotations

import io
import json
from datetime import date, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session

from programme.cli import main
from programme.core.db import REPO_ROOT
from programme.core.errors import ProgrammeError, UnreadableFile
from programme.evaluations import (
    add_paper_response,
    create_standard_form,
    import_evaluations,
    module_form,
    module_summary,
    read_rating,
    suggestions,
)
from programme.evaluations.forms import form_questions
from programme.evaluations.scales import UnknownAnswer, parse_labels
from programme.models import (
    AgendaSession,
    Answer,
    AuditEntry,
    Course,
    EvaluationForm,
    ImportBatch,
    Method,
    Module,
    Participation,
    Person,
    Question,
    QuestionKind,
    Response,
)

# A copy of the shared sample export (KoboToolbox-style), kept with the tests.
SAMPLE = Path(__file__).parent / "data" / "evaluation_survey_export.csv"
# The sample's sessions as a module's agenda would hold them (note the accent the export lacks).
SAMPLE_SESSIONS = [
    "Opening and expectations",
    "International human rights framework",
    "ILO conventions and migrant workers",
    "Treaty body reporting",
    "Role play: lobbying a labour attaché",
    "Working with the media",
    "Evaluation and reflections",
]


def make_module(session: Session, code: str = "EV1", sessions: list[str] = SAMPLE_SESSIONS) -> Module:
    """Return a module whose agenda holds the given sessions (the last one an evaluation session)."""
    course = Course(code=code, title="Evaluation test course", start_year=2019)
    session.add(course)
    session.flush()
    module = Module(course_id=course.id, number=1, title="Module 1", start_date=date(2019, 4, 8),
                    end_date=date(2019, 4, 12), city="Bangkok")  # fmt: skip
    session.add(module)
    session.flush()
    for index, title in enumerate(sessions):
        method = Method.EVALUATION if title.startswith("Evaluation") else Method.PRESENTATION
        session.add(AgendaSession(module_id=module.id, day=1 + index // 3, start_time=time(9 + 2 * (index % 3)),
                                  end_time=time(10 + 2 * (index % 3)), title=title, method=method, position=index))  # fmt: skip
    session.flush()
    return module


def csv_bytes(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def answers_of(session: Session, question_text: str) -> list:
    query = sa.select(Answer.rating, Answer.text).join(Question).where(Question.text == question_text)
    return [rating if rating is not None else text for rating, text in session.execute(query)]


# --- scales -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "rating"),
    [
        ("4", 4), (4, 4), (3.0, 3), ("4.0", 4), ("4 - Very good", 4), ("4 (Very good)", 4), ("Very good (4)", 4),
        ("4/5", 4), ("Very useful", 4), ("Strongly agree", 5), ("Extremely useful", 5), ("Slightly useful", 2),
        ("Not at all useful", 1), ("Useful", 3), ("poor", 1), ("Excellent", 5), ("NEUTRAL", 3), ("Très utile", None),
    ],
)  # fmt: skip
def test_read_rating_knows_numbers_and_the_usual_labels(answer, rating) -> None:
    if rating is None:
        with pytest.raises(UnknownAnswer):
            read_rating(answer)
    else:
        assert read_rating(answer) == rating


@pytest.mark.parametrize("answer", ["", "  ", "-", "N/A", "n/a", None, float("nan")])
def test_blank_answers_are_no_rating(answer) -> None:
    assert read_rating(answer) is None


@pytest.mark.parametrize("answer", ["6", "0", "3.5", "Great", "=1+1", "5 - Poor", "Day - 2"])
def test_unknown_answers_raise_a_clear_message(answer) -> None:
    with pytest.raises(UnknownAnswer, match=r"'"):
        read_rating(answer)


def test_a_forms_own_labels_are_read_first() -> None:
    labels = parse_labels("Mauvais, Passable, Bien, Très bien, Excellent")
    assert read_rating("très bien", labels) == 4
    assert read_rating("Bien", labels) == 3
    with pytest.raises(ProgrammeError, match="5 labels"):
        parse_labels("Low, High")


# --- standard form ------------------------------------------------------------------------------------


def test_standard_form_has_a_question_per_session_and_the_standard_ones(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="tester")
    questions = form_questions(session, form.id)
    rated = [q for q in questions if q.session_id]
    # Every session but the evaluation session itself, in agenda order.
    assert [q.text for q in rated] == [f"How useful was the session: {t}?" for t in SAMPLE_SESSIONS[:-1]]
    assert [q.text for q in questions[len(rated) :]] == [
        "Overall relevance of the module to your work",
        "Quality of facilitation",
        "Logistics and venue",
        "What was most useful?",
        "Suggestions for the next module",
    ]
    assert [q.feeds_backlog for q in questions].count(True) == 1 and questions[-1].feeds_backlog
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))
    assert not form.asks_name
    with pytest.raises(ProgrammeError, match="already has"):
        create_standard_form(session, module_id=module.id)


# --- import of the shared sample ----------------------------------------------------------------------


def test_import_of_the_shared_sample(session: Session) -> None:
    module = make_module(session)
    data = SAMPLE.read_bytes()
    dry = import_evaluations(session, data=data, filename=SAMPLE.name, module_id=module.id, dry_run=True)
    assert (dry.rows, dry.created, dry.questions_added, dry.errors, dry.written) == (38, 38, 8, [], False)
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert session.scalar(sa.select(sa.func.count(EvaluationForm.id))) == 0

    result = import_evaluations(session, data=data, filename=SAMPLE.name, module_id=module.id, by="tester")
    assert (result.created, result.skipped, result.written) == (38, 0, True)
    summary = module_summary(session, module.id)
    assert summary["responses"] == 38
    by_text = {q["text"]: q for q in summary["questions"]}
    # Group paths stripped; meta columns (start, end, _id, _uuid, _submission_time, _index) are not questions,
    # nor is the respondent's country (a fact about who answered: see test_evaluations_sample.py).
    assert list(by_text) == [
        "Session 1: International human rights framework",
        "Session 2: ILO conventions and migrant workers",
        "Session 3: Treaty body reporting",
        "Session 4: Role play: lobbying a labour attache",
        "Session 5: Working with the media",
        "Overall rating (1-5)",
        "Most useful",
        "Improve",
    ]
    # Hand-computed from the file (Not at all=1 ... Extremely useful=5; blanks left out).
    expected = {
        "Session 1: International human rights framework": (37, 3.27, "International human rights framework"),
        "Session 2: ILO conventions and migrant workers": (37, 3.59, "ILO conventions and migrant workers"),
        "Session 3: Treaty body reporting": (35, 3.31, "Treaty body reporting"),
        "Session 4: Role play: lobbying a labour attache": (35, 2.91, "Role play: lobbying a labour attaché"),
        "Session 5: Working with the media": (37, 3.73, "Working with the media"),
        "Overall rating (1-5)": (38, 4.26, None),
    }
    for text, (n, mean, linked) in expected.items():
        assert (by_text[text]["n"], by_text[text]["mean"], by_text[text]["session"]) == (n, mean, linked)
        assert by_text[text]["kind"] == "rating"
    assert (by_text["Improve"]["kind"], by_text["Improve"]["n"], by_text["Improve"]["mean"]) == ("text", 25, None)
    assert "Translation into Bahasa" in answers_of(session, "Improve")

    responses = session.scalars(sa.select(Response)).all()
    assert {r.person_id for r in responses} == {None}
    assert {r.external_id for r in responses} == {f"uuid-{i:04d}" for i in range(38)}
    assert all(r.submitted_at is not None and r.submitted_at.hour == 8 for r in responses)
    # The new form keeps the scale the export used, for paper entry and the charts' legends.
    form = module_form(session, module.id)
    assert json.loads(form.scale_labels)[::2] == ["Not at all useful", "Useful", "Extremely useful"]
    batch = session.scalars(sa.select(ImportBatch)).one()
    assert batch.module_id == module.id and json.loads(batch.counts)["created"] == 38
    assert session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "import")) == 1

    again = import_evaluations(session, data=data, filename=SAMPLE.name, module_id=module.id)
    assert (again.created, again.skipped, again.questions_added) == (0, 38, 0)
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 38


def test_a_form_s_labels_name_only_the_questions_answered_with_them(session: Session) -> None:
    """The sample's sessions are answered "Not at all useful" ... "Extremely useful", its "Overall rating (1-5)" with
    numbers: the dashboard's legend gave the overall rating's 4 the words "Very useful", which nobody chose."""
    from programme.charts.evaluations import likert_charts
    from programme.evaluations import queries as q
    from programme.evaluations.scales import form_labels

    module = make_module(session)
    import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id, by="tester")
    form = module_form(session, module.id)
    rated = {qn.text: qn.uses_form_labels for qn in form_questions(session, form.id) if qn.kind == QuestionKind.RATING}
    assert rated == {
        "Session 1: International human rights framework": True,
        "Session 2: ILO conventions and migrant workers": True,
        "Session 3: Treaty body reporting": True,
        "Session 4: Role play: lobbying a labour attache": True,
        "Session 5: Working with the media": True,
        "Overall rating (1-5)": False,
    }
    worded, numbered = likert_charts(q.likert_counts(session, module.id), form_labels(form.scale_labels))
    assert sorted(trace.name for trace in worded.data if trace.showlegend) == [
        "1 Not at all useful", "2 Slightly useful", "3 Useful", "4 Very useful", "5 Extremely useful",
    ]  # fmt: skip
    assert {label.split("  ")[0] for trace in worded.data for label in trace.y} == {
        "Session 1: International human rights framework", "Session 2: ILO conventions and migrant workers",
        "Session 3: Treaty body reporting", "Session 4: Role play: lobbying a labour attache",
        "Session 5: Working with the media",
    }  # fmt: skip
    assert sorted(trace.name for trace in numbered.data if trace.showlegend) == ["1", "2", "3", "4", "5"]
    assert {label.split("  ")[0] for trace in numbered.data for label in trace.y} == {"Overall rating (1-5)"}
    assert "useful" not in " ".join(trace.hovertemplate for trace in numbered.data).lower()
    # A form typed on paper (the standard form) shows its labels to everyone who answers: its questions keep them.
    other = make_module(session, code="EV2")
    standard = create_standard_form(session, module_id=other.id, by="tester")
    assert {qn.uses_form_labels for qn in form_questions(session, standard.id)} == {True}


def test_sample_columns_map_to_the_standard_forms_session_questions(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id)
    before = len(form_questions(session, form.id))
    result = import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id)
    # Session columns go to "How useful was the session: ...?"; overall rating, most useful and improve are new
    # questions (the respondent's country is a respondent attribute, not a question).
    assert result.questions_added == 3
    assert len(form_questions(session, form.id)) == before + 3
    assert len(answers_of(session, "How useful was the session: Role play: lobbying a labour attaché?")) == 35


# --- hand-made edge cases -----------------------------------------------------------------------------

EDGE = """
Module 1 evaluation - typed from the online form
,,,,,,,
_uuid,_submission_time,Treaty body reporting (1-5),Overall relevance,Comments,deviceid,_status,Venue
a1,2019-04-12T08:10:00,4 - Very good,Strongly agree,=HYPERLINK("http://x.example"),d1,ok,
a2,2019-04-12T08:11:00,5,Agree,-,d2,ok,
a3,2019-04-12T08:12:00,N/A,Neutral,"Great, thanks",d3,ok,
a2,2019-04-12T08:11:00,5,Agree,-,d2,ok,
a4,2019-04-12T08:13:00,,,,d4,ok,
"""


def test_edge_cases_labels_blanks_extra_columns_duplicates_and_formula_text(session: Session) -> None:
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(EDGE), filename="typed.csv", module_id=module.id)
    assert result.errors == []
    assert (result.rows, result.created, result.skipped) == (5, 3, 1)
    assert any("Row 7 repeats the submission in row 5" in w for w in result.warnings)
    assert any("Row 8 has no answers" in w for w in result.warnings)
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    # deviceid and _status are the survey tool's; the empty "Venue" column becomes no answers.
    assert set(summary) == {"Treaty body reporting (1-5)", "Overall relevance", "Comments", "Venue"}
    assert summary["Treaty body reporting (1-5)"] == {
        "text": "Treaty body reporting (1-5)", "kind": "rating", "session": "Treaty body reporting", "n": 2, "mean": 4.5,
        "scale": "1-5", "earlier": [],
    }  # fmt: skip
    assert (summary["Overall relevance"]["n"], summary["Overall relevance"]["mean"]) == (3, 4.0)
    # Formula-looking text is kept verbatim as text, never evaluated; "-" means no comment.
    assert sorted(answers_of(session, "Comments")) == ['=HYPERLINK("http://x.example")', "Great, thanks"]
    assert summary["Venue"]["n"] == 0


# A Google Forms download opened in Excel, an "Average" line added under the answers and saved again.
WITH_AVERAGE_LINE = """
Timestamp,How would you rate the module overall? (1-5),Treaty body reporting (1-5),Comments
2019/04/12 3:10:05 PM GMT+7,5,4,Thanks a lot
2019/04/12 3:12:41 PM GMT+7,4,3,
2019/04/12 3:14:41 PM GMT+7,3,5,
,,,
Average,4,4,
"""


def test_an_average_line_under_the_answers_is_not_a_response(session: Session) -> None:
    """The "Average" line was imported as a fourth response (n 4, its 4s counted in every mean)."""
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(WITH_AVERAGE_LINE), filename="gf.csv", module_id=module.id)
    assert result.errors == [] and result.created == 3
    assert any("Row 6" in w and "Average" in w for w in result.warnings)
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    assert (
        summary["How would you rate the module overall? (1-5)"]["n"],
        summary["Treaty body reporting (1-5)"]["mean"],
    ) == (3, 4.0)


# A Google Form in Spanish: each session rated on the form author's scale, in Spanish ("Muy útil"...).
SPANISH_SCALE = """
Marca temporal,¿Qué tan útil fue la sesión? [Marco internacional],¿Qué tan útil fue la sesión? [Informes],¿Qué fue lo más útil?
12/04/2019 15:10:05,Muy útil,Extremadamente útil,Juego de roles
12/04/2019 15:12:41,Útil,Poco útil,Juego de roles
12/04/2019 15:14:41,Nada útil,Muy útil,Estudios de caso
12/04/2019 15:16:41,Muy útil,Útil,Juego de roles
"""


def test_columns_sharing_a_few_labels_in_another_language_are_warned_about(session: Session) -> None:
    """Ratings in another language were read as comments without a word: the sessions had no ratings at all."""
    module = make_module(session)
    result = import_evaluations(
        session, data=csv_bytes(SPANISH_SCALE), filename="es.csv", module_id=module.id, dry_run=True
    )
    warned = [note.as_dict() for note in result.notes if "read as text" in note.text]
    assert len(warned) == 1 and "'Muy útil'" in warned[0]["message"] and "Informes" in warned[0]["message"]
    assert "lo más útil" not in warned[0]["message"]  # its answers are its own: a choice question, no scale
    shared = import_evaluations(session, data=csv_bytes(EDGE), filename="typed.csv", module_id=module.id, dry_run=True)
    assert not [note for note in shared.notes if "read as text" in note.text]


def test_an_export_already_imported_into_another_module_is_warned_about(session: Session) -> None:
    """The same export imported into a second module (the wrong one chosen) added every response again there,
    and nothing said the file was already in; an export without dates had no warning at all."""
    first, second = make_module(session, code="EV1"), make_module(session, code="EV2")
    data = csv_bytes("Overall (1-5),Comments\n5,Thanks a lot\n4,\n3,More breaks\n")
    import_evaluations(session, data=data, filename="gf.csv", module_id=first.id)
    again = import_evaluations(session, data=data, filename="gf.csv", module_id=second.id, dry_run=True)
    assert any("imported before into EV1 module 1" in note.text for note in again.notes)
    same = import_evaluations(session, data=data, filename="gf.csv", module_id=first.id, dry_run=True)
    assert not any("imported before into" in note.text for note in same.notes)


def test_unknown_answers_are_errors_with_spreadsheet_row_and_column_and_nothing_is_written(session: Session) -> None:
    module = make_module(session)
    text = EDGE.replace("Strongly agree", "Quite nice").replace("5,Agree", "=1+5,Agree", 1)
    result = import_evaluations(session, data=csv_bytes(text), filename="typed.csv", module_id=module.id)
    assert not result.written
    errors = {(e.row, e.column): e.message for e in result.errors}
    # Row numbers are the spreadsheet's: a title row and a blank row come before the header (row 3).
    assert set(errors) == {
        (4, "Overall relevance"),
        (5, "Treaty body reporting (1-5)"),
    }
    assert "'Quite nice'" in errors[(4, "Overall relevance")]
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert session.scalar(sa.select(sa.func.count(EvaluationForm.id))) == 0


def test_without_a_survey_id_a_reimport_adds_nothing_but_identical_forms_both_count(session: Session) -> None:
    module = make_module(session)
    typed = "Working with the media,Most useful\n4,Case studies\n4,Case studies\n2,\n"
    first = import_evaluations(session, data=typed.encode(), filename="paper.csv", module_id=module.id)
    assert first.created == 3
    second = import_evaluations(session, data=typed.encode(), filename="paper.csv", module_id=module.id)
    assert (second.created, second.skipped) == (0, 3)
    assert module_summary(session, module.id)["questions"][0]["mean"] == round(10 / 3, 2)


def test_a_name_column_is_not_kept_on_an_anonymous_form(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,Your name,Working with the media\nx1,Maria Santos,3\nx2,Ali Khan,5")
    result = import_evaluations(session, data=data, filename="named.csv", module_id=module.id)
    assert any("anonymous" in warning for warning in result.warnings)
    assert {r.person_id for r in session.scalars(sa.select(Response))} == {None}
    assert "Maria Santos" not in {q.text for q in session.scalars(sa.select(Question))}
    assert session.scalar(sa.select(sa.func.count(Answer.response_id)).where(Answer.text.is_not(None))) == 0


def test_a_form_that_asks_names_links_responses_to_participants(session: Session) -> None:
    module = make_module(session)
    person = Person(full_name="Maria Santos", name_key="maria santos")
    session.add(person)
    session.flush()
    session.add(Participation(person_id=person.id, module_id=module.id))
    create_standard_form(session, module_id=module.id, asks_name=True)
    data = csv_bytes('_uuid,Your name,Working with the media\nx1,"Santos, Maria",3\nx2,Nobody Known,5')
    result = import_evaluations(session, data=data, filename="named.csv", module_id=module.id)
    linked = dict(session.execute(sa.select(Response.external_id, Response.person_id)).tuples().all())
    assert linked == {"x1": person.id, "x2": None}
    assert any("matches no participant" in warning for warning in result.warnings)


def test_an_xlsx_export_with_title_rows_is_read(session: Session) -> None:
    module = make_module(session)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Evaluation export"])
    sheet.append(["_uuid", "end", "group/Treaty body reporting", "group/Suggestions"])
    sheet.append(["k1", "2019-04-12T15:09:00.000+07:00", 5, "More on CEDAW"])
    sheet.append(["k2", "2019-04-12T15:10:00.000+07:00", "Very good", "more on cedaw"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_evaluations(session, data=buffer.getvalue(), filename="export.xlsx", module_id=module.id)
    assert (result.created, result.errors) == (2, [])
    response = session.scalars(sa.select(Response).where(Response.external_id == "k1")).one()
    assert response.submitted_at.hour == 8  # 15:09 at +07:00 is 08:09 UTC
    assert module_summary(session, module.id)["questions"][0]["mean"] == 4.5


def test_unreadable_and_questionless_files_are_refused(session: Session) -> None:
    module = make_module(session)
    with pytest.raises(UnreadableFile):
        import_evaluations(session, data=b"", filename="empty.csv", module_id=module.id)
    with pytest.raises(UnreadableFile):
        import_evaluations(session, data=b"abc", filename="notes.pdf", module_id=module.id)
    with pytest.raises(ProgrammeError, match="no question columns"):
        import_evaluations(session, data=csv_bytes("_uuid,start,end\nu1,a,b"), filename="meta.csv", module_id=module.id)


# --- paper entry, summary and suggestions ---------------------------------------------------------------


def test_paper_entry_summary_and_suggestions_match_hand_computed_values(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="tester")
    questions = {q.text: q.id for q in form_questions(session, form.id)}
    media = questions["How useful was the session: Working with the media?"]
    overall = questions["Overall relevance of the module to your work"]
    suggest = questions["Suggestions for the next module"]
    typed = [
        {media: 2, overall: "Very good", suggest: "More on CEDAW"},
        {media: "1 Poor", overall: "5", suggest: "more on  CEDAW "},
        {media: "4", overall: "", suggest: "Human trafficking"},
        {media: None, overall: "Fair", suggest: "More on CEDAW"},
    ]
    for answers in typed:
        response = add_paper_response(session, form_id=form.id, answers=answers, by="tester")
    assert response.source.value == "paper" and response.person_id is None
    summary = module_summary(session, module.id)
    assert summary["responses"] == 4
    by_text = {q["text"]: q for q in summary["questions"]}
    assert (by_text["How useful was the session: Working with the media?"]["n"],
            by_text["How useful was the session: Working with the media?"]["mean"]) == (3, round(7 / 3, 2))  # fmt: skip
    assert (by_text["Overall relevance of the module to your work"]["n"],
            by_text["Overall relevance of the module to your work"]["mean"]) == (3, round(11 / 3, 2))  # fmt: skip
    assert by_text["Quality of facilitation"] == {"text": "Quality of facilitation", "kind": "rating", "session": None,
                                                  "n": 0, "mean": None, "scale": "1-5",
                                                  "earlier": []}  # fmt: skip
    assert by_text["Suggestions for the next module"]["n"] == 4
    backlog = suggestions(session, module.id)
    assert backlog.to_dict("records") == [
        {"text": "More on CEDAW", "times": 3},
        {"text": "Human trafficking", "times": 1},
    ]


def test_paper_entry_refuses_wrong_answers_and_names_on_anonymous_forms(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id)
    rating = form_questions(session, form.id)[0]
    with pytest.raises(ProgrammeError, match="Question 1: '7'"):
        add_paper_response(session, form_id=form.id, answers={rating.id: "7"})
    with pytest.raises(ProgrammeError, match="empty"):
        add_paper_response(session, form_id=form.id, answers={rating.id: ""})
    with pytest.raises(ProgrammeError, match="anonymous"):
        add_paper_response(session, form_id=form.id, answers={rating.id: 3}, person_id=1)
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_suggestions_of_a_module_without_a_form_are_empty(session: Session) -> None:
    module = make_module(session)
    assert list(suggestions(session, module.id).columns) == ["text", "times"]
    assert suggestions(session, module.id).empty
    assert module_summary(session, module.id) == {
        "responses": 0, "ratings": 0, "mean": None, "mean_scale": "1-5", "questions": []
    }  # fmt: skip
    assert module_form(session, module.id) is None


def test_demo_suggestions_come_from_the_backlog_question_only(demo_engine) -> None:
    with Session(demo_engine) as session:
        module_id = session.scalar(sa.select(Module.id).order_by(Module.id))
        backlog = suggestions(session, module_id)
        query = (
            sa.select(sa.func.count(Answer.text))
            .join(Question)
            .join(EvaluationForm)
            .where(EvaluationForm.module_id == module_id, Question.feeds_backlog.is_(True))
        )
        assert int(backlog["times"].sum()) == session.scalar(query) > 0
        assert backlog["times"].is_monotonic_decreasing
        questions = module_summary(session, module_id)["questions"]
        assert {q["kind"] for q in questions} == {"rating", "text"}
        assert all(q["mean"] is None for q in questions if q["kind"] == QuestionKind.TEXT.value)


# --- command line ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_module(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    from programme.core.db import make_engine, session_scope

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        make_module(session, code="EVT")
    return sqlite_url


def test_cli_import_dry_run_import_and_summary(cli_module: str, capsys: pytest.CaptureFixture) -> None:
    args = ["import", "evaluations", str(SAMPLE), "--course", "EVT", "--module", "1", "--json"]
    assert main([*args, "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    # created and questions_added count what was written (nothing on a dry run); the would_ keys what the file holds.
    assert (dry["rows"], dry["created"], dry["errors"], dry["written"]) == (38, 0, [], False)
    assert (dry["would_create"], dry["questions_added"]) == (38, 0)
    assert dry["would_add_questions"] > 0
    assert main(args) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["created"], done["would_create"], done["written"]) == (38, 38, True)
    assert done["questions_added"] == done["would_add_questions"] == dry["would_add_questions"]
    assert main(["evaluation", "summary", "--course", "EVT", "--module", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["responses"] == 38
    assert set(summary["questions"][0]) == {"text", "kind", "session", "n", "mean", "scale", "earlier"}
    assert summary["questions"][0]["session"] == "International human rights framework"
    assert main(["evaluation", "summary", "--course", "EVT", "--module", "1"]) == 0
    assert "38 responses" in capsys.readouterr().out


def test_cli_exit_codes(cli_module: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("_uuid,Treaty body reporting\nz1,4\nz2,Brilliant\n", encoding="utf-8")
    assert main(["import", "evaluations", str(bad), "--course", "EVT", "--module", "1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is False
    assert report["errors"] == [
        {"row": 3, "column": "Treaty body reporting", "message": report["errors"][0]["message"]}
    ]
    assert "Brilliant" in report["errors"][0]["message"]
    assert main(["import", "evaluations", str(tmp_path / "missing.csv"), "--course", "EVT", "--module", "1"]) == 2
    assert main(["import", "evaluations", str(SAMPLE), "--course", "EVT", "--module", "9"]) == 1
    assert "no module 9" in capsys.readouterr().err


def test_an_export_submitted_outside_the_modules_dates_is_warned_about(session: Session) -> None:
    module = make_module(session)  # 8-12 April 2019, as the sample's submissions (12 April)
    preview = import_evaluations(session, data=SAMPLE.read_bytes(), filename="k.csv", module_id=module.id, dry_run=True)
    assert not any("belongs to this module" in warning for warning in preview.warnings)
    module.start_date, module.end_date = date(2019, 6, 10), date(2019, 6, 14)
    preview = import_evaluations(session, data=SAMPLE.read_bytes(), filename="k.csv", module_id=module.id, dry_run=True)
    warned = [warning for warning in preview.warnings if "belongs to this module" in warning]
    assert warned == [
        f"{preview.created} of {preview.created} responses were submitted on 12 Apr 2019, "  # one day: not "between"
        "but this module ran 10 Jun 2019 – 14 Jun 2019. Check that this export belongs to this module."
    ]
    # Submissions over two days (the Google Forms fixture's timestamps: 12 and 13 April 2019, read by hand).
    nps = REPO_ROOT / "tests/data/tools/google_forms_nps.csv"
    preview = import_evaluations(session, data=nps.read_bytes(), filename="g.csv", module_id=module.id, dry_run=True)
    warned = [warning for warning in preview.warnings if "belongs to this module" in warning]
    assert len(warned) == 1 and "submitted between 12 Apr 2019 and 13 Apr 2019, but" in warned[0], warned
    # Late online submissions, within weeks of the module, are usual: no warning.
    module.start_date, module.end_date = date(2019, 3, 11), date(2019, 3, 15)
    preview = import_evaluations(session, data=SAMPLE.read_bytes(), filename="k.csv", module_id=module.id, dry_run=True)
    assert not any("belongs to this module" in warning for warning in preview.warnings)


def test_an_evaluation_imported_before_its_agenda_gets_its_session_ratings_when_the_agenda_comes(
    session: Session,
) -> None:
    # The helpers' journey: the export came first (no session to tie a question to), then the agenda was typed.
    # By hand from the file, as in test_import_of_the_shared_sample: n and mean of each session's question.
    import pandas as pd

    from programme.evaluations.queries import session_ratings
    from programme.planning import agenda

    module = make_module(session, sessions=[])
    import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id, by="tester")
    session.commit()
    assert session_ratings(session, module.id).empty
    rows = [
        {"day": 1 + index // 3, "start": time(9 + 2 * (index % 3)), "end": time(10 + 2 * (index % 3)), "title": title}
        for index, title in enumerate(SAMPLE_SESSIONS)
    ]
    agenda.save_agenda_frame(session, module_id=module.id, frame=pd.DataFrame(rows), by="tester")
    session.commit()
    ranked = session_ratings(session, module.id).set_index("session")
    assert {title: (int(row["n"]), round(float(row["mean"]), 2)) for title, row in ranked.iterrows()} == {
        "International human rights framework": (37, 3.27),
        "ILO conventions and migrant workers": (37, 3.59),
        "Treaty body reporting": (35, 3.31),
        "Role play: lobbying a labour attaché": (35, 2.91),
        "Working with the media": (37, 3.73),
    }
    # A later agenda change leaves a question tied to its session as it is.
    tied = dict(
        session.execute(sa.select(Question.text, Question.session_id).where(Question.session_id.is_not(None))).all()
    )
    agenda.add_session(
        session, module_id=module.id, day=3, start=time(9), end=time(10), title="Treaty body reporting (2)", by="tester"
    )
    session.commit()
    assert (
        dict(
            session.execute(sa.select(Question.text, Question.session_id).where(Question.session_id.is_not(None))).all()
        )
        == tied
    )


def test_labels_a_module_s_form_kept_are_named_as_such_when_they_do_not_fit(session: Session) -> None:
    """Seen importing a second export: "(the labels given do not hold them all)" when the user had given none; they
    were the scale the module's form kept from the first import."""
    module = make_module(session)
    import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id, by="tester")
    second = csv_bytes(
        "Timestamp,Session 1: International human rights framework\n"
        "2019-04-09 08:00:00,Bien\n2019-04-09 08:01:00,Regular\n2019-04-09 08:02:00,Muy bien\n"
    )
    result = import_evaluations(session, data=second, filename="second.csv", module_id=module.id, dry_run=True)
    messages = [error.message for error in result.errors]
    assert any("the labels this module's form kept from an earlier import do not hold them all" in m for m in messages)
    assert not any("the labels given" in m for m in messages)
    given = import_evaluations(session, data=second, filename="second.csv", module_id=module.id, dry_run=True,
                               scale_labels="Malo, Regular, Bien, Muy bien, Excelente")  # fmt: skip
    assert given.errors == []


def test_deleting_a_session_leaves_its_question_untied_not_given_to_a_session_its_title_contains(
    session: Session,
) -> None:
    # The role play's title contains the visit's ("...preparing the visit to the EU Delegation"). Deleting the role
    # play must not hand its ratings to the visit (and to the visit's facilitator). By hand: the visit's question
    # has the ratings 5 and 3 (n 2, mean 4.0); the role play's 1 and 1 stay in the module average only.

    from programme.evaluations.queries import session_ratings
    from programme.planning import agenda

    titles = ["Role play: preparing the visit to the EU Delegation", "Visit to the EU Delegation"]
    module = make_module(session, sessions=titles)
    form = create_standard_form(session, module_id=module.id)
    role_play, visit = form_questions(session, form.id)[:2]
    for ratings in ((1, 5), (1, 3)):
        add_paper_response(session, form_id=form.id, answers={role_play.id: ratings[0], visit.id: ratings[1]})
    session.commit()
    agenda_rows = agenda.agenda_table(session, module.id)
    kept = agenda_rows[agenda_rows["title"] == "Visit to the EU Delegation"]
    agenda.save_agenda_frame(session, module_id=module.id, frame=kept.reset_index(drop=True), by="tester")
    session.commit()
    session.refresh(role_play)
    assert role_play.session_id is None
    ranked = session_ratings(session, module.id)
    assert [(row.session, int(row.n), float(row.mean)) for row in ranked.itertuples()] == [
        ("Visit to the EU Delegation", 2, 4.0)
    ]
    # And a later save of the agenda does not tie it either.
    agenda.save_agenda_frame(session, module_id=module.id, frame=agenda.agenda_table(session, module.id), by="tester")
    session.commit()
    session.refresh(role_play)
    assert role_play.session_id is None


def test_cli_says_one_response_and_one_new_question_in_the_singular(
    cli_module: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """An export of one response to one question: "Imported 1 response (0 skipped, 1 new question)." (it said
    "1 responses", "1 new questions")."""
    one = tmp_path / "one.csv"
    one.write_text("Timestamp,Overall rating (1-5)\n2024/01/04 10:00:00,4\n", encoding="utf-8")
    args = ["import", "evaluations", str(one), "--course", "EVT", "--module", "1"]
    assert main([*args, "--dry-run"]) == 0
    assert "Dry run: 1 response would be imported (0 skipped, 1 new question); nothing was written." in (
        capsys.readouterr().out
    )
    assert main(args) == 0
    assert "Imported 1 response (0 skipped, 1 new question)." in capsys.readouterr().out
    assert main(["evaluation", "summary", "--course", "EVT", "--module", "1"]) == 0
    assert capsys.readouterr().out.startswith("1 response; module average 4.00 of 1 rating")

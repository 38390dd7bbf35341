"""A 0-10 question keeps its own range: imported as 0-10, with its own n and mean, never averaged with 1-5 ratings
(module average, sessions, facilitators, comparison, trend, trainers, charts, reports). The expected figures are
computed here from the fixture with the csv module, not by the importer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import Session

from programme.charts.evaluations import likert_chart, likert_scales
from programme.core.errors import ProgrammeError
from programme.evaluations import add_paper_response, import_evaluations, module_summary
from programme.evaluations import queries as q
from programme.evaluations.forms import add_question, module_form
from programme.evaluations.means import module_mean
from programme.models import Answer, Person, Question, QuestionKind, Response, SessionFacilitator
from programme.reports.module_report import module_report
from tests.test_evaluations import csv_bytes, make_module

FIXTURE = Path(__file__).parent / "data" / "tools" / "google_forms_nps.csv"
OVERALL = "Overall, how would you rate the module?"
USEFUL = "How useful was Treaty body reporting?"
RECOMMEND = "How likely are you to recommend this course to a colleague?"


def _columns() -> dict[str, list[int]]:
    """Each question's answers as whole numbers, blanks and N/A left out, read with the csv module."""
    with FIXTURE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        name: [int(row[name]) for row in rows if row[name] not in ("", "N/A")] for name in (OVERALL, USEFUL, RECOMMEND)
    }


def _import(session: Session, module_id: int):
    result = import_evaluations(session, data=FIXTURE.read_bytes(), filename=FIXTURE.name, module_id=module_id)
    assert result.errors == [], result.errors
    return result


def test_a_1_to_5_and_a_0_to_10_question_keep_their_own_n_and_mean(session: Session) -> None:
    module = make_module(session)
    result = _import(session, module.id)
    answers = _columns()
    assert result.created == 7
    roles = {item["header"]: item["role"] for item in result.to_json()["columns"]}
    assert roles[RECOMMEND] == "rating 0-10" and roles[OVERALL] == "rating" and roles[USEFUL] == "rating"
    stored = {
        question.text: (question.scale_min, question.scale_max) for question in session.scalars(sa.select(Question))
    }
    assert stored[RECOMMEND] == (0, 10) and stored[OVERALL] == (1, 5) and stored[USEFUL] == (1, 5)
    # The answers as given: a 0 and a 10 are stored, the blank is no answer.
    ratings = session.scalars(sa.select(Answer.rating).join(Question).where(Question.text == RECOMMEND)).all()
    assert sorted(ratings) == sorted(answers[RECOMMEND]) == [0, 6, 7, 8, 9, 10]
    summary = {question["text"]: question for question in module_summary(session, module.id)["questions"]}
    for text, scale in ((OVERALL, "1-5"), (USEFUL, "1-5"), (RECOMMEND, "0-10")):
        values = answers[text]
        assert summary[text]["n"] == len(values)
        assert summary[text]["mean"] == round(sum(values) / len(values), 2)
        assert summary[text]["scale"] == scale
    # By hand: 1-5 answers 4,5,3,4,2,5,4 and 5,4,3,4,5,2 (N/A left out): 27 + 23 = 50 over 13. The 0-10 answers
    # (0+6+7+8+9+10 = 40 over 6) are not in it: mixed in, the mean would be 90/19 = 4.74.
    assert answers[OVERALL] + answers[USEFUL] == [4, 5, 3, 4, 2, 5, 4, 5, 4, 3, 4, 5, 2]
    average = module_mean(session, module.id)
    assert average.n == 13 and average.mean == pytest.approx(50 / 13)
    whole = module_summary(session, module.id)
    assert whole["ratings"] == 13 and whole["mean"] == round(50 / 13, 2) and whole["mean_scale"] == "1-5"


def test_nothing_averages_a_0_to_10_question_with_1_to_5_ratings(session: Session) -> None:
    module = make_module(session)
    _import(session, module.id)
    form = module_form(session, module.id)
    useful = session.scalars(sa.select(Question).where(Question.text == USEFUL)).one()
    assert useful.session_id is not None  # linked to the agenda's "Treaty body reporting"
    # A 0-10 question about the same session, answered 10 by everyone: were it mixed in, every mean would rise.
    ten = add_question(session, form_id=form.id, text="Treaty body reporting, 0 to 10", session_id=useful.session_id,
                       scale=(0, 10))  # fmt: skip
    for response in session.scalars(sa.select(Response)):
        session.add(Answer(response_id=response.id, question_id=ten.id, rating=10))
    lead = Person(full_name="Ana Thapa", name_key="ana thapa")
    session.add(lead)
    session.flush()
    session.add(SessionFacilitator(session_id=useful.session_id, person_id=lead.id))
    session.flush()
    useful_answers = _columns()[USEFUL]  # 5, 4, 3, 4, 5, 2
    sessions = q.session_ratings(session, module.id)
    assert sessions["n"].tolist() == [len(useful_answers)]
    assert sessions["mean"].iloc[0] == pytest.approx(sum(useful_answers) / len(useful_answers))
    assert sessions["module_mean"].iloc[0] == pytest.approx(50 / 13)
    facilitators = q.facilitator_ratings(session, module_id=module.id)
    assert facilitators["n"].tolist() == [6] and facilitators["mean"].iloc[0] == pytest.approx(23 / 6)
    comparison = q.module_comparison(session, module.id).set_index("kind")
    assert comparison.loc["this module", "n"] == 13 and comparison.loc["organisation", "n"] == 13
    assert comparison.loc["organisation", "mean"] == pytest.approx(50 / 13)
    trend = q.yearly_trend(session)
    assert trend["n"].tolist() == [13] and trend["mean"].iloc[0] == pytest.approx(50 / 13)
    from programme.alumni.trainers import sessions_led

    led = sessions_led(session, [lead.id])
    assert led["ratings"].tolist() == [6] and led["mean_rating"].iloc[0] == round(23 / 6, 2)


def test_the_0_to_10_question_has_its_own_likert_chart_of_eleven_answers(session: Session) -> None:
    module = make_module(session)
    _import(session, module.id)
    counts = q.likert_counts(session, module.id)
    assert likert_scales(counts) == [(1, 5), (0, 10)]
    standard = likert_chart(counts)
    ten = likert_chart(counts, scale=(0, 10))
    assert {trace.name for trace in ten.data if trace.showlegend} == {str(r) for r in range(11)}
    assert len({trace.name for trace in standard.data}) == 5
    assert all(RECOMMEND[:40] not in label for trace in standard.data for label in trace.y)
    assert all(RECOMMEND[:40] in label for trace in ten.data for label in trace.y)
    # The 0-10 question's shares, by hand: 0, 6, 7, 8, 9, 10 once each of 6 answers.
    shares = {trace.name: abs(sum(trace.x)) for trace in ten.data}
    assert shares["0"] == pytest.approx(100 / 6) and shares["1"] == 0
    assert f"{40 / 6:.2f}" in ten.data[0].y[0]


def test_the_module_report_says_a_0_to_10_mean_is_out_of_10(session: Session) -> None:
    module = make_module(session)
    _import(session, module.id)
    text = "\n".join(
        "\t".join(cell.text for cell in row.cells)
        for table in Document(io.BytesIO(module_report(session, module_id=module.id, by=None))).tables
        for row in table.rows
    )
    assert f"{40 / 6:.1f} out of 10" in text
    assert f"{sum(_columns()[OVERALL]) / 7:.1f}" in text


def test_a_number_column_outside_1_to_5_asks_which_scale_then_imports_as_told(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes(
        "_uuid,Overall score,Comments\nu1,9,The role plays were the best part\nu2,7,\nu3,3,More time for questions please\n"
    )
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    message = " ".join(error.message for error in result.errors)
    assert not result.written and "from 3 to 9" in message and '--column "rating 0-10=Overall score"' in message
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    told = import_evaluations(session, data=data, filename="f.csv", module_id=module.id,
                              columns={"Overall score": "rating 0-10"})  # fmt: skip
    assert told.errors == [] and told.written
    question = session.scalars(sa.select(Question).where(Question.text == "Overall score")).one()
    assert (question.kind, question.scale_min, question.scale_max) == (QuestionKind.RATING, 0, 10)
    assert module_mean(session, module.id).n == 0  # no 1-5 question: no module average


def test_a_1_to_5_header_is_never_read_as_0_to_10(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,How likely are you to recommend us (1-5)?\nu1,4\nu2,5\n")
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert result.written
    assert session.scalars(sa.select(Question.scale_max)).one() == 5


def test_answers_outside_a_question_s_range_are_refused(session: Session) -> None:
    module = make_module(session)
    _import(session, module.id)
    form = module_form(session, module.id)
    recommend = session.scalars(sa.select(Question).where(Question.text == RECOMMEND)).one()
    overall = session.scalars(sa.select(Question).where(Question.text == OVERALL)).one()
    add_paper_response(session, form_id=form.id, answers={recommend.id: "0", overall.id: "5"})
    with pytest.raises(ProgrammeError, match="from 0 to 10"):
        add_paper_response(session, form_id=form.id, answers={recommend.id: "11"})
    with pytest.raises(ProgrammeError, match="from 1 to 5"):
        add_paper_response(session, form_id=form.id, answers={overall.id: "7"})
    again = csv_bytes(f'Timestamp,"{RECOMMEND}"\n2019/04/12 3:10:05 PM GMT+7,12\n')
    result = import_evaluations(session, data=again, filename="g.csv", module_id=module.id)
    assert not result.written and any("from 0 to 10" in error.message for error in result.errors)


def test_the_dashboard_averages_1_to_5_only_says_so_and_charts_0_to_10_apart(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    from programme.core.db import make_engine, session_scope
    from tests.apptest_support import run_page

    with session_scope(make_engine(sqlite_url)) as session:
        _import(session, make_module(session).id)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/evaluations.py")
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Mean rating"] == f"{50 / 13:.2f}"  # by hand above: the 1-5 answers only
    assert any("0–10" in caption.value and "never averaged in" in caption.value for caption in app.caption)
    # The figures' titles, read from their JSON (written escaped or not, as plotly's encoder does it).
    titles = [str(json.loads(chart.proto.spec)["layout"].get("title")) for chart in app.get("plotly_chart")]
    assert sum("Questions on a 0–10 scale" in spec for spec in titles) == 1
    # The export's 1-5 questions were answered with numbers (a linear scale): named by number, not with words
    # ("Poor" ... "Excellent") nobody chose.
    assert sum("Ratings given as a number from 1 to 5" in spec for spec in titles) == 1
    assert sum("Ratings (share of answers" in spec for spec in titles) == 0


@pytest.mark.parametrize(
    ("header", "zero_to_ten"),
    [
        ("How likely are you to recommend this course to a colleague?", True),
        ("Overall (0-10)", True),
        ("Overall score, 0 to 10", True),
        ("Rate the module out of 10", True),
        ("Score /10", True),
        ("How likely are you to recommend us (1-5)?", False),
        ("Evaluation 2019/10/12, overall", False),
        ("Overall score", False),
    ],
)
def test_which_headers_name_a_0_to_10_question(header: str, zero_to_ten: bool) -> None:
    from programme.intake.scales import is_zero_to_ten_question

    assert is_zero_to_ten_question(header, ["3", "9", "", "N/A"]) is zero_to_ten
    assert not is_zero_to_ten_question(header, ["3", "Very good"])  # not numbers only: never 0-10

"""Figures shown to people round a half up, everywhere (4.125 → 4.13, 2.675 → 2.68), as the module report does.

Python's round() and format() give 4.12 (a half to the even digit) and 2.67 (2.675 is stored as 2.67499999...).
Every expected figure here is worked out by hand from the ratings or amounts written.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme import funding
from programme.charts import evaluations as charts
from programme.core.rounding import fixed, percent, rounded
from programme.evaluations import create_standard_form, module_summary
from programme.evaluations import queries as q
from programme.evaluations.forms import add_paper_response, form_questions
from tests import reach_fixture
from tests.test_evaluations import make_module

MEDIA = "How useful was the session: Working with the media?"
OVERALL = "Overall relevance of the module to your work"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [(4.125, 2, "4.13"), (2.675, 2, "2.68"), (1.005, 2, "1.01"), (4.25, 1, "4.3"), (3.75, 1, "3.8"), (4.0, 2, "4.00"),
     (-2.675, 2, "-2.68"), (12.5, 0, "13")],
)  # fmt: skip
def test_a_half_is_rounded_up_from_the_number_as_written(value: float, places: int, text: str) -> None:
    assert fixed(value, places) == text
    assert rounded(value, places) == float(text)


def test_thousands_and_signs() -> None:
    assert fixed(250.125, thousands=True) == "250.13"
    assert fixed(1234567.675, thousands=True) == "1,234,567.68"
    assert fixed(0.125, sign=True) == "+0.13"


@pytest.fixture
def rated(session: Session) -> int:
    """A module whose media session has 8 ratings, seven 4s and one 5 (mean 33/8 = 4.125), and whose overall
    question has 40: twenty-seven 3s and thirteen 2s (mean (81 + 26)/40 = 107/40 = 2.675)."""
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="tester")
    questions = {question.text: question.id for question in form_questions(session, form.id)}
    overall = [3] * 27 + [2] * 13
    media = [4] * 7 + [5]
    for index, rating in enumerate(overall):
        answers = {questions[OVERALL]: rating}
        if index < len(media):
            answers[questions[MEDIA]] = media[index]
        add_paper_response(session, form_id=form.id, answers=answers, by="tester")
    session.commit()
    return module.id


def test_the_evaluation_summary_and_charts_round_a_half_up(session: Session, rated: int) -> None:
    summary = module_summary(session, rated)
    means = {question["text"]: question["mean"] for question in summary["questions"]}
    assert (means[MEDIA], means[OVERALL]) == (4.13, 2.68)
    # The module's average: (33 + 107) / 48 = 2.91666... → 2.92 (no half: the same either way).
    assert summary["mean"] == 2.92
    likert = charts.likert_chart(q.likert_counts(session, rated))
    names = set(likert.data[0].y)
    assert any("<b>4.13</b> (8 ratings)" in name for name in names)
    assert any("<b>2.68</b> (40 ratings)" in name for name in names)
    ranked = charts.sessions_ranked_chart(q.session_ratings(session, rated))
    texts = [text for trace in ranked.data if trace.type == "scatter" for text in trace.text]
    assert "4.13 (8 ratings)" in texts


def test_the_funder_report_and_cost_per_person_round_a_half_up(session: Session) -> None:
    small = reach_fixture.build(session)
    # Course B reached Ana, Ben, Cia and Dev (every role): 1,000.50 EUR / 4 = 250.125 → 250.13.
    funding.add_funder(session, name="Test Fund", by="t")
    funding.add_grant(session, funder="Test Fund", reference="G-1", amount="1000.50", currency="EUR", by="t")
    funding.link_course(session, reference="G-1", course_code="B", by="t")
    session.commit()
    by_grant = funding.individuals_by_grant(session)
    assert by_grant[["individuals", "cost_per_person"]].values.tolist() == [[4, 250.13]]
    assert funding.cost_per_person(session)["cost_per_person"].tolist() == [250.13]
    assert small.modules  # the fixture's modules stand behind the grant


def test_the_sessions_a_trainer_led_round_their_mean_half_up(session: Session, rated: int) -> None:
    """The trainer pool's means: pandas' round() gave 4.12 for the media session's 33/8 (and the pool then showed it)."""
    from programme.alumni.trainers import sessions_led
    from programme.models import AgendaSession, Person, SessionFacilitator
    from programme.people.names import name_key

    media = session.scalar(
        sa.select(AgendaSession).where(
            AgendaSession.module_id == rated, AgendaSession.title == "Working with the media"
        )
    )
    lead = Person(full_name="Rosa Quispe", name_key=name_key("Rosa Quispe"))
    session.add(lead)
    session.flush()
    session.add(SessionFacilitator(session_id=media.id, person_id=lead.id))
    session.commit()
    led = sessions_led(session, [lead.id])
    assert (led["ratings"].tolist(), led["mean_rating"].tolist()) == ([8], [4.13])


@pytest.mark.parametrize(("fraction", "text"), [(0.125, "13%"), (0.145, "15%"), (2 / 3, "67%"), (1.0, "100%")])
def test_a_percentage_rounds_a_half_up(fraction: float, text: str) -> None:
    """format(0.125, ".0%") gives "12%", format(0.145, ".0%") "14%" (0.145 is stored a hair below)."""
    assert percent(fraction) == text

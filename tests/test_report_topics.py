"""The module report's "topics for the next module": the evaluation forms' suggestions count there as soon as they
are answered, not only once a planner took them into the backlog (seen in a journey: the evaluation dashboard
listed "Translation into Bahasa" x16 while the report said "No topics were suggested for the next module").
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlmodel import Session

from programme.courses.catalogue import add_course, add_module
from programme.models import Answer, EvaluationForm, Question, QuestionKind, Response, TopicSuggestion
from programme.reports.content import module_report_content
from programme.reports.module_report import module_report

# What five participants wrote under the form's "topics for the next module" question (one answer may list
# several, split on semicolons and new lines), and one planner's typed topic.
ANSWERS = ["CEDAW; Lobbying", "cedaw", "Translation into Bahasa", "CEDAW\nMedia work", None]
TYPED = "Lobbying"
# Counted by hand from ANSWERS: CEDAW 3 (two spellings, one fold), Lobbying 1 (already typed: not listed twice),
# Translation into Bahasa 1, Media work 1.
EXPECTED = [("CEDAW", 3), ("Lobbying", 1), ("Media work", 1), ("Translation into Bahasa", 1)]


def _module(session: Session, *, typed: bool) -> int:
    add_course(session, code="T1", title="Topics course", by=None)
    module = add_module(session, course_code="T1", number=1, title="One", start=date(2024, 5, 6),
                        end=date(2024, 5, 8), by=None)  # fmt: skip
    form = EvaluationForm(module_id=module.id, title="Module 1 evaluation")
    session.add(form)
    session.flush()
    question = Question(form_id=form.id, position=1, text="Topics for the next module", kind=QuestionKind.TEXT,
                        feeds_backlog=True)  # fmt: skip
    session.add(question)
    session.flush()
    for text in ANSWERS:
        response = Response(form_id=form.id)
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id=question.id, text=text))
    if typed:
        session.add(TopicSuggestion(module_id=module.id, text=TYPED, requested_by="planner"))
    session.commit()
    return module.id


def test_the_report_lists_the_evaluation_suggestions_not_yet_in_the_backlog(session: Session) -> None:
    module_id = _module(session, typed=True)
    topics = module_report_content(session, module_id).topics
    assert [(topic, int(times)) for topic, times in topics.itertuples(index=False)] == EXPECTED
    text = "\n".join(
        p.text for p in Document(io.BytesIO(module_report(session, module_id=module_id, by="t"))).paragraphs
    )
    assert "No topics were suggested" not in text
    assert "CEDAW (asked 3 times)" in text and "Translation into Bahasa" in text


def test_without_suggestions_or_backlog_the_report_says_none_were_made(session: Session) -> None:
    module_id = _module(session, typed=False)
    session.query(Answer).delete()
    session.commit()
    text = "\n".join(
        p.text for p in Document(io.BytesIO(module_report(session, module_id=module_id, by="t"))).paragraphs
    )
    assert "No topics were suggested for the next module." in text

"""Comments without personal data for those who may not see it: viewers and the funder report.

Expected texts are written by hand; the person named is a real participant of the demo module's course.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from docx import Document
from sqlalchemy.engine import Engine

from programme.access.accounts import add_user
from programme.access.privacy import EMAIL, NAME, PHONE, PeopleToHide, redact
from programme.core.db import make_engine, session_scope
from programme.evaluations import queries as q
from programme.evaluations.summary import suggestions
from programme.models import (
    ActionItem,
    Answer,
    EvaluationForm,
    Module,
    Participation,
    Person,
    Question,
    QuestionKind,
    Response,
    TopicSuggestion,
    UserRole,
)
from programme.reports import module_report_content, render_module_report
from tests.apptest_support import run_page

PEOPLE = PeopleToHide.of(
    [
        ("Ana Tan", "Ana", "Tan", "+66812345678"),
        ("José Núñez García", "José", "Núñez García", None),
        ("Hope Mwangi", "Hope", "Mwangi", None),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hearing Ana Tan (ana.tan@example.org) was great", "Hearing [name] ([e-mail]) was great"),
        ("ANA TAN and jose nunez garcia spoke", "[name] and [name] spoke"),  # any case, any accents
        ("Tan, Ana led it; Núñez helped", "[name] led it; [name] helped"),  # written family name first
        ("Call her on 081 234 5678 or +44 20 7946 0958.", "Call her on [phone] or [phone]."),
        ("Her number: 0812345678", "Her number: [phone]"),
        ("Write to someone.else@ngo.example", "Write to [e-mail]"),
        ("I hope Hope comes back", "I hope [name] comes back"),  # the word stays, the name goes
        ("Tanzania and Anatomy", "Tanzania and Anatomy"),  # names only as whole words
        ("From 2019-2020 to 12.05.2024, 2019 2020 2021; 300 000 people", None),  # dates and counts stay
        ("Session 3 at 09:30, room 12", None),
    ],
)
def test_redact_replaces_names_e_mails_and_phones_and_nothing_else(text: str, expected: str | None) -> None:
    assert redact(text, PEOPLE) == (text if expected is None else expected)


def test_redact_without_people_still_hides_e_mails_and_phones_and_keeps_none() -> None:
    assert redact("Ana Tan, ana@x.org, +63 917 123 4567") == f"Ana Tan, {EMAIL}, {PHONE}"
    assert redact(None) is None and redact("") == ""


def _named_comments(engine: Engine) -> dict:
    """Add a response naming a participant of the module's course; return who and where."""
    with session_scope(engine) as session:
        question = session.scalars(
            sa.select(Question).where(Question.kind == QuestionKind.TEXT, Question.feeds_backlog.is_(False))
        ).first()
        backlog_question = session.scalars(
            sa.select(Question).where(Question.form_id == question.form_id, Question.feeds_backlog.is_(True))
        ).first()
        module_id = session.get(EvaluationForm, question.form_id).module_id
        course_id = session.get(Module, module_id).course_id
        person = session.scalars(
            sa.select(Person)
            .join(Participation, Participation.person_id == Person.id)
            .join(Module, Module.id == Participation.module_id)
            .where(Module.course_id == course_id)
            .order_by(Module.id == module_id, Person.id)  # someone of another module of the course, if any
        ).first()
        person.email = person.email or "someone@example.org"
        outsider = session.scalars(
            sa.select(Person)
            .where(~Person.id.in_(sa.select(Participation.person_id).join(Module).where(Module.course_id == course_id)))
            .order_by(Person.id)
        ).first()
        comment = f"Hearing {person.full_name} ({person.email}, +63 917 123 4567) helped; {outsider.full_name} too"
        response = Response(form_id=question.form_id)
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id=question.id, text=comment))
        if backlog_question is not None:
            session.add(
                Answer(response_id=response.id, question_id=backlog_question.id, text=f"More from {person.full_name}")
            )
        session.add(ActionItem(module_id=module_id, text=f"{person.full_name} sends the draft to {person.email}"))
        session.add(TopicSuggestion(module_id=module_id, text=f"Migrant workers: ask {person.full_name}"))
        return {
            "module_id": module_id,
            "name": person.full_name,
            "email": person.email,
            "outsider": outsider.full_name,
            "comment": comment,
            "question": question.text,
            "backlog": backlog_question is not None,
        }


def test_viewers_read_comments_without_the_names_of_the_course_s_people(demo_engine: Engine) -> None:
    named = _named_comments(demo_engine)
    with session_scope(demo_engine) as session:
        as_written = q.comments(session, module_id=named["module_id"], question=named["question"])
        hidden = q.comments(
            session, module_id=named["module_id"], question=named["question"], without_personal_data=True
        )
        searched = q.comments(session, module_id=named["module_id"], search=named["name"], without_personal_data=True)
        searched_all = q.comments(session, search="Hearing", without_personal_data=True)
        backlog = suggestions(session, named["module_id"], without_personal_data=True)
        backlog_written = suggestions(session, named["module_id"])
    assert named["comment"] in as_written["comment"].tolist()
    expected = f"Hearing {NAME} ({EMAIL}, {PHONE}) helped; {named['outsider']} too"  # outside the course: kept
    assert expected in hidden["comment"].tolist()
    assert len(hidden) == len(as_written)
    assert searched.empty  # a viewer's search looks in what they read
    assert expected in searched_all["comment"].tolist()
    if named["backlog"]:
        assert f"More from {NAME}" in backlog["text"].tolist()
        assert f"More from {named['name']}" in backlog_written["text"].tolist()
    text = " ".join(hidden["comment"]) + " ".join(backlog["text"])
    assert named["name"] not in text and named["email"] not in text


def test_the_module_report_for_funders_has_no_names_in_its_free_text(demo_engine: Engine) -> None:
    named = _named_comments(demo_engine)
    with session_scope(demo_engine) as session:
        content = module_report_content(session, named["module_id"])
    assert f"Migrant workers: ask {NAME}" in content.topics["topic"].tolist()
    assert f"{NAME} sends the draft to {EMAIL}" in [step.text for step in content.next_steps]
    document = Document(io.BytesIO(render_module_report(content)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert f"Migrant workers: ask {NAME}" in text
    assert named["email"] not in text


@pytest.fixture
def demo_app(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> dict:
    engine = make_engine(demo_sqlite_url)
    named = _named_comments(engine)
    with session_scope(engine) as session:
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return named


@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.FACILITATOR])
def test_the_comments_tab_hides_names_from_viewers_only(demo_app: dict, role: UserRole) -> None:
    app = run_page("pages/evaluations.py", role)
    app.session_state["evaluations_module"] = demo_app["module_id"]
    app.session_state["evaluations_tab"] = "Comments"
    app.run()
    assert not app.exception
    comments = next(frame.value for frame in app.dataframe if "comment" in frame.value.columns)
    shown = " ".join(comments["comment"])
    if role == UserRole.VIEWER:
        assert demo_app["name"] not in shown and demo_app["email"] not in shown
        assert f"Hearing {NAME} ({EMAIL}, {PHONE})" in shown
    else:
        assert demo_app["comment"] in comments["comment"].tolist()


def test_viewers_read_session_titles_and_questions_without_the_course_s_people(demo_engine: Engine) -> None:
    """Seen by the person responsible for data: a session titled "Testimony by <name>" showed a viewer that person's
    rating on the sessions chart, which the Facilitators tab hides by name; a question can name someone too."""
    from programme.models import AgendaSession
    from programme.summaries.evaluations import SESSIONS

    with session_scope(demo_engine) as session:
        module_id, session_id = session.execute(
            sa.select(SESSIONS.c.module_id, SESSIONS.c.session_id).order_by(SESSIONS.c.session_id).limit(1)
        ).one()
        module = session.get(Module, module_id)
        person = session.scalar(
            sa.select(Person)
            .join(Participation, Participation.person_id == Person.id)
            .join(Module, Module.id == Participation.module_id)
            .where(Module.course_id == module.course_id)
            .order_by(Person.id)
            .limit(1)
        )
        session.get(AgendaSession, session_id).title = f"Testimony by {person.full_name}"
        rated = session.scalar(
            sa.select(Question).join(EvaluationForm).where(EvaluationForm.module_id == module_id,
                                                         Question.kind == QuestionKind.RATING).limit(1)
        )  # fmt: skip
        rated.text = f"How useful was {person.full_name}'s testimony?"
        name = person.full_name
    with session_scope(demo_engine) as session:
        shown = q.session_ratings(session, module_id, with_facilitators=True)
        hidden = q.session_ratings(session, module_id, without_personal_data=True)
        questions = q.likert_counts(session, module_id)
        hidden_questions = q.likert_counts(session, module_id, without_personal_data=True)
    assert f"Testimony by {name}" in shown["session"].tolist()
    assert f"Testimony by {NAME}" in hidden["session"].tolist() and name not in " ".join(hidden["session"])
    assert hidden.drop(columns="session").equals(shown.drop(columns=["session", "facilitators"]))
    assert f"How useful was {name}'s testimony?" in questions["question"].tolist()
    assert name not in " ".join(hidden_questions["question"]) and len(hidden_questions) == len(questions)


def test_the_comments_tab_tells_viewers_which_names_it_hides(demo_app: dict) -> None:
    """The caption promised that "names" show as [name]; a name outside the course stays (as designed, and shown
    here), so the caption says whose names are hidden and that others stay."""
    app = run_page("pages/evaluations.py", UserRole.VIEWER)
    app.session_state["evaluations_module"] = demo_app["module_id"]
    app.session_state["evaluations_tab"] = "Comments"
    app.run()
    assert not app.exception
    shown = " ".join(next(frame.value for frame in app.dataframe if "comment" in frame.value.columns)["comment"])
    assert demo_app["outsider"] in shown
    caption = next(caption.value for caption in app.caption if "Open answers" in caption.value)
    assert "Names, e-mail addresses and phone numbers in them show as" not in caption
    assert "the names of the course's participants and facilitators" in caption and "other names" in caption

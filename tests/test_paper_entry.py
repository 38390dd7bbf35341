"""Paper entry while a colleague edits the form (evaluations/paper.py): an answer to a question removed meanwhile is
not saved and said so, one taken off or reworded is saved and said so, one changed in kind or scale refuses the save
naming it; the widget keys typed answers are read from."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.core.errors import ProgrammeError
from programme.evaluations import create_standard_form
from programme.evaluations import form_editing as editing
from programme.evaluations.forms import form_questions
from programme.evaluations.paper import changed_since, drawn_questions, save_paper_form, typed_answers
from programme.models import Answer, Response, UserRole
from tests.test_form_editing import SESSIONS, make_module

ANA = SignedIn(user_id=1, username="ana", role=UserRole.FACILITATOR)
RELEVANCE = "Overall relevance of the module to your work"


@pytest.fixture
def paper(session: Session) -> dict:
    """A module's standard form, as the paper-entry page drew it: {text: question id} and the drawn questions."""
    form_id = create_standard_form(session, module_id=make_module(session).id, by="ana").id
    questions = form_questions(session, form_id)
    return {"form": form_id, "ids": {q.text: int(q.id) for q in questions}, "drawn": drawn_questions(questions)}


def _stored(session: Session) -> dict[int, object]:
    rows = session.execute(sa.select(Answer.question_id, Answer.rating, Answer.text)).all()
    return {row.question_id: row.rating if row.text is None else row.text for row in rows}


def test_the_drawn_numbers_wordings_and_shapes_are_those_of_the_paper_form(session: Session, paper: dict) -> None:
    # Three sessions rated (the Evaluation session is not), then the five standard questions: numbered 1 to 8.
    drawn = paper["drawn"]
    assert [(d.number, d.shape) for d in drawn.values()] == [(n, "rating 1-5") for n in range(1, 7)] + [
        (7, "text 1-5"),
        (8, "text 1-5"),
    ]
    assert drawn[paper["ids"]["Logistics and venue"]].text == "Logistics and venue"


def test_typed_answers_are_read_from_the_widget_keys_old_and_new(paper: dict) -> None:
    ids = paper["ids"]
    relevance, useful = ids[RELEVANCE], ids["What was most useful?"]
    state = {
        f"q{relevance} rating 1-5~2": 4,  # typed before the colleague's change (the key of the 3rd blank form)
        f"q{relevance} rating 0-10": None,  # the new, blank widget
        f"q{useful} text 1-5": "The role play",
        "paper_person": None,
        "q12 rating": 3,  # not a paper answer's key
        "entry_module": 1,
    }
    assert typed_answers(state) == {relevance: ("rating 1-5", 4), useful: ("text 1-5", "The role play")}


def test_an_answer_to_a_question_removed_meanwhile_is_not_saved_and_said_so(session: Session, paper: dict) -> None:
    ids = paper["ids"]
    new = editing.add_form_question(session, form_id=paper["form"], text="How will you use it?", by=ANA)
    drawn = drawn_questions(form_questions(session, paper["form"]))  # the page drew the new question as number 9
    editing.remove_question(session, question_id=new.id, by=ANA)  # a colleague removes it (no answers yet)
    typed = {
        ids["Quality of facilitation"]: ("rating 1-5", 5),
        int(new.id): ("rating 1-5", 2),
        ids["What was most useful?"]: ("text 1-5", ""),
    }
    saved = save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn, by="ana")
    assert saved.notes == [
        "Question 9 (“How will you use it?”) was removed from the form while you typed: its answer was not saved."
    ]
    assert _stored(session) == {ids["Quality of facilitation"]: 5}


def test_only_answers_to_removed_questions_save_nothing_and_say_why(session: Session, paper: dict) -> None:
    first = editing.add_form_question(session, form_id=paper["form"], text="First new", by=ANA)
    second = editing.add_form_question(session, form_id=paper["form"], text="Second new", kind="text", by=ANA)
    drawn = drawn_questions(form_questions(session, paper["form"]))
    editing.remove_question(session, question_id=first.id, by=ANA)
    editing.remove_question(session, question_id=second.id, by=ANA)
    typed = {int(first.id): ("rating 1-5", 3), int(second.id): ("text 1-5", "Yes")}
    with pytest.raises(ProgrammeError) as refused:
        save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn)
    assert str(refused.value) == (
        "Question 9 (“First new”) and question 10 (“Second new”) were removed from the form while you typed: their "
        "answers were not saved. Nothing else was typed, so nothing was saved."
    )
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_a_question_changed_in_scale_or_kind_refuses_the_save_naming_it(session: Session, paper: dict) -> None:
    ids, drawn = paper["ids"], paper["drawn"]
    editing.set_question(session, question_id=ids[RELEVANCE], scale=(0, 10), by=ANA)
    editing.set_question(session, question_id=ids["Logistics and venue"], kind="text", by=ANA)
    typed = {
        ids[RELEVANCE]: ("rating 1-5", 4),
        ids["Logistics and venue"]: ("rating 1-5", 2),
        ids["Quality of facilitation"]: ("rating 1-5", 5),
    }
    with pytest.raises(ProgrammeError) as refused:
        save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn)
    assert str(refused.value) == (
        f"Changed while you typed: question 4 (“{RELEVANCE}”) is now a rating from 0 to 10 and question 6 "
        "(“Logistics and venue”) is now an open question. The answers typed to them before the change were not "
        "saved, and nothing is saved yet: type them again as the form now asks (or leave them blank), then save."
    )
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    # Typed again (or left blank) on the new widgets: saved.
    typed[ids[RELEVANCE]] = ("rating 0-10", 8)
    typed[ids["Logistics and venue"]] = ("text 1-5", "")
    assert save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn).notes == []
    assert _stored(session) == {ids[RELEVANCE]: 8, ids["Quality of facilitation"]: 5}


def test_answers_to_questions_taken_off_or_reworded_meanwhile_are_saved_and_said_so(
    session: Session, paper: dict
) -> None:
    ids, drawn = paper["ids"], paper["drawn"]
    editing.set_asked(session, question_id=ids["Logistics and venue"], asked=False, by=ANA)
    editing.reword_question(session, question_id=ids["Quality of facilitation"], text="How well was it led?", by=ANA)
    typed = {ids["Logistics and venue"]: ("rating 1-5", 3), ids["Quality of facilitation"]: ("rating 1-5", 4)}
    saved = save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn)
    assert saved.notes == [
        "Question 6 (“Logistics and venue”) was taken off the form while you typed: its answer was saved all the "
        "same, as its earlier answers are kept.",
        "Question 5 (“Quality of facilitation”) was reworded while you typed: its answer was saved to it as it now "
        "reads, “How well was it led?”.",
    ]
    assert _stored(session) == {ids["Logistics and venue"]: 3, ids["Quality of facilitation"]: 4}


def test_a_question_taken_off_and_changed_meanwhile_is_not_saved_and_the_rest_is(session: Session, paper: dict) -> None:
    ids, drawn = paper["ids"], paper["drawn"]
    editing.set_question(session, question_id=ids[RELEVANCE], scale=(0, 10), by=ANA)
    editing.set_asked(session, question_id=ids[RELEVANCE], asked=False, by=ANA)
    typed = {ids[RELEVANCE]: ("rating 1-5", 4), ids["What was most useful?"]: ("text 1-5", "The role play")}
    saved = save_paper_form(session, form_id=paper["form"], typed=typed, drawn=drawn)
    assert saved.notes == [
        f"Question 4 (“{RELEVANCE}”) was taken off the form and changed to a rating from 0 to 10 while you typed: "
        "its answer was not saved."
    ]
    assert _stored(session) == {ids["What was most useful?"]: "The role play"}


def test_an_answer_to_another_form_s_question_is_refused(session: Session, paper: dict) -> None:
    other = create_standard_form(session, module_id=make_module(session, 2, SESSIONS[:1]).id).id
    foreign = int(form_questions(session, other)[0].id)
    with pytest.raises(ProgrammeError, match="not on this form"):
        save_paper_form(session, form_id=paper["form"], typed={foreign: ("rating 1-5", 3)}, drawn=paper["drawn"])


def test_the_questions_changed_since_the_page_drew_them_are_named(session: Session, paper: dict) -> None:
    ids, drawn = paper["ids"], paper["drawn"]
    assert changed_since(drawn, form_questions(session, paper["form"])) == []
    new = editing.add_form_question(session, form_id=paper["form"], text="How will you use it?", by=ANA)
    drawn = drawn_questions(form_questions(session, paper["form"]))
    editing.remove_question(session, question_id=new.id, by=ANA)
    editing.set_asked(session, question_id=ids["Logistics and venue"], asked=False, by=ANA)
    editing.set_question(session, question_id=ids[RELEVANCE], scale=(0, 10), by=ANA)
    editing.reword_question(session, question_id=ids["Quality of facilitation"], text="How well was it led?", by=ANA)
    assert changed_since(drawn, form_questions(session, paper["form"])) == [
        f"Question 4 (“{RELEVANCE}”) was changed to a rating from 0 to 10 while this page was open: an answer typed "
        "to it before was cleared; type it again as the form now asks.",
        "Question 6 (“Logistics and venue”) was taken off the form while this page was open: an answer typed to it "
        "is no longer on the page and will not be saved.",
        "Question 9 (“How will you use it?”) was removed from the form while this page was open: an answer typed to "
        "it is no longer on the page and will not be saved.",
    ]

"""Editing a module's evaluation form (programme/evaluations/form_editing.py), on SQLite and PostgreSQL: questions
added, reworded, moved, taken off and removed, their kind, scale, topic backlog and session set, an earlier module's
form copied; a question with answers never loses them or changes what they mean, a colleague's change is never
overwritten unseen, and the paper-entry form, the online form and the summaries follow every edit."""

from __future__ import annotations

import json
from datetime import date, time

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access.accounts import SignedIn
from programme.core.edits import GridConflict
from programme.core.errors import PermissionDenied, ProgrammeError
from programme.evaluations import (
    add_paper_response,
    create_standard_form,
    form_copy,
    import_evaluations,
    module_summary,
)
from programme.evaluations import form_editing as editing
from programme.evaluations.forms import (
    SESSION_QUESTION,
    STANDARD_QUESTIONS,
    form_questions,
    module_form,
    questions_table,
)
from programme.evaluations.queries import session_ratings
from programme.evaluations.summary import suggestions
from programme.models import (
    AgendaSession,
    Answer,
    AuditEntry,
    Course,
    EvaluationForm,
    Method,
    Module,
    Question,
    UserRole,
)
from programme.selfservice.evaluation import submit_evaluation
from programme.selfservice.links import open_form, public_form

ANA = SignedIn(user_id=1, username="ana", role=UserRole.FACILITATOR)
BEA = SignedIn(user_id=2, username="bea", role=UserRole.ADMIN)
VIEWER = SignedIn(user_id=3, username="vic", role=UserRole.VIEWER)
SESSIONS = ["CEDAW and migrant women", "Lobbying for rights", "Role play: the embassy visit", "Evaluation"]
NEW = "How will you use what you learned in your work?"


def make_module(session: Session, number: int = 1, titles: list[str] = SESSIONS, code: str = "FE1") -> Module:
    course = session.scalar(sa.select(Course).where(Course.code == code))
    if course is None:
        course = Course(code=code, title="Form editing course", start_year=2024)
        session.add(course)
        session.flush()
    module = Module(course_id=course.id, number=number, title=f"Module {number}", start_date=date(2024, number, 2),
                    end_date=date(2024, number, 4), city="Kuala Lumpur")  # fmt: skip
    session.add(module)
    session.flush()
    for index, title in enumerate(titles):
        method = Method.EVALUATION if title == "Evaluation" else Method.PRESENTATION
        session.add(AgendaSession(module_id=module.id, day=1, start_time=time(9 + index), end_time=time(10 + index),
                                  title=title, method=method, position=index))  # fmt: skip
    session.flush()
    return module


def logistics_module(session: Session, form_id: int) -> int:
    return session.get(EvaluationForm, form_id).module_id


def texts(session: Session, form_id: int) -> list[str]:
    return [q.text for q in form_questions(session, form_id)]


def by_text(session: Session, form_id: int) -> dict[str, Question]:
    return {q.text: q for q in form_questions(session, form_id)}


def no_summary_differences(session: Session) -> None:
    summaries.settle(session)
    assert summaries.check(session) == {name: [] for name in summaries.registered()}


@pytest.fixture
def form(session: Session) -> int:
    """A module with four agenda sessions (the last the evaluation itself) and its standard form, no answers."""
    module = make_module(session)
    form_id = create_standard_form(session, module_id=module.id, by="ana").id
    session.commit()
    return form_id


def standard_texts() -> list[str]:
    rated = [SESSION_QUESTION.format(title=title) for title in SESSIONS if title != "Evaluation"]
    return rated + [text for text, _kind, _feeds in STANDARD_QUESTIONS]


def test_questions_are_added_reworded_moved_and_removed_in_order_and_audited(session: Session, form: int) -> None:
    expected = standard_texts()
    assert texts(session, form) == expected
    added = editing.add_form_question(session, form_id=form, text=NEW, kind="text", by=ANA, position=4)
    session.commit()
    expected.insert(3, NEW)  # before the question that held number 4
    assert texts(session, form) == expected and added.kind == "text" and added.asked
    logistics = by_text(session, form)["Logistics and venue"]
    editing.reword_question(session, question_id=logistics.id, text="  Venue,  meals and travel ", by=ANA)
    session.commit()
    expected[expected.index("Logistics and venue")] = "Venue, meals and travel"
    assert texts(session, form) == expected
    assert logistics.earlier_texts is None  # no answers: nothing was given to the old wording
    # Moved up: it takes the place of the question numbered 1. Moved down: it takes number 6's place, after it.
    editing.move_question(session, question_id=added.id, position=1, by=ANA)
    session.commit()
    expected.remove(NEW)
    expected.insert(0, NEW)
    assert texts(session, form) == expected
    first_session = by_text(session, form)[expected[1]]
    editing.move_question(session, question_id=first_session.id, position=6, by=ANA)
    session.commit()
    moved = expected.pop(1)
    expected.insert(5, moved)
    assert texts(session, form) == expected
    assert [q.position for q in form_questions(session, form)] == list(range(1, len(expected) + 1))
    quality = by_text(session, form)["Quality of facilitation"]
    editing.remove_question(session, question_id=quality.id, by=ANA)
    session.commit()
    expected.remove("Quality of facilitation")
    assert texts(session, form) == expected
    entries = session.execute(
        sa.select(AuditEntry.action, AuditEntry.entity, AuditEntry.username, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.entity.in_(["evaluation_question", "evaluation_form"]), AuditEntry.username.is_not(None))
        .where(AuditEntry.username == "ana", AuditEntry.action != "create")
        .order_by(AuditEntry.id)
    ).all()
    reworded = next(e for e in entries if e.entity == "evaluation_question" and e.after and "meals" in e.after)
    assert json.loads(reworded.before) == {"text": "Logistics and venue"}
    assert json.loads(reworded.after) == {"text": "Venue, meals and travel"}
    assert ("delete", "evaluation_question") in {(e.action, e.entity) for e in entries}
    assert sum(1 for e in entries if (e.action, e.entity) == ("update", "evaluation_form")) == 5
    created = session.scalar(
        sa.select(AuditEntry.after).where(AuditEntry.entity == "evaluation_question", AuditEntry.action == "create")
    )
    assert json.loads(created)["text"] == NEW
    no_summary_differences(session)


def _answer(session: Session, form_id: int, answers: dict[str, object]) -> None:
    found = by_text(session, form_id)
    add_paper_response(session, form_id=form_id, answers={found[t].id: v for t, v in answers.items()}, by="t")
    session.commit()


def test_a_question_with_answers_is_neither_removed_nor_changed_in_kind_or_scale(session: Session, form: int) -> None:
    _answer(session, form, {"Logistics and venue": 4, "What was most useful?": "The role play"})
    _answer(session, form, {"Logistics and venue": 2})
    logistics, useful = by_text(session, form)["Logistics and venue"], by_text(session, form)["What was most useful?"]
    module_id = session.get(EvaluationForm, form).module_id
    before = module_summary(session, module_id)
    with pytest.raises(ProgrammeError, match=r"has 2 answers: removing it would delete them.*untick “Asked”"):
        editing.remove_question(session, question_id=logistics.id, by=ANA)
    session.rollback()
    with pytest.raises(ProgrammeError, match="has 1 answer given as an open question: it cannot become a rating"):
        editing.set_question(session, question_id=useful.id, kind="rating", by=ANA)
    session.rollback()
    with pytest.raises(ProgrammeError, match="given as a rating from 1 to 5: it cannot become a rating from 0 to 10"):
        editing.set_question(session, question_id=logistics.id, scale=(0, 10), by=ANA)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3
    assert (logistics.kind, logistics.scale_min, logistics.scale_max) == ("rating", 1, 5)
    # Taken off the form instead: no longer asked, its answers and every figure as they were.
    editing.set_asked(session, question_id=logistics.id, asked=False, by=ANA)
    session.commit()
    assert module_summary(session, module_id) == before
    logistics_row = next(
        q for q in module_summary(session, module_id)["questions"] if q["text"] == "Logistics and venue"
    )
    assert (logistics_row["n"], logistics_row["mean"]) == (2, (4 + 2) / 2)
    assert "Logistics and venue" not in questions_table(session, form, asked_only=True)["text"].tolist()
    assert "Logistics and venue" in questions_table(session, form)["text"].tolist()
    no_summary_differences(session)
    # Without answers, a question's kind and scale may change.
    relevance = by_text(session, form)["Overall relevance of the module to your work"]
    editing.set_question(session, question_id=relevance.id, scale=(0, 10), by=ANA)
    session.commit()
    assert (relevance.scale_min, relevance.scale_max) == (0, 10)


def test_rewording_a_question_with_answers_is_confirmed_and_keeps_the_wording_they_were_given_to(
    session: Session, form: int
) -> None:
    _answer(session, form, {"Logistics and venue": 5})
    _answer(session, form, {"Logistics and venue": 3})
    logistics = by_text(session, form)["Logistics and venue"]
    with pytest.raises(ProgrammeError, match="confirm first.*has 2 answers, given to its present wording"):
        editing.reword_question(session, question_id=logistics.id, text="Venue and meals", by=ANA)
    session.rollback()
    assert logistics.text == "Logistics and venue"
    editing.reword_question(session, question_id=logistics.id, text="Venue and meals", by=ANA, confirmed=True)
    session.commit()
    assert logistics.text == "Venue and meals" and editing.earlier_texts(logistics) == ["Logistics and venue"]
    row = next(q for q in module_summary(session, logistics_module(session, form))["questions"]
               if q["text"] == "Venue and meals")  # fmt: skip
    assert (row["n"], row["mean"]) == (2, 4.0)
    assert editing.editor_table(session, form).set_index("text").loc["Venue and meals", "earlier"] == (
        "“Logistics and venue”"
    )
    # A later export of the same survey still names the column by the old wording: its answers join this question.
    export = b"_uuid,Logistics and venue\nr1,4\n"
    result = import_evaluations(
        session, data=export, filename="later.csv", module_id=logistics_module(session, form), by="t"
    )
    session.commit()
    assert result.questions_added == 0
    assert sorted(a.rating for a in session.scalars(sa.select(Answer).where(Answer.question_id == logistics.id))) == [
        3,
        4,
        5,
    ]
    no_summary_differences(session)


def test_a_reworded_question_s_figures_name_the_wordings_its_answers_were_given_to(session: Session, form: int) -> None:
    """The dashboard's Likert chart (marked, with the earlier wording in its hover and the note under it), the module
    report and the summary workbook name a reworded question's earlier wordings beside its figures; for viewers and
    funders without the names of the course's people, as its present wording."""
    from programme.charts.evaluations import REWORDED_MARK, likert_charts, reworded_note
    from programme.evaluations.queries import likert_counts, question_ratings
    from programme.models import Participation, Person
    from programme.reports.content import evaluation_summary
    from programme.reports.summary_workbook import evaluation_table

    module_id = logistics_module(session, form)
    maria = Person(full_name="Maria Santos", name_key="maria santos")
    session.add(maria)
    session.flush()
    session.add(Participation(person_id=maria.id, module_id=module_id))
    session.commit()
    logistics = by_text(session, form)["Logistics and venue"]
    editing.reword_question(session, question_id=logistics.id, text="Maria Santos's venue", by=ANA)
    session.commit()  # no answers yet: the first wording was never asked of anyone
    _answer(session, form, {"Maria Santos's venue": 5, "Quality of facilitation": 4})
    editing.reword_question(session, question_id=logistics.id, text="Venue and meals", by=ANA, confirmed=True)
    editing.reword_question(session, question_id=logistics.id, text="Venue, meals and travel", by=ANA, confirmed=True)
    session.commit()
    _answer(session, form, {"Venue, meals and travel": 3})

    counts = likert_counts(session, module_id)
    earlier = dict(zip(counts["question"], counts["earlier"], strict=True))
    assert earlier["Venue, meals and travel"] == "“Maria Santos's venue”; “Venue and meals”"
    assert earlier["Quality of facilitation"] is None
    [chart] = likert_charts(counts)
    labels = list(chart.data[0].y)
    assert [label.split("  ")[0] for label in labels] == [
        "Quality of facilitation",
        f"Venue, meals and travel{REWORDED_MARK}",
    ]
    assert chart.data[0].customdata[1][2] == "<br>Reworded; formerly: “Maria Santos's venue”; “Venue and meals”"
    assert reworded_note(counts) == (
        "† Reworded after answers were given: “Venue, meals and travel” (formerly: “Maria Santos's venue”; “Venue and "
        "meals”). Its figures count the answers given to every wording."
    )
    hidden = likert_counts(session, module_id, without_personal_data=True)
    assert set(hidden["earlier"].dropna()) == {"“[name]'s venue”; “Venue and meals”"}

    report, _responses = evaluation_summary(session, module_id)
    assert report["question"].tolist() == [
        "Quality of facilitation",
        "Venue, meals and travel (formerly: “Maria Santos's venue”; “Venue and meals”)",
    ]
    assert report["responses"].tolist() == [1, 2]
    workbook = evaluation_table(question_ratings(session))
    assert "Venue, meals and travel (formerly: “[name]'s venue”; “Venue and meals”)" in workbook["question"].tolist()
    # Reworded back to its first wording: that wording is its present one, no longer an earlier one.
    editing.reword_question(session, question_id=logistics.id, text="Maria Santos's venue", by=ANA, confirmed=True)
    session.commit()
    row = next(q for q in module_summary(session, module_id)["questions"] if q["text"] == "Maria Santos's venue")
    assert row["earlier"] == ["Venue and meals", "Venue, meals and travel"]


def test_tying_an_answered_question_to_another_session_is_confirmed_and_moves_its_ratings(
    session: Session, form: int
) -> None:
    cedaw = by_text(session, form)[SESSION_QUESTION.format(title=SESSIONS[0])]
    _answer(session, form, {cedaw.text: 5})
    _answer(session, form, {cedaw.text: 3})
    sessions = {s.title: s.id for s in session.scalars(sa.select(AgendaSession))}
    ratings = session_ratings(session, logistics_module(session, form)).set_index("session")["n"].to_dict()
    assert ratings == {SESSIONS[0]: 2}
    with pytest.raises(ProgrammeError, match="move from the figures of “CEDAW and migrant women” and its facilitators"):
        editing.link_session(session, question_id=cedaw.id, session_id=sessions[SESSIONS[1]], by=ANA)
    session.rollback()
    editing.link_session(session, question_id=cedaw.id, session_id=sessions[SESSIONS[1]], by=ANA, confirmed=True)
    session.commit()
    moved = session_ratings(session, logistics_module(session, form)).set_index("session")
    assert moved["n"].to_dict() == {SESSIONS[1]: 2} and moved.loc[SESSIONS[1], "mean"] == (5 + 3) / 2
    no_summary_differences(session)


def test_feeding_the_topic_backlog_is_an_open_question_s_and_moves_its_answers_there(
    session: Session, form: int
) -> None:
    _answer(session, form, {"What was most useful?": "Recruitment reform; CEDAW"})
    useful, logistics = by_text(session, form)["What was most useful?"], by_text(session, form)["Logistics and venue"]
    assert suggestions(session, logistics_module(session, form)).empty
    editing.set_question(session, question_id=useful.id, feeds_backlog=True, by=ANA)
    session.commit()
    assert sorted(suggestions(session, logistics_module(session, form))["text"]) == ["CEDAW", "Recruitment reform"]
    with pytest.raises(ProgrammeError, match="only an open \\(text\\) question feeds the topic backlog"):
        editing.set_question(session, question_id=logistics.id, feeds_backlog=True, by=ANA)


def test_a_grid_save_keeps_a_colleague_s_change_and_refuses_one_that_clashes_naming_them(
    session: Session, form: int
) -> None:
    opened = editing.editor_table(session, form)  # Ana's grid, as drawn
    bea_grid = opened.copy()
    bea_grid.loc[bea_grid["text"] == "Logistics and venue", "text"] = "Logistics, venue and meals"
    editing.save_questions(session, form_id=form, frame=bea_grid, opened=opened, by=BEA)
    session.commit()
    # Ana rewords the same question otherwise: refused, naming Bea and what is saved now; nothing of hers is saved.
    ana_grid = opened.copy()
    ana_grid.loc[ana_grid["text"] == "Logistics and venue", "text"] = "Logistics"
    ana_grid.loc[ana_grid["text"] == "Quality of facilitation", "text"] = "Quality of the facilitators"
    with pytest.raises(GridConflict, match="bea saved question 6 .*“Logistics, venue and meals”"):
        editing.save_questions(session, form_id=form, frame=ana_grid, opened=opened, by=ANA)
    session.rollback()
    assert "Quality of facilitation" in texts(session, form)
    # Ana's change to another question, and a new one, keep Bea's.
    ana_grid = opened.copy()
    ana_grid.loc[ana_grid["text"] == "Quality of facilitation", "text"] = "Quality of the facilitators"
    ana_grid = pd.concat([ana_grid, pd.DataFrame([{"text": NEW, "kind": "text"}])], ignore_index=True)
    result = editing.save_questions(session, form_id=form, frame=ana_grid, opened=opened, by=ANA)
    session.commit()
    assert (result.added, result.changed) == (1, 1)
    expected = standard_texts()
    expected[expected.index("Logistics and venue")] = "Logistics, venue and meals"
    expected[expected.index("Quality of facilitation")] = "Quality of the facilitators"
    assert texts(session, form) == [*expected, NEW]


def test_the_review_says_what_a_grid_would_do_before_it_is_saved(session: Session, form: int) -> None:
    _answer(session, form, {"Logistics and venue": 4})
    grid = editing.editor_table(session, form)
    grid.loc[grid["text"] == "Logistics and venue", "text"] = "Venue"
    grid = grid[grid["text"] != "Quality of facilitation"]
    grid.loc[grid["text"] == "What was most useful?", "position"] = 1
    review = editing.review_questions(session, form_id=form, frame=grid)
    logistics = by_text(session, form)["Logistics and venue"]
    assert review.problems == [] and list(review.to_confirm) == [logistics.id]
    assert (review.changed, review.removed, review.reordered) == (1, 1, True)
    with pytest.raises(ProgrammeError, match="confirm first"):
        editing.save_questions(session, form_id=form, frame=grid, by=ANA)
    session.rollback()
    bad = editing.editor_table(session, form)
    bad.loc[0, "text"] = ""
    bad.loc[1, "session"] = "Day 9, 09:00 · Nowhere"
    bad.loc[2, "feeds_backlog"] = True
    problems = editing.review_questions(session, form_id=form, frame=bad).problems
    named = [f"Question {n} (“{SESSION_QUESTION.format(title=SESSIONS[n - 1])}”)" for n in (1, 2, 3)]
    assert sorted(problems) == sorted([
        f"{named[0]}: a question needs some text.",
        f"{named[1]}: “Day 9, 09:00 · Nowhere” is not a session on this module's agenda.",
        f"{named[2]}: only an open (text) question feeds the topic backlog; a rating's answers are numbers.",
    ])  # fmt: skip


def test_a_cell_that_cannot_be_read_is_a_problem_and_its_question_is_not_taken_for_removed(
    session: Session, form: int
) -> None:
    grid = editing.editor_table(session, form)
    grid.loc[3, "kind"] = "multiple choice"
    grid.loc[4, "scale"] = "1-7"
    review = editing.review_questions(session, form_id=form, frame=grid)
    assert review.problems == [
        "Question 4 (“Overall relevance of the module to your work”): its kind is “rating” or “text”, not "
        "“multiple choice”.",
        "Question 5 (“Quality of facilitation”): a rating is on a scale from 1 to 5 or from 0 to 10, not “1-7”.",
    ]
    assert (review.removed, review.changes) == (0, [])


def test_two_sessions_that_read_alike_are_two_choices(session: Session, form: int) -> None:
    module_id = logistics_module(session, form)
    for _ in range(2):
        session.add(
            AgendaSession(module_id=module_id, day=2, start_time=time(9), end_time=time(10), title="Group work")
        )
    session.commit()
    choices = editing.session_choices(session, module_id)
    assert [label for label in choices if "Group work" in label] == [
        "Day 2, 09:00 · Group work",
        "Day 2, 09:00 · Group work (2)",
    ]
    assert len(set(choices.values())) == len(choices) == len(SESSIONS) + 2


def test_viewers_cannot_edit_a_form(session: Session, form: int) -> None:
    question = form_questions(session, form)[0]
    calls = [
        lambda: editing.add_form_question(session, form_id=form, text=NEW, by=VIEWER),
        lambda: editing.reword_question(session, question_id=question.id, text="x", by=VIEWER),
        lambda: editing.move_question(session, question_id=question.id, position=2, by=VIEWER),
        lambda: editing.remove_question(session, question_id=question.id, by=VIEWER),
        lambda: editing.set_asked(session, question_id=question.id, asked=False, by=VIEWER),
        lambda: editing.save_questions(session, form_id=form, frame=editing.editor_table(session, form), by=VIEWER),
        lambda: form_copy.copy_form(session, module_id=2, from_module_id=1, by=VIEWER, expect_form_id=form),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="Only facilitators and administrators"):
            call()
    assert texts(session, form) == standard_texts()


def test_a_session_added_to_the_agenda_gets_its_question_after_the_other_session_questions(
    session: Session, form: int
) -> None:
    module_id = logistics_module(session, form)
    session.add(AgendaSession(module_id=module_id, day=2, start_time=time(9), end_time=time(10),
                              title="Working with media"))  # fmt: skip
    session.add(AgendaSession(module_id=module_id, day=2, start_time=time(10), end_time=time(11), title="Lunch",
                              method="meal"))  # fmt: skip
    session.commit()
    assert [s.title for s in editing.sessions_without_question(session, form)] == ["Working with media"]
    assert editing.add_session_questions(session, form_id=form, by=ANA) == ["Working with media"]
    session.commit()
    expected = standard_texts()
    expected.insert(3, SESSION_QUESTION.format(title="Working with media"))
    assert texts(session, form) == expected
    assert editing.sessions_without_question(session, form) == []


def test_an_earlier_module_s_form_is_copied_with_its_session_questions_tied_by_title(session: Session) -> None:
    earlier = make_module(session, 1)
    form_id = create_standard_form(session, module_id=earlier.id, by="t").id
    editing.add_form_question(session, form_id=form_id, text=NEW, kind="text", by=ANA)
    lobbying = by_text(session, form_id)[SESSION_QUESTION.format(title=SESSIONS[1])]
    editing.reword_question(session, question_id=lobbying.id, text="What did you learn about lobbying?", by=ANA)
    editing.set_asked(session, question_id=by_text(session, form_id)["Logistics and venue"].id, asked=False, by=ANA)
    # The next module: CEDAW written otherwise, no lobbying session, a new one.
    later = make_module(session, 2, ["Cedaw and  migrant WOMEN", "Role play: the embassy visit", "GCM update"])
    session.commit()
    plan = form_copy.plan_copy(session, module_id=later.id, from_module_id=earlier.id)
    assert [text for text, _ in plan.linked] == [SESSION_QUESTION.format(title="Cedaw and  migrant WOMEN"),
                                                 SESSION_QUESTION.format(title=SESSIONS[2])]  # fmt: skip
    assert plan.not_linked == [("What did you learn about lobbying?", SESSIONS[1])]
    assert plan.not_asked == ["Logistics and venue"] and plan.sessions_left == ["GCM update"]
    assert plan.left_out().values.tolist() == [
        ["What did you learn about lobbying?", f"no session “{SESSIONS[1]}” on this module's agenda"],
        ["Logistics and venue", "taken off the earlier form"],
    ]
    assert plan.sentences()[1:] == [
        "Not copied: 1 question whose session is not on this module's agenda (no session of the same title); "
        "1 question taken off the earlier form.",
        "1 session of this module's agenda no copied question is about: “GCM update” (add their questions once "
        "copied).",
    ]
    assert module_form(session, later.id) is None  # planning wrote nothing
    form_copy.copy_form(session, module_id=later.id, from_module_id=earlier.id, by=ANA, expect_form_id=None)
    session.commit()
    copied = editing.editor_table(session, form_id + 1)
    expected = [
        SESSION_QUESTION.format(title="Cedaw and  migrant WOMEN"),
        SESSION_QUESTION.format(title=SESSIONS[2]),
        *(text for text, _kind, _feeds in STANDARD_QUESTIONS if text != "Logistics and venue"),
        NEW,
    ]
    assert copied["text"].tolist() == expected
    later_sessions = {
        s.title: s.id for s in session.scalars(sa.select(AgendaSession).where(AgendaSession.module_id == later.id))
    }
    tied = {q.text: q.session_id for q in form_questions(session, form_id + 1) if q.session_id is not None}
    assert tied == {expected[0]: later_sessions["Cedaw and  migrant WOMEN"], expected[1]: later_sessions[SESSIONS[2]]}
    suggestions_question = by_text(session, form_id + 1)["Suggestions for the next module"]
    assert suggestions_question.feeds_backlog and by_text(session, form_id + 1)[NEW].kind == "text"
    # Again: everything is on the form already; a colleague's form made meanwhile is not copied over.
    with pytest.raises(ProgrammeError, match="Nothing to copy.*already on this module's form"):
        form_copy.copy_form(session, module_id=later.id, from_module_id=earlier.id, by=ANA, expect_form_id=form_id + 1)
    session.rollback()
    third = make_module(session, 3, SESSIONS)
    create_standard_form(session, module_id=third.id, by="bea")
    session.commit()
    with pytest.raises(ProgrammeError, match="bea made this module's evaluation form while you were choosing"):
        form_copy.copy_form(session, module_id=third.id, from_module_id=earlier.id, by=ANA, expect_form_id=None)
    session.rollback()
    assert form_copy.copy_sources(session, later.id) == {
        third.id: "FE1 · Module 3 · Mar 2024, Kuala Lumpur",
        earlier.id: "FE1 · Module 1 · Jan 2024, Kuala Lumpur",
    }
    no_summary_differences(session)


def test_a_form_whose_questions_are_all_taken_off_opens_no_online_link(session: Session, form: int) -> None:
    for question in form_questions(session, form):
        editing.set_asked(session, question_id=question.id, asked=False, by=ANA)
    session.commit()
    with pytest.raises(ProgrammeError, match="asks no question yet: add its questions under Forms and entry"):
        open_form(session, module_id=logistics_module(session, form), kind="evaluation")


def test_the_online_form_asks_the_edited_questions_and_takes_answers_to_a_removed_one(
    session: Session, form: int
) -> None:
    token = open_form(session, module_id=logistics_module(session, form), kind="evaluation").token
    session.commit()
    questions = by_text(session, form)
    cedaw, lobbying = (questions[SESSION_QUESTION.format(title=t)] for t in SESSIONS[:2])
    editing.reword_question(session, question_id=cedaw.id, text="How much did you learn about CEDAW?", by=ANA)
    editing.set_asked(session, question_id=questions["Logistics and venue"].id, asked=False, by=ANA)
    session.commit()
    shown = {q[0]: q for q in public_form(session, token).questions}
    assert questions["Logistics and venue"].id not in shown
    # A reworded session question is asked as written; the standard one in the form's language (its session's title).
    assert shown[cedaw.id][2:4] == ("How much did you learn about CEDAW?", None)
    assert shown[lobbying.id][3] == SESSIONS[1]
    # A participant's page drawn before a question was removed: the other answers are stored.
    relevance = questions["Overall relevance of the module to your work"]
    editing.remove_question(session, question_id=relevance.id, by=ANA)
    session.commit()
    submit_evaluation(session, token, {relevance.id: 4, lobbying.id: 5}, browser="b1", client=None)
    session.commit()
    assert session.execute(sa.select(Answer.question_id, Answer.rating)).all() == [(lobbying.id, 5)]
    no_summary_differences(session)


def test_the_dashboards_figures_hold_after_the_demo_s_form_is_edited(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """The benchmark's module (the newest evaluated one but a first module): its answered questions reworded, taken
    off and tied to another session, a question added, moved and answered, one removed, another module's form copied;
    every dashboard query still equals its bare SQL, and every summary its raw rows."""
    from benchmarks import dashboards

    subject = dashboards.pick_subject(demo_engine)
    with Session(demo_engine, expire_on_commit=False) as session:
        form = module_form(session, subject.module_id)
        answers = editing.answer_counts(session, form.id)
        questions = form_questions(session, form.id)
        rated = [q for q in questions if q.kind == "rating" and q.session_id is not None and answers.get(q.id)]
        opened = [q for q in questions if q.kind == "text" and answers.get(q.id) and not q.feeds_backlog]
        first, second = rated[0], rated[1]
        added: list[Question] = []
        steps = [
            lambda: editing.reword_question(session, question_id=first.id, text="How much did you learn?", by=ANA,
                                            confirmed=True),
            lambda: editing.link_session(session, question_id=first.id, session_id=second.session_id, by=ANA,
                                         confirmed=True),
            lambda: editing.link_session(session, question_id=second.id, session_id=None, by=ANA, confirmed=True),
            lambda: editing.set_asked(session, question_id=rated[2].id, asked=False, by=ANA),
            lambda: editing.set_question(session, question_id=opened[0].id, feeds_backlog=True, by=ANA),
            lambda: added.append(editing.add_form_question(session, form_id=form.id, text=NEW, scale=(0, 10), by=ANA)),
            lambda: editing.move_question(session, question_id=added[0].id, position=1, by=ANA),
            lambda: add_paper_response(session, form_id=form.id, answers={added[0].id: 9, first.id: 2}, by="ana"),
            lambda: editing.remove_question(
                session, question_id=editing.add_form_question(session, form_id=form.id, text="Spare", by=ANA).id,
                by=ANA,
            ),
            lambda: form_copy.copy_form(session, module_id=make_module(session, 1, SESSIONS).id,
                                      from_module_id=subject.module_id, by=ANA, expect_form_id=None),
        ]  # fmt: skip
        for step in steps:  # each in its own transaction, the summaries checked after it
            step()
            session.commit()
            no_summary_differences(session)
        assert texts(session, form.id)[0] == NEW
    assert dashboards.check(demo_engine) == []


def test_an_agenda_save_leaves_a_question_untied_in_the_editor_untied_and_its_ratings_out_of_the_session(
    session: Session, form: int
) -> None:
    """The question editor unties an answered session question; the next agenda save (which ties questions naming a
    session to it) leaves it untied: its ratings stay out of that session's figures."""
    from programme.planning.agenda import agenda_table, save_agenda_frame, saved_sentence

    cedaw = by_text(session, form)[SESSION_QUESTION.format(title=SESSIONS[0])]
    _answer(session, form, {cedaw.text: 4})
    module_id = logistics_module(session, form)
    editing.link_session(session, question_id=cedaw.id, session_id=None, by=ANA, confirmed=True)
    session.commit()
    assert SESSIONS[0] not in set(session_ratings(session, module_id)["session"])
    table = agenda_table(session, module_id)
    table.loc[table["title"] == SESSIONS[1], "room"] = "Room B"
    result = save_agenda_frame(session, module_id=module_id, frame=table, by="ana")
    session.commit()
    session.refresh(cedaw)
    assert cedaw.session_id is None
    assert SESSIONS[0] not in set(session_ratings(session, module_id)["session"])
    assert result.questions_tied == 0
    assert saved_sentence(result) == "Saved: 0 added, 4 kept or changed, 0 removed."
    no_summary_differences(session)


def test_an_agenda_save_ties_a_question_imported_before_its_session_and_says_so(session: Session) -> None:
    """A question naming a session that was not on the agenda yet (never tied, never untied) is tied by the save that
    adds the session, and the save's sentence says that its ratings now count for that session."""
    from programme.planning.agenda import agenda_table, save_agenda_frame, saved_sentence

    module = make_module(session, titles=[SESSIONS[0]])
    form_id = create_standard_form(session, module_id=module.id, by="ana").id
    session.flush()
    late = Question(form_id=form_id, position=99, text=SESSION_QUESTION.format(title=SESSIONS[1]))
    session.add(late)
    session.commit()
    _answer(session, form_id, {late.text: 2})
    table = agenda_table(session, module.id)
    added = table.iloc[[0]].copy()
    added["id"], added["title"], added["start"], added["end"] = None, SESSIONS[1], time(14), time(15)
    result = save_agenda_frame(session, module_id=module.id, frame=pd.concat([table, added]), by="ana")
    session.commit()
    session.refresh(late)
    assert late.session_id == session.scalar(sa.select(AgendaSession.id).where(AgendaSession.title == SESSIONS[1]))
    assert session_ratings(session, module.id).set_index("session")["n"].to_dict() == {SESSIONS[1]: 1}
    assert result.questions_tied == 1
    assert "1 evaluation question names a session of this agenda and is now tied to it" in saved_sentence(result)
    no_summary_differences(session)

"""The evaluation summaries (programme/summaries/evaluations.py) on the demo, on both databases: true after the demo and
after every write that changes them (evaluation import and its undo, paper entry, self-service submission and its
voiding, an agenda's facilitators replaced, erasure, merge, a participant import's undo, a module deleted); a bulk
write that forgets to say what it touched makes the check fail; a read inside a writing transaction sees the write.

The check compares every summary row with the same figure computed from the raw rows; the figures below (a rating
moved, a response added) are counted by hand from what each test writes."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import summaries
from programme.access.erasure import forget_person
from programme.evaluations import add_paper_response, create_standard_form, import_evaluations, module_summary
from programme.evaluations.forms import form_questions
from programme.evaluations.queries import likert_counts, response_rates
from programme.evaluations.undo import undo_evaluation_import
from programme.models import (
    Answer,
    EvaluationForm,
    ImportBatch,
    ImportKind,
    Module,
    Participation,
    ParticipationRole,
    Person,
    Question,
    QuestionKind,
    Response,
    SessionFacilitator,
)
from programme.people.merge import merge_people
from programme.planning.agenda import add_session, agenda_table, save_agenda_frame
from programme.selfservice import links, submissions
from programme.selfservice.evaluation import submit_evaluation
from programme.summaries import evaluations
from tests.test_evaluations import SAMPLE, make_module


def differences(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return evaluations.check(session)


def rated_module(session: Session) -> tuple[int, int]:
    """A demo module whose form has rating answers, and that form."""
    module_id, form_id = session.execute(
        sa.select(EvaluationForm.module_id, EvaluationForm.id)
        .join(Question, Question.form_id == EvaluationForm.id)
        .join(Answer, Answer.question_id == Question.id)
        .where(Answer.rating.is_not(None))
        .order_by(EvaluationForm.id)
        .limit(1)
    ).one()
    return module_id, form_id


def test_the_check_finds_no_difference_on_the_demo(demo_engine: Engine) -> None:
    assert "evaluations" in summaries.registered()
    with Session(demo_engine) as session:
        rows = session.scalar(sa.select(sa.func.count()).select_from(evaluations.QUESTIONS))
        facilitators = session.scalar(sa.select(sa.func.count()).select_from(evaluations.FACILITATORS))
    assert rows > 0 and facilitators > 0  # the demo's answers and session leaders are summarised
    assert differences(demo_engine) == []


def test_a_bulk_write_that_forgets_to_touch_fails_the_check_and_one_that_touches_passes(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        module_id, form_id = rated_module(session)
        response_id, question_id = session.execute(
            sa.select(Answer.response_id, Answer.question_id)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.form_id == form_id, Answer.rating.is_not(None), Answer.rating != 1)
            .limit(1)
        ).one()
        one = sa.and_(Answer.response_id == response_id, Answer.question_id == question_id)
        session.execute(sa.update(Answer).where(one).values(rating=1))  # no touch: the summaries do not know
        session.commit()
    found = differences(demo_engine)
    assert any(line.startswith(f"question question_id {question_id}: rating_total") for line in found)
    assert any(line.startswith(f"rating question_id {question_id}, rating 1: ") for line in found)
    assert any(line.startswith(f"module module_id {module_id}: rating_total") for line in found)
    with Session(demo_engine) as session:
        summaries.touch(session, modules=[module_id])
        session.commit()
    assert differences(demo_engine) == []


def test_an_evaluation_import_and_its_undo_keep_the_summaries_true(demo_engine: Engine) -> None:
    with Session(demo_engine, expire_on_commit=False) as session:
        module_id = session.scalar(sa.select(Module.id).order_by(Module.id.desc()).limit(1))
        before = module_summary(session, module_id)["responses"]
        imported = import_evaluations(session, data=SAMPLE.read_bytes(), filename="export.csv", module_id=module_id)
        session.commit()
        assert imported.created > 0
        assert module_summary(session, module_id)["responses"] == before + imported.created
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == ImportKind.EVALUATIONS)).one()
        undo_evaluation_import(session, batch_id=batch.id, username=None)
        session.commit()
        assert module_summary(session, module_id)["responses"] == before
    assert differences(demo_engine) == []


def test_paper_entry_counts_at_once_in_its_transaction_and_after_the_commit(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        module_id, form_id = rated_module(session)
        question = next(q for q in form_questions(session, form_id) if q.kind == QuestionKind.RATING)
        counts = likert_counts(session, module_id)
        fives = counts[(counts["question_id"] == question.id) & (counts["rating"] == 5)]["count"].sum()
        add_paper_response(session, form_id=form_id, answers={question.id: 5})
        # Not committed yet: the read settles the summaries with what this transaction wrote.
        counts = likert_counts(session, module_id)
        assert counts[(counts["question_id"] == question.id) & (counts["rating"] == 5)]["count"].sum() == fives + 1
        session.commit()
    assert differences(demo_engine) == []


def test_self_service_submissions_and_their_voiding_keep_the_summaries_true(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        module_id, _form_id = rated_module(session)
        token = links.open_form(session, module_id=module_id, kind="evaluation").token
        session.commit()
        rating = next(q[0] for q in links.public_form(session, token).questions if q[1] == "rating")
        submitted = submit_evaluation(session, token, {rating: 2}, browser="b1", client="10.0.0.1")
        session.commit()
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        submissions.void_submission(session, submitted.submission_id, by="facilitator")
        session.commit()
    assert differences(demo_engine) == []


def test_removing_an_agendas_facilitators_keeps_the_summaries_true(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        session_id, module_id = session.execute(
            sa.select(SessionFacilitator.session_id, EvaluationForm.module_id)
            .join(Question, Question.session_id == SessionFacilitator.session_id)
            .join(EvaluationForm, EvaluationForm.id == Question.form_id)
            .limit(1)
        ).one()
        frame = agenda_table(session, module_id)
        # Every session's leaders removed (none added back): only the agenda's bulk deletes change the figures.
        frame[["facilitators", "resource_persons"]] = ""
        save_agenda_frame(session, module_id=module_id, frame=frame, by=None)
        session.commit()
        led = session.scalars(
            sa.select(Person.full_name)
            .join(SessionFacilitator, SessionFacilitator.person_id == Person.id)
            .where(SessionFacilitator.session_id == session_id)
        ).all()
    assert led == []
    assert differences(demo_engine) == []


def test_erasure_and_merge_of_session_leaders_keep_the_summaries_true(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        leaders = (
            session.scalars(
                sa.select(SessionFacilitator.person_id)
                .join(Question, Question.session_id == SessionFacilitator.session_id)
                .distinct()
                .order_by(SessionFacilitator.person_id)
                .limit(3)
            )
        ).all()
        forget_person(session, person_id=leaders[0], by="admin")
        session.commit()
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        merge_people(session, keep_id=leaders[1], remove_id=leaders[2], by="admin")
        session.commit()
    assert differences(demo_engine) == []


def test_a_session_added_then_the_module_deleted_keep_the_summaries_true(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        module_id, _form_id = rated_module(session)
        add_session(session, module_id=module_id, day=1, start=time(7), end=time(8), title="Early", by=None)
        session.commit()
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        session.delete(session.get(Module, module_id))
        session.commit()
        kept = session.scalar(
            sa.select(sa.func.count())
            .select_from(evaluations.MODULES)
            .where(evaluations.MODULES.c.module_id == module_id)
        )
    assert kept == 0
    assert differences(demo_engine) == []


def test_attendance_moves_the_response_rate(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        module_id, _form_id = rated_module(session)
        course_id = session.get(Module, module_id).course_id
        row = response_rates(session, course_id=course_id).set_index("module_id").loc[module_id]
        absent = session.scalars(
            sa.select(Participation).where(
                Participation.module_id == module_id,
                Participation.role == ParticipationRole.PARTICIPANT,
                Participation.attended.is_(True),
            )
        ).first()
        absent.attended = False
        session.commit()
        after = response_rates(session, course_id=course_id).set_index("module_id").loc[module_id]
    assert after["attended"] == row["attended"] - 1
    assert after["responses"] == row["responses"]
    assert differences(demo_engine) == []


def test_removing_responses_in_bulk_with_a_touch_keeps_the_module_count(demo_engine: Engine) -> None:
    # The rows a void deletes go by cascade (answers with their response): counted from the raw rows by hand.
    with Session(demo_engine) as session:
        module_id, form_id = rated_module(session)
        responses = session.scalar(sa.select(sa.func.count()).where(Response.form_id == form_id))
        others = session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .join(EvaluationForm, EvaluationForm.id == Response.form_id)
            .where(EvaluationForm.module_id == module_id, EvaluationForm.id != form_id)
        )
        summaries.touch(session, forms=[form_id])
        session.execute(sa.delete(Response).where(Response.form_id == form_id))
        session.commit()
        assert module_summary(session, module_id)["responses"] == others
    assert responses > 0
    assert differences(demo_engine) == []


def test_a_questions_ratings_are_counted_by_value(session: Session) -> None:
    module = make_module(session, code="SUM")
    form = create_standard_form(session, module_id=module.id)
    question = next(q for q in form_questions(session, form.id) if q.kind == QuestionKind.RATING)
    for value in (5, 4, 4):
        add_paper_response(session, form_id=form.id, answers={question.id: value})
    session.commit()
    rows = session.execute(
        sa.select(evaluations.RATINGS.c.rating, evaluations.RATINGS.c.count).where(
            evaluations.RATINGS.c.question_id == question.id
        )
    ).all()
    assert sorted(rows) == [(4, 2), (5, 1)]
    summary_row = session.execute(
        sa.select(
            evaluations.QUESTIONS.c.answered, evaluations.QUESTIONS.c.ratings, evaluations.QUESTIONS.c.rating_total
        ).where(evaluations.QUESTIONS.c.question_id == question.id)
    ).one()
    assert tuple(summary_row) == (3, 3, 13)
    assert evaluations.check(session) == []

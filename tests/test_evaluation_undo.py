"""Undoing an evaluation import: its responses go, and what it added to the form when nothing else uses it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.core.errors import NotFound, ProgrammeError
from programme.evaluations import add_paper_response, create_standard_form, import_evaluations, module_form
from programme.evaluations.undo import evaluation_imports, undo_evaluation_import
from programme.models import (
    Answer,
    AuditEntry,
    Course,
    EvaluationForm,
    ImportBatch,
    ImportKind,
    Module,
    Question,
    Response,
    UserRole,
)
from tests.apptest_support import run_page
from tests.test_evaluations import SAMPLE, csv_bytes, make_module

NEW_COLUMNS = "_uuid,Working with the media,Venue comments\nu1,4,Rooms too cold\nu2,5,Lunch was late\nu3,2,\n"


def _count(session: Session, entity: type) -> int:
    column = Answer.response_id if entity is Answer else entity.id
    return session.scalar(sa.select(sa.func.count(column)))


def _only_batch(session: Session) -> ImportBatch:
    return session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == ImportKind.EVALUATIONS)).one()


def test_undo_removes_the_responses_and_the_form_the_import_created(session: Session) -> None:
    module = make_module(session)
    imported = import_evaluations(session, data=SAMPLE.read_bytes(), filename="export.csv", module_id=module.id)
    session.commit()
    assert imported.written and imported.created > 0 and _count(session, Question) == imported.questions_added
    batch = _only_batch(session)
    table = evaluation_imports(session, module_id=module.id)
    assert table[["batch", "file", "responses", "questions added"]].values.tolist() == [
        [batch.id, "export.csv", imported.created, imported.questions_added]
    ]
    assert table["undone at"].isna().all()

    undone = undo_evaluation_import(session, batch_id=batch.id, username="facilitator")
    session.commit()

    assert undone["responses_removed"] == imported.created
    assert undone["answers_removed"] > 0
    assert (undone["questions_removed"], undone["questions_kept"], undone["form_removed"]) == (
        imported.questions_added,
        0,
        1,
    )
    assert [_count(session, entity) for entity in (Response, Answer, Question, EvaluationForm)] == [0, 0, 0, 0]
    assert session.get(ImportBatch, batch.id).undone_at is not None
    assert evaluation_imports(session, module_id=module.id)["undone at"].notna().all()
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "undo")).one()
    assert (entry.entity, entry.entity_id, entry.username) == ("import_batch", batch.id, "facilitator")
    with pytest.raises(ProgrammeError, match="already undone"):
        undo_evaluation_import(session, batch_id=batch.id, username="facilitator")
    # The same export can be imported again: its submissions are no longer known.
    again = import_evaluations(session, data=SAMPLE.read_bytes(), filename="export.csv", module_id=module.id)
    assert (again.created, again.skipped) == (imported.created, imported.skipped)


def test_undo_keeps_the_existing_form_other_responses_and_questions_paper_forms_answer(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="facilitator")
    standard = _count(session, Question)
    first = import_evaluations(session, data=csv_bytes(NEW_COLUMNS), filename="a.csv", module_id=module.id)
    assert (first.created, first.questions_added) == (3, 1)  # "Venue comments" is new; the media session is not
    venue = session.scalar(sa.select(Question.id).where(Question.text == "Venue comments"))
    add_paper_response(session, form_id=form.id, answers={venue: "Fine"}, by="facilitator")
    second = import_evaluations(
        session, data=csv_bytes("_uuid,Extra question\nv1,Yes\n"), filename="b.csv", module_id=module.id
    )
    session.commit()
    first_batch, second_batch = session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id)).all()

    undone = undo_evaluation_import(session, batch_id=first_batch.id, username="facilitator")
    session.commit()

    assert undone == {
        "responses_removed": 3,
        "answers_removed": 5,  # three media ratings, two venue comments (the third row left it blank)
        "questions_removed": 0,
        "questions_kept": 1,  # the paper form answers "Venue comments"
        "form_removed": 0,
        "labels_cleared": 0,
    }
    assert session.get(EvaluationForm, form.id) is not None
    assert _count(session, Question) == standard + first.questions_added + second.questions_added
    sources = sorted((r.source.value, r.import_batch_id) for r in session.scalars(sa.select(Response)))
    assert sources == [("import", second_batch.id), ("paper", None)]


def test_undo_removes_unanswered_new_questions_and_clears_only_the_labels_it_set(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="facilitator")
    form.scale_labels = None
    standard = _count(session, Question)
    labels = "Mauvais, Passable, Bien, Très bien, Excellent"
    data = csv_bytes("_uuid,Working with the media,Venue and food\nu1,Bien,4\n")
    import_evaluations(session, data=data, filename="fr.csv", module_id=module.id, scale_labels=labels)
    session.commit()
    assert json.loads(module_form(session, module.id).scale_labels)[0] == "Mauvais"

    undone = undo_evaluation_import(session, batch_id=_only_batch(session).id, username=None)
    session.commit()

    assert (undone["questions_removed"], undone["labels_cleared"], undone["form_removed"]) == (1, 1, 0)
    assert _count(session, Question) == standard
    assert module_form(session, module.id).scale_labels is None


def test_labels_changed_since_the_import_stay(session: Session) -> None:
    module = make_module(session)
    form = create_standard_form(session, module_id=module.id, by="facilitator")
    form.scale_labels = None
    data = csv_bytes("_uuid,Working with the media\nu1,Bien\n")
    import_evaluations(session, data=data, filename="fr.csv", module_id=module.id,
                       scale_labels="Mauvais, Passable, Bien, Très bien, Excellent")  # fmt: skip
    form.scale_labels = json.dumps(["1", "2", "3", "4", "5"])
    session.commit()
    undone = undo_evaluation_import(session, batch_id=_only_batch(session).id, username=None)
    assert undone["labels_cleared"] == 0
    assert json.loads(session.get(EvaluationForm, form.id).scale_labels) == ["1", "2", "3", "4", "5"]


def test_only_evaluation_imports_can_be_undone_here(session: Session) -> None:
    module = make_module(session)
    participants = ImportBatch(kind=ImportKind.PARTICIPANTS, file_name="people.xlsx", file_hash="0" * 64)
    session.add(participants)
    session.flush()
    for batch_id in (participants.id, participants.id + 100):
        with pytest.raises(NotFound, match="There is no such evaluation import"):
            undo_evaluation_import(session, batch_id=batch_id, username=None)
    assert evaluation_imports(session, module_id=module.id).empty


def _rc2019_module_1(session: Session) -> int:
    """The demo's RC2019 Module 1: the module the entry page's tests import into."""
    course = session.scalar(sa.select(Course.id).where(Course.code == "RC2019"))
    return session.scalar(sa.select(Module.id).where(Module.course_id == course, Module.number == 1))


def test_the_entry_page_lists_a_modules_imports_and_undoes_one(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine) as session:
        module_id = _rc2019_module_1(session)
        before = _count(session, Response)
        import_evaluations(session, data=csv_bytes(NEW_COLUMNS), filename="kobo.csv", module_id=module_id, by="x")
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    assert not app.exception
    imports = next(frame.value for frame in app.dataframe if "questions added" in frame.value.columns)
    assert imports[["file", "responses", "undone at"]].values.tolist() == [["kobo.csv", 3, "—"]]
    assert app.selectbox(key="undo_evaluation_batch").options[0].startswith("Import ")
    app.checkbox(key="undo_evaluation_sure").check()  # the form's widgets are sent with its button
    app = next(button for button in app.button if button.label == "Undo import").click().run()
    assert not app.exception
    assert any(
        message.value.startswith("Import ") and "3 responses removed" in message.value for message in app.success
    )
    with session_scope(engine) as session:
        assert _count(session, Response) == before
    imports = next(frame.value for frame in app.dataframe if "questions added" in frame.value.columns)
    assert imports["undone at"].iloc[0][:4].isdigit()  # a time, where the dash was
    assert not any(button.label == "Undo import" for button in app.button)


def test_after_an_undo_the_confirmation_is_unticked_for_the_next_import(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """Two imports: undoing one leaves "Yes, undo this import" unticked, so one more click undoes nothing unasked."""
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine) as session:
        module_id = _rc2019_module_1(session)
        import_evaluations(session, data=csv_bytes(NEW_COLUMNS), filename="kobo.csv", module_id=module_id, by="x")
        second = NEW_COLUMNS.replace("u1,", "u4,").replace("u2,", "u5,").replace("u3,", "u6,")
        import_evaluations(session, data=csv_bytes(second), filename="kobo2.csv", module_id=module_id, by="x")
        before = _count(session, Response)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    app.checkbox(key="undo_evaluation_sure").check()
    app = next(button for button in app.button if button.label == "Undo import").click().run()
    assert not app.exception
    sure = [box for box in app.checkbox if box.label == "Yes, undo this import"]
    assert len(sure) == 1 and sure[0].value is False
    app = next(button for button in app.button if button.label == "Undo import").click().run()  # not confirmed
    assert any("Tick the box" in message.value for message in app.warning)
    with session_scope(engine) as session:
        assert _count(session, Response) == before - 3  # the one import undone, the other kept


def test_the_audit_trail_names_an_import_by_its_number_among_its_own_kind(session: Session) -> None:
    """Row ids are shared by every kind of import: the first evaluation export after a participant list is row 2, but
    "evaluation import 1" in the audit trail, as under Past imports and in its undo's entry."""
    module = make_module(session)
    session.add(
        ImportBatch(kind=ImportKind.PARTICIPANTS, file_name="list.xlsx", file_hash="0" * 64, module_id=module.id)
    )
    session.flush()
    imported = import_evaluations(session, data=SAMPLE.read_bytes(), filename="export.csv", module_id=module.id)
    session.commit()
    batch = _only_batch(session)
    assert batch.id == 2
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.summary == (
        f"evaluation import 1 into module {module.id}: {imported.created} responses added, {imported.skipped} skipped"
    )
    undo_evaluation_import(session, batch_id=batch.id, username="facilitator")
    session.commit()
    undone = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "undo")).one()
    assert undone.summary.startswith("undid evaluation import 1:")

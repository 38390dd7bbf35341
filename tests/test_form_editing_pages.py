"""The question editor on Forms and entry (AppTest), and the participants' online form while a form is edited: a
question added and reworded in the grid shows on the paper-entry form; what a save would do is said before it; a
question with answers is refused or confirmed; an earlier module's form is copied from the empty state; a rating whose
scale changed while a participant's page was open is not stored on the new scale."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from programme.access.accounts import SignedIn
from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.evaluations import add_paper_response, create_standard_form
from programme.evaluations import form_editing as editing
from programme.evaluations.forms import SESSION_QUESTION, form_questions, module_form
from programme.models import Answer, Response, UserRole
from programme.selfservice.links import open_form
from tests.apptest_support import edit_grid, run_page, shown_text
from tests.test_form_editing import NEW, SESSIONS, make_module

ANA = SignedIn(user_id=1, username="ana", role=UserRole.FACILITATOR)


@pytest.fixture
def entry(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> dict:
    """Two modules of one course: the first with its standard form and one paper form typed (Logistics: 4)."""
    with session_scope(make_engine(sqlite_url)) as session:
        first, second = make_module(session, 1), make_module(session, 2, [SESSIONS[0], "GCM update"])
        form_id = create_standard_form(session, module_id=first.id, by="ana").id
        logistics = next(q for q in form_questions(session, form_id) if q.text == "Logistics and venue")
        add_paper_response(session, form_id=form_id, answers={logistics.id: 4}, by="ana")
        ids = {"first": first.id, "second": second.id, "form": form_id, "logistics": logistics.id}
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return {**ids, "url": sqlite_url}


def _open(module_id: int) -> AppTest:
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR, username="ana")
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    assert not app.exception, app.exception
    return app


def _grid_key(app: AppTest) -> str:
    return next(grid.key for grid in app.data_editor if grid.key.startswith("form_questions_"))


def _save(app: AppTest) -> AppTest:
    return next(button for button in app.button if button.label == "Save questions")


def test_a_question_added_reworded_and_moved_in_the_grid_is_saved_and_asked_on_the_paper_form(entry: dict) -> None:
    app = _open(entry["first"])
    key = _grid_key(app)
    shown = next(grid for grid in app.data_editor if grid.key == key).value
    assert shown["text"].tolist()[:3] == [SESSION_QUESTION.format(title=title) for title in SESSIONS[:3]]
    assert _save(app).disabled  # nothing changed yet
    relevance = shown["text"].tolist().index("Overall relevance of the module to your work")
    app = edit_grid(
        app,
        key,
        edited_rows={relevance: {"text": "Relevance of the module to your organisation's work"}},
        added_rows=[
            {"text": NEW, "kind": "text", "position": 1, "asked": True, "feeds_backlog": False}
        ],  # the defaults the browser sends
    )
    assert not app.exception, app.exception
    said = " ".join(shown_text(m.value) for m in app.markdown)
    assert (
        f"“{NEW}” is added as question 1." in said
        and "Question 4 (“Overall relevance of the module to your work”): reworded" in said
    )
    assert not app.error and not _save(app).disabled
    app = _save(app).click().run()
    assert not app.exception, app.exception
    assert [shown_text(m.value) for m in app.success] == ["Saved: 1 question added, 1 changed."]
    with Session(make_engine(entry["url"])) as session:
        saved = [q.text for q in form_questions(session, entry["form"])]
    assert saved[:2] == [NEW, SESSION_QUESTION.format(title=SESSIONS[0])]
    assert "Relevance of the module to your organisation's work" in saved
    # Reloaded: the grid shows what was saved, and the paper-entry form asks it in that order.
    app = _open(entry["first"])
    assert (
        next(grid for grid in app.data_editor if grid.key.startswith("form_questions_")).value["text"].tolist() == saved
    )
    labels = [shown_text(widget.label) for widget in (*app.radio, *app.text_area)]
    assert f"1. {NEW}" in labels and "5. Relevance of the module to your organisation's work" in labels


def test_a_question_with_answers_is_refused_removal_and_its_rewording_waits_for_confirmation(entry: dict) -> None:
    app = _open(entry["first"])
    key = _grid_key(app)
    rows = next(grid for grid in app.data_editor if grid.key == key).value["text"].tolist()
    app = edit_grid(app, key, deleted_rows=[rows.index("Logistics and venue")])
    refused = [shown_text(e.value) for e in app.error]
    assert any("has 1 answer: removing it would delete it" in e for e in refused), refused
    assert _save(app).disabled
    app = _open(entry["first"])
    key = _grid_key(app)
    app = edit_grid(app, key, edited_rows={rows.index("Logistics and venue"): {"text": "Venue and meals"}})
    warned = [shown_text(w.value) for w in app.warning]
    assert any("has 1 answer, given to its present wording" in w for w in warned), warned
    assert _save(app).disabled
    box = next(b for b in app.checkbox if b.label.startswith("I have read this"))
    app = box.check().run()
    assert not _save(app).disabled
    app = _save(app).click().run()
    assert not app.exception and [shown_text(m.value) for m in app.success] == ["Saved: 1 changed."]
    with Session(make_engine(entry["url"])) as session:
        question = session.get(editing.Question, entry["logistics"])
        assert (question.text, editing.earlier_texts(question)) == ("Venue and meals", ["Logistics and venue"])


def test_an_empty_module_copies_an_earlier_module_s_form(entry: dict) -> None:
    app = _open(entry["second"])
    assert any("no evaluation form yet" in info.value for info in app.info)
    said = " ".join(shown_text(m.value) for m in app.markdown)
    assert (
        "Not copied: 2 questions whose session is not on this module's agenda (no session of the same title)." in said
    )
    left_out = next(frame.value for frame in app.dataframe if "why not copied" in frame.value.columns)
    assert left_out.values.tolist() == [
        [SESSION_QUESTION.format(title=title), f"no session “{title}” on this module's agenda"]
        for title in SESSIONS[1:3]
    ]
    assert "1 session of this module's agenda no copied question is about: “GCM update”" in said
    app = next(b for b in app.button if b.key == "form_copy_button").click().run()
    assert not app.exception, app.exception
    assert any(shown_text(m.value).startswith("Copied: 6 questions from FE1") for m in app.success)
    with Session(make_engine(entry["url"])) as session:
        copied = [q.text for q in form_questions(session, module_form(session, entry["second"]).id)]
    assert copied[0] == SESSION_QUESTION.format(title=SESSIONS[0]) and len(copied) == 6
    # The session without a question is offered its own.
    assert any("“GCM update”" in shown_text(info.value) for info in app.info)
    app = next(b for b in app.button if b.label == "Add a question for it").click().run()
    assert any("Added 1 session question." in shown_text(m.value) for m in app.success)


def _public(token: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "public" / "form.py"), default_timeout=60)
    app.query_params["form"] = token
    return app.run()


def _radios(app: AppTest) -> dict[str, object]:
    """The public form's radios by their question's wording, without the number shown before it ("4.\u00a0...")."""
    return {radio.label.split("\u00a0", 1)[1]: radio for radio in app.radio}


def _stored(url: str) -> dict[int, int]:
    with Session(make_engine(url)) as session:
        query = sa.select(Answer.question_id, Answer.rating).where(Answer.rating.is_not(None))
        return dict(session.execute(query).tuples().all())


def test_a_rating_whose_scale_changed_while_the_online_form_was_open_is_asked_again_not_stored_on_the_new_scale(
    entry: dict,
) -> None:
    with session_scope(make_engine(entry["url"])) as session:
        token = open_form(session, module_id=entry["first"], kind="evaluation").token
        questions = {q.text: q.id for q in form_questions(session, entry["form"])}
    relevance = questions["Overall relevance of the module to your work"]
    cedaw = questions[SESSION_QUESTION.format(title=SESSIONS[0])]
    app = _public(token)
    radios = _radios(app)
    radios["Overall relevance of the module to your work"].set_value(4)  # "Very good" on 1-5
    radios[next(label for label in radios if SESSIONS[0] in label)].set_value(5)
    with session_scope(make_engine(entry["url"])) as session:  # meanwhile, on the Form tab: 0-10
        editing.set_question(session, question_id=relevance, scale=(0, 10), by=ANA)
    app = app.button[0].click().run()
    # Nothing is sent and nothing lost unseen: the participant is asked to answer question 4 again, on its new scale.
    assert not app.exception and not app.success
    assert [shown_text(e.value) for e in app.error] == [
        "Question 4 was changed while you were filling in the form and now asks for another answer. Nothing was sent "
        "yet: please answer it again, then send."
    ]
    assert _stored(entry["url"]) == {questions["Logistics and venue"]: 4}  # the paper form's only
    radios = _radios(app)
    assert radios["Overall relevance of the module to your work"].options == [str(n) for n in range(11)]
    assert radios["Overall relevance of the module to your work"].value is None
    assert radios[next(label for label in radios if SESSIONS[0] in label)].value == 5  # kept as given
    radios["Overall relevance of the module to your work"].set_value(8)
    app = app.button[0].click().run()
    assert not app.exception and app.success and not app.warning, [e.value for e in app.error]
    stored = _stored(entry["url"])
    assert (stored[relevance], stored[cedaw]) == (8, 5)  # the 4 out of 5 was never stored as an answer out of 10


def test_an_answer_to_a_question_removed_while_the_online_form_was_open_is_reported_in_the_form_s_language(
    entry: dict,
) -> None:
    """A question removed while the participant's page was open: its answer is not kept and they are told so, in the
    form's language; an answer to a question taken off meanwhile is kept with its other answers; the form they see
    numbers the asked questions without a gap."""
    with session_scope(make_engine(entry["url"])) as session:
        token = open_form(session, module_id=entry["first"], kind="evaluation", language="fr").token
        questions = {q.text: q.id for q in form_questions(session, entry["form"])}
    relevance, quality = questions["Overall relevance of the module to your work"], questions["Quality of facilitation"]
    app = _public(token)
    numbers = [radio.label.split(".\u00a0", 1)[0] for radio in app.radio]
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    app.radio[3].set_value(4)  # Overall relevance
    app.radio[4].set_value(5)  # Quality of facilitation
    app.radio[0].set_value(3)  # the first session
    with session_scope(make_engine(entry["url"])) as session:  # meanwhile, on the Form tab
        editing.remove_question(session, question_id=relevance, by=ANA)
        editing.set_asked(session, question_id=quality, asked=False, by=ANA)
    app = app.button[0].click().run()
    assert not app.exception and not app.error
    assert [m.value for m in app.success] == ["Merci : vos réponses ont été reçues."]
    assert [m.value for m in app.warning] == [
        "Une question à laquelle vous avez répondu a été retirée du formulaire pendant que vous le remplissiez : cette "
        "réponse n'a pas été gardée."
    ]
    stored = _stored(entry["url"])
    assert relevance not in stored and stored[quality] == 5  # taken off: its answers, this one too, stay
    assert stored[questions[SESSION_QUESTION.format(title=SESSIONS[0])]] == 3
    # The next participant's form: the questions still asked, numbered 1, 2, 3... without a gap.
    with session_scope(make_engine(entry["url"])) as session:
        token = open_form(session, module_id=entry["first"], kind="evaluation", allow_multiple=True).token
    app = _public(token)
    labels = [radio.label for radio in app.radio] + [area.label for area in app.text_area]
    assert [label.split(".\u00a0", 1)[0] for label in labels] == ["1", "2", "3", "4", "5", "6"]
    assert labels[3] == "4.\u00a0Logistics and venue"


def test_the_paper_form_leaves_out_a_question_taken_off_and_names_a_rating_whose_scale_changed_meanwhile(
    entry: dict,
) -> None:
    with session_scope(make_engine(entry["url"])) as session:
        editing.set_asked(session, question_id=entry["logistics"], asked=False, by=ANA)
        questions = {q.text: q.id for q in form_questions(session, entry["form"])}
    app = _open(entry["first"])
    labels = [shown_text(radio.label) for radio in app.radio]
    assert "6. Logistics and venue" not in labels and "5. Quality of facilitation" in labels
    # Numbered as the paper form is, without a gap where the question taken off stood (its stored position stays 6).
    areas = [shown_text(area.label) for area in app.text_area]
    assert areas == ["6. What was most useful?", "7. Suggestions for the next module"]
    grid = next(grid for grid in app.data_editor if grid.key.startswith("form_questions_")).value.set_index("text")
    assert not grid.loc["Logistics and venue", "asked"] and grid.loc["Logistics and venue", "answers"] == 1
    relevance = questions["Overall relevance of the module to your work"]
    next(r for r in app.radio if shown_text(r.label) == "4. Overall relevance of the module to your work").set_value(4)
    next(r for r in app.radio if shown_text(r.label) == "5. Quality of facilitation").set_value(5)
    with session_scope(make_engine(entry["url"])) as session:  # meanwhile, a colleague on the Form tab: 0-10
        editing.set_question(session, question_id=relevance, scale=(0, 10), by=ANA)
    app = next(b for b in app.button if b.label == "Save and start the next form").click().run()
    # The 4 typed on the old 1-5 scale is neither stored on the new one nor dropped unseen: nothing is saved yet.
    assert not app.exception and not app.success
    assert [shown_text(e.value) for e in app.error] == [
        "Changed while you typed: question 4 (“Overall relevance of the module to your work”) is now a rating from 0 "
        "to 10. The answer typed to it before the change was not saved, and nothing is saved yet: type it again as "
        "the form now asks (or leave it blank), then save."
    ]
    new_scale = next(r for r in app.radio if shown_text(r.label) == "4. Overall relevance of the module to your work")
    assert new_scale.options == [str(n) for n in range(11)] and new_scale.value is None
    assert next(r for r in app.radio if shown_text(r.label) == "5. Quality of facilitation").value == 5  # kept typed
    with Session(make_engine(entry["url"])) as session:
        assert session.scalar(sa.select(sa.func.count(Response.id))) == 1  # the fixture's form only
    app = next(b for b in app.button if b.label == "Save and start the next form").click().run()  # left blank
    assert not app.exception and [shown_text(m.value) for m in app.success] == ["Saved. 1 form typed in this sitting."]
    with Session(make_engine(entry["url"])) as session:
        newest = session.scalar(sa.select(sa.func.max(Answer.response_id)))
        stored = session.execute(sa.select(Answer.question_id, Answer.rating).where(Answer.response_id == newest))
        assert dict(stored.tuples().all()) == {questions["Quality of facilitation"]: 5}


def test_a_paper_answer_to_a_question_removed_meanwhile_is_named_and_the_rest_saved(entry: dict) -> None:
    with session_scope(make_engine(entry["url"])) as session:
        new = editing.add_form_question(session, form_id=entry["form"], text=NEW, by=ANA).id
        quality = next(q.id for q in form_questions(session, entry["form"]) if q.text == "Quality of facilitation")
    app = _open(entry["first"])
    next(r for r in app.radio if shown_text(r.label) == f"9. {NEW}").set_value(4)
    next(r for r in app.radio if shown_text(r.label) == "5. Quality of facilitation").set_value(5)
    with session_scope(make_engine(entry["url"])) as session:  # meanwhile, a colleague removes the new question
        editing.remove_question(session, question_id=new, by=ANA)
    app = next(b for b in app.button if b.label == "Save and start the next form").click().run()
    assert not app.exception and [shown_text(m.value) for m in app.success] == ["Saved. 1 form typed in this sitting."]
    assert [shown_text(w.value) for w in app.warning] == [
        f"Question 9 (“{NEW}”) was removed from the form while you typed: its answer was not saved."
    ]
    with Session(make_engine(entry["url"])) as session:
        newest = session.scalar(sa.select(sa.func.max(Answer.response_id)))
        stored = session.execute(sa.select(Answer.question_id, Answer.rating).where(Answer.response_id == newest))
        assert [tuple(row) for row in stored] == [(quality, 5)]


def test_a_paper_form_redrawn_after_a_colleague_s_change_names_the_question_until_saved(entry: dict) -> None:
    app = _open(entry["first"])
    with session_scope(make_engine(entry["url"])) as session:  # a colleague takes a question off meanwhile
        editing.set_asked(session, question_id=entry["logistics"], asked=False, by=ANA)
    app = app.run()  # another click redraws the page: the question's field is gone
    note = (
        "Question 6 (“Logistics and venue”) was taken off the form while this page was open: an answer typed to it "
        "is no longer on the page and will not be saved."
    )
    assert [shown_text(w.value) for w in app.warning] == [note]
    assert [shown_text(w.value) for w in app.run().warning] == [note]  # still said on the next redraw
    next(r for r in app.radio if shown_text(r.label) == "5. Quality of facilitation").set_value(5)
    app = next(b for b in app.button if b.label == "Save and start the next form").click().run()
    assert not app.exception and not app.warning


def test_a_save_over_a_colleague_s_change_is_refused_naming_them_and_a_second_save_replaces_it(entry: dict) -> None:
    ana = _open(entry["first"])
    bea = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR, username="bea")
    bea = bea.selectbox(key="entry_module").set_value(entry["first"]).run()
    rows = next(grid for grid in ana.data_editor if grid.key.startswith("form_questions_")).value["text"].tolist()
    quality = rows.index("Quality of facilitation")
    bea = edit_grid(bea, _grid_key(bea), edited_rows={quality: {"text": "Quality of the facilitators"}})
    bea = _save(bea).click().run()
    assert [shown_text(m.value) for m in bea.success] == ["Saved: 1 changed."]
    ana = edit_grid(ana, _grid_key(ana), edited_rows={quality: {"text": "How well was it facilitated?"}})
    ana = _save(ana).click().run()
    refused = [shown_text(e.value) for e in ana.error]
    assert any(
        e.startswith("bea saved question 5 (“Quality of facilitation”) while you were editing it. Now saved: "
                     "Question: “Quality of the facilitators”.") for e in refused
    ), refused  # fmt: skip
    with Session(make_engine(entry["url"])) as session:
        assert "Quality of the facilitators" in [q.text for q in form_questions(session, entry["form"])]
    # Ana has seen Bea's wording: saving again replaces it with hers.
    ana = _save(ana).click().run()
    assert not ana.exception and [shown_text(m.value) for m in ana.success] == ["Saved: 1 changed."]
    with Session(make_engine(entry["url"])) as session:
        assert "How well was it facilitated?" in [q.text for q in form_questions(session, entry["form"])]


def test_a_paper_form_whose_every_question_was_taken_off_meanwhile_names_them(entry: dict) -> None:
    app = _open(entry["first"])
    with session_scope(make_engine(entry["url"])) as session:  # a colleague takes every question off meanwhile
        asked = [q for q in form_questions(session, entry["form"]) if q.asked]
        for question in asked:
            editing.set_asked(session, question_id=question.id, asked=False, by=ANA)
    app = app.run()
    assert not app.exception, app.exception
    assert any(shown_text(info.value).startswith("The form asks no question") for info in app.info)
    warnings = [shown_text(w.value) for w in app.warning]
    assert len(warnings) == len(asked) == 8
    assert warnings[5] == (
        "Question 6 (“Logistics and venue”) was taken off the form while this page was open: an answer typed to it "
        "is no longer on the page and will not be saved."
    )
    assert [shown_text(w.value) for w in app.run().warning] == warnings  # still said on the next redraw

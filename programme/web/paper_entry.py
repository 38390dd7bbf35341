"""Forms and entry › Type paper forms: one blank form after another, and what happened to an answer whose question a
colleague changed on the Form tab while it was typed (evaluations/paper.py), said on the page, never dropped unseen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.evaluations.forms import form_questions, module_participants
from programme.evaluations.paper import PaperSaved, changed_since, drawn_questions, paper_key, save_paper_form
from programme.evaluations.paper import typed_answers as typed_in
from programme.evaluations.scales import answered_in_words
from programme.web import ui
from programme.web.display import md_text

# (form id, {question id: Drawn}): the questions as the page last drew them, and the notes on those changed since,
# kept until the form is saved.
_DRAWN = "paper_drawn"
_NOTES = "paper_notes"


def _saved(result: PaperSaved, typed: int) -> None:
    st.session_state["paper_typed"] = typed + 1
    st.session_state.get(_NOTES, {}).clear()
    ui.flash(f"Saved. {ui.counted(typed + 1, 'form')} typed in this sitting.")
    for note in result.notes:
        ui.flash(note, "warning")


def tab(module_id: int, form_id: int, asks_name: bool, scale: list[str], questions: pd.DataFrame, *,
        user: SignedIn) -> None:  # fmt: skip
    """Draw the paper-entry tab of a module's form (questions: its asked questions, questions_table)."""
    typed = st.session_state.get("paper_typed", 0)
    st.caption(f"Type one form, save, and the next blank form appears. Forms typed in this sitting: {typed}.")
    options = list(range(1, len(scale) + 1))
    with ui.db() as session:
        people = module_participants(session, module_id) if asks_name else {}
        every_question = form_questions(session, form_id)
        drawn_now = drawn_questions(every_question)
        before_form, before = st.session_state.get(_DRAWN, (None, {}))
        changed = changed_since(before, every_question) if before_form == form_id else []
    notes_box = st.container()
    # A form kept as typed after an error; cleared for the next one once saved. A question's key names its kind and
    # scale: one changed on the Form tab meanwhile is a new, empty widget, and the answer typed to it is still found.
    paper_keys = ui.form_keys("paper_person", *(paper_key(r.id, r.kind, r.scale_min, r.scale_max)
                                                for r in questions.itertuples()))  # fmt: skip
    question_keys = dict(zip(questions["id"], paper_keys[1:], strict=True))
    with st.form("paper_form"):
        person = None
        if asks_name:
            person = st.selectbox("Who filled it in", [None, *people], format_func=lambda p: people.get(p, "(no name)"),
                                  key=paper_keys[0])  # fmt: skip
        for row in questions.itertuples():
            label = md_text(f"{row.number}. {row.text}")  # the asked questions 1, 2, 3...: none taken off shows a gap
            key = question_keys[row.id]
            if row.kind == "rating" and not answered_in_words(row.scale_min, row.scale_max, row.uses_form_labels):
                # A 0-10 question, or one imported as numbered ratings: the numbers, not the form's words.
                st.radio(label, list(range(row.scale_min, row.scale_max + 1)), index=None, horizontal=True, key=key)
            elif row.kind == "rating":
                st.radio(label, options, index=None, horizontal=True, key=key,
                         format_func=lambda r: md_text(f"{r} {scale[r - 1]}"))  # fmt: skip
            else:
                st.text_area(label, key=key, height=68)
        saved = st.form_submit_button("Save and start the next form", type="primary")
    st.session_state[_DRAWN] = (form_id, drawn_now)
    if not saved:
        # Redrawn after another click: the questions changed meanwhile are named until the form is saved.
        notes = st.session_state.setdefault(_NOTES, {}).setdefault(form_id, [])
        notes.extend(sentence for sentence in changed if sentence not in notes)
        for note in notes:
            notes_box.warning(md_text(note))
        return
    # Every answer typed, those to questions no longer drawn included (removed, taken off or changed meanwhile): the
    # save keeps what it can and says what it could not, naming the questions as the page showed them.
    answers = typed_in(st.session_state.to_dict())
    shown = {**drawn_now, **before} if before_form == form_id else drawn_now
    ui.action(
        lambda session: save_paper_form(session, form_id=form_id, typed=answers, drawn=shown, person_id=person,
                                        by=user.username),
        "",
        clear=paper_keys,
        then=lambda result: _saved(result, typed),
    )  # fmt: skip


def nothing_left(form_id: int) -> None:
    """The paper tab of a form that asks no question: when the page drew some before (a colleague took the last ones
    off, or removed them, while a form was typed), name them until the next save, as tab() does."""
    before_form, before = st.session_state.get(_DRAWN, (None, {}))
    notes = st.session_state.setdefault(_NOTES, {}).setdefault(form_id, [])
    if before_form == form_id and before:
        with ui.db() as session:
            changed = changed_since(before, form_questions(session, form_id))
        notes.extend(sentence for sentence in changed if sentence not in notes)
        st.session_state[_DRAWN] = (form_id, {})
    for note in notes:
        st.warning(md_text(note))

"""Forms and entry's Form tab: the module's evaluation form made (the standard one, or a copy of an earlier module's),
its questions edited in a grid (added, reworded, renumbered, kind, scale, topic backlog, agenda session, asked or
taken off, removed), and questions added for the sessions that have none. The rules are
programme/evaluations/form_editing.py's; what the grid would do is said before it is saved."""

from __future__ import annotations

import streamlit as st

from programme.access.accounts import SignedIn
from programme.evaluations.form_copy import copy_form, copy_sources, plan_copy
from programme.evaluations.form_editing import (
    KINDS,
    SCALES,
    QuestionReview,
    add_session_questions,
    editor_table,
    review_questions,
    save_questions,
    session_choices,
    sessions_without_question,
)
from programme.evaluations.forms import METHODS_NOT_RATED, create_standard_form, module_form, module_sessions
from programme.evaluations.summary import response_count
from programme.web import editors, ui
from programme.web.display import md_text

COLUMNS = ["position", "text", "kind", "scale", "asked", "answers", "feeds_backlog", "session", "earlier"]
MOVED = "Someone saved this form's questions while you were editing them."


def _version_key(module_id: int) -> str:
    return f"form_questions_version_{module_id}"


def tab(module_id: int, *, user: SignedIn) -> None:
    """Draw the tab for the chosen module."""
    with ui.db() as session:
        form = module_form(session, module_id)
        responses = response_count(session, module_id)
        rated = [s.title for s in module_sessions(session, module_id) if s.method not in METHODS_NOT_RATED]
    if form is None:
        _create(module_id, rated, user)
        _copy(module_id, None, user)
        return
    st.write(f"**{md_text(form.title)}** · {ui.counted(responses, 'response')} · "
             + ("asks for a name" if form.asks_name else "anonymous"))  # fmt: skip
    if not user.can_edit:
        with ui.db() as session:
            ui.table(editor_table(session, form.id)[COLUMNS], hide_index=True, width="stretch")
        st.caption("Only facilitators and administrators can change the form.")
        return
    _editor(form.id, module_id, user)
    _sessions_without(form.id, module_id, user)
    _copy(module_id, form.id, user)


def _create(module_id: int, rated: list[str], user: SignedIn) -> None:
    st.info(
        "This module has no evaluation form yet. The standard form asks how useful each session was "
        + (
            f"({ui.counted(len(rated), 'session')} on the agenda)"
            if rated
            else "(the agenda has no session yet: "
            "type it on **Agenda** first, or add its sessions' questions here once it has them)"
        )
        + ", the module's relevance, facilitation and logistics, "
        "what was most useful, and suggestions for the next module. Make it here, copy an earlier module's form "
        "below, or import a survey export (its columns become the form's questions); then change its questions."
    )
    if not user.can_edit:
        return
    ask = st.checkbox("Ask for the respondent's name", help="Leave this off: evaluations are anonymous by default.")
    if st.button("Create the standard form", type="primary"):
        ui.action(
            lambda session: create_standard_form(session, module_id=module_id, asks_name=ask, by=user.username),
            "Form created.",
        )


def _editor(form_id: int, module_id: int, user: SignedIn) -> None:
    version_key = _version_key(module_id)
    grid_key = f"form_questions_{form_id}_{editors.version(version_key)}"
    with ui.db() as session:
        fresh = editor_table(session, form_id)
        sessions = list(session_choices(session, module_id))
    if fresh.empty:
        st.info(
            "This form asks no question yet. Add a row to the grid for each question (the + under it), add a question "
            "for each session of the agenda, or copy an earlier module's questions below."
        )
    st.caption(
        "Edit a cell to reword a question or change it; add a row for a new question; to move one, type the number "
        "of the place it should take. A question with answers is never removed and keeps its kind and scale (its "
        "answers are figures): untick **Asked** to take it off the paper and online forms, its answers stay. Those forms "
        "number the questions asked 1, 2, 3… in this order, with no gap for one taken off. Nothing changes until you "
        "save."
    )
    shown, moved = editors.held(grid_key, fresh)
    typed = st.data_editor(
        shown,
        key=grid_key,
        placeholder="",  # an empty cell blank, not Streamlit's grey "None"
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=COLUMNS,
        disabled=["answers", "earlier"],
        column_config={
            "position": st.column_config.NumberColumn("No.", min_value=1, step=1, width="small",
                                                      help="Its place on the form: type another number to move it."),
            "text": st.column_config.TextColumn("Question", width="large", max_chars=500),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(KINDS), default="rating", width="small",
                                                     help="A rating (one of the scale's values) or an open question."),
            "scale": st.column_config.SelectboxColumn("Scale", options=list(SCALES), default="1-5", width="small",
                                                      help="A rating's range: 1-5 (the form's words), or 0-10."),
            "feeds_backlog": st.column_config.CheckboxColumn(
                "Backlog", default=False, width="small", help="An open question whose answers are suggested topics for the "
                "next module: they feed the topic backlog."),
            "session": st.column_config.SelectboxColumn(
                "Agenda session", options=sessions, width="medium", help="The session the question is about: its ratings count for "
                "that session and its facilitators."),
            "asked": st.column_config.CheckboxColumn(
                "Asked", default=True, width="small", help="Unticked: no longer on the paper-entry and online forms; its answers stay."),
            "answers": st.column_config.NumberColumn("Answers", width="small", help="How many answers it has so far."),
            "earlier": st.column_config.TextColumn("Answers given to", help="The wordings its answers were given to "
                                                   "before it was reworded."),
        },
    )  # fmt: skip
    editors.warn_moved(moved, MOVED)
    changed = not typed.reset_index(drop=True).equals(shown.reset_index(drop=True))
    review = QuestionReview()
    if changed:
        with ui.db() as session:
            review = review_questions(session, form_id=form_id, frame=typed)
        _show(review)
    confirmed = bool(review.to_confirm) and st.checkbox(
        "I have read this: save these changes to questions that have answers", key=f"{grid_key}_confirm"
    )
    blocked = not review.anything or bool(review.problems) or (bool(review.to_confirm) and not confirmed)
    if st.button("Save questions", type="primary", disabled=blocked, key=f"{grid_key}_save"):
        ui.action(
            lambda session: save_questions(
                session,
                form_id=form_id,
                frame=typed,
                opened=editors.opened(grid_key, shown, "id"),
                confirmed=set(review.to_confirm) if confirmed else (),
                by=user,
            ),
            lambda result: md_text(result.sentence()),
            then=editors.renew(version_key),
            on_error=editors.refused(grid_key),
        )


def _show(review: QuestionReview) -> None:
    """Say what saving the grid would do: what stops it, what to confirm, and the changes."""
    for problem in dict.fromkeys(review.problems):
        st.error(md_text(problem), icon=":material/block:")
    for sentence in review.to_confirm.values():
        st.warning(md_text(sentence), icon=":material/history_edu:")
    if review.changes and not review.problems:
        st.markdown("**When you save:**\n" + "\n".join(f"- {md_text(change)}" for change in review.changes))


def _sessions_without(form_id: int, module_id: int, user: SignedIn) -> None:
    with ui.db() as session:
        missing = [s.title for s in sessions_without_question(session, form_id)]
    if not missing:
        return
    st.info(
        f"{ui.counted(len(missing), 'session')} of the agenda no question is about: "
        + "; ".join(f"“{md_text(title)}”" for title in missing)
        + "."
    )
    if st.button(f"Add a question for {'it' if len(missing) == 1 else 'each'}", key=f"session_questions_{form_id}"):
        ui.action(
            lambda session: add_session_questions(session, form_id=form_id, by=user),
            lambda titles: f"Added {ui.counted(len(titles), 'session question')}.",
            then=editors.renew(_version_key(module_id)),
        )


def _copy(module_id: int, form_id: int | None, user: SignedIn) -> None:
    """Copy an earlier module's form (or its questions, onto this form): previewed, then copied."""
    title = "Copy an earlier module's form" if form_id is None else "Copy questions from an earlier module's form"
    with st.expander(title, expanded=form_id is None):
        if not user.can_edit:
            st.caption("Only facilitators and administrators can change the form.")
            return
        find = st.text_input("Find a module", key="form_copy_find", placeholder="Course code or title, city or year")
        with ui.db() as session:
            sources = copy_sources(session, module_id, find.strip() or None)
        if not sources:
            st.info(
                f"No module with an evaluation form matches “{md_text(find)}”."
                if find.strip()
                else "No other module has an evaluation form yet: create this one's above, or import an export."
            )
            return
        chosen = st.selectbox("Module to copy from", list(sources), format_func=sources.get, key="form_copy_from")
        with ui.db() as session:
            plan = ui.attempt(lambda: plan_copy(session, module_id=module_id, from_module_id=chosen))
        if plan is None:
            return
        st.markdown("\n".join(f"- {md_text(sentence)}" for sentence in plan.sentences()))
        if plan.copied:
            ui.table(plan.table(), hide_index=True, width="stretch")
        left_out = plan.left_out()
        if not left_out.empty:
            st.caption("Not copied")
            ui.table(left_out, hide_index=True, width="stretch", height=min(35 * (len(left_out) + 1) + 3, 250))
        label = f"Copy {ui.counted(len(plan.copied), 'question')}"
        if st.button(label, type="primary", disabled=not plan.copied, key="form_copy_button"):
            ui.action(
                lambda session: copy_form(
                    session, module_id=module_id, from_module_id=chosen, expect_form_id=form_id, by=user
                ),
                lambda done: md_text(" ".join(["Copied:", *done.sentences()])),
                then=editors.renew(_version_key(module_id)),
            )

"""Forms and entry: a module's evaluation form, imports of survey exports, and typing in paper forms."""

import streamlit as st

from programme.evaluations import (
    add_paper_response,
    create_standard_form,
    import_evaluations,
    module_form,
    questions_table,
)
from programme.evaluations.forms import METHODS_NOT_RATED, module_participants, module_sessions
from programme.evaluations.scales import form_labels
from programme.evaluations.summary import response_count
from programme.evaluations.undo import evaluation_imports, undo_evaluation_import, undo_summary
from programme.web import ui
from programme.web.display import md_text

user = ui.guard(__file__)
ui.heading(
    "Forms and entry",
    "Create a module's evaluation form, import a survey export, or type in paper forms one after another.",
)

module_id = ui.module_or_stop("entry_module")

with ui.db() as session:
    form = module_form(session, module_id)
    form_id = form.id if form else None
    asks_name = bool(form and form.asks_name)
    scale = form_labels(form.scale_labels if form else None)
    questions = questions_table(session, form_id) if form else None
    responses = response_count(session, module_id)
    agenda = [s.title for s in module_sessions(session, module_id) if s.method not in METHODS_NOT_RATED]


def past_imports() -> None:
    """This module's evaluation imports, and undo for one of them."""
    with ui.db() as session:
        imports = evaluation_imports(session, module_id=module_id)
    st.subheader("Past imports of this module")
    if imports.empty:
        st.caption("No evaluation export has been imported into this module yet.")
        return
    ui.undo_import(
        imports.drop(columns=["course", "module"]),
        key="undo_evaluation",
        describe=lambda row: (
            f"Import {row['batch']}: {row['file']}, {row['responses']} responses ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the responses the import added, and the questions it added unless paper forms use them.",
        undo=lambda session, batch_id: undo_evaluation_import(session, batch_id=batch_id, username=user.username),
        message=undo_summary,
    )


form_tab, import_tab, paper_tab = ui.tabs(["Form", "Import an export", "Type paper forms"], key="evaluation_entry_tab")

with form_tab:
    if form is None:
        st.info(
            "This module has no evaluation form yet. The standard form asks how useful each session was "
            f"({len(agenda)} sessions on the agenda), the module's relevance, facilitation and logistics, "
            "what was most useful, and suggestions for the next module."
        )
        ask = st.checkbox("Ask for the respondent's name", help="Leave this off: evaluations are anonymous by default.")
        if st.button("Create the standard form", type="primary"):
            ui.action(
                lambda session: create_standard_form(session, module_id=module_id, asks_name=ask, by=user.username),
                "Form created.",
            )
        st.caption("Or import an export: its columns become the form's questions.")
    else:
        st.write(f"**{md_text(form.title)}** · {len(questions)} questions · {responses} responses · "
                 + ("asks for a name" if asks_name else "anonymous"))  # fmt: skip
        st.dataframe(questions.drop(columns="id"), hide_index=True, width="stretch")

with import_tab:
    st.write(
        "Upload the spreadsheet as the survey tool exported it (KoboToolbox, Google Forms, Microsoft Forms...). "
        "Its own columns (`_uuid`, `start`, `end`, `_submission_time`...) are ignored; each other column becomes a "
        "question, tied to the session whose title it contains. Importing the same export again adds no duplicates."
    )
    nonce = st.session_state.setdefault("evaluation_upload", 0)
    upload = st.file_uploader("Evaluation export", type=["csv", "xlsx", "xls", "ods"], key=f"upload_{nonce}")
    custom = st.text_input("Scale labels, if the form used its own (five, lowest first, separated by commas)",
                           placeholder="e.g. Mauvais, Passable, Bien, Très bien, Excellent")  # fmt: skip
    if upload is not None:
        preview = ui.action(lambda session: import_evaluations(session, data=upload.getvalue(), filename=upload.name,
                            module_id=module_id, dry_run=True, scale_labels=custom or None))  # fmt: skip
        if preview is not None:
            counts = st.columns(4)
            counts[0].metric("Rows", preview.rows)
            counts[1].metric("New responses", preview.created)
            counts[2].metric("Already imported or repeated", preview.skipped)
            counts[3].metric("New questions", preview.questions_added)
            st.dataframe(preview.columns_table(), hide_index=True, width="stretch")
            for warning in preview.warnings:
                st.warning(md_text(warning))
            if preview.errors:
                st.error(
                    f"{len(preview.errors)} answers cannot be read; nothing will be imported until they are fixed."
                )
                st.dataframe([e.__dict__ for e in preview.errors], hide_index=True, width="stretch")
            elif preview.created == 0:
                st.info("Every response in this file is already imported.")
            elif st.button(f"Import {preview.created} responses", type="primary"):
                ui.action(
                    lambda session: import_evaluations(session, data=upload.getvalue(), filename=upload.name,
                                                       module_id=module_id, scale_labels=custom or None, by=user.username),
                    lambda done: f"Imported {done.created} responses.",
                    then=lambda _: st.session_state.update(evaluation_upload=nonce + 1),
                )  # fmt: skip
    past_imports()

with paper_tab:
    if form is None:
        st.info("Create the form first (on the **Form** tab), then type the paper forms here.")
    else:
        typed = st.session_state.get("paper_typed", 0)
        st.caption(f"Type one form, save, and the next blank form appears. Forms typed in this sitting: {typed}.")
        options = list(range(1, len(scale) + 1))
        with ui.db() as session:
            people = module_participants(session, module_id) if asks_name else {}
        # A form kept as typed after an error; cleared for the next one once saved.
        paper_keys = ("paper_person", *(f"q{row.id}" for row in questions.itertuples()))
        with st.form("paper_form"):
            person = None
            if asks_name:
                person = st.selectbox(
                    "Who filled it in",
                    [None, *people],
                    format_func=lambda p: people.get(p, "(no name)"),
                    key="paper_person",
                )
            answers = {}
            for row in questions.itertuples():
                label = md_text(f"{row.position}. {row.text}")
                if row.kind == "rating":
                    answers[row.id] = st.radio(label, options, index=None, horizontal=True, key=f"q{row.id}",
                                               format_func=lambda r: md_text(f"{r} {scale[r - 1]}"))  # fmt: skip
                else:
                    answers[row.id] = st.text_area(label, key=f"q{row.id}", height=68)
            saved = st.form_submit_button("Save and start the next form", type="primary")
        if saved:
            ui.action(
                lambda session: add_paper_response(session, form_id=form_id, person_id=person, by=user.username,
                                                   answers={k: v for k, v in answers.items() if v is not None}),
                f"Saved. {typed + 1} forms typed in this sitting.",
                clear=paper_keys,
                then=lambda _: st.session_state.update(paper_typed=typed + 1),
            )  # fmt: skip

"""Forms and entry: a module's evaluation form, imports of survey exports, and typing in paper forms."""

import hashlib

import streamlit as st

from programme.core.errors import ProgrammeError
from programme.evaluations import (
    add_paper_response,
    apply_evaluations,
    create_standard_form,
    module_form,
    plan_evaluations,
    questions_table,
)
from programme.evaluations.columns import COLUMN_ROLES
from programme.evaluations.forms import METHODS_NOT_RATED, module_participants, module_sessions
from programme.evaluations.scales import SCALE_SIZE, form_labels
from programme.evaluations.summary import response_count
from programme.evaluations.undo import evaluation_imports, undo_evaluation_import
from programme.intake.tools import PROFILES as TOOL_PROFILES
from programme.web import ui
from programme.web.display import md_text

user = ui.guard(__file__)
st.title("Forms and entry")
st.caption("Create a module's evaluation form, import a survey export, or type in paper forms one after another.")

module_id = ui.module_picker("entry_module")
if module_id is None:
    st.stop()

with ui.db() as session:
    form = module_form(session, module_id)
    form_id = form.id if form else None
    asks_name = bool(form and form.asks_name)
    scale = form_labels(form.scale_labels if form else None)
    questions = questions_table(session, form_id) if form else None
    responses = response_count(session, module_id)
    agenda = [s.title for s in module_sessions(session, module_id) if s.method not in METHODS_NOT_RATED]


EXPORT_KEY = "evaluation_export"  # the uploaded export ({"name", "data"}): every step after the upload reads it
AS_DETECTED = "as detected"
NO_TOOL = "none (a sheet typed by hand)"
ROLE_WORDS = {
    "rating": "a rating question",
    "text": "a text question",
    "meta": "not imported (the tool's own column)",
    "identity": "who answered",
    "submitted": "the submission time",
    "response id": "the response's id",
}


def remember_export(key: str) -> None:
    """Keep the uploaded export's bytes in session state (and forget them when the file is removed)."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        st.session_state.pop(EXPORT_KEY, None)
    else:
        st.session_state[EXPORT_KEY] = {"name": uploaded.name, "data": uploaded.getvalue()}


def choose_tool(detected: str | None, digest: str) -> str | None:
    """Say which tool the export looks like and let the user name another; return the --tool equivalent."""
    if detected:
        st.info(f"This looks like a {detected} export.")
    options = [detected or NO_TOOL, *[tool.name for tool in TOOL_PROFILES if tool.name != detected]]
    if detected:
        options.append(NO_TOOL)
    chosen = st.selectbox("The survey tool", options, key=f"evaluation_tool_{digest}",
                          format_func=lambda name: f"{name} (detected)" if name == detected else name)  # fmt: skip
    return None if chosen == detected else ("none" if chosen == NO_TOOL else chosen)


def choose_roles(preview, digest: str) -> dict[str, str]:
    """Let the user give a column another role than the one detected. Return {header: role}."""
    headers = [item["header"] for item in preview.columns]
    with st.expander("Change what a column is read as"):
        column = st.selectbox("Column", headers, key=f"role_column_{digest}")
        current = next(item["role"] for item in preview.columns if item["header"] == column)
        st.selectbox(f"Read as (detected: {current})", [AS_DETECTED, *COLUMN_ROLES], key=f"role_{digest}_{column}",
                     format_func=lambda role: ROLE_WORDS.get(role, role))  # fmt: skip
    roles = {header: st.session_state.get(f"role_{digest}_{header}", AS_DETECTED) for header in headers}
    return {header: role for header, role in roles.items() if role != AS_DETECTED}


def order_labels(unknown: dict[str, list[str]], digest: str) -> list[str] | None:
    """The order picker for rating labels no scale we know holds: five places, lowest first."""
    labels = list(dict.fromkeys(label for found in unknown.values() for label in found))
    st.warning(md_text(
        f"The rating labels {', '.join(repr(label) for label in labels)} are not a scale we know. Put them in order, "
        "lowest first (type a label the file does not use in its place)."
    ))  # fmt: skip
    places = st.columns(SCALE_SIZE)
    picked = [
        places[place].selectbox(f"{place + 1}" + (" (lowest)" if place == 0 else " (highest)" if place == SCALE_SIZE - 1
                                else ""), labels, index=None, accept_new_options=True,
                                key=f"label_{digest}_{place}")
        for place in range(SCALE_SIZE)
    ]  # fmt: skip
    return picked if all(picked) and len(set(picked)) == SCALE_SIZE else None


def import_export(upload: dict, custom: str) -> None:
    """Preview the export (the tool, each column's role, the labels' order), then import it."""
    digest = hashlib.sha256(upload["data"]).hexdigest()[:12]
    plan_args = {"data": upload["data"], "filename": upload["name"], "module_id": module_id}
    try:
        with ui.db() as session:
            preview = plan_evaluations(session, **plan_args, scale_labels=custom or None)
            tool = choose_tool(preview.tool, digest)
            if tool is not None:
                plan_args["tool_name"] = tool
                preview = plan_evaluations(session, **plan_args, scale_labels=custom or None)
            table = st.empty()  # what each column is read as, once the user's choices are applied
            roles = choose_roles(preview, digest)
            labels = custom or None
            if preview.unknown_labels:
                labels = order_labels(preview.unknown_labels, digest) or labels
            if roles or labels != (custom or None):
                preview = plan_evaluations(session, **plan_args, scale_labels=labels, columns=roles)
            table.dataframe(preview.columns_table(), hide_index=True, width="stretch")
    except ProgrammeError as error:
        ui.show_error(error)
        return
    counts = st.columns(4)
    counts[0].metric("Rows", preview.rows)
    counts[1].metric("New responses", preview.created)
    counts[2].metric("Already imported or repeated", preview.skipped)
    counts[3].metric("New questions", preview.questions_added)
    if roles:
        st.caption("Read as you chose: " + ", ".join(f"{header}: {ROLE_WORDS[role]}" for header, role in roles.items()))
    for warning in preview.warnings:
        st.warning(md_text(warning))
    if preview.errors:
        st.error(f"{len(preview.errors)} answers cannot be read; nothing will be imported until they are fixed.")
        st.dataframe([e.as_dict() for e in preview.errors], hide_index=True, width="stretch")
    elif preview.created == 0:
        st.info("Every response in this file is already imported.")
    elif st.button(f"Import {preview.created} responses", type="primary", key="import_evaluations"):
        try:
            with ui.db() as session:
                plan = plan_evaluations(session, **plan_args, scale_labels=labels, columns=roles)
                done = apply_evaluations(session, plan, by=user.username)
        except ProgrammeError as error:
            ui.show_error(error)
        else:
            st.session_state["evaluation_upload"] = st.session_state["evaluation_upload"] + 1
            st.session_state.pop(EXPORT_KEY, None)
            st.session_state["evaluation_imported"] = done.created
            st.rerun()


def past_imports() -> None:
    """This module's evaluation imports, and undo for one of them."""
    with ui.db() as session:
        imports = evaluation_imports(session, module_id=module_id)
    st.subheader("Past imports of this module")
    if imports.empty:
        st.caption("No evaluation export has been imported into this module yet.")
        return
    batch_id = ui.import_to_undo(
        imports.drop(columns=["course", "module"]),
        key="undo_evaluation",
        describe=lambda row: (
            f"Import {row['batch']}: {row['file']}, {row['responses']} responses ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the responses the import added, and the questions it added unless paper forms use them.",
    )
    if batch_id is None:
        return
    try:
        with ui.db() as session:
            undone = undo_evaluation_import(session, batch_id=batch_id, username=user.username)
    except ProgrammeError as error:
        ui.show_error(error)
        return
    removed = f"Import {batch_id} undone: {undone['responses_removed']} responses removed"
    if undone["questions_removed"]:
        removed += f", {undone['questions_removed']} questions removed"
    if undone["questions_kept"]:
        removed += f", {undone['questions_kept']} of its questions kept (other answers use them)"
    if undone["form_removed"]:
        removed += ", and the form it created"
    st.session_state["evaluation_undone"] = removed + "."
    st.rerun()


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
            try:
                with ui.db() as session:
                    create_standard_form(session, module_id=module_id, asks_name=ask, by=user.username)
            except ProgrammeError as error:
                ui.show_error(error)
            else:
                ui.done("Form created.")
        st.caption("Or import an export: its columns become the form's questions.")
    else:
        st.write(f"**{md_text(form.title)}** · {len(questions)} questions · {responses} responses · "
                 + ("asks for a name" if asks_name else "anonymous"))  # fmt: skip
        st.dataframe(questions.drop(columns="id"), hide_index=True, width="stretch")

with import_tab:
    st.write(
        "Upload the spreadsheet as the survey tool exported it (KoboToolbox, ODK Central, Google Forms, Microsoft "
        "Forms, SurveyMonkey, Typeform...). The tool's own columns are ignored; each other column becomes a "
        "question, tied to the session whose title it contains. Importing the same export again adds no duplicates."
    )
    nonce = st.session_state.setdefault("evaluation_upload", 0)
    st.file_uploader("Evaluation export", type=["csv", "xlsx", "xls", "ods"], key=f"upload_{nonce}",
                     on_change=remember_export, args=(f"upload_{nonce}",))  # fmt: skip
    custom = st.text_input("Scale labels, if the form used its own (five, lowest first, separated by commas)",
                           placeholder="e.g. Mauvais, Passable, Bien, Très bien, Excellent")  # fmt: skip
    upload = st.session_state.get(EXPORT_KEY)
    if upload is not None:
        import_export(upload, custom)
    if "evaluation_imported" in st.session_state:
        st.success(f"Imported {st.session_state.pop('evaluation_imported')} responses.")
    if "evaluation_undone" in st.session_state:
        st.success(st.session_state.pop("evaluation_undone"))
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
            try:
                with ui.db() as session:
                    add_paper_response(session, form_id=form_id, answers={k: v for k, v in answers.items() if v is not None},
                                       person_id=person, by=user.username)  # fmt: skip
            except ProgrammeError as error:
                ui.show_error(error)
            else:
                st.session_state["paper_typed"] = typed + 1
                ui.done(f"Saved. {typed + 1} forms typed in this sitting.", clear=paper_keys)

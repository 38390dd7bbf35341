"""The Forms and entry page's import of a survey export: the upload kept, the tool, each column's role, the rating
labels' order, the preview and the import; the module's past imports with undo."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from programme.core.errors import ProgrammeError
from programme.core.words import a_or_an, nothing_until_fixed
from programme.evaluations import EvaluationImport, plan_evaluations
from programme.evaluations.columns import COLUMN_ROLES
from programme.evaluations.importing import ImportedMeanwhile, import_from_preview
from programme.evaluations.scales import SCALE_SIZE
from programme.evaluations.undo import evaluation_imports, undo_evaluation_import
from programme.intake.tools import PROFILES as TOOL_PROFILES
from programme.web import ui
from programme.web.display import MISSING, is_missing, md_text

EXPORT_KEY = "evaluation_export"  # the uploaded export ({"name", "data"}): every step after the upload reads it
REFUSED_KEY = "evaluation_refused"  # an import refused at the click, said under the uploader after the rerun
AS_DETECTED = "as detected"
NO_TOOL = "none (a sheet typed by hand)"
ROLE_WORDS = {
    "rating": "a rating question (1-5)",
    "rating 0-10": "a 0-10 question (kept apart from the 1-5 ratings)",
    "text": "a text question",
    "meta": "not imported (the tool's own column)",
    "identity": "who answered",
    "submitted": "the submission time",
    "response id": "the response's id",
}


def columns_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The table of what each column of the export becomes, as the page shows it in a static table (st.table, whose
    cells read Markdown): each text exactly as the export and the plan have it (md_text: a question's *asterisks* or
    $ stay as typed), a dash where nothing applies (no session)."""
    return frame.map(lambda value: MISSING if is_missing(value) else md_text(value))


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
        st.info(f"This looks like {a_or_an(detected)} export.")
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


# The page's choice for dates that read two ways: month_first as import_evaluations takes it (None: not stored).
DATE_ORDERS = {"Not known: leave those dates out": None, "Day first (4/5 = 4 May)": False,
               "Month first (4/5 = April 5)": True}  # fmt: skip


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
                                else ""), labels, index=None, accept_new_options=True, placeholder="Pick or type a label",
                                key=f"label_{digest}_{place}")
        for place in range(SCALE_SIZE)
    ]  # fmt: skip
    return picked if all(picked) and len(set(picked)) == SCALE_SIZE else None


def _preview(plan_args: dict, custom: str, digest: str) -> tuple[EvaluationImport, dict[str, str], list[str] | None]:
    """Plan the import with the user's choices (the tool, each column's role, the labels' order), showing them;
    return the plan, the roles chosen and the labels used."""
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
        if preview.two_way_dates or f"date_order_{digest}" in st.session_state:
            order = st.radio(
                "Day and month order of the submission dates (no date in the file has a day above 12)",
                list(DATE_ORDERS), key=f"date_order_{digest}", horizontal=True,
            )  # fmt: skip
            if DATE_ORDERS[order] is not None:
                plan_args["month_first"] = DATE_ORDERS[order]
                preview = plan_evaluations(session, **plan_args, scale_labels=custom or None)
        if roles or labels != (custom or None):
            preview = plan_evaluations(session, **plan_args, scale_labels=labels, columns=roles)
        # Every column of the export (not ten and a scroll bar), and each "becomes" (a question's wording as it will be
        # written, its scale) read in full: a static table wraps a long text in its cell, where a data grid cut it
        # at the column's edge (and its kind and session went out of sight beside it).
        table.table(columns_shown(preview.columns_table()), hide_index=True, width="stretch")
    return preview, roles, labels


def import_export(upload: dict, custom: str, module_id: int, *, by: str) -> None:
    """Preview the export (the tool, each column's role, the labels' order), then import it."""
    digest = hashlib.sha256(upload["data"]).hexdigest()[:12]
    plan_args = {"data": upload["data"], "filename": upload["name"], "module_id": module_id}
    planned = ui.attempt(lambda: _preview(plan_args, custom, digest))
    if planned is None:
        return
    preview, roles, labels = planned
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
        st.error(nothing_until_fixed(len(preview.errors), "answer", said=" cannot be read"))
        ui.table([e.as_dict() for e in preview.errors], hide_index=True, width="stretch")
    elif preview.created == 0:
        earlier = f" ({preview.imported_before})" if preview.imported_before else ""
        st.info(md_text(f"Every response in this file is already imported{earlier}."))
    elif st.button(
        f"Import {ui.counted(preview.created, 'response')} into {ui.import_target(module_id)}",
        type="primary",
        key="import_evaluations",
    ):
        ui.action(
            lambda session: import_from_preview(session, by=by, **plan_args, scale_labels=labels, columns=roles),
            "",  # the count is shown under the uploader after the rerun
            then=_imported,
            on_error=_refused,
        )


def _imported(done: EvaluationImport) -> None:
    """After an import: an empty uploader, and the count of responses imported to show."""
    st.session_state["evaluation_upload"] = st.session_state["evaluation_upload"] + 1
    st.session_state.pop(EXPORT_KEY, None)
    st.session_state["evaluation_imported"] = done.created


def _refused(error: ProgrammeError) -> None:
    """An import refused at the click. Imported meanwhile by a colleague: the stale preview and its Import button go
    (the uploader emptied), the refusal said in their place after the rerun. Any other refusal: said under the button.
    """
    if not isinstance(error, ImportedMeanwhile):
        ui.show_error(error)
        return
    st.session_state["evaluation_upload"] = st.session_state["evaluation_upload"] + 1
    st.session_state.pop(EXPORT_KEY, None)
    st.session_state[REFUSED_KEY] = str(error)
    st.rerun()


def past_imports(module_id: int, *, by: str) -> None:
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
            f"Import {row['import']}: {row['file']}, {ui.counted(row['responses'], 'response')} ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the responses the import added, and the questions it added unless paper forms use them.",
        undo=lambda session, batch_id: undo_evaluation_import(session, batch_id=batch_id, username=by),
        message=undone_message,
    )


def undone_message(number: int, undone: dict) -> str:
    """What an undo removed, in one sentence (number: the import's as Past imports lists it)."""
    removed = f"Import {number} undone: {ui.counted(undone['responses_removed'], 'response')} removed"
    if undone["questions_removed"]:
        removed += f", {ui.counted(undone['questions_removed'], 'question')} removed"
    if undone["questions_kept"]:
        removed += f", {undone['questions_kept']} of its questions kept (other answers use them)"
    if undone["form_removed"]:
        removed += ", and the form it created"
    return removed + "."

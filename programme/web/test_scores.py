"""The Forms and entry page's pre- and post-tests: a quiz's export uploaded, previewed (matched, not matched,
unreadable) and imported on confirmation; and the module's scores typed or corrected in a grid."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.core.rounding import fixed
from programme.core.words import a_or_an
from programme.evaluations.test_score_undo import test_score_imports, undo_summary, undo_test_score_import
from programme.evaluations.test_scores import (
    STAGE_WORDS,
    STAGES,
    UNREADABLE,
    TestScoreImport,
    apply_test_scores,
    file_columns,
    plan_test_scores,
    save_scores,
    scores_table,
)
from programme.web import editors, ui
from programme.web.display import MISSING, is_missing, md_text, readable

UPLOAD_KEY = "test_scores_upload"  # the uploaded export ({"name", "data"})
NONCE_KEY = "test_scores_nonce"  # renewed after an import: an empty uploader
DONE_KEY = "test_scores_done"  # the sentence saying what the last import wrote
GRID_VERSION = "test_scores_grid"
DETECTED = "as detected"


def _remember(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        st.session_state.pop(UPLOAD_KEY, None)
    else:
        st.session_state[UPLOAD_KEY] = {"name": uploaded.name, "data": uploaded.getvalue()}


def tab(module_id: int, *, user: SignedIn) -> None:
    """Draw the tab: the import of a quiz's export, then the grid of the module's scores."""
    st.write(
        "Upload the results of the quiz taken at the start (pre-test) or end (post-test) of the module, as Google "
        "Forms or Microsoft Forms downloads them. Each row is matched to a person of this module by e-mail, then by "
        "name; scores are kept as a percentage of the quiz's maximum. Importing the same test again replaces the "
        "scores of the people it holds."
    )
    stage = st.radio("Which test", STAGES, key="test_scores_stage", horizontal=True,
                     format_func=lambda s: STAGE_WORDS[s].capitalize())  # fmt: skip
    nonce = st.session_state.setdefault(NONCE_KEY, 0)
    key = f"test_scores_file_{nonce}"
    uploaded = st.file_uploader("Quiz results", type=["csv", "xlsx", "xls", "ods"], key=key,
                                on_change=_remember, args=(key,))  # fmt: skip
    if uploaded is not None and UPLOAD_KEY not in st.session_state:
        _remember(key)
    out_of = st.number_input(
        "Out of: the quiz's maximum, needed when the file gives points alone (Microsoft Forms' Total points)",
        min_value=0.0, value=None, step=1.0, key="test_scores_out_of",
    )  # fmt: skip
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None:
        _preview(upload, module_id, stage, out_of or None, by=user.username)
    st.subheader("Type or correct scores")
    grid(module_id, user=user)
    past_imports(module_id, by=user.username)


def _preview(upload: dict, module_id: int, stage: str, out_of: float | None, *, by: str) -> None:
    digest = hashlib.sha256(upload["data"]).hexdigest()[:12]
    args = {"data": upload["data"], "filename": upload["name"], "module_id": module_id, "stage": stage,
            "out_of": out_of}  # fmt: skip
    # The column is chosen before the plan: a file whose score column is not recognised can still be read.
    columns = ui.attempt(lambda: file_columns(upload["data"], upload["name"]))
    if columns is None:
        return
    chosen = st.selectbox("The column holding the scores", [DETECTED, *columns], key=f"test_scores_column_{digest}")
    if chosen != DETECTED:
        args["score_column"] = chosen
    with ui.db() as session:
        plan = ui.attempt(lambda: plan_test_scores(session, **args))
    if plan is None:
        return
    if plan.tool:
        st.info(f"This looks like {a_or_an(plan.tool)} export.")
    st.caption(f"Scores read from the column '{md_text(plan.score_column)}'.")
    _show(plan)
    if plan.errors:
        return
    if not plan.matched:
        st.info("No row of this file matches a person of this module: nothing to import.")
    elif st.button(
        f"Import {ui.counted(len(plan.matched), STAGE_WORDS[stage] + ' score')} into {ui.import_target(module_id)}",
        type="primary",
        key="test_scores_import",
    ):
        ui.action(
            lambda session: apply_test_scores(session, plan_test_scores(session, **args), by=by),
            "",  # said under the uploader after the rerun
            then=_imported,
        )


def _show(plan: TestScoreImport) -> None:
    counts = st.columns(4)
    counts[0].metric("Rows", plan.rows)
    counts[1].metric("Matched", len(plan.matched))
    counts[2].metric("Not matched", len(plan.unmatched))
    counts[3].metric("Unreadable", sum(1 for row in plan.details if row.status == UNREADABLE))
    if plan.replaced:
        has = "has" if plan.replaced == 1 else "have"
        st.caption(
            f"{ui.counted(plan.replaced, 'person', 'people')} matched already {has} a {STAGE_WORDS[plan.stage]} "
            f"score: the file's replaces {'it' if plan.replaced == 1 else 'theirs'} (the Replaces column)."
        )
    for warning in plan.warnings:
        st.warning(md_text(warning))
    for error in plan.errors:
        st.error(md_text(f"Row {error.row}, column '{error.column}': {error.message}."))
    if plan.errors:
        st.caption("Nothing will be imported until these are fixed.")
    if plan.unmatched:
        st.caption("Rows not matched are not imported; type their scores in the grid below if they belong here.")
    ui.table(_preview_table(plan), hide_index=True, width="stretch",
             column_config={"Reason": st.column_config.TextColumn("Reason", width="large")})  # fmt: skip


# The preview's columns as the page names them; "previous" only when the import replaces a score.
PREVIEW_HEADERS = {"row": "Row", "email": "E-mail", "name": "Name", "score": "Score (%)", "status": "Status",
                   "person": "Matched to", "previous": "Replaces (%)", "reason": "Reason"}  # fmt: skip


def _preview_table(plan: TestScoreImport) -> pd.DataFrame:
    """The plan's rows to show: scores to one decimal, the dash where nothing is recorded, plain headers."""
    table = plan.table()
    if not plan.replaced:
        table = table.drop(columns=["previous"])
    for column in ("score", "previous"):
        if column in table.columns:
            table[column] = [MISSING if is_missing(value) else fixed(value, 1) for value in table[column]]
    return readable(table, text=["email", "name", "person", "reason"]).rename(columns=PREVIEW_HEADERS)


def _imported(done: TestScoreImport) -> None:
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state[DONE_KEY] = done.summary()
    editors.renew(GRID_VERSION)(done)


def grid(module_id: int, *, user: SignedIn) -> None:
    """The module's people with their pre- and post-test scores (%), typed or corrected; only changed cells saved."""
    with ui.db() as session:
        # Nationality by name and the dash for an e-mail not recorded: read only, never saved (save_scores reads
        # the scores alone).
        fresh = readable(scores_table(session, module_id), countries=["nationality"], text=["email"])
    if fresh.empty:
        st.info("Nobody is on this module's list yet; import the participant list first.")
        return
    key = f"test_scores_{module_id}_{editors.version(GRID_VERSION)}"
    shown, moved = editors.held(key, fresh)
    typed = st.data_editor(
        shown,
        key=key,
        placeholder="",  # a score not recorded is a blank cell to type into, not Streamlit's grey "None"
        hide_index=True,
        width="stretch",
        disabled=["full_name", "nationality", "email", "role"],
        column_config={
            "participation_id": None,
            "full_name": "Name",
            "nationality": "Nationality",
            "email": "E-mail",
            "role": "Role",
            "pre_test_score": st.column_config.NumberColumn("Pre-test (%)", min_value=0, max_value=100, format="%.1f"),
            "post_test_score": st.column_config.NumberColumn("Post-test (%)", min_value=0, max_value=100,
                                                             format="%.1f"),
        },
    )  # fmt: skip
    editors.warn_moved(moved, "The scores changed while you were typing (a colleague saved, or an import).")
    if st.button("Save scores", type="primary", key="test_scores_save"):
        opened = editors.opened(key, shown, "participation_id")
        ui.action(
            lambda session: save_scores(session, module_id=module_id, opened=opened, typed=typed, by=user.username),
            lambda count: f"{ui.counted(count, 'score')} saved." if count else "Nothing changed.",
            then=editors.renew(GRID_VERSION),
            on_error=editors.refused(key),
        )


def past_imports(module_id: int, *, by: str) -> None:
    """This module's imports of test scores, and undo for one of them."""
    with ui.db() as session:
        imports = test_score_imports(session, module_id=module_id)
    st.subheader("Past imports of test scores")
    if imports.empty:
        st.caption("No quiz export has been imported into this module yet.")
        return
    ui.undo_import(
        imports,
        key="undo_test_scores",
        describe=lambda row: (
            f"Import {row['import']}: {row['file']}, {row['test']}, {ui.counted(row['scores written'], 'score')} "
            f"({row['imported at']:%d %b %Y})"
        ),
        effect=(
            "Undo puts each score the import wrote back to what it replaced (none, for someone who had none), except "
            "scores changed since: typed in the grid, or imported again. Those stay."
        ),
        undo=lambda session, batch_id: undo_test_score_import(session, batch_id=batch_id, username=by),
        message=undo_summary,
        then=editors.renew(GRID_VERSION),
    )

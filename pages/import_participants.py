"""Import participants: upload, check the columns, preview, import; the template; past imports with Undo."""

from __future__ import annotations

import streamlit as st

from programme.courses.lookup import module_ref
from programme.importing import (
    ImportPlan,
    apply_plan,
    batches_table,
    undo_batch,
)
from programme.importing.files import template
from programme.importing.lists import LIST_KIND_LABELS, ListKind
from programme.web import import_steps, ui
from programme.web.display import md_text
from programme.web.import_steps import GENERATION_KEY, RESULT_KEY, UPLOAD_KEY

user = ui.guard(__file__)
ui.heading(
    "Import participants",
    "Bring in a registration export, an attendance sheet or a partner's list (.xlsx, .xls, .ods, .csv). "
    "Nothing is saved until you press Import.",
)


def run_import(plan: ImportPlan, accepted: set[int], skip_invalid: bool) -> None:
    bar = st.progress(0.0, text="Importing…")
    ui.action(
        lambda session: apply_plan(
            session,
            plan=plan,
            username=user.username,
            accepted=accepted,
            skip_invalid=skip_invalid,
            progress=lambda share, text: bar.progress(min(1.0, share), text=text),
        ),
        "",  # show_result says what was imported
        clear=(UPLOAD_KEY,),
        then=lambda result: st.session_state.update(
            {RESULT_KEY: result, GENERATION_KEY: st.session_state.get(GENERATION_KEY, 0) + 1}
        ),
    )
    bar.empty()  # reached only when the import was refused


def show_result() -> None:
    result = st.session_state.get(RESULT_KEY)
    if result is None:
        return
    st.success(
        f"Imported as import {result.batch_id}: {result.created:,} new people, {result.matched:,} matched, "
        f"{result.participations:,} participations added, {result.updated_fields:,} blank fields filled"
        + (f", {result.skipped_rows:,} rows with errors skipped." if result.skipped_rows else ".")
        + f" The list was taken as a {LIST_KIND_LABELS[ListKind(result.list_kind)].lower()}."
    )


def import_section() -> None:
    module_id = import_steps.choose_module()
    if module_id is None:
        return
    st.file_uploader(
        "Participant list",
        type=["xlsx", "xls", "ods", "csv"],
        key=import_steps.uploader_key(),
        on_change=import_steps.remember_upload,
    )
    st.download_button(
        "Download the import template (.xlsx)",
        template,  # built when clicked, not on every rerun
        file_name="participant_import_template.xlsx",
        icon=":material/table_view:",
        help="Columns the import reads, with dropdowns for gender, countries and organisation type.",
    )
    show_result()
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        st.info("Choose the module, then upload the list. Or download the template to fill in.")
        return
    read = import_steps.read_upload(upload)
    if read is None:
        return
    table, digest = read
    mapping = import_steps.edit_mapping(table, digest)
    kind = import_steps.choose_list_kind(table, mapping, digest)
    plan = ui.attempt(lambda: import_steps.make_plan(table, mapping, module_id, upload, digest, kind))
    if plan is None:
        return
    import_steps.show_preview(plan, table)
    accepted = import_steps.review_probable(plan, digest)
    import_steps.show_counts(plan, accepted)
    skip_invalid = False
    if plan.errors:
        skip_invalid = st.checkbox("Import the valid rows only (rows with errors are skipped)", key="skip_invalid")
    valid = plan.counts()["valid"]
    blocked = bool(plan.errors) and not skip_invalid
    with ui.db() as session:
        target = module_ref(session, module_id).heading  # the button says where the list goes
    if st.button(f"Import {valid:,} rows into {md_text(target)}", type="primary", disabled=blocked or valid == 0,
                 key="import_button"):  # fmt: skip
        run_import(plan, accepted, skip_invalid)


def past_imports() -> None:
    st.subheader("Past imports")
    with ui.db() as session:
        batches = batches_table(session)
    if batches.empty:
        st.caption("No participant list has been imported yet.")
        return
    # The message follows a rerun, so that the list above shows the import as undone and the last result is gone.
    ui.undo_import(
        batches,
        key="undo",
        describe=lambda row: (
            f"Import {row['batch']}: {row['file']}, {row['new people']:,} new people ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the people and participations the import added and clears the blanks it filled.",
        undo=lambda session, batch_id: undo_batch(session, batch_id=batch_id, username=user.username),
        message=lambda batch_id, undone: (
            f"Import {batch_id} undone: {undone['people_removed']} people and "
            f"{undone['participations_removed']} participations removed, {undone['fields_reverted']} fields reverted."
        ),
        then=lambda _: st.session_state.update(
            {RESULT_KEY: None, GENERATION_KEY: st.session_state.get(GENERATION_KEY, 0) + 1}
        ),
    )


import_section()
st.divider()
past_imports()

"""Import participants: upload, check the columns, preview, import; the template; past imports with Undo."""

from __future__ import annotations

import streamlit as st

from programme.courses.catalogue import get_module_by_id
from programme.importing import batches_table, undo_batch
from programme.importing.files import sample_attendance, template
from programme.planning.agenda import module_days
from programme.web import import_steps as steps
from programme.web import ui
from programme.web.display import md_text

user = ui.guard(__file__)
st.title("Import participants")
st.caption(
    "Bring in a registration export, an attendance sheet or a partner's list (.xlsx, .xls, .ods, .csv). "
    "Nothing is saved until you press Import."
)


def import_section(module_id: int) -> None:
    """Draw the import steps into the chosen module."""
    st.file_uploader(
        "Participant list",
        type=["xlsx", "xls", "ods", "csv"],
        key=steps.uploader_key(),
        on_change=steps.remember_upload,
    )
    st.download_button(
        "Download the import template (.xlsx)",
        template,  # built when clicked, not on every rerun
        file_name="participant_import_template.xlsx",
        icon=":material/table_view:",
        help="Columns the import reads, with dropdowns for gender, countries and organisation type.",
        on_click="ignore",
    )
    with ui.db() as session:
        days = module_days(get_module_by_id(session, module_id))
    st.download_button(
        "Download a sample attendance sheet (.xlsx)",
        lambda: sample_attendance(days),
        file_name=f"sample_attendance_sheet_{days}_days.xlsx",
        icon=":material/fact_check:",
        help=f"Fictitious people ticked on this module's {days} day{'s' if days > 1 else ''} (two miss one day), to "
        "try the import, then the report and the certificates. Undo under Past imports removes them.",
        on_click="ignore",
        key="sample_attendance",
    )
    shown = steps.show_result()
    upload = st.session_state.get(steps.UPLOAD_KEY)
    if upload is None:
        if not shown:  # after an import, its result says what happened; the next list is uploaded the same way
            st.info(
                "Upload the list. Or download the template to fill in, or the sample sheet to try the import first."
            )
        return
    read = steps.read_upload(upload)
    if read is None:
        return
    table, digest = read
    mapping = steps.edit_mapping(table, digest)
    chosen = steps.ask_own_account(table, mapping, digest)
    if chosen is None:
        return
    table, mapping = chosen
    kind = steps.choose_list_kind(table, mapping, digest)
    plan = ui.attempt(lambda: steps.make_plan(table, mapping, module_id, upload, digest, kind))
    if plan is None:
        return
    steps.show_preview(plan, table)
    steps.map_unknown_values(plan, digest, by=user.username)
    accepted = steps.review_probable(plan, digest)
    steps.show_counts(plan, accepted)
    skip_invalid = False
    if plan.errors:
        skip_invalid = st.checkbox("Import the valid rows only (rows with errors are skipped)", key="skip_invalid")
    valid = plan.counts()["valid"]
    blocked = bool(plan.errors) and not skip_invalid
    target = ui.import_target(module_id)
    if st.button(f"Import {ui.counted(valid, 'row')} into {target}", type="primary", disabled=blocked or valid == 0,
                 key="import_button"):  # fmt: skip
        steps.run_import(plan, accepted, skip_invalid, by=user.username)


def forget_result(_undone: dict) -> None:
    """After an undo: cached plans are stale and the last import's result is gone."""
    st.session_state[steps.GENERATION_KEY] = st.session_state.get(steps.GENERATION_KEY, 0) + 1
    st.session_state.pop(steps.RESULT_KEY, None)


def past_imports(module_id: int | None) -> None:
    st.subheader("Past imports")
    this_module = module_id is not None and st.toggle(
        f"Only the imports into {md_text(steps.module_name(module_id))}", value=True, key="past_imports_this_module"
    )
    with ui.db() as session:
        batches = batches_table(session, module_id=module_id if this_module else None)
    if batches.empty:
        st.caption(
            "No participant list has been imported into this module yet."
            if this_module
            else "No participant list has been imported yet."
        )
        return
    ui.undo_import(
        batches,
        key="undo",
        describe=lambda row: (
            f"Import {row['import']}: {row['file']}, {ui.counted(row['new people'], 'new person', 'new people')} ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the people and participations the import added and clears the blanks it filled.",
        undo=lambda session, batch_id: undo_batch(session, batch_id=batch_id, username=user.username),
        message=lambda number, undone: (
            f"Import {number} undone: {ui.counted(undone['people_removed'], 'person', 'people')} and "
            f"{ui.counted(undone['participations_removed'], 'participation')} removed, "
            f"{ui.counted(undone['fields_reverted'], 'field')} reverted."
            + (
                f" {ui.counted(undone['fields_kept'], 'field')} the import filled "
                f"{'was' if undone['fields_kept'] == 1 else 'were'} kept: those people's records were changed "
                "since (check them on their pages)."
                if undone["fields_kept"]
                else ""
            )
        ),
        then=forget_result,
    )


chosen = steps.choose_module()
if chosen is not None:
    import_section(chosen)
st.divider()
past_imports(chosen)

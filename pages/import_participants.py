"""Import participants: upload, check the columns, preview, import; the template; past imports with Undo."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.core.errors import ProgrammeError
from programme.importing import (
    FIELD_LABELS,
    ColumnMapping,
    ImportPlan,
    RowStatus,
    apply_plan,
    batches_table,
    build_plan,
    detect_columns,
    file_hash,
    read_participant_sheet,
    undo_batch,
)
from programme.importing.columns import day_number
from programme.importing.files import error_report, template
from programme.importing.lists import LIST_KIND_EFFECTS, LIST_KIND_LABELS, ListKind, detect_list_kind, why_detected
from programme.importing.profiles import PROFILES
from programme.importing.value_mappings import MAPPABLE, remember_mappings
from programme.models import Course, Module
from programme.people.countries import country_name
from programme.sheets import SheetTable
from programme.web import ui
from programme.web.display import md_text

# The uploaded file lives here ({"name", "data"}), so that every step after the upload reads session state.
UPLOAD_KEY = "import_upload"
RESULT_KEY = "import_result"
GENERATION_KEY = "import_generation"  # bumped after an import or undo: cached plans are then stale
UNDONE_KEY = "import_undone"  # the message of an undo, shown after the rerun that follows it
NOT_USED = "— not used —"
NONE_TOOL = "none (a list typed by hand)"
LEAVE_UNKNOWN = "— leave not recorded —"
TOOL_NAMES = [profile.name for profile in PROFILES]
# Rows shown (colour-coded) in the preview; the counts and the error report always cover every row.
PREVIEW_ROWS = 2_000
STATUS_COLOURS = {
    RowStatus.NEW.value: "#e6f4ea",
    RowStatus.MATCHED.value: "#e8f0fe",
    RowStatus.PROBABLE.value: "#fef7e0",
    RowStatus.REPEATED.value: "#f1f3f4",
    RowStatus.ERROR.value: "#fce8e6",
}

user = ui.guard(__file__)
st.title("Import participants")
st.caption(
    "Bring in a registration export, an attendance sheet or a partner's list (.xlsx, .xls, .ods, .csv). "
    "Nothing is saved until you press Import."
)


def remember_upload() -> None:
    """Keep the uploaded file's bytes in session state (and forget them when the file is removed)."""
    uploaded = st.session_state.get(uploader_key())
    if uploaded is None:
        st.session_state.pop(UPLOAD_KEY, None)
    else:
        st.session_state[UPLOAD_KEY] = {"name": uploaded.name, "data": uploaded.getvalue()}
    st.session_state.pop(RESULT_KEY, None)


def uploader_key() -> str:
    # A new key after each import gives an empty uploader for the next list.
    return f"import_file_widget_{st.session_state.get(GENERATION_KEY, 0)}"


def choose_module() -> int | None:
    return ui.module_picker(
        "import_module",
        label="Module the list belongs to",
        empty="There are no modules yet. Add a course and its modules on **Courses and modules** first.",
    )


def read_upload(upload: dict) -> tuple[SheetTable, str] | None:
    digest = file_hash(upload["data"])
    cache = st.session_state.setdefault("import_tables", {})
    if digest not in cache:
        try:
            cache.clear()
            cache[digest] = read_participant_sheet(upload["data"], upload["name"])
        except ProgrammeError as error:
            ui.show_error(error)
            return None
    return cache[digest], digest


def choose_tool(table: SheetTable, digest: str) -> str | None:
    """Show the tool recognised and let the user name another (or none); return the tool to read the list as."""
    detected = detect_columns(table).tool
    if detected:
        st.info(f"This looks like a {detected} export.")
    options = [detected or NONE_TOOL, *[name for name in TOOL_NAMES if name != detected]]
    if detected:
        options.append(NONE_TOOL)
    chosen = st.selectbox(
        "The tool the list comes from",
        options,
        format_func=lambda name: f"{name} (detected)" if name == detected else name,
        key=f"tool_{digest[:12]}",
        help="The tool's own columns are set aside and its columns read as it writes them. Change it when the "
        "list was recognised wrongly.",
    )
    return "none" if chosen == NONE_TOOL else chosen


def edit_mapping(table: SheetTable, digest: str) -> ColumnMapping:
    tool = choose_tool(table, digest)
    detected = detect_columns(table, tool=tool)
    if detected.tool and detected.ignored:
        st.caption("The tool's own columns, not read: " + ", ".join(detected.ignored) + ".")
    for note in detected.notes:
        st.caption(note)
    options = [NOT_USED, *table.columns]
    with st.expander("Columns: which column holds what (detected; change if wrong)", expanded=not detected.has_name()):
        fields: dict[str, str] = {}
        grid = st.columns(3)
        for position, (name, label) in enumerate(FIELD_LABELS.items()):
            current = detected.fields.get(name, NOT_USED)
            chosen = grid[position % 3].selectbox(
                label, options, index=options.index(current), key=f"map_{digest[:12]}_{tool}_{name}"
            )
            if chosen != NOT_USED:
                fields[name] = chosen
        days = st.multiselect(
            "Attendance day columns (Day 1, Day 2...)",
            table.columns,
            default=list(detected.days),
            key=f"map_{digest[:12]}_{tool}_days",
        )
        numbered = {column: day_number(column) or position for position, column in enumerate(days, start=1)}
        roles = ColumnMapping(fields=fields, days=numbered, ignored=list(detected.ignored))
        st.caption("What each column of the list is read as:")
        st.dataframe(pd.DataFrame(roles.roles(table.columns)), hide_index=True, width="stretch")
    return ColumnMapping(
        fields=fields, days=numbered, tool=detected.tool, ignored=list(detected.ignored), notes=list(detected.notes)
    )


def choose_list_kind(table: SheetTable, mapping: ColumnMapping, digest: str) -> ListKind:
    """Ask what the list is, the detected kind chosen; one sentence says what each kind does."""
    detected = detect_list_kind(table.columns, mapping)
    kinds = list(ListKind)
    kind = st.radio(
        "What is this list?",
        kinds,
        index=kinds.index(detected),
        format_func=lambda k: LIST_KIND_LABELS[k] + (" (detected)" if k == detected else ""),
        horizontal=True,
        key=f"list_kind_{digest[:12]}_{detected.value}",
    )
    st.caption(
        f"Detected as a {LIST_KIND_LABELS[detected].lower()} because {why_detected(detected, table.columns, mapping)}. "
        f"A {LIST_KIND_LABELS[kind].lower()} holds {LIST_KIND_EFFECTS[kind]}."
    )
    return kind


def map_unknown_values(plan: ImportPlan, digest: str) -> None:
    """The values of gender or organisation type nothing recognised: the user maps each once, and the
    organisation remembers it for later imports (saved, audited, then the list is checked again)."""
    unknown = [found for found in plan.unknown if found.field_name in MAPPABLE and found.counts]
    if not unknown:
        return
    st.subheader("Values not recognised")
    st.write(
        "These values are imported as not recorded unless you say what they mean. What you choose is remembered "
        "for later imports."
    )
    chosen: dict[str, dict[str, str]] = {}
    for found in unknown:
        values = [member.value for member in MAPPABLE[found.field_name]]
        for text, count in found.counts.items():
            picked = st.selectbox(
                md_text(f"{found.column}: '{text}' ({count} {'row' if count == 1 else 'rows'})"),
                [LEAVE_UNKNOWN, *values],
                # Keyed by the value itself: once one is remembered, the others keep their own choices.
                key=f"value_{digest[:12]}_{found.field_name}_{text}",
            )
            if picked != LEAVE_UNKNOWN:
                chosen.setdefault(found.field_name, {})[text] = picked
    if st.button("Remember these values and check the list again", disabled=not chosen, key="remember_values"):
        try:
            with ui.db() as session:
                saved = sum(remember_mappings(session, name, texts, by=user.username) for name, texts in chosen.items())
        except ProgrammeError as error:
            ui.show_error(error)
            return
        st.session_state.pop("import_plans", None)
        ui.flash(f"{saved} value(s) remembered; the list was checked again.")
        st.rerun()


def make_plan(
    table: SheetTable, mapping: ColumnMapping, module_id: int, upload: dict, digest: str, kind: ListKind
) -> ImportPlan:
    key = (digest, repr(mapping), module_id, kind.value, st.session_state.get(GENERATION_KEY, 0))
    cache = st.session_state.setdefault("import_plans", {})
    if key not in cache:
        with ui.db() as session, st.spinner("Checking every row…"):
            plan = build_plan(
                session,
                table=table,
                mapping=mapping,
                module=session.get(Module, module_id),
                file_name=upload["name"],
                file_hash=digest,
                list_kind=kind,
            )
        cache.clear()
        cache[key] = plan
    return cache[key]


def rows_frame(plan: ImportPlan) -> pd.DataFrame:
    """The preview's rows: status, what the sheet says, whom it matches, its errors."""
    records = []
    for planned in plan.rows[:PREVIEW_ROWS]:
        person = planned.person
        match = ""
        if planned.person_id is not None:
            match = f"{plan.index.people[planned.person_id].full_name} ({planned.reason})"
        elif planned.same_as_row:
            match = f"same person as row {planned.same_as_row}"
        records.append(
            {
                "row": planned.row,
                "status": planned.status.value,
                "name": person.full_name,
                "nationality": country_name(person.nationality),
                "e-mail": person.email or "",
                "organisation": person.organisation or "",
                "match": match,
                "errors": "; ".join(f"{e.column}: {e.message}" for e in person.errors),
            }
        )
    return pd.DataFrame(records)


def show_counts(plan: ImportPlan, accepted: set[int]) -> None:
    counts = plan.counts(accepted)
    cells = st.columns(6)
    cells[0].metric("Rows", f"{counts['rows']:,}")
    cells[1].metric("New people", f"{counts['created']:,}")
    cells[2].metric("Matched", f"{counts['matched']:,}")
    cells[3].metric("Probable matches", f"{counts['probable']:,}")
    cells[4].metric("Repeated in file", f"{counts['repeated']:,}")
    cells[5].metric("Rows with errors", f"{counts['error_rows']:,}")
    if counts["probable"]:
        unticked = counts["probable"] - len(accepted & {planned.row for planned in plan.probable})
        st.caption(
            f"Probable matches are counted among the new people until ticked as the same person "
            f"({unticked:,} not ticked), or among the matched once ticked."
        )


def review_probable(plan: ImportPlan, digest: str) -> set[int]:
    """Side by side: the sheet's row and the person it may be; ticked rows are taken as the same person."""
    if not plan.probable:
        return set()
    st.subheader("Probable matches")
    st.write(
        "These rows look like people already recorded. Tick **Same person** to add the participation to the "
        "existing record; unticked rows become new people."
    )
    frame = pd.DataFrame(
        [
            {
                "same person": False,
                "similarity": planned.score,
                "row": planned.row,
                "name in the sheet": planned.person.full_name,
                "name recorded": plan.index.people[planned.person_id].full_name,
                "nationality in the sheet": country_name(planned.person.nationality),
                "nationality recorded": country_name(plan.index.people[planned.person_id].nationality),
                "organisation in the sheet": planned.person.organisation or "",
                "organisation recorded": plan.index.people[planned.person_id].organisation or "",
            }
            for planned in plan.probable
        ]
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        disabled=[column for column in frame.columns if column != "same person"],
        key=f"probable_{digest[:12]}",
        width="stretch",
    )
    return {int(row) for row, same in zip(edited["row"], edited["same person"], strict=True) if same}


def show_preview(plan: ImportPlan, table: SheetTable) -> None:
    where = "CSV file" if plan.sheet == "CSV" else f"Sheet '{plan.sheet}'"
    st.info(f"{md_text(where)}, column names on row {plan.header_row}, {len(plan.rows):,} rows with people.")
    for warning in plan.warnings:
        st.warning(md_text(warning))
    frame = rows_frame(plan)
    colours = frame["status"].map(STATUS_COLOURS)
    styled = frame.style.apply(lambda column: [f"background-color: {c}" for c in colours], axis=0)
    st.dataframe(styled, hide_index=True, width="stretch")
    if len(plan.rows) > PREVIEW_ROWS:
        st.caption(f"The first {PREVIEW_ROWS:,} rows are shown; the counts cover all {len(plan.rows):,}.")
    errors = plan.errors
    if errors:
        bad = len({e.row for e in errors})
        st.error(
            f"{bad:,} {'row has' if bad == 1 else 'rows have'} errors. Correct them in the file, or import the rest."
        )
        st.dataframe(pd.DataFrame([e.as_dict() for e in errors]), hide_index=True, width="stretch", height=220)
        st.download_button(
            "Download the error report (.xlsx)",
            error_report(table, plan),
            file_name="import_errors.xlsx",
            icon=":material/download:",
        )


def run_import(plan: ImportPlan, accepted: set[int], skip_invalid: bool) -> None:
    bar = st.progress(0.0, text="Importing…")
    try:
        with ui.db() as session:
            result = apply_plan(
                session,
                plan=plan,
                username=user.username,
                accepted=accepted,
                skip_invalid=skip_invalid,
                progress=lambda share, text: bar.progress(min(1.0, share), text=text),
            )
    except ProgrammeError as error:
        bar.empty()
        ui.show_error(error)
        return
    st.session_state[RESULT_KEY] = result
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.session_state.pop(UPLOAD_KEY, None)
    st.rerun()


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


def module_name(module_id: int) -> str:
    """Return "CODE · Module N": the import's button says where the list goes."""
    with ui.db() as session:
        module = session.get(Module, module_id)
        return f"{session.get(Course, module.course_id).code} · Module {module.number}"


def import_section() -> None:
    module_id = choose_module()
    if module_id is None:
        return
    st.file_uploader(
        "Participant list",
        type=["xlsx", "xls", "ods", "csv"],
        key=uploader_key(),
        on_change=remember_upload,
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
    read = read_upload(upload)
    if read is None:
        return
    table, digest = read
    mapping = edit_mapping(table, digest)
    kind = choose_list_kind(table, mapping, digest)
    try:
        plan = make_plan(table, mapping, module_id, upload, digest, kind)
    except ProgrammeError as error:
        ui.show_error(error)
        return
    show_preview(plan, table)
    map_unknown_values(plan, digest)
    accepted = review_probable(plan, digest)
    show_counts(plan, accepted)
    skip_invalid = False
    if plan.errors:
        skip_invalid = st.checkbox("Import the valid rows only (rows with errors are skipped)", key="skip_invalid")
    valid = plan.counts()["valid"]
    blocked = bool(plan.errors) and not skip_invalid
    target = module_name(module_id)
    if st.button(f"Import {valid:,} rows into {md_text(target)}", type="primary", disabled=blocked or valid == 0,
                 key="import_button"):  # fmt: skip
        run_import(plan, accepted, skip_invalid)


def past_imports() -> None:
    st.subheader("Past imports")
    if UNDONE_KEY in st.session_state:
        st.success(st.session_state.pop(UNDONE_KEY))
    with ui.db() as session:
        batches = batches_table(session)
    if batches.empty:
        st.caption("No participant list has been imported yet.")
        return
    batch_id = ui.import_to_undo(
        batches,
        key="undo",
        describe=lambda row: (
            f"Import {row['batch']}: {row['file']}, {row['new people']:,} new people ({row['imported at']:%d %b %Y})"
        ),
        effect="Undo removes the people and participations the import added and clears the blanks it filled.",
    )
    if batch_id is None:
        return
    try:
        with ui.db() as session:
            undone = undo_batch(session, batch_id=batch_id, username=user.username)
    except ProgrammeError as error:
        ui.show_error(error)
        return
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.session_state.pop(RESULT_KEY, None)
    # Shown after a rerun, so that the list above shows the import as undone and the last result is gone.
    st.session_state[UNDONE_KEY] = (
        f"Import {batch_id} undone: {undone['people_removed']} people and "
        f"{undone['participations_removed']} participations removed, "
        f"{undone['fields_reverted']} fields reverted."
    )
    st.rerun()


import_section()
st.divider()
past_imports()

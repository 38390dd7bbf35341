"""The Import participants page's steps between the upload and the import: the tool, the columns, the kind of
list, the values not recognised (remembered), the plan, its preview, its probable matches, its counts, the import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.core.words import a_or_an, counted
from programme.courses.lookup import module_ref
from programme.importing import (
    FIELD_LABELS,
    ColumnMapping,
    ImportPlan,
    ImportResult,
    RowStatus,
    apply_plan,
    build_plan,
    detect_columns,
    file_hash,
    read_participant_sheet,
)
from programme.importing.batches import import_number
from programme.importing.columns import day_number
from programme.importing.files import error_report
from programme.importing.lists import LIST_KIND_EFFECTS, LIST_KIND_LABELS, ListKind, detect_list_kind, why_detected
from programme.importing.own_account import OwnAccountChoice, apply_choice, own_account_rows
from programme.importing.preview import preview_rows, probable_pairs
from programme.importing.profiles import TOOL_NAMES as PROFILE_NAMES
from programme.importing.value_mappings import MAPPABLE, remember_mappings
from programme.planning.agenda import get_module_by_id
from programme.sheets import SheetTable
from programme.web import ui
from programme.web.display import md_text, show_values_in_full, wrapped_columns

# The uploaded file lives here ({"name", "data"}), so that every step after the upload reads session state.
UPLOAD_KEY = "import_upload"
RESULT_KEY = "import_result"
GENERATION_KEY = "import_generation"  # bumped after an import or undo: cached plans are then stale
NOT_USED = "— not used —"
NONE_TOOL = "none (a list typed by hand)"
LEAVE_UNKNOWN = "— leave not recorded —"
TOOL_NAMES = list(PROFILE_NAMES)
# Rows shown (colour-coded) in the preview; the counts and the error report always cover every row.
PREVIEW_ROWS = 2_000
STATUS_COLOURS = {
    RowStatus.NEW.value: "#e6f4ea",
    RowStatus.MATCHED.value: "#e8f0fe",
    RowStatus.PROBABLE.value: "#fef7e0",
    RowStatus.REPEATED.value: "#f1f3f4",
    RowStatus.ERROR.value: "#fce8e6",
}


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
        # Never the newest module by default: a list imported into it unnoticed is hard to spot and to undo.
        choose="Choose the module the list belongs to, then upload the list. No module is chosen for you, so that "
        "a list never goes into the wrong one; a link from a module's page opens this page on it.",
    )


def read_upload(upload: dict) -> tuple[SheetTable, str] | None:
    digest = file_hash(upload["data"])
    cache = st.session_state.setdefault("import_tables", {})
    if digest not in cache:
        cache.clear()
        table = ui.attempt(lambda: read_participant_sheet(upload["data"], upload["name"]))
        if table is None:
            return None
        cache[digest] = table
    return cache[digest], digest


def choose_tool(table: SheetTable, digest: str) -> str | None:
    """Show the tool recognised and let the user name another (or none); return the tool to read the list as."""
    detected = detect_columns(table).tool
    if detected:
        st.info(f"This looks like {a_or_an(detected)} export.")
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
    # The tool's notes (who counts as attended...) are among the plan's warnings, shown once with the preview.
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
            placeholder="None: pick the columns of the days",
        )
        numbered = {column: day_number(column) or position for position, column in enumerate(days, start=1)}
        roles = ColumnMapping(fields=fields, days=numbered, ignored=list(detected.ignored))
        st.caption("What each column of the list is read as:")
        ui.table(pd.DataFrame(roles.roles(table.columns)), hide_index=True, width="stretch")
    # The tool's own words for a field's values (Eventbrite's "Checked In") stay with the tool's column.
    values = {name: words for name, words in detected.values.items() if fields.get(name) == detected.fields.get(name)}
    return ColumnMapping(
        fields=fields,
        days=numbered,
        tool=detected.tool,
        ignored=list(detected.ignored),
        notes=list(detected.notes),
        values=values,
    )


# The page's words for each choice about the people on the organisers' own Zoom account.
OWN_ACCOUNT_WORDS = {
    OwnAccountChoice.LEAVE_OUT: "Leave them out (they organised, facilitated or hosted)",
    OwnAccountChoice.IMPORT: "Import them as participants",
}


def ask_own_account(table: SheetTable, mapping: ColumnMapping, digest: str) -> tuple[SheetTable, ColumnMapping] | None:
    """Ask what to do with the people who joined from the organisers' own Zoom account (Guest: No, the host among
    them), or organised a Teams meeting (Role: Organizer), naming them; nothing is chosen for the user. Return the
    table and mapping as chosen, or None until the user chooses (the preview waits)."""
    own = own_account_rows(table, mapping)
    if own is None:
        return table, mapping
    st.subheader(own.title)
    choice = st.radio(
        md_text(own.question()),
        list(OWN_ACCOUNT_WORDS),
        index=None,
        format_func=OWN_ACCOUNT_WORDS.__getitem__,
        key=f"own_account_{digest[:12]}_{mapping.tool}",
    )
    if choice is None:
        st.info("Choose whether to import them to see the preview.")
        return None
    return apply_choice(table, mapping, own, choice)


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
        f"Detected as {with_article(LIST_KIND_LABELS[detected].lower())} because "
        f"{why_detected(detected, table.columns, mapping)}. "
        f"{with_article(LIST_KIND_LABELS[kind].lower()).capitalize()} holds {LIST_KIND_EFFECTS[kind]}."
    )
    return kind


def with_article(words: str) -> str:
    """Return words with their article: "an attendance sheet", "a registration list"."""
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def map_unknown_values(plan: ImportPlan, digest: str, *, by: str) -> None:
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
        ui.action(
            lambda session: sum(remember_mappings(session, name, texts, by=by) for name, texts in chosen.items()),
            lambda saved: f"{ui.counted(saved, 'value')} remembered; the list was checked again.",
            then=lambda _: st.session_state.pop("import_plans", None),
        )


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
                module=get_module_by_id(session, module_id),
                file_name=upload["name"],
                file_hash=digest,
                list_kind=kind,
            )
        cache.clear()
        cache[key] = plan
    return cache[key]


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
    frame = probable_pairs(plan)
    edited = st.data_editor(
        frame,
        hide_index=True,
        disabled=[column for column in frame.columns if column != "same person"],
        key=f"probable_{digest[:12]}",
        width="stretch",
        placeholder="",
    )
    return {int(row) for row, same in zip(edited["row"], edited["same person"], strict=True) if same}


# The preview's columns, each as wide as its values need on a laptop's page (about 900 px for the table): every column
# in view, the organisation type and the match included, where the e-mail's width used to push them out of sight.
PREVIEW_WIDTHS = {"row": 45, "status": 60, "name": 145, "nationality": 90, "e-mail": 145, "organisation": 150,
                  "organisation type": 115, "attended": 80, "match": 110, "errors": 110}  # fmt: skip


def show_preview(plan: ImportPlan, table: SheetTable) -> None:
    where = "CSV file" if plan.sheet == "CSV" else f"Sheet '{plan.sheet}'"
    st.info(f"{md_text(where)}, column names on row {plan.header_row}, {counted(len(plan.rows), 'row')} with people.")
    for warning in plan.warnings:
        st.warning(md_text(warning))
    frame = preview_rows(plan, limit=PREVIEW_ROWS)
    colours = frame["status"].map(STATUS_COLOURS)
    styled = frame.style.apply(lambda column: [f"background-color: {c}" for c in colours], axis=0)
    ui.table(styled, hide_index=True, width="stretch", **wrapped_columns(frame, PREVIEW_WIDTHS))
    show_values_in_full(frame, PREVIEW_WIDTHS)
    if len(plan.rows) > PREVIEW_ROWS:
        st.caption(f"The first {PREVIEW_ROWS:,} rows are shown; the counts cover all {len(plan.rows):,}.")
    errors = plan.errors
    if errors:
        bad = len({e.row for e in errors})
        st.error(
            f"{bad:,} {'row has' if bad == 1 else 'rows have'} errors. Correct them in the file, or import the rest."
        )
        ui.table(pd.DataFrame([e.as_dict() for e in errors]), hide_index=True, width="stretch", height=220)
        st.download_button(
            "Download the error report (.xlsx)",
            error_report(table, plan),
            file_name="import_errors.xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


def run_import(plan: ImportPlan, accepted: set[int], skip_invalid: bool, *, by: str) -> None:
    """Import the plan with a progress bar; the result is shown after the rerun (show_result)."""
    bar = st.progress(0.0, text="Importing…")

    def keep(result: ImportResult) -> None:
        st.session_state[RESULT_KEY] = result
        st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
        st.session_state.pop(UPLOAD_KEY, None)

    ui.action(
        lambda session: apply_plan(
            session,
            plan=plan,
            username=by,
            accepted=accepted,
            skip_invalid=skip_invalid,
            progress=lambda share, text: bar.progress(min(1.0, share), text=text),
        ),
        "",
        then=keep,
    )
    bar.empty()  # reached only when the import was refused (the message is shown)


def show_result() -> bool:
    """Show the last import's result, if any; return whether there was one."""
    result = st.session_state.get(RESULT_KEY)
    if result is None:
        return False
    with ui.db() as session:
        number = import_number(session, result.batch_id)  # as Past imports lists it
    st.success(
        f"Imported as import {number}: {counted(result.created, 'new person', 'new people')}, "
        f"{result.matched:,} matched, {counted(result.participations, 'participation')} added, "
        + (
            f"attendance recorded for {counted(result.attendance_recorded, 'person', 'people')} already in the module, "
            if result.attendance_recorded
            else ""
        )
        + f"{counted(result.updated_fields, 'blank field')} filled"
        + (f", {counted(result.skipped_rows, 'row')} with errors skipped." if result.skipped_rows else ".")
        + f" The list was taken as {with_article(LIST_KIND_LABELS[ListKind(result.list_kind)].lower())}."
    )
    return True


def module_name(module_id: int) -> str:
    """Return "CODE · Module N": the past imports' toggle says whose imports it lists."""
    with ui.db() as session:
        return module_ref(session, module_id).heading

"""Agenda."""

import pandas as pd
import streamlit as st

from programme.charts.planning import day_timeline, hours_chart
from programme.core.rounding import fixed
from programme.planning import agenda, exports, methods
from programme.planning.checks import LONG_DAY_HOURS, check_agenda
from programme.web import agenda_import, agenda_library, attendance_sheet, editors, ui
from programme.web.display import md_text

user = ui.guard(__file__)
ui.heading("Agenda", "Build a module's day-by-day agenda: sessions, methods, topics, facilitators.")

# The module comes from the address (?module=ID) on first load, then from the picker.
module_id = ui.module_or_stop("agenda_module", opens_on="next")

with ui.db() as session:
    module = agenda.get_module_by_id(session, module_id)
    days = agenda.module_days(module)
    frame = agenda.agenda_table(session, module_id)
    own = methods.own_methods(session)
    known = agenda.known_methods(session, module_id)
st.markdown(
    f"**{md_text(module.title)}** · {module.start_date:%a %d %b} to {module.end_date:%a %d %b %Y} · {ui.counted(days, 'day')}"
    + (f" · focus: {md_text(module.focus)}" if module.focus else "")
)

grid_tab, timeline_tab, library_tab, attendance_tab, export_tab = ui.tabs(
    ["Agenda", "Timeline and hours", "Library and copying", "Attendance", "Export"], key="agenda_tab"
)
version_key = f"agenda_version_{module_id}"
version, renew = editors.version(version_key), editors.renew(version_key)  # a fresh editor shows the saved agenda


@st.cache_data(show_spinner=False, max_entries=64)
def _charts(agenda_frame: pd.DataFrame) -> tuple:
    """Return the hours by method and by topic and each day's timeline: built once per agenda (plotly is slow)."""
    days_shown = sorted(int(day) for day in agenda_frame["day"].unique())
    return (
        hours_chart(agenda_frame, "method"),
        hours_chart(agenda_frame, "topics"),
        {day: day_timeline(agenda_frame, day) for day in days_shown},
    )


with grid_tab:
    if frame.empty:
        st.info(
            "No session yet. Type sessions in the grid (a row per session), add designs from the library, "
            "copy an earlier module's agenda or import a sheet under **Library and copying**."
        )
    st.caption(
        "Separate several topics or people with a semicolon. People are matched to the registry by name; "
        "new names are added as new people when you save. A row without a method is saved as a presentation "
        "(a lunch or coffee break as a meal or break; a title opening with a method, as in 'Role play: ...', as that "
        "method); times can be typed as 09:00, 9.30 or 2:30 PM."
    )
    # No column is required: the grid would hold back a row with an empty required cell without a word, so
    # every typed row reaches the checks below, which name what is missing.
    grid_key = f"grid_{module_id}_{version}"
    shown, moved = editors.held(grid_key, frame)  # unsaved edits survive a colleague's save
    typed = st.data_editor(
        shown,
        key=grid_key,
        placeholder="",  # an empty cell blank, not Streamlit's grey "None"
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=[c for c in agenda.AGENDA_COLUMNS if c != "id"],
        column_config={
            "day": st.column_config.NumberColumn("Day", min_value=1, step=1),
            "start": st.column_config.TimeColumn("Start", format="HH:mm", step=300),
            "end": st.column_config.TimeColumn("End", format="HH:mm", step=300),
            "title": st.column_config.TextColumn("Session", width="large"),
            "method": st.column_config.SelectboxColumn(
                "Method",
                options=methods.method_options(own, frame["method"]),
                help="The standard methods, then your organisation's own (added below). Breaks and meals show on "
                "the timeline but are not counted in training hours.",
            ),
            "room": "Room",
            "topics": st.column_config.TextColumn("Topics", help="e.g. CEDAW; Lobbying"),
            "facilitators": st.column_config.TextColumn("Facilitators"),
            "resource_persons": st.column_config.TextColumn("Resource persons"),
            "notes": "Notes",
            "materials_url": st.column_config.LinkColumn("Materials"),
        },
    )
    changed = not typed.reset_index(drop=True).equals(shown.reset_index(drop=True))
    # A save applies the grid's own changes to the agenda as saved then, in its transaction.
    editors.warn_moved(moved, "Someone saved this agenda while you were editing it.")
    planned, errors = agenda.planned_from_frame(typed, known)
    if errors:
        st.error(f"{ui.counted(len(errors), 'problem')} to fix before saving:")
        ui.table(pd.DataFrame([e.as_dict() for e in errors]), hide_index=True)
    else:
        with ui.db() as session:
            warnings = check_agenda(session, module_id=module_id, planned=planned)
        for warning in warnings:
            st.warning(md_text(warning.message), icon=":material/warning:")
        if not warnings and planned:
            st.success(f"No clashes, every session within the module's dates, no day over {LONG_DAY_HOURS} hours.")
    if st.button("Save agenda", type="primary", disabled=bool(errors) or not changed):
        ui.action(
            lambda session: agenda.save_agenda_frame(
                session,
                module_id=module_id,
                frame=typed,
                by=user.username,
                opened=editors.opened(grid_key, shown, "id"),
            ),
            agenda.saved_sentence,
            then=renew,
            on_error=editors.refused(grid_key),
        )
    if changed and not errors:
        st.caption("You have unsaved changes.")

    with st.expander("Your organisation's methods"):
        st.caption(
            "Methods of your own (lecture, field visit...) are offered in the Method column of every agenda after "
            "the standard ones. Taking one off the list leaves the sessions that use it as they are."
        )
        with st.form("own_method", clear_on_submit=True):
            new_method = st.text_input("New method", max_chars=60, placeholder="e.g. lecture")
            if st.form_submit_button("Add to the list"):
                ui.action(
                    lambda session: methods.remember_method(session, new_method, by=user.username),
                    lambda added: f"'{added}' is now on the list of methods.",
                    then=renew,
                )
        if own:
            cols = st.columns([3, 1], vertical_alignment="bottom")
            dropped = cols[0].selectbox("Your methods", own)
            if cols[1].button("Take off the list"):
                ui.action(
                    lambda session: methods.forget_method(session, dropped, by=user.username),
                    f"'{dropped}' is no longer offered.",
                    then=renew,
                )

    if not frame.empty:
        with st.expander("Move a session to another day or reorder a day"):
            titles = {int(r.id): f"Day {r.day} · {r.start:%H:%M} · {r.title}" for r in frame.itertuples()}
            chosen = st.selectbox("Session", list(titles), format_func=titles.get)
            row = frame.set_index("id").loc[chosen]
            cols = st.columns(3)
            new_day = cols[0].number_input("Move to day", min_value=1, value=int(row["day"]), step=1)
            if cols[0].button("Move"):
                ui.action(
                    lambda session: agenda.move_session(session, session_id=chosen, day=int(new_day), by=user.username),
                    f"Moved to day {new_day}.",
                    then=renew,
                )
            order = agenda.day_order(frame, chosen)
            for column, label, step in ((cols[1], "Earlier in the day", -1), (cols[2], "Later in the day", 1)):
                swapped = agenda.swap_places(order, chosen, step)
                if column.button(label, disabled=swapped is None):
                    ui.action(
                        lambda session, swapped=swapped: agenda.reorder_day(
                            session, module_id=module_id, day=int(row["day"]), ordered_ids=swapped, by=user.username
                        ),
                        "Order changed; the sessions swapped time slots.",
                        then=renew,
                    )

with timeline_tab:
    if frame.empty:
        st.info("The timeline and hours appear once the agenda has sessions.")
    else:
        by_method, by_topic, day_charts = _charts(frame)
        training, pauses = methods.training_minutes(zip(frame["start"], frame["end"], frame["method"], strict=True))
        st.caption(
            f"Training time: **{fixed(training / 60, 1)} h**"
            + (
                f"; breaks and meals ({fixed(pauses / 60, 1)} h) are on the timeline but not counted."
                if pauses
                else "."
            )
        )
        left, right = st.columns(2)
        left.plotly_chart(by_method, width="stretch")
        right.plotly_chart(by_topic, width="stretch")
        for day, figure in day_charts.items():
            st.plotly_chart(figure, width="stretch", key=f"day_{day}")

with library_tab:
    agenda_library.library(module_id, frame, days=days, own=own, user=user, renew=renew)
    agenda_import.import_sheet(module_id, user=user, renew=renew)

with attendance_tab:
    attendance_sheet.sheet(module_id, days=days, user=user, version=version, renew=renew)

with export_tab:
    st.write("A printable agenda in the usual shape: day, time, session, method, room, facilitator.")
    if frame.empty:
        st.info("Add sessions first; an empty agenda has nothing to print.")
    elif st.button("Prepare the agenda files"):
        with ui.db() as session:
            st.session_state["agenda_files"] = (
                module_id,
                exports.agenda_docx(session, module_id=module_id, by=user.username),
                exports.agenda_xlsx(session, module_id=module_id, by=user.username),
            )
    files = st.session_state.get("agenda_files")
    if files and files[0] == module_id:
        name = f"agenda-module-{module_id}"
        cols = st.columns(2)
        cols[0].download_button(
            "Download .docx",
            files[1],
            f"{name}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            on_click="ignore",
        )
        cols[1].download_button(
            "Download .xlsx",
            files[2],
            f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
        )

"""Agenda."""

from datetime import time

import pandas as pd
import streamlit as st

from programme.access.privacy import team_view
from programme.charts.planning import day_timeline, hours_chart
from programme.core.errors import ProgrammeError
from programme.courses import catalogue as courses
from programme.people.contacts import module_contacts, with_contacts
from programme.planning import agenda, attendance, exports, methods, templates
from programme.planning.attendance import completion_rule
from programme.planning.checks import LONG_DAY_HOURS, check_agenda
from programme.web import ui
from programme.web.display import md_text, readable

user = ui.guard(__file__)
# The newest agendas offered to copy from.
COPY_SOURCES = 200
st.title("Agenda")
st.caption("Build a module's day-by-day agenda: sessions, methods, topics, facilitators.")

# The module comes from the address (?module=ID) on first load, then from the picker.
module_id = ui.module_picker("agenda_module", from_address=True)
if module_id is None:
    st.stop()

with ui.db() as session:
    module = agenda.get_module_by_id(session, module_id)
    days = agenda.module_days(module)
    frame = agenda.agenda_table(session, module_id)
    own = methods.own_methods(session)
    known = agenda.known_methods(session, module_id)
st.markdown(
    f"**{md_text(module.title)}** · {module.start_date:%a %d %b} to {module.end_date:%a %d %b %Y} · {days} day(s)"
    + (f" · focus: {md_text(module.focus)}" if module.focus else "")
)

grid_tab, timeline_tab, library_tab, attendance_tab, export_tab = ui.tabs(
    ["Agenda", "Timeline and hours", "Library and copying", "Attendance", "Export"], key="agenda_tab"
)
version_key = f"agenda_version_{module_id}"
st.session_state.setdefault(version_key, 0)


@st.cache_data(show_spinner=False, max_entries=64)
def _charts(agenda_frame: pd.DataFrame) -> tuple:
    """Return the hours by method and by topic and each day's timeline: built once per agenda (plotly is slow)."""
    days_shown = sorted(int(day) for day in agenda_frame["day"].unique())
    return (
        hours_chart(agenda_frame, "method"),
        hours_chart(agenda_frame, "topics"),
        {day: day_timeline(agenda_frame, day) for day in days_shown},
    )


def _reload(message: str, clear: tuple[str, ...] = ()) -> None:
    st.session_state[version_key] += 1  # a fresh editor shows the saved agenda
    ui.done(message, clear=clear)


with grid_tab:
    if frame.empty:
        st.info(
            "No session yet. Type sessions in the grid (a row per session), add designs from the library, "
            "copy an earlier module's agenda under **Library and copying**, or import a sheet with "
            "`python -m programme import agenda FILE --course CODE --module N`."
        )
    st.caption(
        "Separate several topics or people with a semicolon. People are matched to the registry by name; "
        "new names are added as new people when you save. A row without a method is saved as a presentation "
        "(a lunch or coffee break as a meal or break); times can be typed as 09:00, 9.30 or 2:30 PM."
    )
    # No column is required: the grid would hold back a row with an empty required cell without a word, so
    # every typed row reaches the checks below, which name what is missing.
    edited = st.data_editor(
        frame,
        key=f"grid_{module_id}_{st.session_state[version_key]}",
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
    planned, errors = agenda.planned_from_frame(edited, known)
    if errors:
        st.error(f"{len(errors)} problem(s) to fix before saving:")
        st.dataframe(pd.DataFrame([e.as_dict() for e in errors]), hide_index=True)
    else:
        with ui.db() as session:
            warnings = check_agenda(session, module_id=module_id, planned=planned)
        for warning in warnings:
            st.warning(md_text(warning.message), icon=":material/warning:")
        if not warnings and planned:
            st.success(f"No clashes, every session within the module's dates, no day over {LONG_DAY_HOURS} hours.")
    changed = not edited.reset_index(drop=True).equals(frame.reset_index(drop=True))
    if st.button("Save agenda", type="primary", disabled=bool(errors) or not changed):
        try:
            with ui.db() as session:
                result = agenda.save_agenda_frame(session, module_id=module_id, frame=edited, by=user.username)
            _reload(f"Saved: {result.created} added, {result.updated} kept or changed, {result.deleted} removed.")
        except ProgrammeError as error:
            ui.show_error(error)
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
                try:
                    with ui.db() as session:
                        added = methods.remember_method(session, new_method, by=user.username)
                    _reload(f"'{added}' is now on the list of methods.")
                except ProgrammeError as error:
                    ui.show_error(error)
        if own:
            cols = st.columns([3, 1], vertical_alignment="bottom")
            dropped = cols[0].selectbox("Your methods", own)
            if cols[1].button("Take off the list"):
                with ui.db() as session:
                    methods.forget_method(session, dropped, by=user.username)
                _reload(f"'{dropped}' is no longer offered.")

    if not frame.empty:
        with st.expander("Move a session to another day or reorder a day"):
            titles = {int(r.id): f"Day {r.day} · {r.start:%H:%M} · {r.title}" for r in frame.itertuples()}
            chosen = st.selectbox("Session", list(titles), format_func=titles.get)
            row = frame.set_index("id").loc[chosen]
            cols = st.columns(3)
            new_day = cols[0].number_input("Move to day", min_value=1, value=int(row["day"]), step=1)
            if cols[0].button("Move"):
                with ui.db() as session:
                    agenda.move_session(session, session_id=chosen, day=int(new_day), by=user.username)
                _reload(f"Moved to day {new_day}.")
            same_day = frame[frame["day"] == row["day"]]["id"].astype(int).tolist()
            position = same_day.index(chosen)
            for column, label, step in ((cols[1], "Earlier in the day", -1), (cols[2], "Later in the day", 1)):
                target = position + step
                if column.button(label, disabled=not 0 <= target < len(same_day)):
                    order = same_day.copy()
                    order[position], order[target] = order[target], order[position]
                    with ui.db() as session:
                        agenda.reorder_day(
                            session, module_id=module_id, day=int(row["day"]), ordered_ids=order, by=user.username
                        )
                    _reload("Order changed; the sessions swapped time slots.")

with timeline_tab:
    if frame.empty:
        st.info("The timeline and hours appear once the agenda has sessions.")
    else:
        by_method, by_topic, day_charts = _charts(frame)
        training, pauses = methods.training_minutes(zip(frame["start"], frame["end"], frame["method"], strict=True))
        st.caption(
            f"Training time: **{training / 60:.1f} h**"
            + (f"; breaks and meals ({pauses / 60:.1f} h) are on the timeline but not counted." if pauses else ".")
        )
        left, right = st.columns(2)
        left.plotly_chart(by_method, width="stretch")
        right.plotly_chart(by_topic, width="stretch")
        for day, figure in day_charts.items():
            st.plotly_chart(figure, width="stretch", key=f"day_{day}")

with library_tab:
    with ui.db() as session:
        designs = templates.designs_table(session)
    # Copying works into an empty agenda only; the newest agendas are listed.
    earlier = ui.cached_query(templates.earlier_modules, module_id, limit=COPY_SOURCES) if frame.empty else None
    st.subheader("Add a session from the library")
    if designs.empty:
        st.info("The library is empty. Add a design below, or save a session of an agenda as a design.")
    else:
        st.dataframe(
            designs.drop(columns=["id"]),
            hide_index=True,
            width="stretch",
            column_config={
                "title": "Design",
                "method": "Method",
                "duration_minutes": "Minutes",
                "objectives": "Objectives",
                "topics": "Topics",
            },
        )
        with st.form("drop_in"):
            names = dict(zip(designs["id"].astype(int), designs["title"], strict=True))
            design_id = st.selectbox("Design", list(names), format_func=names.get)
            cols = st.columns(2)
            day = cols[0].number_input("Day", min_value=1, max_value=max(days, 1), value=1, step=1)
            start = cols[1].time_input("Start", time(9, 0), step=300)
            if st.form_submit_button("Add to the agenda", type="primary"):
                try:
                    with ui.db() as session:
                        templates.drop_in_design(
                            session,
                            design_id=design_id,
                            module_id=module_id,
                            day=int(day),
                            start=start,
                            by=user.username,
                        )
                    _reload("Session added from the library.")
                except ProgrammeError as error:
                    ui.show_error(error)
    with st.expander("Add a design to the library"):
        new_design = ("design_title", "design_method", "design_minutes", "design_objectives", "design_topics")
        with st.form("new_design"):  # kept as typed after an error, cleared once added
            title = st.text_input("Title", key=new_design[0])
            cols = st.columns(2)
            method = cols[0].selectbox("Method", methods.method_options(own), key=new_design[1])
            duration = cols[1].number_input("Duration (minutes)", min_value=15, value=90, step=15, key=new_design[2])
            objectives = st.text_area("Objectives", key=new_design[3])
            topics = st.text_input("Topics", help="Separate with semicolons", key=new_design[4])
            if st.form_submit_button("Add design"):
                try:
                    with ui.db() as session:
                        templates.add_design(
                            session,
                            title=title,
                            method=method,
                            duration_minutes=int(duration),
                            objectives=objectives,
                            topics=topics,
                            by=user.username,
                        )
                    _reload("Design added to the library.", clear=new_design)
                except ProgrammeError as error:
                    ui.show_error(error)
        if not frame.empty:
            titles = {int(r.id): f"Day {r.day} · {r.start:%H:%M} · {r.title}" for r in frame.itertuples()}
            keep = st.selectbox("Or save a session of this agenda as a design", list(titles), format_func=titles.get)
            if st.button("Save as design"):
                try:
                    with ui.db() as session:
                        templates.save_as_design(session, session_id=keep, by=user.username)
                    _reload("Session saved to the library.")
                except ProgrammeError as error:
                    ui.show_error(error)

    st.subheader("Copy an earlier module's agenda")
    if not frame.empty:
        st.info("This module already has an agenda; copying works into a module with an empty agenda.")
    elif earlier.empty:
        st.info("No other module has an agenda to copy yet.")
    else:
        sources = {
            int(r.id): f"{courses.module_label(r.code, r.number, r.start_date, r.city)} ({r.sessions} sessions)"
            for r in earlier.itertuples()
        }
        with st.form("copy_agenda"):
            source = st.selectbox("Copy from", list(sources), format_func=sources.get)
            keep_people = st.checkbox("Keep the facilitators and resource persons", value=True)
            if st.form_submit_button("Copy the agenda", type="primary"):
                try:
                    with ui.db() as session:
                        copied = templates.copy_agenda(
                            session,
                            source_module_id=source,
                            target_module_id=module_id,
                            keep_facilitators=keep_people,
                            by=user.username,
                        )
                    _reload(f"{copied} sessions copied onto this module's dates.")
                except ProgrammeError as error:
                    ui.show_error(error)

with attendance_tab:
    with ui.db() as session:
        sheet = attendance.attendance_table(session, module_id)
        contacts = module_contacts(session, module_id)
        rule = completion_rule(session)
    st.caption(
        f"Completion rule of the organisation: **{rule.value}** (changed on Settings). The rule is applied to "
        "participants only; a facilitator's or resource person's Completed box is left as it is."
    )
    if sheet.empty:
        st.info("Nobody is registered for this module yet; import the participant list first.")
    else:
        # The team's own list: organisation and contacts whatever the consent (it governs publication).
        shown = readable(team_view(with_contacts(sheet, contacts), user), countries=["nationality"])
        day_cols = attendance.day_columns(days)
        marked = st.data_editor(
            shown,
            key=f"attendance_{module_id}_{st.session_state[version_key]}",
            hide_index=True,
            width="stretch",
            disabled=[c for c in shown.columns if c not in ["attended", *day_cols]],
            column_config={
                "participation_id": None,
                "full_name": "Name",
                "nationality": "Nationality",
                "organisation": "Organisation",
                "position": "Position",
                "email": "E-mail",
                "phone": "Phone",
                "role": "Role",
                "attended": "Attended",
                "days_attended": "Days attended",
                "completed": "Completed",
            },
        )
        cols = st.columns(2)
        if cols[0].button("Save attendance", type="primary"):
            with ui.db() as session:
                count = attendance.save_attendance_frame(session, module_id=module_id, frame=marked, by=user.username)
            _reload(f"Attendance saved for {count} person(s).")
        if cols[1].button(
            "Mark completion from attendance",
            help="Ticks Completed for the participants whose attendance meets the completion rule (set on Settings), "
            "and clears it for the other participants (facilitators and resource persons are left as they are).",
        ):
            with ui.db() as session:
                count = attendance.recompute_completed(session, module_id=module_id, by=user.username)
            _reload(f"Completion updated for {count} participation(s).")

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
        )
        cols[1].download_button(
            "Download .xlsx",
            files[2],
            f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

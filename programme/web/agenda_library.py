"""The Agenda page's library tab: session designs to drop in, designs to add, an earlier agenda to copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.courses import catalogue as courses
from programme.planning import methods, templates
from programme.web import ui

# The newest agendas offered to copy from.
COPY_SOURCES = 200


def library(
    module_id: int, frame: pd.DataFrame, *, days: int, own: list[str], user: SignedIn, renew: Callable[[object], None]
) -> None:
    """Draw the library: frame is the module's agenda (copying works into an empty one); days, its length; own,
    the organisation's own methods; renew, what a save runs so that the agenda grid shows the saved rows."""
    with ui.db() as session:
        designs = templates.designs_table(session)
    # Copying works into an empty agenda only; the newest agendas are listed.
    earlier = ui.cached_query(templates.earlier_modules, module_id, limit=COPY_SOURCES) if frame.empty else None
    st.subheader("Add a session from the library")
    if designs.empty:
        st.info("The library is empty. Add a design below, or save a session of an agenda as a design.")
    else:
        ui.table(
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
                ui.action(
                    lambda session: templates.drop_in_design(
                        session,
                        design_id=design_id,
                        module_id=module_id,
                        day=int(day),
                        start=start,
                        by=user.username,
                    ),
                    "Session added from the library.",
                    then=renew,
                )
    with st.expander("Add a design to the library"):
        new_design = ui.form_keys(
            "design_title", "design_method", "design_minutes", "design_objectives", "design_topics"
        )
        with st.form("new_design"):  # kept as typed after an error, cleared once added
            title = st.text_input("Title", key=new_design[0])
            cols = st.columns(2)
            method = cols[0].selectbox("Method", methods.method_options(own), key=new_design[1])
            duration = cols[1].number_input("Duration (minutes)", min_value=15, value=90, step=15, key=new_design[2])
            objectives = st.text_area("Objectives", key=new_design[3])
            topics = st.text_input("Topics", help="Separate with semicolons", key=new_design[4])
            if st.form_submit_button("Add design"):
                ui.action(
                    lambda session: templates.add_design(
                        session,
                        title=title,
                        method=method,
                        duration_minutes=int(duration),
                        objectives=objectives,
                        topics=topics,
                        by=user.username,
                    ),
                    "Design added to the library.",
                    clear=new_design,
                    then=renew,
                )
        if not frame.empty:
            titles = {int(r.id): f"Day {r.day} · {r.start:%H:%M} · {r.title}" for r in frame.itertuples()}
            keep = st.selectbox("Or save a session of this agenda as a design", list(titles), format_func=titles.get)
            if st.button("Save as design"):
                ui.action(
                    lambda session: templates.save_as_design(session, session_id=keep, by=user.username),
                    "Session saved to the library.",
                    then=renew,
                )

    st.subheader("Copy an earlier module's agenda")
    if not frame.empty:
        st.info("This module already has an agenda; copying works into a module with an empty agenda.")
    elif earlier.empty:
        st.info("No other module has an agenda to copy yet.")
    else:
        sources = {
            int(
                r.id
            ): f"{courses.module_label(r.code, r.number, r.start_date, r.city)} ({ui.counted(r.sessions, 'session')})"
            for r in earlier.itertuples()
        }
        with st.form("copy_agenda"):
            source = st.selectbox("Copy from", list(sources), format_func=sources.get)
            keep_people = st.checkbox("Keep the facilitators and resource persons", value=True)
            if st.form_submit_button("Copy the agenda", type="primary"):
                ui.action(
                    lambda session: templates.copy_agenda(
                        session,
                        source_module_id=source,
                        target_module_id=module_id,
                        keep_facilitators=keep_people,
                        by=user.username,
                    ),
                    lambda copied: f"{ui.counted(copied, 'session')} copied onto this module's dates.",
                    then=renew,
                )

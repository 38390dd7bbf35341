"""Home: headline reach, and on an empty database an offer to load the demo."""

import streamlit as st

from programme import ui
from programme.demo import holds_data, load_demo
from programme.errors import ProgrammeError

user = ui.guard()
st.title("Programme Manager")
st.caption("Courses, modules, participants, evaluations and alumni of the capacity-building programme.")

with ui.db() as session:
    empty = not holds_data(session)
figures = ui.cached_headline()

if empty:
    st.info(
        "The database is empty. Create your first course under **Plan**, import a participant list "
        "under **People**, or load the demo data to explore."
    )
    if user.can_edit and st.button("Load demo data", type="primary"):
        bar = st.progress(0.0, text="Loading the demo…")
        try:
            with ui.db() as session:
                load_demo(session, progress=lambda share, table: bar.progress(share, text=f"Loading {table}…"))
        except ProgrammeError as error:
            ui.show_error(error)
        else:
            st.rerun()
else:
    columns = st.columns(5)
    labels = {
        "courses": "Courses",
        "modules": "Modules",
        "individuals": "Individuals",
        "participations": "Participations",
        "countries": "Countries",
    }
    for column, (key, label) in zip(columns, labels.items(), strict=True):
        column.metric(label, f"{figures[key]:,}")
    st.caption("Individuals are counted once however many modules they attended; countries are nationalities.")

"""Home: headline reach, and on an empty database an offer to load the demo."""

from datetime import date

import streamlit as st

from programme.charts.reach import growth_curve
from programme.core.words import date_span
from programme.demo import holds_data, load_demo_as
from programme.reach import growth_shown
from programme.web import home_figures, ui
from programme.web.display import sentence_case
from programme.web.reach_tables import pooled_caption, small_groups

user = ui.guard(__file__)
ui.heading(
    "Programme Manager", "Courses, modules, participants, evaluations and alumni of the capacity-building programme."
)

with ui.db() as session:
    empty = not holds_data(session)
figures = home_figures.headline()  # Home's figures: warmed as the first person signs in (warmup.py)

if empty:
    # Loading synthetic people into the organisation's database is an administrator's decision (load_demo_as refuses
    # anyone else): facilitators are told who can.
    if user.is_admin:
        st.info(
            "The database is empty. Create your first course under **Plan**, import a participant list "
            "under **People**, or load the demo data (synthetic people) to explore."
        )
    elif user.can_edit:
        st.info(
            "The database is empty. Create your first course under **Plan** or import a participant list under "
            "**People**. An administrator can load demo data (synthetic people) to explore."
        )
    else:
        st.info("The database is empty: nothing has been recorded yet.")
    if user.is_admin and st.button("Load demo data", type="primary"):
        bar = st.progress(0.0, text="Loading the demo…")
        ui.action(
            lambda session: load_demo_as(
                session, by=user, progress=lambda share, table: bar.progress(share, text=f"Loading {table}…")
            ),
            "",  # the figures that follow say it all
        )
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

    today = date.today()
    left, right = st.columns([3, 1], gap="large")
    with left:
        modules = home_figures.modules(today)
        upcoming = (modules["when"] == "next").any()
        st.subheader("Next and latest modules" if upcoming else "Latest modules")
        if modules.empty:
            st.info(
                "No modules yet: add one under **Plan → Courses and modules**." if user.can_edit else "No modules yet."
            )
        else:
            shown = modules.assign(
                module=modules["course"] + " · Module " + modules["module"].astype(str),
                # "5–7 October 2026": "05 Oct 2026 – 07 Oct 2026" pushed the status out of sight on a laptop.
                dates=[
                    date_span(start, end) for start, end in zip(modules["start_date"], modules["end_date"], strict=True)
                ],
                city=modules["city"].fillna("—"),
            )
            # The status beside the dates: last, it was cut off on a laptop's screen ("ended, attendance not reco").
            columns = (
                ["when", "module", "dates", "status", "title", "city"]
                if upcoming
                else ["module", "dates", "status", "title", "city"]
            )
            # "Module", "Dates", "Status": headed as the other tables are.
            ui.table(
                shown[columns],
                hide_index=True,
                width="stretch",
                column_config={column: sentence_case(column) for column in columns},
            )
    with right:
        steps = home_figures.next_steps(today)
        st.subheader("Next steps")
        st.metric(
            "Still open",
            f"{steps['open']:,}",
            help="Agreed at the end of modules, with focal points"
            + ("; see them all under Plan → Next steps and topics › Open in every module." if user.can_edit else "."),
        )
        st.metric("Past their due date", f"{steps['overdue']:,}")
    every_year = home_figures.new_individuals_by_year()
    small = small_groups(user, say=False)  # viewers: years of fewer than N new people pooled (reach/shown.py)
    shown = growth_shown(every_year, small)
    st.plotly_chart(growth_curve(shown), config={"displaylogo": False})
    pooled_caption(len(shown) < len(every_year), small, "years")

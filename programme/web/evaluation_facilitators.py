"""Evaluation dashboard › Facilitators: the ratings of the sessions each facilitator led, compared across modules
(facilitators and administrators only: it names people)."""

from __future__ import annotations

import streamlit as st

from programme.access.accounts import SignedIn
from programme.charts import evaluations as charts
from programme.core.rounding import rounded
from programme.evaluations import queries as q
from programme.evaluations.means import facilitator_overview
from programme.web import ui

# Said instead of an empty picker before anyone is named on a session.
NOBODY_NAMED = (
    "Nobody is named as a facilitator yet. Name them in the **Facilitators** column of the agenda's grid "
    "(**Plan › Agenda**): the ratings of their sessions then appear here."
)


def tab(module_id: int, *, user: SignedIn) -> None:
    """Draw the Facilitators tab for the chosen module."""
    if not user.can_see_names:
        st.info("Facilitator comparisons name people, so they are shown to facilitators and administrators only.")
        return
    names = ui.cached_query(q.facilitator_names)
    if not names:
        st.info(NOBODY_NAMED)
        return
    organisation = ui.cached_query(q.module_comparison, module_id)
    average = organisation.loc[organisation["kind"] == "organisation", "mean"]
    rated_here = set(ui.cached_query(q.facilitator_ratings, module_id=module_id)["facilitator"])
    here = [name for name in names if name in rated_here]  # a default outside the options would stop the page
    chosen = st.multiselect(
        "Facilitators",
        names,
        default=here,
        placeholder="Pick facilitators to compare",
        help="Starts with those who led sessions of this module.",
    )
    picked = ui.cached_query(q.facilitator_ratings, facilitators=tuple(sorted(chosen)))
    st.plotly_chart(
        charts.facilitator_chart(picked, float(average.iloc[0]) if not average.empty else None), width="stretch"
    )
    if not picked.empty:
        # "ratings": every rating of a session they led (a response rates many sessions).
        overview = facilitator_overview(picked)
        ui.table(overview.assign(mean=overview["mean"].map(rounded)), hide_index=True,
                 column_config={"mean": st.column_config.NumberColumn(format="%.2f")})  # fmt: skip

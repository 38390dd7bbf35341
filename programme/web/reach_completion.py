"""The Reach dashboard's Completion tab: the funnel (on the lists → attended → completed) of the selection and of each
module, with what a viewer is not shown of small groups (access/small_counts.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme import reach
from programme.access.small_counts import few_cells_note, short_cells_note
from programme.charts import funding as funding_charts
from programme.reach import ReachFilter
from programme.web.engine import cached_query, db
from programme.web.reach_tables import chart_with_table

MODULES_IN_TABLE = 500  # Completion per module: the table shows the latest this many modules (downloads: them all)


def completion_tab(reach_filter: ReachFilter, small: int | None, *, individuals: int, participations: int) -> None:
    """Draw the tab for the selection; small: the smallest group a viewer is shown (None: every figure exact);
    individuals, participations: the headline's, given exactly above the tab (a count a few short of them would
    count the few others: reach.hidden_stages)."""
    steps = cached_query(reach.funnel, reach_filter)
    shown_measure = st.radio("Count", ["individuals", "participations"], horizontal=True, key="funnel_measure")
    per_module = cached_query(reach.funnel_by_module, reach_filter, latest=MODULES_IN_TABLE)
    modules_in_all, in_table = per_module.attrs.get("modules", len(per_module)), len(per_module)
    cut = modules_in_all > in_table  # the table holds the latest MODULES_IN_TABLE only
    # Viewers: modules of fewer than N together; a count of fewer than N, or a few short of the individuals, not
    # given.
    per_module = reach.small_modules_merged(per_module, small, individuals=individuals)
    # Viewers: a stage of fewer than N people, or a few short of the headline's individuals, is not drawn
    # and its counts are not given; nor the participations of a stage a module's count of which is left out.
    figures = {"individuals": individuals, "participations": participations,
               "totals_gone": per_module.attrs.get("short", ())}  # fmt: skip
    hidden = reach.hidden_stages(steps, small, **figures)
    chart_with_table(funding_charts.funnel_chart(steps, measure=shown_measure, hidden=hidden[shown_measure]),
                     reach.stages_shown(steps, small, **figures), "Completion")  # fmt: skip
    for note in (reach.few_stages_note(steps, small), reach.short_stages_note(steps, small, **figures)):
        if note:
            st.caption(note)

    def every_module() -> pd.DataFrame:
        with db() as session:
            whole = reach.funnel_by_module(session, reach_filter)
            return reach.small_modules_merged(whole, small, individuals=individuals).drop(columns=["module_id"])

    chart_with_table(funding_charts.module_funnel_chart(per_module, total=modules_in_all if cut else None),
                     per_module.drop(columns=["module_id"]), "Completion per module",
                     whole=every_module if cut else None)  # fmt: skip
    if per_module.attrs.get("few"):  # viewers: small_cells
        st.caption(few_cells_note(small))
    if per_module.attrs.get("short"):
        st.caption(short_cells_note(small))
    if cut:
        st.caption(f"The table shows the latest {in_table:,} of {modules_in_all:,} modules; its downloads "
                   "hold them all.")  # fmt: skip
    st.caption(reach.COMPLETION_NOTE)

"""The Reach dashboard's Completion tab: the funnel (on the lists → attended → completed) of the selection and of each
module, with what a viewer is not shown of small groups (access/small_counts.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme import reach
from programme.access.small_counts import few_cells_note
from programme.charts import funding as funding_charts
from programme.reach import ReachFilter
from programme.web.engine import cached_query, db
from programme.web.reach_tables import chart_with_table

MODULES_IN_TABLE = 500  # Completion per module: the table shows the latest this many modules (downloads: them all)


def completion_tab(reach_filter: ReachFilter, small: int | None) -> None:
    """Draw the tab for the selection; small: the smallest group a viewer is shown (None: every figure exact)."""
    steps = cached_query(reach.funnel, reach_filter)
    shown_measure = st.radio("Count", ["individuals", "participations"], horizontal=True, key="funnel_measure")
    # Viewers: a stage of fewer than N people is not drawn, its counts "fewer than N" and "not given".
    hidden = reach.small_stages(steps, small)
    chart_with_table(funding_charts.funnel_chart(steps, measure=shown_measure, hidden=hidden),
                     reach.stages_shown(steps, small), "Completion")  # fmt: skip
    if few := reach.few_stages_note(steps, small):
        st.caption(few)
    per_module = cached_query(reach.funnel_by_module, reach_filter, latest=MODULES_IN_TABLE)
    modules_in_all, in_table = per_module.attrs.get("modules", len(per_module)), len(per_module)
    cut = modules_in_all > in_table  # the table holds the latest MODULES_IN_TABLE only
    per_module = reach.small_modules_merged(per_module, small)  # viewers: modules of fewer than N together

    def every_module() -> pd.DataFrame:
        with db() as session:
            return reach.small_modules_merged(reach.funnel_by_module(session, reach_filter), small).drop(
                columns=["module_id"]
            )

    chart_with_table(funding_charts.module_funnel_chart(per_module, total=modules_in_all if cut else None),
                     per_module.drop(columns=["module_id"]), "Completion per module",
                     whole=every_module if cut else None)  # fmt: skip
    if per_module[["attended", "completed"]].isna().any(axis=None):  # viewers: small_cells
        st.caption(few_cells_note(small))
    if cut:
        st.caption(f"The table shows the latest {in_table:,} of {modules_in_all:,} modules; its downloads "
                   "hold them all.")  # fmt: skip
    st.caption(reach.COMPLETION_NOTE)

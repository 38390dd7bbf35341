"""The Reach dashboard's charts with their tables one click away, downloadable as .xlsx and .csv."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from programme.reach.funnel import STAGE_WORDS
from programme.sheets import to_csv_bytes, to_xlsx_bytes
from programme.web.display import table as draw_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = {"org_type": "organisation type", "code": "ISO code", "share": "share (%)", **STAGE_WORDS}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the table with column names in words, and the Completion funnel's stages as its chart names them."""
    if "stage" in frame.columns:
        frame = frame.assign(stage=[STAGE_WORDS.get(stage, stage) for stage in frame["stage"]])
    return frame.rename(columns=lambda c: LABELS.get(c, c).replace("_", " ").capitalize())


def chart_with_table(
    figure, table: pd.DataFrame, name: str, *, config: dict | None = None,
    whole: Callable[[], pd.DataFrame] | None = None,
) -> None:  # fmt: skip
    """Show a chart with its table one click away, downloadable as .xlsx and .csv. whole: for a table shown in part,
    what makes the whole table (called on the click of a download)."""
    st.plotly_chart(figure, config=config or {"displaylogo": False}, key=f"chart-{name}")
    shown = readable(table)
    everything = (lambda: readable(whole())) if whole else (lambda: shown)
    with st.expander(f"Table: {name}"):
        draw_table(shown, hide_index=True)
        slug = name.lower().replace(" ", "-")
        left, right = st.columns(2)
        left.download_button(
            "Download .xlsx", lambda: to_xlsx_bytes({name: everything()}), f"reach-{slug}.xlsx", XLSX, key=f"x-{slug}"
        )
        right.download_button(
            "Download .csv", lambda: to_csv_bytes(everything()), f"reach-{slug}.csv", "text/csv", key=f"c-{slug}"
        )

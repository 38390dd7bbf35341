"""The Reach dashboard's charts with their tables one click away, downloadable as .xlsx and .csv; what viewers see of
small groups (access/small_counts.py) on the Reach and Evaluation dashboards."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.access.small_counts import (
    few_means_note,
    pooled_note,
    privacy_note,
    share_hidden,
    small_means,
    threshold_for,
    too_few,
    too_few_note,
)
from programme.core.rounding import fixed
from programme.core.words import counted
from programme.reach.funnel import STAGE_WORDS
from programme.sheets import to_csv_bytes, to_xlsx_bytes
from programme.web.display import table as draw_table
from programme.web.engine import db

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
        # A download's click does not run the page again (on_click="ignore"): a rerun gives every other download
        # of the page a new file id, and a second download clicked before the browser had them found nothing
        # ("Deferred file ... not found" in the server's log, nothing for the user; seen in a team's journey).
        left, right = st.columns(2)
        left.download_button(
            "Download .xlsx",
            lambda: to_xlsx_bytes({name: everything()}),
            f"reach-{slug}.xlsx",
            XLSX,
            key=f"x-{slug}",
            on_click="ignore",
        )
        right.download_button(
            "Download .csv",
            lambda: to_csv_bytes(everything()),
            f"reach-{slug}.csv",
            "text/csv",
            key=f"c-{slug}",
            on_click="ignore",
        )


def small_groups(user: SignedIn | None, *, say: bool = True) -> int | None:
    """Return N for someone who may not see names, after saying (unless say is False) that groups of fewer than N
    people are shown together (access/small_counts.py); None for facilitators and administrators."""
    with db() as session:
        threshold = threshold_for(session, user)
    if threshold is not None and say:
        st.caption(privacy_note(threshold))
    return threshold


def pooled_caption(pooled: bool, threshold: int | None, rows: str) -> None:
    """Say, under a table in an order of its own, that its rows of fewer than threshold people are pooled with
    their neighbours (access/small_counts.pool_in_order), when some are."""
    if pooled and threshold is not None:
        st.caption(pooled_note(threshold, rows))


def without_small_means(frame: pd.DataFrame, n: str, threshold: int | None) -> pd.DataFrame:
    """Return the rows whose mean scores a viewer may see (access/small_counts.small_means), saying how many groups
    are left out and why when there are some; the whole frame for the team."""
    hidden = small_means(frame, n=n, threshold=threshold)
    if hidden.any():
        st.caption(f"{few_means_note(threshold)} Left out: {counted(int(hidden.sum()), 'group')}.")
    return frame[~hidden]


def stop_if_too_few(people: int, threshold: int | None) -> None:
    """Stop the page, saying why, when the whole selection holds fewer than threshold people (viewers only)."""
    if too_few(people, threshold):
        st.info(too_few_note(threshold))
        st.stop()


def headline_share(share: float, whole: int, threshold: int | None, who: str) -> tuple[str, str | None]:
    """The headline's share (value, help): "—" of nobody; for a viewer, "—" and why when it would count fewer than
    threshold people, or all but fewer than threshold (access/small_counts.share_hidden)."""
    if not whole:
        return "—", None  # of nobody: no share
    if share_hidden(share, whole, threshold):
        return "—", (
            f"Not shown, to protect privacy: fewer than {threshold} of the people in this selection are {who}, or "
            f"fewer than {threshold} are not."
        )
    return f"{fixed(share, 0)}%", None

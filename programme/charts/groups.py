"""Charts of a split into groups: each attribute's score, and how an attribute spreads over the groups."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from programme.charts.colours import MANY
from programme.core.rounding import fixed

# Tall enough for six attributes as bars, short enough to sit beside the groups.
SCORES_HEIGHT = 260
SPREAD_HEIGHT = 320


def scores_chart(scores: pd.DataFrame) -> go.Figure:
    """Return horizontal bars of each weighted attribute's balance score (0–1, higher is better)."""
    shown = scores[scores["weight"] > 0] if "weight" in scores.columns else scores
    figure = px.bar(
        shown.iloc[::-1],
        x="score",
        y="attribute",
        orientation="h",
        range_x=[0, 1],
        text=shown.iloc[::-1]["score"].map(fixed),
        labels={"score": "balance (1 = as mixed as whole people allow)", "attribute": ""},
        height=SCORES_HEIGHT,
    )
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def spread_chart(spread: pd.DataFrame, attribute: str) -> go.Figure:
    """Return stacked bars of one attribute's values (e.g. Gender) in each group."""
    rows = spread[spread["attribute"] == attribute]
    figure = px.bar(
        rows,
        x="group",
        y="count",
        color="value",
        color_discrete_sequence=MANY,  # the theme's ten colours would repeat over a dozen nationalities
        labels={"group": "", "count": "members", "value": attribute},
        height=SPREAD_HEIGHT,
    )
    figure.update_layout(barmode="stack", margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure

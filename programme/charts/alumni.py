"""Charts of the alumni area: alumni by country on the offline map, outcomes by year."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from programme.charts.colours import STRONG
from programme.charts.maps import style_world_map


def alumni_map(frame: pd.DataFrame) -> go.Figure:
    """Return a world map shaded by alumni per country; frame has country (ISO-3), country_name, alumni."""
    figure = px.choropleth(
        frame,
        locations="country",
        locationmode="ISO-3",
        color="alumni",
        hover_name="country_name",
        color_continuous_scale="Blues",
        labels={"alumni": "Alumni"},
    )
    style_world_map(figure)
    figure.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, height=460)
    return figure


def outcome_kinds_chart(counts: dict[str, int]) -> go.Figure:
    """Return horizontal bars of outcomes by kind, every kind named whole on its own line (counts: {label: n}).

    The labels are the y axis's ticks, which push the plot aside (automargin) rather than being cut: a metric's
    label is cut to the width of its column ("Case taken to a UN mec…").
    """
    labels, values = list(counts), list(counts.values())
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            text=[f"{value:,}" for value in values],
            textposition="outside",
            cliponaxis=False,
            marker_color=STRONG[0],
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_layout(
        margin={"l": 0, "r": 30, "t": 10, "b": 0}, height=60 + 32 * len(labels), showlegend=False, bargap=0.35
    )
    figure.update_yaxes(autorange="reversed", automargin=True, title=None)  # in the order given, first on top
    figure.update_xaxes(title="Outcomes", rangemode="tozero", tickformat=",d", automargin=True)
    figure.update_xaxes(dtick=whole_step(max(values, default=0)))
    return figure


# Up to this many outcomes on a count axis, its ticks are every whole number: plotly's own steps would be halves, which
# ",d" shows as "0, 1, 1, 2" (and a count is never half).
WHOLE_TICKS_UP_TO = 10


def whole_step(largest: float) -> int | None:
    """Return 1 (a tick at each whole number) for a count axis reaching at most WHOLE_TICKS_UP_TO, else None (plotly's
    own, whole, steps)."""
    return 1 if largest <= WHOLE_TICKS_UP_TO else None


def outcomes_by_year_chart(frame: pd.DataFrame) -> go.Figure:
    """Return stacked bars of outcomes per year by kind; frame has year, kind (as shown), outcomes.

    The legend sits under the bars, across the chart's width, so that a long kind keeps its whole name.
    """
    figure = px.bar(
        frame,
        x="year",
        y="outcomes",
        color="kind",
        labels={"year": "Year reported", "outcomes": "Outcomes", "kind": "Kind"},
    )
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        height=360,
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    )
    figure.update_xaxes(dtick=1)
    highest = frame.groupby("year")["outcomes"].sum().max() if not frame.empty else 0
    figure.update_yaxes(rangemode="tozero", tickformat=",d", dtick=whole_step(highest))
    return figure

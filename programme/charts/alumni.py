"""Charts of the alumni area: alumni by country on the offline map, outcomes by year."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

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


def outcomes_by_year_chart(frame: pd.DataFrame) -> go.Figure:
    """Return stacked bars of outcomes per year by kind; frame has year, kind, outcomes."""
    figure = px.bar(
        frame,
        x="year",
        y="outcomes",
        color="kind",
        labels={"year": "Year reported", "outcomes": "Outcomes", "kind": "Kind"},
    )
    figure.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, height=320, legend_title_text="")
    figure.update_xaxes(dtick=1)
    return figure

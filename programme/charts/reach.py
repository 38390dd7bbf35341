"""Reach charts: pure functions from the reach tables to plotly figures, and the offline map's config."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from programme.charts.maps import style_world_map

MAP_HEIGHT = 520
# A Sankey with more links than this is unreadable; the rest are listed in its table.
CORRIDORS_SHOWN = 25
COLOURS = px.colors.qualitative.Safe
# Axis length as a multiple of the largest bar, leaving room for its label.
LABEL_ROOM = 1.25
# The bars' labels, in pixels: the theme's default is smaller than the axis' labels.
LABEL_SIZE = 13
MEASURES = {"individuals": "Individuals", "participations": "Participations"}


def _empty(title: str, text: str = "No data for this selection") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        title=title,
        annotations=[{"text": text, "showarrow": False, "font": {"size": 16}}],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return figure


def _label_outside(figure: go.Figure) -> None:
    """Put the bars' labels beside them, horizontal and at full size, never clipped by the plot area."""
    figure.update_traces(
        textposition="outside", textangle=0, constraintext="none", cliponaxis=False, textfont_size=LABEL_SIZE
    )


def world_map(frame: pd.DataFrame, *, measure: str = "individuals", title: str = "Reach by country") -> go.Figure:
    """Return a world choropleth of a by-country table (code = ISO alpha-3)."""
    known = frame[frame["code"].str.len() == 3] if not frame.empty else frame
    if known.empty:
        return _empty(title)
    figure = px.choropleth(
        known,
        locations="code",
        locationmode="ISO-3",
        color=measure,
        hover_name="country",
        hover_data={"code": False, "individuals": True, "participations": True},
        color_continuous_scale="Blues",
        # From zero, so that the countries with the fewest people still stand out from the land.
        range_color=(0, int(known[measure].max())),
        labels=MEASURES,
        title=title,
    )
    style_world_map(figure)
    figure.update_layout(margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=MAP_HEIGHT)
    return figure


def country_bar(frame: pd.DataFrame, *, measure: str = "individuals", top: int = 30) -> go.Figure:
    """Return a ranked horizontal bar of the countries with the most individuals (or participations)."""
    title = f"{MEASURES[measure]} by country"
    if frame.empty:
        return _empty(title)
    ranked = frame.sort_values(measure, ascending=False).head(top).iloc[::-1]
    figure = px.bar(ranked, x=measure, y="country", orientation="h", text=measure, labels=MEASURES, title=title)
    # Horizontal, beside the bar: inside, plotly turned the numbers 90° to fit them in the thin bars.
    _label_outside(figure)
    figure.update_layout(
        xaxis={"range": [0, LABEL_ROOM * float(ranked[measure].max())]},
        yaxis_title=None,
        height=max(300, 24 * len(ranked) + 100),
    )
    return figure


def share_bar(frame: pd.DataFrame, category: str, *, title: str) -> go.Figure:
    """Return bars of individuals per category, each labelled with its count and percentage.

    A category without a share (organisation type "not recorded", left out of the shares) says so instead.
    """
    if frame.empty:
        return _empty(title)
    labels = [
        f"{n:,} ({share:.1f}%)" if pd.notna(share) else f"{n:,} (not in the shares)"
        for n, share in zip(frame["individuals"], frame["share"], strict=True)
    ]
    figure = px.bar(
        frame,
        x="individuals",
        y=category,
        orientation="h",
        text=labels,
        labels={**MEASURES, category: category.replace("_", " ").capitalize()},
        title=title,
        color_discrete_sequence=COLOURS,
    )
    _label_outside(figure)
    figure.update_layout(
        # Room on the right for the longest "count (share%)" label.
        xaxis={"range": [0, LABEL_ROOM * float(frame["individuals"].max())]},
        yaxis={"categoryorder": "total ascending", "title": None},
        height=max(260, 32 * len(frame) + 120),
    )
    return figure


def by_year_stacked(frame: pd.DataFrame, stack: str, *, measure: str = "participations") -> go.Figure:
    """Return a stacked bar per year of a by-year table, split by its stack column."""
    title = f"{MEASURES[measure]} by year and {stack}"
    if frame.empty:
        return _empty(title)
    figure = px.bar(
        frame,
        x="year",
        y=measure,
        color=stack,
        labels={**MEASURES, "year": "Year"},
        title=title,
        color_discrete_sequence=COLOURS,
    )
    figure.update_layout(barmode="stack", xaxis={"dtick": 1, "tickangle": -45})
    if not pd.api.types.is_numeric_dtype(frame["year"]):  # a viewer's pooled years ("2005–2007"): in their order
        figure.update_xaxes(type="category", categoryorder="array", categoryarray=list(dict.fromkeys(frame["year"])))
    return figure


# Under this many years between the first and the last, the growth chart keeps room either side of its bars.
FEW_YEARS = 4


def growth_curve(frame: pd.DataFrame) -> go.Figure:
    """Return the cumulative number of distinct individuals reached, year by year, with new ones as bars."""
    title = "Individuals reached over time"
    if frame.empty:
        return _empty(title)
    figure = go.Figure()
    pooled = not pd.api.types.is_numeric_dtype(frame["year"])  # a viewer's pooled years ("2005–2007")
    new = "New that year or period" if pooled else "New that year"
    figure.add_bar(x=frame["year"], y=frame["new_individuals"], name=new, marker_color=COLOURS[1])
    figure.add_scatter(
        x=frame["year"],
        y=frame["cumulative_individuals"],
        name="Total so far",
        mode="lines+markers",
        line={"color": COLOURS[0], "width": 3},
    )
    figure.update_layout(title=title, xaxis={"dtick": 1, "tickangle": -45, "title": "Year"}, yaxis_title="Individuals")
    if pooled:  # in their order
        figure.update_xaxes(type="category")
        return figure
    first, last = int(frame["year"].min()), int(frame["year"].max())
    if last - first < FEW_YEARS:
        # A first year alone drew one bar across the whole chart: a few years' room on each side keeps it a bar.
        figure.update_xaxes(range=[first - FEW_YEARS / 2, last + FEW_YEARS / 2])
    return figure


def repeat_bar(frame: pd.DataFrame) -> go.Figure:
    """Return bars of how many individuals attended 1, 2 or 3+ modules, with percentages."""
    title = "How many modules each person attended"
    if frame.empty or frame["individuals"].sum() == 0:
        return _empty(title)
    labels = [f"{n:,} ({share:.1f}%)" for n, share in zip(frame["individuals"], frame["share"], strict=True)]
    figure = px.bar(
        frame,
        x="modules",
        y="individuals",
        text=labels,
        labels={"modules": "Modules attended", "individuals": "Individuals"},
        title=title,
        color_discrete_sequence=COLOURS,
    )
    _label_outside(figure)
    figure.update_xaxes(type="category")
    # Room above the tallest bar for its label.
    figure.update_yaxes(range=[0, LABEL_ROOM * float(frame["individuals"].max())])
    return figure


def corridors_sankey(frame: pd.DataFrame, *, shown: int = CORRIDORS_SHOWN, cross_border: bool = True) -> go.Figure:
    """Return a Sankey from nationality (left) to country of work (right) for the largest corridors.

    With cross_border, people working in their own country are left out: they are most people and
    would hide the migration corridors the chart is for (the table keeps them).
    """
    title = "Corridors: nationality → country of work"
    if cross_border and not frame.empty:
        frame = frame[frame["nationality"] != frame["country_of_work"]]
        title = "Corridors: nationality → another country of work"
    if frame.empty:
        return _empty(title)
    top = frame.sort_values("individuals", ascending=False).head(shown)
    origins = list(dict.fromkeys(top["nationality"]))
    destinations = list(dict.fromkeys(top["country_of_work"]))
    # Separate nodes for each side, so Nepal → Nepal is a link, not a loop.
    labels = origins + destinations
    source = [origins.index(name) for name in top["nationality"]]
    target = [len(origins) + destinations.index(name) for name in top["country_of_work"]]
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14, "color": COLOURS[0]},
            link={"source": source, "target": target, "value": top["individuals"].tolist()},
        )
    )
    subtitle = f" (largest {shown} of {len(frame)})" if len(frame) > shown else ""
    figure.update_layout(title=title + subtitle, height=max(400, 22 * max(len(origins), len(destinations))))
    return figure

"""Completion and funding charts: the on the lists → attended → completed funnel, organisations, grants."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from programme.charts.colours import STRONG
from programme.charts.reach import LABEL_ROOM, LABEL_SIZE, _empty, _label_outside
from programme.reach.funnel import ON_THE_LISTS, STAGE_WORDS

STAGE_COLOURS = {"registered": STRONG[6], "attended": STRONG[0], "completed": STRONG[2]}
# Text on each stage's bar: dark on the pale sky blue, white on the strong blue and green.
STAGE_TEXT = {"registered": "#000000", "attended": "#FFFFFF", "completed": "#FFFFFF"}
# Modules shown at once in the per-module chart; its table lists every one.
MODULES_SHOWN = 40
# Up to this many modules, the per-module chart writes their labels level, on several lines.
FEW_MODULES = 6


def funnel_chart(frame: pd.DataFrame, *, measure: str = "individuals", hidden: pd.Series | None = None) -> go.Figure:
    """Return the funnel of a funnel table (stage, individuals, participations): each stage with its share of the first.

    hidden: the stages not drawn (reach.hidden_stages, for a viewer: of fewer than N people, or a few short of the
    individuals). When the first is one, the others are drawn without their share of it (the
    share and the count would give it back); when none is left, nothing is drawn and the chart says why."""
    title = f"{ON_THE_LISTS} → attended → completed ({measure})"
    first_gone = hidden is not None and bool(hidden.any()) and bool(hidden.iloc[0])
    shown_title = title
    if hidden is not None and hidden.any():
        # The stages not drawn, named under the title: a lone bar is not read as everyone.
        names = [STAGE_WORDS.get(stage, stage).capitalize() for stage in frame.loc[hidden, "stage"]]
        which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        shown_title = f"{title}<br><sup>Not drawn, to protect privacy: {which} (see the note under the chart)</sup>"
        frame = frame[~hidden]
        if frame.empty:
            return _empty(title, "Not drawn, to protect privacy: see the note under the chart")
    if frame.empty or int(frame[measure].iloc[0]) == 0:
        return _empty(title)
    figure = go.Figure(
        go.Funnel(
            y=[STAGE_WORDS.get(stage, stage).capitalize() for stage in frame["stage"]],
            x=frame[measure].tolist(),
            # The whole number with thousands separators (plotly's default writes 275,369 as "275.369k").
            texttemplate="%{value:,}" if first_gone else "%{value:,}<br>%{percentInitial:.0%}",
            textposition="inside",
            textfont={"size": LABEL_SIZE, "color": [STAGE_TEXT.get(stage, "#000000") for stage in frame["stage"]]},
            marker={"color": [STAGE_COLOURS.get(stage, STRONG[0]) for stage in frame["stage"]]},
            connector={"fillcolor": "#E5E5E5", "line": {"color": "#BBBBBB", "width": 1}},
        )
    )
    figure.update_layout(title=shown_title, height=320, margin={"l": 110})
    return figure


def module_funnel_chart(frame: pd.DataFrame, *, shown: int = MODULES_SHOWN, total: int | None = None) -> go.Figure:
    """Return grouped bars per module (the latest `shown`): registered, attended and completed. total: how many
    modules there are when the frame holds only the latest of them."""
    title = f"{ON_THE_LISTS}, attended and completed per module"
    if frame.empty:
        return _empty(title)
    latest = frame.tail(shown)
    # A few modules: each label level, on lines of its own ("CODE · Module 1 · Mar 2025, City"); many: slanted.
    few = len(latest) <= FEW_MODULES
    labels = [str(label).replace(" · ", "<br>") for label in latest["module"]] if few else latest["module"].tolist()
    figure = go.Figure()
    for stage in ("registered", "attended", "completed"):
        figure.add_bar(
            x=labels,
            y=latest[stage].astype(float),
            name=STAGE_WORDS[stage].capitalize(),
            marker_color=STAGE_COLOURS[stage],
        )
    total = max(total or 0, len(frame))
    subtitle = f" (latest {min(shown, len(frame))} of {total:,})" if total > len(latest) else ""
    figure.update_layout(
        title=title + subtitle,
        barmode="group",
        xaxis={"tickangle": 0 if few else -45, "title": None, "automargin": True},
        yaxis_title="People",
        height=460,
        # Above the plotting area, under the title: never over the bars.
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"t": 90},
    )
    return figure


def organisations_chart(frame: pd.DataFrame) -> go.Figure:
    """Return bars of distinct organisations per type (org_type, organisations, share), with percentages, in the
    table's order from the top (organisations_by_type: "not recorded" last). A type without a share ("not recorded",
    left out of the shares) says so instead."""
    title = "Organisations reached, by type"
    if frame.empty:
        return _empty(title)
    ordered = frame.iloc[::-1]  # a horizontal bar chart draws its first row at the bottom
    figure = go.Figure(
        go.Bar(
            x=ordered["organisations"],
            y=ordered["org_type"],
            orientation="h",
            text=[
                f"{n:,} ({s:.1f}%)" if pd.notna(s) else f"{n:,} (not in the shares)"
                for n, s in zip(ordered["organisations"], ordered["share"], strict=True)
            ],
            marker_color=STRONG[0],
        )
    )
    _label_outside(figure)
    figure.update_layout(
        title=title,
        xaxis={"range": [0, LABEL_ROOM * float(ordered["organisations"].max())], "title": "Organisations"},
        height=max(260, 32 * len(ordered) + 120),
    )
    return figure


def grants_chart(frame: pd.DataFrame) -> go.Figure:
    """Return bars of individuals reached per grant (ref, funder, individuals); grants reaching nobody in the
    selection are left out (their table keeps them)."""
    title = "Individuals reached per grant"
    frame = frame[frame["individuals"] > 0]
    if frame.empty:
        return _empty(title)
    ordered = frame.sort_values("individuals")
    figure = go.Figure(
        go.Bar(
            x=ordered["individuals"],
            y=[f"{ref} · {funder}" for ref, funder in zip(ordered["ref"], ordered["funder"], strict=True)],
            orientation="h",
            text=[f"{n:,}" for n in ordered["individuals"]],
            marker_color=STRONG[2],
        )
    )
    _label_outside(figure)
    figure.update_layout(
        title=title,
        xaxis={"range": [0, LABEL_ROOM * float(ordered["individuals"].max())], "title": "Individuals"},
        height=max(260, 32 * len(ordered) + 120),
    )
    return figure

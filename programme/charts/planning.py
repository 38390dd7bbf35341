"""Planning charts: the programme's modules over the years, a day's sessions, hours by method and by topic."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from programme.charts.colours import METHOD_COLOURS, method_colours
from programme.core.rounding import fixed
from programme.planning.methods import is_training

# A chart with no rows still renders, with this note in place of bars.
EMPTY_NOTE = "Nothing to show yet"
# Axis length as a multiple of the largest bar, leaving room for its label.
LABEL_ROOM = 1.2
# The programme timeline's date axis: one day in plotly's unit (milliseconds), and the longest span (in days) whose
# ticks are set in whole days here, about eight ticks; over it plotly's own ticks are days, months or years.
DAY_MS = 86_400_000
DAY_TICKS_UP_TO_DAYS = 120
DAY_TICKS = 8
# Labels for whatever ticks plotly picks: dates, never the hours it uses when zoomed in or on a short span.
DATE_TICK_FORMATS = (
    ((None, DAY_MS), "%d %b %Y"),  # ticks under a day apart (a zoom): the date, no 00:00 / 12:00
    ((DAY_MS, 7 * DAY_MS), "%d %b %Y"),
    ((7 * DAY_MS, "M1"), "%d %b %Y"),
    (("M1", "M12"), "%b %Y"),
    (("M12", None), "%Y"),
)


def _empty(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, xaxis_visible=False, yaxis_visible=False)
    figure.add_annotation(text=EMPTY_NOTE, showarrow=False, font_size=16)
    return figure


def programme_timeline(modules: pd.DataFrame) -> go.Figure:
    """Return a timeline of modules (bars from start to end date), one line per course, coloured by scope.

    Expects modules_table's columns: course, number, start_date, end_date, scope, city.
    """
    title = "Modules across the years"
    if modules.empty:
        return _empty(title)
    frame = modules.copy()
    frame["start"] = pd.to_datetime(frame["start_date"])
    # A one-day module would be invisible; bars end at the end of the last day.
    frame["finish"] = pd.to_datetime(frame["end_date"]) + timedelta(days=1)
    frame["module"] = "Module " + frame["number"].astype(str)
    order = frame.sort_values("start").drop_duplicates("course")["course"].tolist()
    figure = px.timeline(
        frame,
        x_start="start",
        x_end="finish",
        y="course",
        color="scope",
        hover_data={"module": True, "city": True, "start": "|%d %b %Y", "finish": False, "course": True},
        category_orders={"course": order},
        title=title,
    )
    # Short modules (4 days) over 15 years are slivers: an outline keeps them visible.
    for trace in figure.data:
        trace.marker.line.width = 3
        trace.marker.line.color = trace.marker.color
    figure.update_layout(
        yaxis_title=None, xaxis_title=None, height=max(320, 22 * len(order) + 120), legend_title_text="Scope"
    )
    _date_axis(figure, frame["start"].min(), frame["finish"].max())
    return figure


def _date_axis(figure: go.Figure, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Label the x axis with dates whatever the span: a single module of four days showed 00:00 and 12:00.

    Over a short span (a module, or a course of a few months) the ticks are set whole days apart, at midnight; over a
    longer one plotly picks them, and every tick spacing it may pick is labelled with a date, a month or a year."""
    span_days = max(1, (last - first).days)
    if span_days <= DAY_TICKS_UP_TO_DAYS:
        step = -(-span_days // DAY_TICKS)  # whole days, about DAY_TICKS ticks
        figure.update_xaxes(tick0=first.normalize(), dtick=step * DAY_MS, tickformat="%d %b %Y")
    else:
        figure.update_xaxes(
            tickformatstops=[{"dtickrange": list(limits), "value": value} for limits, value in DATE_TICK_FORMATS]
        )


def day_timeline(agenda: pd.DataFrame, day: int) -> go.Figure:
    """Return one day's sessions as bars from start to end time, a line per session, coloured by method.

    Breaks and meals are drawn like sessions (in their quiet colours): the day as participants live it. Every day's
    time axis spans the whole agenda's hours (whole hours from its earliest start to its latest end), so that days
    compare at a glance.

    Expects agenda_table's columns: day, start, end, title, method.
    """
    title = f"Day {day}"
    colours = method_colours(agenda["method"]) if not agenda.empty else {}
    sessions = agenda[agenda["day"] == day] if not agenda.empty else agenda
    if sessions.empty:
        return _empty(title)
    frame = sessions.copy()
    anchor = date(2000, 1, 1)  # times only: every bar on the same nominal date
    frame["from"] = [datetime.combine(anchor, t) for t in frame["start"]]
    frame["to"] = [datetime.combine(anchor, t) for t in frame["end"]]
    frame["label"] = [f"{t:%H:%M} {name}" for t, name in zip(frame["start"], frame["title"], strict=True)]
    # Rows in time order: plotly would otherwise group them by method, the order of its traces.
    rows = frame.sort_values(["start", "end", "title"], kind="stable")["label"].drop_duplicates().tolist()
    methods = [m for m in METHOD_COLOURS if m in set(frame["method"])]
    methods += sorted(set(frame["method"]) - set(methods))
    figure = px.timeline(
        frame,
        x_start="from",
        x_end="to",
        y="label",
        color="method",
        color_discrete_map=colours,
        category_orders={"method": methods},
        hover_data={"from": "|%H:%M", "to": "|%H:%M", "label": False, "facilitators": True},
        title=title,
    )
    # The earliest session at the top.
    figure.update_yaxes(categoryorder="array", categoryarray=rows, autorange="reversed", title=None)
    # Every day on the module's one clock, whole hours from its earliest start to its latest end: drawn each on its own
    # span, a one-hour evaluation on day 4 was as wide as a three-hour role play on day 2.
    first = min(agenda["start"])
    last = max(agenda["end"])
    hours = (first.hour, last.hour + (1 if (last.minute, last.second) != (0, 0) else 0))
    span = [datetime.combine(anchor, time(hours[0])), datetime.combine(anchor, time(0)) + timedelta(hours=hours[1])]
    figure.update_xaxes(tickformat="%H:%M", title=None, range=span)
    figure.update_layout(
        height=max(300, 36 * len(frame) + 170),
        # Above the plot, in a row of its own: a legend at the side is cut off when the labels are long.
        legend={
            "orientation": "h",
            "title": {"text": "Method", "side": "left"},
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
        },
        margin={"t": 90},
    )
    return figure


def _hours(agenda: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [
            (e.hour * 60 + e.minute - s.hour * 60 - s.minute) / 60
            for s, e in zip(agenda["start"], agenda["end"], strict=True)
        ],
        index=agenda.index,
        dtype=float,
    )


def training_sessions(agenda: pd.DataFrame) -> pd.DataFrame:
    """Return the agenda's training sessions: every row but breaks and meals (see planning.methods.PAUSES)."""
    if agenda.empty:
        return agenda
    return agenda[[is_training(method) for method in agenda["method"]]]


def hours_by(agenda: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return total training hours per value of column ("method", or "topics" split on ';'), largest first.

    Breaks and meals are not training and are left out.
    """
    agenda = training_sessions(agenda)
    if agenda.empty:
        return pd.DataFrame(columns=[column, "hours"])
    frame = agenda.assign(hours=_hours(agenda))
    if column == "topics":
        # A session on two topics counts its full length under each: the question is "how much time touched X".
        frame = frame.assign(topics=frame["topics"].fillna("").str.split(";")).explode("topics")
        frame["topics"] = frame["topics"].str.strip().replace("", "(no topic)")
    totals = frame.groupby(column, as_index=False)["hours"].sum()
    return totals.sort_values(["hours", column], ascending=[False, True]).reset_index(drop=True)


def hours_chart(agenda: pd.DataFrame, column: str) -> go.Figure:
    """Return a horizontal bar chart of training hours (breaks and meals left out) by method or by topic."""
    title = f"Training hours by {'topic' if column == 'topics' else column}"
    totals = hours_by(agenda, column)
    if totals.empty:
        return _empty(title)
    if column == "method":
        palette = method_colours(agenda["method"])
        colours = [palette[method] for method in totals["method"]]
    else:
        colours = METHOD_COLOURS["presentation"]
    figure = go.Figure(
        go.Bar(
            x=totals["hours"],
            y=totals[column],
            orientation="h",
            marker_color=colours,
            text=[f"{fixed(hours, 1)} h" for hours in totals["hours"]],
            # Beside the bar at the axis' size: inside, plotly shrank "19.5 h" to fit the thinnest bars.
            textposition="outside",
            textangle=0,
            textfont_size=13,
            constraintext="none",  # else plotly shrinks the label to the bar's thickness
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} h<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_layout(
        title=title,
        # Room on the right of the longest bar for its label.
        xaxis={"title": "hours", "range": [0, LABEL_ROOM * float(totals["hours"].max())]},
        height=max(260, 32 * len(totals) + 120),
        showlegend=False,
    )
    return figure

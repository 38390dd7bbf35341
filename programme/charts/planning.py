"""Planning charts: the programme's modules over the years, a day's sessions, hours by method and by topic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

# A chart with no rows still renders, with this note in place of bars.
EMPTY_NOTE = "Nothing to show yet"


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
    return figure


def day_timeline(agenda: pd.DataFrame, day: int) -> go.Figure:
    """Return one day's sessions as bars from start to end time, a line per session, coloured by method.

    Expects agenda_table's columns: day, start, end, title, method.
    """
    title = f"Day {day}"
    sessions = agenda[agenda["day"] == day] if not agenda.empty else agenda
    if sessions.empty:
        return _empty(title)
    frame = sessions.copy()
    anchor = date(2000, 1, 1)  # times only: every bar on the same nominal date
    frame["from"] = [datetime.combine(anchor, t) for t in frame["start"]]
    frame["to"] = [datetime.combine(anchor, t) for t in frame["end"]]
    frame["label"] = [f"{t:%H:%M} {name}" for t, name in zip(frame["start"], frame["title"], strict=True)]
    figure = px.timeline(
        frame,
        x_start="from",
        x_end="to",
        y="label",
        color="method",
        hover_data={"from": "|%H:%M", "to": "|%H:%M", "label": False, "facilitators": True},
        title=title,
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(tickformat="%H:%M", title=None)
    figure.update_layout(height=max(260, 36 * len(frame) + 120), legend_title_text="Method")
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


def hours_by(agenda: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return total session hours per value of column ("method", or "topics" split on ';'), largest first."""
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
    """Return a horizontal bar chart of session hours by method or by topic."""
    title = f"Hours by {'topic' if column == 'topics' else column}"
    totals = hours_by(agenda, column)
    if totals.empty:
        return _empty(title)
    figure = px.bar(totals, x="hours", y=column, orientation="h", title=title, text="hours")
    figure.update_traces(texttemplate="%{text:.1f} h")
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_layout(xaxis_title="hours", height=max(260, 28 * len(totals) + 120))
    return figure

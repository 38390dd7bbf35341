"""Evaluation charts: pure functions from the dashboards' tables (programme.evaluations.queries) to plotly figures."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from programme.charts.colours import STRONG, SYMBOLS
from programme.core.rounding import fixed
from programme.evaluations.means import MODULE_MEAN_LABEL
from programme.evaluations.queries import WEAK_GAP, WEAK_MEAN
from programme.evaluations.scales import DEFAULT_SCALE_LABELS
from programme.evaluations.summary import rate_shown
from programme.models.evaluations import RATING_MAX, RATING_MIN

# Red for the low end, grey for the middle, blue for the high end: readable by most colour-blind people.
LIKERT_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")
# A 0-10 question's eleven answers in the same diverging order (ColorBrewer RdBu, grey in the middle).
LIKERT_COLOURS_11 = ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#bababa", "#d1e5f0", "#92c5de",
                     "#4393c3", "#2166ac", "#053061")  # fmt: skip
STANDARD_SCALE = (RATING_MIN, RATING_MAX)
WEAK_COLOUR = "#b2182b"
GOOD_COLOUR = "#2166ac"
MUTED_COLOUR = "#9e9e9e"
# Height of one bar's row in horizontal charts, so that long lists stay legible.
ROW_HEIGHT = 30
MIN_HEIGHT = 320
LABEL_MAX = 70
# After a question reworded since some of its answers were given (reworded_note names its earlier wordings).
REWORDED_MARK = " †"
# The standard form's session questions share this opening; charts show only the session's title.
SESSION_PREFIXES = ("How useful was the session: ",)
RATING_RANGE = [RATING_MIN - 0.5, RATING_MAX + 0.2]
# Value labels stand in a column (or a row) just past the scale's end, RATING_MAX: the reference lines
# (the weak threshold, the averages) are means, never above RATING_MAX, so they never cross a label.
LABEL_AT = RATING_MAX + 0.08
# The value axis runs this far past RATING_MAX, to hold the labels.
LABEL_ROOM = 1.7
MARKER_SIZE = 10
# A single module's point on the facilitators' chart sits this far (days) from the axis' ends.
DATE_PADDING_DAYS = 180
# Points of one module, side by side: this share of the years shown apart (at least DODGE_MIN_DAYS).
DODGE_SHARE = 0.012
DODGE_MIN_DAYS = 20
FIRST_MODULE_NOTE = "This is the course's first evaluated module: there is nothing earlier to compare with."


def _shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short_question(text: str) -> str:
    """Return "Working with the media" for "How useful was the session: Working with the media?"."""
    for prefix in SESSION_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :].rstrip("?").strip()
    return text


def _height(rows: int) -> int:
    return max(MIN_HEIGHT, 120 + ROW_HEIGHT * rows)


def empty_figure(message: str) -> go.Figure:
    """Return a blank figure that says why there is nothing to show."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 15}, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=MIN_HEIGHT)
    return figure


def response_rate_chart(rates: pd.DataFrame, label: str = "module") -> go.Figure:
    """Return bars of participants who attended and responses per module, labelled with the response rate.

    label: the column naming modules ("short" when all are of one course).
    """
    if rates.empty:
        return empty_figure("No module has attendance or evaluation responses yet.")
    # Over 100% (more responses than people recorded as attending), marked as the headline marks it: the page's
    # warning says what may have happened. A module under way (the column "under_way", when the page adds it) says
    # so: "80% so far", or "under way" instead of a rate over 100% while its attendance is still coming in.
    running = rates["under_way"] if "under_way" in rates else [False] * len(rates)
    text = [rate_shown(rate, under_way=bool(now)) for rate, now in zip(rates["rate"], running, strict=True)]
    figure = go.Figure(
        [
            go.Bar(name="Attended", x=rates[label], y=rates["attended"], marker_color=MUTED_COLOUR),
            go.Bar(
                name="Responses",
                x=rates[label],
                y=rates["responses"],
                marker_color=GOOD_COLOUR,
                text=text,
                textposition="outside",
                hovertemplate="%{x}<br>%{y} responses<br>response rate: %{text}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        barmode="group", title="Responses against attendance", yaxis_title="people", legend_orientation="h"
    )
    return figure


def likert_scales(counts: pd.DataFrame) -> list[tuple[int, int]]:
    """Return the rating ranges the module's questions use, 1-5 first: one Likert chart each (never mixed)."""
    if counts.empty or "scale_min" not in counts:
        return [STANDARD_SCALE] if not counts.empty else []
    found = {(int(low), int(high)) for low, high in zip(counts["scale_min"], counts["scale_max"], strict=True)}
    return sorted(found, key=lambda scale: (scale != STANDARD_SCALE, scale))


def _on_scale(counts: pd.DataFrame, scale: tuple[int, int]) -> pd.DataFrame:
    if "scale_min" not in counts:
        return counts if scale == STANDARD_SCALE else counts.iloc[0:0]
    return counts[(counts["scale_min"] == scale[0]) & (counts["scale_max"] == scale[1])]


def _likert_rows(counts: pd.DataFrame, scale: tuple[int, int] = STANDARD_SCALE) -> pd.DataFrame:
    """Return one row per question with n, mean and the share (%) of each rating of its scale."""
    ratings = range(scale[0], scale[1] + 1)
    wide = counts.pivot_table(index=["position", "question"], columns="rating", values="count", aggfunc="sum")
    wide = wide.reindex(columns=ratings, fill_value=0).fillna(0)
    wide["n"] = wide.sum(axis=1)
    wide["mean"] = sum(wide[r] * r for r in ratings) / wide["n"]
    for rating in ratings:
        wide[f"pct{rating}"] = wide[rating] / wide["n"] * 100
    return wide.reset_index().sort_values("position")


def _earlier_by_question(counts: pd.DataFrame) -> dict[str, str]:
    """Return {question: its earlier wordings, quoted} for the reworded questions of likert_counts' table."""
    if "earlier" not in counts:
        return {}
    pairs = counts[["question", "earlier"]].drop_duplicates("question")
    return {q: e for q, e in zip(pairs["question"], pairs["earlier"], strict=True) if isinstance(e, str) and e}


def reworded_note(counts: pd.DataFrame) -> str | None:
    """Return the sentence naming the rated questions reworded since some of their answers were given (marked
    REWORDED_MARK on the Likert charts), with the wordings asked before, or None when none was reworded: a figure is
    not to be read against a wording some of its answers were not given to."""
    earlier = _earlier_by_question(counts)
    if not earlier:
        return None
    named = "; ".join(f"“{question}” (formerly: {before})" for question, before in earlier.items())
    one = len(earlier) == 1
    return (
        f"{REWORDED_MARK.strip()} Reworded after answers were given: {named}. "
        f"{'Its' if one else 'Their'} figures count the answers given to every wording."
    )


def likert_charts(counts: pd.DataFrame, labels: Sequence[str] = DEFAULT_SCALE_LABELS) -> list[go.Figure]:
    """Return the module's Likert charts: the 1-5 questions answered with the form's labels (its words in the legend),
    the 1-5 questions answered otherwise (numbers, another scale's words: numbered), then each other range's."""
    if counts.empty:
        return [likert_chart(counts, labels)]
    figures = []
    for scale in likert_scales(counts):
        if scale == STANDARD_SCALE and "uses_form_labels" in counts:
            worded = set(_on_scale(counts, scale)["uses_form_labels"].astype(bool))
            figures += [
                likert_chart(counts, labels, scale, numbered=not words) for words in (True, False) if words in worded
            ]
        else:
            figures.append(likert_chart(counts, labels, scale))
    return figures


def likert_chart(
    counts: pd.DataFrame,
    labels: Sequence[str] = DEFAULT_SCALE_LABELS,
    scale: tuple[int, int] = STANDARD_SCALE,
    *,
    numbered: bool | None = None,
) -> go.Figure:
    """Return the diverging stacked bar chart of one scale's rating questions, centred on its middle, with mean and n.

    counts: question_id/position, question, scale_min, scale_max, uses_form_labels, rating, count
    (queries.likert_counts); only the questions on scale are drawn (1-5 with the form's five labels, or 0-10 with
    eleven numbered answers), so that no chart puts a 0-10 question beside 1-5 ones as if they were alike.
    numbered: only the 1-5 questions answered otherwise than with the form's labels (True), named by number, or only
    those answered with them (False); None: every 1-5 question, with the labels.
    """
    counts = _on_scale(counts, scale) if not counts.empty else counts
    if numbered is not None and "uses_form_labels" in counts and not counts.empty:
        counts = counts[counts["uses_form_labels"].astype(bool) != numbered]
    if counts.empty:
        return empty_figure("No ratings yet for this module.")
    low, high = scale
    standard = scale == STANDARD_SCALE and not numbered
    rows = _likert_rows(counts, scale)
    earlier = _earlier_by_question(counts)
    formerly = [f"<br>Reworded; formerly: {earlier[q]}" if earlier.get(q) else "" for q in rows["question"]]
    names = [
        f"{_shorten(_short_question(q), 48)}{REWORDED_MARK if f else ''}  <b>{fixed(m)}</b> "
        f"({int(n):,} rating{'' if int(n) == 1 else 's'})"
        for q, m, n, f in zip(rows["question"], rows["mean"], rows["n"], formerly, strict=True)
    ]
    colours = LIKERT_COLOURS if scale == STANDARD_SCALE else LIKERT_COLOURS_11
    words = {r: labels[r - low] if standard else str(r) for r in range(low, high + 1)}
    middle = (low + high) // 2
    figure = go.Figure()
    # Negative side first, from the centre outwards, so that the middle half touches zero.
    order = [(middle, -0.5), *[(r, -1.0) for r in range(middle - 1, low - 1, -1)], (middle, 0.5),
             *[(r, 1.0) for r in range(middle + 1, high + 1)]]  # fmt: skip
    for rating, sign in order:
        share = rows[f"pct{rating}"] * abs(sign)
        figure.add_bar(
            y=names,
            x=share * (1 if sign > 0 else -1),
            orientation="h",
            name=f"{rating} {words[rating]}" if standard else words[rating],
            marker_color=colours[rating - low],
            legendgroup=str(rating),
            legendrank=rating,
            showlegend=not (rating == middle and sign < 0),
            customdata=list(zip(rows[rating], rows[f"pct{rating}"], formerly, strict=True)),
            hovertemplate=f"{words[rating]}: %{{customdata[0]:.0f}} (%{{customdata[1]:.0f}}%)%{{customdata[2]}}"
            "<extra></extra>",
        )
    title = (
        "Ratings (share of answers; low to the left, high to the right)"
        if standard
        else f"Ratings given as a number from {low} to {high} (share of answers; {low} to the left, {high} to the right)"
        if scale == STANDARD_SCALE
        else f"Questions on a {low}–{high} scale, apart from the 1–5 ratings (share of answers; {low} to the left, "
        f"{high} to the right)"
    )
    figure.update_layout(
        barmode="relative",
        title=title,
        xaxis={"range": [-100, 100], "tickvals": [-100, -50, 0, 50, 100],
               "ticktext": ["100", "50", "0", "50", "100"]},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "traceorder": "normal", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        height=_height(len(rows)) + 40,
    )  # fmt: skip
    return figure


def _means_text(means: pd.Series) -> list[str]:
    """Return each mean as "4.13", a half rounded up as everywhere a figure is shown (core.rounding); hovers use
    these rather than plotly's own format, which would round 2.675 down."""
    return [fixed(m) for m in means]


def _rating_bar_text(means: pd.Series, counts: pd.Series) -> list[str]:
    """Return "4.25 (417 ratings)": n counts ratings (a response rates many sessions), not responses."""
    return [f"{fixed(m)} ({int(n):,} rating{'' if int(n) == 1 else 's'})" for m, n in zip(means, counts, strict=True)]


def _value_labels(labels: Sequence[str], where: Sequence[str], *, horizontal: bool) -> go.Scatter:
    """Return text only, at LABEL_AT on the value axis beside (or above) each bar, clear of the reference lines."""
    at = [LABEL_AT] * len(labels)
    return go.Scatter(
        x=at if horizontal else list(where),
        y=list(where) if horizontal else at,
        mode="text",
        text=list(labels),
        textposition="middle right" if horizontal else "top center",
        textfont={"size": 13},
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )


def sessions_ranked_chart(sessions: pd.DataFrame, weak_mean: float = WEAK_MEAN) -> go.Figure:
    """Return the module's sessions ranked by mean rating, weak ones in red, with the weak line and module average."""
    if sessions.empty:
        return empty_figure("No session ratings yet: the form needs questions tied to sessions.")
    ranked = sessions.sort_values("mean", ascending=False)
    colours = [WEAK_COLOUR if weak else GOOD_COLOUR for weak in ranked["weak"]]
    names = [
        _shorten(title) + (" ⚠" if weak else "") for title, weak in zip(ranked["session"], ranked["weak"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            y=names,
            x=ranked["mean"],
            orientation="h",
            marker_color=colours,
            customdata=list(zip(ranked["n"], _means_text(ranked["mean"]), strict=True)),
            hovertemplate="%{y}<br>mean %{customdata[1]} (%{customdata[0]} ratings)<extra></extra>",
        )
    )  # fmt: skip
    figure.add_trace(_value_labels(_rating_bar_text(ranked["mean"], ranked["n"]), names, horizontal=True))
    # The lines' names above the plot, where no bar or label is.
    figure.add_vline(x=weak_mean, line_dash="dash", line_color=WEAK_COLOUR, annotation_text=f"weak {weak_mean}",
                     annotation_position="top left", annotation_yanchor="bottom", annotation_font_color=WEAK_COLOUR)  # fmt: skip
    if "module_mean" in ranked and len(ranked):
        # The module's average as the dashboard's header gives it (evaluations.means.module_mean).
        average = float(ranked["module_mean"].iloc[0])
        figure.add_vline(x=average, line_dash="dot", line_color=MUTED_COLOUR,
                         annotation_text=f"{MODULE_MEAN_LABEL} {fixed(average)}",
                         annotation_position="top right", annotation_yanchor="bottom")  # fmt: skip
    figure.update_layout(
        title=f"Sessions ranked by mean rating (⚠ weak: below {weak_mean}, the red line, "
        f"or {WEAK_GAP} below the {MODULE_MEAN_LABEL} of all ratings, the dotted line)",
        xaxis={"title": "mean rating (1-5)", "range": [RATING_MIN - 1, RATING_MAX + LABEL_ROOM],
               "tickvals": list(range(RATING_MIN - 1, RATING_MAX + 1))},
        yaxis={"autorange": "reversed"},
        height=_height(len(ranked)) + 30,
        margin={"t": 110},
        showlegend=False,
    )  # fmt: skip
    return figure


def facilitator_chart(ratings: pd.DataFrame, organisation_mean: float | None = None) -> go.Figure:
    """Return each facilitator's mean session rating per module they led, over time (one line each)."""
    if ratings.empty:
        return empty_figure("No rated session has a facilitator yet: name them in the Agenda grid.")
    figure = go.Figure()
    frame = ratings.assign(start_date=pd.to_datetime(ratings["start_date"])).sort_values(["start_date", "facilitator"])
    # Facilitators of one module side by side, a little apart, rather than one point hiding another.
    span = frame["start_date"].max() - frame["start_date"].min()
    step = max(span * DODGE_SHARE, pd.Timedelta(days=DODGE_MIN_DAYS))
    place = frame.groupby("start_date").cumcount()
    size = frame.groupby("start_date")["facilitator"].transform("size")
    frame["shown_at"] = frame["start_date"] + (place - (size - 1) / 2) * step
    people = list(frame.groupby("facilitator", sort=True))
    colours = {name: STRONG[index % len(STRONG)] for index, (name, _) in enumerate(people)}
    ranks = {name: index for index, (name, _) in enumerate(people)}
    # Those with fewest modules drawn last, on top: a single point is not hidden under a long line.
    for name, rows in sorted(people, key=lambda person: -len(person[1])):
        figure.add_scatter(
            x=rows["shown_at"],
            y=rows["mean"],
            mode="lines+markers",
            name=name,
            legendrank=ranks[name],
            line={"color": colours[name], "width": 2.5},
            marker={
                "color": colours[name],
                "symbol": SYMBOLS[ranks[name] % len(SYMBOLS)],
                "size": MARKER_SIZE,
                "line": {"color": "white", "width": 1},
            },
            customdata=list(zip(rows["module"], rows["n"], _means_text(rows["mean"]), strict=True)),
            hovertemplate=f"{name}<br>%{{customdata[0]}}<br>mean %{{customdata[2]}} (%{{customdata[1]}} ratings)<extra></extra>",
        )
    padding = pd.Timedelta(days=DATE_PADDING_DAYS)
    if organisation_mean is not None:
        figure.add_hline(y=organisation_mean, line_dash="dot", line_color=MUTED_COLOUR,
                         annotation_text=f"organisation {fixed(organisation_mean)}", annotation_position="top left")  # fmt: skip
    figure.update_layout(
        title="Facilitators: mean rating of the sessions they led, by module",
        yaxis={"title": "mean rating (1-5)", "range": RATING_RANGE},
        # Padded, so that a point on the first or last module stands clear of the edge.
        xaxis={
            "title": "module start",
            "range": [frame["shown_at"].min() - padding, frame["shown_at"].max() + padding],
        },
    )
    return figure


def module_comparison_chart(comparison: pd.DataFrame) -> go.Figure:
    """Return the module's mean rating beside its course's earlier modules, with the organisation's average."""
    modules = comparison[comparison["kind"] != "organisation"]
    if modules.empty:
        return empty_figure("This module has no ratings yet.")
    colours = [GOOD_COLOUR if kind == "this module" else MUTED_COLOUR for kind in modules["kind"]]
    figure = go.Figure(
        go.Bar(
            x=modules["label"],
            y=modules["mean"],
            marker_color=colours,
            customdata=list(zip(modules["n"], _means_text(modules["mean"]), strict=True)),
            hovertemplate="%{x}<br>mean %{customdata[1]} (%{customdata[0]} ratings)<extra></extra>",
        )
    )
    figure.add_trace(_value_labels(_rating_bar_text(modules["mean"], modules["n"]), modules["label"], horizontal=False))
    organisation = comparison[comparison["kind"] == "organisation"]
    right = 20
    if not organisation.empty:
        average = float(organisation["mean"].iloc[0])
        # Its name in the right margin, beside the line's end: never over a bar or a label.
        figure.add_hline(y=average, line_dash="dash", line_color=WEAK_COLOUR, annotation_position="right",
                         annotation_text=f"organisation<br>average {fixed(average)}", annotation_font_color=WEAK_COLOUR)  # fmt: skip
        right = 110
    figure.update_layout(
        title="This module against earlier modules of the course",
        yaxis={"title": "mean rating (1-5)", "range": [0, RATING_MAX + 0.6],
               "tickvals": list(range(0, RATING_MAX + 1))},
        margin={"r": right},
        # Narrow bars: one or two modules should not fill the width.
        bargap=0.5 if len(modules) > 2 else 0.7,
        showlegend=False,
    )  # fmt: skip
    return figure


def comparison_note(comparison: pd.DataFrame) -> str | None:
    """Return what to say instead of the comparison chart when the course has no earlier rated module, else None."""
    rated = comparison[comparison["kind"] != "organisation"] if not comparison.empty else comparison
    if rated.empty or (rated["kind"] == "earlier module").any():
        return None  # no ratings: the chart says so; earlier modules: the chart compares
    return FIRST_MODULE_NOTE


def trend_chart(trend: pd.DataFrame) -> go.Figure:
    """Return the mean rating per year, with the number of responses in the hover and on the points."""
    if trend.empty:
        return empty_figure("No ratings yet.")
    figure = go.Figure(
        go.Scatter(
            x=trend["year"],
            y=trend["mean"],
            mode="lines+markers+text",
            text=_means_text(trend["mean"]),
            textposition="top center",
            marker_color=GOOD_COLOUR,
            customdata=list(zip(trend["modules"], trend["responses"], _means_text(trend["mean"]), strict=True)),
            hovertemplate="%{x}: mean %{customdata[2]}<br>%{customdata[0]} modules, %{customdata[1]} responses"
            "<extra></extra>",
        )
    )
    figure.update_layout(
        title="Mean rating by year",
        yaxis={"title": "mean rating (1-5)", "range": RATING_RANGE},
        # Ticks at the years rated only: one year alone was drawn between two empty years' ticks.
        xaxis={"title": "year", "tickvals": trend["year"].tolist(), "tickformat": "d"},
    )
    return figure


def learning_gain_chart(gains: pd.DataFrame, label: str = "module") -> go.Figure:
    """Return pre- and post-test means per module joined by a line (the gain), Kirkpatrick level 2."""
    if gains.empty:
        return empty_figure("No pre- and post-test scores recorded yet.")
    figure = go.Figure()
    for name, pre, post in zip(gains[label], gains["pre"], gains["post"], strict=True):
        figure.add_scatter(x=[pre, post], y=[name, name], mode="lines", line_color=MUTED_COLOUR,
                           showlegend=False, hoverinfo="skip")  # fmt: skip
    figure.add_scatter(x=gains["pre"], y=gains[label], mode="markers", name="before (pre-test)",
                       marker={"color": LIKERT_COLOURS[1], "size": 10})  # fmt: skip
    figure.add_scatter(
        x=gains["post"],
        y=gains[label],
        mode="markers",
        name="after (post-test)",
        marker={"color": GOOD_COLOUR, "size": 10},
        customdata=list(zip(gains["gain"], gains["people"], strict=True)),
        hovertemplate="%{y}<br>after %{x:.1f}, gain %{customdata[0]:+.1f} (%{customdata[1]} people)<extra></extra>",
    )
    figure.update_layout(
        title="Learning: mean test score before and after, by module",
        xaxis_title="average test score",
        yaxis={"autorange": "reversed"},
        height=_height(len(gains)),
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    return figure

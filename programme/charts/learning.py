"""The learning gain chart: mean gain per group with its 95% confidence interval as error bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from programme.charts.colours import STRONG
from programme.charts.reach import _empty


def gain_interval_chart(frame: pd.DataFrame, *, by: str) -> go.Figure:
    """Return the mean gain (post − pre) per group with its 95% CI as a horizontal error bar, n in the hover."""
    title = f"Learning gain by {by} (mean post − pre test score, 95% confidence interval)"
    if frame.empty:
        return _empty(title)
    low = [g - lo if lo is not None and not pd.isna(lo) else 0 for g, lo in zip(frame["gain"], frame["ci_low"],
                                                                             strict=True)]  # fmt: skip
    high = [hi - g if hi is not None and not pd.isna(hi) else 0 for g, hi in zip(frame["gain"], frame["ci_high"],
                                                                              strict=True)]  # fmt: skip
    figure = go.Figure(
        go.Scatter(
            x=frame["gain"],
            y=frame["group"],
            mode="markers",
            marker={"color": STRONG[2], "size": 10},
            error_x={"type": "data", "symmetric": False, "array": high, "arrayminus": low, "color": STRONG[0]},
            customdata=list(zip(frame["n"], frame["pre"], frame["post"], strict=True)),
            hovertemplate="%{y}: gain %{x:+.1f} (n = %{customdata[0]}; before %{customdata[1]:.1f}, "
            "after %{customdata[2]:.1f})<extra></extra>",
        )
    )
    figure.add_vline(x=0, line_color="#999999", line_dash="dot")
    figure.update_layout(
        title=title,
        xaxis_title="gain in test score points",
        yaxis={"autorange": "reversed", "type": "category"},
        height=max(260, 26 * len(frame) + 140),
    )
    return figure

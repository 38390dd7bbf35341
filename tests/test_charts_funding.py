"""The Completion charts (programme/charts/funding.py): what each stage's bar says."""

from __future__ import annotations

import pandas as pd

from programme.charts.funding import funnel_chart


def test_the_funnel_writes_each_stage_as_a_whole_number_with_its_share_of_the_first() -> None:
    frame = pd.DataFrame(
        {"stage": ["registered", "attended", "completed"], "individuals": [275_369, 275_369, 273_847],
         "participations": [1_100_565, 1_100_565, 1_090_000]}
    )  # fmt: skip
    trace = funnel_chart(frame).data[0]
    assert list(trace.x) == [275_369, 275_369, 273_847]
    # Thousands separated, never plotly's default SI form ("275.369k"); the share of the first stage, whole percent.
    assert trace.texttemplate == "%{value:,}<br>%{percentInitial:.0%}"
    assert trace.textinfo is None
    assert list(funnel_chart(frame, measure="participations").data[0].x) == [1_100_565, 1_100_565, 1_090_000]

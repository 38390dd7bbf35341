"""The Completion charts (programme/charts/funding.py): what each stage's bar says."""

from __future__ import annotations

import pandas as pd

from programme.charts.funding import FEW_MODULES, funnel_chart, module_funnel_chart


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


def _modules(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "module": [f"NP-MYS-2025 · Module {n} · Mar 2025, Kuala Lumpur" for n in range(1, count + 1)],
            "registered": [100] * count,
            "attended": [60] * count,
            "completed": [0] * count,
        }
    )


def test_a_few_modules_are_labelled_level_on_lines_of_their_own_and_the_legend_stays_off_the_bars() -> None:
    figure = module_funnel_chart(_modules(1))
    assert [list(bar.x) for bar in figure.data] == [["NP-MYS-2025<br>Module 1<br>Mar 2025, Kuala Lumpur"]] * 3
    assert figure.layout.xaxis.tickangle == 0
    # The legend sits on top of the plotting area (anchored by its bottom at the area's top), not inside it.
    assert (figure.layout.legend.y, figure.layout.legend.yanchor) == (1.0, "bottom")


def test_many_modules_keep_their_one_line_labels_slanted() -> None:
    figure = module_funnel_chart(_modules(FEW_MODULES + 1))
    assert list(figure.data[0].x) == _modules(FEW_MODULES + 1)["module"].tolist()
    assert figure.layout.xaxis.tickangle == -45


def test_the_funnels_first_stage_says_on_the_lists_apart_from_the_headlines_signed_up() -> None:
    """The headline's "Signed up 60" (people on a registration list) sat beside the funnel's "Registered (listed) 100"
    (everyone on a module's lists): two words for registering, two figures. The stage says "On the lists" in the
    charts, the tables and their downloads, and the headline's help says which is which. The figures and the keys
    (`stats --json` has "registered") are unchanged."""
    from programme.reach import COMPLETION_NOTE, SIGNED_UP_HELP, STAGES
    from programme.web.reach_tables import readable

    frame = pd.DataFrame({"stage": STAGES, "individuals": [100, 60, 40], "participations": [120, 70, 45]})
    funnel = funnel_chart(frame)
    assert list(funnel.data[0].y) == ["On the lists", "Attended", "Completed"]
    assert funnel.layout.title.text == "On the lists → attended → completed (individuals)"
    assert [bar.name for bar in module_funnel_chart(_modules(2)).data] == ["On the lists", "Attended", "Completed"]
    table = readable(frame)
    assert table["Stage"].tolist() == ["on the lists", "attended", "completed"]
    assert table["Individuals"].tolist() == [100, 60, 40]
    assert list(readable(_modules(1)).columns) == ["Module", "On the lists", "Attended", "Completed"]
    assert frame["stage"].tolist() == ["registered", "attended", "completed"]  # the data keep their keys
    assert "registration list" in SIGNED_UP_HELP and "On the lists" in SIGNED_UP_HELP
    assert "Signed up" in COMPLETION_NOTE and "whether or not they came" in COMPLETION_NOTE
    assert not any("egistered" in text for text in (SIGNED_UP_HELP, COMPLETION_NOTE, *table["Stage"]))

"""Reach chart builders: pure functions from tables to figures, and the offline map's config."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from programme.charts import maps
from programme.charts import reach as charts
from programme.core.db import REPO_ROOT

COUNTRIES = pd.DataFrame(
    {
        "code": ["NPL", "PHL", "IDN"],
        "country": ["Nepal", "Philippines", "Indonesia"],
        "individuals": [2, 1, 1],
        "participations": [5, 2, 1],
        "share": [50.0, 25.0, 25.0],
    }
)


def test_map_config_points_plotly_at_the_shipped_topojson() -> None:
    config = maps.map_config()
    assert config["topojsonURL"] == "app/static/topojson/"
    # Streamlit serves ./static at app/static/; plotly asks for <url>world_<resolution>m.json.
    local = REPO_ROOT / "static" / "topojson" / f"world_{maps.MAP_RESOLUTION}m.json"
    shapes = json.loads(local.read_text())
    ids = {geometry.get("id") for geometry in shapes["objects"]["countries"]["geometries"]}
    assert {"NPL", "PHL", "IDN", "MYS"} <= ids  # ISO-3 ids, as locationmode="ISO-3" needs
    assert "enableStaticServing = true" in (REPO_ROOT / ".streamlit" / "config.toml").read_text()


def test_world_map_is_an_iso3_choropleth_at_the_shipped_resolution() -> None:
    figure = charts.world_map(COUNTRIES)
    trace = figure.data[0]
    assert isinstance(trace, go.Choropleth)
    assert list(trace.locations) == ["NPL", "PHL", "IDN"]
    assert list(trace.z) == [2, 1, 1]
    assert trace.locationmode == "ISO-3"
    assert figure.layout.geo.resolution == maps.MAP_RESOLUTION
    by_participations = charts.world_map(COUNTRIES, measure="participations")
    assert list(by_participations.data[0].z) == [5, 2, 1]


def test_unknown_countries_stay_off_the_map_and_empty_tables_say_so() -> None:
    with_unknown = pd.concat([COUNTRIES, pd.DataFrame([{"code": "unknown", "country": "unknown", "individuals": 3}])])
    assert "unknown" not in list(charts.world_map(with_unknown).data[0].locations)
    empty = charts.world_map(COUNTRIES.iloc[0:0])
    assert not empty.data
    assert "No data" in empty.layout.annotations[0].text


def test_country_bar_ranks_largest_at_the_top() -> None:
    figure = charts.country_bar(COUNTRIES, top=2)
    # Horizontal bars draw bottom-up: the largest is last.
    assert list(figure.data[0].y) == ["Philippines", "Nepal"]


def test_share_bar_labels_counts_and_percentages() -> None:
    frame = pd.DataFrame({"gender": ["female", "male"], "individuals": [1234, 766], "share": [61.7, 38.3]})
    figure = charts.share_bar(frame, "gender", title="By gender")
    assert list(figure.data[0].text) == ["1,234 (61.7%)", "766 (38.3%)"]


def test_by_year_is_stacked_by_the_chosen_dimension() -> None:
    frame = pd.DataFrame(
        {
            "year": [2010, 2010, 2011],
            "scope": ["regional", "national", "regional"],
            "individuals": [3, 2, 4],
            "participations": [3, 2, 5],
        }
    )
    figure = charts.by_year_stacked(frame, "scope")
    assert figure.layout.barmode == "stack"
    assert {trace.name for trace in figure.data} == {"regional", "national"}
    regional = next(trace for trace in figure.data if trace.name == "regional")
    assert list(regional.y) == [3, 5]


def test_growth_curve_and_repeat_bar() -> None:
    growth = pd.DataFrame({"year": [2010, 2011], "new_individuals": [2, 1], "cumulative_individuals": [2, 3]})
    figure = charts.growth_curve(growth)
    assert list(figure.data[1].y) == [2, 3]
    repeat = pd.DataFrame({"modules": ["1", "2", "3+"], "individuals": [5, 3, 2], "share": [50.0, 30.0, 20.0]})
    assert list(charts.repeat_bar(repeat).data[0].text) == ["5 (50.0%)", "3 (30.0%)", "2 (20.0%)"]


def test_sankey_keeps_both_sides_apart_and_caps_links() -> None:
    frame = pd.DataFrame(
        {
            "nationality": ["Nepal", "Nepal", "Philippines"],
            "country_of_work": ["Malaysia", "Nepal", "Malaysia"],
            "individuals": [4, 2, 1],
        }
    )
    sankey = charts.corridors_sankey(frame, cross_border=False).data[0]
    assert list(sankey.node.label) == ["Nepal", "Philippines", "Malaysia", "Nepal"]
    assert list(sankey.link.source) == [0, 0, 1]
    assert list(sankey.link.target) == [2, 3, 2]  # Nepal → Nepal links two separate nodes
    capped = charts.corridors_sankey(frame, shown=2, cross_border=False)
    assert list(capped.data[0].link.value) == [4, 2]
    assert "largest 2 of 3" in capped.layout.title.text


def test_sankey_shows_only_cross_border_corridors_by_default() -> None:
    frame = pd.DataFrame(
        {"nationality": ["Nepal", "Nepal"], "country_of_work": ["Malaysia", "Nepal"], "individuals": [4, 9]}
    )
    sankey = charts.corridors_sankey(frame).data[0]
    assert list(sankey.node.label) == ["Nepal", "Malaysia"] and list(sankey.link.value) == [4]
    at_home = frame[frame["country_of_work"] == "Nepal"]
    assert not charts.corridors_sankey(at_home).data  # nobody works abroad: the empty-state figure


def test_the_alumni_map_is_drawn_like_the_reach_map() -> None:
    from programme.charts.alumni import alumni_map

    frame = pd.DataFrame({"country": ["PHL", "MYS"], "country_name": ["Philippines", "Malaysia"], "alumni": [3, 1]})
    geo = alumni_map(frame).layout.geo
    assert (geo.resolution, geo.projection.type, geo.fitbounds) == (maps.MAP_RESOLUTION, "natural earth", "locations")


def test_bar_values_are_horizontal_beside_the_bars_with_room_for_them() -> None:
    repeat = pd.DataFrame({"modules": ["1", "2", "3+"], "individuals": [5, 3, 2], "share": [50.0, 30.0, 20.0]})
    figures = {
        "country": charts.country_bar(COUNTRIES),
        "share": charts.share_bar(COUNTRIES.rename(columns={"country": "gender"}), "gender", title="Gender"),
        "repeat": charts.repeat_bar(repeat),
    }
    for name, figure in figures.items():
        bars = figure.data[0]
        # Inside a thin bar plotly turns a label 90° and shrinks it; outside, level and full size.
        assert (bars.textposition, bars.textangle, bars.constraintext, bars.cliponaxis) == (
            "outside", 0, "none", False,
        ), name  # fmt: skip
        assert bars.textfont.size >= 12, name
    assert list(figures["country"].data[0].text) == [1, 1, 2]
    # The value axis runs past the largest bar, so that its label fits in the plot.
    assert figures["country"].layout.xaxis.range[1] > 2
    assert figures["share"].layout.xaxis.range[1] > 2
    assert figures["repeat"].layout.yaxis.range[1] > 5


def test_growth_of_a_first_year_alone_is_a_bar_not_the_whole_chart() -> None:
    """Seen on Home after a new organisation's first module: one year's bar filled the chart from edge to edge. The
    axis now spans four years around it, so the bar (0.8 of a year wide, plotly's default) takes a fifth of it; a
    long programme keeps plotly's own range."""
    first = pd.DataFrame({"year": [2019], "new_individuals": [60], "cumulative_individuals": [60]})
    low, high = charts.growth_curve(first).layout.xaxis.range
    assert (low, high) == (2017.0, 2021.0) and 0.8 / (high - low) == 0.2
    long = pd.DataFrame({"year": list(range(2004, 2020)), "new_individuals": [10] * 16,
                         "cumulative_individuals": list(range(10, 170, 10))})  # fmt: skip
    assert charts.growth_curve(long).layout.xaxis.range is None

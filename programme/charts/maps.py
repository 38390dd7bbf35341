"""The offline world map shared by every page that draws one (reach, alumni).

plotly.js fetches world shapes from a CDN at render time; the app ships them in ./static/topojson/ and
Streamlit serves them (server.enableStaticServing), so maps draw on a laptop with no internet.
"""

from __future__ import annotations

import plotly.graph_objects as go

# Where Streamlit serves ./static/topojson/. Relative on purpose: it resolves against the page's address,
# so it also works when the app runs under a baseUrlPath.
TOPOJSON_URL = "app/static/topojson/"
# The resolution shipped in ./static/topojson/ (world_110m.json); plotly's default for a world map.
MAP_RESOLUTION = 110


def map_config(topojson_url: str = TOPOJSON_URL) -> dict[str, object]:
    """Return the plotly config for st.plotly_chart that draws maps from the app's own topojson files."""
    return {"topojsonURL": topojson_url, "displaylogo": False}


def style_world_map(figure: go.Figure) -> go.Figure:
    """Give a choropleth the app's world-map look (shipped resolution, light land, grey borders)."""
    figure.update_geos(
        resolution=MAP_RESOLUTION,
        showcountries=True,
        countrycolor="#999999",
        showland=True,
        landcolor="#f0f0f0",
        showframe=False,
        projection_type="natural earth",
        fitbounds="locations",
    )
    return figure

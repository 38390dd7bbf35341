"""Colours shared by the charts: strong qualitative colours, and one fixed colour per session method.

Streamlit's plotly theme recolours traces that name no colour of their own, from a palette with pale
entries (light blue, pink); charts that tell series apart name their colours from here.
"""

from __future__ import annotations

from programme.models.enums import Method

# Okabe-Ito's colour-blind-safe palette without its yellow (too pale on white), then Tol's wine, indigo
# and teal: strong colours, each visible as a thin line or a small marker.
STRONG = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#000000",  # black
    "#E69F00",  # orange
    "#882255",  # wine
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#332288",  # indigo
    "#117733",  # green
)
# Marker shapes to go with STRONG: two series of near colours still differ in shape.
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star", "pentagon", "hexagram", "cross", "triangle-down")

# One colour per method, the same on every day's timeline and in the hours by method.
METHOD_COLOURS: dict[str, str] = {
    Method.PRESENTATION: "#0072B2",  # blue
    Method.PANEL: "#E69F00",  # orange
    Method.WORKING_GROUP: "#009E73",  # bluish green
    Method.ROLE_PLAY: "#CC79A7",  # reddish purple
    Method.VISIT: "#56B4E9",  # sky blue
    Method.PLENARY: "#D55E00",  # vermillion
    Method.EVALUATION: "#882255",  # wine
    Method.OTHER: "#7f7f7f",  # grey
}

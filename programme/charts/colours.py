"""Colours shared by the charts: strong qualitative colours, and one fixed colour per session method.

Streamlit's plotly theme recolours traces that name no colour of their own, from a palette with pale
entries (light blue, pink); charts that tell series apart name their colours from here.
"""

from __future__ import annotations

from collections.abc import Iterable

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
# For a chart telling many values apart (the nationalities in each group): STRONG, then Tol's other muted and
# dark colours, then plotly's Dark24, each colour once (41 in all); past that, colours repeat.
MANY = tuple(
    dict.fromkeys(
        (
            *STRONG,
            *("#44AA99", "#999933", "#AA4499", "#661100", "#6699CC", "#A6761D", "#7F7F7F"),
            *("#2E91E5", "#E15F99", "#1CA71C", "#FB0D0D", "#DA16FF", "#222A2A", "#B68100", "#750D86", "#EB663B"),
            *("#511CFB", "#00A08B", "#FB00D1", "#FC0080", "#B2828D", "#6C7C32", "#778AAE", "#862A16", "#A777F1"),
            *("#620042", "#1616A7", "#DA60CA", "#6C4516", "#0D2A63", "#AF0038"),
        )
    )
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
    # Pauses in quiet colours: a light grey and a brown, set apart from the training methods.
    Method.BREAK: "#BBBBBB",  # light grey
    Method.MEAL: "#A6761D",  # brown
}
# For the organisation's own methods, in turn: strong colours no standard method has (Tol's muted palette).
OWN_METHOD_COLOURS = ("#332288", "#117733", "#44AA99", "#999933", "#AA4499", "#661100", "#6699CC", "#000000")


def method_colours(methods: Iterable[object]) -> dict[str, str]:
    """Return a colour for each method: the standard ones' own, then the organisation's in alphabetical order.

    Given every method of an agenda, each chart of that agenda colours a method the same way.
    """
    colours = {str(method): colour for method, colour in METHOD_COLOURS.items()}
    own = sorted({str(m) for m in methods if str(m) not in colours}, key=str.lower)
    for index, method in enumerate(own):
        colours[method] = OWN_METHOD_COLOURS[index % len(OWN_METHOD_COLOURS)]
    return colours

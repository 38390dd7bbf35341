"""A script of the app's own run in the page (the sign-in cookie, a scroll), in a frame one pixel high.

Streamlit's `components.v1.html` ran such a script in a frame of no height; it is deprecated (its removal was
announced for after 2026-06-01) and wrote a warning to the server's log at every page run. `st.iframe` does the
same with a height of at least one pixel ("content" would size the frame 150 px high for a script alone).
Only the app's own text goes in: never a user's (the frame may reach the page it is in).
"""

from __future__ import annotations

import streamlit as st

# The frame's height: the least st.iframe takes.
SCRIPT_FRAME_PX = 1


def run_script(source: str) -> None:
    """Run source, a <script> written by the app, in a frame of the page."""
    st.iframe(source, height=SCRIPT_FRAME_PX)

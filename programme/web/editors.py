"""Editable grids that show what was saved: a grid's key carries a version, renewed after each save."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def version(key: str) -> int:
    """Return the version of the grids kept under `key` (0 at first)."""
    return st.session_state.setdefault(key, 0)


def renew(key: str) -> Callable[[object], None]:
    """Return what ui.action(then=...) runs after a save: a fresh grid shows the saved rows, not what was typed."""

    def _renew(_result: object) -> None:
        st.session_state[key] = st.session_state.get(key, 0) + 1

    return _renew

"""Editable grids that show what was saved: a grid's key carries a version, renewed after each save."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from programme.core.edits import GridConflict
from programme.core.errors import ProgrammeError
from programme.web.messages import show_error


def version(key: str) -> int:
    """Return the version of the grids kept under `key` (0 at first)."""
    return st.session_state.setdefault(key, 0)


def renew(key: str) -> Callable[[object], None]:
    """Return what ui.action(then=...) runs after a save: a fresh grid shows the saved rows, not what was typed."""

    def _renew(_result: object) -> None:
        st.session_state[key] = st.session_state.get(key, 0) + 1

    return _renew


# The rows a grid was opened with, kept beside its edits (session_state[key + BASE]).
BASE = "__base"


def _has_edits(key: str) -> bool:
    state = st.session_state.get(key)
    return isinstance(state, dict) and any(state.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def held(key: str, fresh: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Return the rows to open grid `key` with, and whether the saved rows changed under its unsaved edits.

    While the grid holds edits not yet saved, it keeps the rows it was opened with: a colleague's save (or an
    import) that changes the saved rows would otherwise reset the grid and drop what was being typed, without a
    word. Without edits it follows the saved rows.
    """
    base = st.session_state.get(key + BASE)
    if base is None or not _has_edits(key):
        st.session_state[key + BASE] = fresh
        return fresh, False
    return base, not _same_frame(base, fresh)


def onto(fresh: pd.DataFrame, base: pd.DataFrame, edited: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Return the edits made in a grid (edited, against the rows it was opened with, base) applied to the rows as
    saved now (fresh): the cells changed in rows still there (matched by id_column), the rows added, the rows
    deleted. What others saved meanwhile stays, but for the cells this grid changed."""
    result = fresh.copy()
    before = base.set_index(id_column, drop=False) if not base.empty else base
    at = {identity: position for position, identity in enumerate(result[id_column].tolist())}
    kept: set = set()
    added = []
    for _, row in edited.iterrows():
        identity = row.get(id_column)
        if identity is None or pd.isna(identity) or identity not in before.index:
            added.append(row)
            continue
        kept.add(identity)
        if identity not in at:
            continue  # removed meanwhile by someone else: nothing left to change
        for column in edited.columns:
            if column in result.columns and not _same(row[column], before.at[identity, column]):
                result.iat[at[identity], result.columns.get_loc(column)] = row[column]
    removed = [identity for identity in before.index if identity not in kept]
    result = result[~result[id_column].isin(removed)]
    if added:
        result = pd.concat([result, pd.DataFrame(added, columns=edited.columns)], ignore_index=True)
    return result.reset_index(drop=True)


def _same(left: object, right: object) -> bool:
    if _blank(left) and _blank(right):
        return True
    if _blank(left) or _blank(right):
        return False
    try:
        return bool(left == right)
    except (TypeError, ValueError):
        return False


def _blank(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # a list or other container


def _same_frame(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    try:
        return left.reset_index(drop=True).equals(right.reset_index(drop=True))
    except (TypeError, ValueError):
        return False


def to_save(
    fresh: pd.DataFrame, shown: pd.DataFrame, typed: pd.DataFrame, *, moved: bool, id_column: str, changed: str
) -> pd.DataFrame:
    """Return the rows a grid's save writes: what it shows (typed), or, when the saved rows changed under its
    unsaved edits (held), those edits applied onto the rows as saved now, after a warning that begins with
    `changed` (what changed, in the page's words)."""
    if not moved:
        return typed
    st.warning(
        f"{changed} Your changes are kept here; saving applies them to what is saved now.", icon=":material/group:"
    )
    return onto(fresh, shown, typed, id_column)


# The cells of a grid whose save was refused, as saved then ({row id: {column: value}}, session_state[key + SEEN]):
# the next save compares the user's cells with those, so that saving again replaces the colleague's values.
SEEN = "__seen"


def opened(key: str, shown: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Return the rows grid `key` was drawn with (shown), as its save compares them with what is saved now: with
    the cells of a refused save read as what was saved then (the user has seen them)."""
    seen = st.session_state.get(key + SEEN) or {}
    if not seen:
        return shown
    result = shown.copy()
    for position, identity in enumerate(result[id_column].tolist()):
        for column, value in seen.get(identity, {}).items():
            if column in result.columns:
                result.iat[position, result.columns.get_loc(column)] = value
    return result


def refused(key: str) -> Callable[[ProgrammeError], None]:
    """Return what ui.action(on_error=...) runs for grid `key`: the refusal is shown and the grid keeps the user's
    edits; after a colleague's save the clashing cells are remembered as seen (a second save replaces them)."""

    def _refused(error: ProgrammeError) -> None:
        if isinstance(error, GridConflict):
            seen = st.session_state.setdefault(key + SEEN, {})
            for identity, conflict in error.rows.items():
                seen.setdefault(identity, {}).update(conflict.clashes)
        show_error(error)

    return _refused


def warn_moved(moved: bool, changed: str) -> None:
    """Say, when the saved rows changed under a grid's unsaved edits (held), that saving keeps the colleague's cells
    but for those the user changed (changed: what changed, in the page's words)."""
    if moved:
        st.warning(
            f"{changed} Your changes are kept here; saving applies them to what is saved now.",
            icon=":material/group:",
        )

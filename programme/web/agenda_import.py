"""The Agenda page's import of an agenda sheet, through the intake's steps: the header found below any title rows
(two-row headers read as one), each column's role shown and changeable, the rows' errors and the warnings, then the
import (all rows or none)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.core.words import nothing_until_fixed
from programme.planning.agenda_import import AGENDA_SYNONYMS, AgendaImportReport, import_agenda
from programme.web import ui
from programme.web.display import md_text, show_values_in_full, wrapped_columns

AS_DETECTED = "as detected"
NOT_USED = "not used"
# Each field in the user's words (the CLI's --json keeps the field names).
ROLE_WORDS = {
    "day": "the day (a number or a date)",
    "start": "the start time",
    "end": "the end time",
    "title": "the session's title",
    "method": "the method (plenary, group work...)",
    "facilitator": "the facilitators",
    "resource_person": "the resource persons",
    "topics": "the topics",
    "room": "the room",
    "notes": "notes",
    "materials_url": "a link to the materials",
    NOT_USED: "not used",
    AS_DETECTED: "as detected",
}
RANGE_WORDS = "the start and end times (a range such as 9:00 AM - 10:30 AM)"


# The sessions as read, every column in view (at most 975 px, the resource persons' column included): a long title,
# facilitators, resource persons or topics wrap in their cells.
SESSION_WIDTHS = {"row": 45, "day": 45, "start": 60, "end": 60, "session": 250, "method": 110, "facilitators": 135,
                  "resource persons": 135, "topics": 135}  # fmt: skip


def role_words(columns: list[dict[str, str]]) -> pd.DataFrame:
    """Return each column and what it is read as, in words; a start column with no end column beside it holds
    time ranges ("9:00 AM - 10:30 AM", "14h30 - 16h00") and says so."""
    has_end = any(item["role"] == "end" for item in columns)
    return pd.DataFrame(
        [
            {
                "column": item["header"],
                "read as": RANGE_WORDS
                if item["role"] == "start" and not has_end
                else ROLE_WORDS.get(item["role"], item["role"]),
            }
            for item in columns
        ],
        columns=["column", "read as"],
    )


def _roles(preview: AgendaImportReport, digest: str) -> dict[str, str | None]:
    """Let the user read a field from another column (or from none). Return {field: header or None}."""
    headers = [item["header"] for item in preview.columns]
    with st.expander("Change what a column is read as"):
        column = st.selectbox("Column", headers, key=f"agenda_role_column_{digest}")
        current = next(item["role"] for item in preview.columns if item["header"] == column)
        st.selectbox(f"Read as (detected: {ROLE_WORDS.get(current, current)})", [AS_DETECTED, *AGENDA_SYNONYMS, NOT_USED],
                     format_func=lambda role: ROLE_WORDS.get(role, role), key=f"agenda_role_{digest}_{column}")  # fmt: skip
    chosen: dict[str, str | None] = {}
    detected = {item["header"]: item["role"] for item in preview.columns}
    for header in headers:
        role = st.session_state.get(f"agenda_role_{digest}_{header}", AS_DETECTED)
        if role == NOT_USED and detected[header] in AGENDA_SYNONYMS:
            chosen[detected[header]] = None
        elif role not in (AS_DETECTED, NOT_USED):
            chosen[role] = header
    return chosen


def import_sheet(module_id: int, *, user: SignedIn, renew: Callable[[object], None]) -> None:
    """Upload an agenda sheet, preview what it would add (nothing written), then import it."""
    st.subheader("Import an agenda sheet")
    nonce = st.session_state.get("agenda_sheet_nonce", 0)  # a new key empties the uploader after an import
    upload = st.file_uploader("Agenda sheet (.xlsx, .xls, .ods or .csv)", type=["xlsx", "xls", "ods", "csv"],
                              key=f"agenda_sheet_{nonce}")  # fmt: skip
    if upload is None:
        return
    data, name = upload.getvalue(), upload.name
    digest = hashlib.sha256(data).hexdigest()[:12]
    args = {"data": data, "filename": name, "module_id": module_id, "by": user.username}
    preview = ui.action(lambda session: import_agenda(session, **args, dry_run=True))
    if preview is None:
        return
    chosen = _roles(preview, digest)
    if chosen:
        preview = ui.action(lambda session: import_agenda(session, **args, dry_run=True, columns=chosen))
        if preview is None:
            return
    counts = st.columns(3)
    counts[0].metric("Sessions", preview.sessions)
    counts[1].metric("New", preview.created)
    counts[2].metric("Already on the agenda (updated)", preview.updated)
    st.caption(md_text(f"Sheet '{preview.sheet}': each column and what it is read as."))
    ui.table(role_words(preview.columns), hide_index=True)
    if preview.planned:
        st.caption("The sessions as read (check the times before importing):")
        sessions = preview.sessions_table()
        ui.table(sessions, hide_index=True, width="stretch", **wrapped_columns(sessions, SESSION_WIDTHS))
        show_values_in_full(sessions, SESSION_WIDTHS)
    for warning in preview.warnings:
        st.warning(md_text(warning))
    if preview.errors:
        st.error(nothing_until_fixed(len(preview.errors), "problem", said=" in the sheet"))
        ui.table([error.as_dict() for error in preview.errors], hide_index=True, width="stretch")
    elif preview.sessions and st.button(
        f"Import {ui.counted(preview.sessions, 'session')} into {ui.import_target(module_id)}",
        type="primary",
        key="import_agenda",
    ):
        ui.action(
            lambda session: import_agenda(session, **args, dry_run=False, columns=chosen),
            lambda done: (
                f"Imported {ui.counted(done.sessions, 'session')} ({done.created} new, {done.updated} updated)."
            ),
            then=lambda done: (renew(done), st.session_state.__setitem__("agenda_sheet_nonce", nonce + 1)),
        )

"""Audit trail: who created, changed, deleted, imported, exported or signed in, and when."""

import pandas as pd
import streamlit as st

from programme.access import audit
from programme.web import ui
from programme.web.display import readable

user = ui.guard(__file__)
ui.heading(
    "Audit trail", "Every change, import, undo, export of personal data, sign-in and failed sign-in. Newest first."
)

ACTIONS = ["", "create", "update", "delete", "import", "undo", "export", "erase", "login", "login_failed"]
text_col, action_col, user_col = st.columns([2, 1, 1])
text = text_col.text_input("Search", placeholder="e.g. module, person, account")
action = action_col.selectbox("Action", ACTIONS, format_func=lambda a: a or "any")
username = user_col.text_input("By user")

with ui.db() as session:
    entries = audit.search(session, text=text or None, action=action or None, username=username or None)
if entries.empty:
    st.info("No entries match. Clear the filters to see the latest activity.")
else:
    shown = readable(entries.drop(columns=["id"]), text=["username", "entity", "summary", "before", "after"])
    # A sign-in concerns no record: a dash, not "None"; record numbers without a decimal point.
    shown["entity_id"] = ["—" if pd.isna(number) else str(int(number)) for number in shown["entity_id"]]
    ui.table(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "username": "By",
            "action": "Action",
            "entity": "What",
            "entity_id": "Record",
            "summary": "Summary",
            "before": "Before",
            "after": "After",
        },
    )
    st.caption(f"{ui.counted(len(entries), 'entry', 'entries')} shown (at most 500).")

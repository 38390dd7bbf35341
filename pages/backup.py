"""Backup and restore: a consistent copy while the app runs, restored into an empty database."""

import streamlit as st

from programme.access.backup import backup_file, restore_bytes
from programme.core.db import is_sqlite
from programme.web import ui

user = ui.guard(__file__)
st.title("Backup and restore")
engine = ui.engine()
kind = "SQLite file" if is_sqlite(engine) else "PostgreSQL dump (pg_dump custom format)"
st.caption(f"Backups are a {kind}; they hold personal data: keep them encrypted and out of shared folders.")

st.subheader("Make a backup")
if st.button("Prepare backup", type="primary"):
    # The copy is read into memory and its folder removed at once: no copy of the database stays on disk.
    with st.spinner("Copying the database…"):
        made = ui.action(lambda _session: backup_file(engine, by=user.username))
    if made is not None:
        data, name = made
        st.download_button("Download backup", data, file_name=name, mime="application/octet-stream")

st.subheader("Restore a backup")
st.write(
    "Restoring works only into an empty database (a new installation), so nothing is overwritten. The backup "
    "is checked and upgraded on its own first; if anything fails, the database stays exactly as it was. "
    "Backups over 50 MB: `python -m programme restore FILE`."
)
st.warning(
    "A backup holds everyone it held on the day it was made: people whose data was erased since (Forget this "
    "person) come back with it. Before restoring, note from the Audit trail the record numbers erased since the "
    'backup was made (action "erase"); the restore replaces that trail too. Then forget those records again.'
)
upload = st.file_uploader("Backup file", type=["db", "dump", "sqlite", "bak"])
if upload is not None and st.button("Restore"):
    with st.spinner("Restoring…"):
        ui.action(
            lambda _session: restore_bytes(engine, upload.getvalue(), by=user.username, name=upload.name),
            "Backup restored. Sign in again with an account from the backup.",
            then=lambda _: (ui.forget_figures(), ui.sign_out_every_browser()),
        )

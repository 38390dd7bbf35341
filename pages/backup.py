"""Backup and restore: a consistent copy while the app runs, restored into an empty database."""

import streamlit as st

from programme.access.backup import backup_file, restore_bytes
from programme.access.erasure_register import erased_again
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
    "A backup holds everyone it held on the day it was made. People whose data was erased since (Forget this "
    "person) are erased again as it is restored, from this installation's register of erasures (record numbers and "
    "dates, no names), kept beside the database. A backup restored on another computer, or after that register is "
    'lost, brings them back: note from the Audit trail the records erased since the backup (action "erase") before '
    "anything is lost, and forget them again after the restore."
)
upload = st.file_uploader("Backup file", type=["db", "dump", "sqlite", "bak"])
if upload is not None and st.button("Restore"):
    with st.spinner("Restoring…"):
        ui.action(
            lambda _session: restore_bytes(engine, upload.getvalue(), by=user.username, name=upload.name),
            lambda erased: (
                "Backup restored. "
                + (erased_again(erased) + " " if erased else "")
                + "Sign in again with an account from the backup."
            ),
            then=lambda _: (ui.forget_figures(), ui.sign_out_every_browser()),
        )

"""Backup and restore: a consistent copy while the app runs, restored into an empty database."""

import tempfile
from datetime import datetime
from pathlib import Path

import streamlit as st

from programme.access import audit
from programme.access.backup import backup, restore
from programme.core.db import is_sqlite
from programme.core.errors import ProgrammeError
from programme.web import ui

user = ui.guard(__file__)
st.title("Backup and restore")
engine = ui.engine()
kind = "SQLite file" if is_sqlite(engine) else "PostgreSQL dump (pg_dump custom format)"
st.caption(f"Backups are a {kind}; they hold personal data: keep them encrypted and out of shared folders.")

st.subheader("Make a backup")
if st.button("Prepare backup", type="primary"):
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(tempfile.mkdtemp(prefix="programme-backup-"))
    try:
        with st.spinner("Copying the database…"):
            path = backup(engine, folder / f"programme-{stamp}.{'db' if is_sqlite(engine) else 'dump'}")
        with ui.db() as session:
            audit.record(
                session, action="export", username=user.username, entity="backup", summary="database backup downloaded"
            )
        st.download_button("Download backup", path.read_bytes(), file_name=path.name, mime="application/octet-stream")
    except ProgrammeError as error:
        ui.show_error(error)

st.subheader("Restore a backup")
st.write("Restoring works only into an empty database (a new installation), so nothing is overwritten.")
upload = st.file_uploader("Backup file", type=["db", "dump", "sqlite", "bak"])
if upload is not None and st.button("Restore"):
    folder = Path(tempfile.mkdtemp(prefix="programme-restore-"))
    source = folder / "backup"
    source.write_bytes(upload.getvalue())
    try:
        with st.spinner("Restoring…"):
            restore(engine, source)
        st.success("Backup restored. Sign in again with an account from the backup.")
        ui.sign_out()
    except ProgrammeError as error:
        ui.show_error(error)

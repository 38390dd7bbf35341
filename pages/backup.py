"""Backup and restore: a consistent copy while the app runs, restored into an empty database."""

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import streamlit as st

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
    # The copy is read into memory and its folder removed at once: no copy of the database stays on disk.
    folder = Path(tempfile.mkdtemp(prefix="programme-backup-"))
    try:
        with st.spinner("Copying the database…"):
            name = f"programme-{stamp}.{'db' if is_sqlite(engine) else 'dump'}"
            data = backup(engine, folder / name, by=user.username).read_bytes()
        st.download_button("Download backup", data, file_name=name, mime="application/octet-stream")
    except ProgrammeError as error:
        ui.show_error(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

st.subheader("Restore a backup")
st.write(
    "Restoring works only into an empty database (a new installation), so nothing is overwritten. The backup "
    "is checked and upgraded on its own first; if anything fails, the database stays exactly as it was. "
    "Backups over 50 MB: `python -m programme restore FILE`."
)
upload = st.file_uploader("Backup file", type=["db", "dump", "sqlite", "bak"])
if upload is not None and st.button("Restore"):
    folder = Path(tempfile.mkdtemp(prefix="programme-restore-"))
    try:
        source = folder / "backup"
        source.write_bytes(upload.getvalue())
        with st.spinner("Restoring…"):
            restore(engine, source)
        restored = True
    except ProgrammeError as error:
        restored = False
        ui.show_error(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if restored:
        st.success("Backup restored. Sign in again with an account from the backup.")
        ui.sign_out()

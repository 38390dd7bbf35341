"""Backup and restore: a consistent copy while the app runs, restored into an empty database."""

import streamlit as st

from programme.access.backup import backup_file, restore_bytes
from programme.access.restore import restore_refusal, restored_sentence, what_happens
from programme.core.db import is_sqlite
from programme.web import ui

user = ui.guard(__file__)
st.title("Backup and restore")
engine = ui.engine()
kind = "SQLite file" if is_sqlite(engine) else "PostgreSQL dump (pg_dump custom format)"
st.caption(f"Backups are a {kind}; they hold personal data: keep them encrypted and out of shared folders.")
st.caption(
    "Moving from a laptop to this team's server? A backup of the app on a laptop (a SQLite .db file) can be restored "
    "here: its records are carried into this team's database."
    if not is_sqlite(engine)
    else "Taking the team's records on a trip? A backup of the app on the team's server (a PostgreSQL .dump file) can "
    "be restored here (PostgreSQL's client tool pg_restore must be installed): its records are taken into this "
    "laptop's database."
)

st.subheader("Make a backup")
if st.button("Prepare backup", type="primary"):
    # The copy is read into memory and its folder removed at once: no copy of the database stays on disk.
    with st.spinner("Copying the database…"):
        made = ui.action(lambda _session: backup_file(engine, by=user.username))
    if made is not None:
        data, name = made
        st.download_button("Download backup", data, file_name=name, mime="application/octet-stream", on_click="ignore")

st.subheader("Restore a backup")
st.write(
    "A backup is restored into an empty database only (a new installation), so nothing is overwritten. It is checked "
    "and upgraded on its own first: if anything fails, the database stays exactly as it was. Backups over 50 MB: "
    "`python -m programme restore FILE`."
)
with ui.db() as session:
    refusal = restore_refusal(session)
if refusal:
    st.info(refusal)
    st.stop()
st.markdown(
    "**What a restore does**\n"
    "- The backup's accounts replace this installation's: afterwards everyone, you included, signs in with an "
    "account from the backup, with the password it had then.\n"
    "- People erased since the backup was made (*Forget this person*) are erased again, from the register of "
    "erasures (record numbers and dates, no names): the one kept beside this database, together with the one each "
    "backup carries, so a backup restored on a new computer brings its erasures along."
)
st.warning(
    "Backups made by versions before the register travelled with them carry none: restored on another computer, or "
    "if the register beside the database was lost, people erased since they were made come back. Before restoring "
    "such a backup, note from the old installation's Audit trail the records erased since then (action “erase”), "
    "and forget them again after the restore."
)
upload = st.file_uploader("Backup file", type=["db", "dump", "sqlite", "bak"])
if upload is not None and st.button("Restore", type="primary"):
    journey = what_happens(engine, upload.getvalue()[:16])
    with st.spinner(journey.before if journey else "Restoring…"):
        ui.action(
            lambda _session: restore_bytes(engine, upload.getvalue(), by=user.username, name=upload.name),
            lambda erased: restored_sentence(engine, erased, journey=journey),
            then=lambda _: (ui.forget_figures(), ui.sign_out_every_browser()),
        )

"""Backup and restore."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.ADMIN)
st.title("Backup and restore")
st.caption("Back up and restore the database.")
st.info("This page is being built; its work is tracked in issue 3.")

"""Audit trail."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.ADMIN)
st.title("Audit trail")
st.caption("Search who saw and changed what.")
st.info("This page is being built; its work is tracked in issue 3.")

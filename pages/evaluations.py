"""Evaluation dashboard."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.VIEWER)
st.title("Evaluation dashboard")
st.caption("Compare sessions, facilitators and modules from evaluation forms.")
st.info("This page is being built; its work is tracked in issue 6.")

"""Agenda."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Agenda")
st.caption("Build a module's day-by-day agenda: sessions, methods, topics, facilitators.")
st.info("This page is being built; its work is tracked in issue 5.")

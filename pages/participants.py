"""Participants."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Participants")
st.caption("Browse and edit participants and their participations.")
st.info("This page is being built; its work is tracked in issue 4.")

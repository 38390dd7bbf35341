"""Reach dashboard."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.VIEWER)
st.title("Reach dashboard")
st.caption("Who we reached, where: by country, gender, organisation type and year.")
st.info("This page is being built; its work is tracked in issue 7.")

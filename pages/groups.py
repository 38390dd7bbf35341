"""Groups and role plays."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Groups and role plays")
st.caption("Generate balanced role-play and working groups with member roles.")
st.info("This page is being built; its work is tracked in issue 8.")

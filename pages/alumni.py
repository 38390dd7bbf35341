"""Alumni directory."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Alumni directory")
st.caption("Search the alumni directory, respecting consent.")
st.info("This page is being built; its work is tracked in issue 9.")

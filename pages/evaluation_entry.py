"""Forms and entry."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Forms and entry")
st.caption("Create evaluation forms, import survey exports and type paper forms.")
st.info("This page is being built; its work is tracked in issue 6.")

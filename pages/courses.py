"""Courses and modules."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Courses and modules")
st.caption("Create, edit and filter courses and modules, with partners and a timeline of the whole programme.")
st.info("This page is being built; its work is tracked in issue 5.")

"""Import participants."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Import participants")
st.caption("Import participant spreadsheets with mapping, validation and de-duplication.")
st.info("This page is being built; its work is tracked in issue 4.")

"""Reports and exports."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Reports and exports")
st.caption("Module reports, the programme summary workbook and certificates.")
st.info("This page is being built; its work is tracked in issue 7.")

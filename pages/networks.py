"""Networks."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Networks")
st.caption("National alumni associations and platforms and their members.")
st.info("This page is being built; its work is tracked in issue 9.")

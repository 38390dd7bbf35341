"""Next steps and topics."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.FACILITATOR)
st.title("Next steps and topics")
st.caption("Review next steps agreed at each module and the topics suggested for the next one.")
st.info("This page is being built; its work is tracked in issue 5.")

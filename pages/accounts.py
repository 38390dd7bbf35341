"""Accounts."""

import streamlit as st

from programme import ui
from programme.models import UserRole

user = ui.guard(UserRole.ADMIN)
st.title("Accounts")
st.caption("Create accounts and set roles.")
st.info("This page is being built; its work is tracked in issue 3.")

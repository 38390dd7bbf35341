"""Accounts: create accounts, set roles, reset passwords, disable access."""

import pandas as pd
import streamlit as st

from programme import accounts, ui
from programme.display import md_text, readable
from programme.errors import ProgrammeError
from programme.models import UserRole

user = ui.guard(UserRole.ADMIN)
st.title("Accounts")
st.caption("Admins manage everything; facilitators plan, import and evaluate; viewers see aggregate figures only.")

with ui.db() as session:
    table = pd.DataFrame(
        accounts.users_table(session), columns=["id", "username", "role", "active", "locked", "last_login_at"]
    )
if table.empty:
    st.info("No local accounts yet (you are signed in through single sign-on). Create one below.")
else:
    st.dataframe(
        readable(table.drop(columns=["id"]), times=["last_login_at"]),
        hide_index=True,
        width="stretch",
        column_config={
            "username": "Username",
            "role": "Role",
            "active": "Active",
            "locked": "Locked",
            "last_login_at": "Last sign-in (UTC)",
        },
    )

left, right = st.columns(2)
with left, st.form("new_account", clear_on_submit=True):
    st.subheader("New account")
    username = st.text_input("Username", key="new_username")
    role = st.selectbox("Role", [r.value for r in UserRole], index=1)
    password = st.text_input("Initial password", type="password", help="At least 10 characters.")
    if st.form_submit_button("Create account", type="primary"):
        try:
            with ui.db() as session:
                accounts.add_user(session, username=username, password=password, role=role, by=user.username)
            st.success(f"Account {md_text(username)} created.")
            st.rerun()
        except ProgrammeError as error:
            ui.show_error(error)

with right, st.form("change_account"):
    st.subheader("Change an account")
    names = dict(zip(table["username"], table["id"], strict=True))
    chosen = st.selectbox("Account", list(names), placeholder="No accounts yet")
    current = table.set_index("username").loc[chosen] if chosen else None
    new_role = st.selectbox(
        "Role",
        [r.value for r in UserRole],
        index=[r.value for r in UserRole].index(current["role"]) if current is not None else 0,
    )
    active = st.checkbox("Active", value=bool(current["active"]) if current is not None else True)
    new_password = st.text_input("New password (leave blank to keep)", type="password")
    submitted = st.form_submit_button("Save changes")
    if submitted and chosen is None:
        st.warning("Create an account first.")
    elif submitted:
        try:
            with ui.db() as session:
                accounts.update_user(
                    session,
                    user_id=int(names[chosen]),
                    by=user.username,
                    role=new_role,
                    active=active,
                    password=new_password or None,
                )
            st.success(f"Account {md_text(chosen)} updated.")
            st.rerun()
        except ProgrammeError as error:
            ui.show_error(error)

"""Accounts: create accounts, set roles, reset passwords, disable access."""

import pandas as pd
import streamlit as st

from programme.access import accounts, passwords
from programme.models import UserRole
from programme.web import ui
from programme.web.display import md_text, readable
from programme.web.record_forms import RecordForm

user = ui.guard(__file__)
ui.heading(
    "Accounts", "Admins manage everything; facilitators plan, import and evaluate; viewers see aggregate figures only."
)

with ui.db() as session:
    table = pd.DataFrame(
        accounts.users_table(session),
        columns=["id", "username", "role", "active", "throttled_until", "failed_sign_ins", "last_login_at"],
    )
if table.empty:
    st.info("No local accounts yet (you are signed in through single sign-on). Create one below.")
else:
    ui.table(
        readable(table.drop(columns=["id"]), times=["throttled_until", "last_login_at"]),
        hide_index=True,
        width="stretch",
        column_config={
            "username": "Username",
            "role": "Role",
            "active": "Active",
            "throttled_until": st.column_config.Column(
                "Sign-in waits until (UTC)",
                help="After repeated failed sign-ins, each new attempt for this username from the same address "
                "waits longer; `python -m programme user unlock NAME` clears it.",
            ),
            "failed_sign_ins": "Failed sign-ins (24 h)",
            "last_login_at": "Last sign-in (UTC)",
        },
    )

left, right = st.columns(2)
# Kept as typed after an error (a weak password, a name in use); cleared once the account exists.
NEW_ACCOUNT = ui.form_keys("new_username", "new_role", "new_password")
with left, st.form("new_account"):
    st.subheader("New account")
    username = st.text_input("Username", key=NEW_ACCOUNT[0])
    role = st.selectbox("Role", [r.value for r in UserRole], index=1, key=NEW_ACCOUNT[1])
    password = st.text_input("Initial password", type="password", help=passwords.POLICY, key=NEW_ACCOUNT[2])
    if st.form_submit_button("Create account", type="primary"):
        ui.action(
            lambda session: accounts.add_user(
                session, username=username, password=password, role=role, by=user.username
            ),
            f"Account {md_text(username)} created.",
            clear=NEW_ACCOUNT,
        )

with right:
    st.subheader("Change an account")
    names = dict(zip(table["username"], table["id"], strict=True))
    # Outside the form: choosing an account redraws the fields below with its role and state (inside, they kept
    # the first account's, and a save wrote those back).
    chosen = st.selectbox("Account", list(names), placeholder="No accounts yet", key="change_account_name")
    current = table.set_index("username").loc[chosen] if chosen else None
    # The fields are keyed by the account: each shows what is stored for it, not what another account's showed; a
    # save keeps what another admin saved meanwhile in the fields left as they were (RecordForm).
    suffix = f"{names[chosen]}" if chosen else "none"
    stored = {"role": current["role"], "active": bool(current["active"])} if current is not None else {}
    form = RecordForm(f"account_{suffix}", stored, ("role", "active"), key=lambda field: f"change_{field}_{suffix}")
    form.show_refusal()
with right, st.form("change_account"):
    new_role = st.selectbox(
        "Role",
        [r.value for r in UserRole],
        index=[r.value for r in UserRole].index(current["role"]) if current is not None else 0,
        key=form.key("role"),
    )
    active = st.checkbox(
        "Active", value=bool(current["active"]) if current is not None else True, key=form.key("active")
    )
    clear_waits = st.checkbox(
        "Clear sign-in waits",
        help="Let this account sign in again at once from any address after failed attempts.",
        key=f"change_clear_waits_{suffix}",  # by account, as the password: never carried to another account
    )
    new_password = st.text_input(
        "New password (leave blank to keep)", type="password", help=passwords.POLICY, key=f"change_password_{suffix}"
    )
    submitted = st.form_submit_button("Save changes")
    if submitted and chosen is None:
        st.warning("Create an account first.")
    elif submitted:

        def change(session, opened: dict) -> None:
            accounts.update_user(
                session,
                user_id=int(names[chosen]),
                by=user.username,
                role=new_role,
                active=active,
                password=new_password or None,
                opened=opened,
            )
            if clear_waits:
                accounts.unlock_user(session, chosen, by=user.username)

        form.save(change, f"Account {md_text(chosen)} updated.")

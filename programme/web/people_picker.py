"""The person picker: a name search over everyone not erased (listed in the directory or not)."""

from __future__ import annotations

import streamlit as st

from programme.access.accounts import SignedIn
from programme.alumni import profile
from programme.web.display import country_names
from programme.web.engine import db


def people_found(user: SignedIn, *, key: str) -> dict[int, str] | None:
    """Draw "Find the person" (under f"{key}-find"); return those found as id → "Name (Country) · not listed".

    None: nothing typed yet. An empty dict: nobody of that name (which it says).
    """
    text = st.text_input("Find the person", placeholder="Type part of a name", key=f"{key}-find")
    if not text.strip():
        return None
    with db() as session:
        found = profile.people_for_consent(session, text, user=user)
    if found.empty:
        st.caption("Nobody of that name.")
        return {}
    return {
        int(row.person_id): f"{row.name} ({country_names(row.nationality)})"
        + ("" if row.consent_listed else " · not listed")
        for row in found.itertuples()
    }


def person_picker(user: SignedIn, *, key: str) -> int | None:
    """Draw the name search and the choice among those found (under f"{key}-person"); return the person's id."""
    labels = people_found(user, key=key)
    if not labels:
        return None
    return st.selectbox("Person", list(labels), format_func=labels.get, key=f"{key}-person")

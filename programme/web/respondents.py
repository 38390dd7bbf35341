"""Evaluation › This module's "Who answered": the respondents' own answers about themselves, counted, never names."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.access.small_counts import merge_small
from programme.evaluations.summary import profile_by_attribute
from programme.web import ui
from programme.web.reach_tables import small_groups


def who_answered(profile: pd.DataFrame, user: SignedIn | None) -> None:
    """Draw respondent_profile's counts in an expander, one table per attribute headed by it ("Country | Responses"),
    three side by side; a viewer sees the answers of fewer than N people together. Nothing when the form asks none."""
    if profile.empty:
        return
    with st.expander(f"Who answered: {', '.join(profile['attribute'].unique())}"):
        st.caption("Counts of responses, from the form's questions about the respondent; never names.")
        small = small_groups(user)  # viewers: answers of fewer than N people shown together
        profile = merge_small(profile, "value", threshold=small, count="responses", within="attribute")
        tables = profile_by_attribute(profile)  # the attribute named once, as its table's header
        places = st.columns(min(len(tables), 3))  # side by side, three to a row
        for number, table in enumerate(tables):
            with places[number % len(places)]:
                ui.table(table, hide_index=True, width="stretch", column_config={"responses": "Responses"})

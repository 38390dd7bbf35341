"""The Next steps page's form that chooses a next step's focal points again."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.planning import next_steps
from programme.web import ui

EXPANDER = "Change a next step's focal points"
# The grid's Focal points column is read only: its help says where they are chosen.
FOCAL_POINTS_HELP = f"Chosen on the module's Next steps tab, under “{EXPANDER}” below the add form."
# As the add form's picker says it.
PEOPLE = "People of this module"


def focal_points_editor(
    user: SignedIn, items: pd.DataFrame, people: pd.DataFrame, options: Mapping[int, str], *, then: Callable
) -> None:
    """Choose a next step's focal points again (one who left, or whose data was erased, is replaced).

    The save applies only what was added and removed here to the focal points saved now: a colleague's change saved
    since the list was opened stays (next_steps.update_action_item's opened_focal_point_ids)."""
    with st.expander(EXPANDER):
        # The grid shows them; here they are chosen again.
        chosen = st.selectbox("Next step", list(options), format_func=options.get, index=None, key="focal_item",
                              placeholder="Pick a next step")  # fmt: skip
        if chosen is None:
            return
        row = items[items["id"].astype(int) == chosen].iloc[0]
        current = [int(person_id) for person_id in (row["focal_point_ids"] or [])]
        opened_key, picker_key = f"focal_opened_{chosen}", f"focal_{chosen}"
        if opened_key not in st.session_state or picker_key not in st.session_state:
            st.session_state[opened_key] = current  # what the list showed when it was drawn afresh
        opened = st.session_state[opened_key]
        names = dict(zip(people["person_id"].astype(int), people["full_name"], strict=True))
        names.update({person_id: f"record {person_id}" for person_id in {*current, *opened} if person_id not in names})
        picked = st.multiselect("Focal points", list(names), default=current, format_func=names.get, key=picker_key,
                                placeholder=PEOPLE)  # fmt: skip
        if st.button("Save focal points", key=f"save_focal_{chosen}"):
            ui.action(
                lambda session: next_steps.update_action_item(
                    session, item_id=chosen, focal_point_ids=picked, opened_focal_point_ids=opened, by=user.username
                ),
                "Focal points saved.",
                clear=(opened_key, picker_key),
                then=then,
            )

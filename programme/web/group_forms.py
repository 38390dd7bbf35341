"""The Groups page's forms: how to make the groups, pairs to keep together or apart, names and briefings."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.core.words import counted
from programme.groups import store
from programme.groups.balance import ATTRIBUTES, DEFAULT_WEIGHTS
from programme.groups.plan import GroupPlan, describe_groups
from programme.groups.problem import DEFAULT_REPEAT_WEIGHT
from programme.web.display import md_text
from programme.web.engine import db
from programme.web.messages import action, attempt, show_error

# A group's table sits in a third of the page: a long name widened its column until Role, beside it, was past the
# table's edge. Name keeps this width (the whole name shows on hover) and Role room for "lead/introducer"; both stay
# pinned on the left while the other columns scroll.
NAME_WIDTH, ROLE_WIDTH = 160, 120
MEMBER_COLUMNS = {
    "Name": st.column_config.TextColumn("Name", width=NAME_WIDTH, pinned=True),
    "Role": st.column_config.TextColumn("Role", width=ROLE_WIDTH, pinned=True),
}

# The saved groups a plan replaces (store.saved_groups_token), from when it was generated, started or loaded: a
# colleague's save meanwhile, in another browser, is not replaced unseen.
REPLACING = "groups_replacing"


@dataclass(frozen=True)
class Settings:
    """What the facilitator asked for: a number of groups or groups of a size, a mix number and weights."""

    by_size: bool
    amount: int
    seed: int
    weights: dict[str, float]
    repeat_weight: float


def settings(people: int) -> Settings:
    """Draw how to make the groups (for `people` participants) and the balance weights; return the choice."""
    how, number, seed_column = st.columns(3)
    by_size = (
        how.radio("Make", ["a number of groups", "groups of a size"], horizontal=True, key="by") != "a number of groups"
    )
    amount = number.number_input(
        "Group size" if by_size else "Number of groups",
        min_value=1,
        max_value=people,
        value=min(3, people),
        step=1,
        key="amount",
    )
    seed = seed_column.number_input(
        "Mix number",
        min_value=0,
        value=1,
        step=1,
        key="seed",
        help="Each number gives another mix of people; the same number and settings give the same groups again.",
    )
    with st.expander("Balance weights"):
        st.caption("0 ignores an attribute; higher values weigh it more against the others.")
        weight_columns = st.columns(len(ATTRIBUTES) + 1)
        weights = {
            attribute.key: column.slider(
                attribute.label, 0.0, 3.0, DEFAULT_WEIGHTS[attribute.key], 0.5, key=f"w_{attribute.key}"
            )
            for column, attribute in zip(weight_columns, ATTRIBUTES, strict=False)
        }
        repeat_weight = weight_columns[-1].slider(
            "New faces",
            0.0,
            3.0,
            DEFAULT_REPEAT_WEIGHT,
            0.5,
            key="w_repeats",
            help="Avoid putting together people who shared a group in the course's earlier modules.",
        )
    return Settings(by_size, int(amount), int(seed), weights, repeat_weight)


def pairs(names: dict[int, str]) -> None:
    """Draw the pairs to keep together or apart, kept in the session under "groups_pairs" as (a, b, kind)."""
    with st.expander("Keep together or apart"):
        kept = st.session_state["groups_pairs"]
        first_column, second_column, kind_column, add_column = st.columns([3, 3, 2, 1])
        ids = list(names)
        first = first_column.selectbox("Person", ids, format_func=names.get, key="pair_first")
        second = second_column.selectbox(
            "and", ids, index=min(1, len(ids) - 1), format_func=names.get, key="pair_second"
        )
        kind = kind_column.radio("Keep", ["together", "apart"], horizontal=True, key="pair_kind")
        if add_column.button("Add", key="pair_add"):
            if first == second:
                st.warning("Choose two different people.")
            else:
                kept.append((int(first), int(second), kind))
        for index, (a, b, pair_kind) in enumerate(list(kept)):
            text_column, remove_column = st.columns([6, 1])
            text_column.write(f"Keep **{md_text(names.get(a, a))}** and **{md_text(names.get(b, b))}** {pair_kind}")
            if remove_column.button("Remove", key=f"pair_remove_{index}"):
                kept.pop(index)
                st.rerun()


def describe(plan: GroupPlan) -> GroupPlan | None:
    """Draw the form for the groups' names, exercises, targets and briefings; return the plan once changed."""
    with st.expander("Names, exercises and briefings"), st.form("describe"):
        fields = {}
        for number, group in enumerate(plan.groups):
            name_column, exercise_column, target_column = st.columns([1, 2, 2])
            fields[number] = {
                "name": name_column.text_input("Name", group.name, key=f"name_{number}"),
                "exercise": exercise_column.text_input(
                    "Exercise or scenario",
                    group.exercise or "",
                    key=f"exercise_{number}",
                    placeholder="Delegation to the EU Delegation: labour rights in palm oil",
                ),
                "target": target_column.text_input(
                    "Target (official or mission played)", group.target or "", key=f"target_{number}"
                ),
                "briefing": st.text_area("Briefing notes", group.briefing or "", key=f"briefing_{number}", height=68),
            }
        if st.form_submit_button("Update groups"):
            return attempt(lambda: describe_groups(plan, fields))
    return None


def remember_saved(session: Session, module_id: int, session_id: int | None) -> None:
    """Remember the groups saved now as those the plan on screen replaces."""
    st.session_state[REPLACING] = store.saved_groups_token(session, module_id=module_id, session_id=session_id)


def save_button(plan: GroupPlan, *, module_id: int, session_id: int | None, username: str) -> None:
    """The Save groups button: refused, and said, when a colleague saved other groups since the plan was started;
    pressed again, it replaces them (the user has been told)."""

    def saved(_groups: object) -> None:
        with db() as session:
            remember_saved(session, module_id, session_id)

    def told(error: ProgrammeError) -> None:
        show_error(error)
        saved(None)  # what is saved now is what the next press replaces

    if st.button("Save groups", type="primary", key="save"):
        action(
            lambda session: store.save_groups(
                session,
                module_id=module_id,
                plan=plan,
                session_id=session_id,
                by=username,
                replacing=st.session_state.get(REPLACING),
            ),  # fmt: skip
            f"Saved {counted(len(plan.groups), 'group')}.",
            then=saved,
            on_error=told,
        )

"""Settings of the organisation: when a participant counts as having completed a module; the smallest group shown
to viewers and funders."""

import streamlit as st

from programme.access.small_counts import HIGHEST, LOWEST, change_small_count_threshold, small_count_threshold
from programme.planning.attendance import CompletionRule, change_completion_rule, completion_rule
from programme.web import ui

user = ui.guard(__file__)
st.title("Settings")

st.subheader("Completing a module")
st.caption(
    "Who counts as having completed a module decides who is an alum, who gets a certificate and the completion "
    "figures. Where a list has no day-by-day attendance, attending counts as attending every day."
)
with ui.db() as session:
    current = completion_rule(session)
rules = list(CompletionRule)
with st.form("completion_rule"):
    chosen = st.radio("A participant completed a module when they", rules, index=rules.index(current))
    if st.form_submit_button("Save and apply to every module", type="primary"):
        if chosen == current:
            st.info("That is already the rule; nothing changed.")
        else:
            with st.spinner("Applying the rule to every module…"):
                ui.action(
                    lambda session: change_completion_rule(session, rule=chosen, by=user.username),
                    lambda changed: (
                        f"The rule is now '{chosen.value}'; {ui.counted(changed, 'participation')} changed their completion."
                    ),
                )

st.subheader("Small groups in what viewers and funders see")
st.caption(
    "Viewers' dashboards and the funder's report show every group of fewer than this many people (a country, a "
    "gender, an organisation type...) together, as one row 'Other', so that a small group cannot single someone "
    "out; totals stay exact and the page says so. Facilitators and administrators see every figure."
)
with ui.db() as session:
    smallest = small_count_threshold(session)
with st.form("small_count_threshold"):
    wanted = st.number_input("Smallest group shown (people)", min_value=LOWEST, max_value=HIGHEST, value=smallest)
    if st.form_submit_button("Save"):
        ui.action(
            lambda session: change_small_count_threshold(session, threshold=int(wanted), by=user.username),
            f"Groups of fewer than {int(wanted)} people are now shown together to viewers and in funders' reports.",
        )

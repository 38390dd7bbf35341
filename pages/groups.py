"""Groups and role plays: balanced groups with roles, adjusted by hand, saved and printed."""

import streamlit as st

from programme.access.privacy import team_view
from programme.charts.groups import scores_chart, spread_chart
from programme.core.rounding import fixed
from programme.courses.lookup import module_ref
from programme.groups import store
from programme.groups.balance import ATTRIBUTES
from programme.groups.documents import group_lists_docx, role_cards_docx
from programme.groups.exports import record_download
from programme.groups.plan import GroupPlan, blank_plan, move_person, set_role, swap_people
from programme.models import GroupRole
from programme.sheets import to_csv_bytes
from programme.web import group_forms, ui
from programme.web.display import country_names, md_text

user = ui.guard(__file__)
ui.heading(
    "Groups and role plays",
    "Mix countries of origin and destination, organisation types and genders into delegations and working "
    "groups, each member with a role; adjust by hand, save, and print lists and role cards.",
)
GROUPS_PER_ROW = 3
# The role next to the name: it is what a facilitator reads out.
SHOWN_COLUMNS = {
    "name": "Name",
    "role": "Role",
    "nationality": "Nationality",
    "organisation": "Organisation",
    "gender": "Gender",
    "org_type": "Organisation type",
    "position": "Position",
    "email": "E-mail",
    "phone": "Phone",
}

module_id = ui.module_or_stop("module", people=True)
with ui.db() as db:
    module = module_ref(db, module_id)
    agenda = store.module_sessions(db, module_id)
    listed = store.participants_frame(db, module_id, everyone=True)
    came = store.participants_frame(db, module_id, everyone=False) if store.attendance_recorded(db, module_id) else None
session_labels = {None: "Whole module (no particular session)"} | {
    row.id: f"Day {row.day}, {row.start_time:%H:%M} · {row.title}" for row in agenda.itertuples()
}
session_id = st.selectbox(
    "Agenda session (optional)", list(session_labels), format_func=session_labels.get, key="agenda_session"
)
if listed.empty:
    st.info("This module has no participants yet. Import its participant list under **Import participants**.")
    st.stop()
# Once attendance is recorded, the people who came are grouped; a registered person who did not come is not.
everyone = came is None or len(came) == len(listed)
if not everyone:
    who = st.radio(
        "Who is grouped",
        ["came", "everyone"],
        format_func={
            "came": f"Those who came ({len(came):,})",
            "everyone": f"Everyone on the module's lists ({len(listed):,}, with those not recorded as coming)",
        }.get,
        horizontal=True,
        key="groups_who",
    )
    everyone = who == "everyone"
participants = listed if everyone else came

# The plan being worked on belongs to one module, session and set of people; choosing another starts afresh.
scope = (int(module_id), session_id, everyone)
if st.session_state.get("groups_scope") != scope:
    st.session_state["groups_scope"] = scope
    st.session_state.pop("groups_plan", None)
    st.session_state.pop(group_forms.REPLACING, None)
    st.session_state["groups_pairs"] = []
names = {
    int(p): f"{n} ({country_names(c)})" if isinstance(c, str) and c else n
    for p, n, c in participants[["person_id", "name", "nationality"]].itertuples(index=False)
}

# --- settings -----------------------------------------------------------------------------------
settings = group_forms.settings(len(participants))
ids = list(names)
group_forms.pairs(names)

generate, empty, load = st.columns(3)
with ui.db() as db:
    saved = store.saved_group_count(db, module_id=module_id, session_id=session_id)
pairs = st.session_state["groups_pairs"]
made = None
if generate.button("Generate groups", type="primary", key="generate"):
    with st.spinner("Mixing the groups…"):
        made = ui.action(
            lambda db: store.make_module_groups(
                db,
                module_id=module_id,
                groups=None if settings.by_size else settings.amount,
                size=settings.amount if settings.by_size else None,
                seed=settings.seed,
                weights=settings.weights,
                keep_together=[(a, b) for a, b, k in pairs if k == "together"],
                keep_apart=[(a, b) for a, b, k in pairs if k == "apart"],
                repeat_weight=settings.repeat_weight,
                everyone=everyone,
            )
        )
if empty.button("Start empty groups", key="empty", help="Make the groups by hand: move each person in."):
    count = max(1, round(len(participants) / settings.amount)) if settings.by_size else settings.amount
    made = ui.action(
        lambda db: blank_plan(participants, groups=count, previous_pairs=store.previous_pairs(db, module_id))
    )
if saved and load.button(f"Load the {saved} saved groups", key="load"):
    made = ui.action(lambda db: store.load_groups(db, module_id=module_id, session_id=session_id))
if made is not None:
    st.session_state["groups_plan"] = made
    st.session_state["groups_previous_score"] = None
    # The saved groups this plan replaces: a colleague's save meanwhile (another browser) is not replaced unseen.
    with ui.db() as db:
        group_forms.remember_saved(db, module_id, session_id)

plan: GroupPlan | None = st.session_state.get("groups_plan")
if plan is None:
    st.info(
        "Choose how many groups (or their size), then **Generate groups**. "
        + (f"This module has {saved} saved groups: **Load** them to adjust them." if saved else "")
    )
    st.stop()


def update(new_plan: GroupPlan) -> None:
    """Keep the changed plan, remembering the score before the change for the metric's delta."""
    st.session_state["groups_previous_score"] = plan.balance_score
    st.session_state["groups_plan"] = new_plan
    st.rerun()


# --- the groups and their balance ---------------------------------------------------------------
explanation = plan.explanation
previous = st.session_state.get("groups_previous_score")
metrics = st.columns(4)
metrics[0].metric(
    "Balance score",
    fixed(explanation.balance_score),
    delta=None if previous is None else fixed(explanation.balance_score - previous, sign=True),
    help="1 = as mixed as whole people allow on the weighted attributes; 0 = groups sorted by them.",
)
metrics[1].metric("Groups", len(plan.groups))
metrics[2].metric("Pairings repeated from earlier modules", len(explanation.repeated_pairs))
metrics[3].metric("Pairs not kept as asked", len(explanation.split_together) + len(explanation.joined_apart))
if explanation.split_together or explanation.joined_apart:
    unmet = [f"{names.get(a, a)} and {names.get(b, b)} (together)" for a, b in explanation.split_together]
    unmet += [f"{names.get(a, a)} and {names.get(b, b)} (apart)" for a, b in explanation.joined_apart]
    st.warning("Not kept as asked: " + md_text("; ".join(unmet)) + ". Try another mix number or fewer pairs.")
if plan.unassigned:
    st.info(
        f"{ui.counted(len(plan.unassigned), 'participant is', 'participants are')} in no group yet: move them in below."
    )

chart_left, chart_right = st.columns(2)
chart_left.plotly_chart(scores_chart(explanation.scores_table()), key="scores_chart")
attribute = chart_right.selectbox("Spread over the groups of", [a.label for a in ATTRIBUTES], key="spread_of")
spread = explanation.spread.copy()
nationalities = spread["attribute"] == "Nationality"
spread.loc[nationalities, "value"] = spread.loc[nationalities, "value"].map(country_names)
chart_right.plotly_chart(spread_chart(spread, attribute), key="spread_chart")

members = team_view(plan.members_table(), user)
for start in range(0, len(plan.groups), GROUPS_PER_ROW):
    for column, group in zip(st.columns(GROUPS_PER_ROW), plan.groups[start : start + GROUPS_PER_ROW], strict=False):
        with column:
            st.subheader(md_text(group.name))
            details = [ui.counted(len(group.members), "member")] + [v for v in (group.exercise, group.target) if v]
            st.caption(md_text(" · ".join(details)))
            rows = members[members["group"] == group.name]
            shown = rows[[c for c in SHOWN_COLUMNS if c in rows.columns]].rename(columns=SHOWN_COLUMNS)
            if "Nationality" in shown.columns:
                shown = shown.assign(Nationality=shown["Nationality"].map(country_names))
            ui.table(shown, hide_index=True, column_config=group_forms.MEMBER_COLUMNS)

# --- adjusting by hand --------------------------------------------------------------------------
st.subheader("Adjust by hand")
group_numbers = list(range(len(plan.groups)))
group_name = {number: group.name for number, group in enumerate(plan.groups)}
move, swap, role = st.columns(3)
with move:
    who = st.selectbox("Move", ids, format_func=names.get, key="move_who")
    to = st.selectbox("to", group_numbers, format_func=group_name.get, key="move_to")
    if st.button("Move", key="move"):
        update(move_person(plan, person_id=who, to_group=to))
with swap:
    placed = [p for p in ids if plan.group_of(p) is not None]
    one = st.selectbox("Swap", placed, format_func=names.get, key="swap_one")
    two = st.selectbox("with", placed, index=min(1, len(placed) - 1), format_func=names.get, key="swap_two")
    if st.button("Swap", key="swap"):
        ui.attempt(lambda: update(swap_people(plan, first=one, second=two)))
with role:
    member = st.selectbox("Role of", placed, format_func=names.get, key="role_who")
    new_role = st.selectbox("becomes", [r.value for r in GroupRole], key="role_new")
    if st.button("Set role", key="set_role"):
        update(set_role(plan, person_id=member, role=new_role))

changed = group_forms.describe(plan)
if changed is not None:
    update(changed)

# --- saving and printing ------------------------------------------------------------------------
st.subheader("Save and print")
where = session_labels[session_id] if session_id is not None else "this module (all its sessions)"
st.caption(
    f"Saving replaces the {ui.counted(saved, 'group')} saved for {md_text(where)}."
    if saved
    else f"Nothing is saved yet for {md_text(where)}."
)


group_forms.save_button(plan, module_id=module_id, session_id=session_id, username=user.username)

heading = module.heading + (f" · {session_labels[session_id]}" if session_id else "")


def record_export(what: str) -> None:
    """Record the download in the audit trail: these files name people."""
    with ui.db() as db:
        record_download(db, module_id=module_id, what=what, plan=plan, by=user.username)


stem = f"groups-{module.course_code}-module-{module.number}"
# Names, roles and organisations for the exercise; e-mail and phone stay on the page.
shared = members[[c for c in ["group", *SHOWN_COLUMNS] if c in members.columns and c not in ("email", "phone")]]
files = [
    ("Group lists (.docx)", group_lists_docx(plan, title=heading), f"{stem}.docx", None, "group lists", "lists"),
    (
        "Role cards (.docx)",
        role_cards_docx(plan, title=heading),
        f"{stem}-role-cards.docx",
        None,
        "role cards",
        "cards",
    ),
    ("Members (.csv)", to_csv_bytes(shared), f"{stem}.csv", "text/csv", "group members", "csv"),
]
for column, (label, data, name, mime, what, key) in zip(st.columns(3), files, strict=True):
    column.download_button(
        label, data, file_name=name, mime=mime, on_click=record_export, args=(what,), key=f"download_{key}"
    )

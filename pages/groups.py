"""Groups and role plays: balanced groups with roles, adjusted by hand, saved and printed."""

import streamlit as st

from programme.access import audit
from programme.access.privacy import team_view
from programme.charts.groups import scores_chart, spread_chart
from programme.core.errors import ProgrammeError
from programme.courses.search import PICKER_LIMIT, module_choices
from programme.groups import store
from programme.groups.balance import ATTRIBUTES, DEFAULT_WEIGHTS
from programme.groups.documents import group_lists_docx, role_cards_docx
from programme.groups.plan import GroupPlan, blank_plan, describe_group, move_person, set_role, swap_people
from programme.groups.problem import DEFAULT_REPEAT_WEIGHT
from programme.models import Course, GroupRole, Module
from programme.sheets import to_csv_bytes
from programme.web import ui
from programme.web.display import country_names, md_text

user = ui.guard(__file__)
st.title("Groups and role plays")
st.caption(
    "Mix countries of origin and destination, organisation types and genders into delegations and working "
    "groups, each member with a role; adjust by hand, save, and print lists and role cards."
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

# The picker lists the newest modules; a search narrows them.
find, left, right = st.columns([1, 2, 2])
search = find.text_input("Find a module", key="groups_find", placeholder="Course code or title, city or year").strip()
choices = ui.cached_query(
    module_choices, search, include=ui.follow_search("module", search, st.session_state.get("module"))
)
if not choices.labels:
    st.info("There are no modules yet. Add a course and its modules on **Courses and modules** first.")
    st.stop()
counts = ui.cached_query(store.participant_counts, module_ids=tuple(choices.labels))
labels = {
    module_id: f"{label} · {counts.get(module_id, 0)} participants" for module_id, label in choices.labels.items()
}
module_ids = list(labels)
first_with_people = next((i for i, m in enumerate(module_ids) if counts.get(m)), 0)
# The first module with people is the default; a choice (or a search's first match) is kept in the session.
start = {} if "module" in st.session_state else {"index": first_with_people}
module_id = left.selectbox("Module", module_ids, format_func=labels.get, key="module", **start)
if search and not choices.matching:
    find.warning(f"No module matches '{md_text(search)}': try part of a course code, a title or a city.")
elif choices.matching > PICKER_LIMIT:
    left.caption(
        f"The list shows the newest {PICKER_LIMIT} of {choices.matching:,} modules"
        + (" matching the search" if search else "")
        + "; type in **Find a module** to narrow it."
    )
with ui.db() as db:
    chosen = db.get(Module, module_id)
    module = {"course": db.get(Course, chosen.course_id).code, "number": chosen.number}
with ui.db() as db:
    agenda = store.module_sessions(db, module_id)
    participants = store.participants_frame(db, module_id)
session_labels = {None: "Whole module (no particular session)"} | {
    row.id: f"Day {row.day}, {row.start_time:%H:%M} · {row.title}" for row in agenda.itertuples()
}
session_id = right.selectbox(
    "Agenda session (optional)", list(session_labels), format_func=session_labels.get, key="agenda_session"
)
if participants.empty:
    st.info("This module has no participants yet. Import its participant list under **Import participants**.")
    st.stop()

# The plan being worked on belongs to one module and session; choosing another starts afresh.
scope = (int(module_id), session_id)
if st.session_state.get("groups_scope") != scope:
    st.session_state["groups_scope"] = scope
    st.session_state.pop("groups_plan", None)
    st.session_state["groups_pairs"] = []
names = {
    int(p): f"{n} ({country_names(c)})" if isinstance(c, str) and c else n
    for p, n, c in participants[["person_id", "name", "nationality"]].itertuples(index=False)
}

# --- settings -----------------------------------------------------------------------------------
how, number, seed_column = st.columns(3)
by_size = (
    how.radio("Make", ["a number of groups", "groups of a size"], horizontal=True, key="by") != "a number of groups"
)
amount = number.number_input(
    "Group size" if by_size else "Number of groups",
    min_value=1,
    max_value=len(participants),
    value=min(3, len(participants)),
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

with st.expander("Keep together or apart"):
    pairs = st.session_state["groups_pairs"]
    first_column, second_column, kind_column, add_column = st.columns([3, 3, 2, 1])
    ids = list(names)
    first = first_column.selectbox("Person", ids, format_func=names.get, key="pair_first")
    second = second_column.selectbox("and", ids, index=min(1, len(ids) - 1), format_func=names.get, key="pair_second")
    kind = kind_column.radio("Keep", ["together", "apart"], horizontal=True, key="pair_kind")
    if add_column.button("Add", key="pair_add"):
        if first == second:
            st.warning("Choose two different people.")
        else:
            pairs.append((int(first), int(second), kind))
    for index, (a, b, pair_kind) in enumerate(list(pairs)):
        text_column, remove_column = st.columns([6, 1])
        text_column.write(f"Keep **{md_text(names.get(a, a))}** and **{md_text(names.get(b, b))}** {pair_kind}")
        if remove_column.button("Remove", key=f"pair_remove_{index}"):
            pairs.pop(index)
            st.rerun()

generate, empty, load = st.columns(3)
with ui.db() as db:
    saved = store.saved_group_count(db, module_id=module_id, session_id=session_id)
if generate.button("Generate groups", type="primary", key="generate"):
    try:
        with st.spinner("Mixing the groups…"), ui.db() as db:
            plan = store.make_module_groups(
                db,
                module_id=module_id,
                groups=None if by_size else int(amount),
                size=int(amount) if by_size else None,
                seed=int(seed),
                weights=weights,
                keep_together=[(a, b) for a, b, k in st.session_state["groups_pairs"] if k == "together"],
                keep_apart=[(a, b) for a, b, k in st.session_state["groups_pairs"] if k == "apart"],
                repeat_weight=repeat_weight,
            )
        st.session_state["groups_plan"] = plan
        st.session_state["groups_previous_score"] = None
    except ProgrammeError as error:
        ui.show_error(error)
if empty.button("Start empty groups", key="empty", help="Make the groups by hand: move each person in."):
    try:
        with ui.db() as db:
            earlier = store.previous_pairs(db, module_id)
        count = max(1, round(len(participants) / amount)) if by_size else int(amount)
        st.session_state["groups_plan"] = blank_plan(participants, groups=count, previous_pairs=earlier)
        st.session_state["groups_previous_score"] = None
    except ProgrammeError as error:
        ui.show_error(error)
if saved and load.button(f"Load the {saved} saved groups", key="load"):
    with ui.db() as db:
        st.session_state["groups_plan"] = store.load_groups(db, module_id=module_id, session_id=session_id)
    st.session_state["groups_previous_score"] = None

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
    f"{explanation.balance_score:.2f}",
    delta=None if previous is None else f"{explanation.balance_score - previous:+.2f}",
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
    st.info(f"{len(plan.unassigned)} participants are in no group yet: move them in below.")

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
            details = [f"{len(group.members)} members"] + [v for v in (group.exercise, group.target) if v]
            st.caption(md_text(" · ".join(details)))
            rows = members[members["group"] == group.name]
            shown = rows[[c for c in SHOWN_COLUMNS if c in rows.columns]].rename(columns=SHOWN_COLUMNS)
            if "Nationality" in shown.columns:
                shown = shown.assign(Nationality=shown["Nationality"].map(country_names))
            st.dataframe(shown, hide_index=True)

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
        try:
            update(swap_people(plan, first=one, second=two))
        except ProgrammeError as error:
            ui.show_error(error)
with role:
    member = st.selectbox("Role of", placed, format_func=names.get, key="role_who")
    new_role = st.selectbox("becomes", [r.value for r in GroupRole], key="role_new")
    if st.button("Set role", key="set_role"):
        update(set_role(plan, person_id=member, role=new_role))

with st.expander("Names, exercises and briefings"):
    with st.form("describe"):
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
            try:
                changed = plan
                for number, values in fields.items():
                    changed = describe_group(changed, number, **values)
                update(changed)
            except ProgrammeError as error:
                ui.show_error(error)

# --- saving and printing ------------------------------------------------------------------------
st.subheader("Save and print")
where = session_labels[session_id] if session_id is not None else "this module (all its sessions)"
st.caption(
    f"Saving replaces the {saved} groups saved for {md_text(where)}."
    if saved
    else f"Nothing is saved yet for {md_text(where)}."
)
if st.button("Save groups", type="primary", key="save"):
    try:
        with ui.db() as db:
            store.save_groups(db, module_id=module_id, plan=plan, session_id=session_id, by=user.username)
        st.success(f"Saved {len(plan.groups)} groups.")
    except ProgrammeError as error:
        ui.show_error(error)

heading = f"{module['course']} · Module {module['number']}" + (f" · {session_labels[session_id]}" if session_id else "")


def record_export(what: str) -> None:
    """Record the download in the audit trail: these files name people."""
    with ui.db() as db:
        audit.record(
            db,
            action="export",
            username=user.username,
            entity="module",
            entity_id=int(module_id),
            summary=f"{what} of module {module_id}, {sum(len(g.members) for g in plan.groups)} people",
        )


downloads = st.columns(3)
stem = f"groups-{module['course']}-module-{module['number']}"
downloads[0].download_button(
    "Group lists (.docx)",
    group_lists_docx(plan, title=heading),
    file_name=f"{stem}.docx",
    on_click=record_export,
    args=("group lists",),
    key="download_lists",
)
downloads[1].download_button(
    "Role cards (.docx)",
    role_cards_docx(plan, title=heading),
    file_name=f"{stem}-role-cards.docx",
    on_click=record_export,
    args=("role cards",),
    key="download_cards",
)
downloads[2].download_button(
    "Members (.csv)",
    # Names, roles and organisations for the exercise; e-mail and phone stay on the page.
    to_csv_bytes(
        members[[c for c in ["group", *SHOWN_COLUMNS] if c in members.columns and c not in ("email", "phone")]]
    ),
    file_name=f"{stem}.csv",
    mime="text/csv",
    on_click=record_export,
    args=("group members",),
    key="download_csv",
)

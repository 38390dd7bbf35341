"""Next steps and topics."""

from datetime import time

import streamlit as st

from programme.access.privacy import team_view
from programme.courses.lookup import module_ref
from programme.models import ActionStatus
from programme.planning import backlog, methods, next_steps
from programme.web import editors, next_step_forms, ui

user = ui.guard(__file__)
ui.heading(
    "Next steps and topics", "Review next steps agreed at each module and the topics suggested for the next one."
)

# The module comes from the address (?module=ID) on first load, then from the picker.
module_id = ui.module_or_stop("next_steps_module", opens_on="begun")
version_key = f"next_steps_version_{module_id}"
version, renew = editors.version(version_key), editors.renew(version_key)  # a fresh grid shows what was saved


# Said instead of "0 next steps updated.", which read as if the save had failed.
NOTHING_CHANGED = "Nothing to save: no next step in the grid differs from what is saved."
STATUS_COLUMN = st.column_config.SelectboxColumn("Status", options=[s.value for s in ActionStatus], required=True)
ITEM_COLUMNS = {
    "id": None,
    "focal_point_ids": None,
    "text": st.column_config.TextColumn("Next step", width="large", required=True),
    # Medium: a long list of focal points put Due and Status past the grid's right edge at 1400 px.
    "focal_points": st.column_config.TextColumn(
        "Focal points", width="medium", disabled=True, help=next_step_forms.FOCAL_POINTS_HELP
    ),
    "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
    "status": STATUS_COLUMN,
    "overdue": st.column_config.CheckboxColumn("Overdue", disabled=True),
    "module": st.column_config.TextColumn("Module", disabled=True),
}


def _items_editor(frame, key: str, columns: dict | None = None) -> None:
    shown, moved = editors.held(key, team_view(frame, user))  # unsaved edits survive a colleague's save
    typed = st.data_editor(shown, key=key, hide_index=True, width="stretch", column_config=columns or ITEM_COLUMNS,
                           placeholder="")  # fmt: skip
    editors.warn_moved(moved, "Someone changed these next steps while you were editing.")
    if st.button("Save changes", key=f"save_{key}"):
        opened = editors.opened(key, shown, "id")  # compared in the save's transaction with what is saved then
        ui.action(
            lambda session: next_steps.save_action_items(session, frame=typed, by=user.username, opened=opened),
            lambda count: f"{ui.counted(count, 'next step')} updated." if count else NOTHING_CHANGED,
            then=renew,
            on_error=editors.refused(key),
        )


with ui.db() as session:
    before = next_steps.previous_module(session, module_id)
    after = next_steps.next_module(session, module_id)
    # The modules a suggested topic can go to: the next one (if planned) and this one.
    labels = {m: module_ref(session, m).label for m in ([after.id] if after else []) + [module_id]}
    review = next_steps.open_items_for_review(session, module_id)
    agreed_before = next_steps.count_items(session, before.id) if before else 0
    items = next_steps.action_items_table(session, module_id)
    people = next_steps.module_people(session, module_id)
    topics = backlog.backlog_for_module(session, module_id)
    from_forms = backlog.evaluation_suggestions(session, module_id)

review_tab, steps_tab, backlog_tab, every_tab = ui.tabs(
    ["Review the previous module", "Next steps", "Topic backlog", "Open in every module"], key="next_steps_tab"
)
# The add forms keep what was typed after an error; they are cleared once saved.
ADD_ITEM = ui.form_keys("item_text", "item_focal", "item_due", "item_status")
ADD_TOPIC = ui.form_keys("topic_text", "topic_who", "topic_times")

with review_tab:
    if before is None:
        st.info("This is the course's first module: there are no earlier next steps to review.")
    elif not agreed_before:
        # "Every next step agreed ... is done or dropped" was said of a module where none was recorded.
        st.info(f"No next steps are recorded for Module {before.number}: add them on its **Next steps** tab.")
    elif review.empty:
        st.success(f"Every next step agreed at Module {before.number} is done or dropped.")
    else:
        st.write(f"Open next steps agreed at **Module {before.number}**, to review at the start of this module:")
        _items_editor(review, f"review_{module_id}_{version}")

with steps_tab:
    if items.empty:
        st.info("No next step recorded for this module yet. Add those agreed in the final session below.")
    else:
        _items_editor(items, f"items_{module_id}_{version}")
    with st.form("add_item"):
        st.subheader("Add a next step")
        text = st.text_area(
            "Next step",
            placeholder="Case submission to the UN Working Group on Business and Human Rights",
            key=ADD_ITEM[0],
        )
        names = dict(zip(people["person_id"].astype(int), people["full_name"], strict=True))
        focal = st.multiselect(
            "Focal points", list(names), format_func=names.get, placeholder=next_step_forms.PEOPLE, key=ADD_ITEM[1]
        )
        cols = st.columns(2)
        due = cols[0].date_input("Due date", value=None, key=ADD_ITEM[2])
        status = cols[1].selectbox("Status", [s.value for s in ActionStatus], key=ADD_ITEM[3])
        if st.form_submit_button("Add next step", type="primary"):
            item = {"text": text, "focal_point_ids": focal, "due_date": due, "status": status}
            ui.action(
                lambda session: next_steps.add_action_item(session, module_id=module_id, by=user.username, **item),
                "Next step added.",
                clear=ADD_ITEM,
                then=renew,
            )
    if not items.empty:
        options = dict(zip(items["id"].astype(int), items["text"], strict=True))
        next_step_forms.focal_points_editor(user, items, people, options, then=renew)
        gone = st.selectbox(
            "Delete a next step", list(options), format_func=options.get, index=None, placeholder="Pick a next step"
        )
        if gone is not None and st.button("Delete"):
            ui.action(
                lambda session: next_steps.delete_action_item(session, item_id=gone, by=user.username),
                "Next step deleted.",
                then=renew,
            )

with backlog_tab:
    st.caption(
        "Topics asked for at the previous module and at this one. Pull a topic into the next module's agenda "
        "as a session; it is then marked as planned."
    )
    if topics.empty:
        st.info("No topic suggested yet. Type in those the plenary asked for, or take them from the evaluation forms.")
    else:
        sources = {backlog.TYPED: "typed in", backlog.FROM_EVALUATION: "evaluation forms"}
        ui.table(
            topics.drop(columns=["id", "planned_module_id"]).assign(
                source=lambda frame: frame["source"].map(lambda value: sources.get(value, value))
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "text": "Topic",
                "requested_by": "Asked by",
                "times_asked": "Times asked",
                "source": "Source",
                "asked_at": "Asked at",
                "planned_in": "Planned in",
            },
        )
    left, right = st.columns(2)
    with left.form("add_topic"):
        st.subheader("Type in a topic")
        text = st.text_input("Topic", placeholder="Recruitment reform initiatives", key=ADD_TOPIC[0])
        who = st.text_input("Asked by", placeholder="plenary", key=ADD_TOPIC[1])
        times = st.number_input("Times asked", min_value=1, value=1, step=1, key=ADD_TOPIC[2])
        if st.form_submit_button("Add topic"):
            ui.action(
                lambda session: backlog.add_suggestion(
                    session, module_id=module_id, text=text, requested_by=who, times_asked=int(times), by=user.username
                ),
                "Topic added to the backlog.",
                clear=ADD_TOPIC,
                then=renew,
            )
    with right:
        st.subheader("From the evaluation forms")
        if from_forms.empty:
            st.info("No suggestion in this module's evaluation forms.")
        else:
            ui.table(
                from_forms,
                hide_index=True,
                width="stretch",
                column_config={"text": "Suggestion", "times_asked": "Times written"},
            )
            if st.button("Add these to the backlog"):
                ui.action(
                    lambda session: backlog.take_in_evaluation_suggestions(
                        session, module_id=module_id, by=user.username
                    ),
                    lambda counts: backlog.taken_in_sentence(*counts),
                    then=renew,
                )

    open_topics = topics[topics["planned_module_id"].isna()] if not topics.empty else topics
    st.subheader("Pull a topic into an agenda")
    if open_topics.empty:
        st.info(backlog.nothing_to_pull(topics, len(from_forms)))
    else:
        targets = {m: labels[m] for m in ([after.id] if after else []) + [module_id]}
        with ui.db() as session:
            # A topic becomes a training session: the methods but breaks and meals.
            method_choices = [m for m in methods.method_options(methods.own_methods(session)) if methods.is_training(m)]
        with st.form("pull_topic"):
            choices = dict(zip(open_topics["id"].astype(int), open_topics["text"], strict=True))
            chosen = st.selectbox("Topic", list(choices), format_func=choices.get)
            target = st.selectbox("Into the agenda of", list(targets), format_func=targets.get)
            cols = st.columns(4)
            day = cols[0].number_input("Day", min_value=1, value=1, step=1)
            start = cols[1].time_input("Start", time(9, 0), step=300)
            end = cols[2].time_input("End", time(10, 30), step=300)
            method = cols[3].selectbox("Method", method_choices)
            if st.form_submit_button("Pull into the agenda", type="primary"):
                slot = {"day": int(day), "start": start, "end": end, "method": method}
                ui.action(
                    lambda session: backlog.pull_into_agenda(
                        session, suggestion_id=chosen, module_id=target, by=user.username, **slot
                    ),
                    "Topic added to the agenda as a session.",
                    then=renew,
                )

with every_tab:
    st.caption(
        "The next steps still open or in progress in every course and module, those past their due date first. "
        "Change a status or due date here; add or delete steps on the module's own Next steps tab."
    )
    late_only = st.checkbox("Only those past their due date", key="next_steps_late_only")
    with ui.db() as session:
        everywhere, total = next_steps.open_action_items(session, overdue_only=late_only)
        nothing = next_steps.nothing_open(session, overdue_only=late_only) if everywhere.empty else ""
    if everywhere.empty:
        st.info(nothing)
    else:
        late = int(everywhere["overdue"].sum())
        st.write(
            f"**{total:,}** {'past their due date and ' if late_only else ''}still open"
            + ("" if late_only else f", **{late:,}** of {'them' if total <= len(everywhere) else 'those listed'} past "
               "their due date")
            + (f"; the first {len(everywhere):,} are listed." if total > len(everywhere) else ".")
        )  # fmt: skip
        # Narrower text: the module, the due date and the status fit beside it.
        narrow = {**ITEM_COLUMNS, "text": st.column_config.TextColumn("Next step", width="medium", required=True)}
        _items_editor(everywhere, f"every_{int(late_only)}_{version}", narrow)

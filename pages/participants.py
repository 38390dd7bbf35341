"""Participants: everyone counted once, searchable, with their participations; consent-aware; export."""

from __future__ import annotations

import streamlit as st

from programme import ui
from programme.courses import module_label, modules_table
from programme.erasure import forget_person
from programme.errors import ProgrammeError
from programme.models import UserRole
from programme.participants import export_participants, people_table, person_participations

ALL = "All"

user = ui.guard(UserRole.FACILITATOR)
st.title("Participants")
st.caption(
    "Everyone who took part, counted once across all courses. Contact details show only where the person consented."
)

if flash := st.session_state.pop("people_flash", None):
    st.success(flash)

with ui.db() as session:
    modules = modules_table(session)

if modules.empty:
    st.info("No courses yet. Add courses and modules, then import participant lists on Import participants.")
    st.stop()

left, middle, right = st.columns([2, 1, 2])
search = left.text_input("Search by name or e-mail", key="people_search", placeholder="e.g. santos maria")
courses = [ALL, *sorted(modules["course"].unique())]
course = middle.selectbox("Course", courses, key="people_course")
in_course = modules if course == ALL else modules[modules["course"] == course]
module_labels = {
    row.module_id: module_label(row.course, row.number, row.start_date, row.city if isinstance(row.city, str) else None)
    for row in in_course.itertuples()
}
module_id = right.selectbox(
    "Module",
    [None, *module_labels],
    format_func=lambda value: ALL if value is None else module_labels[value],
    key="people_module",
    disabled=course == ALL,
)
with ui.db() as session:
    people = people_table(
        session,
        user,
        search=search or None,
        course_code=None if course == ALL else course,
        module_id=module_id,
    )

if people.empty:
    st.info("Nobody matches. Clear the search or the filters, or import a participant list.")
else:
    st.write(f"**{len(people):,}** {'person' if len(people) == 1 else 'people'}")
    shown = people.rename(
        columns={"person_id": "id", "full_name": "name", "country_of_work": "works in", "org_type": "organisation type"}
    )
    st.dataframe(
        shown.drop(columns=[c for c in ("given_name", "family_name") if c in shown.columns]),
        hide_index=True,
        width="stretch",
    )
    labels = dict(zip(people["person_id"], people.get("full_name", people["person_id"]), strict=True))
    chosen = st.selectbox(
        "Show one person's participations",
        [None, *labels],
        format_func=lambda value: "—" if value is None else labels[value],
        key="people_person",
    )
    if chosen is not None:
        with ui.db() as session:
            st.dataframe(person_participations(session, int(chosen)), hide_index=True, width="stretch")
        if user.role == UserRole.ADMIN:
            with st.expander("Forget this person (request to be forgotten)"):
                st.write(
                    "Removes their name, contacts, notes and consent for good and keeps an anonymous record, so "
                    "that counts by country, gender and organisation type stay right. This cannot be undone."
                )
                with st.form("forget_person"):
                    sure = st.checkbox(f"Yes, erase {labels[chosen]}'s personal data")
                    if st.form_submit_button("Forget this person", type="primary"):
                        if not sure:
                            st.warning("Tick the box to confirm first.")
                        else:
                            try:
                                with ui.db() as session:
                                    forget_person(session, person_id=int(chosen), by=user.username)
                            except ProgrammeError as error:
                                ui.show_error(error)
                            else:
                                st.session_state.pop("people_person", None)
                                st.session_state["people_flash"] = (
                                    "Erased. Their record is now anonymous; the audit trail keeps who did it."
                                )
                                st.rerun()

st.subheader("Export")
st.caption("One row per participation in the chosen course or module. Formula-safe; contact fields by consent.")
export_format = st.radio("Format", [".xlsx", ".csv"], horizontal=True, key="people_format")
if st.button("Prepare the export", key="people_export"):
    module_number = None
    if module_id is not None:
        module_number = int(modules.loc[modules["module_id"] == module_id, "number"].iloc[0])
    try:
        with ui.db() as session:
            data, count = export_participants(
                session,
                user=user,
                file_name=f"participants{export_format}",
                course_code=None if course == ALL else course,
                module_number=module_number,
            )
    except ProgrammeError as error:
        ui.show_error(error)
    else:
        st.download_button(
            f"Download {count:,} rows ({export_format})",
            data,
            file_name=f"participants{export_format}",
            icon=":material/download:",
        )

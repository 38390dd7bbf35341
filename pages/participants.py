"""Participants: everyone counted once, searchable, with their participations; consent-aware; export."""

from __future__ import annotations

import streamlit as st

from programme import ui
from programme.display import md_text
from programme.erasure import forget_person
from programme.errors import ProgrammeError
from programme.models import Module, UserRole
from programme.module_search import PICKER_LIMIT, course_choices, module_choices
from programme.participants import export_participants, people_count, people_page, person_participations

ALL = "All"
# People listed at once; the count covers everyone who matches.
PAGE_ROWS = 100

user = ui.guard(UserRole.FACILITATOR)
st.title("Participants")
st.caption(
    "Everyone who took part, counted once across all courses. Contact details show only where the person consented."
)

if flash := st.session_state.pop("people_flash", None):
    st.success(flash)

courses_total, course_codes = ui.cached_query(course_choices)
if not courses_total:
    st.info("No courses yet. Add courses and modules, then import participant lists on Import participants.")
    st.stop()

left, middle, right = st.columns([2, 1, 2])
search = left.text_input("Search by name or e-mail", key="people_search", placeholder="e.g. santos maria")
if courses_total > PICKER_LIMIT:
    find = middle.text_input("Find a course", key="people_course_find", placeholder="code or title")
    if find.strip():
        courses_total, course_codes = ui.cached_query(course_choices, find.strip())
course = middle.selectbox(
    "Course",
    [ALL, *course_codes],
    format_func=lambda code: code if code == ALL else f"{code} · {course_codes[code]}",
    key="people_course",
)
if courses_total > len(course_codes):
    middle.caption(f"The newest {len(course_codes):,} of {courses_total:,} courses; find one by code or title.")
module_labels = {} if course == ALL else ui.cached_query(module_choices, course_code=course).labels
module_id = right.selectbox(
    "Module",
    [None, *module_labels],
    format_func=lambda value: ALL if value is None else module_labels[value],
    key="people_module",
    disabled=course == ALL,
)
scope = {"search": search or None, "course_code": None if course == ALL else course, "module_id": module_id}
found = ui.cached_query(people_count, **scope)

if not found:
    st.info("Nobody matches. Clear the search or the filters, or import a participant list.")
else:
    st.write(f"**{found:,}** {'person' if found == 1 else 'people'}")
    pages = -(-found // PAGE_ROWS)
    page = 1
    if pages > 1:
        if st.session_state.get("people_page", 1) > pages:
            st.session_state["people_page"] = 1
        page = int(st.number_input("Page", min_value=1, max_value=pages, key="people_page"))
        first = (page - 1) * PAGE_ROWS
        st.caption(
            f"Page {page:,} of {pages:,}: rows {first + 1:,} to {min(found, first + PAGE_ROWS):,}, by name. "
            "Search or filter to narrow the list."
        )
    people = ui.cached_query(people_page, user, **scope, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    shown = people.rename(
        columns={
            "person_id": "record",
            "full_name": "name",
            "country_of_work": "works in",
            "org_type": "organisation type",
        }
    )
    st.dataframe(
        shown.drop(columns=[c for c in ("given_name", "family_name") if c in shown.columns]),
        hide_index=True,
        width="stretch",
    )
    # Name, nationality and organisation: two people of the same name can be told apart.
    details = [people[c] for c in ("full_name", "nationality", "organisation") if c in people.columns]
    labels = {
        person_id: " · ".join(str(part) for part in parts if isinstance(part, str) and part) or f"Record {person_id}"
        for person_id, *parts in zip(people["person_id"], *details, strict=True)
    }
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
                    sure = st.checkbox(f"Yes, erase {md_text(labels[chosen])}'s personal data")
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
st.caption(
    "One row per participation in the chosen course or module. Text that looks like a spreadsheet formula is "
    "saved as plain text; e-mail and phone are included only for people who consented."
)
export_format = st.radio("Format", [".xlsx", ".csv"], horizontal=True, key="people_format")
if st.button("Prepare the export", key="people_export"):
    module_number = None
    if module_id is not None:
        with ui.db() as session:
            module_number = session.get(Module, module_id).number
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

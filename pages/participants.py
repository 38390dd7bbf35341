"""Participants: everyone counted once, searchable, with their participations; a person's record corrected,
merged with a duplicate or forgotten; consent for many at once; the export (consent-aware)."""

from __future__ import annotations

import streamlit as st

from programme.courses.search import PICKER_LIMIT, course_choices, module_choices
from programme.people.participants import export_participants, people_count, people_page
from programme.web import people_forms, ui

ALL = "All"
# People listed at once; the count covers everyone who matches.
PAGE_ROWS = 100

user = ui.guard(__file__)
ui.heading(
    "Participants",
    "Everyone recorded, counted once across all courses: those who took part, those only registered for a module, "
    "and facilitators and resource persons (Home and Reach count those who took part). The team sees organisation "
    "and contacts here; the export, the alumni directory and reports show them only where the person consented.",
)


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
# A module's address (?module=ID) opens on it and its course.
ui.course_and_module_from_address("people_course", "people_module", course_codes)
course = middle.selectbox(
    "Course",
    [ALL, *course_codes],
    format_func=lambda code: code if code == ALL else f"{code} · {course_codes[code]}",
    key="people_course",
    index=ui.kept_index([ALL, *course_codes], "people_course"),  # a picker drawn afresh falls back to the choice kept
)
if courses_total > len(course_codes):
    middle.caption(f"The newest {len(course_codes):,} of {courses_total:,} courses; find one by code or title.")
module_labels = {} if course == ALL else ui.cached_query(module_choices, course_code=course).labels
module_id = right.selectbox(
    "Module",
    [None, *module_labels],
    format_func=lambda value: ALL if value is None else module_labels[value],
    key="people_module",
    index=ui.kept_index([None, *module_labels], "people_module"),
    disabled=course == ALL,
)
ui.keep_module_in_address(module_id)
scope = {"search": search or None, "course_code": None if course == ALL else course, "module_id": module_id}
found = ui.cached_query(people_count, **scope)

chosen = None
if not found:
    people_forms.reselect("people_person", ())  # a corrected name the search no longer finds: kept open
    st.info("Nobody matches. Clear the search or the filters, or import a participant list." if search or course != ALL
            else "Nobody is recorded yet. Import a participant list on **Import participants**.")  # fmt: skip
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
    listed = ui.table(
        shown.drop(columns=[c for c in ("given_name", "family_name") if c in shown.columns]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key="people_table",
    )
    ticked = [int(people["person_id"].iloc[row]) for row in listed.selection.rows if row < len(people)]
    # Name, nationality and organisation: two people of the same name can be told apart.
    details = [people[c] for c in ("full_name", "nationality", "organisation") if c in people.columns]
    labels = {
        person_id: " · ".join(str(part) for part in parts if isinstance(part, str) and part) or f"Record {person_id}"
        for person_id, *parts in zip(people["person_id"], *details, strict=True)
    }
    people_forms.reselect("people_person", labels)
    chosen = st.selectbox(
        "Open one person",
        [None, *labels],
        format_func=lambda value: "—" if value is None else labels[value],
        key="people_person",
        index=ui.kept_index([None, *labels], "people_person"),  # reselect() sets it: kept if drawn afresh
    )
    if chosen is not None:
        st.session_state.pop("people_open", None)
    people_forms.bulk_consent(user, ticked, module_id)

opened = chosen if chosen is not None else st.session_state.get("people_open")
if opened is not None:
    people_forms.person_section(user, int(opened))

st.subheader("Export")
st.caption(
    "One row per participation in the chosen course or module. Text that looks like a spreadsheet formula is "
    "saved as plain text; organisation (and its type), e-mail and phone are included only for people who "
    "consented (the file may leave the team)."
)
export_format = st.radio("Format", [".xlsx", ".csv"], horizontal=True, key="people_format")
if st.button("Prepare the export", key="people_export"):
    made = ui.action(
        lambda session: export_participants(
            session,
            user=user,
            file_name=f"participants{export_format}",
            course_code=None if course == ALL else course,
            module_id=module_id,
        )
    )
    if made is not None:
        data, count = made
        st.download_button(
            f"Download {ui.counted(count, 'row')} ({export_format})",
            data,
            file_name=f"participants{export_format}",
            icon=":material/download:",
            on_click="ignore",
        )

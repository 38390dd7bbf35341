"""Participants: everyone counted once, searchable, with their participations; a person's record corrected,
merged with a duplicate or forgotten; consent for many at once; the export (consent-aware)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from programme.access.erasure import forget_person
from programme.alumni.profile import CONSENT_FLAGS
from programme.core.errors import ProgrammeError
from programme.courses.search import PICKER_LIMIT, course_choices, module_choices
from programme.models import Gender, OrgType, UserRole
from programme.people.consent import module_people, set_consent_many
from programme.people.countries import country_name
from programme.people.duplicates import possible_duplicates
from programme.people.edit import EDITABLE, PersonEditError, edit_person, person_record
from programme.people.merge import merge_people
from programme.people.participants import export_participants, people_count, people_page, person_participations
from programme.web import ui
from programme.web.display import readable

ALL = "All"
# People listed at once; the count covers everyone who matches.
PAGE_ROWS = 100

user = ui.guard(__file__)
st.title("Participants")
st.caption(
    "Everyone who took part, counted once across all courses. The team sees organisation and contacts here; the "
    "export, the alumni directory and reports show them only where the person consented."
)


def person_label(record: dict) -> str:
    parts = [record["full_name"], country_name(record["nationality"]) if record["nationality"] else None]
    return " · ".join(part for part in [*parts, record["organisation"]] if part)


def edit_form(person_id: int, record: dict) -> None:
    """The record's fields as typed: countries by name or code, phone as written; saved through the import's rules."""
    st.caption(
        "Type countries by name or code and phone numbers as written; they are read as an import reads them. "
        "The organisation type belongs to the organisation: changing it changes it for everyone there. "
        "Every change is kept in the audit trail with the values before and after."
    )
    with st.form(f"edit_person_{person_id}"):
        values: dict[str, str] = {}
        left, right = st.columns(2)
        for index, (name, label) in enumerate(EDITABLE.items()):
            column = left if index % 2 == 0 else right
            current = record[name] or ""
            key = f"edit_{name}_{person_id}"
            if name == "gender":
                genders = [g.value for g in Gender]
                values[name] = column.selectbox(label, genders, index=genders.index(current), key=key)
            elif name == "org_type":
                types = ["", *(t.value for t in OrgType)]
                values[name] = column.selectbox(
                    label, types, index=types.index(current), key=key, format_func=lambda t: t or "—"
                )
            elif name in ("nationality", "country_of_work"):
                values[name] = column.text_input(label, value=country_name(current) if current else "", key=key)
            elif name in ("expertise", "notes"):
                values[name] = column.text_area(label, value=current, key=key, height=80)
            else:
                values[name] = column.text_input(label, value=current, key=key)
        if st.form_submit_button("Save the corrections", type="primary"):
            try:
                with ui.db() as session:
                    result = edit_person(session, person_id=person_id, values=values, by=user)
            except PersonEditError as error:
                for name, message in error.problems.items():
                    st.error(f"**{EDITABLE[name]}**: {message}")
            except ProgrammeError as error:
                ui.show_error(error)
            else:
                if result.changed:
                    changed = ", ".join(EDITABLE[name].lower() for name in result.changed)
                    ui.flash(f"Saved: {changed}. The audit trail keeps the old values.")
                    for name in EDITABLE:  # the form shows the stored values again
                        st.session_state.pop(f"edit_{name}_{person_id}", None)
                    st.rerun()
                st.info("Nothing changed.")


def merge_section(person_id: int, record: dict) -> None:
    """Possible duplicates (the import's probable-match rule) and a merge with one of them, or any record number."""
    with ui.db() as session:
        found = possible_duplicates(session, person_id)
    if found.empty:
        st.caption("No other record has a similar name and a nationality that does not differ.")
    else:
        shown = readable(found, countries=["nationality"], text=["organisation", "email"])
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "person_id": "Record",
                "full_name": "Name",
                "nationality": "Nationality",
                "organisation": "Organisation",
                "email": "E-mail",
                "modules": "Modules",
                "score": st.column_config.NumberColumn("Similarity", format="%.0f"),
                "reason": "Why",
            },
        )
    options = {int(row.person_id): f"Record {row.person_id} · {row.full_name}" for row in found.itertuples()}
    pick, other_number = st.columns([3, 1])
    other = pick.selectbox(
        "Merge with",
        [None, *options],
        format_func=lambda value: "—" if value is None else options[value],
        key=f"merge_with_{person_id}",
    )
    typed = other_number.number_input("or record number", min_value=0, step=1, key=f"merge_number_{person_id}")
    other = other or (int(typed) or None)
    if other is None:
        return
    keep_this = st.radio(
        "Keep",
        [True, False],
        format_func=lambda mine: f"this record ({person_id})" if mine else f"the other record ({other})",
        horizontal=True,
        key=f"merge_keep_{person_id}",
    )
    keep, remove = (person_id, other) if keep_this else (other, person_id)
    try:
        with ui.db() as session:
            preview = merge_people(session, keep_id=keep, remove_id=remove, by=user, dry_run=True)
    except ProgrammeError as error:
        ui.show_error(error)
        return
    lines = [
        f"Merging keeps record {keep} (its name stays) and removes record {remove}.",
        f"Moves to record {keep}: {preview.moved_words()}.",
    ]
    if preview.combined_modules:
        lines.append(
            f"{len(preview.combined_modules)} module(s) are in both records: one participation stays, with the "
            "attendance days of both."
        )
    if preview.filled:
        lines.append(f"Blank fields filled from record {remove}: {', '.join(preview.filled)}.")
    st.info("  \n".join(lines))
    if preview.role_differs:
        st.warning("In some modules the two records have different roles: the kept record's role stays.")
    with st.form(f"merge_{person_id}"):
        sure = st.checkbox(f"Yes, records {keep} and {remove} are the same person")
        if st.form_submit_button("Merge the two records", type="primary"):
            if not sure:
                st.warning("Tick the box to confirm first.")
                return
            try:
                with ui.db() as session:
                    merge_people(session, keep_id=keep, remove_id=remove, by=user)
            except ProgrammeError as error:
                ui.show_error(error)
            else:
                st.session_state.pop("people_person", None)
                st.session_state["people_open"] = keep
                ui.flash(f"Merged: record {remove} is now part of record {keep}.")
                st.rerun()


def forget_section(person_id: int, label: str) -> None:
    st.write(
        "Removes their name, contacts, notes and consent for good and keeps an anonymous record, so "
        "that counts by country, gender and organisation type stay right. This cannot be undone."
    )
    with st.form("forget_person"):
        sure = st.checkbox(f"Yes, erase {label}'s personal data")
        if st.form_submit_button("Forget this person", type="primary"):
            if not sure:
                st.warning("Tick the box to confirm first.")
            else:
                try:
                    with ui.db() as session:
                        forget_person(session, person_id=person_id, by=user.username)
                except ProgrammeError as error:
                    ui.show_error(error)
                else:
                    st.session_state.pop("people_person", None)
                    st.session_state.pop("people_open", None)
                    ui.flash("Erased. Their record is now anonymous; the audit trail keeps who did it.")
                    st.rerun()


def person_section(person_id: int) -> None:
    """One person's page: participations, then correct, merge, forget."""
    try:
        with ui.db() as session:
            record = person_record(session, person_id)
            taken = person_participations(session, person_id)
    except ProgrammeError as error:
        ui.show_error(error)
        return
    label = person_label(record)
    st.subheader(record["full_name"])
    st.caption(f"Record {person_id} · {label}")
    st.dataframe(taken, hide_index=True, width="stretch")
    with st.expander("Correct this person's record"):
        edit_form(person_id, record)
    with st.expander("Possible duplicates and merging"):
        merge_section(person_id, record)
    if user.role == UserRole.ADMIN:
        with st.expander("Forget this person (request to be forgotten)"):
            forget_section(person_id, label)


FLAG_CHOICES = {"keep": "leave as it is", "yes": "yes", "no": "no"}


def bulk_consent(ticked: list[int], module_id: int | None) -> None:
    """Consent for the people ticked in the list, or everyone in the chosen module; one audit entry."""
    with st.expander("Set consent for many people"):
        whom = {"ticked": f"the {len(ticked)} people ticked in the list above"}
        if module_id is not None:
            with ui.db() as session:
                everyone = module_people(session, module_id)
            whom["module"] = f"everyone in the chosen module's list ({len(everyone)} people)"
        st.caption(
            "Tick people in the list (the first column), or choose a module above to take its whole list. "
            "The audit trail keeps one entry: how many people, the module and what was set (no names)."
        )
        with st.form("bulk_consent"):
            # With nobody ticked and a module chosen, its whole list is what is meant.
            start = 1 if module_id is not None and not ticked else 0
            who = st.radio("For", list(whom), index=start, format_func=whom.get, key="bulk_who")
            choices = {
                flag: st.selectbox(
                    label.capitalize(), list(FLAG_CHOICES), format_func=FLAG_CHOICES.get, key=f"bulk_{flag}"
                )
                for flag, label in CONSENT_FLAGS.items()
            }
            source = st.text_input("Where the consent comes from", placeholder="e.g. signed forms, Module 4")
            given_on = st.date_input("Date given", value=date.today(), max_value=date.today())
            if st.form_submit_button("Set consent", type="primary"):
                people_ids = everyone if who == "module" else ticked
                flags = {flag: choice == "yes" for flag, choice in choices.items() if choice != "keep"}
                try:
                    with ui.db() as session:
                        count = set_consent_many(
                            session,
                            person_ids=people_ids,
                            flags=flags,
                            source=source,
                            on=given_on,
                            by=user,
                            module_id=module_id if who == "module" else None,
                        )
                except ProgrammeError as error:
                    ui.show_error(error)
                else:
                    ui.flash(f"Consent set for {count} people; recorded in the audit trail.")
                    st.rerun()


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

chosen = None
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
    listed = st.dataframe(
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
    chosen = st.selectbox(
        "Open one person",
        [None, *labels],
        format_func=lambda value: "—" if value is None else labels[value],
        key="people_person",
    )
    if chosen is not None:
        st.session_state.pop("people_open", None)
    bulk_consent(ticked, module_id)

opened = chosen if chosen is not None else st.session_state.get("people_open")
if opened is not None:
    person_section(int(opened))

st.subheader("Export")
st.caption(
    "One row per participation in the chosen course or module. Text that looks like a spreadsheet formula is "
    "saved as plain text; organisation, e-mail and phone are included only for people who consented (the file "
    "may leave the team)."
)
export_format = st.radio("Format", [".xlsx", ".csv"], horizontal=True, key="people_format")
if st.button("Prepare the export", key="people_export"):
    try:
        with ui.db() as session:
            data, count = export_participants(
                session,
                user=user,
                file_name=f"participants{export_format}",
                course_code=None if course == ALL else course,
                module_id=module_id,
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

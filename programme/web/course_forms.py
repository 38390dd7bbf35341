"""The Courses page's forms: a course's and a module's details, and a course's partners."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.courses import catalogue as courses
from programme.models import Delivery, ModuleStatus, PartnerRole, Scope
from programme.people.countries import country_name
from programme.planning import partners
from programme.planning.agenda import get_module_by_id
from programme.web import ui
from programme.web.display import md_text
from programme.web.record_forms import RecordForm


def course_form(user: SignedIn, code: str) -> None:
    """The form that edits a course's title, scope, host country and description.

    A RecordForm: a save keeps what a colleague saved meanwhile in the fields left as they were."""
    with ui.db() as session:
        course = courses.get_course(session, code)
        stored = courses.course_fields(course)
    form = RecordForm(f"edit_course_{code}", stored, ("title", "scope", "host_country", "description"))
    form.show_refusal()
    key = form.key
    scopes = [s.value for s in Scope]
    with st.form(f"edit_course_{code}"):
        st.subheader(f"Course {md_text(code)}")
        title = st.text_input("Title", course.title, key=key("title"))
        scope_value = st.selectbox("Scope", scopes, index=scopes.index(course.scope.value), key=key("scope"))
        # By name, as every table shows it; read back to the same code (the form's save compares codes).
        host = st.text_input("Host country (code or name)", country_name(course.host_country), key=key("host_country"))
        description = st.text_area("Description", course.description or "", key=key("description"))
        if st.form_submit_button("Save course", type="primary"):
            form.save(
                lambda session, opened: courses.update_course(
                    session,
                    code=code,
                    title=title,
                    scope=scope_value,
                    country=host,
                    description=description,
                    by=user.username,
                    opened=opened,
                ),
                "Course saved.",
            )


def module_form(user: SignedIn, chosen: int) -> None:
    """The form that edits a module's title, number, dates, place, delivery, status, focus and objectives.

    A RecordForm: a save keeps what a colleague saved meanwhile in the fields left as they were."""
    with ui.db() as session:
        module = get_module_by_id(session, chosen)
        stored = courses.module_fields(module)
    form = RecordForm(f"edit_module_{chosen}", stored)
    form.show_refusal()
    key = form.key
    with st.form(f"edit_module_{chosen}"):
        left, right = st.columns(2)
        changes = {
            "title": left.text_input("Title", module.title, key=key("title")),
            "number": right.number_input("Number", min_value=1, value=module.number, step=1, key=key("number")),
            "start_date": left.date_input("Start date", module.start_date, key=key("start_date")),
            "end_date": right.date_input("End date", module.end_date, key=key("end_date")),
            "city": left.text_input("City", module.city or "", key=key("city")),
            "country": right.text_input("Country (code or name)", country_name(module.country), key=key("country")),
            "venue": left.text_input("Venue", module.venue or "", key=key("venue")),
            "delivery": right.selectbox(
                "Delivery",
                [d.value for d in Delivery],
                index=[d.value for d in Delivery].index(module.delivery.value),
                key=key("delivery"),
            ),
            "status": left.selectbox(
                "Status",
                [s.value for s in ModuleStatus],
                index=[s.value for s in ModuleStatus].index(module.status.value),
                key=key("status"),
            ),
            "focus": st.text_input(
                "Focus",
                module.focus or "",
                help="e.g. CEDAW; lobbying; engagement with diplomatic missions",
                key=key("focus"),
            ),
            "objectives": st.text_area("Objectives", module.objectives or "", key=key("objectives")),
        }
        if st.form_submit_button("Save module", type="primary"):
            form.save(
                lambda session, opened: courses.update_module(
                    session, module_id=chosen, changes=changes, by=user.username, opened=opened
                ),
                "Module saved.",
            )


def partners_panel(user: SignedIn, code: str, partner_table: pd.DataFrame) -> None:
    """A course's partners (organiser, co-organisers, host, funders): the list, an add form and a removal."""
    st.subheader("Partners")
    if partner_table.empty:
        st.info("No partner yet: add the organiser, co-organisers, host and funders.")
    else:
        ui.table(partner_table.drop(columns=["organisation_id"]), hide_index=True, width="stretch")
    partner_keys = (f"partner_name_{code}", f"partner_role_{code}", f"partner_country_{code}")
    with st.form(f"add_partner_{code}"):
        organisation = st.text_input("Organisation", key=partner_keys[0])
        cols = st.columns(2)
        role = cols[0].selectbox("Role", [r.value for r in PartnerRole], key=partner_keys[1])
        partner_country = cols[1].text_input("Country (code or name)", key=partner_keys[2])
        if st.form_submit_button("Add partner"):
            ui.action(
                lambda session: partners.add_partner(
                    session,
                    course_code=code,
                    organisation=organisation,
                    role=role,
                    country=partner_country,
                    by=user.username,
                ),
                f"{organisation} added as {role}.",
                clear=partner_keys,
            )
    if not partner_table.empty:
        options = {(int(r.organisation_id), r.role): f"{r.name} ({r.role})" for r in partner_table.itertuples()}
        gone = st.selectbox(
            "Remove a partner", list(options), format_func=options.get, index=None, placeholder="Pick a partner"
        )
        if gone and st.button("Remove partner"):
            ui.action(
                lambda session: partners.remove_partner(
                    session, course_code=code, organisation_id=gone[0], role=gone[1], by=user.username
                ),
                f"{options[gone]} removed.",
            )

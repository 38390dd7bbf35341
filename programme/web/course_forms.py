"""The Courses page's forms: a module's details, and a course's partners."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.courses import catalogue as courses
from programme.models import Delivery, ModuleStatus, PartnerRole
from programme.planning import partners
from programme.planning.agenda import get_module_by_id
from programme.web import ui


def module_form(user: SignedIn, chosen: int) -> None:
    """The form that edits a module's title, number, dates, place, delivery, status, focus and objectives."""
    with ui.db() as session:
        module = get_module_by_id(session, chosen)
    with st.form(f"edit_module_{chosen}"):
        left, right = st.columns(2)
        title = left.text_input("Title", module.title)
        number = right.number_input("Number", min_value=1, value=module.number, step=1)
        start = left.date_input("Start date", module.start_date)
        end = right.date_input("End date", module.end_date)
        city = left.text_input("City", module.city or "")
        where = right.text_input("Country (code or name)", module.country or "")
        venue = left.text_input("Venue", module.venue or "")
        delivery = right.selectbox(
            "Delivery",
            [d.value for d in Delivery],
            index=[d.value for d in Delivery].index(module.delivery.value),
        )
        state = left.selectbox(
            "Status",
            [s.value for s in ModuleStatus],
            index=[s.value for s in ModuleStatus].index(module.status.value),
        )
        focus = st.text_input(
            "Focus", module.focus or "", help="e.g. CEDAW; lobbying; engagement with diplomatic missions"
        )
        objectives = st.text_area("Objectives", module.objectives or "")
        if st.form_submit_button("Save module", type="primary"):
            changes = {
                "title": title,
                "number": number,
                "start_date": start,
                "end_date": end,
                "city": city,
                "country": where,
                "venue": venue,
                "delivery": delivery,
                "status": state,
                "focus": focus,
                "objectives": objectives,
            }
            ui.action(
                lambda session: courses.update_module(session, module_id=chosen, changes=changes, by=user.username),
                "Module saved.",
            )


def partners_panel(user: SignedIn, code: str, partner_table: pd.DataFrame) -> None:
    """A course's partners (organiser, co-organisers, host, funders): the list, an add form and a removal."""
    st.subheader("Partners")
    if partner_table.empty:
        st.info("No partner yet: add the organiser, co-organisers, host and funders.")
    else:
        st.dataframe(partner_table.drop(columns=["organisation_id"]), hide_index=True, width="stretch")
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
        gone = st.selectbox("Remove a partner", list(options), format_func=options.get, index=None)
        if gone and st.button("Remove partner"):
            ui.action(
                lambda session: partners.remove_partner(
                    session, course_code=code, organisation_id=gone[0], role=gone[1], by=user.username
                ),
                f"{options[gone]} removed.",
            )

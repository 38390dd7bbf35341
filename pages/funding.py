"""Funders and grants: who funds which courses and modules, what each grant reached and cost per person."""

import pandas as pd
import streamlit as st

from programme import funding
from programme.courses.search import course_choices, module_choices
from programme.web import ui
from programme.web.display import readable

user = ui.guard(__file__)
ui.heading(
    "Funders and grants",
    "A grant funds whole courses (every module) or single modules. Reach and evaluation figures filter by funder "
    "and grant; the funder's report is on **Reports and exports**.",
)


def grants_overview() -> None:
    table = ui.cached_query(funding.grants_table)
    if table.empty:
        st.info("No grants recorded yet. Add a funder on the **Add a funder** tab, then its grants on **Add a grant**.")
        return
    reached = ui.cached_query(funding.individuals_by_grant).set_index("ref")
    shown = table.assign(
        courses=table["courses"].map(lambda codes: ", ".join(codes)),
        modules=table["modules"].map(lambda labels: "; ".join(labels)),
        amount=[None if pd.isna(a) else float(a) for a in table["amount"]],
        individuals=table["ref"].map(reached["individuals"]),
        cost_per_person=table["ref"].map(reached["cost_per_person"]),
    )
    # Whom it reached and the cost per person before the lists of what it funds: the table is wider than the page.
    first = ["ref", "funder", "title", "start", "end", "amount", "currency", "individuals", "cost_per_person"]
    shown = shown[first + [column for column in shown.columns if column not in first]]
    ui.table(
        readable(shown, text=["title", "currency", "courses", "modules"], dates=["start", "end"]),
        hide_index=True,
        column_config={
            "ref": "Grant",
            "funder": "Funder",
            "title": "Title",
            "start": "From",
            "end": "To",
            "amount": st.column_config.NumberColumn("Amount", format="%,.2f"),
            "currency": "Currency",
            "courses": "Courses funded",
            "modules": "Single modules funded",
            "individuals": st.column_config.NumberColumn("Individuals reached", format="%d"),
            "cost_per_person": st.column_config.NumberColumn("Cost per person", format="%,.2f"),
        },
    )
    st.caption(
        "Individuals: people in the courses and modules a grant funds, each counted once. Cost per person: the "
        "grant's amount divided by them, in the grant's own currency (amounts in different currencies are never "
        "added up)."
    )


def funder_form() -> None:
    fields = ui.form_keys("funder_name", "funder_country", "funder_notes")
    with st.form("add-funder"):
        name = st.text_input("Name", key=fields[0], placeholder="e.g. Nordic Rights Fund")
        country = st.text_input("Country", key=fields[1], help="A name or an ISO code; optional.")
        notes = st.text_area("Notes", key=fields[2])
        if st.form_submit_button("Add funder", type="primary"):
            ui.action(
                lambda session: funding.add_funder(session, name=name, country=country, notes=notes, by=user.username),
                f"Funder {name.strip()} added.",
                clear=fields,
            )


def grant_form(funders: list[str]) -> None:
    if not funders:
        st.info("Add a funder first.")
        return
    fields = ui.form_keys(
        "grant_funder", "grant_ref", "grant_title", "grant_start", "grant_end", "grant_amount", "grant_currency"
    )
    with st.form("add-grant"):
        funder = st.selectbox("Funder", funders, key=fields[0])
        reference = st.text_input("Grant reference", key=fields[1], placeholder="e.g. NRF-2016-014")
        title = st.text_input("Title", key=fields[2])
        left, right = st.columns(2)
        start = left.date_input("From", value=None, key=fields[3])
        end = right.date_input("To", value=None, key=fields[4])
        amount = left.text_input("Amount", key=fields[5], help="Optional, e.g. 120000 or 95000.50.")
        currency = right.text_input("Currency", key=fields[6], max_chars=3, help="Three letters: EUR, USD, AUD…")
        if st.form_submit_button("Add grant", type="primary"):
            ui.action(
                lambda session: funding.add_grant(
                    session, funder=funder, reference=reference, title=title, start=start, end=end,
                    amount=amount, currency=currency, by=user.username,
                ),
                f"Grant {reference.strip()} added.",
                clear=fields[1:],
            )  # fmt: skip


def link_form(grants: dict[str, str]) -> None:
    if not grants:
        st.info("Add a grant first.")
        return
    reference = st.selectbox("Grant", list(grants), format_func=grants.get, key="link_grant")
    _, courses = ui.cached_query(course_choices)
    code = st.selectbox(
        "Course",
        list(courses),
        format_func=lambda c: f"{c} · {courses[c]}",
        key="link_course",
        index=None,
        placeholder="Pick a course",
    )
    if code is None:
        return
    modules = ui.cached_query(module_choices, course_code=code).labels
    whole = st.radio("Funds", ["the whole course", "one module"], horizontal=True, key="link_whole")
    module_id = None
    if whole == "one module":
        module_id = st.selectbox("Module", list(reversed(modules)), format_func=modules.get, key="link_module")
    if st.button("Link", type="primary"):
        ui.action(
            lambda session: (
                funding.link_course(session, reference=reference, course_code=code, by=user.username)
                if module_id is None
                else funding.link_module(session, reference=reference, module_id=module_id, by=user.username)
            ),
            f"Grant {reference} now funds {code if module_id is None else modules[module_id]}.",
        )


options = ui.cached_query(funding.funding_options)
overview, add_funder_tab, add_grant_tab, link_tab = ui.tabs(
    ["Grants", "Add a funder", "Add a grant", "Link a grant to a course or module"], key="funding_tab"
)
with overview:
    grants_overview()
with add_funder_tab:
    funder_form()
with add_grant_tab:
    grant_form(options["funders"])
with link_tab:
    link_form(options["grants"])

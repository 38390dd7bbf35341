"""Networks: national alumni associations and platforms as records, with their officers and members."""

from datetime import date

import pandas as pd
import streamlit as st

from programme.alumni import networks
from programme.models import NetworkKind, NetworkRole
from programme.people.countries import country_name
from programme.web import ui
from programme.web.display import PERSON_HEADERS, md_text, readable, readable_people
from programme.web.people_picker import people_found

user = ui.guard(__file__)
ui.heading(
    "Networks",
    "National alumni associations and sub-regional platforms. Members appear by name only if they agreed to be "
    "listed in the alumni directory.",
)

THIS_YEAR = date.today().year


def network_form(key: str, current: dict | None = None) -> None:
    """The form that creates a network (current None) or edits one."""
    current = current or {}
    with st.form(key):
        name = st.text_input("Name", value=current.get("name", ""))
        kinds = [kind.value for kind in NetworkKind]
        kind = st.selectbox("Kind", kinds, index=kinds.index(current.get("kind", kinds[0])))
        country = st.text_input("Country", value=country_name(current.get("country")), help="A name or an ISO code.")
        founded = st.number_input(
            "Founded (year)",
            min_value=networks.EARLIEST_FOUNDED,
            max_value=THIS_YEAR + 1,
            value=int(current["founded"]) if current.get("founded") else None,
        )
        description = st.text_area("Description", value=current.get("description") or "")
        activities = st.text_area("Activities", value=current.get("activities") or "")
        if st.form_submit_button("Save network", type="primary"):
            ui.action(
                lambda session: networks.save_network(
                    session,
                    network_id=current.get("id"),
                    name=name,
                    kind=kind,
                    country=country,
                    founded=int(founded) if founded else None,
                    description=description,
                    activities=activities,
                    by=user,
                ),
                lambda saved: f"Saved {md_text(saved.name)}.",
                then=lambda saved: st.session_state.update(network=saved.id),
            )


def show_record(record: dict) -> None:
    st.subheader(md_text(record["name"]))
    facts = {
        "Kind": record["kind"],
        "Country": country_name(record["country"]) if record["country"] else None,
        "Founded": record["founded"],
        "Members": record["members"],
    }
    st.write(" · ".join(f"**{label}:** {md_text(value)}" for label, value in facts.items() if value not in (None, "")))
    if record["description"]:
        st.write(md_text(record["description"]))
    if record["activities"]:
        st.markdown(f"**Activities:** {md_text(record['activities'])}")


def show_members(network_id: int) -> None:
    first = ui.cached_query(networks.network_members, network_id, user=user)
    # Officers and focal points come first: the first MEMBER_ROWS hold them all.
    officers = first.listed[first.listed["network_role"] != NetworkRole.MEMBER.value]
    st.markdown("**Officers and focal points**")
    if officers.empty:
        st.caption("None recorded (or none agreed to be listed).")
    else:
        ui.table(_member_columns(officers), hide_index=True, column_config=MEMBER_HEADERS)
    st.markdown(f"**Members** ({first.matching:,} listed)")
    if first.not_listed:
        st.caption(
            f"{ui.counted(first.not_listed, 'more member')} did not agree to be listed and "
            f"{ui.agreeing(first.not_listed, 'is', 'are')} not shown."
        )
    shown, search = first, ""
    if first.matching > len(first.listed):  # a large network: the first MEMBER_ROWS, a find box for the others
        search = st.text_input("Find a listed member", placeholder="Type part of a name", key="members-find").strip()
        if search:
            shown = ui.cached_query(networks.network_members, network_id, user=user, search=search)
    if first.listed.empty:
        st.info("No listed members yet. Add members below.")
    elif shown.listed.empty:
        st.caption("No listed member of that name.")
    else:
        if shown.matching > len(shown.listed):
            found = " found" if search else ""
            st.caption(
                f"The first {len(shown.listed):,} of {shown.matching:,} listed members{found} are shown, officers "
                f"first, then by name: type {'more of ' if search else 'part of '}a name to find the others."
            )
        ui.table(_member_columns(shown.listed), hide_index=True, column_config=MEMBER_HEADERS)
    member_changes(network_id)


MEMBER_HEADERS = {
    **PERSON_HEADERS,
    "network_role": "Role in network",
    "joined_on": "Joined",
    "person_id": st.column_config.NumberColumn("Record", format="%d", help="Tells apart two people of one name."),
}


def _member_columns(frame):  # type: ignore[no-untyped-def]
    wanted = ["name", "network_role", "joined_on", "nationality", "country_of_work", "organisation", "email", "phone"]
    # The record's number where two shown people share a name (a focal point and an officer both "Karim Khan").
    if "person_id" in frame.columns and frame["name"].duplicated(keep=False).any():
        wanted.append("person_id")
    shown = readable_people(frame[[column for column in wanted if column in frame.columns]])
    return readable(shown, dates=["joined_on"])


def member_changes(network_id: int) -> None:
    left, right = st.columns(2)
    with left, st.expander("Add a member or change a role"):
        labels = people_found(user, key="member")
        if labels:
            with st.form("add-member"):
                person_id = st.selectbox("Person", list(labels), format_func=labels.get)
                role = st.selectbox("Role in the network", [role.value for role in NetworkRole])
                joined_on = st.date_input("Joined on", value=None, max_value=date.today())
                if st.form_submit_button("Save member", type="primary"):
                    ui.action(
                        lambda session: networks.add_member(
                            session, network_id=network_id, person_id=person_id, role=role, joined_on=joined_on, by=user
                        ),
                        "Member saved.",
                    )
    with right, st.expander("Remove a member"):
        # Every member, those not listed too: one the page does not show can still be taken out.
        # Kept between runs (a network of thousands of members was read again at every click on the page).
        total, names = ui.cached_query(networks.members_to_manage, network_id, user=user)
        searched = total > len(names)
        if searched:  # a large network: its members found by name, never all listed
            search = st.text_input("Find the member", placeholder="Type part of a name", key="remove-member-find")
            if not search.strip():
                st.caption(f"{total:,} members: type part of a name.")
                return
            total, names = ui.cached_query(networks.members_to_manage, network_id, user=user, search=search.strip())
            if total > len(names):
                st.caption(f"The first {len(names):,} of {total:,} members found, by name: type more of the name.")
        if not names:
            st.caption("No member of that name." if searched else "No members to remove.")
            return
        person_id = st.selectbox("Member", list(names), format_func=names.get, key="remove-member")
        if st.button("Remove from the network"):
            ui.action(
                lambda session: networks.remove_member(session, network_id=network_id, person_id=person_id, by=user),
                "Member removed.",
            )


table = ui.cached_query(networks.list_networks)

with st.expander("New network", expanded=table.empty):
    network_form("new-network")

if table.empty:
    st.info("No networks recorded yet. Add the first one above.")
    st.stop()

networks_shown = readable(table.drop(columns=["id", "description", "activities"]), countries=["country"])
networks_shown["founded"] = ["—" if pd.isna(year) else str(int(year)) for year in networks_shown["founded"]]
ui.table(
    networks_shown,
    hide_index=True,
    column_config={
        "name": "Name",
        "kind": "Kind",
        "country": "Country",
        "founded": "Founded",
        "members": "Members",
    },
)
# Missing values come back from the table as NaN; the forms want None.
records = {
    int(row["id"]): {key: None if pd.isna(value) else value for key, value in row.items()}
    for row in table.to_dict(orient="records")
}
chosen = st.session_state.get("network")
network_id = st.selectbox(
    "Open a network",
    list(records),
    index=list(records).index(chosen) if chosen in records else 0,
    format_func=lambda i: records[i]["name"],
)
st.session_state["network"] = network_id
record = records[network_id]
show_record(record)
with st.expander("Edit this network"):
    network_form(f"edit-network-{network_id}", record)
show_members(network_id)

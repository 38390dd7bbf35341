"""The Alumni page's Directory tab: search with facets, result cards or a table, a profile, consent, export."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from programme.access.accounts import SignedIn
from programme.alumni import facets, profile
from programme.alumni.export import export_directory
from programme.alumni.search import COUNT_CAP, PAGE_SIZE, DirectoryQuery, search_directory
from programme.alumni.terms import reading
from programme.courses.search import course_ids
from programme.people.countries import country_name, country_named, known_code
from programme.web import ui
from programme.web.display import PERSON_HEADERS, is_missing, md_text, readable, readable_people, sentence_case
from programme.web.record_forms import RecordForm

FACET_LABELS = {
    "nationalities": "Nationality",
    "countries_of_work": "Country of work",
    "org_types": "Organisation type",
    "course_ids": "Course",
    "languages": "Language",
    "network_ids": "Network",
    "genders": "Gender",
    "roles": "Role",
}
# The Course facet's widgets (ui.course_filter: the courses chosen, by code, and its find box).
COURSE_KEYS = ("course_codes", "course_codes_find")
CARD_COLUMNS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The person whose profile is open in the Directory tab (in place of the results, which "Back" brings back).
PROFILE_KEY = "alumni_profile"
# Plain headers for the tables of a profile (programme.alumni.profile's columns).
PROFILE_HEADERS = {
    "role": "Role",
    "first_year": st.column_config.NumberColumn("First year", format="%d"),
    "last_year": st.column_config.NumberColumn("Last year", format="%d"),
    "modules": "Modules",
    "course": "Course",
    "module": "Module",
    "title": "Title",
    "start": st.column_config.DateColumn("Start"),
    "end": st.column_config.DateColumn("End"),
    "city": "City",
    "country": "Country",
    "completed": "Completed",
    "group": "Group",
    "exercise": "Exercise",
    "network": "Network",
    "joined_on": "Joined",
    "reported_on": st.column_config.DateColumn("Reported on"),
    "kind": "Kind",
    "description": "What happened",
}


def directory_query(options: dict, years: tuple[int, int] | None) -> DirectoryQuery:
    """Draw the search box and facets; return what they ask."""
    text = st.text_input(
        "Search",
        key="search",
        placeholder="Name, organisation, expertise, a topic of their training or a country — e.g. lobbying",
        help=(
            "Finds words in names, organisations, positions, expertise and notes, and in the agenda of the modules "
            "people attended (session titles and topics); a country's name, or its three-letter code in capitals "
            "(THA, MYS), also finds the alumni from or working in it. Otherwise accents and capitals do not matter; "
            "the start of a word is enough (jos finds José)."
        ),
    )
    chosen: dict[str, tuple] = {}
    year_range = None
    with st.expander("Filters", expanded=False):
        columns = st.columns(4)
        for index, (facet, label) in enumerate(FACET_LABELS.items()):
            with columns[index % 4]:
                if facet == "course_ids":  # thousands of courses: the newest with a find box (ui.course_filter)
                    codes = ui.course_filter(label, key=COURSE_KEYS[0], placeholder="Any course")
                    chosen[facet] = ui.cached_query(course_ids, codes)
                    continue
                values = options[facet]
                picked = st.multiselect(label, list(values), format_func=lambda v, values=values: values[v], key=facet,
                                        placeholder=f"Any {label.lower()}")  # fmt: skip
            chosen[facet] = tuple(picked)
        if years and years[0] < years[1]:
            # Its first value set here, not as the widget's default: the page keeps it across tabs through the
            # session state (lazy_tabs' keep), and a default as well made Streamlit log a warning with a stack.
            st.session_state.setdefault("years", years)
            picked_years = st.slider("Years of their modules", years[0], years[1], key="years")
            year_range = picked_years if picked_years != years else None
    offer_country_filters(text, options, chosen)
    return DirectoryQuery(
        text=text,
        year_from=year_range[0] if year_range else None,
        year_to=year_range[1] if year_range else None,
        **chosen,
    )


def offer_country_filters(text: str, options: dict, chosen: dict[str, tuple]) -> None:
    """A search that is a country's name (or its code in capitals: "THA") also finds the alumni from or working in
    it: offer each as a filter."""
    code = country_named(text)
    typed_code = code is None and known_code(text.strip())
    if typed_code:
        code = text.strip()
    if code is None:
        return
    offers = {
        facet: words
        for facet, words in (("nationalities", "from"), ("countries_of_work", "working in"))
        if code in options[facet] and code not in chosen[facet]
    }
    if not offers:
        return
    name = country_name(code)
    what = f"the code of {name}" if typed_code else "a country"
    st.info(
        f"**{md_text(text.strip())}** is {what}: the results are the alumni from {name} or working there, and those "
        "whose profile or training mentions it. To see only one of these groups, use a filter:"
    )
    for column, (facet, words) in zip(st.columns(len(offers) + 2), offers.items(), strict=False):
        column.button(f"Alumni {words} {name}", key=f"filter_{facet}", on_click=use_country_filter, args=(facet, code))


def use_country_filter(facet: str, code: str) -> None:
    st.session_state[facet] = [*st.session_state.get(facet, []), code]
    st.session_state["search"] = ""


def show_cards(results: pd.DataFrame) -> None:
    columns = st.columns(CARD_COLUMNS)
    for index, row in enumerate(results.itertuples(index=False)):
        with columns[index % CARD_COLUMNS], st.container(border=True):
            st.markdown(f"**{md_text(row.name)}**")
            works_in = country_name(row.country_of_work)
            where = " · ".join(
                part for part in (country_name(row.nationality), works_in and f"works in {works_in}") if part
            )
            if where:
                st.caption(where)
            expertise = None if is_missing(row.expertise) else f"Expertise: {row.expertise}"
            lines = [row.position, row.organisation, expertise, row.email, row.phone]
            shown = "  \n".join(md_text(line) for line in lines if not is_missing(line))
            if shown:
                st.write(shown)
            st.caption(
                md_text(
                    " · ".join(part for part in (f"{row.courses} ({row.years})", row.roles) if not is_missing(part))
                )
            )
            st.button(
                "Open profile",
                key=f"open-{row.person_id}",
                icon=":material/person:",
                on_click=open_profile,
                args=(int(row.person_id),),
            )


def open_profile(person_id: int) -> None:
    st.session_state[PROFILE_KEY] = person_id
    st.session_state["profile_scroll"] = True


def pick_profile() -> None:
    """The "Open a profile" box opens the profile it names, and is empty again on coming back."""
    chosen = st.session_state.get("open_profile")
    if chosen is not None:
        open_profile(int(chosen))
        st.session_state["open_profile"] = None


def close_profile() -> None:
    st.session_state.pop(PROFILE_KEY, None)


def show_profile(user: SignedIn, person_id: int) -> None:
    with ui.db() as session:
        found = profile.alumni_profile(session, person_id, user=user)
        consent = profile.consent_of(session, person_id)
    who = found.person
    st.subheader(md_text(who["name"]))
    facts = profile.profile_facts(who)
    st.write("  \n".join(f"**{label}:** {md_text(value)}" for label, value in facts.items()))
    st.markdown("**Roles over time**")
    ui.table(found.roles, hide_index=True, column_config=PROFILE_HEADERS)
    st.markdown("**Courses and modules**")
    history = readable(found.history, countries=["country"], text=["title", "city"])
    ui.table(history, hide_index=True, column_config=PROFILE_HEADERS)
    outcomes_seen = readable(found.outcomes, text=["course", "module"])
    if not outcomes_seen.empty:
        outcomes_seen["kind"] = outcomes_seen["kind"].map(sentence_case)
    for title, frame, empty in (
        ("Groups and role plays", readable(found.groups, text=["exercise"]), "No groups recorded."),
        ("Networks", readable(found.networks, dates=["joined_on"]), "Not a member of any network."),
        ("Outcomes reported", outcomes_seen, "No outcomes recorded yet (add one in the Outcomes tab)."),
    ):
        st.markdown(f"**{title}**")
        if frame.empty:
            st.caption(empty)
        else:
            ui.table(frame, hide_index=True, column_config=PROFILE_HEADERS)
    consent_form(user, person_id, consent, key="profile")
    if user.can_edit and st.button("Correct or merge this record", key=f"open_person_{person_id}"):
        st.session_state["people_open"] = person_id  # Participants opens this person's page
        st.switch_page("pages/participants.py")


def consent_form(user: SignedIn, person_id: int, consent: dict, *, key: str) -> None:
    """The consent editor: flags, source and date; saving is audited."""
    with st.expander("Consent", expanded=False):
        st.caption(
            f"Recorded {consent['consent_date'] or 'on no date'} from {md_text(consent['consent_source'] or 'no source')}."
        )
        flags = {flag: consent[flag] for flag in profile.CONSENT_FLAGS}
        form = RecordForm(f"consent-{key}-{person_id}", flags, key=lambda flag: f"{key}-{flag}-{person_id}")
        form.show_refusal()
        with st.form(f"consent-{key}-{person_id}"):
            flags = {
                flag: st.checkbox(label.capitalize(), value=consent[flag], key=form.key(flag))
                for flag, label in profile.CONSENT_FLAGS.items()
            }
            source = st.text_input("Where the consent comes from", placeholder="e.g. signed form, Module 4")
            given_on = st.date_input("Date given", value=date.today(), max_value=date.today())
            if st.form_submit_button("Save consent", type="primary"):
                form.save(
                    lambda session, opened: profile.set_consent(
                        session, person_id=person_id, flags=flags, source=source, on=given_on, by=user, opened=opened
                    ),
                    "Consent saved and recorded in the audit trail.",
                )


def directory_tab(user: SignedIn) -> None:
    opened = st.session_state.get(PROFILE_KEY)
    if opened is not None:
        if st.session_state.pop("profile_scroll", False):
            ui.scroll_to_top()
        # The search's words, filters, view and page stay in the session (lazy_tabs' keep) while hidden.
        st.button("Back to results", icon=":material/arrow_back:", on_click=close_profile, key="back_to_results")
        show_profile(user, int(opened))
        return
    options = ui.cached_query(facets.facet_options)
    years = ui.cached_query(facets.year_bounds)
    query = directory_query(options, years)
    page = st.session_state.get("directory_page", 1)
    found = ui.cached_query(search_directory, query, user=user, offset=(page - 1) * PAGE_SIZE)
    if found.total and found.results.empty:  # a new search has fewer pages than the page shown
        st.session_state["directory_page"] = 1
        found = ui.cached_query(search_directory, query, user=user)
    if found.total == 0:
        if dataclasses.replace(query, text=query.text.strip()) == DirectoryQuery():  # nothing asked
            st.info(
                "No alumni are listed yet. Someone is listed once they have completed a module as a participant "
                "and agreed to be listed in the directory (record their consent in the **Consent** tab)."
            )
        else:
            st.info(
                "No listed alumni match. Try fewer words or filters; people who did not agree to be listed "
                "never appear, and an organisation (or its type, such as “trade union”) is found only for those who "
                "agreed to share it."
            )
        return
    pages = (min(found.total, COUNT_CAP) + PAGE_SIZE - 1) // PAGE_SIZE
    left, middle, right = st.columns([3, 2, 2])
    if found.capped:
        left.markdown(f"**More than {COUNT_CAP:,} listed alumni** match; add words or filters to narrow them.")
    else:
        left.markdown("**1 listed alum** matches." if found.total == 1 else f"**{found.total:,} listed alumni** match.")
    read = reading(list(found.terms))  # the words that found more than profiles: a type, a country, an agenda
    if read:
        left.caption(md_text(read))
    st.session_state.setdefault("view", "Cards")  # not a default as well: see "years" above
    view = middle.segmented_control("Show as", ["Cards", "Table"], key="view") or "Cards"
    if pages > 1:
        right.number_input("Page", 1, pages, key="directory_page")
    if view == "Cards":
        show_cards(found.results)
    else:
        ui.table(
            readable_people(found.results.drop(columns=["person_id"])), hide_index=True, column_config=PERSON_HEADERS
        )
    shown = "the result" if found.total == 1 else f"these {found.total:,} results"
    export_buttons(user, query, "all the results" if found.capped else shown)
    names = dict(zip(found.results["person_id"], found.results["name"], strict=True))
    st.selectbox(
        "Open a profile",
        list(names),
        index=None,
        format_func=names.get,
        placeholder="Choose a person above",
        key="open_profile",
        on_change=pick_profile,
    )


def export_buttons(user: SignedIn, query: DirectoryQuery, how_many: str) -> None:
    with st.expander(f"Export {how_many}"):
        st.caption("Only consented fields are exported; the export is recorded in the audit trail.")
        file_format = st.radio("Format", ["xlsx", "csv"], horizontal=True, key="export_format")

        def made_on_click() -> bytes:
            # Read on the click, never kept in the session: a consent withdrawn since the search was shown, or a
            # search changed since, is what the file holds; each download is audited.
            with ui.db() as session:
                return export_directory(session, query, user=user, file_format=file_format)

        st.download_button(
            f"Download alumni.{file_format}",
            made_on_click,
            file_name=f"alumni.{file_format}",
            mime="text/csv" if file_format == "csv" else XLSX,
            on_click="ignore",
        )

"""Alumni directory: search with facets, profiles and consent, map, corridors, trainer pool, outcomes."""

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from programme import funding, reach
from programme.alumni import corridors, facets, outcomes, profile, trainers
from programme.alumni.export import export_directory
from programme.alumni.outcome_queries import OutcomeFilter, filtered_by_year, filtered_outcomes, outcome_kind_counts
from programme.alumni.search import COUNT_CAP, PAGE_SIZE, DirectoryQuery, search_directory
from programme.charts.alumni import alumni_map, outcomes_by_year_chart
from programme.charts.maps import map_config
from programme.core.errors import ProgrammeError
from programme.courses.search import module_choices
from programme.models import OutcomeKind
from programme.people.countries import country_name, country_named
from programme.web import ui
from programme.web.display import (
    MISSING,
    PERSON_HEADERS,
    country_names,
    is_missing,
    md_text,
    readable,
    readable_people,
    sentence_case,
)

user = ui.guard(__file__)
st.title("Alumni directory")
st.caption(
    "Everyone who completed a module as a participant and agreed to be listed. E-mail, phone and organisation "
    "show only where the person agreed to share them."
)

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
CARD_COLUMNS = 3
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
            "people attended (session titles and topics); a country's name also finds the alumni from or working "
            "in it. Accents and capitals do not matter; the start of a word is enough (jos finds José)."
        ),
    )
    chosen: dict[str, tuple] = {}
    year_range = None
    with st.expander("Filters", expanded=False):
        columns = st.columns(4)
        for index, (facet, label) in enumerate(FACET_LABELS.items()):
            values = options[facet]
            with columns[index % 4]:
                picked = st.multiselect(label, list(values), format_func=lambda v, values=values: values[v], key=facet)
            chosen[facet] = tuple(picked)
        if years and years[0] < years[1]:
            picked_years = st.slider("Years of their modules", years[0], years[1], years, key="years")
            year_range = picked_years if picked_years != years else None
    offer_country_filters(text, options, chosen)
    return DirectoryQuery(
        text=text,
        year_from=year_range[0] if year_range else None,
        year_to=year_range[1] if year_range else None,
        **chosen,
    )


def offer_country_filters(text: str, options: dict, chosen: dict[str, tuple]) -> None:
    """A search that is a country's name also finds the alumni from or working in it: offer each as a filter."""
    code = country_named(text)
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
    st.info(
        f"**{md_text(text.strip())}** is a country: the results are the alumni from {name} or working there, and those "
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


def show_profile(person_id: int) -> None:
    with ui.db() as session:
        found = profile.alumni_profile(session, person_id, user=user)
        consent = profile.consent_of(session, person_id)
    who = found.person
    st.subheader(md_text(who["name"]))
    facts = {
        "Nationality": country_name(who.get("nationality")),
        "Works in": country_name(who.get("country_of_work")),
        "Organisation": who.get("organisation") or "not shared",
        "Position": who.get("position"),
        "E-mail": who.get("email") or "not shared",
        "Phone": who.get("phone") or "not shared",
        "Languages": who.get("languages"),
        "Expertise": who.get("expertise"),
    }
    st.write("  \n".join(f"**{label}:** {md_text(value)}" for label, value in facts.items() if value))
    st.markdown("**Roles over time**")
    st.dataframe(found.roles, hide_index=True, column_config=PROFILE_HEADERS)
    st.markdown("**Courses and modules**")
    history = readable(found.history, countries=["country"], text=["title", "city"])
    st.dataframe(history, hide_index=True, column_config=PROFILE_HEADERS)
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
            st.dataframe(frame, hide_index=True, column_config=PROFILE_HEADERS)
    consent_form(person_id, consent, key="profile")
    if user.can_edit and st.button("Correct or merge this record", key=f"open_person_{person_id}"):
        st.session_state["people_open"] = person_id  # Participants opens this person's page
        st.switch_page("pages/participants.py")


def consent_form(person_id: int, consent: dict, *, key: str) -> None:
    """The consent editor: flags, source and date; saving is audited."""
    with st.expander("Consent", expanded=False):
        st.caption(
            f"Recorded {consent['consent_date'] or 'on no date'} from {md_text(consent['consent_source'] or 'no source')}."
        )
        with st.form(f"consent-{key}-{person_id}"):
            flags = {
                flag: st.checkbox(label.capitalize(), value=consent[flag], key=f"{key}-{flag}-{person_id}")
                for flag, label in profile.CONSENT_FLAGS.items()
            }
            source = st.text_input("Where the consent comes from", placeholder="e.g. signed form, Module 4")
            given_on = st.date_input("Date given", value=date.today(), max_value=date.today())
            if st.form_submit_button("Save consent", type="primary"):
                try:
                    with ui.db() as session:
                        profile.set_consent(
                            session, person_id=person_id, flags=flags, source=source, on=given_on, by=user
                        )
                    st.success("Consent saved and recorded in the audit trail.")
                except ProgrammeError as error:
                    ui.show_error(error)


def directory_tab() -> None:
    opened = st.session_state.get(PROFILE_KEY)
    if opened is not None:
        if st.session_state.pop("profile_scroll", False):
            ui.scroll_to_top()
        # The search's words, filters, view and page stay in the session (lazy_tabs' keep) while hidden.
        st.button("Back to results", icon=":material/arrow_back:", on_click=close_profile, key="back_to_results")
        show_profile(int(opened))
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
                "never appear."
            )
        return
    pages = (min(found.total, COUNT_CAP) + PAGE_SIZE - 1) // PAGE_SIZE
    left, middle, right = st.columns([3, 2, 2])
    if found.capped:
        left.markdown(f"**More than {COUNT_CAP:,} listed alumni** match; add words or filters to narrow them.")
    else:
        left.markdown(f"**{found.total:,} listed alumni** match.")
    reached = [term for term in found.terms if term.modules]
    if reached:
        left.caption(
            "Also found in what people were trained on: "
            + "; ".join(
                f"“{' '.join(term.words)}” in the agenda of {len(term.modules)} module{'s' * (len(term.modules) > 1)}"
                for term in reached
            )
            + "."
        )
    view = middle.segmented_control("Show as", ["Cards", "Table"], default="Cards", key="view") or "Cards"
    if pages > 1:
        right.number_input("Page", 1, pages, key="directory_page")
    if view == "Cards":
        show_cards(found.results)
    else:
        st.dataframe(
            readable_people(found.results.drop(columns=["person_id"])), hide_index=True, column_config=PERSON_HEADERS
        )
    export_buttons(query, "all" if found.capped else f"these {found.total:,}")
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


def export_buttons(query: DirectoryQuery, how_many: str) -> None:
    with st.expander(f"Export {how_many} results"):
        st.caption("Only consented fields are exported; the export is recorded in the audit trail.")
        file_format = st.radio("Format", ["xlsx", "csv"], horizontal=True, key="export_format")
        if st.button("Prepare the file"):
            with ui.db() as session:
                st.session_state["directory_export"] = (
                    file_format,
                    export_directory(session, query, user=user, file_format=file_format),
                )
        prepared = st.session_state.get("directory_export")
        if prepared:
            st.download_button(
                f"Download alumni.{prepared[0]}",
                prepared[1],
                file_name=f"alumni.{prepared[0]}",
                mime="text/csv" if prepared[0] == "csv" else "application/vnd.ms-excel",
            )


def map_tab() -> None:
    by = st.radio(
        "Count alumni by",
        ["country_of_work", "nationality"],
        format_func={"country_of_work": "country of work", "nationality": "nationality"}.get,
        horizontal=True,
    )
    frame = ui.cached_query(corridors.alumni_by_country, by=by)
    if frame.empty:
        st.info("No alumni yet: the map fills in once participants complete a module.")
        return
    st.caption("Counts include every alum (listed or not); no names are shown.")
    st.plotly_chart(alumni_map(frame), config=map_config())
    st.dataframe(
        frame[["country_name", "alumni"]],
        hide_index=True,
        column_config={"country_name": "Country", "alumni": "Alumni"},
    )


def corridors_tab() -> None:
    seen = ui.cached_query(corridors.corridors)
    st.caption(
        "A corridor joins a country of origin and a country of destination. Connect listed alumni working at "
        "each end for case work."
    )
    if seen.empty:
        st.info("No corridor yet: none of the alumni works outside their country of nationality.")
        return
    st.dataframe(
        seen.drop(columns=["origin", "destination"]),
        hide_index=True,
        column_config={
            "corridor": "Corridor",
            "migrant_alumni": "Migrant alumni",
            "alumni_in_origin": "Alumni in country of origin",
            "alumni_in_destination": "Alumni in country of destination",
        },
    )
    picked = st.selectbox("Corridor", range(len(seen)), format_func=lambda i: seen.loc[i, "corridor"])
    words = st.text_input("Only alumni whose profile mentions", placeholder="e.g. domestic workers")
    origin, destination = seen.loc[picked, "origin"], seen.loc[picked, "destination"]
    at_origin, at_destination = ui.cached_query(
        corridors.corridor_alumni, origin=origin, destination=destination, user=user, text=words
    )
    for column, frame, country in zip(st.columns(2), (at_origin, at_destination), (origin, destination), strict=True):
        with column:
            st.markdown(f"**Working in {country_name(country)}** ({len(frame)})")
            shown = ["name", "organisation", "expertise", "email", "phone", "languages"]
            if frame.empty:
                st.caption("No listed alumni there yet.")
            else:
                st.dataframe(
                    readable_people(frame[[c for c in shown if c in frame.columns]]),
                    hide_index=True,
                    column_config=PERSON_HEADERS,
                )


def trainers_tab() -> None:
    only_alumni = st.checkbox("Only alumni (trained in our courses)", value=True)
    pool = ui.cached_query(trainers.trainer_pool, user=user, alumni_only=only_alumni)
    if pool.empty:
        st.info("No listed trainers yet: facilitators and resource persons appear here once they lead sessions.")
        return
    st.caption("Mean rating: all 1–5 ratings of the sessions they led (a session led by two counts for both).")
    columns = ["name", "trainer_roles", "sessions_led", "mean_rating", "ratings", "last_served", "nationality"]
    columns += [c for c in ("organisation", "email", "languages", "expertise") if c in pool.columns]
    # Nationality by name; a dash where nothing is shared or recorded.
    shown = readable(
        pool[columns],
        countries=["nationality"],
        text=["organisation", "email", "languages", "expertise"],
        dates=["last_served"],
    )
    # Someone whose sessions were never rated has no mean: a dash, not an empty "None".
    shown["mean_rating"] = [MISSING if pd.isna(mean) else f"{mean:.2f}" for mean in shown["mean_rating"]]
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "name": "Name",
            "trainer_roles": "Roles",
            "sessions_led": "Sessions led",
            "mean_rating": "Mean rating",
            "ratings": "Ratings",
            "last_served": "Last served",
            "nationality": "Nationality",
            "organisation": "Organisation",
            "email": "E-mail",
            "languages": "Languages",
            "expertise": "Expertise",
        },
    )
    names = dict(zip(pool["person_id"], pool["name"], strict=True))
    person_id = st.selectbox("Sessions led by", list(names), index=None, format_func=names.get, key="trainer")
    if person_id is not None:
        with ui.db() as session:
            led = trainers.sessions_led(session, [int(person_id)])
        st.dataframe(led.drop(columns=["person_id"]), hide_index=True) if not led.empty else st.caption(
            "Not named on any session of an agenda yet."
        )


def outcome_filter_widgets(courses: dict) -> OutcomeFilter:
    """The Outcomes tab's filters: course, module, years reported, country of work, kind, funder and grant."""
    options = ui.cached_query(funding.funding_options)
    countries = ui.cached_query(reach.filter_options)["countries"]
    first, second, third = st.columns(3)
    chosen_courses = first.multiselect(
        "After the course", list(courses), format_func=courses.get, key="outcomes_courses"
    )
    codes = tuple(courses[c].split(" · ")[0] for c in chosen_courses)
    module_labels = {}
    for code in codes:
        module_labels.update(ui.cached_query(module_choices, course_code=code).labels)
    module_ids = second.multiselect("After the module", list(module_labels), format_func=module_labels.get,
                                    key="outcomes_modules", disabled=not codes,
                                    placeholder="Choose a course first" if not codes else None)  # fmt: skip
    this_year = date.today().year
    years = third.slider("Reported in", 2000, this_year, (2000, this_year), key="outcomes_years")
    fourth, fifth, sixth, seventh = st.columns(4)
    country = fourth.multiselect(
        "Country of work", list(countries), format_func=countries.get, key="outcomes_countries"
    )
    kinds = fifth.multiselect("Kind", [k.value for k in OutcomeKind], format_func=sentence_case, key="outcomes_kinds")
    funders = sixth.multiselect("Funder", options["funders"], key="outcomes_funders")
    grant_choices = funding.grants_for_funders(options, funders)
    grants = seventh.multiselect("Grant", list(grant_choices), format_func=grant_choices.get, key="outcomes_grants")
    return OutcomeFilter(
        courses=codes, module_ids=tuple(module_ids), year_from=years[0], year_to=years[1], countries=tuple(country),
        kinds=tuple(kinds), funders=tuple(funders), grants=tuple(grants),
    )  # fmt: skip


def outcomes_tab() -> None:
    courses = ui.cached_query(facets.facet_options)["course_ids"]
    chosen = outcome_filter_widgets(courses)
    counts = ui.cached_query(outcome_kind_counts, chosen)
    table = ui.cached_query(filtered_outcomes, chosen, user=user)
    for column, (kind, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(sentence_case(kind), count, help=sentence_case(kind))
    if table.empty:
        st.info("No outcomes match. Widen the filters, or record an outcome below.")
    else:
        st.plotly_chart(outcomes_by_year_chart(filtered_by_year(table)))
        shown = readable(table.drop(columns=["id"]), text=["course", "module"], countries=["country"])
        shown["kind"] = shown["kind"].map(sentence_case)
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                "reported_on": st.column_config.DateColumn("Reported on"),
                "kind": "Kind",
                "description": "What happened",
                "course": "After the course",
                "module": "After the module",
                "country": "Works in",
                "alum": "Alum",
            },
        )
        st.caption(
            "Each outcome follows the module recorded with it, or the alum's last module of the course before the "
            "outcome's date. Funder and grant: outcomes after the modules their grants fund. Years: when reported."
        )
    record_outcome_form(courses)


def person_picker(key: str) -> int | None:
    """A name search over everyone (listed or not), for facilitators recording consent or outcomes."""
    text = st.text_input("Find the person", placeholder="Type part of a name", key=f"{key}-find")
    if not text.strip():
        return None
    with ui.db() as session:
        found = profile.people_for_consent(session, text, user=user)
    if found.empty:
        st.caption("Nobody of that name.")
        return None
    labels = {
        row.person_id: f"{row.name} ({country_names(row.nationality)}){'' if row.consent_listed else ' · not listed'}"
        for row in found.itertuples()
    }
    return st.selectbox("Person", list(labels), format_func=labels.get, key=f"{key}-person")


def record_outcome_form(courses: dict) -> None:
    st.subheader("Record an outcome")
    person_id = person_picker("outcome")
    if person_id is None:
        return
    # Kept after an error, cleared once saved.
    fields = ("outcome_kind", "outcome_text", "outcome_on", "outcome_course", "outcome_module")
    with ui.db() as session:
        taken = outcomes.person_modules(session, int(person_id))
    with st.form("outcome"):
        kind = st.selectbox("Kind", [kind.value for kind in OutcomeKind], format_func=sentence_case, key=fields[0])
        description = st.text_area(
            "What happened", placeholder="e.g. Shadow report submitted to CEDAW, 2019", key=fields[1]
        )
        reported_on = st.date_input("Reported on", value=date.today(), max_value=date.today(), key=fields[2])
        course_id = st.selectbox("After the course", list(courses), index=None, format_func=courses.get, key=fields[3],
                                 help="Without a module, the outcome follows the person's last module of the course.")  # fmt: skip
        module_id = st.selectbox("After the module", list(taken), index=None, format_func=taken.get, key=fields[4],
                                 help="The modules this person took part in, newest first.")  # fmt: skip
        if st.form_submit_button("Record outcome", type="primary"):
            try:
                with ui.db() as session:
                    outcomes.record_outcome(
                        session,
                        person_id=int(person_id),
                        kind=kind,
                        description=description,
                        reported_on=reported_on,
                        course_id=course_id,
                        module_id=module_id,
                        by=user,
                    )
                ui.done("Outcome recorded.", clear=fields)
            except ProgrammeError as error:
                ui.show_error(error)


def consent_tab() -> None:
    st.caption(
        "Record a person's consent, e.g. after a signed form. Anyone not erased can be found here, listed or not; "
        "every change is dated and kept in the audit trail."
    )
    person_id = person_picker("consent")
    if person_id is not None:
        with ui.db() as session:
            consent = profile.consent_of(session, int(person_id))
        consent_form(int(person_id), consent, key="tab")


TABS = {
    "Directory": directory_tab,
    "Map": map_tab,
    "Corridors": corridors_tab,
    "Trainer pool": trainers_tab,
    "Outcomes": outcomes_tab,
    "Consent": consent_tab,
}
# Only the open tab runs: at 500,000 people each tab's figures cost a query of their own.
tabs = ui.lazy_tabs(list(TABS), key="alumni_tab", keep=("search", *FACET_LABELS, "years", "view", "directory_page"))
for tab, draw in zip(tabs, TABS.values(), strict=True):
    if tab.open:
        with tab:
            try:
                draw()
            except ProgrammeError as error:
                ui.show_error(error)

"""The Alumni page's other tabs: map, corridors, trainer pool, outcomes and consent."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from programme import funding, reach
from programme.access.accounts import SignedIn
from programme.alumni import corridors, outcomes, profile, trainers
from programme.alumni.outcome_queries import (
    OutcomeFilter,
    filtered_by_year,
    filtered_outcomes,
    no_outcomes_note,
    outcome_kind_counts,
)
from programme.charts.alumni import alumni_map, outcome_kinds_chart, outcomes_by_year_chart
from programme.charts.maps import map_config
from programme.core.rounding import fixed
from programme.courses.search import module_choices
from programme.models import OutcomeKind
from programme.people.countries import country_name
from programme.web import ui
from programme.web.alumni_directory import consent_form
from programme.web.display import MISSING, PERSON_HEADERS, readable, readable_people, sentence_case
from programme.web.people_picker import person_picker

# The Outcomes tab lists at most this many outcomes, newest first (its charts count them all).
OUTCOME_ROWS = 500


def map_tab(_user: SignedIn) -> None:
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
    ui.table(
        frame[["country_name", "alumni"]],
        hide_index=True,
        column_config={"country_name": "Country", "alumni": "Alumni"},
    )


# Listed alumni shown at each end of a corridor (the first by name; add words to narrow them).
CORRIDOR_SHOWN = 200


def corridors_tab(user: SignedIn) -> None:
    seen = ui.cached_query(corridors.corridors)
    st.caption(
        "A corridor joins a country of origin and a country of destination. Connect listed alumni working at "
        "each end for case work."
    )
    if seen.empty:
        st.info("No corridor yet: none of the alumni works outside their country of nationality.")
        return
    ui.table(
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
        corridors.corridor_alumni, origin=origin, destination=destination, user=user, text=words, limit=CORRIDOR_SHOWN
    )
    totals = (seen.loc[picked, "alumni_in_origin"], seen.loc[picked, "alumni_in_destination"])
    ends = zip(st.columns(2), (at_origin, at_destination), (origin, destination), totals, strict=True)
    for column, frame, country, total in ends:
        with column:
            shown_count = f"{len(frame):,}"
            if len(frame) >= CORRIDOR_SHOWN:  # the first ones by name: say of how many
                shown_count = f"the first {len(frame):,} by name" + ("" if words else f" of {int(total):,}")
            st.markdown(f"**Working in {country_name(country)}** ({shown_count})")
            shown = ["name", "organisation", "expertise", "email", "phone", "languages"]
            if frame.empty:
                st.caption("No listed alumni there yet.")
            else:
                ui.table(
                    readable_people(frame[[c for c in shown if c in frame.columns]]),
                    hide_index=True,
                    column_config=PERSON_HEADERS,
                )


def trainers_tab(user: SignedIn) -> None:
    only_alumni = st.checkbox("Only alumni (trained in our courses)", value=True)
    pool = ui.cached_query(trainers.trainer_pool, user=user, alumni_only=only_alumni)
    if pool.empty:
        st.info("No listed trainers yet: facilitators and resource persons appear here once they lead sessions.")
        return
    search = ""
    if len(pool) > trainers.TRAINER_ROWS:  # a large pool: the best rated listed, a find box for the others
        search = st.text_input("Find a trainer", placeholder="Type part of a name", key="trainer_find").strip()
        if search:
            pool = ui.cached_query(trainers.trainer_pool, user=user, alumni_only=only_alumni, search=search)
    if pool.empty:
        st.caption("No trainer of that name.")
        return
    if len(pool) > trainers.TRAINER_ROWS:
        found = " found" if search else ""
        st.caption(
            f"The {trainers.TRAINER_ROWS:,} best rated of {len(pool):,} trainers{found} are listed: type "
            f"{'more of ' if search else 'part of '}a name to find the others."
        )
        pool = pool.head(trainers.TRAINER_ROWS)
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
    shown["mean_rating"] = [MISSING if pd.isna(mean) else fixed(mean) for mean in shown["mean_rating"]]
    ui.table(
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
    person_id = st.selectbox(
        "Sessions led by", list(names), index=None, format_func=names.get, key="trainer", placeholder="Pick a trainer"
    )
    if person_id is not None:
        with ui.db() as session:
            led = trainers.sessions_led(session, [int(person_id)])
        ui.table(led.drop(columns=["person_id"]), hide_index=True) if not led.empty else st.caption(
            "Not named on any session of an agenda yet."
        )


def outcome_filter_widgets() -> OutcomeFilter:
    """The Outcomes tab's filters: course, module, years reported, country of work, kind, funder and grant."""
    options = ui.cached_query(funding.funding_options)
    # The countries on record, and "not recorded" last (the alumni whose country of work is not on record), as Reach.
    countries = ui.cached_query(reach.filter_options)["countries"]
    first, second, third = st.columns(3)
    with first:
        codes = ui.course_filter("After the course", key="outcomes_courses")
    module_labels = {}
    for code in codes:
        module_labels.update(ui.cached_query(module_choices, course_code=code).labels)
    module_ids = second.multiselect("After the module", list(module_labels), format_func=module_labels.get,
                                    key="outcomes_modules", disabled=not codes,
                                    placeholder="Choose a course first" if not codes else "All modules")  # fmt: skip
    this_year = date.today().year
    years = third.slider("Reported in", 2000, this_year, (2000, this_year), key="outcomes_years")
    fourth, fifth, sixth, seventh = st.columns(4)
    country = fourth.multiselect(
        "Country of work",
        list(countries),
        format_func=countries.get,
        key="outcomes_countries",
        placeholder="All countries",
    )
    kinds = fifth.multiselect(
        "Kind", [k.value for k in OutcomeKind], format_func=sentence_case, key="outcomes_kinds", placeholder="All kinds"
    )
    funders = sixth.multiselect("Funder", options["funders"], key="outcomes_funders", placeholder="All funders")
    grant_choices = funding.grants_for_funders(options, funders)
    grants = seventh.multiselect(
        "Grant", list(grant_choices), format_func=grant_choices.get, key="outcomes_grants", placeholder="All grants"
    )
    return OutcomeFilter(
        courses=codes, module_ids=tuple(module_ids), year_from=years[0], year_to=years[1], countries=tuple(country),
        kinds=tuple(kinds), funders=tuple(funders), grants=tuple(grants),
    )  # fmt: skip


def outcomes_tab(user: SignedIn) -> None:
    chosen = outcome_filter_widgets()
    counts = ui.cached_query(outcome_kind_counts, chosen)
    table = ui.cached_query(filtered_outcomes, chosen, user=user)
    if table.empty:
        st.info(ui.cached_query(no_outcomes_note))
    else:
        # Every kind named whole (a metric's label is cut to its column's width: "Case taken to a UN mec…").
        shown_counts = {sentence_case(kind): count for kind, count in counts.items()}
        st.plotly_chart(outcome_kinds_chart(shown_counts), width="stretch")
        by_year = filtered_by_year(table)
        st.plotly_chart(
            outcomes_by_year_chart(by_year.assign(kind=by_year["kind"].map(sentence_case))), width="stretch"
        )
        # The charts count every outcome; the table lists the newest (5,003 rows were 0.75 MB sent at scale).
        shown = readable(
            table.drop(columns=["id"]).head(OUTCOME_ROWS), text=["course", "module"], countries=["country"]
        )
        shown["kind"] = shown["kind"].map(sentence_case)
        ui.table(
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
        if len(table) > OUTCOME_ROWS:
            st.caption(
                f"The newest {OUTCOME_ROWS:,} of {len(table):,} outcomes are listed: narrow them with the filters above "
                "(course, years reported, country of work, kind)."
            )
        st.caption(
            "Each outcome follows the module recorded with it, or the alum's last module of the course before the "
            "outcome's date. Funder and grant: outcomes after the modules their grants fund. Years: when reported."
        )
    record_outcome_form(user)


def record_outcome_form(user: SignedIn) -> None:
    st.subheader("Record an outcome")
    person_id = person_picker(user, key="outcome")
    if person_id is None:
        return
    # Kept after an error, cleared once saved.
    fields = ui.form_keys("outcome_kind", "outcome_text", "outcome_on", "outcome_course", "outcome_module")
    with ui.db() as session:
        taken = outcomes.person_modules(session, int(person_id))
        courses = outcomes.person_courses(session, int(person_id))
    with st.form("outcome"):
        kind = st.selectbox("Kind", [kind.value for kind in OutcomeKind], format_func=sentence_case, key=fields[0])
        description = st.text_area(
            "What happened", placeholder="e.g. Shadow report submitted to CEDAW, 2019", key=fields[1]
        )
        reported_on = st.date_input("Reported on", value=date.today(), max_value=date.today(), key=fields[2])
        course_id = st.selectbox("After the course", list(courses), index=None, format_func=courses.get, key=fields[3],
                                 placeholder="Optional: pick a course", help="The courses this person took part in, newest first. Without a module, the outcome follows the "
                                      "person's last module of the course.")  # fmt: skip
        module_id = st.selectbox("After the module", list(taken), index=None, format_func=taken.get, key=fields[4],
                                 placeholder="Optional: pick a module", help="The modules this person took part in, newest first.")  # fmt: skip
        if st.form_submit_button("Record outcome", type="primary"):
            ui.action(
                lambda session: outcomes.record_outcome(
                    session,
                    person_id=int(person_id),
                    kind=kind,
                    description=description,
                    reported_on=reported_on,
                    course_id=course_id,
                    module_id=module_id,
                    by=user,
                ),
                "Outcome recorded.",
                clear=fields,
            )


def consent_tab(user: SignedIn) -> None:
    st.caption(
        "Record a person's consent, e.g. after a signed form. Anyone not erased can be found here, listed or not; "
        "every change is dated and kept in the audit trail."
    )
    person_id = person_picker(user, key="consent")
    if person_id is not None:
        with ui.db() as session:
            consent = profile.consent_of(session, int(person_id))
        consent_form(user, int(person_id), consent, key="tab")

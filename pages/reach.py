"""Reach dashboard: who we reached and where, under filters; aggregates only, never names."""

import streamlit as st

from programme import funding, reach
from programme.access.small_counts import merge_small
from programme.charts import funding as funding_charts
from programme.charts import reach as charts
from programme.charts.maps import map_config
from programme.courses import search
from programme.web import reach_texts, ui
from programme.web.reach_completion import completion_tab
from programme.web.reach_tables import (
    chart_with_table,
    headline_share,
    pooled_caption,
    readable,
    small_groups,
    stop_if_too_few,
)

user = ui.guard(__file__)
ui.heading(
    "Reach dashboard",
    "Who we reached, where: by country, gender, organisation type and year. Figures only, never names.",
)
small = small_groups(user)  # viewers: groups of fewer than N people shown together; None for the team

MODULE_CHOICES_CAP = 500  # without a course chosen, the module filter offers every module only up to this many


options = ui.cached_query(reach.filter_options)
if options["years"] is None:
    st.info(reach_texts.no_modules(user.can_edit))
    st.stop()

with st.sidebar:
    st.header("Filters")
    courses = ui.course_filter("Course", key="reach_courses")
    module_choices = ui.cached_query(search.module_choices, course_codes=tuple(courses), limit=MODULE_CHOICES_CAP)
    too_many = module_choices.matching > MODULE_CHOICES_CAP
    module_ids = st.multiselect(
        "Module",
        [] if too_many else list(module_choices.labels),
        format_func=module_choices.labels.get,
        disabled=too_many,
        placeholder=("Choose a course first" if not courses else "Choose fewer courses first")
        if too_many
        else "All modules",
        help=f"Over {MODULE_CHOICES_CAP:,} modules: choose a course above to pick among its modules."
        if too_many
        else None,
    )
    first, last = options["years"]
    years = st.slider("Years", first, last, (first, last)) if first < last else (first, last)
    scopes = st.multiselect("Scope", options["scopes"], placeholder="All scopes")
    basis = st.radio("Count countries by", [b.value for b in reach.CountryBasis], horizontal=True)
    countries = st.multiselect(
        "Country", list(options["countries"]), format_func=options["countries"].get, placeholder="All countries"
    )
    genders = st.multiselect("Gender", options["genders"], help=reach.GENDER_FILTER_HELP, placeholder="All genders")
    org_types = st.multiselect("Organisation type", options["org_types"], placeholder="All organisation types")
    roles = st.multiselect(
        "Role", options["roles"], help="Empty: every role (participants, facilitators, …).", placeholder="All roles"
    )
    funders, grants = ui.funding_filters(options, funder_help="The courses and modules its grants fund.")

reach_filter = reach.ReachFilter(
    courses=tuple(courses),
    module_ids=tuple(module_ids),
    year_from=years[0],
    year_to=years[1],
    scopes=tuple(scopes),
    countries=tuple(countries),
    genders=tuple(genders),
    org_types=tuple(org_types),
    roles=tuple(roles),
    country_basis=reach.CountryBasis(basis),
    funders=tuple(funders),
    grants=tuple(grants),
)

# The headline and the map's countries read the filter's people once (reach/overview.py).
overview = ui.cached_query(reach.overview, reach_filter)
figures, registered, organisation_count = overview.figures.iloc[0], overview.registrations, overview.organisation_count
stop_if_too_few(int(figures["individuals"]) or registered["registered"], small)  # nobody took part: those signed up

typed, individuals = int(figures["org_type_recorded"]), int(figures["individuals"])
shown_metrics = [
    ("Courses", f"{int(figures['courses']):,}"),
    ("Modules", f"{int(figures['modules']):,}"),
    ("Individuals", f"{int(figures['individuals']):,}"),
    ("Participations", f"{int(figures['participations']):,}"),
    ("Countries", f"{int(figures['countries']):,}"),
    ("Organisations", f"{organisation_count:,}"),
    ("Women", *headline_share(figures["women_share"], individuals, small, "women")),
    ("Civil society", *headline_share(figures["civil_society_share"], typed, small, "in civil society")),
]
if registered["registered"]:
    # "Signed up" (on a registration list), not the Completion funnel's "On the lists" (everyone on a module's lists).
    # Short enough for a row of nine figures; its help says which is which.
    shown_metrics.insert(3, ("Signed up", reach.people_figure(registered["registered"], fewer_than=small),
                             reach.SIGNED_UP_HELP))  # fmt: skip
ui.metric_rows(shown_metrics)
st.caption(
    "Individuals are the people who took part, counted once however many modules they attended; courses and "
    f"modules are those with someone in the selection; countries are by {basis}; organisations are those the people work for, each counted "
    "once; civil society = NGOs, trade "
    "unions, faith-based and migrant community organisations, as a share of the "
    + reach.civil_society_basis(typed, individuals, fewer_than=small)  # viewers: no count of 1 to N-1
)
if registered["registered"]:
    st.caption(reach.signed_up_sentence(registered, fewer_than=small))  # viewers: 1 to N-1 is "fewer than N"
if figures["participations"] == 0:
    narrowed = any([courses, module_ids, scopes, countries, genders, org_types, roles, funders, grants])
    narrowed = narrowed or tuple(years) != (first, last)
    if registered["registered"]:
        st.info(reach_texts.nobody_attended(registered["registered"], user.can_edit))
    elif narrowed:
        st.info("Nobody matches these filters. Widen them in the sidebar (e.g. clear a country or the year range).")
    else:
        st.info(reach_texts.nobody_took_part(user.can_edit))
    st.stop()

# Only the open tab runs its query: at 500,000 people a filter change costs one chart's figures, not seven.
tabs = ui.lazy_tabs(
    [
        "Map",
        "Gender",
        "Organisation type",
        "By year",
        "Growth",
        "Repeat participation",
        "Corridors",
        "Organisations",
        "Completion",
        "Funding",
    ],
    key="reach_tab",
    keep=("measure", "stack", "funnel_measure"),
)
if tabs[0].open:
    with tabs[0]:
        by_country = overview.by_country
        by_country = ui.cached_query(reach.by_country, reach_filter) if by_country is None else by_country
        by_country = merge_small(by_country, "country", threshold=small, labels={"code": "—"})
        measure = st.radio(
            "Show", list(charts.MEASURES), format_func=charts.MEASURES.get, horizontal=True, key="measure"
        )
        chart_with_table(
            charts.world_map(by_country, measure=measure, title=f"Reach by {basis}"),
            by_country,
            "By country",
            config=map_config(),
        )
        st.plotly_chart(charts.country_bar(by_country, measure=measure), key="chart-country-bar")
if tabs[1].open:
    with tabs[1]:
        by_gender = merge_small(ui.cached_query(reach.by_gender, reach_filter), "gender", threshold=small)
        chart_with_table(charts.share_bar(by_gender, "gender", title="Individuals by gender"), by_gender, "By gender")
if tabs[2].open:
    with tabs[2]:
        by_org_type = merge_small(ui.cached_query(reach.by_org_type, reach_filter), "org_type", threshold=small)
        chart_with_table(
            charts.share_bar(by_org_type, "org_type", title="Individuals by organisation type"),
            by_org_type,
            "By organisation type",
        )
        st.caption(reach.ORG_TYPE_SHARE_NOTE)
if tabs[3].open:
    with tabs[3]:
        stack = st.radio("Split by", list(reach.STACKS), horizontal=True, key="stack")
        # Viewers: a year of fewer than N people pooled with the next, then small groups together (reach/shown.py).
        by_year = ui.cached_query(reach.by_year_shown, reach_filter, stack=stack, threshold=small)
        chart_with_table(charts.by_year_stacked(by_year, stack), by_year, "By year")
        pooled_caption(by_year["year"].map(lambda year: "–" in str(year)).any(), small, "years")
if tabs[4].open:
    with tabs[4]:
        every_year = ui.cached_query(reach.growth, reach_filter)
        growth = reach.growth_shown(every_year, small)  # viewers: years of fewer than N new people pooled
        chart_with_table(charts.growth_curve(growth), growth, "Growth")
        st.caption("Each person counts in the year of their first module in the selection.")
        pooled_caption(len(growth) < len(every_year), small, "years")
if tabs[5].open:
    with tabs[5]:
        every_count = ui.cached_query(reach.repeat_participation, reach_filter)
        repeat = reach.repeat_shown(every_count, small)  # viewers: "2" and "3+" of fewer than N people pooled
        chart_with_table(charts.repeat_bar(repeat), repeat, "Repeat participation")
        pooled_caption(len(repeat) < len(every_count), small, "numbers of modules")
if tabs[6].open:
    with tabs[6]:
        corridors, at_home = reach.across_borders(ui.cached_query(reach.corridors, reach_filter))
        corridors = merge_small(corridors, "nationality", threshold=small, labels=reach.OTHER_CORRIDORS)
        chart_with_table(charts.corridors_sankey(corridors), corridors, "Corridors")
        st.caption(reach.at_home_sentence(at_home, fewer_than=small))
if tabs[7].open:
    with tabs[7]:
        reached = ui.cached_query(reach.organisations, reach_filter)  # viewers: small groups together (as above)
        by_type = merge_small(reach.organisations_by_type(reached), "org_type", threshold=small, count="organisations")
        reached = merge_small(reached, "org_type", threshold=small, labels={"code": "—"})
        chart_with_table(funding_charts.organisations_chart(by_type), by_type, "Organisations by type")
        with st.expander("Table: Organisations by type and country"):
            ui.table(readable(reached.drop(columns=["code"])), hide_index=True)
        st.caption(
            "Distinct organisations the people in the selection work for (each counted once, however many of "
            "its staff came); the country is the organisation's. People without an organisation are not counted. "
            + reach.ORGANISATION_SHARE_NOTE
        )
if tabs[8].open:
    with tabs[8]:
        completion_tab(reach_filter, small, individuals=individuals,
                       participations=int(figures["participations"]))  # fmt: skip
if tabs[9].open:
    with tabs[9]:
        # Viewers: grants that reached fewer than N people together, their people counted once (funding/queries.py).
        per_grant = ui.cached_query(funding.grants_shown, reach_filter, small)
        if per_grant.empty:
            st.info(reach_texts.no_grants(user.can_edit))
        else:
            chart_with_table(funding_charts.grants_chart(per_grant), per_grant, "Individuals per grant")
            costs = funding.costs_shown(ui.cached_query(funding.cost_per_person, reach_filter), small)
            st.subheader("Cost per person reached")
            if costs.empty:
                st.caption("No grant in the selection records an amount.")
            else:
                ui.table(readable(costs), hide_index=True,
                         column_config={"Amount": st.column_config.NumberColumn(format="%,.0f"),
                                        "Cost per person": st.column_config.NumberColumn(format="%,.2f")})  # fmt: skip
            st.caption(
                "Individuals per grant follow every filter. Cost per person divides the amounts of the chosen grants "
                "(every grant without a funder or grant filter) by everyone those grants reached, per currency: "
                "amounts in different currencies are never added up, and an amount is never split by country or "
                "gender, so the other filters do not change it."
            )

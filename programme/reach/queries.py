"""Reach figures under a filter, aggregated in SQL and returned as small DataFrames for charts and tables.

Each figure reads the kept summaries when they answer the filter exactly (programme/reach/kept.py: no filter on
courses, modules, scopes, roles, funders or grants; the person's own country, gender or organisation type and a year
range are): the headline, by country, gender, organisation type and year, growth, repeat participation and
corridors and the registrations, under a year range too. Every other filter is answered from the raw rows
(programme/reach/filters.participations).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.core.rounding import rounded
from programme.models import CIVIL_SOCIETY, Gender
from programme.people.countries import country_name
from programme.reach import kept
from programme.reach.filters import NOT_RECORDED, REACH_FILTER_WIDER, ReachFilter, participations

HEADLINE_COLUMNS = [
    "courses",
    "modules",
    "individuals",
    "participations",
    "countries",
    "women_share",
    "civil_society_share",
    "org_type_recorded",
]
# What the civil-society share and the shares by organisation type are of (captions say it).
ORG_TYPE_SHARE_NOTE = (
    "Shares by organisation type are of the people whose organisation type is recorded; "
    "those whose type is not recorded are shown apart and left out of the shares."
)
# Dimensions the by-year chart can stack by, and their columns in the filtered participations.
STACKS = {"gender": "gender", "organisation type": "org_type", "scope": "scope", "role": "role"}
# People with more modules than this are counted together ("3+").
REPEAT_TOP = 3


def _label(value: Any) -> str:
    """Return an enum's value, or "not recorded" (NOT_RECORDED) for a missing one: the words of every tab, chart,
    table and download (`stats --json` keeps its own "unknown", programme/reach/totals.py)."""
    if value is None:
        return NOT_RECORDED
    return str(getattr(value, "value", value))


def _share(part: int, whole: int) -> float:
    return rounded(100 * part / whole, 1) if whole else 0.0


# Columns whose "not recorded" is left out of the shares: an organisation type not recorded is a category of its own.
# (A gender or country not recorded stays in the shares' denominators, as it always has.)
_OUTSIDE_SHARES = {"org_type"}


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def headline_figures(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return one row: courses, modules, individuals, participations, countries, women_share, civil_society_share,
    org_type_recorded.

    Courses and modules are those with at least one participation in the selection; individuals are
    distinct people who took part; women_share is a percentage of individuals; civil_society_share a percentage
    of the org_type_recorded individuals (those whose organisation type is recorded).
    """
    chosen = kept.selection(session, reach_filter)
    row = None
    if chosen is not None:
        basis = (reach_filter or ReachFilter()).country_basis
        row = kept.headline_row(session, basis, chosen.where, reach_filter, chosen.years)
    if row is None:
        row = _headline_row(session, reach_filter)
    return headline_frame(row)


def headline_frame(row: Any) -> pd.DataFrame:
    """headline_figures' row from the counts: courses, modules, individuals, participations, countries, women, civil
    society, org type recorded."""
    courses, modules, individuals, participations_count, countries, women_count, civil_count, typed_count = (
        int(v) for v in row
    )
    return pd.DataFrame(
        [
            [
                courses,
                modules,
                individuals,
                participations_count,
                countries,
                _share(women_count, individuals),
                _share(civil_count, typed_count),
                typed_count,
            ]
        ],
        columns=HEADLINE_COLUMNS,
    )


def _headline_row(session: Session, reach_filter: ReachFilter | None) -> Any:
    p = participations(
        reach_filter, ["course_id", "module_id", "person_id", "participation_id", "country", "gender", "org_type"]
    )
    civil_society = sa.case((p.c.org_type.in_(list(CIVIL_SOCIETY)), p.c.person_id))
    women = sa.case((p.c.gender == Gender.FEMALE, p.c.person_id))
    typed = sa.case((p.c.org_type.is_not(None), p.c.person_id))
    return session.execute(
        sa.select(
            sa.func.count(sa.distinct(p.c.course_id)),
            sa.func.count(sa.distinct(p.c.module_id)),
            sa.func.count(sa.distinct(p.c.person_id)),
            sa.func.count(p.c.participation_id),
            sa.func.count(sa.distinct(p.c.country)),
            sa.func.count(sa.distinct(women)),
            sa.func.count(sa.distinct(civil_society)),
            sa.func.count(sa.distinct(typed)),
        )
    ).one()


def _dimension_rows(session: Session, reach_filter: ReachFilter | None, column_name: str) -> list[Any]:
    if (chosen := kept.selection(session, reach_filter)) is not None:
        basis = (reach_filter or ReachFilter()).country_basis
        return kept.dimension_rows(session, column_name, basis, chosen.where, chosen.years)
    p = participations(reach_filter, [column_name, "person_id", "participation_id"])
    column = p.c[column_name]
    return session.execute(
        sa.select(column, sa.func.count(sa.distinct(p.c.person_id)), sa.func.count(p.c.participation_id)).group_by(
            column
        )
    ).all()


def _by_dimension(session: Session, reach_filter: ReachFilter | None, column_name: str) -> pd.DataFrame:
    return _dimension_frame(_dimension_rows(session, reach_filter, column_name), column_name)


def _dimension_frame(rows: list[Any], column_name: str) -> pd.DataFrame:
    missing = NOT_RECORDED
    frame = pd.DataFrame(
        [(_label(key), int(people), int(count)) for key, people, count in rows],
        columns=[column_name, "individuals", "participations"],
    )
    # Two enum values never map to one label, but None and a stored "not recorded" would: add them up.
    frame = frame.groupby(column_name, as_index=False, sort=False).sum()
    if column_name in _OUTSIDE_SHARES:
        # Not recorded is shown, but left out of the shares: its share is empty, the others' add up to 100.
        recorded = frame[column_name] != missing
        whole = int(frame.loc[recorded, "individuals"].sum())
        frame["share"] = [
            _share(int(n), whole) if known else None for n, known in zip(frame["individuals"], recorded, strict=True)
        ]
        frame = frame.sort_values(["individuals", column_name], ascending=[False, True], ignore_index=True)
        # Not recorded last: it is not a type.
        return pd.concat(
            [frame[frame[column_name] != missing], frame[frame[column_name] == missing]], ignore_index=True
        )
    frame["share"] = [_share(n, int(frame["individuals"].sum())) for n in frame["individuals"]]
    return frame.sort_values(["individuals", column_name], ascending=[False, True], ignore_index=True)


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def by_gender(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return gender, individuals, participations and share (% of individuals), largest first."""
    return _by_dimension(session, reach_filter, "gender")


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def by_org_type(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return org_type, individuals, participations and share, largest first, "not recorded" last.

    Shares are percentages of the individuals whose organisation type is recorded; the "not recorded" row
    (no type, or no organisation, on record) has no share.
    """
    return _by_dimension(session, reach_filter, "org_type")


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def by_country(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return code (ISO alpha-3), country, individuals, participations and share, largest first.

    The country is the nationality or the country of work, as the filter's country_basis says; people without one on
    record are a row "not recorded" (its code too: the table shows the code, and it is no country's).
    """
    return country_frame(_dimension_rows(session, reach_filter, "country"))


def country_frame(rows: list[Any]) -> pd.DataFrame:
    """by_country's table from (country code, individuals, participations) rows."""
    frame = _dimension_frame(rows, "country").rename(columns={"country": "code"})
    frame.insert(1, "country", [country_name(code) if code != NOT_RECORDED else NOT_RECORDED for code in frame["code"]])
    return frame


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def by_year(session: Session, reach_filter: ReachFilter | None = None, *, stack: str = "gender") -> pd.DataFrame:
    """Return year, the stack's category, individuals (distinct within the year) and participations."""
    column_name = STACKS[stack]
    if (chosen := kept.selection(session, reach_filter)) is not None:
        rows: list[Any] = kept.year_rows(session, column_name, chosen.where, chosen.years)
    else:
        p = participations(reach_filter, ["year", column_name, "person_id", "participation_id"])
        rows = session.execute(
            sa.select(
                p.c.year,
                p.c[column_name],
                sa.func.count(sa.distinct(p.c.person_id)),
                sa.func.count(p.c.participation_id),
            )
            .group_by(p.c.year, p.c[column_name])
            .order_by(p.c.year)
        ).all()
    frame = pd.DataFrame(
        [(int(year), _label(key), int(people), int(count)) for year, key, people, count in rows],
        columns=["year", stack, "individuals", "participations"],
    )
    return frame.groupby(["year", stack], as_index=False).sum()


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def growth(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return year, new_individuals (first participation that year) and cumulative_individuals, every year from the
    first to the last in which someone took part (a last year of only returning people: 0 new, the total)."""
    if (chosen := kept.selection(session, reach_filter)) is not None:
        rows: list[Any] = kept.first_years(session, chosen.where, chosen.years)
        last = kept.last_year(session, chosen.where, chosen.years)
    else:
        p = participations(reach_filter, ["person_id", "year"])
        first = (
            sa.select(p.c.person_id, sa.func.min(p.c.year).label("first_year"), sa.func.max(p.c.year).label("last"))
            .group_by(p.c.person_id)
            .subquery()
        )
        found = session.execute(
            sa.select(first.c.first_year, sa.func.count(), sa.func.max(first.c.last))
            .group_by(first.c.first_year)
            .order_by(first.c.first_year)
        ).all()
        rows = [(year, count) for year, count, _ in found]
        lasts = [int(latest) for _, _, latest in found if latest is not None]
        last = max(lasts) if lasts else None
    new = {int(year): int(count) for year, count in rows if year is not None}  # no year: no module start date
    if not new:
        return pd.DataFrame(columns=["year", "new_individuals", "cumulative_individuals"], dtype=int)
    # Years without a new person stay on the curve, flat, up to the last year anyone took part.
    years = range(min(new), max(max(new), last or 0) + 1)
    frame = pd.DataFrame({"year": list(years), "new_individuals": [new.get(y, 0) for y in years]})
    frame["cumulative_individuals"] = frame["new_individuals"].cumsum()
    return frame


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def repeat_participation(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return modules ("1", "2", "3+"), individuals and share: how many people attended that many modules."""
    if (chosen := kept.selection(session, reach_filter)) is not None:
        rows = kept.modules_per_person(session, REPEAT_TOP, chosen.where, chosen.years)
    else:
        p = participations(reach_filter, ["person_id", "module_id"])
        per_person = (
            sa.select(p.c.person_id, sa.func.count(sa.distinct(p.c.module_id)).label("modules"))
            .group_by(p.c.person_id)
            .subquery()
        )
        bucket = sa.case((per_person.c.modules >= REPEAT_TOP, REPEAT_TOP), else_=per_person.c.modules)
        rows = dict(session.execute(sa.select(bucket, sa.func.count()).group_by(bucket)).all())
    labels = [str(n) for n in range(1, REPEAT_TOP)] + [f"{REPEAT_TOP}+"]
    counts = [int(rows.get(n, 0)) for n in range(1, REPEAT_TOP + 1)]
    total = sum(counts)
    return pd.DataFrame({"modules": labels, "individuals": counts, "share": [_share(c, total) for c in counts]})


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def corridors(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return nationality, country_of_work (ISO codes and names) and individuals, largest first.

    People whose nationality or country of work is not on record are left out.
    """
    if (chosen := kept.selection(session, reach_filter)) is not None:
        rows: list[Any] = kept.corridor_rows(session, chosen.where, chosen.years)
    else:
        p = participations(reach_filter, ["nationality", "country_of_work", "person_id"])
        rows = session.execute(
            sa.select(p.c.nationality, p.c.country_of_work, sa.func.count(sa.distinct(p.c.person_id)))
            .where(p.c.nationality.is_not(None), p.c.country_of_work.is_not(None))
            .group_by(p.c.nationality, p.c.country_of_work)
        ).all()
    frame = pd.DataFrame(
        [(a, country_name(a), b, country_name(b), int(n)) for a, b, n in rows],
        columns=["nationality_code", "nationality", "country_of_work_code", "country_of_work", "individuals"],
    )
    return frame.sort_values(
        ["individuals", "nationality", "country_of_work"], ascending=[False, True, True]
    ).reset_index(drop=True)


# The merged row of the corridors of fewer than N people, shown to viewers (access/small_counts.merge_small): its
# nationality says "Other (fewer than N each)", its country of work this (the Sankey draws both apart).
OTHER_CORRIDORS = {"nationality_code": "—", "country_of_work_code": "—", "country_of_work": "Other countries of work"}


def across_borders(corridors_table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Split corridors()'s table into the corridors and the people who work at home.

    A corridor joins a country of origin and a country of destination (DOMAIN.md; Alumni › Corridors): a person
    whose country of work is their nationality (Thailand → Thailand) is on none. Return the table's rows of
    people working in another country than their nationality, and how many individuals work in their own (each
    person has one nationality and one country of work, so the rows' counts add up to individuals)."""
    home = corridors_table["nationality_code"] == corridors_table["country_of_work_code"]
    return corridors_table[~home].reset_index(drop=True), int(corridors_table.loc[home, "individuals"].sum())


def at_home_sentence(at_home: int, *, fewer_than: int | None = None) -> str:
    """The line under a list of corridors: how many work in their own country and are therefore not listed.

    fewer_than: N for a viewer (access/small_counts.py): a count of 1 to N-1 says "fewer than N"."""
    people = "individual works" if at_home == 1 else "individuals work"
    count = f"{at_home:,}"
    if fewer_than is not None and 0 < at_home < fewer_than:
        count, people = f"fewer than {fewer_than}", "individuals work"
    return (
        f"Not corridors, so not listed: {count} {people} in their country of nationality. "
        "People whose nationality or country of work is not on record are left out."
    )


def people_figure(people: int, *, fewer_than: int | None = None) -> str:
    """A count of people as a headline or a sentence shows it: "1,204"; for a viewer (fewer_than N,
    access/small_counts.py) a count of 1 to N-1 is "fewer than N"."""
    return f"fewer than {fewer_than}" if fewer_than is not None and 0 < people < fewer_than else f"{people:,}"


def signed_up_sentence(registered: dict[str, int], *, fewer_than: int | None = None) -> str:
    """The lines under the Reach headline on registrations (registrations()'s counts), one short sentence each after
    a word to find it by: how many signed up, came, have their attendance not recorded, and took part without
    signing up (Markdown line breaks). fewer_than: N for a viewer, each count of 1 to N-1 says "fewer than N".

    One sentence held it all ("20 of them took part in a module they signed up for; 60 are not recorded as having
    come to one (someone signed up for two modules can be in both)"): hard to read when many are in both."""
    total, came, only, walk_ins = (
        registered[key] for key in ("registered", "registered_took_part", "registered_only", "took_part_unregistered")
    )

    def shown(n: int) -> str:
        return people_figure(n, fewer_than=fewer_than)

    one = total == 1 and not (fewer_than is not None and 0 < total < fewer_than)
    lines = [
        f"Signed up: {shown(total)} {'person' if one else 'people'} on registration lists (or on lists that say "
        "whether each person came).",
        f"Came: {shown(came)} of them took part in a module they signed up for.",
        f"Attendance not recorded: {shown(only)} of them signed up for a module and are not marked there as present "
        "or absent.",
    ]
    if came + only > total:
        lines.append("Some are counted in both: they signed up for more than one module.")
    lines.append(f"Not signed up: {shown(walk_ins)} took part without being on a registration list.")
    return "  \n".join(lines)


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def registrations(session: Session, reach_filter: ReachFilter | None = None) -> dict[str, int]:
    """Return how registration lists compare with participation: registered (people on a registration list),
    registered_took_part (of them, people who took part in a module they registered for), registered_only
    (registered, attendance not recorded yet), took_part_unregistered (took part without being on a registration
    list: walk-ins, or modules without a registration list). People are counted once.

    Read from the summaries under a year range too (whether a person registered, and came, is kept per year).
    """
    if (chosen := kept.selection(session, reach_filter)) is not None:
        return kept.registration_counts(session, chosen.where, chosen.years)
    p = participations(reach_filter, ["person_id", "registered", "attended"], took_part=False)
    took_part = p.c.attended.is_(True)
    registered = p.c.registered.is_(True)
    cases = (
        registered,
        sa.and_(registered, took_part),
        sa.and_(registered, p.c.attended.is_(None)),
        sa.and_(sa.not_(registered), took_part),
    )
    row = session.execute(
        sa.select(*(sa.func.count(sa.distinct(sa.case((case, p.c.person_id)))) for case in cases))
    ).one()
    keys = ("registered", "registered_took_part", "registered_only", "took_part_unregistered")
    return dict(zip(keys, (int(value) for value in row), strict=True))


def all_tables(session: Session, reach_filter: ReachFilter | None = None) -> dict[str, pd.DataFrame]:
    """Return every reach table by name (the summary workbook's sheets, in order)."""
    return {
        "Headline": headline_figures(session, reach_filter),
        "By country": by_country(session, reach_filter),
        "By gender": by_gender(session, reach_filter),
        "By organisation type": by_org_type(session, reach_filter),
        "By year": by_year(session, reach_filter, stack="gender"),
        "Growth": growth(session, reach_filter),
        "Repeat participation": repeat_participation(session, reach_filter),
        "Corridors": corridors(session, reach_filter),  # with people working at home: see across_borders
    }

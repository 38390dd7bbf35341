"""Corridors and the map: alumni in a country of origin and in a country of destination."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.alumni.common import IS_ALUMNUS, IS_LISTED, person
from programme.alumni.search import DirectoryQuery, search_directory
from programme.core.errors import ProgrammeError
from programme.core.freshness import depends_on
from programme.people.countries import country_name
from programme.reach import kept


@depends_on(every_module=True, people=True)
def corridors(session: Session) -> pd.DataFrame:
    """Return the corridors seen among alumni (nationality -> country of work), with listed alumni at each end.

    A corridor is a country of origin and a country of destination; it is "seen" when at least one alum
    of that nationality works in that country. Counts at each end are listed alumni working there.
    """
    seen = (
        sa.select(
            person.c.nationality.label("origin"),
            person.c.country_of_work.label("destination"),
            sa.func.count().label("migrant_alumni"),
        )
        .where(
            IS_ALUMNUS,
            person.c.erased_at.is_(None),
            person.c.nationality.is_not(None),
            person.c.country_of_work.is_not(None),
            person.c.nationality != person.c.country_of_work,
        )
        .group_by(person.c.nationality, person.c.country_of_work)
    )
    rows = kept.alumni_corridor_rows(session) if kept.current(session) else session.execute(seen).mappings().all()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(
            columns=["origin", "destination", "corridor", "migrant_alumni", "alumni_in_origin", "alumni_in_destination"]
        )
    listed = listed_alumni_by_country(session)
    frame["alumni_in_origin"] = frame["origin"].map(listed).fillna(0).astype(int)
    frame["alumni_in_destination"] = frame["destination"].map(listed).fillna(0).astype(int)
    frame["corridor"] = [
        f"{country_name(o)} → {country_name(d)}" for o, d in zip(frame["origin"], frame["destination"], strict=True)
    ]
    frame = frame.sort_values(["migrant_alumni", "corridor"], ascending=[False, True]).reset_index(drop=True)
    return frame[["origin", "destination", "corridor", "migrant_alumni", "alumni_in_origin", "alumni_in_destination"]]


def listed_alumni_by_country(session: Session) -> dict[str, int]:
    """Return listed alumni counted by the country where they work."""
    if kept.current(session):
        return kept.listed_alumni_by_country(session)
    statement = (
        sa.select(person.c.country_of_work, sa.func.count())
        .where(IS_LISTED, IS_ALUMNUS, person.c.country_of_work.is_not(None))
        .group_by(person.c.country_of_work)
    )
    return {country: int(count) for country, count in session.execute(statement).all()}


def corridor_alumni(
    session: Session,
    *,
    origin: str,
    destination: str,
    user: SignedIn | None,
    text: str = "",
    limit: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (listed alumni working in origin, listed alumni working in destination), consent-masked; with a
    limit, at most that many at each end, the first by name (tens of thousands may work in one country)."""
    if origin == destination:
        raise ProgrammeError("A corridor joins two different countries: pick another destination.")
    ends = []
    for country in (origin, destination):
        query = DirectoryQuery(text=text, countries_of_work=(country,))
        ends.append(search_directory(session, query, user=user, limit=limit).results)
    return ends[0], ends[1]


@depends_on(every_module=True, people=True)
def alumni_by_country(session: Session, *, by: str = "country_of_work") -> pd.DataFrame:
    """Return alumni (everyone who completed a module, erased or not listed included: a count, not a list)
    by country of work or nationality, with country names."""
    if by not in ("country_of_work", "nationality"):
        raise ProgrammeError("Count alumni by country_of_work or nationality.")
    column = person.c[by]
    statement = (
        sa.select(column.label("country"), sa.func.count().label("alumni"))
        .where(IS_ALUMNUS, column.is_not(None))
        .group_by(column)
    )
    frame = pd.DataFrame(session.execute(statement).mappings().all(), columns=["country", "alumni"])
    frame["country_name"] = frame["country"].map(country_name)
    return frame.sort_values("alumni", ascending=False).reset_index(drop=True)

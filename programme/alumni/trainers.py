"""The trainer pool: alumni who served as facilitator or resource person, their sessions and ratings."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.alumni.common import IS_ALUMNUS, IS_LISTED, masked, participation, people_from, person, person_columns
from programme.alumni.fulltext import text_condition
from programme.core.freshness import depends_on
from programme.core.rounding import rounded
from programme.models import AgendaSession, Course, Module, ParticipationRole, SessionFacilitator
from programme.people.names import sort_name
from programme.summaries import settle
from programme.summaries.evaluations import FACILITATORS, SESSIONS

TRAINER_ROLES = (ParticipationRole.FACILITATOR, ParticipationRole.RESOURCE_PERSON)
session_facilitator = SessionFacilitator.__table__

# The trainers the Trainer pool lists at once, best rated first (1,584 at scale were 0.35 MB sent to the browser with
# their names again in "Sessions led by"); a find box finds the others by name.
TRAINER_ROWS = 500

# Served as a trainer: a trainer's role in a module, or named on a session of an agenda. A set of ids (a few
# thousand) rather than two look-ups for every person in the database.
_SERVED = (
    sa.select(participation.c.person_id).where(participation.c.role.in_(TRAINER_ROLES)),
    sa.select(session_facilitator.c.person_id),
)
SERVED_AS_TRAINER = person.c.id.in_(sa.union(*_SERVED))
# On PostgreSQL, grouped rather than a UNION: it estimates a UNION's rows as its inputs' (742,964 session names at
# scale) and then sorted the 400,000 listed people to merge them with it (1.3 s); a GROUP BY's estimate is the ids'
# own, and each trainer is found by id (0.2 s). SQLite keeps the UNION (0.13 s; grouped 0.35 s).
_GROUPED = sa.union_all(*_SERVED).subquery("served")
SERVED_AS_TRAINER_GROUPED = person.c.id.in_(sa.select(_GROUPED.c.person_id).group_by(_GROUPED.c.person_id))


def _session_ratings() -> sa.Subquery:
    # Rating answers to questions about a session (kept per session and form's module in summary_eval_session); a
    # session led by two people counts for both.
    return (
        sa.select(
            SESSIONS.c.session_id,
            (sa.func.sum(SESSIONS.c.rating_total) * 1.0 / sa.func.sum(SESSIONS.c.ratings)).label("mean_rating"),
            sa.func.sum(SESSIONS.c.ratings).label("ratings"),
        )
        .group_by(SESSIONS.c.session_id)
        .subquery()
    )


def sessions_led(session: Session, person_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the sessions each person led (all, or person_ids'), with mean rating and number of ratings."""
    ratings = _session_ratings()
    statement = (
        sa.select(
            session_facilitator.c.person_id,
            Course.code.label("course"),
            Module.number.label("module"),
            Module.start_date.label("module_start"),
            AgendaSession.day,
            AgendaSession.title,
            session_facilitator.c.role,
            ratings.c.mean_rating,
            sa.func.coalesce(ratings.c.ratings, 0).label("ratings"),
        )
        .join(AgendaSession, AgendaSession.id == session_facilitator.c.session_id)
        .join(Module, Module.id == AgendaSession.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(ratings, ratings.c.session_id == session_facilitator.c.session_id)
        .order_by(session_facilitator.c.person_id, Module.start_date, AgendaSession.day, AgendaSession.start_time)
    )
    if person_ids is not None:
        statement = statement.where(session_facilitator.c.person_id.in_(person_ids))
    settle(session)
    frame = pd.DataFrame(session.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=["person_id", "course", "module", "module_start", "day", "title", "role", "mean_rating", "ratings"]
        )
    frame["role"] = frame["role"].map(lambda role: getattr(role, "value", role))
    frame["mean_rating"] = _two_decimals(frame["mean_rating"])
    return frame


def _trainer_ratings(session: Session) -> pd.DataFrame:
    # Mean over every rating of every session a person led (not a mean of session means): their sessions from
    # session_facilitator, their ratings summed from summary_eval_facilitator.
    settle(session)
    led = (
        # count(*), not count(session_id): the person index alone answers it, without reading the table's rows.
        sa.select(session_facilitator.c.person_id, sa.func.count().label("sessions_led"))
        .group_by(session_facilitator.c.person_id)
        .subquery()
    )
    rated = (
        sa.select(
            FACILITATORS.c.person_id,
            sa.func.sum(FACILITATORS.c.ratings).label("ratings"),
            sa.func.sum(FACILITATORS.c.rating_total).label("total"),
        )
        .group_by(FACILITATORS.c.person_id)
        .subquery()
    )
    statement = sa.select(led.c.person_id, led.c.sessions_led, rated.c.ratings, rated.c.total).outerjoin(
        rated, rated.c.person_id == led.c.person_id
    )
    rows = [
        (person_id, int(sessions), int(total) / int(n) if n else None, int(n or 0))
        for person_id, sessions, n, total in session.execute(statement)
    ]
    return pd.DataFrame(rows, columns=["person_id", "sessions_led", "mean_rating", "ratings"])


def _trainer_roles(session: Session) -> pd.DataFrame:
    statement = (
        sa.select(participation.c.person_id, participation.c.role, sa.func.max(Module.start_date).label("last"))
        .join(Module, Module.id == participation.c.module_id)
        .where(participation.c.role.in_(TRAINER_ROLES))
        .group_by(participation.c.person_id, participation.c.role)
    )
    rows = session.execute(statement).all()
    found: dict[int, dict] = {}
    for person_id, role, last in rows:
        entry = found.setdefault(person_id, {"person_id": person_id, "trainer_roles": [], "last_served": last})
        entry["trainer_roles"].append(getattr(role, "value", role))
        entry["last_served"] = max(entry["last_served"], last)
    frame = pd.DataFrame(list(found.values()), columns=["person_id", "trainer_roles", "last_served"])
    frame["trainer_roles"] = frame["trainer_roles"].map(lambda roles: ", ".join(sorted(roles)))
    return frame


@depends_on(every_module=True, people=True)
def trainer_pool(
    session: Session, *, user: SignedIn | None, alumni_only: bool = True, search: str | None = None
) -> pd.DataFrame:
    """Return listed people who served as trainers (alumni only by default), best rated first; with `search`, those
    whose indexed fields hold every word of it (as the person picker finds people)."""
    found = text_condition(session, search or "")
    served = SERVED_AS_TRAINER_GROUPED if session.get_bind().dialect.name == "postgresql" else SERVED_AS_TRAINER
    conditions = [IS_LISTED, served] + ([IS_ALUMNUS] if alumni_only else [])
    conditions += [] if found is None else [found]
    statement = sa.select(*person_columns()).select_from(people_from()).where(*conditions)
    people = pd.DataFrame(session.execute(statement).mappings().all())
    if people.empty:
        return pd.DataFrame(columns=["person_id", "name", "trainer_roles", "sessions_led", "mean_rating", "ratings"])
    for column in ("gender", "org_type"):
        people[column] = people[column].map(lambda value: getattr(value, "value", value))
    pool = people.merge(_trainer_roles(session), on="person_id", how="left").merge(
        _trainer_ratings(session), on="person_id", how="left"
    )
    pool["trainer_roles"] = pool["trainer_roles"].fillna("named on sessions")
    pool["sessions_led"] = pool["sessions_led"].fillna(0).astype(int)
    pool["ratings"] = pool["ratings"].fillna(0).astype(int)
    pool["mean_rating"] = _two_decimals(pool["mean_rating"])
    pool = pool.sort_values(
        ["mean_rating", "sessions_led", "name"],
        ascending=[False, False, True],
        na_position="last",
        # Names as every list of people is ordered (programme.people.names.sort_name).
        key=lambda column: (
            column.map(lambda n: sort_name(n if isinstance(n, str) else "")) if column.name == "name" else column
        ),
    )
    front = ["person_id", "name", "trainer_roles", "sessions_led", "mean_rating", "ratings", "last_served"]
    pool = pool[front + [c for c in pool.columns if c not in front]].reset_index(drop=True)
    return masked(pool, user)


def _two_decimals(means: pd.Series) -> pd.Series:
    """Return means rounded to two decimals, a half up as every figure shown (pandas' round() gives 4.12 for 4.125);
    NaN (never rated) stays NaN."""
    return pd.Series([m if pd.isna(m) else rounded(m) for m in means.astype(float)], index=means.index, dtype=float)

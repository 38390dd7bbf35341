"""Each dashboard query at scale against the bare SQL aggregate underneath it (goal: within 3x).

    python benchmarks/dashboards.py --db /tmp/scale.db [--repeat 5]

--db is a SQLite file (built by make_scale_db.py) or a database URL. To benchmark a new dashboard
query, add one DashboardQuery to QUERIES: the function (called with a Session) and the hand-written
SQL that computes the same figures, per dialect when they differ.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session

from benchmarks.common import best_of, database_url, machine
from programme import reach
from programme.db import make_engine

GOAL_RATIO = 3.0


@dataclass(frozen=True)
class DashboardQuery:
    """A dashboard's query function and the bare SQL statements that compute the same figures."""

    name: str
    function: Callable[[Session], object]
    bare_sql: list[str]
    # Statements that differ per dialect (e.g. the year of a date), by dialect name.
    dialect_sql: dict[str, list[str]] | None = None

    def statements(self, dialect: str) -> list[str]:
        return self.bare_sql + (self.dialect_sql or {}).get(dialect, [])


HEADLINE_SQL = [
    "SELECT COUNT(*) FROM course",
    "SELECT COUNT(*) FROM module",
    "SELECT COUNT(DISTINCT person_id) FROM participation",
    "SELECT COUNT(*) FROM participation",
    "SELECT COUNT(DISTINCT nationality) FROM person WHERE id IN (SELECT person_id FROM participation)",
]
INDIVIDUALS_BY = (
    "SELECT {column}, COUNT(DISTINCT person.id) FROM person "
    "JOIN participation ON participation.person_id = person.id {join} GROUP BY {column}"
)
STATS_SQL = HEADLINE_SQL + [
    "SELECT COUNT(*) FROM agenda_session",
    "SELECT COUNT(*) FROM work_group",
    "SELECT COUNT(*) FROM evaluation_response",
    "SELECT COUNT(*) FROM network",
    INDIVIDUALS_BY.format(column="person.nationality", join=""),
    INDIVIDUALS_BY.format(column="person.gender", join=""),
    INDIVIDUALS_BY.format(
        column="organisation.org_type", join="LEFT JOIN organisation ON organisation.id = person.organisation_id"
    ),
]
BY_YEAR = (
    "SELECT {year}, COUNT(participation.id) FROM participation "
    "JOIN module ON module.id = participation.module_id GROUP BY 1 ORDER BY 1"
)

# Register further dashboard queries here, one line each.
QUERIES: list[DashboardQuery] = [
    DashboardQuery("reach.headline", reach.headline, HEADLINE_SQL),
    DashboardQuery(
        "reach.stats",
        reach.stats,
        STATS_SQL,
        {
            "sqlite": [BY_YEAR.format(year="CAST(strftime('%Y', module.start_date) AS INTEGER)")],
            "postgresql": [BY_YEAR.format(year="EXTRACT(YEAR FROM module.start_date)")],
        },
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file or database URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    engine = make_engine(database_url(args.db))
    dialect = engine.dialect.name
    with Session(engine) as session:
        people = session.connection().exec_driver_sql("SELECT COUNT(*) FROM person").scalar()
    print(f"database: {dialect}, {people:,} people; median of {args.repeat} runs after one warm-up run\n")
    print(f"{'query':<28}{'function':>12}{'bare SQL':>12}{'ratio':>8}  goal <= {GOAL_RATIO:.0f}x")
    for query in QUERIES:
        with Session(engine) as session:
            connection = session.connection()

            def function(query: DashboardQuery = query, session: Session = session) -> None:
                query.function(session)

            def bare(query: DashboardQuery = query, connection=connection) -> None:
                for statement in query.statements(dialect):
                    connection.exec_driver_sql(statement).all()

            function(), bare()  # warm the page cache for both
            _, function_time = best_of(function, args.repeat)
            _, bare_time = best_of(bare, args.repeat)
        ratio = function_time / bare_time
        verdict = "ok" if ratio <= GOAL_RATIO else "SLOW"
        print(f"{query.name:<28}{function_time * 1000:>10.0f}ms{bare_time * 1000:>10.0f}ms{ratio:>7.2f}x  {verdict}")


if __name__ == "__main__":
    main()

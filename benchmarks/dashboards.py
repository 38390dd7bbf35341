"""Each dashboard query at scale against the bare SQL aggregate underneath it (goal: within 3x).

    python benchmarks/dashboards.py --db /tmp/scale.db [--repeat 5] [--budget 60] [--only NAME]
    python benchmarks/dashboards.py --check [--db PATH] [--only NAME]

--db is a SQLite file (built by make_scale_db.py; opened read-only) or a database URL. --check runs every
query once and compares the function's figures with its bare SQL's, on PATH or on a new demo database, then
every summary table with its raw rows; with --only (and --db), only the queries whose name contains NAME.

To benchmark a new dashboard query, add one DashboardQuery to QUERIES: the function (called with a Session
and the Subject, the module the module-level queries look at), the hand-written SQL computing the same
figures (per dialect where they differ; :module_id and :course_id are the subject's), and how to read the
function's result and the statements' rows as the same figures for --check.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks.common import machine, read_only_engine
from programme import reach, summaries
from programme.alumni import facets
from programme.courses.catalogue import module_label
from programme.evaluations import module_summary
from programme.evaluations import queries as evaluations
from programme.models import CIVIL_SOCIETY
from programme.people.names import by_name
from programme.reach import NOT_RECORDED, UNKNOWN, ReachFilter

GOAL_RATIO = 3.0

Rows = list[tuple]


@dataclass(frozen=True)
class Subject:
    """The module (and its course) the module-level evaluation queries look at."""

    module_id: int
    course_id: int


# The newest module with evaluation responses that is not its course's first (so that the comparison with
# earlier modules compares something): the Evaluation dashboard opens on the newest evaluated module.
SUBJECT_SQL = (
    "SELECT module.id, module.course_id FROM module JOIN course ON course.id = module.course_id "
    "WHERE module.number > 1 AND EXISTS (SELECT 1 FROM evaluation_form JOIN evaluation_response "
    "ON evaluation_response.form_id = evaluation_form.id WHERE evaluation_form.module_id = module.id) "
    "ORDER BY module.start_date DESC, course.code LIMIT 1"
)


def canonical(value: Any) -> Any:
    """Return a value as plain Python: numbers as int or float, dates and enums as text, NaN as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()  # what SQLite returns to bare SQL
    if isinstance(value, Decimal):
        return float(value)  # PostgreSQL's AVG
    if hasattr(value, "item"):  # numpy scalars
        return canonical(value.item())
    return value


def _sort_key(row: tuple) -> list[str]:
    # Floats rounded: the same mean summed in another order may differ in its last digit.
    return [repr(round(value, 6) if isinstance(value, float) else value) for value in row]


def table(rows: Any) -> Rows:
    """Return rows as sorted tuples of canonical values: the figures, whatever order they came in."""
    return sorted((tuple(canonical(value) for value in row) for row in rows), key=_sort_key)


def frame(*columns: str) -> Callable[[pd.DataFrame], Rows]:
    """Return a reader of those columns of a function's DataFrame."""
    return lambda result: table(result[list(columns)].itertuples(index=False))


def statement(index: int = 0, *, unknown: bool = False) -> Callable[[list[Rows]], Rows]:
    """Return a reader of one statement's rows; with unknown, a missing first value reads as UNKNOWN."""

    def read(results: list[Rows]) -> Rows:
        rows = results[index]
        return table((UNKNOWN if row[0] is None else row[0], *row[1:]) for row in rows) if unknown else table(rows)

    return read


def same(left: Any, right: Any) -> bool:
    """Return whether two figures agree: the same structure and values, floats up to rounding."""
    if isinstance(left, float) or isinstance(right, float):
        return isinstance(left, int | float) and isinstance(right, int | float) and math.isclose(left, right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return left == right


def size(figures: Any) -> int:
    """Return how many single values the figures hold."""
    if isinstance(figures, dict):
        return sum(size(value) for value in figures.values())
    if isinstance(figures, list | tuple):
        return sum(size(value) for value in figures)
    return 1


@dataclass(frozen=True)
class DashboardQuery:
    """A dashboard's query function and the bare SQL statements that compute the same figures."""

    name: str
    function: Callable[[Session, Subject], object]
    bare_sql: list[str]
    # Statements that differ per dialect (e.g. the year of a date), by dialect name; they run after bare_sql.
    dialect_sql: dict[str, list[str]] | None = None
    # For --check: the function's result, and the statements' rows in order, read as the same figures.
    figures: Callable[[Any], Any] = canonical
    sql_figures: Callable[[list[Rows]], Any] = statement()

    def statements(self, dialect: str) -> list[str]:
        return self.bare_sql + (self.dialect_sql or {}).get(dialect, [])


# The year of a date ({}), per dialect.
YEAR = {"sqlite": "CAST(strftime('%Y', {}) AS INTEGER)", "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)"}


def per_dialect(*templates: str, year: str) -> dict[str, list[str]]:
    """Return the templates per dialect, {year} replaced by the year of the date column `year`."""
    return {
        dialect: [t.format(year=expression.format(year)) for t in templates] for dialect, expression in YEAR.items()
    }


# --- The Home page (reach.headline) and the CLI's stats --------------------------------------------------

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
# stats' figures from issue 20: organisations reached (erasure's placeholders left out), the funnel's
# registered and completed (participants, each counted once), individuals per funder (through grants).
STATS_SQL += [
    "SELECT COUNT(DISTINCT person.organisation_id) FROM participation JOIN person ON person.id = participation.person_id "
    "LEFT JOIN organisation ON organisation.id = person.organisation_id "
    "WHERE participation.attended AND (organisation.name IS NULL OR organisation.name NOT LIKE '(erased) %')",
    "SELECT COUNT(DISTINCT person_id) FROM participation WHERE role = 'participant'",
    "SELECT COUNT(DISTINCT person_id) FROM participation WHERE role = 'participant' AND completed",
    "SELECT funder.name, COUNT(DISTINCT participation.person_id) FROM participation "
    "JOIN module ON module.id = participation.module_id "
    "JOIN funding_grant ON funding_grant.id IN ("
    " SELECT grant_id FROM grant_course WHERE grant_course.course_id = module.course_id"
    " UNION SELECT grant_id FROM grant_module WHERE grant_module.module_id = module.id) "
    "JOIN funder ON funder.id = funding_grant.funder_id "
    "WHERE participation.attended GROUP BY funder.name",
]
BY_YEAR = (
    "SELECT {year}, COUNT(participation.id) FROM participation "
    "JOIN module ON module.id = participation.module_id GROUP BY 1 ORDER BY 1"
)
STATS_KEYS = [
    "courses",
    "modules",
    "individuals",
    "participations",
    "countries",
    "sessions",
    "groups",
    "evaluation_responses",
    "alumni_networks",
]


def _headline_from_sql(results: list[Rows]) -> dict:
    return dict(zip(STATS_KEYS, (rows[0][0] for rows in results), strict=False))


def _stats_from_sql(results: list[Rows]) -> dict:
    def individuals(rows: Rows) -> dict[str, int]:
        found: dict[str, int] = {}
        for key, count in rows:
            label = UNKNOWN if key is None else key
            found[label] = found.get(label, 0) + count
        return found

    by_country = individuals(results[9])
    by_country.pop(UNKNOWN, None)
    return {
        **_headline_from_sql(results[:9]),
        "by_country": by_country,
        "by_gender": individuals(results[10]),
        "by_org_type": individuals(results[11]),
        "organisations": results[12][0][0],
        "registered": results[13][0][0],
        "completed": results[14][0][0],
        "by_funder": dict(sorted((name, count) for name, count in results[15])),
        "by_year": {str(int(year)): count for year, count in results[16]},
    }


HOME_QUERIES = [
    DashboardQuery(
        "reach.headline",
        lambda session, _: reach.headline(session),
        HEADLINE_SQL,
        sql_figures=_headline_from_sql,
    ),
    DashboardQuery(
        "reach.stats",
        lambda session, _: reach.stats(session),
        STATS_SQL,
        per_dialect(BY_YEAR, year="module.start_date"),
        sql_figures=_stats_from_sql,
    ),
]

# --- The Reach dashboard (programme/reach) -------------------------------------------------------------

JOIN_PERSON = " JOIN person ON person.id = participation.person_id"
JOIN_MODULE = " JOIN module ON module.id = participation.module_id"
JOIN_ORGANISATION = " LEFT JOIN organisation ON organisation.id = person.organisation_id"
CIVIL_SOCIETY_SQL = ", ".join(f"'{kind.value}'" for kind in sorted(CIVIL_SOCIETY))
# The filtered case: a year range and a gender; by hand, a range of the modules' start dates.
REACH_FILTER = ReachFilter(year_from=2010, year_to=2015, genders=("female",))
REACH_CONDITIONS = "module.start_date >= '2010-01-01' AND module.start_date < '2016-01-01' AND person.gender = 'female'"
# The years case: a year range alone, over some of the demo's years (2004-2019) and of the scale database's; the
# summaries answer it from each person's years (reach_person_year), the bare SQL from the modules' start dates.
YEAR_RANGE = ReachFilter(year_from=2008, year_to=2013)
YEAR_CONDITIONS = "module.start_date >= '2008-01-01' AND module.start_date < '2014-01-01'"
# What the reach statements' placeholders hold, without and with the filter: the joins the filter needs
# beyond a figure's own (person, module) and its condition (where, and_where).
WHOLE_DATABASE = {"person": "", "module": "", "where": "", "and_where": ""}
FILTERED = {
    "person": JOIN_PERSON,
    "module": JOIN_MODULE,
    "where": f" WHERE {REACH_CONDITIONS}",
    "and_where": f" AND {REACH_CONDITIONS}",
}
YEARS = {
    "person": "",
    "module": JOIN_MODULE,
    "where": f" WHERE {YEAR_CONDITIONS}",
    "and_where": f" AND {YEAR_CONDITIONS}",
}
# An organisation reached, as the Organisations tab counts it: erasure's placeholders are none.
REAL_ORGANISATION = "CASE WHEN organisation.name NOT LIKE '(erased) %' THEN organisation.id END"
INDIVIDUALS_AND_PARTICIPATIONS_BY = (
    "SELECT {column}, COUNT(DISTINCT person.id), COUNT(*) FROM participation" + JOIN_PERSON + "{join}{module}{where} "
    "GROUP BY {column}"
)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _headline_figures_from_sql(results: list[Rows]) -> list:
    courses, modules, individuals, participations, countries, women, civil_society, typed = results[0][0]
    return [
        courses,
        modules,
        individuals,
        participations,
        countries,
        _share(women, individuals),
        _share(civil_society, typed),  # of the individuals whose organisation type is recorded
        typed,
    ]


def _growth(result: pd.DataFrame) -> Rows:
    # The function lists every year from the first to the last; the bare SQL only years with someone new.
    return table((year, new) for year, new in zip(result["year"], result["new_individuals"], strict=True) if new)


def _repeat_from_sql(results: list[Rows]) -> Rows:
    people = {modules: count for modules, count in results[0]}
    return table((label, people.get(modules, 0)) for modules, label in ((1, "1"), (2, "2"), (3, "3+")))


def _organisations_from_sql(results: list[Rows]) -> Rows:
    # The tab's words for a type or a country not on record.
    return table(
        (NOT_RECORDED if kind is None else kind, UNKNOWN if code is None else code, *counts)
        for kind, code, *counts in results[0]
    )


# The registrations (reach.registrations): people counted once on a registration list; of them, who came to one they
# registered for, whose attendance is not recorded; and who took part without being on a list. Every role.
REGISTRATION_KEYS = ("registered", "registered_took_part", "registered_only", "took_part_unregistered")
REGISTRATION_CONDITIONS = (
    "participation.registered",
    "participation.registered AND participation.attended",
    "participation.registered AND participation.attended IS NULL",
    "NOT participation.registered AND participation.attended",
)


def _funnel_from_sql(results: list[Rows]) -> Rows:
    # People, then participations, at each stage: participants listed (whether they came or not), came, completed.
    row = results[0][0]
    stages = ("registered", "attended", "completed")
    return table((stage, row[i], row[i + 3] or 0) for i, stage in enumerate(stages))


def reach_queries(suffix: str, reach_filter: ReachFilter, case: dict[str, str]) -> list[DashboardQuery]:
    """Return the Reach dashboard's queries under reach_filter, their bare SQL under case."""

    def call(function: Callable[..., Any], **keywords: Any) -> Callable[[Session, Subject], object]:
        return lambda session, _: function(session, reach_filter, **keywords)

    def individuals_by(column: str, join: str = "") -> list[str]:
        return [INDIVIDUALS_AND_PARTICIPATIONS_BY.format(column=column, join=join, **case)]

    return [
        DashboardQuery(
            f"reach.headline_figures{suffix}",
            call(reach.headline_figures),
            [
                "SELECT COUNT(DISTINCT module.course_id), COUNT(DISTINCT participation.module_id), "
                "COUNT(DISTINCT participation.person_id), COUNT(*), COUNT(DISTINCT person.nationality), "
                "COUNT(DISTINCT CASE WHEN person.gender = 'female' THEN person.id END), "
                f"COUNT(DISTINCT CASE WHEN organisation.org_type IN ({CIVIL_SOCIETY_SQL}) THEN person.id END), "
                "COUNT(DISTINCT CASE WHEN organisation.org_type IS NOT NULL THEN person.id END) "
                "FROM participation" + JOIN_PERSON + JOIN_MODULE + JOIN_ORGANISATION + case["where"]
            ],
            figures=lambda result: [canonical(value) for value in result.iloc[0]],
            sql_figures=_headline_figures_from_sql,
        ),
        DashboardQuery(
            f"reach.by_country{suffix}",
            call(reach.by_country),
            individuals_by("person.nationality"),
            figures=frame("code", "individuals", "participations"),
            sql_figures=statement(unknown=True),
        ),
        DashboardQuery(
            f"reach.by_gender{suffix}",
            call(reach.by_gender),
            individuals_by("person.gender"),
            figures=frame("gender", "individuals", "participations"),
            sql_figures=statement(unknown=True),
        ),
        DashboardQuery(
            f"reach.by_org_type{suffix}",
            call(reach.by_org_type),
            individuals_by("organisation.org_type", JOIN_ORGANISATION),
            figures=frame("org_type", "individuals", "participations"),
            sql_figures=statement(unknown=True),
        ),
        DashboardQuery(
            f"reach.by_year{suffix}",
            call(reach.by_year, stack="gender"),
            [],
            per_dialect(
                "SELECT {year}, person.gender, COUNT(DISTINCT person.id), COUNT(*) FROM participation"
                + JOIN_PERSON
                + JOIN_MODULE
                + case["where"]
                + " GROUP BY 1, 2 ORDER BY 1",
                year="module.start_date",
            ),
            figures=frame("year", "gender", "individuals", "participations"),
        ),
        DashboardQuery(
            f"reach.growth{suffix}",
            call(reach.growth),
            [],
            per_dialect(
                "SELECT {year}, COUNT(*) FROM (SELECT participation.person_id, MIN(module.start_date) AS first_start "
                "FROM participation" + JOIN_MODULE + case["person"] + case["where"] + " "
                "GROUP BY participation.person_id) AS firsts GROUP BY 1 ORDER BY 1",
                year="first_start",
            ),
            figures=_growth,
        ),
        DashboardQuery(
            f"reach.repeat_participation{suffix}",
            call(reach.repeat_participation),
            [
                "SELECT CASE WHEN modules >= 3 THEN 3 ELSE modules END, COUNT(*) FROM (SELECT participation.person_id, "
                "COUNT(*) AS modules FROM participation" + case["person"] + case["module"] + case["where"] + " "
                "GROUP BY participation.person_id) AS per_person GROUP BY 1"
            ],
            figures=frame("modules", "individuals"),
            sql_figures=_repeat_from_sql,
        ),
        DashboardQuery(
            f"reach.corridors{suffix}",
            call(reach.corridors),
            [
                "SELECT person.nationality, person.country_of_work, COUNT(DISTINCT person.id) FROM participation"
                + JOIN_PERSON
                + case["module"]
                + " WHERE person.nationality IS NOT NULL AND person.country_of_work IS NOT NULL"
                + case["and_where"]
                + " GROUP BY person.nationality, person.country_of_work"
            ],
            figures=frame("nationality_code", "country_of_work_code", "individuals"),
        ),
        DashboardQuery(
            f"reach.organisations{suffix}",
            call(reach.organisations),
            [
                f"SELECT organisation.org_type, organisation.country, COUNT(DISTINCT {REAL_ORGANISATION}), "
                "COUNT(DISTINCT person.id) FROM participation" + JOIN_PERSON + " "
                "JOIN organisation ON organisation.id = person.organisation_id" + case["module"] + " "
                "WHERE participation.attended"
                + case["and_where"]
                + " GROUP BY organisation.org_type, organisation.country"
            ],
            figures=frame("org_type", "code", "organisations", "individuals"),
            sql_figures=_organisations_from_sql,
        ),
        DashboardQuery(
            f"reach.organisation_count{suffix}",
            call(reach.organisation_count),
            [
                f"SELECT COUNT(DISTINCT {REAL_ORGANISATION}) FROM participation"
                + JOIN_PERSON
                + JOIN_ORGANISATION
                + case["module"]
                + " WHERE participation.attended"
                + case["and_where"]
            ],
            sql_figures=lambda results: results[0][0][0],
        ),
        DashboardQuery(
            f"reach.funnel_by_module{suffix}",
            call(reach.funnel_by_module),
            [
                "SELECT participation.module_id, COUNT(*), "
                "SUM(CASE WHEN participation.attended THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN participation.completed THEN 1 ELSE 0 END) FROM participation"
                + JOIN_MODULE
                + case["person"]
                + " WHERE participation.role = 'participant'"
                + case["and_where"]
                + " GROUP BY participation.module_id"
            ],
            figures=frame("module_id", "registered", "attended", "completed"),
        ),
        DashboardQuery(
            f"reach.registrations{suffix}",
            call(reach.registrations),
            [
                "SELECT "
                + ", ".join(
                    f"COUNT(DISTINCT CASE WHEN {condition} THEN participation.person_id END)"
                    for condition in REGISTRATION_CONDITIONS
                )
                + " FROM participation"
                + case["person"]
                + case["module"]
                + case["where"]
            ],
            sql_figures=lambda results: dict(zip(REGISTRATION_KEYS, results[0][0], strict=True)),
        ),
        DashboardQuery(
            f"reach.funnel{suffix}",
            call(reach.funnel),
            [
                "SELECT COUNT(DISTINCT participation.person_id), "
                "COUNT(DISTINCT CASE WHEN participation.attended THEN participation.person_id END), "
                "COUNT(DISTINCT CASE WHEN participation.completed THEN participation.person_id END), COUNT(*), "
                "SUM(CASE WHEN participation.attended THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN participation.completed THEN 1 ELSE 0 END) FROM participation"
                + JOIN_MODULE
                + case["person"]
                + " WHERE participation.role = 'participant'"
                + case["and_where"]
            ],
            figures=frame("stage", "individuals", "participations"),
            sql_figures=_funnel_from_sql,
        ),
    ]


def _filter_options(result: dict) -> list:
    countries = sorted(code for code in result["countries"] if code != reach.NOT_RECORDED)  # offered, not a code
    return [list(result["years"]), countries]


def _filter_options_from_sql(results: list[Rows]) -> list:
    bounds, nationalities, countries_of_work = results
    first, last = (int(canonical(value)[:4]) for value in bounds[0])
    countries = sorted({code for (code,) in nationalities + countries_of_work if code})
    return [[first, last], countries]


REACH_QUERIES = [
    DashboardQuery(
        "reach.filter_options",
        lambda session, _: reach.filter_options(session),
        [
            "SELECT MIN(start_date), MAX(start_date) FROM module",
            "SELECT DISTINCT nationality FROM person",
            "SELECT DISTINCT country_of_work FROM person",
        ],
        figures=_filter_options,
        sql_figures=_filter_options_from_sql,
    ),
    *reach_queries("", ReachFilter(), WHOLE_DATABASE),
    *reach_queries(" (filtered)", REACH_FILTER, FILTERED),
    *reach_queries(" (years)", YEAR_RANGE, YEARS),
]
# The Reach page's headline and first tab read at once (reach.overview): each of its four parts against the bare SQL
# of the figure it stands for.
OVERVIEW_PARTS = {
    "figures": "headline_figures",
    "registrations": "registrations",
    "organisation_count": "organisation_count",
    "by_country": "by_country",
}


def _overview_part(reach_filter: ReachFilter, part: str) -> Callable[[Session, Subject], object]:
    return lambda session, _: getattr(reach.overview(session, reach_filter), part)


REACH_QUERIES += [
    replace(query, name=f"reach.overview.{part}{suffix}", function=_overview_part(reach_filter, part))
    for suffix, reach_filter in (("", ReachFilter()), (" (filtered)", REACH_FILTER), (" (years)", YEAR_RANGE))
    for part, figure in OVERVIEW_PARTS.items()
    for query in REACH_QUERIES
    if query.name == f"reach.{figure}{suffix}"
]

# --- The Evaluation dashboard (programme/evaluations/queries.py, and the module summary) ----------------

# Answers with their question and form.
ANSWERS = (
    " FROM evaluation_answer"
    " JOIN evaluation_question ON evaluation_question.id = evaluation_answer.question_id"
    " JOIN evaluation_form ON evaluation_form.id = evaluation_question.form_id"
)
# The ratings averaged together (means.ON_STANDARD_SCALE): a 0-10 question's are its own, in no session's, module's,
# facilitator's or year's average.
ON_STANDARD_SCALE = " AND evaluation_question.scale_min = 1 AND evaluation_question.scale_max = 5"


# A question's figures in module_summary (its earlier wordings are words, not figures).
SUMMARY_FIGURES = ("text", "kind", "session", "n", "mean", "scale")


def _module_summary(result: dict) -> list:
    return [result["responses"], [tuple(q[key] for key in SUMMARY_FIGURES) for q in result["questions"]]]


def _module_summary_from_sql(results: list[Rows]) -> list:
    responses, questions = results
    return [
        responses[0][0],
        [
            (
                text,
                kind,
                title,
                n,
                round(float(mean), 2) if kind == "rating" and mean is not None else None,
                f"{low}-{high}" if kind == "rating" else None,  # each question's own range: "1-5" or "0-10"
            )
            for text, kind, title, n, low, high, mean in questions
        ],
    ]


def _session_ratings_from_sql(results: list[Rows]) -> Rows:
    ratings, facilitators = results
    names: dict[int, list[str]] = {}
    for session_id, name in facilitators:
        names.setdefault(session_id, []).append(name)
    return table((*row, ", ".join(names.get(row[0], []))) for row in ratings)


def _yearly_trend_from_sql(results: list[Rows]) -> Rows:
    ratings, counts = results
    years: dict[int, list] = {}
    for year, n, mean in ratings:
        years.setdefault(int(year), [0, 0, 0, None])[2:] = [n, mean]
    for year, modules, responses in counts:
        years.setdefault(int(year), [0, 0, 0, None])[:2] = [modules, responses]
    return table((year, *figures) for year, figures in years.items())


COMMENTS_SQL = (
    "SELECT course.code, module.number, module.start_date, module.city, evaluation_question.text, "
    "evaluation_answer.text" + ANSWERS + " "
    "JOIN module ON module.id = evaluation_form.module_id JOIN course ON course.id = module.course_id "
    "WHERE evaluation_answer.text IS NOT NULL AND evaluation_answer.text <> ''"
)


def _comments_from_sql(results: list[Rows]) -> Rows:
    # The module as the dashboard names it ("CODE · Module 4 · Dec 2017, Kuala Lumpur").
    return table(
        (module_label(code, number, date.fromisoformat(canonical(start)), city), question, comment)
        for code, number, start, city, question, comment in results[0]
    )


EVALUATION_QUERIES = [
    DashboardQuery(
        "evaluations.evaluated_modules",
        lambda session, _: evaluations.evaluated_modules(session),
        [
            "SELECT module.id, course.code, module.number, module.start_date, module.city, COUNT(*) "
            "FROM evaluation_response JOIN evaluation_form ON evaluation_form.id = evaluation_response.form_id "
            "JOIN module ON module.id = evaluation_form.module_id JOIN course ON course.id = module.course_id "
            "GROUP BY module.id, course.id ORDER BY module.start_date DESC, course.code"
        ],
        figures=frame("module_id", "course", "number", "start_date", "city", "responses"),
    ),
    DashboardQuery(
        "evaluations.module_summary",
        lambda session, subject: module_summary(session, subject.module_id),
        [
            "SELECT COUNT(*) FROM evaluation_response JOIN evaluation_form "
            "ON evaluation_form.id = evaluation_response.form_id WHERE evaluation_form.module_id = :module_id",
            "SELECT evaluation_question.text, evaluation_question.kind, agenda_session.title, "
            "COUNT(CASE WHEN evaluation_answer.rating IS NOT NULL OR evaluation_answer.text IS NOT NULL THEN 1 END), "
            "evaluation_question.scale_min, evaluation_question.scale_max, "
            "AVG(evaluation_answer.rating) FROM evaluation_question "
            "JOIN evaluation_form ON evaluation_form.id = evaluation_question.form_id "
            "LEFT JOIN agenda_session ON agenda_session.id = evaluation_question.session_id "
            "LEFT JOIN evaluation_answer ON evaluation_answer.question_id = evaluation_question.id "
            "WHERE evaluation_form.module_id = :module_id "
            "GROUP BY evaluation_question.id, evaluation_form.id, agenda_session.id "
            "ORDER BY evaluation_form.id, evaluation_question.position",
        ],
        figures=_module_summary,
        sql_figures=_module_summary_from_sql,
    ),
    DashboardQuery(
        "evaluations.response_rates",
        lambda session, subject: evaluations.response_rates(session, course_id=subject.course_id),
        [
            "SELECT * FROM (SELECT module.id, course.code, module.number, module.start_date, module.city, "
            "(SELECT COUNT(*) FROM participation WHERE participation.module_id = module.id "
            "AND participation.attended AND participation.role = 'participant') AS attended, "
            "(SELECT COUNT(*) FROM evaluation_response JOIN evaluation_form "
            "ON evaluation_form.id = evaluation_response.form_id WHERE evaluation_form.module_id = module.id) "
            "AS responses FROM module JOIN course ON course.id = module.course_id "
            "WHERE module.course_id = :course_id) AS rates "
            "WHERE attended > 0 OR responses > 0 ORDER BY start_date, code, number"
        ],
        figures=frame("module_id", "course", "number", "start_date", "city", "attended", "responses"),
    ),
    DashboardQuery(
        "evaluations.likert_counts",
        lambda session, subject: evaluations.likert_counts(session, subject.module_id),
        [
            "SELECT evaluation_question.id, evaluation_question.position, evaluation_question.text, "
            "evaluation_answer.rating, COUNT(*)" + ANSWERS + " "
            "WHERE evaluation_form.module_id = :module_id AND evaluation_answer.rating IS NOT NULL "
            "GROUP BY evaluation_question.id, evaluation_answer.rating, evaluation_form.id "
            "ORDER BY evaluation_form.id, evaluation_question.position, evaluation_answer.rating"
        ],
        figures=frame("question_id", "position", "question", "rating", "count"),
    ),
    DashboardQuery(
        "evaluations.session_ratings",
        lambda session, subject: evaluations.session_ratings(session, subject.module_id, with_facilitators=True),
        [
            "SELECT agenda_session.id, agenda_session.title, agenda_session.day, COUNT(*), "
            "AVG(evaluation_answer.rating)" + ANSWERS + " "
            "JOIN agenda_session ON agenda_session.id = evaluation_question.session_id "
            "WHERE evaluation_form.module_id = :module_id AND evaluation_answer.rating IS NOT NULL"
            + ON_STANDARD_SCALE
            + " GROUP BY agenda_session.id",
            "SELECT session_facilitator.session_id, person.full_name FROM session_facilitator "
            "JOIN person ON person.id = session_facilitator.person_id "
            "JOIN agenda_session ON agenda_session.id = session_facilitator.session_id "
            "WHERE agenda_session.module_id = :module_id ORDER BY person.full_name",
        ],
        figures=frame("session_id", "session", "day", "n", "mean", "facilitators"),
        sql_figures=_session_ratings_from_sql,
    ),
    DashboardQuery(
        "evaluations.module_comparison",
        lambda session, subject: evaluations.module_comparison(session, subject.module_id),
        [
            "SELECT CASE WHEN module.id = :module_id THEN 'this module' ELSE 'earlier module' END, COUNT(*), "
            "AVG(evaluation_answer.rating)" + ANSWERS + " JOIN module ON module.id = evaluation_form.module_id "
            "WHERE module.course_id = :course_id "
            "AND module.start_date <= (SELECT start_date FROM module WHERE id = :module_id) "
            "AND evaluation_answer.rating IS NOT NULL" + ON_STANDARD_SCALE + " GROUP BY module.id",
            "SELECT 'organisation', COUNT(rating), AVG(rating)" + ANSWERS + " WHERE TRUE" + ON_STANDARD_SCALE,
        ],
        figures=frame("kind", "n", "mean"),
        sql_figures=lambda results: table(results[0] + results[1]),
    ),
    DashboardQuery(
        "evaluations.yearly_trend",
        lambda session, _: evaluations.yearly_trend(session),
        [],
        per_dialect(
            "SELECT {year}, COUNT(*), AVG(evaluation_answer.rating)" + ANSWERS + " "
            "JOIN module ON module.id = evaluation_form.module_id "
            "WHERE evaluation_answer.rating IS NOT NULL" + ON_STANDARD_SCALE + " GROUP BY 1",
            "SELECT {year}, COUNT(DISTINCT module.id), COUNT(*) FROM evaluation_response "
            "JOIN evaluation_form ON evaluation_form.id = evaluation_response.form_id "
            "JOIN module ON module.id = evaluation_form.module_id GROUP BY 1",
            year="module.start_date",
        ),
        figures=frame("year", "modules", "responses", "n", "mean"),
        sql_figures=_yearly_trend_from_sql,
    ),
    DashboardQuery(
        "evaluations.facilitator_ratings",
        lambda session, _: evaluations.facilitator_ratings(session),
        [
            "SELECT person.id, person.full_name, module.id, course.code, module.number, module.start_date, "
            "module.city, COUNT(DISTINCT session_facilitator.session_id), COUNT(*), AVG(evaluation_answer.rating)"
            + ANSWERS
            + " JOIN session_facilitator ON session_facilitator.session_id = evaluation_question.session_id "
            "JOIN person ON person.id = session_facilitator.person_id "
            "JOIN module ON module.id = evaluation_form.module_id JOIN course ON course.id = module.course_id "
            "WHERE evaluation_answer.rating IS NOT NULL" + ON_STANDARD_SCALE + " "
            "GROUP BY person.id, module.id, course.id ORDER BY person.full_name, module.start_date"
        ],
        figures=frame(
            "person_id", "facilitator", "module_id", "course", "number", "start_date", "city", "sessions", "n", "mean"
        ),
    ),
    DashboardQuery(
        "evaluations.learning_gains",
        lambda session, subject: evaluations.learning_gains(session, course_id=subject.course_id),
        [
            "SELECT module.id, COUNT(*), AVG(participation.pre_test_score), AVG(participation.post_test_score) "
            "FROM participation JOIN module ON module.id = participation.module_id "
            "JOIN course ON course.id = module.course_id WHERE module.course_id = :course_id "
            "AND participation.pre_test_score IS NOT NULL AND participation.post_test_score IS NOT NULL "
            "GROUP BY module.id ORDER BY module.start_date, module.number"
        ],
        figures=frame("module_id", "people", "pre", "post"),
    ),
    DashboardQuery(
        "evaluations.comment_questions",
        lambda session, _: evaluations.comment_questions(session),
        ["SELECT DISTINCT text FROM evaluation_question WHERE kind = 'text' ORDER BY text"],
        figures=lambda result: table((text,) for text in result),
    ),
    DashboardQuery(
        "evaluations.comments",
        lambda session, subject: evaluations.comments(session, module_id=subject.module_id),
        [COMMENTS_SQL + " AND evaluation_form.module_id = :module_id"],
        figures=frame("module", "question", "comment"),
        sql_figures=_comments_from_sql,
    ),
    DashboardQuery(
        "evaluations.comments (all modules)",
        lambda session, _: evaluations.comments(session),
        [COMMENTS_SQL],
        figures=frame("module", "question", "comment"),
        sql_figures=_comments_from_sql,
    ),
]

# --- The alumni directory's facets (programme/alumni/facets.py) -----------------------------------------

LISTED_ALUMNI = (
    "person.consent_listed AND person.erased_at IS NULL AND EXISTS (SELECT 1 FROM participation "
    "WHERE participation.person_id = person.id AND participation.role = 'participant' AND participation.completed)"
)
# How the directory splits the languages people list ("English, Nepali / Hindi; Arabic").
LANGUAGE_SEPARATORS = re.compile(r"[,;/]| and ")


def _languages(texts: list[str | None]) -> list[str]:
    # Compared case-folded: which spelling comes first depends on the order the rows come in.
    names = {part.strip().casefold() for text in texts for part in LANGUAGE_SEPARATORS.split(text or "")}
    return sorted(names - {""})


def _facets(result: tuple[dict, tuple[int, int] | None]) -> list:
    options, years = result
    return [
        sorted(options["nationalities"]),
        sorted(options["countries_of_work"]),
        _languages(options["languages"]),
        list(options["network_ids"]),
        list(years or []),
    ]


def _facets_from_sql(results: list[Rows]) -> list:
    nationalities, countries_of_work, languages, networks, bounds = results
    return [
        sorted(code for (code,) in nationalities),
        sorted(code for (code,) in countries_of_work),
        _languages([text for (text,) in languages]),
        # In the order people's lists are (sort_name, programme/people/names.by_name), not the database's collation.
        [row[0] for row in by_name(networks, lambda row: row[1])],
        [int(canonical(value)[:4]) for value in bounds[0] if value is not None],
    ]


ALUMNI_QUERIES = [
    DashboardQuery(
        "alumni.facet_options",
        lambda session, _: (facets.facet_options(session), facets.year_bounds(session)),
        [
            f"SELECT DISTINCT nationality FROM person WHERE nationality IS NOT NULL AND {LISTED_ALUMNI}",
            f"SELECT DISTINCT country_of_work FROM person WHERE country_of_work IS NOT NULL AND {LISTED_ALUMNI}",
            f"SELECT DISTINCT languages FROM person WHERE {LISTED_ALUMNI}",
            "SELECT id, name FROM network ORDER BY name",
            "SELECT MIN(start_date), MAX(start_date) FROM module",
        ],
        figures=_facets,
        sql_figures=_facets_from_sql,
    ),
]

# Register further dashboard queries in the lists above, one DashboardQuery each.
QUERIES: list[DashboardQuery] = HOME_QUERIES + REACH_QUERIES + EVALUATION_QUERIES + ALUMNI_QUERIES


def pick_subject(engine: Engine) -> Subject:
    """Return the module the module-level queries look at (SUBJECT_SQL)."""
    with engine.connect() as connection:
        row = connection.exec_driver_sql(SUBJECT_SQL).one()
    return Subject(module_id=row[0], course_id=row[1])


def run_bare(connection: sa.Connection, query: DashboardQuery, dialect: str, subject: Subject) -> list[Rows]:
    """Return the rows of each of the query's bare statements."""
    parameters = {"module_id": subject.module_id, "course_id": subject.course_id}
    return [list(connection.execute(sa.text(sql), parameters).all()) for sql in query.statements(dialect)]


def check(engine: Engine, queries: list[DashboardQuery] = QUERIES, *, tables: bool = True) -> list[str]:
    """Run every query once and compare its figures with its bare SQL's, then (tables) every summary table with its
    raw rows; return the failures (and print each)."""
    subject = pick_subject(engine)
    failures = []
    for query in queries:
        with Session(engine) as session:
            got = query.figures(query.function(session, subject))
            want = query.sql_figures(run_bare(session.connection(), query, engine.dialect.name, subject))
        if not same(got, want):
            failures.append(
                f"{query.name}: the function's figures differ from the bare SQL's\n  {got!r:.2000}\n  {want!r:.2000}"
            )
        elif not size(got):
            failures.append(f"{query.name}: no figures on this database, so nothing was compared")
        print(f"{query.name:<40}{'same' if same(got, want) else 'DIFFERENT'} ({size(got):,} values)")
    if not tables:
        return failures
    # Every summary table's figures against the same figures computed from the raw rows.
    with Session(engine) as session:
        for name, differences in summaries.check(session).items():
            failures += [f"summary {name}: {line}" for line in differences]
            print(f"{'summary ' + name:<40}{'same' if not differences else 'DIFFERENT'}")
    return failures


def median_time(function: Callable[[], object], repeat: int, budget: float) -> tuple[float, int]:
    """Return the median wall time of up to `repeat` calls, stopping once they have taken `budget` seconds."""
    times: list[float] = []
    while len(times) < repeat and sum(times) < budget:
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(times)


def benchmark(engine: Engine, queries: list[DashboardQuery], repeat: int, budget: float) -> None:
    dialect = engine.dialect.name
    subject = pick_subject(engine)
    with engine.connect() as connection:
        people = connection.exec_driver_sql("SELECT COUNT(*) FROM person").scalar()
    print(
        f"database: {dialect}, {people:,} people; module-level queries on module {subject.module_id} "
        f"(course {subject.course_id}); median of {repeat} runs after one warm-up run "
        f"(fewer once a query's runs pass {budget:.0f} s: see runs)\n"
    )
    print(f"{'query':<40}{'function':>12}{'bare SQL':>12}{'ratio':>8}  goal <= {GOAL_RATIO:.0f}x")
    for query in queries:
        with Session(engine) as session:
            connection = session.connection()

            def function(query: DashboardQuery = query, session: Session = session) -> None:
                query.function(session, subject)

            def bare(query: DashboardQuery = query, connection: sa.Connection = connection) -> None:
                run_bare(connection, query, dialect, subject)

            function(), bare()  # warm the page cache for both
            function_time, function_runs = median_time(function, repeat, budget)
            bare_time, bare_runs = median_time(bare, repeat, budget)
        ratio = function_time / bare_time
        verdict = "ok" if ratio <= GOAL_RATIO else "SLOW"
        runs = f"  runs {function_runs}/{bare_runs}" if min(function_runs, bare_runs) < repeat else ""
        print(
            f"{query.name:<40}{function_time * 1000:>10.0f}ms{bare_time * 1000:>10.0f}ms{ratio:>7.2f}x  {verdict}{runs}",
            flush=True,
        )
    print(f"\nload at the end: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")


def check_on_demo() -> list[str]:
    """Run check() on the demo programme, loaded into a SQLite file in a temporary directory."""
    from programme.core import schema
    from programme.core.db import make_engine, session_scope
    from programme.demo import load_demo

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.db")
        schema.upgrade(engine)
        with session_scope(engine) as session:
            load_demo(session)
        try:
            return check(engine)
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file or database URL (required unless --check)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query and its bare SQL (default 5)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds after which a query's runs stop")
    parser.add_argument("--only", help="run only the queries whose name contains this")
    parser.add_argument("--check", action="store_true", help="compare each function's figures with its bare SQL's")
    args = parser.parse_args()
    if args.check and args.only:  # those queries only, without the summary tables' check
        if not args.db:
            parser.error("--check --only needs --db")
        chosen = [query for query in QUERIES if args.only in query.name]
        failures = check(read_only_engine(args.db), chosen, tables=False)
    elif args.check:
        failures = check(read_only_engine(args.db)) if args.db else check_on_demo()
    if args.check:
        for failure in failures:
            print(failure, file=sys.stderr)
        sys.exit(1 if failures else 0)
    if not args.db:
        parser.error("--db is required to benchmark")
    print(machine())
    queries = [query for query in QUERIES if not args.only or args.only in query.name]
    benchmark(read_only_engine(args.db), queries, args.repeat, args.budget)


if __name__ == "__main__":
    main()

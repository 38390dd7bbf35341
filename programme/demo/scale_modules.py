"""Courses, modules and participations for the scale demo, as numpy columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from programme.core.bulk import Constant
from programme.demo import catalogue
from programme.demo.scale_people import COUNTRIES
from programme.models import Delivery, ModuleStatus, PartnerRole, Scope

# Participations per person: 1 + Binomial(6, 1/2), so four on average, one to seven.
EXTRA_MODULES_TRIALS = 6
MODULE_SIZE = (30, 40)
MEAN_MODULE_SIZE = 35
SESSIONS_PER_MODULE = (10, 16)
SESSIONS_PER_DAY = 4
MODULES_PER_COURSE = np.array([1, 2, 3, 4, 5, 6])
MODULES_PER_COURSE_SHARES = np.array([0.25, 0.15, 0.2, 0.2, 0.1, 0.1])
FIRST_YEAR, LAST_YEAR = 2004, 2024
# Modules ending before this date are delivered; later ones are confirmed (a fixed date keeps it deterministic).
REFERENCE_DATE = date(2025, 6, 30)
DAYS_BETWEEN_MODULES = 120
SCOPES = [Scope.REGIONAL, Scope.NATIONAL, Scope.SUB_REGIONAL]
SCOPE_SHARES = [0.3, 0.55, 0.15]
CITIES = dict((country, city) for city, country in catalogue.VENUES)
FOCUS = [
    "UN treaty bodies",
    "Lobbying and advocacy",
    "Business and human rights",
    "Engagement with diplomatic missions",
    "Access to justice",
]


@dataclass
class ModulePlan:
    """Every module's course, number, dates and size of agenda; every participation's person and module."""

    course_of: np.ndarray  # per module: course id
    number: np.ndarray
    sessions: np.ndarray  # per module: number of agenda sessions
    start: np.ndarray  # datetime64[D]
    days: np.ndarray
    course_count: int
    course_scope: np.ndarray
    course_host: np.ndarray  # index into COUNTRIES
    course_start: np.ndarray  # datetime64[D]
    person: np.ndarray  # per participation (sorted by module, then person)
    module: np.ndarray

    @property
    def module_count(self) -> int:
        return len(self.course_of)

    @property
    def end(self) -> np.ndarray:
        return self.start + (self.days - 1)


def plan_modules(rng: np.random.Generator, people: int) -> ModulePlan:
    """Return courses and modules sized so that people attend about four modules of 30-40 each."""
    per_person = 1 + rng.binomial(EXTRA_MODULES_TRIALS, 0.5, people)
    # Round r holds every person's (r+1)-th participation in modules of its own, so that nobody
    # is in a module twice: uniqueness per person and module holds by construction.
    in_round = [np.flatnonzero(per_person > r) + 1 for r in range(int(per_person.max()))]
    modules_in_round = [max(1, round(len(ids) / MEAN_MODULE_SIZE)) for ids in in_round]
    total = sum(modules_in_round)

    sizes = rng.choice(MODULES_PER_COURSE, size=total, p=MODULES_PER_COURSE_SHARES)
    courses = int(np.searchsorted(np.cumsum(sizes), total)) + 1
    sizes = sizes[:courses]
    sizes[-1] -= int(sizes.sum()) - total
    course_of = np.repeat(np.arange(1, courses + 1), sizes)
    number = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1
    years = rng.integers(FIRST_YEAR, LAST_YEAR + 1, courses)
    course_start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]") + rng.integers(14, 300, courses)
    start = course_start[course_of - 1] + (number - 1) * DAYS_BETWEEN_MODULES
    sessions = rng.integers(SESSIONS_PER_MODULE[0], SESSIONS_PER_MODULE[1] + 1, total)

    order = rng.permutation(total) + 1
    persons, modules, offset = [], [], 0
    for ids, amount in zip(in_round, modules_in_round, strict=True):
        chosen = order[offset : offset + amount]
        offset += amount
        shuffled = rng.permutation(ids)
        weights = rng.integers(MODULE_SIZE[0], MODULE_SIZE[1] + 1, amount).astype(float)
        bounds = np.round(np.cumsum(weights) / weights.sum() * len(ids)).astype(np.int64)
        slot = np.searchsorted(bounds, np.arange(len(ids)), side="right")
        persons.append(shuffled)
        modules.append(chosen[slot])
    person, module = np.concatenate(persons), np.concatenate(modules)
    by_module = np.lexsort((person, module))
    return ModulePlan(
        course_of=course_of,
        number=number,
        sessions=sessions,
        start=start,
        days=-(-sessions // SESSIONS_PER_DAY),
        course_count=courses,
        course_scope=rng.choice(len(SCOPES), size=courses, p=SCOPE_SHARES),
        course_host=rng.integers(0, len(COUNTRIES), courses),
        course_start=course_start,
        person=person[by_module],
        module=module[by_module],
    )


def course_columns(plan: ModulePlan) -> dict:
    """Return the course columns; a course ends in the year of its last module."""
    ids = np.arange(1, plan.course_count + 1)
    last_start = np.full(plan.course_count, np.datetime64("1970-01-01"), dtype="datetime64[D]")
    np.maximum.at(last_start, plan.course_of - 1, plan.start)
    titles = catalogue.REGIONAL_COURSE_TITLES
    years = plan.course_start.astype("datetime64[Y]").astype(int) + 1970
    return {
        "id": ids,
        "code": [f"SC{i:06d}" for i in ids.tolist()],
        "title": [f"{titles[i % len(titles)]} {y}" for i, y in zip(ids.tolist(), years.tolist(), strict=True)],
        "scope": [SCOPES[s] for s in plan.course_scope.tolist()],
        "host_country": [COUNTRIES[h] for h in plan.course_host.tolist()],
        "start_year": years,
        "end_year": last_start.astype("datetime64[Y]").astype(int) + 1970,
    }


def partner_columns(plan: ModulePlan, rng: np.random.Generator, by_country: dict[str, np.ndarray]) -> dict:
    """Return course partners: the programme organises every course, a host-country organisation co-organises."""
    hosts = [COUNTRIES[h] for h in plan.course_host.tolist()]
    picks = rng.random(plan.course_count)
    co_organisers = [
        int(by_country[host][int(pick * len(by_country[host]))])
        for host, pick in zip(hosts, picks.tolist(), strict=True)
    ]
    ids = np.arange(1, plan.course_count + 1)
    return {
        "course_id": np.concatenate([ids, ids]),
        "organisation_id": [1] * plan.course_count + co_organisers,
        "role": [PartnerRole.ORGANISER] * plan.course_count + [PartnerRole.CO_ORGANISER] * plan.course_count,
    }


def module_columns(plan: ModulePlan, rng: np.random.Generator) -> dict:
    """Return the module columns."""
    count = plan.module_count
    host = [COUNTRIES[plan.course_host[c - 1]] for c in plan.course_of.tolist()]
    delivered = plan.end < np.datetime64(REFERENCE_DATE)
    delivery = rng.choice(3, size=count, p=[0.8, 0.1, 0.1])
    return {
        "id": np.arange(1, count + 1),
        "course_id": plan.course_of,
        "number": plan.number,
        "title": [f"Module {n}" for n in plan.number.tolist()],
        "focus": [FOCUS[f] for f in rng.integers(0, len(FOCUS), count).tolist()],
        "objectives": Constant("Build knowledge, skills and networks for advocacy on migrant workers' rights."),
        "start_date": plan.start.astype(object),
        "end_date": plan.end.astype(object),
        "city": [CITIES.get(country) for country in host],
        "country": host,
        "delivery": [[Delivery.IN_PERSON, Delivery.VIRTUAL, Delivery.HYBRID][d] for d in delivery.tolist()],
        "status": [ModuleStatus.DELIVERED if d else ModuleStatus.CONFIRMED for d in delivered.tolist()],
    }


def participation_columns(plan: ModulePlan, rng: np.random.Generator, first: int, stop: int) -> dict:
    """Return participations first..stop-1 (0-based rows of the plan): completion, days, test scores."""
    module = plan.module[first:stop]
    count = stop - first
    days = plan.days[module - 1]
    completed = rng.random(count) < 0.85
    partial = rng.integers(1, np.maximum(days, 2))
    return {
        "id": np.arange(first + 1, stop + 1),
        "person_id": plan.person[first:stop],
        "module_id": module,
        "role": Constant("participant"),
        "attended": Constant(True),
        "completed": completed,
        "days_attended": np.where(completed, days, partial),
        "pre_test_score": np.round(rng.uniform(35, 70, count), 1),
        "post_test_score": np.round(rng.uniform(55, 95, count), 1),
    }

"""The scale demo: a synthetic programme of N people, generated with numpy and written in bulk.

`python -m programme demo --people 500000` builds about 14,000 courses, 57,000 modules, 740,000 agenda
sessions, 2 million participations and 20 million evaluation answers. Rows are generated a range of
modules at a time, so memory stays bounded whatever N is, and the same seed gives the same rows on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from sqlmodel import Session

from programme.core.bulk import Constant, deferred_indexes, write_columns
from programme.core.errors import ProgrammeError
from programme.core.settings import DEMO_MARKER, set_setting
from programme.demo import catalogue
from programme.demo.scale_evaluations import Facilitators, ModuleRange
from programme.demo.scale_modules import (
    ModulePlan,
    course_columns,
    module_columns,
    participation_columns,
    partner_columns,
    plan_modules,
)
from programme.demo.scale_people import (
    COUNTRIES,
    PeoplePlan,
    assign_organisations,
    first_module_dates,
    organisations,
    people_columns,
    plan_people,
)
from programme.models import NetworkKind, NetworkRole, OutcomeKind
from programme.summaries import touch_everything

PEOPLE_CHUNK = 50_000
# The tables of millions of rows: their secondary indexes are built once, after the load.
BIG_TABLES = ["participation", "agenda_session", "evaluation_question", "evaluation_response", "evaluation_answer"]
# Modules generated and written together: about 35,000 participations and 350,000 answers.
MODULE_CHUNK = 1_000
MAX_PEOPLE = 5_000_000
# One facilitator for every 250 people; each leads sessions in several modules.
PEOPLE_PER_FACILITATOR = 250
NETWORK_MEMBER_RATE = 0.3  # of people who attended three modules or more
PLATFORM_MEMBER_RATE = 0.05
OUTCOME_RATE = 0.01
PLATFORMS = {
    "Mekong Sub-regional Platform": ["KHM", "LAO", "MMR", "THA", "VNM"],
    "South Asia Alumni Platform": ["NPL", "BGD", "LKA", "IND", "PAK"],
    "Asia-Gulf Corridor Platform": ["PHL", "IDN", "LBN", "JOR", "QAT", "SAU", "ARE"],
}
# Rows are stamped with a fixed moment so that the same seed gives identical rows.
CREATED = datetime(2025, 1, 1, tzinfo=UTC)

Progress = Callable[[float, str], None]


def load_scale(session: Session, *, people: int, seed: int, progress: Progress | None = None) -> dict[str, int]:
    """Load a synthetic programme of `people` people into an empty database; return rows written per table."""
    from programme.demo import holds_data, reset_sequences  # the package imports this module's caller

    if people < 1 or people > MAX_PEOPLE:
        raise ProgrammeError(f"--people must be between 1 and {MAX_PEOPLE:,}.")
    if holds_data(session):
        raise ProgrammeError("The database already holds data; the demo loads only into an empty database.")
    report = progress or (lambda _share, _label: None)
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}

    def write(table: str, columns: dict) -> None:
        counts[table] = counts.get(table, 0) + write_columns(session, table, columns)

    person_plan = plan_people(rng, people)
    module_plan = plan_modules(rng, people)
    orgs = organisations(rng, person_plan.work)
    assign_organisations(rng, person_plan, orgs)
    first_seen = first_module_dates(module_plan.person, module_plan.start[module_plan.module - 1], people)

    write("topic", {"id": np.arange(1, len(catalogue.TOPICS) + 1), "name": catalogue.TOPICS})
    write("organisation", orgs.columns)
    report(0.01, f"organisations: {counts['organisation']:,}")
    for start in range(0, people, PEOPLE_CHUNK):
        stop = min(people, start + PEOPLE_CHUNK)
        chunk_rng = np.random.default_rng([seed, 1, start])
        write("person", people_columns(chunk_rng, person_plan, start, stop, first_seen, seed=seed, created=CREATED))
        report(0.01 + 0.09 * stop / people, f"people: {stop:,} of {people:,}")
    write("course", course_columns(module_plan))
    write("course_partner", partner_columns(module_plan, rng, orgs.by_country))
    write("module", module_columns(module_plan, rng))
    report(0.11, f"courses: {counts['course']:,}, modules: {counts['module']:,}")

    with deferred_indexes(session, BIG_TABLES):
        _write_modules(write, module_plan, seed, people, report, counts)
        report(0.98, "building the indexes")
    _write_networks(write, rng, person_plan, module_plan, first_seen)
    report(1.0, f"networks: {counts['network']:,}, members: {counts['network_member']:,}")
    reset_sequences(session)
    set_setting(session, DEMO_MARKER, "yes")
    session.flush()
    touch_everything(session)  # the summaries are computed once, at the commit
    return counts


def _write_modules(
    write: Callable[[str, dict], None], plan: ModulePlan, seed: int, people: int, report: Progress, counts: dict
) -> None:
    """Write participations, agendas and evaluations, a range of modules at a time."""
    rng = np.random.default_rng([seed, 2])
    pool = rng.choice(people, size=max(8, people // PEOPLE_PER_FACILITATOR), replace=False) + 1
    facilitators = Facilitators(people=np.sort(pool), effect=rng.normal(0, 0.3, len(pool)))
    # Participations are sorted by module: a module range is a slice of them.
    bounds = np.searchsorted(plan.module, np.arange(1, plan.module_count + 2))
    next_response = 1
    for first in range(0, plan.module_count, MODULE_CHUNK):
        stop = min(plan.module_count, first + MODULE_CHUNK)
        chunk_rng = np.random.default_rng([seed, 3, first])
        rows = ModuleRange(plan, chunk_rng, first, stop, facilitators)
        low, high = int(bounds[first]), int(bounds[stop])
        write("participation", participation_columns(plan, chunk_rng, low, high))
        write("agenda_session", rows.sessions())
        write("session_topic", rows.session_topics())
        write("session_facilitator", rows.session_facilitators())
        forms, asks_name = rows.forms()
        write("evaluation_form", forms)
        questions, means = rows.questions()
        write("evaluation_question", questions)
        responses, response_forms = rows.responses(
            plan.person[low:high], plan.module[low:high], asks_name, next_response
        )
        write("evaluation_response", responses)
        write("evaluation_answer", rows.answers(responses["id"], response_forms, means))
        next_response += len(response_forms)
        report(
            0.11 + 0.87 * stop / plan.module_count,
            f"modules {stop:,} of {plan.module_count:,}: {counts['participation']:,} participations, "
            f"{counts['evaluation_answer']:,} answers",
        )


def _write_networks(
    write: Callable[[str, dict], None],
    rng: np.random.Generator,
    people: PeoplePlan,
    plan: ModulePlan,
    first_seen: np.ndarray,
) -> None:
    """Write a national alumni association per country, sub-regional platforms, members and outcomes."""
    names = [f"{country} Alumni Association for Migrant Rights" for country in COUNTRIES] + list(PLATFORMS)
    kinds = [NetworkKind.ALUMNI_ASSOCIATION] * len(COUNTRIES) + [NetworkKind.PLATFORM] * len(PLATFORMS)
    write(
        "network",
        {
            "id": np.arange(1, len(names) + 1),
            "name": names,
            "kind": kinds,
            "country": COUNTRIES + [countries[0] for countries in PLATFORMS.values()],
            "founded": rng.integers(2008, 2020, len(names)),
            "activities": Constant("Annual meeting; joint shadow reports; case referrals."),
        },
    )
    count = len(people.nationality)
    modules_attended = np.bincount(plan.person, minlength=count + 1)[1:]
    national = np.flatnonzero((modules_attended >= 3) & (rng.random(count) < NETWORK_MEMBER_RATE))
    member_network, member_person = [people.nationality[national] + 1], [national + 1]
    for offset, countries in enumerate(PLATFORMS.values()):
        codes = np.array([COUNTRIES.index(c) for c in countries])
        chosen = np.flatnonzero(np.isin(people.nationality, codes) & (rng.random(count) < PLATFORM_MEMBER_RATE))
        member_network.append(np.full(len(chosen), len(COUNTRIES) + offset + 1))
        member_person.append(chosen + 1)
    network, person = np.concatenate(member_network), np.concatenate(member_person)
    order = np.lexsort((person, network))
    network, person = network[order], person[order]
    # The first members of each network hold its offices.
    rank = np.arange(len(network)) - np.searchsorted(network, network)
    roles = [NetworkRole.FOCAL_POINT if r == 0 else NetworkRole.OFFICER if r < 3 else NetworkRole.MEMBER for r in rank]
    write(
        "network_member",
        {
            "network_id": network,
            "person_id": person,
            "role": roles,
            "joined_on": (first_seen[person - 1] + 365).astype(object),
        },
    )
    reporters = np.flatnonzero(rng.random(count) < OUTCOME_RATE)
    kinds_out = list(OutcomeKind)
    kind = rng.integers(0, len(catalogue.OUTCOME_TEXTS), len(reporters))
    write(
        "outcome",
        {
            "id": np.arange(1, len(reporters) + 1),
            "person_id": reporters + 1,
            "kind": [kinds_out[k] for k in kind.tolist()],
            "description": [catalogue.OUTCOME_TEXTS[k] for k in kind.tolist()],
            "reported_on": (first_seen[reporters] + rng.integers(120, 900, len(reporters))).astype(object),
        },
    )

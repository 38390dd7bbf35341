"""The reach summaries of people created together with their one participation (an import's new people).

A new person's reach_person, reach_person_year and reach_person_stage rows follow from that participation and the person's own
columns alone, so the import that writes them hands them here as columns, instead of the upkeep reading back and
regrouping every new row at the commit (for 50,000 people, most of the commit's time). Their years' moves are
counted here too and handed to the upkeep, which adds them with its own at the commit (under its lock).

The rows are what `reach.person_rows` and `reach.person_year_rows` compute from the raw rows; `reach.check` (and
the tests) compare them. A person written here and changed again in the same transaction is recomputed from the
raw rows at the commit like any other (upkeep.resolve).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.bulk import Constant, write_columns
from programme.models import Course, Module, ParticipationRole, ReachPerson, ReachPersonStage, ReachPersonYear
from programme.summaries import reach
from programme.summaries.upkeep import _at_head, mark_current

_PARTICIPANT = ParticipationRole.PARTICIPANT.value


@dataclass(frozen=True)
class ModuleFacts:
    """What the new people's rows take from their module: its year and its course's scope (stored values)."""

    module_id: int
    year: int
    scope: str


def module_facts(session: Session, module_id: int) -> ModuleFacts | None:
    """The module's year and scope, or None when the summaries are not kept here (a database at an older schema) or
    the module has no start date (the upkeep then computes the rows itself)."""
    if not _at_head(session) or not reach.ready(session):
        return None
    row = session.execute(
        sa.select(Module.start_date, sa.type_coerce(Course.scope, sa.String))
        .join(Course, Course.id == Module.course_id)
        .where(Module.id == module_id)
    ).first()
    if row is None or not isinstance(row[0], date):
        return None
    return ModuleFacts(module_id=module_id, year=row[0].year, scope=row[1] or "")


@dataclass
class NewPeople:
    """The new people as columns (one value a person, stored forms: enum values as text), and their participation in
    the module: each person has that participation and no other."""

    person_id: Sequence[int]
    gender: Sequence[str]
    nationality: Sequence[str | None]
    country_of_work: Sequence[str | None]
    organisation_id: Sequence[int | None]
    org_type: Sequence[str | None]  # the organisation's type, as stored on the organisation
    org_country: Sequence[str | None]
    listed: Sequence[bool]  # consent to be listed (a new person is never erased)
    role: Sequence[str]
    attended: Sequence[bool | None]
    registered: Sequence[bool]
    completed: Sequence[bool]


def write(session: Session, people: NewPeople, facts: ModuleFacts, *, only_new: bool = False) -> None:
    """Write the new people's reach_person, reach_person_year and reach_person_stage rows (bulk, in the session's transaction) and hand
    their years' moves and their ids to the upkeep, which then leaves their rows as they are at the commit.

    only_new: the transaction changed nothing else in the module (no participation of anyone else): their figures
    are then handed over as the module's moves too, and its rows are not recomputed (unless touched otherwise)."""
    count = len(people.person_id)
    if count == 0:
        return
    year, scope = facts.year, facts.scope
    took_part = [came is True for came in people.attended]
    participant = [role == _PARTICIPANT for role in people.role]
    # The registration and funnel flags of their one participation: reach_person's over all years, and
    # reach_person_stage's for its year (the same, as it is their only one).
    flags = {
        "registered": people.registered,
        "registered_took_part": [r and c for r, c in zip(people.registered, took_part, strict=True)],
        "registered_only": [r and a is None for r, a in zip(people.registered, people.attended, strict=True)],
        "took_part_unregistered": [c and not r for r, c in zip(people.registered, took_part, strict=True)],
        "participant": participant,
        "participant_attended": [p and c for p, c in zip(participant, took_part, strict=True)],
        "alumnus": [p and done is True for p, done in zip(participant, people.completed, strict=True)],
    }
    write_columns(
        session,
        ReachPerson.__tablename__,
        {
            "person_id": people.person_id,
            "gender": people.gender,
            "nationality": people.nationality,
            "country_of_work": people.country_of_work,
            "organisation_id": people.organisation_id,
            "org_type": people.org_type,
            "org_country": people.org_country,
            "modules": [int(came) for came in took_part],
            "first_year": [year if came else None for came in took_part],
            **flags,
            "listed": people.listed,
            "erased": Constant(False),
        },
    )
    write_columns(
        session,
        ReachPersonStage.__tablename__,
        {"person_id": people.person_id, "year": Constant(year), **flags},
    )
    came = [position for position, yes in enumerate(took_part) if yes]
    genders = [people.gender[i] or "" for i in came]
    org_types = [people.org_type[i] or "" for i in came]
    roles = [people.role[i] for i in came]
    write_columns(
        session,
        ReachPersonYear.__tablename__,
        {
            "person_id": [people.person_id[i] for i in came],
            "year": Constant(year),
            "role": roles,
            "scope": Constant(scope),
            "gender": genders,
            "org_type": org_types,
            "participations": Constant(1),
        },
    )
    # Each of them is one individual with one participation in the year, under each dimension's value.
    moves: dict[tuple[int, str, str], list[int]] = {}
    counted: list[tuple[str, Any]] = [
        ("all", Counter({"": len(came)})),
        ("gender", Counter(genders)),
        ("org_type", Counter(org_types)),
        ("role", Counter(roles)),
        ("scope", Counter({scope: len(came)})),
    ]
    for dimension, counter in counted:
        for value, number in counter.items():
            if number:
                moves[(year, dimension, value)] = [number, number]
    module_moves, stage_moves = _module_moves(people, facts, took_part, participant) if only_new else ({}, {})
    mark_current(session, people.person_id, moves, module_moves, stage_moves)


def _module_moves(
    people: NewPeople, facts: ModuleFacts, took_part: list[bool], participant: list[bool]
) -> tuple[dict[tuple[int, str, str], list[int]], dict[tuple[int, str, str], list[int]]]:
    """What the people add to their module's reach_module rows ({(module, dimension, value): [year, people]}: those
    who took part by each dimension, and the participants at each stage) and reach_module_stage rows
    ({(module, dimension, value): [registered, attended, completed]}: the participants by each attribute)."""
    module, year = facts.module_id, facts.year
    values = {
        "gender": people.gender,
        "nationality": people.nationality,
        "country_of_work": people.country_of_work,
        "org_type": people.org_type,
        "role": people.role,
    }
    came = list(compress(range(len(took_part)), took_part))
    listed = list(compress(range(len(participant)), participant))
    completed = [position for position in listed if people.completed[position] is True]
    module_moves: dict[tuple[int, str, str], list[int]] = {}
    counted: list[tuple[str, Counter]] = [
        ("all", Counter({"": len(came)})),
        ("scope", Counter({facts.scope: len(came)})),
        *((dimension, _counted(column, came)) for dimension, column in values.items()),
        (
            "stage",
            Counter(
                {
                    "registered": len(listed),
                    "attended": sum(1 for i in listed if took_part[i]),
                    "completed": len(completed),
                }
            ),
        ),
    ]
    for dimension, counter in counted:
        for value, number in counter.items():
            if number:
                module_moves[(module, dimension, value)] = [year, number]
    stage_moves: dict[tuple[int, str, str], list[int]] = {}
    attended = [i for i in listed if took_part[i]]
    for dimension in ("gender", "nationality", "country_of_work", "org_type"):
        column = values[dimension]
        for position, among in enumerate((listed, attended, completed)):
            for value, number in _counted(column, among).items():
                stage_moves.setdefault((module, dimension, value), [0, 0, 0])[position] = number
    return module_moves, stage_moves


def _counted(column: Sequence[Any], positions: list[int]) -> Counter:
    """The values at these positions counted, None counted as "" (not recorded)."""
    counter = Counter(map(column.__getitem__, positions))
    if None in counter:
        counter[""] += counter.pop(None)
    return counter

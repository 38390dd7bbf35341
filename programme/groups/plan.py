"""A set of groups for a module, its balance explained, and the manual changes after generating it."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from programme.core.errors import ProgrammeError
from programme.groups.balance import (
    ATTRIBUTE_LABELS,
    ATTRIBUTES,
    encode,
    pairs_within,
    scale,
    spread_table,
    squared_gap,
    weighted_score,
)
from programme.groups.problem import DEFAULT_REPEAT_WEIGHT, GroupProblem, Pair, build_problem
from programme.groups.roles import assign_roles, fill_required_roles
from programme.groups.search import search
from programme.models import GroupRole

# Columns every members table has, in this order (the CLI's JSON members carry them all).
MEMBER_COLUMNS = ["group", "person_id", "name", "nationality", "gender", "org_type", "role"]


@dataclass(frozen=True)
class GroupDraft:
    """One group before it is saved: a name, the exercise, members in order and their roles."""

    name: str
    members: tuple[int, ...]
    roles: Mapping[int, GroupRole] = field(default_factory=dict)
    exercise: str | None = None
    target: str | None = None
    briefing: str | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a split is as balanced as it is."""

    balance_score: float
    attribute_scores: Mapping[str, float]
    weights: Mapping[str, float]
    spread: pd.DataFrame
    repeated_pairs: list[Pair]
    split_together: list[Pair]
    joined_apart: list[Pair]

    def scores_table(self) -> pd.DataFrame:
        """Return attribute, weight and score (0–1) for each attribute, weighted ones first."""
        rows = [
            {"attribute": ATTRIBUTE_LABELS[key], "weight": self.weights.get(key, 0.0), "score": round(score, 3)}
            for key, score in self.attribute_scores.items()
        ]
        return pd.DataFrame(rows).sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class GroupPlan:
    """Groups made for a module from a problem; every change gives a new plan with its balance updated."""

    problem: GroupProblem
    groups: tuple[GroupDraft, ...]
    seed: int | None = None

    @cached_property
    def explanation(self) -> Explanation:
        return explain(self.problem, self.groups)

    @property
    def balance_score(self) -> float:
        return self.explanation.balance_score

    @property
    def unassigned(self) -> list[int]:
        """Return the participants in no group (after loading groups saved before someone joined)."""
        placed = {person for group in self.groups for person in group.members}
        return [person for person in self.problem.person_ids if person not in placed]

    def group_of(self, person_id: int) -> int | None:
        """Return the index of the person's group, or None."""
        return next((number for number, group in enumerate(self.groups) if person_id in group.members), None)

    def person_labels(self) -> dict[int, str]:
        """Return "Name (NPL)" for each participant, for pickers."""
        frame = self.problem.participants
        names = frame["name"] if "name" in frame.columns else frame["person_id"].map(lambda p: f"Person {p}")
        countries = frame["nationality"] if "nationality" in frame.columns else [None] * len(frame)
        return {
            int(person): f"{name} ({country})" if isinstance(country, str) and country else str(name)
            for person, name, country in zip(frame["person_id"], names, countries, strict=True)
        }

    def members_table(self) -> pd.DataFrame:
        """Return one row per member: group, person_id, name, nationality, gender, org_type, role, …"""
        details = self.problem.participants.set_index("person_id")
        rows = []
        for group in self.groups:
            for person in group.members:
                row = details.loc[person].to_dict() if person in details.index else {}
                row.update(group=group.name, person_id=person, role=group.roles.get(person, GroupRole.MEMBER).value)
                rows.append(row)
        frame = pd.DataFrame(rows)
        for column in MEMBER_COLUMNS:
            if column not in frame.columns:
                frame[column] = None
        extra = [column for column in frame.columns if column not in MEMBER_COLUMNS]
        return frame[MEMBER_COLUMNS + extra]


def _pairs_as_ids(problem: GroupProblem, pairs: Iterable[frozenset[int]]) -> list[Pair]:
    return sorted(tuple(sorted(problem.person_ids[position] for position in pair)) for pair in pairs)


def explain(problem: GroupProblem, groups: Iterable[GroupDraft]) -> Explanation:
    """Return the balance score, each attribute's score and spread, and the pairs left unmet."""
    groups = list(groups)
    placed = [person for group in groups for person in group.members]
    frame = problem.participants.set_index("person_id").loc[placed].reset_index()
    position = {person: number for number, person in enumerate(placed)}
    positions = [[position[person] for person in group.members] for group in groups]
    sizes = [len(members) for members in positions]
    encoded = [encode(frame, attribute) for attribute in ATTRIBUTES]
    scores = {item.attribute.key: scale(item, sizes).score(squared_gap(item, positions)) for item in encoded}
    as_groups = [[problem.position(person) for person in group.members] for group in groups]
    return Explanation(
        balance_score=round(weighted_score(scores, problem.weights), 4),
        attribute_scores=scores,
        weights=dict(problem.weights),
        spread=spread_table(encoded, positions, [group.name for group in groups]),
        repeated_pairs=_pairs_as_ids(problem, pairs_within(as_groups, problem.previous_pairs)),
        split_together=_pairs_as_ids(
            problem, set(problem.keep_together) - set(pairs_within(as_groups, problem.keep_together))
        ),
        joined_apart=_pairs_as_ids(problem, pairs_within(as_groups, problem.keep_apart)),
    )


def make_groups(
    participants: pd.DataFrame,
    *,
    groups: int | None = None,
    size: int | None = None,
    weights: Mapping[str, float] | None = None,
    keep_together: Iterable[Pair] = (),
    keep_apart: Iterable[Pair] = (),
    previous_pairs: Iterable[Pair] = (),
    repeat_weight: float = DEFAULT_REPEAT_WEIGHT,
    held_before: Mapping[int, set[GroupRole]] | None = None,
    seed: int = 0,
    name: str = "Group",
) -> GroupPlan:
    """Return balanced groups for the participants (one row each, with a person_id column).

    The same participants, options and seed always give the same groups.
    """
    problem = build_problem(
        participants,
        groups=groups,
        size=size,
        weights=weights,
        keep_together=keep_together,
        keep_apart=keep_apart,
        previous_pairs=previous_pairs,
        repeat_weight=repeat_weight,
    )
    split = search(problem, seed)
    rng = random.Random(seed)
    drafts = []
    for number, positions in enumerate(split, start=1):
        members = tuple(problem.person_ids[position] for position in positions)
        roles = assign_roles(members, rng, held_before=held_before)
        # The lead first, then the note-taker, the other roles and the members, as on a printed list.
        order = {role: rank for rank, role in enumerate(GroupRole)}
        members = tuple(sorted(members, key=lambda person: (order[roles[person]], person)))
        drafts.append(GroupDraft(name=f"{name} {number}", members=members, roles=roles))
    return GroupPlan(problem=problem, groups=tuple(drafts), seed=seed)


def blank_plan(
    participants: pd.DataFrame,
    *,
    groups: int,
    previous_pairs: Iterable[Pair] = (),
    name: str = "Group",
) -> GroupPlan:
    """Return empty groups for making them by hand: everyone waits in plan.unassigned until moved in."""
    problem = build_problem(participants, groups=groups, previous_pairs=previous_pairs)
    drafts = tuple(GroupDraft(name=f"{name} {number}", members=()) for number in range(1, groups + 1))
    return GroupPlan(problem=problem, groups=drafts, seed=None)


def _check_group(plan: GroupPlan, index: int) -> None:
    if not 0 <= index < len(plan.groups):
        raise ProgrammeError(f"There is no group {index + 1}; the plan has {len(plan.groups)} groups.")


def move_person(plan: GroupPlan, *, person_id: int, to_group: int) -> GroupPlan:
    """Return the plan with a person moved into group to_group (0-based) as a member."""
    plan.problem.position(person_id)
    _check_group(plan, to_group)
    source = plan.group_of(person_id)
    if source == to_group:
        return plan
    groups = list(plan.groups)
    if source is not None:
        leaving = groups[source]
        rest = tuple(person for person in leaving.members if person != person_id)
        roles = fill_required_roles(rest, {p: r for p, r in leaving.roles.items() if p != person_id})
        groups[source] = dataclasses.replace(leaving, members=rest, roles=roles)
    joining = groups[to_group]
    members = (*joining.members, person_id)
    roles = fill_required_roles(members, {**joining.roles, person_id: GroupRole.MEMBER})
    groups[to_group] = dataclasses.replace(joining, members=members, roles=roles)
    return dataclasses.replace(plan, groups=tuple(groups))


def swap_people(plan: GroupPlan, *, first: int, second: int) -> GroupPlan:
    """Return the plan with two people in different groups changing places, and roles."""
    one, two = plan.group_of(first), plan.group_of(second)
    if one is None or two is None:
        raise ProgrammeError("Both people must be in a group to swap them.")
    if one == two:
        raise ProgrammeError("These two people are already in the same group.")
    groups = list(plan.groups)
    for index, leaving, arriving in ((one, first, second), (two, second, first)):
        group = groups[index]
        members = tuple(arriving if person == leaving else person for person in group.members)
        roles = {arriving if p == leaving else p: role for p, role in group.roles.items()}
        groups[index] = dataclasses.replace(group, members=members, roles=roles)
    return dataclasses.replace(plan, groups=tuple(groups))


def set_role(plan: GroupPlan, *, person_id: int, role: GroupRole | str) -> GroupPlan:
    """Return the plan with one member's role changed."""
    index = plan.group_of(person_id)
    if index is None:
        raise ProgrammeError(f"Person {person_id} is in no group.")
    group = plan.groups[index]
    groups = list(plan.groups)
    groups[index] = dataclasses.replace(group, roles={**group.roles, person_id: GroupRole(role)})
    return dataclasses.replace(plan, groups=tuple(groups))


def describe_group(plan: GroupPlan, index: int, **fields: str | None) -> GroupPlan:
    """Return the plan with a group's name, exercise, target or briefing changed."""
    _check_group(plan, index)
    allowed = {"name", "exercise", "target", "briefing"}
    unknown = set(fields) - allowed
    if unknown:
        raise ProgrammeError(f"A group has no field {sorted(unknown)[0]}.")
    cleaned = {key: (value.strip() if isinstance(value, str) else value) or None for key, value in fields.items()}
    if "name" in cleaned and not cleaned["name"]:
        raise ProgrammeError("A group needs a name.")
    groups = list(plan.groups)
    groups[index] = dataclasses.replace(groups[index], **cleaned)
    return dataclasses.replace(plan, groups=tuple(groups))


def describe_groups(plan: GroupPlan, fields: dict[int, dict[str, str | None]]) -> GroupPlan:
    """Return the plan with several groups described at once (group index → its fields), as a form gives them."""
    for index, values in fields.items():
        plan = describe_group(plan, index, **values)
    return plan

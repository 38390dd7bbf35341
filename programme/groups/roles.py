"""Roles in a group: each group gets its lead and note-taker, then a presenter and a timekeeper."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from programme.models import GroupRole

# Handed out in this order while a group has members without a role; the rest are members.
AUTOMATIC_ROLES = (GroupRole.LEAD, GroupRole.NOTE_TAKER, GroupRole.PRESENTER, GroupRole.TIMEKEEPER)
# Every group needs these two, whatever is moved or swapped.
REQUIRED_ROLES = (GroupRole.LEAD, GroupRole.NOTE_TAKER)
# What each role does, for the role cards (the words of the module report's lobbying session).
ROLE_DUTIES: dict[GroupRole, str] = {
    GroupRole.LEAD: "Lead the delegation: introduce its members and its purpose, keep the discussion on the "
    "objectives and agree outcomes and next steps at the end.",
    GroupRole.PRESENTER: "Present one of the delegation's issues with a case or figures, and make the request clear.",
    GroupRole.NOTE_TAKER: "Ask whether notes may be taken, record what is said and agreed, and draft the follow-up "
    "letter of thanks with the conclusions.",
    GroupRole.TIMEKEEPER: "Keep the delegation to its time: signal when each issue's time is up.",
    GroupRole.OFFICIAL: "Play the official or mission: ask the questions and raise the objections a real one would.",
    GroupRole.OBSERVER: "Watch the exchange and give feedback afterwards: what worked, what to change.",
    GroupRole.MEMBER: "Prepare the issues with the delegation and be ready to answer questions on them.",
}


def assign_roles(
    members: Sequence[int],
    rng: random.Random,
    *,
    held_before: Mapping[int, set[GroupRole]] | None = None,
) -> dict[int, GroupRole]:
    """Return a role for each member: lead, note-taker, presenter, timekeeper, then member.

    People who have not held a role in the course's earlier modules get it first, so roles rotate.
    """
    held_before = held_before or {}
    waiting = list(members)
    rng.shuffle(waiting)
    roles: dict[int, GroupRole] = {}
    for role in AUTOMATIC_ROLES:
        if not waiting:
            break
        person = min(waiting, key=lambda candidate: role in held_before.get(candidate, set()))
        waiting.remove(person)
        roles[person] = role
    roles.update({person: GroupRole.MEMBER for person in waiting})
    return roles


# Who gives up their role when a lead or note-taker is missing: members first, the official played last.
_HANDED_OVER_FIRST = (
    GroupRole.MEMBER,
    GroupRole.TIMEKEEPER,
    GroupRole.OBSERVER,
    GroupRole.PRESENTER,
    GroupRole.OFFICIAL,
)


def fill_required_roles(members: Sequence[int], roles: Mapping[int, GroupRole]) -> dict[int, GroupRole]:
    """Return the roles with a missing lead or note-taker taken over by a member, else by a lesser role."""
    filled = {person: roles.get(person, GroupRole.MEMBER) for person in members}
    for role in REQUIRED_ROLES:
        if role in filled.values():
            continue
        for giving_up in _HANDED_OVER_FIRST:
            spare = [person for person in members if filled[person] == giving_up]
            if spare:
                filled[spare[0]] = role
                break
    return filled

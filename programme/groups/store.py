"""Groups in the database: a module's participants, earlier pairings, saving and loading groups."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.core.freshness import depends_on
from programme.courses.catalogue import course_code_of, get_module_by_id
from programme.groups.plan import GroupDraft, GroupPlan, make_groups
from programme.groups.problem import DEFAULT_REPEAT_WEIGHT, Pair, build_problem
from programme.models import (
    AgendaSession,
    AuditEntry,
    Course,
    Group,
    GroupMember,
    GroupRole,
    Module,
    Organisation,
    Participation,
    ParticipationRole,
    Person,
)
from programme.people.corridors import corridor_side

PARTICIPANT_COLUMNS = [
    "person_id",
    "name",
    "gender",
    "nationality",
    "country_of_work",
    "side",
    "org_type",
    "organisation",
    "languages",
    "returning",
    # For the team's group lists and role cards (consent governs publication, not these: programme.access.privacy).
    "position",
    "email",
    "phone",
    "consent_organisation",
]


def _value(raw: object) -> object:
    return getattr(raw, "value", raw)


def attendance_recorded(session: Session, module_id: int) -> bool:
    """Whether anyone's attendance is recorded in the module (someone marked as having come)."""
    query = sa.select(Participation.id).where(Participation.module_id == module_id, Participation.attended.is_(True))
    return session.scalar(query.limit(1)) is not None


def participants_frame(session: Session, module_id: int, *, everyone: bool | None = None) -> pd.DataFrame:
    """Return the module's participants (role participant), one row each, sorted by name.

    everyone: True, everyone on the module's lists; False, only those recorded as having come; None (the default),
    those who came once anyone's attendance is recorded, else everyone (groups made before the module, from the
    registrations): a registered person who did not come is not put in a group by default.
    """
    if everyone is None:
        everyone = not attendance_recorded(session, module_id)
    module = _module(session, module_id)
    # Looked up per participant listed (an index look-up), not as the set of everyone who came before.
    earlier = (
        sa.select(Participation.id)
        .join(Module, Module.id == Participation.module_id)
        .where(Participation.person_id == Person.id, Module.start_date < module.start_date)
        .correlate(Person)
        .exists()
    )
    query = (
        sa.select(
            Person.id.label("person_id"),
            Person.full_name.label("name"),
            Person.gender,
            Person.nationality,
            Person.country_of_work,
            Organisation.org_type,
            Organisation.name.label("organisation"),
            Person.languages,
            Person.position,
            Person.email,
            Person.phone,
            Person.consent_organisation,
            earlier.label("came_before"),
        )
        .join(Participation, Participation.person_id == Person.id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Participation.module_id == module_id, Participation.role == ParticipationRole.PARTICIPANT)
        .order_by(Person.sort_name, Person.id)
    )
    if not everyone:
        query = query.where(Participation.attended.is_(True))
    rows = [dict(row) for row in session.execute(query).mappings()]
    # "returning" is an SQL keyword, hence the other label in the query.
    frame = pd.DataFrame(
        rows, columns=[c for c in PARTICIPANT_COLUMNS if c not in ("side", "returning")] + ["came_before"]
    )
    for column in ("gender", "org_type"):
        frame[column] = frame[column].map(_value)
    frame["returning"] = frame["came_before"].map(lambda value: "returning" if value else "newcomer")
    frame["side"] = [
        corridor_side(nationality, work)
        for nationality, work in zip(frame["nationality"], frame["country_of_work"], strict=True)
    ]
    return frame[PARTICIPANT_COLUMNS]


@depends_on(modules="module_ids")
def participant_counts(session: Session, module_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Return the number of participants (role participant) of each module that has any (of module_ids if given)."""
    # Counted with a CASE rather than filtered by a WHERE on the role: nearly every participation is a participant's,
    # yet SQLite would start from the role index and read two million of them for the 200 modules a picker lists.
    participants = sa.func.sum(sa.case((Participation.role == ParticipationRole.PARTICIPANT, 1), else_=0))
    query = sa.select(Participation.module_id, participants).group_by(Participation.module_id).having(participants > 0)
    if module_ids is not None:
        query = query.where(Participation.module_id.in_(list(module_ids)))
    return {module_id: int(count) for module_id, count in session.execute(query)}


def _earlier_groups(session: Session, module: Module) -> list[tuple[int, int, GroupRole]]:
    """Return (group id, person id, role) for the groups of the course's earlier modules."""
    query = (
        sa.select(GroupMember.group_id, GroupMember.person_id, GroupMember.role)
        .join(Group, Group.id == GroupMember.group_id)
        .join(Module, Module.id == Group.module_id)
        .where(Module.course_id == module.course_id, Module.number < module.number)
    )
    return [tuple(row) for row in session.execute(query)]


def _module(session: Session, module_id: int) -> Module:
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound(f"There is no module with id {module_id}.")
    return module


def previous_pairs(session: Session, module_id: int) -> list[Pair]:
    """Return the pairs of people who shared a group in the course's earlier modules."""
    module = _module(session, module_id)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, person_id, _ in _earlier_groups(session, module):
        members[group_id].append(person_id)
    pairs = {tuple(sorted(pair)) for people in members.values() for pair in itertools.combinations(people, 2)}
    return sorted(pairs)


def roles_held_before(session: Session, module_id: int) -> dict[int, set[GroupRole]]:
    """Return, per person, the roles they held in the course's earlier modules."""
    module = _module(session, module_id)
    held: dict[int, set[GroupRole]] = defaultdict(set)
    for _, person_id, role in _earlier_groups(session, module):
        held[person_id].add(GroupRole(role))
    return dict(held)


def module_sessions(session: Session, module_id: int) -> pd.DataFrame:
    """Return the module's agenda sessions (id, day, start time, title, method), in agenda order."""
    query = (
        sa.select(
            AgendaSession.id, AgendaSession.day, AgendaSession.start_time, AgendaSession.title, AgendaSession.method
        )
        .where(AgendaSession.module_id == module_id)
        .order_by(AgendaSession.day, AgendaSession.start_time, AgendaSession.position)
    )
    frame = pd.DataFrame(
        session.execute(query).mappings().all(), columns=["id", "day", "start_time", "title", "method"]
    )
    frame["method"] = frame["method"].map(_value)
    return frame


def make_module_groups(
    session: Session,
    *,
    module_id: int,
    groups: int | None = None,
    size: int | None = None,
    seed: int = 0,
    weights: Mapping[str, float] | None = None,
    keep_together: Iterable[Pair] = (),
    keep_apart: Iterable[Pair] = (),
    repeat_weight: float = DEFAULT_REPEAT_WEIGHT,
    everyone: bool | None = None,
) -> GroupPlan:
    """Return balanced groups for a module's participants (participants_frame's `everyone`), avoiding the course's
    earlier pairings."""
    module = get_module_by_id(session, module_id)
    participants = participants_frame(session, module.id, everyone=everyone)
    if participants.empty:
        raise ProgrammeError(
            f"Module {module.number} of {course_code_of(session, module)} has no participants yet; "
            "import its participant list first."
        )
    return make_groups(
        participants,
        groups=groups,
        size=size,
        weights=weights,
        keep_together=keep_together,
        keep_apart=keep_apart,
        # Earlier pairings are always counted in the explanation; how much to avoid them is a weight.
        previous_pairs=previous_pairs(session, module.id),
        repeat_weight=repeat_weight,
        held_before=roles_held_before(session, module.id),
        seed=seed,
    )


def _scope(module_id: int, session_id: int | None) -> sa.ColumnElement[bool]:
    """Return which saved groups a save replaces: the session's, or all of the module's."""
    condition = Group.module_id == module_id
    return condition & (Group.session_id == session_id) if session_id is not None else condition


def _check_session(session: Session, module_id: int, session_id: int | None) -> None:
    if session_id is None:
        return
    agenda_session = session.get(AgendaSession, session_id)
    if agenda_session is None or agenda_session.module_id != module_id:
        raise ProgrammeError("That agenda session is not part of this module.")


def saved_group_count(session: Session, *, module_id: int, session_id: int | None = None) -> int:
    """Return how many saved groups a save for this module (and session) would replace."""
    return session.scalar(sa.select(sa.func.count()).select_from(Group).where(_scope(module_id, session_id))) or 0


def saved_groups_token(session: Session, *, module_id: int, session_id: int | None = None) -> str:
    """Return a fingerprint of the saved groups a save would replace (names, details, members and roles): it tells
    whether someone saved other groups since a plan was started (see `save_groups`'s `replacing`). Not their ids:
    SQLite gives a deleted group's id to the next one."""
    groups = session.execute(
        sa.select(Group.id, Group.name, Group.exercise, Group.target, Group.briefing).where(
            _scope(module_id, session_id)
        )
    ).all()
    members = session.execute(
        sa.select(GroupMember.group_id, GroupMember.person_id, GroupMember.role).where(
            GroupMember.group_id.in_([row.id for row in groups])
        )
    ).all()
    content = sorted(
        (
            row.name,
            row.exercise or "",
            row.target or "",
            row.briefing or "",
            sorted((person, str(_value(role))) for gid, person, role in members if gid == row.id),
        )
        for row in groups
    )
    return hashlib.sha256(repr(content).encode()).hexdigest()


def _last_saved_by(session: Session, module_id: int) -> str | None:
    return session.scalar(
        sa.select(AuditEntry.username)
        .where(
            AuditEntry.entity == "module",
            AuditEntry.entity_id == module_id,
            AuditEntry.summary.like(f"groups of module {module_id}:%"),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def save_groups(
    session: Session,
    *,
    module_id: int,
    plan: GroupPlan,
    session_id: int | None = None,
    by: str | None,
    replacing: str | None = None,
) -> list[Group]:
    """Save the plan's groups, replacing the session's saved groups (or all the module's without a session).

    replacing: the saved groups' fingerprint when the plan was started (`saved_groups_token`); when other groups are
    saved now (a colleague saved meanwhile, in another browser), nothing is saved and the error says so, so that
    their work is not replaced unseen. None: replace whatever is saved (the command line)."""
    _check_session(session, module_id, session_id)
    if not plan.groups or not any(group.members for group in plan.groups):
        raise ProgrammeError("There are no groups with members to save.")
    old_ids = list(session.scalars(sa.select(Group.id).where(_scope(module_id, session_id))))
    if replacing is not None and replacing != saved_groups_token(session, module_id=module_id, session_id=session_id):
        who = _last_saved_by(session, module_id)
        raise ProgrammeError(
            f"{who or 'Someone'} saved groups for this module since you started these, so nothing was saved: "
            f"saving yours would replace theirs ({len(old_ids)} groups). Load the saved groups to see theirs, or "
            "press Save groups again to replace them with yours."
        )
    if old_ids:
        # Members first: SQLite enforces the cascade only when its foreign keys are on.
        session.execute(sa.delete(GroupMember).where(GroupMember.group_id.in_(old_ids)))
        session.execute(sa.delete(Group).where(Group.id.in_(old_ids)))
    saved = []
    for draft in plan.groups:
        group = Group(
            module_id=module_id,
            session_id=session_id,
            name=draft.name,
            exercise=draft.exercise,
            target=draft.target,
            briefing=draft.briefing,
            seed=plan.seed,
        )
        session.add(group)
        session.flush()
        session.add_all(
            GroupMember(group_id=group.id, person_id=person, role=draft.roles.get(person, GroupRole.MEMBER))
            for person in draft.members
        )
        saved.append(group)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="module",
        entity_id=module_id,
        summary=f"groups of module {module_id}: {len(saved)} groups with "
        f"{sum(len(d.members) for d in plan.groups)} members saved, {len(old_ids)} replaced",
        before={"group_ids": old_ids},
        after={"group_ids": [group.id for group in saved], "seed": plan.seed, "balance_score": plan.balance_score},
    )
    return saved


def load_groups(session: Session, *, module_id: int, session_id: int | None = None) -> GroupPlan | None:
    """Return the module's saved groups (the session's, or all) as a plan to adjust, or None."""
    _check_session(session, module_id, session_id)
    groups = list(session.scalars(sa.select(Group).where(_scope(module_id, session_id)).order_by(Group.id)))
    if not groups:
        return None
    members = session.execute(
        sa.select(GroupMember.group_id, GroupMember.person_id, GroupMember.role).where(
            GroupMember.group_id.in_([group.id for group in groups])
        )
    ).all()
    participants = participants_frame(session, module_id)
    # Someone saved in a group but no longer a participant (role changed) still shows in it.
    missing = {person for _, person, _ in members} - set(participants["person_id"])
    if missing:
        participants = pd.concat([participants, _people_frame(session, missing)], ignore_index=True)
    # The sizes asked for do not matter here: the balance is measured on the groups as saved.
    problem = build_problem(
        participants, groups=min(len(groups), len(participants)), previous_pairs=previous_pairs(session, module_id)
    )
    order = {role: rank for rank, role in enumerate(GroupRole)}
    drafts = []
    for group in groups:
        rows = sorted(
            ((person, GroupRole(role)) for gid, person, role in members if gid == group.id),
            key=lambda item: (order[item[1]], item[0]),
        )
        drafts.append(
            GroupDraft(
                name=group.name,
                members=tuple(person for person, _ in rows),
                roles=dict(rows),
                exercise=group.exercise,
                target=group.target,
                briefing=group.briefing,
            )
        )
    return GroupPlan(problem=problem, groups=tuple(drafts), seed=groups[0].seed)


def _people_frame(session: Session, person_ids: Iterable[int]) -> pd.DataFrame:
    query = (
        sa.select(
            Person.id.label("person_id"),
            Person.full_name.label("name"),
            Person.gender,
            Person.nationality,
            Person.country_of_work,
            Organisation.org_type,
            Organisation.name.label("organisation"),
            Person.languages,
            Person.position,
            Person.email,
            Person.phone,
            Person.consent_organisation,
        )
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.id.in_(list(person_ids)))
    )
    frame = pd.DataFrame(session.execute(query).mappings().all())
    for column in ("gender", "org_type"):
        frame[column] = frame[column].map(_value)
    frame["side"] = [corridor_side(n, w) for n, w in zip(frame["nationality"], frame["country_of_work"], strict=True)]
    frame["returning"] = "returning"
    return frame[PARTICIPANT_COLUMNS]


def person_groups(session: Session, person_id: int) -> pd.DataFrame:
    """Return the groups a person was in: course, module, start date, session, group, exercise, target, role."""
    query = (
        sa.select(
            Course.code.label("course"),
            Module.number.label("module"),
            Module.start_date.label("module_start"),
            AgendaSession.title.label("session"),
            Group.name.label("group"),
            Group.exercise,
            Group.target,
            GroupMember.role,
        )
        .join(Group, Group.id == GroupMember.group_id)
        .join(Module, Module.id == Group.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(AgendaSession, AgendaSession.id == Group.session_id)
        .where(GroupMember.person_id == person_id)
        .order_by(Module.start_date, Course.code, Group.name)
    )
    columns = ["course", "module", "module_start", "session", "group", "exercise", "target", "role"]
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=columns)
    frame["role"] = frame["role"].map(_value)
    return frame

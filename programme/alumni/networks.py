"""Alumni networks as records: national associations and platforms, their officers and members."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.common import IS_LISTED, masked, people_from, person, person_columns
from programme.alumni.fulltext import text_condition
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.courses.catalogue import read_country
from programme.models import Network, NetworkKind, NetworkMember, NetworkRole, Person
from programme.people.names import by_name, clean_text

network_member = NetworkMember.__table__
# A founding year before the first course or after next year is a typing mistake.
EARLIEST_FOUNDED = 1950
# Officers and focal points are listed first on a network's page.
_ROLE_ORDER = {NetworkRole.FOCAL_POINT.value: 0, NetworkRole.OFFICER.value: 1, NetworkRole.MEMBER.value: 2}

# The members "Remove a member" offers at once; a find box narrows a larger network's.
MEMBER_CHOICES = 200
# The listed members a network's page shows at once (as the Outcomes table's newest 500); a find box narrows more.
MEMBER_ROWS = 500


def list_networks(session: Session) -> pd.DataFrame:
    """Return every network with its member count, by name."""
    members = (
        sa.select(network_member.c.network_id, sa.func.count().label("members"))
        .group_by(network_member.c.network_id)
        .subquery()
    )
    statement = sa.select(
        Network.id,
        Network.name,
        Network.kind,
        Network.country,
        Network.founded,
        sa.func.coalesce(members.c.members, 0).label("members"),
        Network.description,
        Network.activities,
    ).outerjoin(members, members.c.network_id == Network.id)
    frame = pd.DataFrame(by_name(session.execute(statement).mappings().all(), lambda row: row["name"]))
    if frame.empty:
        return pd.DataFrame(
            columns=["id", "name", "kind", "country", "founded", "members", "description", "activities"]
        )
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    return frame


def get_network(session: Session, network_id: int) -> Network:
    """Return the network, or NotFound."""
    found = session.get(Network, network_id)
    if found is None:
        raise NotFound("No such network.")
    return found


def find_network(session: Session, name: str) -> Network:
    """Return the network named name (case-insensitive, or the only one whose name contains it)."""
    text = clean_text(name).lower()
    exact = session.scalars(sa.select(Network).where(sa.func.lower(Network.name) == text)).all()
    if exact:
        return exact[0]
    close = session.scalars(sa.select(Network).where(sa.func.lower(Network.name).contains(text, autoescape=True))).all()
    if len(close) == 1:
        return close[0]
    known = by_name(session.scalars(sa.select(Network.name)).all())
    if not close:
        raise NotFound(f"No network named '{name}'. Known networks: {', '.join(known) or 'none yet'}.")
    raise ProgrammeError(f"'{name}' matches several networks: {', '.join(n.name for n in close)}. Be more precise.")


def save_network(
    session: Session,
    *,
    name: str,
    kind: NetworkKind | str = NetworkKind.ALUMNI_ASSOCIATION,
    country: str | None = None,
    founded: int | None = None,
    description: str | None = None,
    activities: str | None = None,
    network_id: int | None = None,
    by: SignedIn,
) -> Network:
    """Create a network (network_id None) or change one; audited; return it."""
    _check_can_edit(by)
    name = clean_text(name)
    if not name:
        raise ProgrammeError("A network needs a name.")
    if founded is not None and not EARLIEST_FOUNDED <= founded <= date.today().year + 1:
        raise ProgrammeError(f"The founding year {founded} does not look right.")
    clash = session.scalar(sa.select(Network.id).where(sa.func.lower(Network.name) == name.lower()))
    if clash is not None and clash != network_id:
        raise ProgrammeError(f"A network named '{name}' already exists.")
    network = Network() if network_id is None else get_network(session, network_id)
    before = None if network_id is None else network.model_dump(exclude={"id"})
    network.name = name
    network.kind = NetworkKind(kind)
    network.country = read_country(country) if country else None
    network.founded = founded
    network.description = clean_text(description) or None
    network.activities = (activities or "").strip() or None
    session.add(network)
    session.flush()
    audit.record(
        session,
        action="create" if network_id is None else "update",
        username=by.username,
        entity="network",
        entity_id=network.id,
        summary=f"network {network.id}",
        before=before,
        after=network.model_dump(exclude={"id"}),
    )
    return network


def add_member(
    session: Session,
    *,
    network_id: int,
    person_id: int,
    role: NetworkRole | str = NetworkRole.MEMBER,
    joined_on: date | None = None,
    by: SignedIn,
) -> NetworkMember:
    """Add a person to a network, or change their role and joining date there; audited."""
    _check_can_edit(by)
    get_network(session, network_id)
    member = session.get(Person, person_id)
    if member is None or member.erased_at is not None:
        raise NotFound("No such person (or their record was erased).")
    row = session.get(NetworkMember, (network_id, person_id))
    before = None if row is None else {"role": row.role, "joined_on": row.joined_on}
    row = row or NetworkMember(network_id=network_id, person_id=person_id)
    row.role = NetworkRole(role)
    row.joined_on = joined_on
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="create" if before is None else "update",
        username=by.username,
        entity="network_member",
        entity_id=network_id,
        summary=f"person {person_id} in network {network_id} as {row.role.value}",
        before=before,
        after={"role": row.role, "joined_on": row.joined_on},
    )
    return row


def remove_member(session: Session, *, network_id: int, person_id: int, by: SignedIn) -> None:
    """Take a person out of a network; audited."""
    _check_can_edit(by)
    row = session.get(NetworkMember, (network_id, person_id))
    if row is None:
        raise NotFound("This person is not a member of that network.")
    before = {"role": row.role, "joined_on": row.joined_on}
    session.delete(row)
    session.flush()
    audit.record(
        session,
        action="delete",
        username=by.username,
        entity="network_member",
        entity_id=network_id,
        summary=f"person {person_id} removed from network {network_id}",
        before=before,
    )


class Members(NamedTuple):
    """A network's listed members as its page shows them."""

    listed: pd.DataFrame  # the first `limit` listed members matching the search: officers first, then by name
    matching: int  # listed members matching the search (every listed member without one)
    not_listed: int  # members who did not agree to be listed: counted, never shown


def network_members(
    session: Session, network_id: int, *, user: SignedIn | None, search: str | None = None, limit: int = MEMBER_ROWS
) -> Members:
    """Return the network's listed members (consent-masked), officers and focal points first, then by name: the
    first `limit` of those whose indexed fields hold every word of `search` (as members_to_manage finds them), how
    many match, and how many members are not listed. A network of 2,241 listed members sent 0.44 MB to the browser
    on every load of the page at scale."""
    get_network(session, network_id)
    listed = sa.and_(network_member.c.network_id == network_id, IS_LISTED)
    condition = text_condition(session, search or "")
    found = listed if condition is None else sa.and_(listed, condition)
    role_order = sa.case(
        *((network_member.c.role == NetworkRole(role), order) for role, order in _ROLE_ORDER.items()), else_=3
    )
    members = people_from().join(network_member, network_member.c.person_id == person.c.id)
    statement = (
        sa.select(*person_columns(), network_member.c.role.label("network_role"), network_member.c.joined_on)
        .select_from(members)
        .where(found)
        .order_by(role_order, person.c.sort_name, person.c.id)
        .limit(limit)
    )
    frame = pd.DataFrame(session.execute(statement).mappings().all())

    def count(condition: Any) -> int:
        return int(session.scalar(sa.select(sa.func.count()).select_from(members).where(condition)) or 0)

    total = int(
        session.scalar(
            sa.select(sa.func.count()).select_from(network_member).where(network_member.c.network_id == network_id)
        )
        or 0
    )
    every_listed = count(listed)
    matching = every_listed if condition is None else count(found)
    if frame.empty:
        empty = pd.DataFrame(columns=["person_id", "name", "network_role", "joined_on"])
        return Members(empty, matching, total - every_listed)
    for column in ("network_role", "gender", "org_type"):
        frame[column] = frame[column].map(lambda value: getattr(value, "value", value))
    front = ["person_id", "name", "network_role", "joined_on"]
    frame = frame[front + [c for c in frame.columns if c not in front]].reset_index(drop=True)
    return Members(masked(frame, user), matching, total - every_listed)


def members_to_manage(
    session: Session, network_id: int, *, user: SignedIn, search: str | None = None, limit: int = MEMBER_CHOICES
) -> tuple[int, dict[int, str]]:
    """Return how many members match `search` (every member without one), listed or not, and the first `limit` of
    them by name as id → name (" · not listed" after those who did not agree to be listed), for the team to remove
    one: a member added by mistake, or one who asked to leave, is taken out even when they are not shown on the page
    (the person picker that adds them shows them to the team the same way). The search finds words in the person's
    indexed fields, as the person picker does: a network of 8,600 members listed every name on every page load."""
    _check_can_edit(user)
    get_network(session, network_id)
    query = (
        sa.select(Person.id, Person.full_name, Person.consent_listed)
        .join(network_member, network_member.c.person_id == Person.id)
        .where(network_member.c.network_id == network_id)
    )
    condition = text_condition(session, search or "")
    if condition is not None:
        query = query.where(condition)
    total = int(session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)
    rows = session.execute(query.order_by(Person.sort_name, Person.id).limit(limit)).all()
    names = [name or f"record {person_id}" for person_id, name, _ in rows]
    shared = {name for name, count in Counter(names).items() if count > 1}
    return total, {
        int(person_id): (f"{name} (record {person_id})" if name in shared else name)
        + ("" if listed else " · not listed")
        for (person_id, _, listed), name in zip(rows, names, strict=True)
    }


def _check_can_edit(user: SignedIn) -> None:
    if not user.can_edit:
        raise PermissionDenied("Only facilitators and administrators can change networks.")

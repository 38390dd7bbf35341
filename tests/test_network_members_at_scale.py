"""Networks' "Remove a member" at scale: a network of more members than MEMBER_CHOICES is searched by name, never
listed whole (a network of 8,686 members sent every name to the browser on every load of the page at scale)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from programme.access.accounts import SignedIn
from programme.alumni.networks import MEMBER_CHOICES, MEMBER_ROWS, members_to_manage, network_members
from programme.core.db import make_engine, session_scope
from programme.models import Network, NetworkMember, NetworkRole, Person, UserRole
from tests.apptest_support import run_page

MEMBERS = MEMBER_CHOICES + 3
EDITOR = SignedIn(user_id=0, username="tester", role=UserRole.FACILITATOR)


def _large_network(session) -> int:
    """A network of MEMBERS people named "Member 000" ..., and one Zainab Okafor who did not agree to be listed."""
    network = Network(name="Large Alumni Association")
    session.add(network)
    people = [
        Person(full_name=f"Member {i:03d}", name_key=f"member {i:03d}", consent_listed=True) for i in range(MEMBERS - 1)
    ]
    people.append(Person(full_name="Zainab Okafor", name_key="zainab okafor", consent_listed=False))
    session.add_all(people)
    session.flush()
    session.add_all(NetworkMember(network_id=network.id, person_id=person.id) for person in people)
    return int(network.id)


def test_members_to_manage_gives_the_first_by_name_and_the_count(engine) -> None:
    with session_scope(engine) as session:
        network_id = _large_network(session)
    with session_scope(engine) as session:
        counted = session.execute(
            sa.text("SELECT count(*) FROM network_member WHERE network_id = :n"), {"n": network_id}
        ).scalar_one()
        zainab = session.execute(sa.text("SELECT id FROM person WHERE full_name = 'Zainab Okafor'")).scalar_one()
        total, first = members_to_manage(session, network_id, user=EDITOR)
        found_total, found = members_to_manage(session, network_id, user=EDITOR, search="okafor")
    assert total == counted == MEMBERS
    assert len(first) == MEMBER_CHOICES and list(first.values())[:2] == ["Member 000", "Member 001"]
    assert (found_total, found) == (1, {zainab: "Zainab Okafor · not listed"})


@pytest.fixture
def large_network_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        _large_network(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_a_large_network_s_member_is_found_by_name_then_removed(large_network_db: str) -> None:
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    assert not app.exception
    # No list of every member: a find box, and how many there are.
    assert not [box for box in app.selectbox if box.key == "remove-member"]  # 203 options before
    assert any(f"{MEMBERS} members: type part of a name" in caption.value for caption in app.caption)
    app.text_input(key="remove-member-find").input("zainab").run()
    removable = next(box for box in app.selectbox if box.key == "remove-member")
    assert removable.options == ["Zainab Okafor · not listed"]
    app = next(button for button in app.button if button.label == "Remove from the network").click().run()
    assert not app.exception and not app.error
    with session_scope(make_engine(large_network_db)) as session:
        left = session.execute(sa.text("SELECT count(*) FROM network_member")).scalar_one()
        gone = session.execute(
            sa.text(
                "SELECT count(*) FROM network_member JOIN person ON person.id = person_id "
                "WHERE full_name = 'Zainab Okafor'"
            )
        ).scalar_one()
    assert (left, gone) == (MEMBERS - 1, 0)
    # A common word: the first MEMBER_CHOICES by name, with a caption saying how many were found.
    app.text_input(key="remove-member-find").input("member").run()
    assert len(next(box for box in app.selectbox if box.key == "remove-member").options) == MEMBER_CHOICES
    assert any(f"The first {MEMBER_CHOICES} of {MEMBERS - 1} members found" in c.value for c in app.caption)


# --- The member table: a network of more listed members than MEMBER_ROWS shows the first of them, officers first,
# and a find box (2,241 listed members were 0.44 MB sent to the browser on every load of the page at scale).

LISTED = MEMBER_ROWS + 3


def _very_large_network(session) -> int:
    """A network of LISTED listed members ("Listed 0000" ...), an officer whose name sorts last ("Zoë Officer"), one
    Amara Nwosu among the members, and two who did not agree to be listed."""
    network = Network(name="Very Large Alumni Association")
    session.add(network)
    people = [
        Person(full_name=f"Listed {i:04d}", name_key=f"listed {i:04d}", consent_listed=True) for i in range(LISTED - 2)
    ]
    people += [
        Person(full_name="Amara Nwosu", name_key="amara nwosu", consent_listed=True),
        Person(full_name="Zoë Officer", name_key="officer zoe", consent_listed=True),
        Person(full_name="Hidden One", name_key="hidden one", consent_listed=False),
        Person(full_name="Hidden Two", name_key="hidden two", consent_listed=False),
    ]
    session.add_all(people)
    session.flush()
    session.add_all(
        NetworkMember(
            network_id=network.id,
            person_id=person.id,
            role=NetworkRole.OFFICER if person.full_name == "Zoë Officer" else NetworkRole.MEMBER,
        )
        for person in people
    )
    return int(network.id)


def _counts(session, network_id: int) -> tuple[int, int]:
    """(listed, not listed) members by bare SQL."""
    rows = session.execute(
        sa.text(
            "SELECT person.consent_listed, count(*) FROM network_member JOIN person ON person.id = person_id "
            "WHERE network_id = :n GROUP BY person.consent_listed"
        ),
        {"n": network_id},
    ).all()
    counted = {bool(listed): int(n) for listed, n in rows}
    return counted.get(True, 0), counted.get(False, 0)


def test_network_members_gives_the_first_rows_officers_first_and_the_counts(engine) -> None:
    with session_scope(engine) as session:
        network_id = _very_large_network(session)
    with session_scope(engine) as session:
        listed, not_listed = _counts(session, network_id)
        first = network_members(session, network_id, user=EDITOR)
        found = network_members(session, network_id, user=EDITOR, search="nwosu")
        nobody = network_members(session, network_id, user=EDITOR, search="hidden")
    assert (listed, not_listed) == (LISTED, 2)
    assert (first.matching, first.not_listed, len(first.listed)) == (listed, not_listed, MEMBER_ROWS)
    names = first.listed["name"].tolist()
    assert names[:3] == ["Zoë Officer", "Amara Nwosu", "Listed 0000"]  # the officer first, then by name
    assert names[-1] == f"Listed {MEMBER_ROWS - 3:04d}" and "Hidden One" not in names
    assert (found.matching, found.listed["name"].tolist(), found.not_listed) == (1, ["Amara Nwosu"], not_listed)
    assert (nobody.matching, len(nobody.listed)) == (0, 0)  # those not listed are never found


@pytest.fixture
def very_large_network_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        _very_large_network(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def _member_table(app):
    """The members' table: the page's last table (the officers' comes first)."""
    return app.dataframe[-1].value


def test_a_very_large_network_lists_its_first_members_and_finds_the_others(very_large_network_db: str) -> None:
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    assert not app.exception
    assert len(_member_table(app)) == MEMBER_ROWS  # 504 rows before
    assert any(f"({LISTED:,} listed)" in markdown.value for markdown in app.markdown)
    assert any(f"The first {MEMBER_ROWS} of {LISTED} listed members are shown" in c.value for c in app.caption)
    app.text_input(key="members-find").input("nwosu").run()
    assert not app.exception
    assert _member_table(app)["name"].tolist() == ["Amara Nwosu"]
    assert not any("The first" in caption.value for caption in app.caption)
    app.text_input(key="members-find").input("nobody-of-that-name").run()
    assert any("No listed member of that name." in caption.value for caption in app.caption)

"""Merging two records of one person: every row with a person foreign key moves, nothing is doubled, audited.

The pair: Ana Thapa (the reach fixture's Ana, kept) and a second record "Ana Thapa" made by hand below, with
rows in every table that points at a person. Expected counts are worked out by hand in each test's comments.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.alumni.search import DirectoryQuery, search_directory
from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.importing.write import ATTENDANCE_FIELD
from programme.models import (
    ActionFocalPoint,
    ActionItem,
    AgendaSession,
    AttendanceDay,
    AuditEntry,
    ConsentKind,
    ConsentRecord,
    FormKind,
    FormLink,
    FormSubmission,
    Gender,
    Group,
    GroupMember,
    GroupRole,
    ImportBatch,
    ImportUpdate,
    Module,
    Network,
    NetworkMember,
    Outcome,
    Participation,
    Person,
    RegistrationReview,
    Response,
    SessionFacilitator,
    UserRole,
)
from programme.people.duplicates import possible_duplicates
from programme.people.merge import merge_people, person_references
from programme.people.names import name_key
from tests import reach_fixture

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)
VIEWER = SignedIn(user_id=2, username="view", role=UserRole.VIEWER)


def _count(session: Session, model: type, **where: object) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(session.scalar(query))


@pytest.fixture
def pair(session: Session) -> dict[str, int]:
    """The reach fixture plus a duplicate of Ana with a row in every table pointing at a person."""
    small = reach_fixture.build(session)
    ana, b2 = small.people["Ana"], small.modules["B2"]
    b3 = Module(course_id=session.get(Module, b2).course_id, number=3, title="Module 3",
                start_date=date(2014, 1, 6), end_date=date(2014, 1, 7), city="Penang", country="MYS")  # fmt: skip
    dup = Person(full_name="Ana Thapa", name_key=name_key("Ana Thapa"), nationality="NPL", gender=Gender.UNDISCLOSED,
                 email="ana.t@example.org", phone="+9779801234567", consent_listed=False)  # fmt: skip
    session.add_all([b3, dup])
    session.flush()
    # Participations: B2 (Ana is there too: days 1-2 on the duplicate, 3-4 on Ana) and B3 (only the duplicate).
    mine = session.scalar(sa.select(Participation).where(Participation.person_id == ana, Participation.module_id == b2))
    mine.days_attended, mine.completed = 2, False
    theirs = Participation(person_id=dup.id, module_id=b2, days_attended=2, completed=False)
    elsewhere = Participation(person_id=dup.id, module_id=b3.id, days_attended=2, completed=True)
    session.add_all([theirs, elsewhere])
    session.flush()
    session.add_all([AttendanceDay(participation_id=mine.id, day=d, present=d >= 3) for d in (1, 2, 3, 4)])
    session.add_all([AttendanceDay(participation_id=theirs.id, day=d, present=d <= 2) for d in (1, 2, 3, 4)])
    # Groups: one both are in (not doubled), one only the duplicate is in (in B3, where only the duplicate took part).
    together, apart = Group(module_id=b2, name="Delegation 1"), Group(module_id=b3.id, name="Delegation 2")
    first_network, second_network = Network(name="Nepal alumni"), Network(name="Corridor platform")
    visit = session.scalar(sa.select(AgendaSession).where(AgendaSession.title == "Mission visit"))
    cedaw = session.scalar(sa.select(AgendaSession).where(AgendaSession.title == "CEDAW"))
    action = session.scalar(sa.select(ActionItem))
    batch = ImportBatch(file_name="list.csv", file_hash="x" * 64, module_id=b2)
    session.add_all([together, apart, first_network, second_network, batch])
    session.flush()
    session.add_all(
        [
            GroupMember(group_id=together.id, person_id=ana, role=GroupRole.LEAD),
            GroupMember(group_id=together.id, person_id=dup.id, role=GroupRole.MEMBER),
            GroupMember(group_id=apart.id, person_id=dup.id, role=GroupRole.NOTE_TAKER),
            SessionFacilitator(session_id=cedaw.id, person_id=dup.id),  # Ana leads CEDAW already
            SessionFacilitator(session_id=visit.id, person_id=dup.id),
            ActionFocalPoint(action_item_id=action.id, person_id=dup.id),
            NetworkMember(network_id=first_network.id, person_id=ana, joined_on=date(2015, 1, 1)),
            NetworkMember(network_id=first_network.id, person_id=dup.id, joined_on=date(2014, 3, 1)),
            NetworkMember(network_id=second_network.id, person_id=dup.id),
            Outcome(person_id=dup.id, description="Shadow report", reported_on=date(2015, 2, 1)),
            Response(form_id=session.scalar(sa.select(Response.form_id)), person_id=dup.id),
            ImportUpdate(batch_id=batch.id, person_id=dup.id, field=ATTENDANCE_FIELD, old_value=json.dumps({"id": theirs.id})),
            ImportUpdate(batch_id=batch.id, person_id=dup.id, field="phone", old_value=None),
        ]
    )  # fmt: skip
    # A self-service registration (issue 22) that updated the duplicate, its consent, and one waiting for review.
    link = FormLink(module_id=b2, kind=FormKind.REGISTRATION, token="t" * 32, token_digest="d" * 64,
                    opens_on=date(2014, 1, 1))  # fmt: skip
    session.add(link)
    session.flush()
    sent = FormSubmission(link_id=link.id, browser_key="b" * 64, client_key="c" * 64, outcome="updated",
                          person_id=dup.id)  # fmt: skip
    queued = FormSubmission(link_id=link.id, browser_key="e" * 64, client_key="c" * 64, outcome="queued")
    session.add_all([sent, queued])
    session.flush()
    session.add_all(
        [
            ConsentRecord(submission_id=sent.id, person_id=dup.id, consent=ConsentKind.LISTED, given=True,
                          wording="I agree", wording_version="v1", language="en", recorded_on=date(2014, 1, 1)),
            RegistrationReview(submission_id=queued.id, candidate_id=dup.id, score=92.0, reason="similar name"),
        ]
    )  # fmt: skip
    session.commit()
    return {"ana": ana, "dup": dup.id, "b2": b2, "b3": b3.id, "together": together.id, "network": first_network.id}


def test_the_fixture_has_a_row_for_the_duplicate_in_every_table_pointing_at_a_person(session: Session, pair) -> None:
    # A table added later with a person foreign key makes this fail until the merge test covers it.
    for table, column in person_references():
        assert session.scalar(sa.select(sa.func.count()).select_from(table).where(column == pair["dup"])), table.name


def test_merge_moves_every_related_row_and_combines_the_shared_module(session: Session, pair) -> None:
    ana, dup = pair["ana"], pair["dup"]
    before = {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) for table, _ in person_references()
    }
    result = merge_people(session, keep_id=ana, remove_id=dup, by=FACILITATOR)
    session.commit()
    assert session.get(Person, dup) is None
    for table, column in person_references():
        assert not session.scalar(sa.select(sa.func.count()).select_from(table).where(column == dup)), table.name
    # Participations: Ana had A1, B1, B2; the duplicate B2 (combined) and B3 (moved): 4, one row fewer in all.
    assert _count(session, Participation, person_id=ana) == 4
    assert session.scalar(sa.select(sa.func.count()).select_from(Participation)) == before["participation"] - 1
    shared = session.scalar(
        sa.select(Participation).where(Participation.person_id == ana, Participation.module_id == pair["b2"])
    )
    # Days 3-4 (Ana) and 1-2 (duplicate): all 4 days of B2, so completed under the default rule (all days).
    days = session.scalars(sa.select(AttendanceDay.day).where(AttendanceDay.participation_id == shared.id,
                                                              AttendanceDay.present.is_(True))).all()  # fmt: skip
    assert sorted(days) == [1, 2, 3, 4] and shared.days_attended == 4 and shared.completed is True
    assert result.combined_modules == [pair["b2"]] and result.moved["participation"] == 1
    # Groups: "Delegation 1" keeps Ana once, as lead; "Delegation 2" (B3) now has Ana as note-taker.
    assert _count(session, GroupMember, person_id=ana) == 2
    assert session.get(GroupMember, (pair["together"], ana)).role == GroupRole.LEAD
    # Sessions led: CEDAW once (not doubled) and the mission visit: 2.
    assert _count(session, SessionFacilitator, person_id=ana) == 2
    assert _count(session, ActionFocalPoint, person_id=ana) == 1
    # Networks: the earlier joining date of the shared network; the second network moved.
    assert _count(session, NetworkMember, person_id=ana) == 2
    assert session.get(NetworkMember, (pair["network"], ana)).joined_on == date(2014, 3, 1)
    assert _count(session, Outcome, person_id=ana) == 1 and _count(session, Response, person_id=ana) == 1
    # Import updates: the attendance record follows its participation; the filled phone blank goes.
    assert _count(session, ImportUpdate, person_id=ana) == 1
    kept = session.get(Person, ana)
    assert kept.full_name == "Ana Thapa" and kept.email == "ana.t@example.org" and kept.phone == "+9779801234567"
    assert kept.gender == Gender.FEMALE  # the kept record's known gender is not replaced by "undisclosed"
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "merge"))
    assert entry.entity_id == ana and entry.username == "fac"
    assert f"person #{dup} merged into #{ana}" in entry.summary and "Ana" not in entry.summary
    assert json.loads(entry.before)["removed"]["email"] == "ana.t@example.org"


def test_two_records_in_two_groups_of_one_exercise_leave_the_person_in_one(session: Session, pair) -> None:
    """Rahim, on the lists twice, was put in Group 1 under one record and Group 4 under the other (module 3's
    groups); after the merge he was in both groups, with two roles, on the lists and role cards. Now the kept
    record's group stays, and the merge says so; a group of another exercise (an agenda session's) still moves."""
    ana, dup, b2 = pair["ana"], pair["dup"], pair["b2"]
    other = Group(module_id=b2, name="Delegation 3")
    visit = session.scalar(sa.select(AgendaSession).where(AgendaSession.title == "Mission visit"))
    role_play = Group(module_id=visit.module_id, session_id=visit.id, name="Role play A")
    session.add_all([other, role_play])
    session.flush()
    session.add_all(
        [
            GroupMember(group_id=other.id, person_id=dup, role=GroupRole.PRESENTER),
            GroupMember(group_id=role_play.id, person_id=dup, role=GroupRole.OFFICIAL),
        ]
    )
    session.commit()
    dry = merge_people(session, keep_id=ana, remove_id=dup, by=FACILITATOR, dry_run=True)
    assert dry.groups_dropped == 1 and dry.moved["group_member"] == 2
    result = merge_people(session, keep_id=ana, remove_id=dup, by=FACILITATOR)
    session.commit()
    groups = session.execute(
        sa.select(Group.module_id, Group.session_id, Group.name)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.person_id == ana)
    ).all()
    exercises = [(module_id, session_id) for module_id, session_id, _ in groups]
    assert len(exercises) == len(set(exercises)), groups
    assert {name for _, _, name in groups} == {"Delegation 1", "Delegation 2", "Role play A"}
    assert result.groups_dropped == 1 and "1 group membership of the removed record not kept" in result.summary()


def test_a_dry_run_says_what_would_move_and_writes_nothing(session: Session, pair) -> None:
    result = merge_people(session, keep_id=pair["ana"], remove_id=pair["dup"], by=FACILITATOR, dry_run=True)
    session.commit()
    assert session.get(Person, pair["dup"]).email == "ana.t@example.org"
    assert _count(session, Participation, person_id=pair["dup"]) == 2
    # By hand: 1 participation, 1 group, 1 session, 1 focal point, 1 network, 1 outcome, 1 response, 1 update,
    # and the self-service forms' rows: 1 submission, 1 consent record, 1 registration waiting for review.
    assert result.moved == {
        "participation": 1, "group_member": 1, "session_facilitator": 1, "action_focal_point": 1,
        "network_member": 1, "outcome": 1, "evaluation_response": 1, "import_update": 1,
        "form_submission": 1, "consent_record": 1, "registration_review": 1,
    }  # fmt: skip
    assert result.filled == ["email", "phone"] and not session.scalar(sa.select(AuditEntry.id))


def test_merge_keeps_the_search_tables_right(session: Session, pair) -> None:
    merge_people(session, keep_id=pair["ana"], remove_id=pair["dup"], by=FACILITATOR)
    session.commit()
    directory = sa.table("alumni_directory", sa.column("person_id"))
    assert not session.scalar(
        sa.select(sa.func.count()).select_from(directory).where(directory.c.person_id == pair["dup"])
    )
    found = search_directory(session, DirectoryQuery(text="thapa"), user=FACILITATOR)
    assert list(found.results["person_id"]) == [pair["ana"]]


def test_merge_refuses_bad_ids_and_viewers(session: Session, pair) -> None:
    with pytest.raises(ProgrammeError, match="two different"):
        merge_people(session, keep_id=pair["ana"], remove_id=pair["ana"], by=FACILITATOR)
    with pytest.raises(NotFound, match="no person with id 999"):
        merge_people(session, keep_id=pair["ana"], remove_id=999, by=FACILITATOR)
    with pytest.raises(PermissionDenied):
        merge_people(session, keep_id=pair["ana"], remove_id=pair["dup"], by=VIEWER)


def test_possible_duplicates_finds_the_second_record_and_not_other_nationalities(session: Session, pair) -> None:
    found = possible_duplicates(session, pair["ana"])
    assert list(found["person_id"]) == [pair["dup"]]
    assert found.iloc[0]["reason"] == "same name and nationality" and found.iloc[0]["score"] == 100.0
    assert found.iloc[0]["modules"] == 2
    # A similar name of another nationality is not offered; one without a nationality is.
    session.add(Person(full_name="Ana Thappa", name_key=name_key("Ana Thappa"), nationality="PHL"))
    session.add(Person(full_name="Anna Thapa", name_key=name_key("Anna Thapa")))
    session.commit()
    names = set(possible_duplicates(session, pair["ana"])["full_name"])
    assert names == {"Ana Thapa", "Anna Thapa"}


def test_cli_merges_and_refuses_bad_ids(tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    from programme.core import schema

    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        one = Person(full_name="Ram Rai", name_key=name_key("Ram Rai"), nationality="NPL")
        two = Person(full_name="Ram Rai", name_key=name_key("Ram Rai"), nationality="NPL", email="ram@x.org")
        session.add_all([one, two])
        session.flush()
        ids = one.id, two.id
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["person", "merge", "--keep", str(ids[0]), "--remove", "999"]) == 2
    assert "999" in capsys.readouterr().err
    assert main(["person", "merge", "--keep", str(ids[0]), "--remove", str(ids[1]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["kept"] == ids[0] and report["removed"] == ids[1] and report["filled"] == ["email"]
    with session_scope(engine) as session:
        assert session.get(Person, ids[0]).email == "ram@x.org" and session.get(Person, ids[1]) is None


def test_merging_two_records_in_the_same_module_without_day_records(session: Session) -> None:
    small = reach_fixture.build(session)
    b1 = small.modules["B1"]
    dup = Person(full_name="Cia Santos", name_key=name_key("Cia Santos"), nationality="PHL")
    session.add(dup)
    session.flush()
    session.add(Participation(person_id=dup.id, module_id=b1, attended=True, days_attended=3, completed=False))
    session.commit()
    # Cia's B1 participation: completed, no day count; the duplicate's: 3 days, not completed.
    merge_people(session, keep_id=small.people["Cia"], remove_id=dup.id, by=None)
    session.commit()
    kept = session.scalar(
        sa.select(Participation).where(Participation.person_id == small.people["Cia"], Participation.module_id == b1)
    )
    assert (kept.attended, kept.days_attended, kept.completed) == (True, 3, True)
    assert _count(session, Participation, module_id=b1) == 3  # Ana, Ben, Cia: no second Cia

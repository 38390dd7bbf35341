"""Two advocates of one country may share a name: a row with the same name and nationality as a recorded person but
another e-mail is a probable match for someone to decide, never merged silently (seen in a journey: "Maria Santos,
Philippines, maria@example.org" was written onto the recorded Maria Santos of maria.santos@example.org, her e-mail
and organisation dropped, and the certificate went to the other record). On both databases."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from programme.courses.catalogue import add_course, add_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
from programme.importing.preview import preview_rows, probable_pairs
from programme.models import Participation, Person
from programme.selfservice import links, registration

RECORDED = "maria.santos@example.org"


def _module(session: Session) -> int:
    add_course(session, code="SN1", title="Same names", by=None)
    module = add_module(session, course_code="SN1", number=1, title="One", start=date(2024, 5, 6),
                        end=date(2024, 5, 8), by=None)  # fmt: skip
    session.add(Person(full_name="Maria Santos", name_key="maria santos", nationality="PHL", email=RECORDED))
    session.commit()
    return module.id


def _plan(session: Session, module_id: int, lines: list[str]):  # type: ignore[no-untyped-def]
    from programme.models import Module

    data = "\n".join(["Full name,E-mail,Nationality", *lines]).encode()
    table = read_participant_sheet(data, "list.csv")
    return build_plan(session, table=table, mapping=detect_mapping(table.columns), module=session.get(Module, module_id),
                      file_name="list.csv", file_hash=file_hash(data))  # fmt: skip


def test_the_same_name_and_nationality_with_another_e_mail_is_probable_not_matched(session: Session) -> None:
    module_id = _module(session)
    maria = session.scalar(sa.select(Person).where(Person.email == RECORDED))
    lines = [
        "Maria Santos,maria@example.org,Philippines",  # another e-mail: perhaps another Maria Santos
        "Maria Santos,,Philippines",  # no e-mail to tell them apart: the recorded one, as before
        "MARIA SANTOS,Maria.Santos@Example.org,Philippines",  # her e-mail
    ]
    planned = [_plan(session, module_id, [line]).rows[0] for line in lines]  # each list on its own
    assert [(row.status.value, row.person_id, row.reason) for row in planned] == [
        ("probable", maria.id, "same name and nationality, another e-mail"),
        ("matched", maria.id, "same name and nationality"),
        ("matched", maria.id, "same e-mail"),
    ]

    # Side by side on the page: the two e-mails that tell them apart.
    pairs = probable_pairs(_plan(session, module_id, [lines[0]]))
    assert pairs[["e-mail in the sheet", "e-mail recorded"]].values.tolist() == [["maria@example.org", RECORDED]]

    # Not accepted as her: the first row is a new person with their own e-mail; Maria's record is as it was.
    only = _plan(session, module_id, ["Maria Santos,maria@example.org,Philippines"])
    result = apply_plan(session, plan=only, username="t")
    session.commit()
    assert (result.created, result.matched) == (1, 0)
    session.refresh(maria)
    assert maria.email == RECORDED
    other = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    assert other is not None and other.id != maria.id and other.full_name == "Maria Santos"
    assert session.scalar(sa.select(Participation.person_id).where(Participation.module_id == module_id)) == other.id


def test_accepted_as_the_same_person_the_row_joins_her_record(session: Session) -> None:
    module_id = _module(session)
    maria = session.scalar(sa.select(Person).where(Person.email == RECORDED))
    plan = _plan(session, module_id, ["Maria Santos,maria@example.org,Philippines"])
    result = apply_plan(session, plan=plan, username="t", accepted=[plan.rows[0].row])
    session.commit()
    assert (result.created, result.matched) == (0, 1)
    assert session.scalar(sa.select(Participation.person_id).where(Participation.module_id == module_id)) == maria.id
    session.refresh(maria)
    assert maria.email == RECORDED  # a recorded e-mail is never replaced by an import


def test_a_registration_with_the_same_name_and_another_e_mail_waits_for_review(session: Session) -> None:
    module_id = _module(session)
    token = links.open_form(session, module_id=module_id, kind="registration").token
    session.commit()
    result = registration.submit_registration(
        session, token, {"full_name": "Maria Santos", "email": "maria@example.org", "nationality": "Philippines"},
        {}, browser="b1", client=None,
    )  # fmt: skip
    session.commit()
    assert result.outcome == "queued"
    queue = registration.review_queue(session, module_id)
    assert [item["reason"] for item in queue] == ["same name and nationality, another e-mail"]


def test_two_rows_of_one_file_with_one_name_and_two_e_mails_are_two_people(session: Session) -> None:
    """In one list too: the same name and nationality with another e-mail is not the earlier row repeated."""
    module_id = _module(session)
    plan = _plan(session, module_id, [
        "Ana Reyes,ana.reyes@example.org,Philippines",
        "Ana Reyes,ana.r@example.net,Philippines",  # another Ana Reyes
        "ana reyes,,Philippines",  # no e-mail to tell: the first row repeated, as before
        "Ana Reyes,ANA.REYES@example.org,Philippines",  # the first row's e-mail
    ])  # fmt: skip
    assert [(row.row, row.status.value, row.same_as_row) for row in plan.rows] == [
        (2, "new", None),
        (3, "new", None),
        (4, "repeated in file", 2),
        (5, "repeated in file", 2),
    ]
    assert plan.rows[1].reason == "not the person of row 2: the same name and nationality, another e-mail"
    assert preview_rows(plan)["match"].tolist()[1] == plan.rows[1].reason  # said on the page
    result = apply_plan(session, plan=plan, username="t")
    session.commit()
    assert result.created == 2
    assert sorted(session.scalars(sa.select(Person.email).where(Person.full_name == "Ana Reyes"))) == [
        "ana.r@example.net",
        "ana.reyes@example.org",
    ]

"""Voiding a participant's own registration undoes exactly what it did, on both databases: the participation it
created goes unless the person has since taken part, the fields it changed go back unless changed since, the
consents it recorded are withdrawn, and the message says what was undone.

Built here: course SV1, module 1 (2 to 4 December 2026) and module 2; Maria Santos already recorded (Philippines,
maria@example.org; no phone, position, organisation or consent). Expected values are written out by hand.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.courses.catalogue import add_course, add_module
from programme.models import (
    AuditEntry,
    CheckinCode,
    ConsentKind,
    ConsentRecord,
    FormSubmission,
    Organisation,
    Participation,
    Person,
    UserRole,
)
from programme.people.edit import edit_person
from programme.planning.attendance import mark_attendance
from programme.selfservice import links, registration, submissions

ALL_CONSENTS = dict.fromkeys(ConsentKind, True)
MARIA = {"full_name": "Maria Santos", "email": "maria@example.org", "nationality": "Philippines",
         "phone": "+63 917 123 4567", "position": "Coordinator", "organisation": "Migrante Philippines",
         "org_type": "NGO"}  # fmt: skip
CONSENT_WORDS = "consent (listed, sharing e-mail, sharing phone, sharing organisation, photos, date, source)"
FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)


@pytest.fixture
def module_ids(session: Session) -> tuple[int, int]:
    add_course(session, code="SV1", title="Void test course", by=None)
    first = add_module(session, course_code="SV1", number=1, title="Rights of migrant workers",
                       start=date(2026, 12, 2), end=date(2026, 12, 4), city="Bangkok", by=None)  # fmt: skip
    second = add_module(session, course_code="SV1", number=2, title="Follow-up",
                        start=date(2027, 3, 1), end=date(2027, 3, 2), city="Manila", by=None)  # fmt: skip
    session.add(Person(full_name="Maria Santos", name_key="maria santos", nationality="PHL", email="maria@example.org"))
    session.commit()
    return first.id, second.id


def _open(session: Session, module_id: int) -> str:
    token = links.open_form(session, module_id=module_id, kind="registration", allow_multiple=True).token
    session.commit()
    return token


def _register(session: Session, token: str, values: dict, browser: str = "b1"):  # type: ignore[no-untyped-def]
    result = registration.submit_registration(session, token, values, ALL_CONSENTS, browser=browser, client="10.0.0.5")
    session.commit()
    return result


def _void(session: Session, submission_id: int) -> str:
    effect = submissions.void_submission(session, submission_id, by="facilitator")
    session.commit()
    return effect


def _maria(session: Session) -> Person:
    person = session.scalar(sa.select(Person).where(Person.full_name == "Maria Santos"))
    session.refresh(person)
    return person


def _participation(session: Session, person_id: int, module_id: int) -> Participation | None:
    found = session.scalar(
        sa.select(Participation).where(Participation.person_id == person_id, Participation.module_id == module_id)
    )
    if found is not None:
        session.refresh(found)
    return found


def _count(session: Session, *where) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).where(*where))


def test_voiding_an_update_puts_the_record_back_and_removes_the_participation(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    result = _register(session, _open(session, module_id), MARIA)
    assert result.outcome == "updated"
    maria = _maria(session)
    assert (maria.phone, maria.position, maria.consent_listed, maria.consent_photo) == (
        "+639171234567", "Coordinator", True, True)  # fmt: skip
    organisation_id = maria.organisation_id
    assert session.get(Organisation, organisation_id).name == "Migrante Philippines"
    assert _participation(session, maria.id, module_id).registered

    effect = _void(session, result.submission_id)

    assert effect == (
        "its participation in this module was removed; put back as before: phone, position, organisation, "
        f"{CONSENT_WORDS}; the organisation it created was removed; its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.full_name, maria.email, maria.nationality) == ("Maria Santos", "maria@example.org", "PHL")
    assert (maria.phone, maria.position, maria.organisation_id) == (None, None, None)
    assert (maria.consent_listed, maria.consent_email, maria.consent_phone, maria.consent_organisation,
            maria.consent_photo, maria.consent_date, maria.consent_source) == (
        False, False, False, False, False, None, None)  # fmt: skip
    assert _participation(session, maria.id, module_id) is None
    assert session.get(Organisation, organisation_id) is None
    assert _count(session, ConsentRecord.person_id == maria.id) == 0
    assert _count(session, CheckinCode.module_id == module_id) == 0
    submission = session.get(FormSubmission, result.submission_id)
    session.refresh(submission)
    assert submission.voided and submission.changes is None  # what it changed (personal data) goes with it
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == maria.id))
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert (before["phone"], before["position"], before["consent_listed"]) == ("+639171234567", "Coordinator", True)
    assert (after["phone"], after["position"], after["consent_listed"]) == (None, None, False)
    void_entry = session.scalar(
        sa.select(AuditEntry.summary).where(
            AuditEntry.entity == "form_submission",
            AuditEntry.entity_id == result.submission_id,
            AuditEntry.action == "update",
        )  # fmt: skip
    )
    assert void_entry == f"form submission voided: {effect}"


def test_a_field_changed_since_and_attendance_are_kept(session: Session, module_ids: tuple[int, int]) -> None:
    module_id = module_ids[0]
    result = _register(session, _open(session, module_id), MARIA)
    maria = _maria(session)
    edit_person(session, person_id=maria.id, values={"position": "Director"}, by=FACILITATOR)
    participation = _participation(session, maria.id, module_id)
    mark_attendance(session, participation_id=participation.id, days_present={1: True}, by="facilitator")
    session.commit()

    effect = _void(session, result.submission_id)

    assert effect == (
        "its participation in this module was kept (marked as attending); the check-in code it gave was withdrawn; "
        f"put back as before: phone, organisation, {CONSENT_WORDS}; kept as changed since: position; "
        "the organisation it created was removed; its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.position, maria.phone, maria.organisation_id, maria.consent_listed) == ("Director", None, None, False)
    participation = _participation(session, maria.id, module_id)
    assert participation.attended is True and participation.registered
    assert _count(session, CheckinCode.participation_id == participation.id) == 0


def test_a_participation_recorded_before_is_only_unmarked_registered(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    maria = _maria(session)
    session.add(Participation(person_id=maria.id, module_id=module_id, attended=None, registered=False))
    session.commit()
    result = _register(session, _open(session, module_id), {"full_name": "Maria Santos", "email": "maria@example.org"})
    assert _participation(session, maria.id, module_id).registered

    effect = _void(session, result.submission_id)

    assert effect == (
        "the participation in this module is no longer marked registered; the check-in code it gave was withdrawn; "
        f"put back as before: {CONSENT_WORDS}; its 5 consent records were withdrawn"
    )
    participation = _participation(session, maria.id, module_id)
    assert participation is not None and participation.registered is False and participation.attended is None
    assert _count(session, CheckinCode.participation_id == participation.id) == 0


def test_two_registrations_of_one_person_voided_in_either_order_leave_the_record_as_before(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    token = _open(session, module_id)
    first = _register(session, token, {**MARIA, "position": "Coordinator"})
    # Another position: it would change the record, so it waits for a facilitator, who says it is the same person.
    second = _register(session, token, {**MARIA, "position": "Director", "phone": ""}, browser="b2")
    assert second.outcome == "queued" and _maria(session).position == "Coordinator"
    review = submissions.pending_reviews(session, module_id)[0]
    assert review.reason == "would change the recorded position"
    registration.decide_review(session, review.id, decision="merge", by="fac")
    session.commit()
    maria = _maria(session)
    assert (maria.position, maria.phone) == ("Director", "+639171234567")
    participation_id = _participation(session, maria.id, module_id).id

    # The first, while the second is live: the second wrote position and consents again (its organisation, the one
    # recorded, was left as it was); phone and organisation only the first.
    effect = _void(session, first.submission_id)
    assert effect == (
        "its participation in this module was kept (another registration of theirs is still live); "
        f"put back as before: phone, organisation; kept as changed since: position, {CONSENT_WORDS}; "
        "the organisation it created was removed; its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.position, maria.phone, maria.consent_listed) == ("Director", None, True)
    # The second, settled by the facilitator, gave a code (handed on by the facilitator): it still works.
    assert _count(session, CheckinCode.participation_id == participation_id) == 1

    # Then the second: the record is as before both, the participation gone.
    effect = _void(session, second.submission_id)
    assert effect == (
        f"its participation in this module was removed; put back as before: position, {CONSENT_WORDS}; "
        "its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.position, maria.phone, maria.organisation_id, maria.consent_listed, maria.consent_date) == (
        None, None, None, False, None)  # fmt: skip
    assert _participation(session, maria.id, module_id) is None
    assert _count(session, Organisation.name == "Migrante Philippines") == 0


def test_two_registrations_voided_in_either_order_keep_the_one_code_until_both_are_void(
    session: Session, module_ids: tuple[int, int]
) -> None:
    # Registering again gives no code (anyone who knows a person's name and e-mail could otherwise get a working one
    # for them and void theirs): the first registration's code is the participation's until both are void.
    module_id = module_ids[0]
    token = _open(session, module_id)
    for voided_first in (1, 0):
        first = _register(session, token, {"full_name": "Maria Santos", "email": "maria@example.org"})
        first_digest = session.scalar(sa.select(CheckinCode.code_digest))
        second = _register(session, token, {"full_name": "Maria Santos", "email": "maria@example.org"}, browser="b2")
        assert second.checkin_code is None and session.scalar(sa.select(CheckinCode.code_digest)) == first_digest
        one, other = (first, second)[voided_first], (first, second)[1 - voided_first]
        effect = _void(session, one.submission_id)
        assert effect.startswith(
            "its participation in this module was kept (another registration of theirs is still live); "
        )
        assert "check-in code" not in effect  # neither withdrawn nor replaced: handed over to the one still live
        session.expire_all()
        assert session.scalar(sa.select(CheckinCode.code_digest)) == first_digest
        assert _void(session, other.submission_id).startswith("its participation in this module was removed; ")
        assert session.scalar(sa.select(sa.func.count()).select_from(CheckinCode)) == 0


def test_a_created_person_in_another_module_is_kept_without_this_participation_or_consent(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id, other_module = module_ids
    result = _register(session, _open(session, module_id), {"full_name": "Rina Dewi", "email": "rina@example.org"})
    assert result.outcome == "created"
    session.add(Participation(person_id=result.person_id, module_id=other_module, attended=True))
    session.commit()

    effect = _void(session, result.submission_id)

    assert effect == (
        f"its participation in this module was removed; put back as before: {CONSENT_WORDS}; "
        "the person it created was kept; its 5 consent records were withdrawn"
    )
    rina = session.get(Person, result.person_id)
    session.refresh(rina)
    assert (rina.full_name, rina.email, rina.consent_listed, rina.consent_source) == (
        "Rina Dewi", "rina@example.org", False, None)  # fmt: skip
    assert _participation(session, rina.id, module_id) is None
    assert _participation(session, rina.id, other_module) is not None


def test_a_created_person_only_here_is_removed_unless_they_attended(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    token = _open(session, module_id)
    gone = _register(session, token, {"full_name": "Rina Dewi", "email": "rina@example.org"})
    came = _register(session, token, {"full_name": "Lan Nguyen", "email": "lan@example.org"}, browser="b2")
    participation = _participation(session, came.person_id, module_id)
    mark_attendance(session, participation_id=participation.id, days_present={1: True, 2: False}, by="facilitator")
    session.commit()

    assert _void(session, gone.submission_id) == (
        "the person it created was removed; its 5 consent records were withdrawn"
    )
    assert session.get(Person, gone.person_id) is None
    assert _void(session, came.submission_id) == (
        "its participation in this module was kept (marked as attending); the check-in code it gave was withdrawn; "
        f"put back as before: {CONSENT_WORDS}; the person it created was kept; its 5 consent records were withdrawn"
    )
    assert session.get(Person, came.person_id) is not None


def test_voiding_after_the_person_was_erased_restores_nothing_personal(
    session: Session, module_ids: tuple[int, int]
) -> None:
    from programme.access.erasure import forget_person

    module_id = module_ids[0]
    result = _register(session, _open(session, module_id), MARIA)
    maria_id = result.person_id
    forget_person(session, person_id=maria_id, by="admin")
    session.commit()

    assert _void(session, result.submission_id) == (
        "its participation in this module was removed; the person's record was erased since: nothing of it to put "
        "back; its 5 consent records were withdrawn"
    )
    erased = session.get(Person, maria_id)
    session.refresh(erased)
    assert (erased.full_name, erased.email, erased.phone, erased.position) == (f"Erased person #{maria_id}", None,
                                                                               None, None)  # fmt: skip
    assert _participation(session, maria_id, module_id) is None


def test_a_registration_merged_from_the_review_queue_is_undone_too(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    queued = _register(session, _open(session, module_id), {"full_name": "Maria Santoz", "nationality": "PHL",
                                                             "email": "ms@example.org", "position": "Organiser"})  # fmt: skip
    assert queued.outcome == "queued"
    review = submissions.pending_reviews(session, module_id)[0]
    registration.decide_review(session, review.id, decision="merge", by="facilitator")
    session.commit()
    maria = _maria(session)
    assert (maria.email, maria.position) == ("ms@example.org", "Organiser")

    assert _void(session, queued.submission_id) == (
        f"its participation in this module was removed; put back as before: e-mail, position, {CONSENT_WORDS}; "
        "its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.email, maria.position, maria.consent_listed) == ("maria@example.org", None, False)
    assert _participation(session, maria.id, module_id) is None


def test_a_registration_sent_before_changes_were_kept_is_voided_without_guessing(
    session: Session, module_ids: tuple[int, int]
) -> None:
    module_id = module_ids[0]
    result = _register(session, _open(session, module_id), MARIA)
    session.execute(sa.update(FormSubmission).values(changes=None))  # as a submission stored before migration 0018
    session.commit()

    assert _void(session, result.submission_id) == (
        "it was sent before voids kept what a registration changed: the record (its consents included) and the "
        "participation stay as they are (correct them on the Participants page); its 5 consent records were withdrawn"
    )
    maria = _maria(session)
    assert (maria.position, maria.consent_listed) == ("Coordinator", True)
    assert _participation(session, maria.id, module_id) is not None

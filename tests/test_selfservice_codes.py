"""Check-in codes and registering again (a phone journey, wave 14): a second registration for a module (same name and
e-mail) gave a new code and voided the first, so anyone who knew a person's name and e-mail got a working code for
them; a reload of the thank-you page lost the code; the organisers could not give a lost code again.

The module built here: course SC1, module 1, running from yesterday to tomorrow (today is its day 2), Bangkok; one
person already recorded, Maria Santos (Philippines, maria@example.org).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.courses.catalogue import add_course, add_module
from programme.models import AuditEntry, CheckinCode, ConsentKind, FormSubmission, Participation, Person
from programme.selfservice import checkin, links, receipt, registration, submissions

ALL_CONSENTS = dict.fromkeys(ConsentKind, True)
MARIA = {"full_name": "Maria Santos", "email": "maria@example.org"}


@pytest.fixture
def module_id(session: Session) -> int:
    add_course(session, code="SC1", title="Check-in codes course", by=None)
    today = links.today()
    module = add_module(session, course_code="SC1", number=1, title="Rights of migrant workers",
                        start=today - timedelta(days=1), end=today + timedelta(days=1), city="Bangkok",
                        by=None)  # fmt: skip
    session.add(Person(full_name="Maria Santos", name_key="maria santos", nationality="PHL", email="maria@example.org"))
    session.commit()
    return module.id


def _open(session: Session, module_id: int, kind: str) -> str:
    token = links.open_form(session, module_id=module_id, kind=kind, allow_multiple=kind == "checkin").token
    session.commit()
    return token


def _register(session: Session, token: str, values: dict, browser: str):  # type: ignore[no-untyped-def]
    result = registration.submit_registration(session, token, values, ALL_CONSENTS, browser=browser, client=None)
    session.commit()
    return result


def _check_in(session: Session, token: str, code: str | None, browser: str) -> int | None:
    day = checkin.submit_checkin(session, token, code, browser=browser, client=None)
    session.commit()
    return day


def _digests(session: Session) -> list[str]:
    return list(session.scalars(sa.select(CheckinCode.code_digest)))


def test_registering_again_neither_reveals_nor_replaces_the_code(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    first = _register(session, token, MARIA, browser="maria's phone")
    assert first.outcome == "updated" and first.checkin_code and len(first.checkin_code) == 6
    digests = _digests(session)
    assert len(digests) == 1

    # Someone else who knows her name and e-mail, on another phone.
    again = _register(session, token, {**MARIA, "full_name": "maria  SANTOS"}, browser="a stranger's phone")

    assert again.checkin_code is None and again.receipt is None
    assert _digests(session) == digests  # her code is not replaced
    checkin_token = _open(session, module_id, "checkin")
    assert _check_in(session, checkin_token, first.checkin_code, "c1") == 2  # and it still works
    # No code anyone could have been given by the second: the module has one code, hers.
    assert session.scalar(sa.select(sa.func.count()).select_from(CheckinCode)) == 1
    # The second registration is recorded, with no code given (a void of it has no code to withdraw or put back).
    kept = json.loads(session.get(FormSubmission, again.submission_id).changes)
    assert "checkin" not in kept and "receipt" not in kept
    assert submissions.void_submission(session, again.submission_id, by="facilitator")
    session.commit()
    assert _digests(session) == digests
    assert _check_in(session, checkin_token, first.checkin_code, "c2") == 2


def test_a_merged_registration_of_someone_with_a_code_keeps_their_code(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    first = _register(session, token, MARIA, browser="b1")
    digests = _digests(session)
    queued = _register(session, token, {**MARIA, "nationality": "Indonesia"}, "b2")  # recorded: Philippines
    assert queued.outcome == "queued"
    review = submissions.pending_reviews(session, module_id)[0]
    settled = registration.settle_review(session, review.id, decision="merge", by="facilitator")
    session.commit()
    assert settled.checkin_code is None and settled.kept_code
    assert _digests(session) == digests
    assert _check_in(session, _open(session, module_id, "checkin"), first.checkin_code, "c1") == 2


def test_the_receipt_shows_the_code_again_on_its_link_only(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    other_token = _open(session, module_id, "registration")
    result = _register(session, token, {"full_name": "Rina Dewi", "email": "rina@example.org"}, browser="b1")
    assert result.receipt and result.checkin_code

    assert receipt.open_receipt(session, token, result.receipt) == result.checkin_code
    # Found again from the page session's own key (a double tap's second run), and from no other.
    assert receipt.of_browser(session, token, "b1") == result.receipt
    assert receipt.of_browser(session, token, "b2") is None and receipt.of_browser(session, other_token, "b1") is None
    # Not on another link, nor with a changed secret or another submission's number.
    number, secret = result.receipt.split(".", 1)
    assert receipt.open_receipt(session, other_token, result.receipt) is None
    assert receipt.open_receipt(session, token, f"{number}.{secret[:-1]}x") is None
    assert receipt.open_receipt(session, token, f"{int(number) + 1}.{secret}") is None
    for nonsense in (None, "", "12", ".abc", "x.y", "99999999999999999999.abc"):
        assert receipt.open_receipt(session, token, nonsense) is None
    # The database alone does not hold the code: what the submission keeps is its sealed form and a digest.
    kept = session.get(FormSubmission, result.submission_id).changes
    assert result.checkin_code not in kept and secret not in kept

    # Replaced by the organisers: the old receipt no longer shows it.
    participation_id = session.scalar(sa.select(Participation.id).where(Participation.person_id == result.person_id))
    new_code = checkin.reissue_code(session, participation_id, by="facilitator")
    session.commit()
    assert new_code != result.checkin_code
    assert receipt.open_receipt(session, token, result.receipt) is None


def test_a_voided_registration_s_receipt_shows_nothing(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    result = _register(session, token, {"full_name": "Rina Dewi", "email": "rina@example.org"}, browser="b1")
    submissions.void_submission(session, result.submission_id, by="facilitator")
    session.commit()
    assert receipt.open_receipt(session, token, result.receipt) is None


def test_the_organisers_give_a_lost_code_again(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    first = _register(session, token, MARIA, browser="b1")
    session.add(Participation(person_id=_other(session), module_id=module_id))
    session.commit()
    holders = checkin.code_holders(session, module_id)
    # Counted by hand: Maria registered with a code, Other added without one.
    assert holders[["full_name", "has_code"]].values.tolist() == [["Maria Santos", True], ["Other Person", False]]
    maria = int(holders.loc[holders["full_name"] == "Maria Santos", "participation_id"].iloc[0])
    new_code = checkin.reissue_code(session, maria, by="facilitator")
    session.commit()
    checkin_token = _open(session, module_id, "checkin")
    assert _check_in(session, checkin_token, first.checkin_code, "c1") is None  # the lost one no longer works
    assert _check_in(session, checkin_token, new_code, "c2") == 2
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.username == "facilitator")).one()
    assert (entry.entity, entry.entity_id) == ("participation", maria)
    assert new_code not in (entry.summary or "") and "Maria" not in (entry.summary or "")


def _other(session: Session) -> int:
    person = Person(full_name="Other Person", name_key="other person")
    session.add(person)
    session.flush()
    return person.id

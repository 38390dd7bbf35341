"""Erasing a person leaves none of their personal data in the self-service tables, on both databases.

The person registers through the self-service functions four times: once as a new person, once again with a position
and phone (a certain match filling blanks: an update, whose before/after values the submission keeps), once with
another position (a certain match that would change the record: waiting for review, the typed values kept as JSON),
and once with a misspelt name and another e-mail (a probable match: waiting for review too). Then they
are erased, and every column of registration_review, form_submission, consent_record and checkin_code is read back
as text and searched, ignoring case, for their name, the parts of their name, their e-mails and their phone.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from programme.access.erasure import forget_person
from programme.courses.catalogue import add_course, add_module
from programme.models import (
    CheckinCode,
    ConsentKind,
    ConsentRecord,
    FormSubmission,
    Participation,
    Person,
    RegistrationReview,
    ReviewStatus,
)
from programme.selfservice import links, registration, submissions

NAME, EMAIL, PHONE = "Chanthavy Sourivong", "chanthavy.sourivong@example.org", "+855 12 345 678"
OTHER_EMAIL = "c.sourivong@example.net"  # typed on the third registration
TRACES = ("chanthavy", "sourivong", EMAIL, OTHER_EMAIL, "12345678", "12 345 678", "+85512345678")
POSITIONS = ("archivist", "paralegal")  # other personal values the registrations kept (before/after)
TABLES = ("registration_review", "form_submission", "consent_record", "checkin_code")


def _texts(session: Session) -> str:
    """Every value of every column of the self-service tables, as text, lower-cased."""
    texts = []
    for table in TABLES:
        columns = sa.inspect(session.connection()).get_columns(table)
        for column in columns:
            name = column["name"]
            query = sa.text(f'SELECT CAST("{name}" AS TEXT) FROM "{table}" WHERE "{name}" IS NOT NULL')
            texts.extend(str(value) for (value,) in session.execute(query))
    return "\n".join(texts).lower()


def test_erasure_leaves_no_trace_in_the_self_service_tables(session: Session) -> None:
    add_course(session, code="SE1", title="Erasure course", by=None)
    module = add_module(session, course_code="SE1", number=1, title="Documenting violations",
                        start=date(2026, 12, 2), end=date(2026, 12, 4), city="Phnom Penh", by=None)  # fmt: skip
    token = links.open_form(session, module_id=module.id, kind="registration", allow_multiple=True).token
    session.commit()
    consents = dict.fromkeys(ConsentKind, True)

    def register(values: dict, browser: str) -> registration.RegistrationResult:
        result = registration.submit_registration(session, token, values, consents, browser=browser, client=None)
        session.commit()
        return result

    created = register({"full_name": NAME, "email": EMAIL, "nationality": "Cambodia"}, "b1")
    updated = register({"full_name": NAME, "email": EMAIL, "phone": PHONE, "position": "Paralegal"}, "b2")
    changing = register({"full_name": NAME, "email": EMAIL, "position": "Archivist"}, "b4")
    queued = register({"full_name": "Chanthavy Sourivon", "email": OTHER_EMAIL, "nationality": "Cambodia",
                       "phone": PHONE}, "b3")  # fmt: skip
    assert [r.outcome for r in (created, updated, changing, queued)] == ["created", "updated", "queued", "queued"]
    assert updated.person_id == created.person_id
    before = _texts(session)
    for trace in set(TRACES + POSITIONS) - {EMAIL}:
        assert trace in before, trace  # the search finds what is really there (the e-mail: unchanged, not kept)

    forget_person(session, person_id=created.person_id, by="admin")
    session.commit()

    after = _texts(session)
    left = [trace for trace in TRACES + POSITIONS if trace in after]
    assert not left, [after[max(0, after.find(t) - 120) : after.find(t) + 60] for t in left]
    # The registrations waiting to be matched to them are settled as discarded, with their consent records.
    for review in session.scalars(sa.select(RegistrationReview)).all():
        session.refresh(review)
        assert (review.status, review.values, review.decided_by) == (ReviewStatus.DISCARDED, None, "admin")
    assert submissions.pending_reviews(session) == []
    for waiting in (changing, queued):
        assert (
            session.scalar(sa.select(sa.func.count()).where(ConsentRecord.submission_id == waiting.submission_id)) == 0
        )
    # Their place in the module stays for the figures, without a check-in code anyone could still use.
    participation = session.scalar(sa.select(Participation).where(Participation.person_id == created.person_id))
    assert participation is not None and participation.registered
    assert session.scalar(sa.select(sa.func.count()).select_from(CheckinCode)) == 0
    # The submissions stay (counted, voidable) with what they did to the participation, not the person's values.
    outcomes = session.execute(sa.select(FormSubmission.outcome).order_by(FormSubmission.id)).scalars().all()
    assert outcomes == ["created", "updated", "discarded", "discarded"]
    assert session.get(Person, created.person_id).full_name == f"Erased person #{created.person_id}"

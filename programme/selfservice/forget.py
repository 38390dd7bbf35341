"""What erasing a person does to the self-service tables (called by access/erasure.forget_person).

The submissions stay, counted and voidable, but keep only what their registrations did to the participation (none
of the person's values); a registration waiting for review that may be theirs (they are its candidate, or it holds
their e-mail) is discarded with its typed values and consent records; their check-in codes are withdrawn.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import CheckinCode, ConsentRecord, FormSubmission, Participation, RegistrationReview, ReviewStatus
from programme.models.base import utcnow

# The parts of a submission's changes that hold no personal value (selfservice/undo.py).
KEPT_CHANGES = ("participation", "written", "checkin")


def forget_registrations(session: Session, person_id: int, email: str | None, by: str | None) -> int:
    """Clear a person's values from the self-service tables; return how many waiting registrations were discarded."""
    for submission in session.scalars(
        sa.select(FormSubmission).where(FormSubmission.person_id == person_id, FormSubmission.changes.is_not(None))
    ):
        changes = json.loads(submission.changes)
        submission.changes = json.dumps({key: changes[key] for key in KEPT_CHANGES if key in changes}, sort_keys=True)
        session.add(submission)
    maybe_theirs = [RegistrationReview.candidate_id == person_id]
    if email:
        maybe_theirs.append(sa.func.lower(RegistrationReview.values).contains(email.lower(), autoescape=True))
    reviews = list(
        session.scalars(
            sa.select(RegistrationReview).where(
                RegistrationReview.status == ReviewStatus.PENDING, sa.or_(*maybe_theirs)
            )
        )
    )
    for review in reviews:
        review.status, review.values = ReviewStatus.DISCARDED, None
        review.decided_at, review.decided_by = utcnow(), by
        session.execute(sa.delete(ConsentRecord).where(ConsentRecord.submission_id == review.submission_id))
        submission = session.get(FormSubmission, review.submission_id)
        submission.outcome = "discarded"
        session.add_all([review, submission])
    participations = sa.select(Participation.id).where(Participation.person_id == person_id)
    session.execute(sa.delete(CheckinCode).where(CheckinCode.participation_id.in_(participations)))
    session.flush()
    return len(reviews)

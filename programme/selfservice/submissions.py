"""What every public submission goes through: one per browser (a cookie of its own, kept across reloads and tabs), a
rate per client, size limits, the audit trail (no personal data in it), and voiding by a facilitator."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.models import (
    ConsentRecord,
    FormKind,
    FormLink,
    FormSubmission,
    Participation,
    RegistrationReview,
    Response,
    ReviewStatus,
)
from programme.models.base import utcnow
from programme.selfservice.labels import text
from programme.selfservice.links import find_open_link
from programme.summaries import touch

# Submissions from one client (address) in RATE_WINDOW, whatever the form: a venue's phones on one Wi-Fi come from
# their own addresses on the LAN, but through a team server they may share one address, so the limit is generous.
RATE_LIMIT = 60
RATE_WINDOW = timedelta(minutes=10)
# The longest answer an open question takes on a public form.
TEXT_ANSWER_MAX = 2000
# The user shown in the audit trail for public submissions.
PUBLIC_USER = "public form"


class SubmissionRefused(ProgrammeError):
    """A submission refused before anything is written; the message is in the form's language."""

    exit_code = 2


def digest(kind: str, value: str | None) -> str:
    """Return the SHA-256 digest a browser session or client is stored under."""
    return hashlib.sha256(f"programme-form-{kind}:{value or 'local'}".encode()).hexdigest()


def sent_already(session: Session, token: object, *, browser: str) -> bool:
    """Return whether this browser has sent the open form of this link (not voided) and the form takes one submission
    per browser: the page then says so at once, instead of showing a form that would be refused at the sending."""
    link = find_open_link(session, token)
    if link.allow_multiple:
        return False
    sent = session.scalar(
        sa.select(sa.func.count()).where(
            FormSubmission.link_id == link.id,
            FormSubmission.browser_key == digest("browser", browser),
            FormSubmission.voided.is_(False),
        )
    )
    return bool(sent)


def check_allowed(session: Session, link: FormLink, *, browser: str, client: str | None) -> tuple[str, str]:
    """Refuse a submission from a browser session that already sent this form, or a client over its rate; return
    the (browser, client) digests to store with the submission."""
    browser_key, client_key = digest("browser", browser), digest("client", client)
    if not link.allow_multiple:
        sent = session.scalar(
            sa.select(sa.func.count()).where(
                FormSubmission.link_id == link.id,
                FormSubmission.browser_key == browser_key,
                FormSubmission.voided.is_(False),
            )
        )
        if sent:
            raise SubmissionRefused(text(link.language, "already_sent"))
    recent = session.scalar(
        sa.select(sa.func.count()).where(
            FormSubmission.client_key == client_key, FormSubmission.submitted_at >= utcnow() - RATE_WINDOW
        )
    )
    if recent >= RATE_LIMIT:
        raise SubmissionRefused(text(link.language, "too_many"))
    return browser_key, client_key


def check_length(language: str, label: str, value: str | None, limit: int) -> None:
    """Refuse a field longer than its limit, naming the field as the form shows it."""
    if value is not None and len(value) > limit:
        raise SubmissionRefused(text(language, "too_long", field=label, limit=limit))


def record(
    session: Session,
    link: FormLink,
    keys: tuple[str, str],
    *,
    outcome: str,
    person_id: int | None = None,
    person_created: bool = False,
    response_id: int | None = None,
) -> FormSubmission:
    """Store a submission and its audit entry (the form and the outcome only: no name, no answer)."""
    submission = FormSubmission(
        link_id=link.id,
        browser_key=keys[0],
        client_key=keys[1],
        outcome=outcome,
        person_id=person_id,
        person_created=person_created,
        response_id=response_id,
    )
    session.add(submission)
    session.flush()
    audit.record(
        session,
        action="create",
        username=PUBLIC_USER,
        entity="form_submission",
        entity_id=submission.id,
        summary=f"{link.kind.value} form {link.id} of module {link.module_id}: {outcome}",
    )
    return submission


def submissions_table(session: Session, module_id: int) -> pd.DataFrame:
    """Return a module's submissions, newest first: id, kind, submitted_at, outcome, voided (no personal data)."""
    query = (
        sa.select(
            FormSubmission.id,
            FormLink.kind,
            FormSubmission.submitted_at,
            FormSubmission.outcome,
            FormSubmission.voided,
        )
        .join(FormLink, FormLink.id == FormSubmission.link_id)
        .where(FormLink.module_id == module_id)
        .order_by(FormSubmission.id.desc())
    )
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=[c.name for c in query.selected_columns])
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    return frame


def void_submission(session: Session, submission_id: int, *, by: str | None = None) -> str:
    """Void a submission and return what it undid, in one transaction with its audit entries.

    An evaluation's response is deleted (it leaves the dashboard); a registration waiting for review leaves the
    queue; a registration that created or updated a person is undone (undo.void_registration): its participation
    removed unless the person has since taken part, the fields it changed put back unless changed since, its
    consents withdrawn, and a person it created removed when this module was their only one.
    """
    submission = session.get(FormSubmission, submission_id)
    if submission is None:
        raise NotFound(f"There is no form submission number {submission_id}.")
    if submission.voided:
        raise ProgrammeError(f"Submission {submission_id} is already void.")
    link = session.get(FormLink, submission.link_id)
    effect = "marked void"
    if link.kind == FormKind.EVALUATION and submission.response_id is not None:
        summaries.touch(session, forms=[link.evaluation_form_id], modules=[link.module_id])  # a bulk delete
        session.execute(sa.delete(Response).where(Response.id == submission.response_id))
        effect = "its answers were removed from the evaluation"
    elif link.kind == FormKind.CHECKIN and submission.outcome.startswith("day ") and submission.person_id is not None:
        effect = _undo_checkin(session, link.module_id, submission.person_id, int(submission.outcome.split()[1]), by)
    elif submission.outcome == "queued":
        session.execute(sa.delete(RegistrationReview).where(RegistrationReview.submission_id == submission.id))
        session.execute(sa.delete(ConsentRecord).where(ConsentRecord.submission_id == submission.id))
        effect = "it left the review queue"
    elif link.kind == FormKind.REGISTRATION and submission.person_id is not None:
        from programme.selfservice.undo import void_registration

        effect = void_registration(session, submission, link, by)
    # Core deletes are not noticed by the summaries' upkeep: say what moved.
    touch(session, modules=[link.module_id], people=[submission.person_id] if submission.person_id else [],
          forms=[link.evaluation_form_id] if link.evaluation_form_id else [])  # fmt: skip
    submission.voided = True
    submission.voided_at = utcnow()
    submission.voided_by = by
    session.add(submission)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="form_submission",
        entity_id=submission.id,
        summary=f"form submission voided: {effect}",
    )
    return effect


def _undo_checkin(session: Session, module_id: int, person_id: int, day: int, by: str | None) -> str:
    from programme.planning.attendance import mark_attendance

    participation_id = session.scalar(
        sa.select(Participation.id).where(Participation.person_id == person_id, Participation.module_id == module_id)
    )
    if participation_id is None:
        return "the participation it marked no longer exists"
    # That day only: the others stay as they are recorded.
    mark_attendance(session, participation_id=participation_id, days_present={day: False}, by=by, only_given=True)
    return f"day {day} is no longer marked present"


def pending_reviews(session: Session, module_id: int | None = None) -> list[RegistrationReview]:
    """Return registrations waiting for a facilitator, oldest first (of one module, or all)."""
    query = sa.select(RegistrationReview).where(RegistrationReview.status == ReviewStatus.PENDING)
    if module_id is not None:
        query = (
            query.join(FormSubmission, FormSubmission.id == RegistrationReview.submission_id)
            .join(FormLink, FormLink.id == FormSubmission.link_id)
            .where(FormLink.module_id == module_id)
        )
    return list(session.scalars(query.order_by(RegistrationReview.id)))

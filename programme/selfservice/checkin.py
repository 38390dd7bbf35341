"""The optional daily check-in: a participant types the personal code given at registration on the day's form link,
and that day of the module is marked present (attendance days, attended and completion, as the attendance grid
records them)."""

from __future__ import annotations

import hashlib
import secrets

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound
from programme.models import AttendanceDay, CheckinCode, FormKind, Module, Participation, Person
from programme.models.base import utcnow
from programme.planning.agenda import module_days
from programme.planning.attendance import mark_attendance
from programme.selfservice import submissions
from programme.selfservice.labels import text
from programme.selfservice.links import UNAVAILABLE, FormUnavailable, find_open_link, today

# Six characters without look-alikes (no 0/O, 1/I/L): 31**6, about 890 million codes per module.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def _digest(module_id: int, code: str) -> str:
    return hashlib.sha256(f"programme-checkin:{module_id}:{code}".encode()).hexdigest()


def normalise_code(code: object) -> str:
    """Return a typed code as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def issue_code(session: Session, participation: Participation) -> str:
    """Give a participation a new personal check-in code and return it (only its digest is kept: a lost code is
    replaced by the organisers, reissue_code; registering again keeps the code given)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        digest = _digest(participation.module_id, code)
        taken = session.scalar(
            sa.select(CheckinCode.participation_id).where(
                CheckinCode.module_id == participation.module_id, CheckinCode.code_digest == digest
            )
        )
        if taken is None:
            break
    found = session.get(CheckinCode, participation.id)
    if found is None:
        found = CheckinCode(participation_id=participation.id, module_id=participation.module_id, code_digest=digest)
    found.code_digest, found.created_at = digest, utcnow()
    session.add(found)
    session.flush()
    return code


def reissue_code(session: Session, participation_id: int, *, by: str | None) -> str:
    """Give a person of a module a new check-in code (theirs was lost) and return it, for the organiser to hand on:
    the code they had stops working. Only the digest is kept, so a code is never shown again, only replaced."""
    participation = session.get(Participation, participation_id, with_for_update=True)
    if participation is None:
        raise NotFound("That person is no longer in this module: nothing was changed.")
    code = issue_code(session, participation)
    audit.record(session, action="update", username=by, entity="participation", entity_id=participation.id,
                 summary="check-in code given by an organiser")  # fmt: skip
    return code


def code_holders(session: Session, module_id: int) -> pd.DataFrame:
    """Return the module's people (erased ones left out) and whether each has a check-in code: participation_id,
    full_name, nationality (namesakes told apart), registered, has_code, code_given (UTC, when their code was given)."""
    query = (
        sa.select(
            Participation.id.label("participation_id"),
            Person.full_name,
            Person.nationality,
            Participation.registered,
            CheckinCode.code_digest.is_not(None).label("has_code"),
            CheckinCode.created_at.label("code_given"),
        )
        .join(Person, Person.id == Participation.person_id)
        .outerjoin(CheckinCode, CheckinCode.participation_id == Participation.id)
        .where(Participation.module_id == module_id, Person.erased_at.is_(None))
        .order_by(Person.name_key, Participation.id)
    )
    return pd.DataFrame(session.execute(query).mappings().all(),
                        columns=["participation_id", "full_name", "nationality", "registered", "has_code",
                                 "code_given"])  # fmt: skip


def submit_checkin(session: Session, token: object, code: object, *, browser: str, client: str | None) -> int | None:
    """Mark today present for the participant whose code this is; return the day of the module, or None for a code
    nobody in the module has (kept as a void submission, so that guessing codes meets the rate per client)."""
    checked = check_in(session, token, code, browser=browser, client=client)
    return None if checked is None else checked[0]


def check_in(
    session: Session, token: object, code: object, *, browser: str, client: str | None
) -> tuple[int, bool] | None:
    """As submit_checkin, returning (the day of the module, whether that day was already recorded present for them:
    a second check-in the same day, which the participant is told) or None for a code nobody has."""
    link = find_open_link(session, token)
    if link.kind != FormKind.CHECKIN:
        raise FormUnavailable(UNAVAILABLE)
    keys = submissions.check_allowed(session, link, browser=browser, client=client)
    module = session.get(Module, link.module_id)
    day = (today(module) - module.start_date).days + 1
    if not 1 <= day <= module_days(module):
        raise submissions.SubmissionRefused(text(link.language, "checkin_not_today"))
    typed = normalise_code(code)
    participation_id = session.scalar(
        sa.select(CheckinCode.participation_id).where(
            CheckinCode.module_id == module.id, CheckinCode.code_digest == _digest(module.id, typed)
        )
    )
    if len(typed) != CODE_LENGTH or participation_id is None:
        refused = submissions.record(session, link, keys, outcome="unknown code")
        refused.voided = True  # not this browser's one submission; still counted in the client's rate
        session.add(refused)
        session.flush()
        return None
    recorded = session.get(AttendanceDay, (participation_id, day))
    again = recorded is not None and bool(recorded.present)
    # Today only: the other days stay as recorded (or not recorded), not marked absent.
    participation = mark_attendance(
        session, participation_id=participation_id, days_present={day: True}, by=submissions.PUBLIC_USER,
        only_given=True,
    )  # fmt: skip
    submissions.record(session, link, keys, outcome=f"day {day}", person_id=participation.person_id)
    return day, again

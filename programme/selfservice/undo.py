"""Voiding a self-service registration undoes exactly what it did (changes.py keeps what that was).

Each field of the person it changed goes back, unless changed since (or written again by a later registration still
live): then the newer value stays and the message names the field. The participation it created is removed unless
the person has since been recorded as taking part (attendance, completion, test scores, a group, an evaluation,
another live registration: kept, and the message says why); one it found is no longer marked registered. The
check-in code it gave is withdrawn (or the one it replaced works again), and the consent records and flags it
recorded are withdrawn. A person it created is removed when this module was their only one.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.words import agreeing, counted
from programme.models import (
    AttendanceDay,
    CheckinCode,
    ConsentRecord,
    CoursePartner,
    EvaluationForm,
    FormKind,
    FormLink,
    FormSubmission,
    Group,
    GroupMember,
    Organisation,
    OrgType,
    Participation,
    ParticipationRole,
    Person,
    Response,
)
from programme.selfservice.changes import CONSENT, LABELS, named, plain, typed

# Outcomes of a registration that wrote a person (queued and discarded ones wrote nobody).
WROTE_PERSON = ("created", "updated", "merged")


def void_registration(session: Session, submission: FormSubmission, link: FormLink, by: str | None) -> str:
    """Undo what a registration that created or updated a person did; return what was undone, for the facilitator.

    What a later registration of the same person, still live, built on (a field it wrote again, the participation
    it found, the check-in code it replaced or, registering again, kept) is handed over to it, so that voiding that
    one too restores the record as it was before both.
    """
    said: list[str] = []
    records = list(session.scalars(sa.select(ConsentRecord).where(ConsentRecord.submission_id == submission.id)))
    for record in records:
        session.delete(record)
    changes = json.loads(submission.changes) if submission.changes else None
    submission.changes = None
    person = session.get(Person, submission.person_id)
    if person is None:
        said.append("the person it registered no longer exists")
    elif changes is None:
        said.append(
            "it was sent before voids kept what a registration changed: the record (its consents included) and the "
            "participation stay as they are (correct them on the Participants page)"
        )
    else:
        later = _later(session, submission)
        participation_said, participation_gone = _undo_participation(session, submission, link, changes, later)
        if submission.person_created and participation_gone and not _other_modules(session, person.id, link):
            session.delete(person)
            session.flush()
            said.append("the person it created was removed")
            if changes.get("organisation"):
                said.extend(_undo_organisation(session, changes["organisation"], None, by))
        else:
            said.append(participation_said)
            if person.erased_at is not None:
                said.append("the person's record was erased since: nothing of it to put back")
            else:
                fields = CONSENT if submission.person_created else tuple(changes["person"])
                said.extend(_undo_fields(session, submission, person, changes, fields, later, by))
            made = changes.get("organisation") or {}
            heir = next(
                (done for _, done, _ in later if done.get("organisation", {}).get("id") == made.get("id")), None
            )
            if made.get("created") and heir is not None:  # still theirs: voiding that one too removes it
                heir["organisation"]["created"] = True
            if submission.person_created:
                successor = next(iter(later), None)
                if successor is not None:
                    successor[0].person_created = True  # voiding that one too removes the person
                said.append("the person it created was kept")
        for successor, successor_changes, _ in later:
            successor.changes = json.dumps(successor_changes, ensure_ascii=False, sort_keys=True)
            session.add(successor)
    if records:
        said.append(f"its {counted(len(records), 'consent record')} {agreeing(len(records), 'was', 'were')} withdrawn")
    return "; ".join(part for part in said if part)


Later = list[tuple[FormSubmission, dict[str, Any], int]]


def _later(session: Session, submission: FormSubmission) -> Later:
    """Return the later registrations of the same person still live, oldest first: (submission, changes, module)."""
    rows = session.execute(
        sa.select(FormSubmission, FormLink.module_id)
        .join(FormLink, FormLink.id == FormSubmission.link_id)
        .where(
            FormSubmission.person_id == submission.person_id,
            FormSubmission.id > submission.id,
            FormSubmission.voided.is_(False),
            FormSubmission.changes.is_not(None),
        )
        .order_by(FormSubmission.id)
    ).all()
    return [(row[0], json.loads(row[0].changes), row[1]) for row in rows]


def _other_modules(session: Session, person_id: int, link: FormLink) -> int:
    return session.scalar(
        sa.select(sa.func.count()).where(
            Participation.person_id == person_id, Participation.module_id != link.module_id
        )
    )


def _in_use(session: Session, submission: FormSubmission, participation: Participation) -> list[str]:
    """Return why a participation must stay though the registration that made it is void (nothing: it may go)."""
    why = []
    if (
        participation.attended
        or participation.days_attended
        or session.scalar(
            sa.select(sa.func.count()).where(
                AttendanceDay.participation_id == participation.id, AttendanceDay.present.is_(True)
            )
        )
    ):
        why.append("marked as attending")
    elif participation.attended is False or session.scalar(
        sa.select(sa.func.count()).where(AttendanceDay.participation_id == participation.id)
    ):
        why.append("attendance recorded")
    if participation.completed:
        why.append("completed")
    if participation.pre_test_score is not None or participation.post_test_score is not None:
        why.append("test scores recorded")
    if participation.role != ParticipationRole.PARTICIPANT:
        why.append(f"role set to {getattr(participation.role, 'value', participation.role)}")
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(GroupMember)
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.person_id == participation.person_id, Group.module_id == participation.module_id)
    ):
        why.append("in a group")
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(Response)
        .join(EvaluationForm, EvaluationForm.id == Response.form_id)
        .where(Response.person_id == participation.person_id, EvaluationForm.module_id == participation.module_id)
    ):
        why.append("evaluation answered")
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(FormSubmission)
        .join(FormLink, FormLink.id == FormSubmission.link_id)
        .where(
            FormSubmission.person_id == participation.person_id,
            FormSubmission.id != submission.id,
            FormSubmission.voided.is_(False),
            FormSubmission.outcome.in_(WROTE_PERSON),
            FormLink.kind == FormKind.REGISTRATION,
            FormLink.module_id == participation.module_id,
        )
    ):
        why.append("another registration of theirs is still live")
    return why


def _undo_participation(
    session: Session, submission: FormSubmission, link: FormLink, changes: dict[str, Any], later: Later
) -> tuple[str, bool]:
    """Remove the participation the registration created, or unmark it registered; put back the check-in code it
    replaced; return (what was done, whether the participation is gone)."""
    made = changes["participation"]
    participation = session.scalar(
        sa.select(Participation).where(
            Participation.person_id == submission.person_id, Participation.module_id == link.module_id
        )
    )
    if participation is None:
        return "its participation in this module was already removed", True
    heir = next((done for _, done, module_id in later if module_id == link.module_id), None)
    given = changes.get("checkin", {}).get("given")
    if heir is not None:  # the next registration in this module found what this one left: it inherits the rest
        if not heir["participation"]["created"]:
            heir["participation"].update(created=made["created"], registered=made["registered"])
        if given and heir.get("checkin", {}).get("before") == given:
            heir["checkin"]["before"] = changes["checkin"]["before"]
        elif given and "checkin" not in heir:  # it registered again and was given no code: this one's is its now
            heir["checkin"] = changes["checkin"]
            given = None  # handed over, not withdrawn: voiding that one too withdraws it
    why = _in_use(session, submission, participation)
    if made["created"] and not why:
        session.execute(sa.delete(CheckinCode).where(CheckinCode.participation_id == participation.id))
        session.delete(participation)
        session.flush()
        return "its participation in this module was removed", True
    done = []
    if why:
        done.append(f"its participation in this module was kept ({', '.join(why)})")
    elif not made["registered"] and participation.registered:
        participation.registered = False
        session.add(participation)
        done.append("the participation in this module is no longer marked registered")
    code = session.get(CheckinCode, participation.id)
    if code is not None and given and code.code_digest == given:  # not replaced since
        if changes["checkin"]["before"]:
            code.code_digest = changes["checkin"]["before"]
            session.add(code)
            done.append("the check-in code it replaced works again")
        else:
            session.delete(code)
            done.append("the check-in code it gave was withdrawn")
    session.flush()
    return "; ".join(done) or "the participation in this module was already registered and stays", False


def _undo_fields(
    session: Session,
    submission: FormSubmission,
    person: Person,
    changes: dict[str, Any],
    fields: tuple[str, ...],
    later: Later,
    by: str | None,
) -> list[str]:
    """Put back each field the registration changed whose value is still its, unless a later registration still
    live wrote it again (that one inherits the value from before this one); return what the message says."""
    restored: dict[str, list[Any]] = {}
    kept = []
    for name in (name for name in LABELS if name in fields and name in changes["person"]):
        before, after = changes["person"][name]
        heir = next((done for _, done, _ in later if name in done["written"]), None)
        if heir is not None:
            kept.append(name)
            heir_before, heir_after = heir["person"].get(name, [after, after])
            if heir_before == after:  # it wrote over this one's value: it now changed what was there before this
                if before == heir_after:
                    heir["person"].pop(name, None)
                else:
                    heir["person"][name] = [before, heir_after]
        elif plain(getattr(person, name)) != after:
            kept.append(name)
        else:
            setattr(person, name, typed(name, before))
            restored[name] = [after, before]
    said = []
    if restored:
        session.add(person)
        session.flush()
        audit.record(
            session,
            action="update",
            username=by,
            entity="person",
            entity_id=person.id,
            summary=f"self-service registration voided (submission {submission.id}): fields put back",
            before={name: values[0] for name, values in restored.items()},
            after={name: values[1] for name, values in restored.items()},
        )
        said.append("put back as before: " + named(list(restored)))
    if kept:
        said.append("kept as changed since: " + named(kept))
    if changes.get("organisation") is not None:
        said.extend(_undo_organisation(session, changes["organisation"], person.organisation_id, by))
    return said


def _undo_organisation(session: Session, made: dict[str, Any], now_id: int | None, by: str | None) -> list[str]:
    """Put back an organisation's name and type the registration changed; remove one it created that nobody uses."""
    organisation = session.get(Organisation, made["id"])
    if organisation is None:
        return []
    if made["created"]:
        used = now_id == organisation.id or session.scalar(
            sa.select(sa.func.count()).where(Person.organisation_id == organisation.id)
        )
        partner = session.scalar(sa.select(sa.func.count()).where(CoursePartner.organisation_id == organisation.id))
        if used or partner:
            return []
        session.delete(organisation)
        session.flush()
        audit.record(session, action="delete", username=by, entity="organisation", entity_id=made["id"],
                     summary="organisation created by a voided self-service registration removed")  # fmt: skip
        return ["the organisation it created was removed"]
    before, after = {}, {}
    for name in ("name", "org_type"):
        if made.get(name) and plain(getattr(organisation, name)) == made[name][1]:
            was = made[name][0]
            setattr(organisation, name, was if name == "name" or was is None else OrgType(was))
            before[name], after[name] = made[name][1], made[name][0]
    if not after:
        return []
    session.add(organisation)
    session.flush()
    audit.record(session, action="update", username=by, entity="organisation", entity_id=organisation.id,
                 summary="self-service registration voided: organisation put back", before=before, after=after)  # fmt: skip
    return ["the organisation's " + " and ".join("spelling" if n == "name" else "type" for n in after) + " put back"]

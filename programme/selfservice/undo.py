"""What a self-service registration changed, kept with its submission, and undone exactly when a facilitator voids it.

A registration that created or updated a person records, as JSON on its submission (`form_submission.changes`): each
field of the person it changed (before and after), every field it wrote, the organisation it created or whose
spelling or type it changed, whether it created the participation or marked it registered, and the check-in code it
replaced. Voiding puts back each field whose value is still the one the registration wrote (a field changed since,
or written again by a later registration still live, keeps its newer value and is named), removes the participation
unless the person has since been recorded as taking part (attendance, completion, a group, an evaluation, another
live registration: kept, and the message says why), and withdraws the consent records and flags it gave.
"""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.models import (
    AttendanceDay,
    CheckinCode,
    ConsentRecord,
    CoursePartner,
    EvaluationForm,
    FormKind,
    FormLink,
    FormSubmission,
    Gender,
    Group,
    GroupMember,
    Organisation,
    OrgType,
    Participation,
    ParticipationRole,
    Person,
    Response,
)

# The person's fields a registration may write, with the words the void's message names them by.
LABELS = {
    "nationality": "nationality",
    "country_of_work": "country of work",
    "email": "e-mail",
    "phone": "phone",
    "position": "position",
    "languages": "languages",
    "gender": "gender",
    "organisation_id": "organisation",
    "consent_listed": "consent to be listed",
    "consent_email": "consent to share the e-mail",
    "consent_phone": "consent to share the phone",
    "consent_organisation": "consent to share the organisation",
    "consent_photo": "consent to photos",
    "consent_date": "consent date",
    "consent_source": "consent source",
}
CONSENT = tuple(name for name in LABELS if name.startswith("consent_"))
# Outcomes of a registration that wrote a person (queued and discarded ones wrote nobody).
WROTE_PERSON = ("created", "updated", "merged")


def _plain(value: Any) -> Any:
    """Return a value as JSON keeps it: enums by value, dates as ISO text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _typed(name: str, value: Any) -> Any:
    """Return a value read back from JSON as the person's field holds it."""
    if value is None:
        return None
    if name == "gender":
        return Gender(value)
    if name == "consent_date":
        return date.fromisoformat(value)
    return value


def person_before(person: Person | None) -> dict[str, Any]:
    """Return the fields a registration may write, as they are before it (a new person: nothing recorded)."""
    if person is None:
        return dict.fromkeys(LABELS)
    return {name: _plain(getattr(person, name)) for name in LABELS}


def organisations_before(session: Session, person: Person | None, name_key: str | None) -> dict[int, list[Any]]:
    """Return (name, type) of every organisation the registration's organisation answer may rename or retype: the
    person's own and those of that name, in any country."""
    wanted = [Organisation.name_key == name_key] if name_key else []
    if person is not None and person.organisation_id is not None:
        wanted.append(Organisation.id == person.organisation_id)
    if not wanted:
        return {}
    rows = session.execute(sa.select(Organisation.id, Organisation.name, Organisation.org_type).where(sa.or_(*wanted)))
    return {row.id: [row.name, _plain(row.org_type)] for row in rows}


def describe(
    session: Session,
    person: Person,
    before: dict[str, Any],
    written: list[str],
    organisations: dict[int, list[Any]],
    participation: Participation,
    participation_created: bool,
    registered_before: bool,
) -> dict[str, Any]:
    """Return what a registration just did to the person, their organisation and their participation."""
    after = person_before(person)
    changes: dict[str, Any] = {
        "person": {name: [before[name], after[name]] for name in LABELS if before[name] != after[name]},
        "written": written,
        "participation": {"id": participation.id, "created": participation_created, "registered": registered_before},
    }
    if person.organisation_id is not None and "organisation_id" in written:
        organisation = session.get(Organisation, person.organisation_id)
        now = [organisation.name, _plain(organisation.org_type)]
        was = organisations.get(organisation.id)
        changes["organisation"] = {
            "id": organisation.id,
            "created": was is None,
            "name": None if was is None or was[0] == now[0] else [was[0], now[0]],
            "org_type": None if was is None or was[1] == now[1] else [was[1], now[1]],
        }
    return changes


def store(submission: FormSubmission, changes: dict[str, Any], *, code_given: bool = False,
          code_before: str | None = None) -> None:  # fmt: skip
    """Keep what the registration changed with its submission; code_given: it gave the participation a check-in
    code, replacing code_before (a digest; None: the participation had none)."""
    if code_given:
        changes = {**changes, "checkin": {"before": code_before}}
    submission.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)


def void_registration(session: Session, submission: FormSubmission, link: FormLink, by: str | None) -> str:
    """Undo what a registration that created or updated a person did; return what was undone, for the facilitator."""
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
            "it was sent before voids kept what a registration changed: the record and the participation stay as "
            "they are (correct them on the Participants page)"
        )
    else:
        participation_said, participation_gone = _undo_participation(session, submission, link, person, changes)
        if submission.person_created and participation_gone and not _other_modules(session, person.id, link):
            session.delete(person)
            session.flush()
            said.append("the person it created was removed")
            if changes.get("organisation"):
                said.extend(_undo_organisation(session, changes["organisation"], None, by))
        else:
            said.append(participation_said)
            if person.erased_at is not None:
                said.append("the person's record was erased since: nothing to restore")
            else:
                fields = CONSENT if submission.person_created else tuple(changes["person"])
                said.extend(_undo_fields(session, submission, person, changes, fields, by))
                if submission.person_created:
                    said.append("the person it created was kept with their other details")
    if records:
        said.append(f"its {len(records)} consent records were withdrawn")
    return "; ".join(part for part in said if part)


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
    session: Session, submission: FormSubmission, link: FormLink, person: Person, changes: dict[str, Any]
) -> tuple[str, bool]:
    """Remove the participation the registration created, or unmark it registered; return (what was done, gone)."""
    made = changes["participation"]
    participation = session.scalar(
        sa.select(Participation).where(Participation.person_id == person.id, Participation.module_id == link.module_id)
    )
    if participation is None:
        return "its participation in this module was already removed", True
    why = _in_use(session, submission, participation)
    if why:
        return f"its participation in this module was kept ({', '.join(why)})", False
    if made["created"]:
        session.execute(sa.delete(CheckinCode).where(CheckinCode.participation_id == participation.id))
        session.delete(participation)
        session.flush()
        return "its participation in this module was removed", True
    done = []
    if not made["registered"] and participation.registered:
        participation.registered = False
        session.add(participation)
        done.append("the participation in this module is no longer marked registered")
    code = session.get(CheckinCode, participation.id)
    if code is not None and "checkin" in changes:
        if changes["checkin"]["before"]:
            code.code_digest = changes["checkin"]["before"]
            session.add(code)
            done.append("the check-in code it replaced works again")
        else:
            session.delete(code)
            done.append("the check-in code it gave was withdrawn")
    session.flush()
    return "; ".join(done) or "the participation in this module was already registered and stays", False


def _rewritten_since(session: Session, submission: FormSubmission) -> set[str]:
    """Return the fields later registrations of the same person, still live, wrote again."""
    later = session.scalars(
        sa.select(FormSubmission.changes).where(
            FormSubmission.person_id == submission.person_id,
            FormSubmission.id > submission.id,
            FormSubmission.voided.is_(False),
            FormSubmission.changes.is_not(None),
        )
    )
    return {name for changes in later for name in json.loads(changes).get("written", [])}


def _undo_fields(
    session: Session,
    submission: FormSubmission,
    person: Person,
    changes: dict[str, Any],
    fields: tuple[str, ...],
    by: str | None,
) -> list[str]:
    """Put back each field the registration changed whose value is still its; return what the message says."""
    rewritten = _rewritten_since(session, submission)
    restored: dict[str, list[Any]] = {}
    kept = []
    for name in fields:
        if name not in changes["person"]:
            continue
        before, after = changes["person"][name]
        if _plain(getattr(person, name)) != after or name in rewritten:
            kept.append(name)
            continue
        setattr(person, name, _typed(name, before))
        restored[name] = [after, before]
    said = []
    organisation = changes.get("organisation")
    if organisation is not None:
        said.extend(_undo_organisation(session, organisation, person.organisation_id, by))
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
        said.append("put back as before: " + ", ".join(LABELS[name] for name in restored))
    if kept:
        said.append("kept as changed since: " + ", ".join(LABELS[name] for name in kept))
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
        if made.get(name) and _plain(getattr(organisation, name)) == made[name][1]:
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

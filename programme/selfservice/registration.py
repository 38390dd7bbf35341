"""A participant's own registration: read with the import's normalisers, matched as imports match, with consent.

A certain match (same e-mail under the person's name; same name and nationality) fills the person's blank fields, as
an import does. One that would change what is recorded (another phone, organisation, gender, consent...) waits in the
review queue for a facilitator, as a probable one (a similar name) does, and so does one by name alone that would add
an e-mail, a phone or consent where none is recorded: anyone with the link who knows a person's name or e-mail could
otherwise rewrite their record. No match creates the person. Either way the person is registered
for the module, and each consent given or refused is kept with the exact wording shown and its version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.importing.matching import (
    PROBABLE_CUTOFF,
    Match,
    certain_match,
    load_index_by_name,
    load_index_for,
    probable_matches,
)
from programme.importing.validate import MAX_LENGTH, PersonRow
from programme.models import (
    CheckinCode,
    ConsentKind,
    ConsentRecord,
    FormKind,
    FormLink,
    FormSubmission,
    Gender,
    Organisation,
    OrgType,
    Participation,
    Person,
    RegistrationReview,
    ReviewStatus,
)
from programme.models.base import utcnow
from programme.people import edit
from programme.people.countries import country_name, country_named_in
from programme.people.likeness import likeness
from programme.people.names import clean_text, fold, has_letters, name_key, split_name
from programme.selfservice import changes as recorded
from programme.selfservice import checkin, receipt, submissions
from programme.selfservice.labels import text
from programme.selfservice.links import UNAVAILABLE, FormUnavailable, find_open_link, today

# The fields of the registration form, in the order it shows them (the keys of people/edit.py's EDITABLE).
FIELDS = (
    "full_name",
    "email",
    "phone",
    "nationality",
    "country_of_work",
    "organisation",
    "org_type",
    "position",
    "gender",
    "languages",
)
FIELD_LIMITS = {**MAX_LENGTH, "nationality": 100, "country_of_work": 100, "org_type": 100, "gender": 40}
CONSENT_FIELDS = {
    ConsentKind.LISTED: "consent_listed",
    ConsentKind.EMAIL: "consent_email",
    ConsentKind.PHONE: "consent_phone",
    ConsentKind.ORGANISATION: "consent_organisation",
    ConsentKind.PHOTO: "consent_photo",
}


@dataclass(frozen=True)
class RegistrationResult:
    """What a registration did: created, updated or queued, and the submission's id."""

    outcome: str
    submission_id: int
    person_id: int | None
    # The personal code for the daily check-in (shown on the thank-you page); None while queued for review, and for
    # a participation that had one already (registering again: the code given then still works).
    checkin_code: str | None = None
    # What shows the code again on that phone after a reload (receipt.py): the thank-you page's address holds it.
    receipt: str | None = None


def consent_wording(language: str, kind: ConsentKind) -> str:
    """Return the exact sentence the form shows for a consent."""
    return text(language, f"consent_{kind.value}")


def countries_in_english(language: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the typed values with a country named in the form's language ("Liban" on the French form, "لبنان" on
    the Arabic one) written as the import reads it, by its English name ("Lebanon"); the rest as typed."""
    typed = dict(values)
    for name in ("nationality", "country_of_work"):
        value = typed.get(name)
        code = country_named_in(value, language) if isinstance(value, str) else None
        if code is not None:
            typed[name] = country_name(code)
    return typed


def read_values(language: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the typed values read as an import reads a sheet's cells, or raise SubmissionRefused naming the field."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ProgrammeError(f"'{sorted(unknown)[0]}' is not a field of the registration form.")
    for name, value in values.items():
        submissions.check_length(language, text(language, name), value if isinstance(value, str) else None,
                                 FIELD_LIMITS[name])  # fmt: skip
    typed_name = str(values.get("full_name") or "")
    if not name_key(typed_name):
        raise submissions.SubmissionRefused(text(language, "name_required"))
    if not has_letters(typed_name):  # "12345": refused in the form's words, not the reader's English
        raise submissions.SubmissionRefused(text(language, "name_no_letters", value=clean_text(typed_name)[:80]))
    read, problems = edit._read(dict(values), {})  # the same reading as a correction on the Participants page
    if problems:
        # Every field to correct at once, one to a line (on a phone, a second Send for the next one was a surprise).
        said = []
        for name, message in problems.items():
            # The reason in the form's language, not half in English; a phone number's says what to do in English too.
            if name in PROBLEM_WORDS and (language != "en" or name == "phone"):
                message = text(language, PROBLEM_WORDS[name], value=str(values.get(name) or "").strip()[:80])
            said.append(f"{text(language, name)}: {message}")
        raise submissions.SubmissionRefused("\n\n".join(said))
    return read


# The form's own words for a typed value the reading refuses, by field (labels/*.json); English keeps the reader's
# sentence, which can also suggest a close country ("did you mean ...?"), except for a phone number (the reader's
# "'12' is not a phone number." did not say to add the country code).
PROBLEM_WORDS = {
    "nationality": "unknown_country",
    "country_of_work": "unknown_country",
    "email": "invalid_email",
    "phone": "invalid_phone",
}


def match(session: Session, read: Mapping[str, Any], module_id: int) -> Match | None:
    """Return the certain or probable match of a registration, as an import would find it (None: a new person)."""
    row = PersonRow(index=0, row=1, full_name=read["full_name"], name_key=name_key(read["full_name"]),
                    nationality=read["nationality"], email=read["email"])  # fmt: skip
    # The people the registration could be (same e-mail, same name, the nationality's or none's), as a short list's
    # import reads them; everyone's names when no nationality is given.
    index = load_index_for(session, module_id, [row]) or load_index_by_name(session, module_id, [row])
    found = certain_match(index, row)
    if found is None:
        found = probable_matches(index, [row]).get(0)
    if found is not None and found.certain and read["email"]:
        owner = session.scalar(sa.select(Person.id).where(Person.email == read["email"]))
        if owner is not None and owner != found.person_id:  # the e-mail is someone else's: a facilitator decides
            return Match(found.person_id, False, found.score, "e-mail already on another record")
    if found is not None and found.certain and found.reason == "same e-mail":
        # Whoever knows a person's e-mail could otherwise register them under any name (the name typed is not
        # kept): a name that is not theirs, however written, waits for a facilitator.
        typed, recorded_key = name_key(read["full_name"]), session.get(Person, found.person_id).name_key
        if typed != recorded_key and fuzz.token_set_ratio(typed, recorded_key) < PROBABLE_CUTOFF:
            return Match(found.person_id, False, found.score, "same e-mail, another name")
    return found


# What a registration would change on a record, in the words the review queue shows.
CHANGE_WORDS = {
    "email": "e-mail",
    "phone": "phone",
    "nationality": "nationality",
    "country_of_work": "country of work",
    "position": "position",
    "languages": "languages",
    "gender": "gender",
    "organisation": "organisation",
    "org_type": "organisation type",
    "consent": "consent",
}


def would_change(session: Session, person: Person, read: Mapping[str, Any],
                 consents: Mapping[ConsentKind, bool]) -> list[str]:  # fmt: skip
    """Return the recorded values (CHANGE_WORDS' keys) a registration would replace with others; a blank is filled,
    not changed, and a difference of capitals, accents or spacing is not a change."""
    changed = []
    for name in ("email", "phone", "nationality", "country_of_work", "position", "languages"):
        new, old = read.get(name), getattr(person, name)
        if new and old and fold(str(new)) != fold(str(old)):
            changed.append(name)
    undisclosed = (None, Gender.UNDISCLOSED)
    if read.get("gender") not in undisclosed and person.gender not in undisclosed and read["gender"] != person.gender:
        changed.append("gender")
    if read.get("organisation"):
        key = fold(read["organisation"])
        own = session.get(Organisation, person.organisation_id) if person.organisation_id is not None else None
        if own is not None and own.name_key != key:
            changed.append("organisation")
        # The organisation the answer files them under (edit._organisation_id): retyping it retypes it for everyone.
        country = read.get("country_of_work") or read.get("nationality")
        target = own if own is not None and own.name_key == key else session.scalar(
            sa.select(Organisation).where(Organisation.name_key == key,
                                          Organisation.country.is_(None) if country is None
                                          else Organisation.country == country))  # fmt: skip
        recorded_type = target.org_type if target is not None else None
        if read.get("org_type") and recorded_type not in (None, OrgType.OTHER) and read["org_type"] != recorded_type:
            changed.append("org_type")
    if person.consent_source is not None and any(
        bool(consents.get(kind, False)) != bool(getattr(person, attribute))
        for kind, attribute in CONSENT_FIELDS.items()
    ):
        changed.append("consent")
    return changed


def would_add_by_name(person: Person, read: Mapping[str, Any], consents: Mapping[ConsentKind, bool]) -> list[str]:
    """Return what a registration matched by name and nationality alone (not by the person's e-mail) would add where
    nothing is recorded: an e-mail, a phone, consent given. Anyone who knows a person's name could otherwise put
    their own e-mail on the record, or share the person's contact details with alumni in their name."""
    added = [name for name in ("email", "phone") if read.get(name) and not getattr(person, name)]
    if person.consent_source is None and any(bool(given) for given in consents.values()):
        added.append("consent")
    return added


def _same_organisation(session: Session, person: Person, read: Mapping[str, Any]) -> bool:
    """Whether the answer names the person's recorded organisation (written otherwise: "MIGRANTE union") and adds
    nothing to it: then it is left as recorded, not renamed for everyone in it after one person's spelling."""
    own = session.get(Organisation, person.organisation_id) if person.organisation_id is not None else None
    if own is None or own.name_key != fold(read["organisation"]):
        return False
    return not read.get("org_type") or read["org_type"] == own.org_type


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def apply(session: Session, person: Person | None, read: Mapping[str, Any], consents: Mapping[ConsentKind, bool],
          link: FormLink) -> tuple[Person, bool, dict[str, Any]]:  # fmt: skip
    """Create or update the person from a registration, register them for the module; return (person, created,
    what it changed: recorded.describe's record, kept with the submission so that voiding it undoes exactly that)."""
    created = person is None
    before = recorded.person_before(person)
    organisation_key = fold(read["organisation"]) if read.get("organisation") else None
    organisations = recorded.organisations_before(session, person, organisation_key)
    written = []
    if person is None:
        given, family = split_name(read["full_name"])
        person = Person(full_name=read["full_name"], name_key=name_key(read["full_name"]),
                        given_name=given or None, family_name=family or None)  # fmt: skip
    for name in ("nationality", "country_of_work", "email", "phone", "position", "languages"):
        if read.get(name):  # a blank answer keeps what is recorded
            setattr(person, name, read[name])
            written.append(name)
    if read.get("gender") and (created or read["gender"].value != "undisclosed"):
        person.gender = read["gender"]
        written.append("gender")
    if read.get("organisation") and not _same_organisation(session, person, read):
        person.organisation_id = edit._organisation_id(session, person.organisation_id, dict(read))
        written.append("organisation_id")
    for kind, attribute in CONSENT_FIELDS.items():
        setattr(person, attribute, bool(consents.get(kind, False)))
    written += [*CONSENT_FIELDS.values(), "consent_date", "consent_source"]
    person.consent_date = today()
    person.consent_source = f"registration form {link.id}"
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    participation = session.scalar(
        sa.select(Participation).where(Participation.person_id == person.id, Participation.module_id == link.module_id)
    )
    participation_created = participation is None
    if participation is None:
        participation = Participation(person_id=person.id, module_id=link.module_id, attended=None)
    registered_before = participation.registered
    participation.registered = True
    session.add(participation)
    session.flush()
    changes = recorded.describe(session, person, before, written, organisations, participation,
                                person_created=created, participation_created=participation_created,
                                registered_before=registered_before)  # fmt: skip
    return person, created, changes


def submit_registration(
    session: Session,
    token: object,
    values: Mapping[str, Any],
    consents: Mapping[ConsentKind, bool],
    *,
    browser: str,
    client: str | None,
) -> RegistrationResult:
    """Take a participant's registration through a form link; return what it did."""
    link = find_open_link(session, token)
    if link.kind != FormKind.REGISTRATION:
        raise FormUnavailable(UNAVAILABLE)
    keys = submissions.check_allowed(session, link, browser=browser, client=client)
    values = countries_in_english(link.language, values)  # as kept for a review too
    read = read_values(link.language, values)
    found = match(session, read, link.module_id)
    if found is not None and found.certain:
        person = session.get(Person, found.person_id)
        changed = would_change(session, person, read, consents)
        added = [] if found.reason == "same e-mail" else would_add_by_name(person, read, consents)
        if changed:
            reason = "would change the recorded " + _listed([CHANGE_WORDS[name] for name in changed])
            found = Match(found.person_id, False, found.score, reason)
        elif added:
            reason = "matched by name only, would add " + _listed([CHANGE_WORDS[name] for name in added])
            found = Match(found.person_id, False, found.score, reason)
    if found is not None and not found.certain:
        submission = submissions.record(session, link, keys, outcome="queued")
        session.add(RegistrationReview(submission_id=submission.id, candidate_id=found.person_id,
                                       score=found.score, reason=found.reason,
                                       values=json.dumps(dict(values), ensure_ascii=False)))  # fmt: skip
        _consent_records(session, submission, link, consents, None)
        session.flush()
        return RegistrationResult("queued", submission.id, None)
    person, created, changes = apply(session, session.get(Person, found.person_id) if found else None, read, consents,
                                     link)  # fmt: skip
    outcome = "created" if created else "updated"
    submission = submissions.record(session, link, keys, outcome=outcome, person_id=person.id, person_created=created)
    _consent_records(session, submission, link, consents, person.id)
    code = _give_code(session, submission, changes)
    shown_again = receipt.seal(submission, code, browser) if code else None
    session.add(submission)
    session.flush()
    return RegistrationResult(outcome, submission.id, person.id, code, shown_again)


def _give_code(session: Session, submission: FormSubmission, changes: dict[str, Any]) -> str | None:
    """Give the registered participation a check-in code, keep what the registration changed (with the code's digest,
    for a void) with its submission, and return the code; None when the participation has one already.

    Registering again never gives or replaces a code: whoever knows a person's name and e-mail would otherwise get a
    working code for them and void theirs. The code they were given still works; a lost one is replaced by the
    organisers (checkin.reissue_code, on the page Forms for participants)."""
    participation = session.get(Participation, changes["participation"]["id"])
    if session.get(CheckinCode, participation.id) is not None:
        recorded.store(submission, changes)
        return None
    code = checkin.issue_code(session, participation)
    recorded.store(submission, changes, code_given=session.get(CheckinCode, participation.id).code_digest)
    return code


def _consent_records(session: Session, submission: FormSubmission, link: FormLink,
                     consents: Mapping[ConsentKind, bool], person_id: int | None) -> None:  # fmt: skip
    version = text(link.language, "consent_version")
    for kind in CONSENT_FIELDS:
        session.add(ConsentRecord(submission_id=submission.id, person_id=person_id, consent=kind,
                                  given=bool(consents.get(kind, False)), wording=consent_wording(link.language, kind),
                                  wording_version=version, language=link.language, recorded_on=today()))  # fmt: skip
    session.flush()


def review_values(review: RegistrationReview) -> dict[str, Any]:
    """Return the values a queued registration holds, as typed."""
    return json.loads(review.values) if review.values else {}


def decide_review(session: Session, review_id: int, *, decision: str, by: str | None,
                  person_id: int | None = None) -> int | None:  # fmt: skip
    """Settle a queued registration (settle_review); return the person's id (None when discarded)."""
    return settle_review(session, review_id, decision=decision, by=by, person_id=person_id).person_id


@dataclass(frozen=True)
class Settled:
    """A settled registration: the person (None when discarded) and the check-in code it gave them (shown once, to
    the facilitator, who hands it on: the participant saw only the thank-you page)."""

    person_id: int | None
    checkin_code: str | None = None
    # The person was registered for the module with a code already: it still works, none other is given.
    kept_code: bool = False


def settle_review(session: Session, review_id: int, *, decision: str, by: str | None,
                  person_id: int | None = None) -> Settled:  # fmt: skip
    """Settle a queued registration: "merge" into the candidate (or person_id), "create" a new person, or "discard".

    A merged or created registration registers the person for the module and gives them a check-in code, as a
    registration matched at once does (none when they have one: it still works). The submitted values are cleared from the queue once decided.
    """
    # Locked until the commit: two facilitators settling it at once are taken one after the other (PostgreSQL), and
    # the second is told it was settled, instead of making a second person of it.
    review = session.get(RegistrationReview, review_id, with_for_update=True)
    if review is None or review.status != ReviewStatus.PENDING:
        raise NotFound(settled_already(session, review_id))
    submission = session.get(FormSubmission, review.submission_id)
    link = session.get(FormLink, submission.link_id)
    records = list(session.scalars(sa.select(ConsentRecord).where(ConsentRecord.submission_id == submission.id)))
    target: int | None = None
    code: str | None = None
    kept = False
    if decision == "discard":
        review.status = ReviewStatus.DISCARDED
        for record in records:
            session.delete(record)
        submission.outcome = "discarded"
    elif decision in ("merge", "create"):
        read = edit._read(review_values(review), {})[0]
        consents = {record.consent: record.given for record in records}
        person = None
        if decision == "merge":
            person = session.get(Person, person_id or review.candidate_id)
            if person is None or person.erased_at is not None:
                raise NotFound("The person to merge this registration into no longer exists.")
            if read.get("email") and session.scalar(
                sa.select(Person.id).where(Person.email == read["email"], Person.id != person.id)
            ):
                read = {**read, "email": None}  # the e-mail is another record's: kept off this one
        elif read.get("email") and session.scalar(sa.select(Person.id).where(Person.email == read["email"])):
            # Someone else on record has it (an organisation's shared address, or someone's given by another): the
            # new person is made without it, as a merge keeps it off; merging or discarding stay the other choices.
            read = {**read, "email": None}
        person, created, changes = apply(session, person, read, consents, link)
        code = _give_code(session, submission, changes)
        kept = code is None
        target = person.id
        for record in records:
            record.person_id = person.id
            session.add(record)
        review.status = ReviewStatus.MERGED if decision == "merge" else ReviewStatus.CREATED
        submission.person_id, submission.person_created = person.id, created
        submission.outcome = "merged" if decision == "merge" else "created"
    else:
        raise ProgrammeError(f"'{decision}' is not a decision: merge, create or discard.")
    review.values = None
    review.decided_at, review.decided_by = utcnow(), by
    session.add_all([review, submission])
    session.flush()
    audit.record(session, action="update", username=by, entity="registration_review", entity_id=review.id,
                 summary=f"self-service registration {decision}")  # fmt: skip
    return Settled(target, code, kept)


# How a settled registration was settled, as the sentence that says so reads.
SETTLED_AS = {
    ReviewStatus.MERGED: "updated the recorded person with it",
    ReviewStatus.CREATED: "created a new person from it",
    ReviewStatus.DISCARDED: "discarded it",
}


def settled_already(session: Session, review_id: int) -> str:
    """Return the sentence a facilitator reads on settling a registration that is no longer waiting for review: who
    settled it and how (from the review row), or that it was voided (the row is gone with its submission)."""
    review = session.get(RegistrationReview, review_id)
    if review is None:
        return "That registration is no longer waiting for review: it was voided."
    if review.status == ReviewStatus.PENDING:
        return "That registration is still waiting for review."
    when = f" on {review.decided_at:%d %b %Y at %H:%M} UTC" if review.decided_at else ""
    return (
        f"That registration is no longer waiting for review: {review.decided_by or 'someone else'} already settled "
        f"it{when} and {SETTLED_AS[review.status]}."
    )


def _recorded(session: Session, person: Person) -> dict[str, Any]:
    """Return the person's recorded values under the registration form's field names, as text."""
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id is not None else None
    values = {name: getattr(person, name, None) for name in FIELDS if hasattr(person, name)}
    values["organisation"] = organisation.name if organisation else None
    values["org_type"] = organisation.org_type if organisation else None
    # Countries by name, as typed on the form ("Nepal" beside "Nepal", not beside "NPL").
    for name in ("nationality", "country_of_work"):
        values[name] = country_name(values[name]) if values[name] else None
    return {name: getattr(value, "value", value) for name, value in values.items()}


def review_queue(session: Session, module_id: int) -> list[dict[str, Any]]:
    """Return a module's registrations waiting for review: what was typed beside the record it may be, and what is
    alike and what differs in words ("why")."""
    queue = []
    for review in submissions.pending_reviews(session, module_id):
        candidate = session.get(Person, review.candidate_id) if review.candidate_id else None
        typed, on_record = review_values(review), _recorded(session, candidate) if candidate else None
        queue.append(
            {
                "id": review.id,
                "typed": typed,
                "candidate_id": candidate.id if candidate else None,
                "candidate": on_record,
                "score": review.score,
                "reason": review.reason,
                # What is alike and what differs, in words (the score alone told a facilitator nothing).
                "why": likeness(typed, on_record, sides=("typed", "recorded")) if on_record else review.reason,
            }
        )
    return queue

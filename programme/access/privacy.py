"""Consent and roles applied to tables of people: who may see names, and which contact fields.

Two rules. Consent governs *publication*: what leaves the team (the alumni directory, network member lists,
exports for partners, funder-facing reports) shows a contact field only where the person agreed to share it
(`mask_people`). The team's own work is not publication: facilitators and administrators see organisation,
position, e-mail and phone on Participants, attendance, group lists and role cards whatever the consent
(`team_view`). Viewers never see names or contacts under either rule. Free text (comments) is redacted for those who may not
see personal data (`redact`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.models import AgendaSession, Module, Participation, Person, SessionFacilitator
from programme.people.names import LETTER_MARK_CLASS, LETTER_MARKS, fold_words

# Each contact column and the consent flag that allows showing it.
CONTACT_CONSENT = {"email": "consent_email", "phone": "consent_phone", "organisation": "consent_organisation"}
PERSONAL_COLUMNS = ("full_name", "given_name", "family_name", "name", "email", "phone", "position", "notes")
# Fields published under another field's consent: an organisation's type says what the organisation is, so it
# leaves the team only with the organisation itself (as the alumni directory shows it: alumni.common).
FOLLOWS_CONSENT = {"org_type": "consent_organisation"}
HIDDEN = ""


def _drop_personal(frame: pd.DataFrame, user: SignedIn | None, *, published: bool = False) -> pd.DataFrame:
    if user is None or not user.can_see_names:
        hidden = PERSONAL_COLUMNS + tuple(CONTACT_CONSENT) + (tuple(FOLLOWS_CONSENT) if published else ())
        return frame.drop(columns=[c for c in hidden if c in frame.columns])
    return frame


def _drop_flags(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[flag for flag in CONTACT_CONSENT.values() if flag in frame.columns])


def mask_people(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame for publication: contact fields blanked where consent is missing, no personal columns for viewers.

    The organisation's type follows the organisation's consent (FOLLOWS_CONSENT). Expects the consent_* columns
    next to the contact columns it finds; drops the consent columns.
    """
    masked = _drop_personal(frame.copy(), user, published=True)
    for column, flag in (CONTACT_CONSENT | FOLLOWS_CONSENT).items():
        if column in masked.columns:
            if flag not in masked.columns:
                raise ValueError(f"mask_people needs the {flag} column to show {column}")
            masked[column] = masked[column].where(masked[flag].astype(bool), HIDDEN)
    return _drop_flags(masked)


def team_view(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame for the team's own work: everything for facilitators and admins, no personal columns for viewers.

    Consent does not hide a participant's organisation or contacts from the people running their module;
    the consent_* columns, if any, are dropped.
    """
    return _drop_flags(_drop_personal(frame.copy(), user))


# --- Free text without personal data --------------------------------------------------------------------------
# Comments and other free text, for those who may not see names (viewers) and for what leaves the organisation
# (funder reports): the names of people in the registry who took part in the same course, their phone numbers,
# and anything shaped like an e-mail address or a phone number are replaced. Facilitators and admins read the
# text as written.
NAME, EMAIL, PHONE = "[name]", "[e-mail]", "[phone]"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with the separators phone numbers are written with; judged by _is_phone.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-/]{4,}\d(?!\w)")
_DATE_LIKE = re.compile(
    r"\d{4}\s*[-–/]\s*\d{2,4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}:\d{2}"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Name particles that would hide common words if replaced on their own.
# Words as names.fold_words reads them: letters, digits and the marks that are letters in their script (the vowel
# signs of "सीता"), so that a name is found whole and not inside a longer one ("कमल", Kamal, is not in "कमला").
_LETTER_MARKS = frozenset(LETTER_MARKS)
_BETWEEN_WORDS = rf"(?:[^\w{LETTER_MARK_CLASS}]|_)+"
_WORD_STARTS = rf"(?<![^\W_])(?<![{LETTER_MARK_CLASS}])"
_WORD_ENDS = rf"(?![^\W_])(?![{LETTER_MARK_CLASS}])"
_PARTICLES = frozenset("al bin binti bint da das de del della der di do dos du el la le van von y".split())
_RUNS_OF_NAMES = re.compile(r"\[name\](?:[ \t]*,?[ \t]*\[name\])+")
# Digits of a registry phone number compared: the national number's end, however the comment writes the prefix.
PHONE_DIGITS_COMPARED = 8


@dataclass(frozen=True)
class PeopleToHide:
    """The names and phone numbers to replace in a text (e-mail addresses go by their shape alone).

    full_names: folded (fold) full names, matched in any case and accent; parts: folded given and family names,
    matched on their own only where the text writes them with a capital; phones: the last digits of each number.
    """

    full_names: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()  # lower-cased; any e-mail address goes anyway unless any_contact=False

    @classmethod
    def of(
        cls, people: Iterable[tuple[str | None, str | None, str | None, str | None]], emails: Iterable[str] = ()
    ) -> PeopleToHide:
        """Return the set for people given as (full name, given name, family name, phone), and their e-mails."""
        full_names, parts, phones = set(), set(), set()
        for full_name, given, family, phone in people:
            words = fold_words(full_name or "")
            if len(words) > 1:
                full_names.add(" ".join(words))
            for word in [*words, *fold_words(given or ""), *fold_words(family or "")]:
                if len(word) > 1 and word not in _PARTICLES and not word.isdigit():
                    parts.add(word)
            digits = re.sub(r"\D", "", phone or "")
            if len(digits) >= 7:
                phones.add(digits[-PHONE_DIGITS_COMPARED:])
        # Longest first: "Ana Maria Tan" before "Ana Maria".
        return cls(
            tuple(sorted(full_names, key=lambda n: (-len(n), n))),
            tuple(sorted(parts, key=lambda n: (-len(n), n))),
            frozenset(phones),
            frozenset(email.strip().lower() for email in emails if email and email.strip()),
        )

    @cached_property
    def _full_pattern(self) -> re.Pattern[str] | None:
        if not self.full_names:
            return None
        names = "|".join(_BETWEEN_WORDS.join(map(re.escape, name.split())) for name in self.full_names)
        return re.compile(rf"{_WORD_STARTS}(?:{names}){_WORD_ENDS}")

    @cached_property
    def _part_pattern(self) -> re.Pattern[str] | None:
        if not self.parts:
            return None
        return re.compile(rf"{_WORD_STARTS}(?:{'|'.join(map(re.escape, self.parts))}){_WORD_ENDS}")


NOBODY = PeopleToHide()


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """Return text lower-cased and without accents, and for each of its characters the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for base in unicodedata.normalize("NFKD", char) if not char.isascii() else char:
            if unicodedata.combining(base) and base not in _LETTER_MARKS:
                continue
            for folded in base.casefold():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def _is_phone(candidate: str, known: frozenset[str], *, any_contact: bool = True) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if len(digits) >= 7 and digits[-PHONE_DIGITS_COMPARED:] in known:
        return True
    if not any_contact:
        return False
    if _DATE_LIKE.fullmatch(candidate.strip()) or all(
        _YEAR.fullmatch(group) for group in re.findall(r"\d+", candidate)
    ):
        return False  # "2019-2020", "12.05.2024", "2019 2020 2021"
    return len(digits) >= 9 or (len(digits) >= 7 and candidate.startswith("+")) or 7 <= len(digits) <= 8


def _name_spans(text: str, people: PeopleToHide) -> list[tuple[int, int]]:
    folded, origin = _folded_with_positions(text)
    spans = []
    if people._full_pattern is not None:
        spans += [(origin[m.start()], origin[m.end() - 1] + 1) for m in people._full_pattern.finditer(folded)]
    if people._part_pattern is not None:
        for match in people._part_pattern.finditer(folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if text[start].isupper():  # "Hope" the name, not "hope" the word
                spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str | None, people: PeopleToHide = NOBODY, *, any_contact: bool = True) -> str | None:
    """Return text with e-mail addresses, phone numbers and the names of people replaced by [e-mail], [phone]
    and [name]. None stays None. any_contact=False: only the e-mails and phone numbers of these people (erasure
    cleans one person's traces, not everyone's)."""
    if text is None or not isinstance(text, str) or not text:
        return text
    if any_contact:
        text = _EMAIL.sub(EMAIL, text)
    else:
        text = _EMAIL.sub(lambda m: EMAIL if m.group().lower() in people.emails else m.group(), text)
    text = _PHONE_CANDIDATE.sub(
        lambda m: PHONE if _is_phone(m.group(), people.phones, any_contact=any_contact) else m.group(), text
    )
    spans = _name_spans(text, people)
    for start, end in reversed(spans):
        text = text[:start] + NAME + text[end:]
    return _RUNS_OF_NAMES.sub(NAME, text) if spans else text


def people_of_courses(session: Session, course_ids: Iterable[int]) -> dict[int, PeopleToHide]:
    """Return, for each course, the people to hide in its texts: everyone with a part in one of its modules
    (any role) or named on one of its sessions.

    Matching every name of a registry of 500,000 people in every comment would cost too much and hide common
    words; the people of the course are those its comments speak of. Any e-mail address or phone-shaped
    number is replaced whoever it belongs to.
    """
    wanted = sorted({int(course_id) for course_id in course_ids})
    if not wanted:
        return {}
    columns = (Module.course_id, Person.full_name, Person.given_name, Person.family_name, Person.phone)
    by_participation = (
        sa.select(*columns)
        .join(Participation, Participation.module_id == Module.id)
        .join(Person, Person.id == Participation.person_id)
        .where(Module.course_id.in_(wanted))
    )
    by_session = (
        sa.select(*columns)
        .join(AgendaSession, AgendaSession.module_id == Module.id)
        .join(SessionFacilitator, SessionFacilitator.session_id == AgendaSession.id)
        .join(Person, Person.id == SessionFacilitator.person_id)
        .where(Module.course_id.in_(wanted))
    )
    people: dict[int, list[tuple]] = {course_id: [] for course_id in wanted}
    for course_id, *person in session.execute(sa.union(by_participation, by_session)):
        people[course_id].append(tuple(person))
    return {course_id: PeopleToHide.of(rows) for course_id, rows in people.items()}


def module_course(session: Session, module_id: int) -> int:
    """Return the course of a module."""
    return session.scalar(sa.select(Module.course_id).where(Module.id == module_id))


class CourseRedactor:
    """redact() for texts of many courses: each course's people are read once, when first needed."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._people: dict[int, PeopleToHide] = {}

    def prefetch(self, course_ids: Iterable[int]) -> None:
        """Read the people of these courses in one query."""
        missing = {int(course_id) for course_id in course_ids} - set(self._people)
        self._people.update(people_of_courses(self._session, missing))

    def __call__(self, course_id: int | None, text: str | None) -> str | None:
        """Return text without personal data, hiding the names of the people of course_id."""
        if course_id is None:
            return redact(text)
        if int(course_id) not in self._people:
            self.prefetch([course_id])
        return redact(text, self._people[int(course_id)])

    def column(self, course_ids: Iterable[int], texts: Iterable[str | None]) -> list[str | None]:
        """Return each text without personal data, beside the course it belongs to."""
        course_ids = [int(course_id) for course_id in course_ids]
        self.prefetch(course_ids)
        return [self(course_id, text) for course_id, text in zip(course_ids, texts, strict=True)]

"""Session methods: the standard list, the organisation's own (remembered), and the pauses (breaks, meals).

A session's method is stored as text: one of the standard methods (programme.models.Method) or one of
the organisation's own, which `agenda_method` remembers so that every agenda offers it. Breaks and meals
are agenda rows like any other (they show on the day's timeline) but are not training: training hours
leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.models import AgendaMethod, AgendaSession, Method, SessionDesign
from programme.models.courses import METHOD_LENGTH
from programme.people.names import clean_text, fold

# A row typed without a method is a presentation, the commonest session (the grid shows it as typed in).
DEFAULT_METHOD = Method.PRESENTATION.value
STANDARD_METHODS: tuple[str, ...] = tuple(m.value for m in Method)
# Agenda rows that are not training: on the timeline, never in the training hours.
PAUSES: frozenset[str] = frozenset({Method.BREAK.value, Method.MEAL.value})

# What planners write for the standard methods, folded ("Group work" -> "group work"). An organisation's
# own method of the same name wins over these (a remembered "lecture" stays "lecture").
METHOD_WORDS: dict[str, Method] = {
    "lecture": Method.PRESENTATION,
    "input": Method.PRESENTATION,
    "talk": Method.PRESENTATION,
    "keynote": Method.PRESENTATION,
    "panel discussion": Method.PANEL,
    "working groups": Method.WORKING_GROUP,
    "group work": Method.WORKING_GROUP,
    "groupwork": Method.WORKING_GROUP,
    "workshop": Method.WORKING_GROUP,
    "exercise": Method.WORKING_GROUP,
    "roleplay": Method.ROLE_PLAY,
    "role playing": Method.ROLE_PLAY,
    "simulation": Method.ROLE_PLAY,
    "field visit": Method.VISIT,
    "mission visit": Method.VISIT,
    "study visit": Method.VISIT,
    # DOMAIN.md's own words for it, and what planners write after a role play's rehearsal.
    "visit to a diplomatic mission": Method.VISIT,
    "visit to diplomatic mission": Method.VISIT,
    "diplomatic mission visit": Method.VISIT,
    "embassy visit": Method.VISIT,
    "visit to an embassy": Method.VISIT,
    "plenary reflection": Method.PLENARY,
    "reflection": Method.PLENARY,
    "discussion": Method.PLENARY,
    "open discussion": Method.PLENARY,
    "coffee break": Method.BREAK,
    "tea break": Method.BREAK,
    "coffee": Method.BREAK,
    "tea": Method.BREAK,
    "pause": Method.BREAK,
    "lunch": Method.MEAL,
    "lunch break": Method.MEAL,
    "dinner": Method.MEAL,
    "welcome dinner": Method.MEAL,
    "breakfast": Method.MEAL,
    "break": Method.BREAK,
    "meal": Method.MEAL,
}


def is_training(method: object) -> bool:
    """Return whether a session of this method counts in training hours (every method but a break or meal)."""
    return clean_text(method).lower() not in PAUSES


def pause_of(title: object) -> str | None:
    """Return "break" or "meal" when a title names a pause ("Coffee break", "Lunch"), else None."""
    word = METHOD_WORDS.get(fold(clean_text(title)))
    return word.value if word is not None and word.value in PAUSES else None


# A title that opens with a method's name and a colon or dash ("Role play: lobbying a labour attaché") says it.
_LABELLED = re.compile(r"^\s*([^:\-–—]{3,30}?)\s*(?::|\s[-–—]\s)")


def labelled_method(title: object) -> str | None:
    """Return the standard method a title opens with ("Role play: ...", "Field visit - ..."), else None."""
    found = _LABELLED.match(clean_text(title))
    if found is None:
        return None
    key = fold(found.group(1))
    for method in STANDARD_METHODS:
        if key == fold(method):
            return method
    word = METHOD_WORDS.get(key)
    return None if word is None else word.value


def default_method(title: object = "") -> str:
    """Return the method of a row typed without one: a pause for "Lunch" or "Coffee break", the method a title opens
    with ("Role play: ..."), else presentation."""
    return pause_of(title) or labelled_method(title) or DEFAULT_METHOD


def resolve_method(text: object, own: Iterable[str] = (), *, title: object = "") -> str | None:
    """Return the method a cell names, or None when it is not a method we know.

    An empty cell gives the default for the row's title (default_method). Standard methods and the organisation's own are
    matched whatever the case and accents ("Field Visit" is a remembered "field visit"); then the usual
    words for the standard methods ("group work" is "working group"). own lists the organisation's methods.
    """
    key = fold(clean_text(text))
    if not key:
        return default_method(title)
    for method in STANDARD_METHODS:
        if key == fold(method):
            return method
    for method in own:
        if key == fold(method):
            return method
    word = METHOD_WORDS.get(key)
    return None if word is None else word.value


def own_methods(session: Session) -> list[str]:
    """Return the organisation's own methods, in alphabetical order."""
    return list(session.scalars(sa.select(AgendaMethod.name).order_by(sa.func.lower(AgendaMethod.name))))


def checked_method(session: Session, text: object, *, title: object = "") -> str:
    """Return the method named, for writing: standard, the organisation's own, or one already on an agenda.

    Raise ProgrammeError naming the methods when it is none of these (a method is never guessed).
    """
    own = own_methods(session)
    method = resolve_method(text, own, title=title)
    if method is not None:
        return method
    written = clean_text(text)
    used = session.scalar(sa.select(sa.exists().where(AgendaSession.method == written)))
    if used or session.scalar(sa.select(sa.exists().where(SessionDesign.method == written))):
        return written
    allowed = ", ".join(method_options(own))
    raise ProgrammeError(f"'{written}' is not a method we know ({allowed}); add it to your organisation's methods.")


def method_options(own: Iterable[str], present: Iterable[object] = ()) -> list[str]:
    """Return the methods a grid offers: the standard ones, the organisation's own, then any other already used."""
    options = list(STANDARD_METHODS)
    for method in [*own, *(clean_text(m) for m in present)]:
        if method and method not in options:
            options.append(method)
    return options


def remember_method(session: Session, name: object, *, by: str | None) -> str:
    """Add one of the organisation's own methods to the list every agenda offers, and return it as stored.

    A standard method, or a method already remembered under another case, is refused with the name to use;
    so is a pause written as a method of its own ("lunch"), which would otherwise count as training.
    """
    text = clean_text(name)
    if not text:
        raise ProgrammeError("Type the method's name, e.g. lecture or field visit.")
    if len(text) > METHOD_LENGTH:
        raise ProgrammeError(f"A method's name is at most {METHOD_LENGTH} characters; this one has {len(text)}.")
    known = resolve_method(text, own_methods(session))
    if known in STANDARD_METHODS and fold(known) == fold(text):
        raise ProgrammeError(f"'{known}' is already on the list of methods.")
    if known in PAUSES:
        raise ProgrammeError(
            f"'{text}' is a pause: use the method '{known}', which shows on the timeline and is left out of "
            "the training hours."
        )
    if known is not None and known not in STANDARD_METHODS:
        raise ProgrammeError(f"'{known}' is already one of your methods.")
    session.add(AgendaMethod(name=text))
    session.flush()
    audit.record(session, action="create", username=by, entity="agenda_method", summary=f"method '{text}' added")
    return text


def forget_method(session: Session, name: str, *, by: str | None) -> None:
    """Take one of the organisation's own methods off the list; sessions that use it keep it."""
    found = session.get(AgendaMethod, name)
    if found is None:
        raise ProgrammeError(f"'{name}' is not one of your methods.")
    session.delete(found)
    session.flush()
    audit.record(session, action="delete", username=by, entity="agenda_method", summary=f"method '{name}' removed")


def training_minutes(agenda: Iterable[tuple[object, object, object]]) -> tuple[int, int]:
    """Return (training minutes, pause minutes) of (start, end, method) triples; breaks and meals are pauses."""
    training = pauses = 0
    for start, end, method in agenda:
        length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)  # type: ignore[attr-defined]
        if is_training(method):
            training += length
        else:
            pauses += length
    return training, pauses

"""A module's forms opened for participants: open, close, list, and find one by the token in its link."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.core.local_time import country_zone, local_today
from programme.core.words import date_span, day_in_words
from programme.evaluations import forms as evaluation_forms
from programme.evaluations.scales import answered_in_words
from programme.models import (
    AgendaSession,
    Course,
    EvaluationForm,
    FormKind,
    FormLink,
    FormSubmission,
    Module,
    Question,
    QuestionKind,
)
from programme.models.base import utcnow
from programme.models.evaluations import ZERO_TO_TEN
from programme.selfservice.labels import LANGUAGES, NO_BREAK_SPACE, form_date, text
from programme.selfservice.labels import labels as form_labels
from programme.selfservice.link_parameter import QUERY_PARAMETER

DEFAULT_BASE_URL = "http://localhost:8501"
TOKEN_BYTES = 24


class FormSettingRefused(ProgrammeError):
    """A form opened with a setting that cannot work (a past closing date, an address that is not one)."""

    exit_code = 2


class FormUnavailable(ProgrammeError):
    """A link that is not (or no longer) a form: the public page says one sentence and shows nothing else."""

    exit_code = 2


@dataclass(frozen=True)
class OpenedForm:
    """A form just opened, as `forms open --json` prints it."""

    kind: str
    token: str
    url: str
    closes: str | None
    # What the person opening it should know (a check-in opened before the module: codes are taken on its days only).
    note: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "token": self.token, "url": self.url, "closes": self.closes}


def token_digest(token: str) -> str:
    """Return the SHA-256 digest under which a token is looked up."""
    return hashlib.sha256(f"programme-form:{token}".encode()).hexdigest()


def form_url(link: FormLink, base_url: str | None = None) -> str:
    """Return the link participants open: the app's address with ?form=TOKEN."""
    base = (base_url or link.base_url or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/?{QUERY_PARAMETER}={link.token}"


def today(module: Module | None = None) -> date:
    """Return today's date where the module is held (programme.core.local_time; without a module, or a module whose
    country's time zone is not one, the computer's own): the day a form opens and closes on, a check-in's day."""
    return local_today(module.country if module is not None else None)


def module_today(session: Session, module_id: int) -> date:
    """Return today's date where a module is held (today)."""
    return today(session.get(Module, module_id))


# How long a form stays open after the day it is opened on, or after the module's last day for a module to come.
CLOSES_AFTER_DAYS = 7


def default_closing(session: Session, module_id: int) -> date:
    """Return the closing date the Forms page offers: a week after the module's last day, or after today once it has
    ended. A week from today, offered for a module months away, closed a registration long before the module and
    made a daily check-in link refused ("before module 2 starts") until the date was changed by hand."""
    module = session.get(Module, module_id)
    opens_on = today(module)
    last_day = module.end_date if module is not None else opens_on
    return max(opens_on, last_day) + timedelta(days=CLOSES_AFTER_DAYS)


def open_form(
    session: Session,
    *,
    module_id: int,
    kind: FormKind | str,
    closes_on: date | None = None,
    base_url: str | None = None,
    language: str = "en",
    allow_multiple: bool = False,
    by: str | None = None,
) -> OpenedForm:
    """Open a registration or evaluation form for a module; an evaluation uses the module's form (the standard one
    is created from the agenda when the module has none yet)."""
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module does not exist.")
    kind = FormKind(kind)
    if language not in LANGUAGES:
        raise FormSettingRefused(
            f"'{language}' is not a language the forms ship; choose one of {', '.join(LANGUAGES)}."
        )
    opens_on = today(module)
    if closes_on is not None and closes_on < opens_on:
        raise FormSettingRefused(f"The closing date {day_in_words(closes_on)} is already past.")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise FormSettingRefused(f"'{base_url}' is not an address starting with http:// or https://.")
    note = checkin_dates_problem(module, kind, opens_on, closes_on)
    evaluation_form_id = None
    if kind == FormKind.EVALUATION:
        form = evaluation_forms.module_form(session, module_id)
        if form is None:
            form = evaluation_forms.create_standard_form(session, module_id=module_id, by=by)
        if not evaluation_forms.form_questions(session, form.id, asked_only=True):
            raise ProgrammeError(
                "The module's evaluation form asks no question yet: add its questions under Forms and entry first."
            )
        evaluation_form_id = form.id
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = FormLink(
        module_id=module_id,
        kind=kind,
        token=token,
        token_digest=token_digest(token),
        evaluation_form_id=evaluation_form_id,
        opens_on=opens_on,
        closes_on=closes_on,
        allow_multiple=allow_multiple,
        language=language,
        base_url=base_url,
        created_by=by,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="form_link",
        entity_id=link.id,
        summary=f"{kind.value} form opened for module {module_id}",
    )
    return OpenedForm(kind.value, token, form_url(link), closes_on.isoformat() if closes_on else None, note)


def checkin_dates_problem(module: Module, kind: FormKind, opens_on: date, closes_on: date | None) -> str | None:
    """Refuse a daily check-in link that could never take a code (FormSettingRefused): the phone form takes codes on
    the module's days only, so a link for a module that has ended, or one closing before the module starts, refused
    every code with no word to the person who opened it. Return a note for a link opened before the module starts
    (it is open, and takes codes from its first day), else None."""
    if kind != FormKind.CHECKIN:
        return None
    days = date_span(module.start_date, module.end_date)
    if module.end_date < opens_on:
        raise FormSettingRefused(
            f"Module {module.number} ended on {day_in_words(module.end_date)}: a daily check-in link "
            f"takes codes only on the module's days ({days}), so it would refuse every code. Record its attendance "
            "under Plan › Agenda › Attendance, or import its attendance sheet, instead."
        )
    if closes_on is not None and closes_on < module.start_date:
        raise FormSettingRefused(
            f"The link would close on {day_in_words(closes_on)}, before module {module.number} starts on "
            f"{day_in_words(module.start_date)}: a daily check-in link takes codes only on the "
            f"module's days ({days}). Choose a closing date on or after its last day."
        )
    if module.start_date > opens_on:
        return f"Check-in takes codes only on the module's days ({days}); before then the phones say it is not open."
    return None


def checkin_warning(session: Session, module_id: int) -> str | None:
    """What the Forms page says under the form choice before anyone opens a daily check-in link: why none can be opened
    for a module that has ended (checkin_dates_problem's refusal), or when one takes codes for a module to come."""
    module = session.get(Module, module_id)
    if module is None:
        return None
    try:
        return checkin_dates_problem(module, FormKind.CHECKIN, today(module), None)
    except FormSettingRefused as refused:
        return str(refused)


def module_links(session: Session, module_id: int, kind: FormKind | str | None = None) -> list[FormLink]:
    """Return a module's form links, newest first (optionally of one kind)."""
    query = sa.select(FormLink).where(FormLink.module_id == module_id)
    if kind is not None:
        query = query.where(FormLink.kind == FormKind(kind))
    return list(session.scalars(query.order_by(FormLink.id.desc())))


def is_open(link: FormLink, on: date | None = None) -> bool:
    """Return whether a link takes submissions on a day (not closed by hand, within its dates)."""
    day = on or today()
    if link.closed_at is not None or day < link.opens_on:
        return False
    return link.closes_on is None or day <= link.closes_on


def close_forms(session: Session, *, module_id: int, kind: FormKind | str | None = None, by: str | None = None) -> int:
    """Close a module's open forms (of one kind, or all); return how many were closed."""
    return sum(close_link(session, link.id, by=by) for link in module_links(session, module_id, kind))


def close_link(session: Session, link_id: int, *, by: str | None = None) -> bool:
    """Close one form link; return whether it was open (closed by hand before: nothing changes)."""
    link = session.get(FormLink, link_id)
    if link is None:
        raise NotFound("That form does not exist.")
    if link.closed_at is not None:
        return False
    link.closed_at = utcnow()
    session.add(link)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="form_link",
        entity_id=link.id,
        summary=f"{link.kind.value} form closed for module {link.module_id}",
    )
    return True


def list_forms(session: Session, module_id: int) -> list[dict]:
    """Return a module's forms as `forms list --json` prints them: kind, token, url, opens, closes, open, counts."""
    query = (
        sa.select(FormSubmission.link_id, sa.func.count().label("n"))
        .join(FormLink, FormLink.id == FormSubmission.link_id)
        .where(FormLink.module_id == module_id, FormSubmission.voided.is_(False))
        .group_by(FormSubmission.link_id)
    )
    counts = {row.link_id: row.n for row in session.execute(query)}
    day = module_today(session, module_id)
    return [
        {
            "id": link.id,
            "kind": link.kind.value,
            "token": link.token,
            "url": form_url(link),
            "opens": link.opens_on.isoformat(),
            "closes": link.closes_on.isoformat() if link.closes_on else None,
            "closed": link.closed_at is not None,
            "open": is_open(link, on=day),
            "language": link.language,
            "allow_multiple": link.allow_multiple,
            "submissions": int(counts.get(link.id, 0)),
        }
        for link in module_links(session, module_id)
    ]


UNAVAILABLE = "This form link is not valid, or the form is closed."
# What a link that is no form's says on the page: what to do too (a link cut short in a message, a mistyped one).
UNKNOWN_LINK = (
    f"{UNAVAILABLE} Check that you opened the whole link you were sent, or scan the QR code again; if it still does "
    "not open, ask the course's organisers (whoever sent you the link) for a new link or a paper form."
)


def find_open_link(session: Session, token: object) -> FormLink:
    """Return the open form a token belongs to, or raise FormUnavailable (one sentence, whatever the reason)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        raise FormUnavailable(UNAVAILABLE)
    link = session.scalar(sa.select(FormLink).where(FormLink.token_digest == token_digest(token)))
    if link is None or not hmac.compare_digest(link.token.encode(), token.encode()):
        raise FormUnavailable(UNAVAILABLE)
    if not is_open(link, on=module_today(session, link.module_id)):
        raise FormUnavailable(UNAVAILABLE)
    return link


def unavailable_sentence(session: Session, token: object, *, kept: bool = False) -> str:
    """Return what a link that is not an open form says: in English for a token that is no form's (its language is not
    known), with what to do; for a form's own link (closed, or past its date, perhaps while a participant filled it in), in the form's
    language, when it closed and what to do (ask the organisers). kept: the participant's answers are still on the
    page (the form closed while it was filled in), and the sentence says so."""
    if isinstance(token, str) and 16 <= len(token) <= 64:
        link = session.scalar(sa.select(FormLink).where(FormLink.token_digest == token_digest(token)))
        if link is not None and hmac.compare_digest(link.token.encode(), token.encode()):
            return closed_sentence(session, link, kept=kept)
    return UNKNOWN_LINK


def closed_sentence(session: Session, link: FormLink, *, kept: bool = False) -> str:
    """Return why a form's own link takes no answer now, in its language: closed on a day and time (by the
    organisers), or after its last day, or not open yet; then what to do."""
    module = session.get(Module, link.module_id)
    day = today(module)
    words = form_labels(link.language)
    if link.closed_at is not None:
        when = closed_moment(link.closed_at, module.country if module is not None else None, link.language)
        said = str(words["closed_at"]).format(when=when)
    elif link.closes_on is not None and day > link.closes_on:
        said = str(words["closed_on"]).format(day=form_date(link.language, link.closes_on))
    elif day < link.opens_on:
        said = str(words["not_open_yet"]).format(day=form_date(link.language, link.opens_on))
    else:
        said = str(words["unavailable"])
    if kept:
        said += " " + str(words["answers_kept"])
    return f"{said} {words['ask_organisers']}"


def closed_moment(closed_at: datetime, country: str | None, language: str = "en") -> str:
    """Return when a form was closed as the participant reads it, in the form's language: "5 December 2026 at 14:30
    (UTC+07:00)", in the module's time zone when its country has one, else the computer's (stored times are UTC); the
    date in words and the time on one line (see form_date and unbroken), the zone free to go to the next line."""
    moment = closed_at if closed_at.tzinfo is not None else closed_at.replace(tzinfo=UTC)
    zone = country_zone(country, moment)
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    offset = local.strftime("%z") or "+0000"
    when = text(language, "date_time", date=form_date(language, local.date()), time=unbroken(f"{local:%H:%M}"))
    return f"{when.replace(' ', NO_BREAK_SPACE)} (UTC{offset[:3]}:{offset[3:]})"


# A date a phone's line never breaks: Chromium wrapped "2026-12-" / "05" at a hyphen. Word joiners (U+2060) around the
# hyphens forbid the break and are invisible; a no-break space holds the time to its date. The whole is a left-to-right
# isolate (U+2066 ... U+2069): in an Arabic sentence the joiners would otherwise part the date into numbers laid out
# right to left ("06 01:19-12-2026"), as a non-breaking hyphen (U+2011, a neutral character there) would.
WORD_JOINER, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2060", "\u2066", "\u2069"


def unbroken(text: str) -> str:
    """Return a date, or a date and time, that a line never breaks and that reads left to right in any sentence:
    "2026-12-05 14:30" with word joiners around each hyphen, a no-break space, in a left-to-right isolate."""
    joined = text.replace("-", f"{WORD_JOINER}-{WORD_JOINER}").replace(" ", "\u00a0")
    return f"{LEFT_TO_RIGHT_ISOLATE}{joined}{POP_ISOLATE}"


ZERO_TO_TEN_KIND = "rating 0-10"
# A 1-5 question imported as numbered ratings (not answered with the form's words): the numbers 1-5 on the page.
NUMBERED_KIND = "rating 1-5"


@dataclass(frozen=True)
class PublicForm:
    """All the database shows on a public form page: the module's title and dates, and the form's questions."""

    link_id: int
    kind: FormKind
    language: str
    module_title: str
    start_date: date
    end_date: date
    # Evaluation only, the questions the form asks: (question id, kind, the stored text, the session's title when it
    # is the standard question about that session, else None, standard question number);
    # kind "rating" (the form's words), "rating 1-5" (NUMBERED_KIND: numbers), "rating 0-10" (ZERO_TO_TEN_KIND) or
    # "text".
    questions: tuple[tuple[int, str, str, str | None, int | None], ...] = ()
    scale_labels: tuple[str, ...] | None = None
    allow_multiple: bool = False
    # The course the module belongs to and the module's city: a participant handed a link on a phone saw only
    # "Registration, Module 2" and could not tell which course it was for.
    course_title: str = ""
    city: str = ""

    @property
    def heading(self) -> str:
        """Return the form's heading: the course's title and the module's ("Migrant Workers' Rights — Module 2"), as
        the agenda's export names a module; the module's title alone where the course has no title."""
        return f"{self.course_title} — {self.module_title}" if self.course_title else self.module_title


def shown_kind(question: Question) -> str:
    """Return how the public page offers a question: "rating" (the form's words), NUMBERED_KIND (the numbers 1-5:
    imported as numbered ratings), ZERO_TO_TEN_KIND (the numbers 0-10) or "text"."""
    if question.kind == QuestionKind.RATING and (question.scale_min, question.scale_max) == ZERO_TO_TEN:
        return ZERO_TO_TEN_KIND  # numbers 0-10 on the page, not the five labels
    if question.kind == QuestionKind.RATING and not answered_in_words(
        question.scale_min, question.scale_max, question.uses_form_labels
    ):
        return NUMBERED_KIND  # imported as numbered ratings: the numbers 1-5, not the form's words
    return question.kind.value


def public_form(session: Session, token: object) -> PublicForm:
    """Return what a public page may show for a token, or raise FormUnavailable."""
    return form_of(session, find_open_link(session, token))


def form_of(session: Session, link: FormLink) -> PublicForm:
    """Return what a public page shows of a form's link (open or not: the caller decides whether it may be shown)."""
    module = session.get(Module, link.module_id)
    course = session.get(Course, module.course_id)
    questions: list[tuple[int, str, str, str | None, int | None]] = []
    labels = None
    if link.kind == FormKind.EVALUATION and link.evaluation_form_id is not None:
        form = session.get(EvaluationForm, link.evaluation_form_id)
        labels = tuple(json.loads(form.scale_labels)) if form and form.scale_labels else None
        standard = [text for text, _kind, _feeds in evaluation_forms.STANDARD_QUESTIONS]
        for question in evaluation_forms.form_questions(session, link.evaluation_form_id, asked_only=True):
            title = None
            if question.session_id is not None:
                agenda_session = session.get(AgendaSession, question.session_id)
                # The standard question about a session is asked in the form's language; a question of the
                # organisation's own wording about it (reworded, added, imported) is asked as written.
                standard_wording = agenda_session and evaluation_forms.SESSION_QUESTION.format(
                    title=agenda_session.title
                )
                title = agenda_session.title if agenda_session and question.text == standard_wording else None
            number = standard.index(question.text) if question.text in standard else None
            questions.append((question.id, shown_kind(question), question.text, title, number))
    return PublicForm(
        link_id=link.id,
        kind=link.kind,
        language=link.language,
        module_title=module.title,
        start_date=module.start_date,
        end_date=module.end_date,
        questions=tuple(questions),
        scale_labels=labels,
        allow_multiple=link.allow_multiple,
        course_title=(course.title or "").strip() if course else "",
        city=(module.city or "").strip(),
    )


def suggested_base_url(host: str | None, scheme: str | None, port: int) -> str:
    """Return the address to put in a form's link: the one the facilitator's browser reached the app at when it is not
    this machine itself (the team's server: "https://programme.example.org"), else this machine's address on the
    local network at the port the app listens on, else localhost at that port.

    host: the request's Host header ("192.168.1.20:8611"); scheme: X-Forwarded-Proto when a proxy sets it.
    """
    name = (host or "").rsplit(":", 1)[0].strip("[]").lower()
    if name and name not in ("localhost", "::1", "0.0.0.0") and not name.startswith("127."):
        return f"{scheme or 'http'}://{host}"
    return lan_base_url(port) or f"http://localhost:{port}"


def lan_base_url(port: int = 8501) -> str | None:
    """Return http://<this machine's address on the local network>:port, or None when it has none.

    A UDP socket "connected" to an outside address sends nothing; it only makes the system choose the interface
    (the venue's Wi-Fi) whose address participants' phones can reach.
    """

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never reached
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else f"http://{address}:{port}"

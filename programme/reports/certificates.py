"""Certificates of participation (one PDF, a page per person) for those who completed a module or a course."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from fpdf import FPDF
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import course_code_of, get_course, get_module_by_id
from programme.models import (
    Course,
    CoursePartner,
    Module,
    ModuleStatus,
    Organisation,
    Participation,
    ParticipationRole,
    PartnerRole,
    Person,
)
from programme.people.countries import country_name
from programme.people.names import by_name, fold
from programme.reports.content import date_span
from programme.reports.typefaces import MAIN, add_fonts, missing_characters, set_font_for

ACCENT = (31, 95, 139)  # the app's primary colour


@dataclass(frozen=True)
class Certificate:
    name: str
    what: str
    course_title: str
    when: str
    place: str
    organisers: str = ""


def module_named(number: int, title: str | None) -> str:
    """Return how a certificate names a module: "Module 2: Lobbying", or the title alone when it opens with the
    module's number already ("Module 2", "Module 2: Lobbying", "module 2 – CEDAW"), not "Module 2: Module 2: ..."."""
    title = (title or "").strip()
    if not title:
        return f"Module {number}"
    if re.match(rf"module\s*{number}(?!\d)", title, re.IGNORECASE):
        return title
    return f"Module {number}: {title}"


def _participants(query: sa.Select) -> sa.Select:
    # Erased people keep their participations for the figures, but have no name to print.
    return query.where(Participation.role == ParticipationRole.PARTICIPANT, Person.erased_at.is_(None))


def _by_family_name(rows: Sequence[tuple[str, str | None]]) -> list[str]:
    """Return the full names by family name, then full name, whatever the case and accents (the database's order put
    a family name written in lower case, "de los Santos", after every capital: after "Uddin")."""
    return [full for full, _ in sorted(rows, key=lambda row: (fold(row[1] or row[0]), fold(row[0])))]


def module_certificates(session: Session, module_id: int) -> list[Certificate]:
    """Return a certificate for each participant who completed a module, by name."""
    module = get_module_by_id(session, module_id)
    course = session.get(Course, module.course_id)
    names = _by_family_name(
        session.execute(
            _participants(
                sa.select(Person.full_name, Person.family_name)
                .join(Participation, Participation.person_id == Person.id)
                .where(Participation.module_id == module.id, Participation.completed.is_(True))
            )
        ).all()
    )
    place = ", ".join(p for p in (module.city, country_name(module.country)) if p)
    what = module_named(module.number, module.title)
    when, organisers = date_span(module.start_date, module.end_date), _organisers(session, course.id)
    return [Certificate(name, what, course.title, when, place, organisers) for name in names]


def _course_modules(session: Session, course: Course) -> list[Module]:
    """Return the course's modules that count for completing it: held already, not cancelled."""
    return list(
        session.scalars(
            sa.select(Module)
            .where(
                Module.course_id == course.id,
                Module.status != ModuleStatus.CANCELLED,
                Module.end_date <= date.today(),
            )
            .order_by(Module.start_date)
        )
    )


def course_certificates(session: Session, course_code: str) -> list[Certificate]:
    """Return a certificate for each participant who completed every module of a course held so far."""
    course = get_course(session, course_code)
    modules = _course_modules(session, course)
    if not modules:
        return []
    # The course's participations read by module (ix_participation_module_person), the role and completion counted
    # in a CASE: a WHERE on the role led SQLite to read every participant's participation through the role's index
    # (7 s at 500,000 people for a course of 6 modules; 0.01 s so).
    completed_as_participant = sa.case(
        (
            sa.and_(Participation.completed.is_(True), Participation.role == ParticipationRole.PARTICIPANT),
            Participation.module_id,
        )
    )
    done = (
        sa.select(Participation.person_id)
        .where(Participation.module_id.in_([m.id for m in modules]))
        .group_by(Participation.person_id)
        .having(sa.func.count(sa.distinct(completed_as_participant)) == len(modules))
        .subquery()
    )
    names = _by_family_name(
        session.execute(
            sa.select(Person.full_name, Person.family_name)
            .join(done, done.c.person_id == Person.id)
            .where(Person.erased_at.is_(None))  # erased people keep their participations, but have no name to print
        ).all()
    )
    # "took part in and completed Module 1 of ...": a course held so far in one module names it.
    what = f"Module {modules[0].number}" if len(modules) == 1 else f"all {len(modules)} modules"
    when = date_span(modules[0].start_date, modules[-1].end_date)
    places = list(dict.fromkeys(", ".join(p for p in (m.city, country_name(m.country)) if p) for m in modules))
    organisers = _organisers(session, course.id)
    return [Certificate(name, what, course.title, when, "; ".join(places), organisers) for name in names]


def _organisers(session: Session, course_id: int) -> str:
    """Return the course's organisers' names, signing the certificates."""
    names = session.scalars(
        sa.select(Organisation.name)
        .join(CoursePartner, CoursePartner.organisation_id == Organisation.id)
        .where(CoursePartner.course_id == course_id, CoursePartner.role == PartnerRole.ORGANISER)
    ).all()
    return " and ".join(by_name(names))


def render_certificates(certificates: list[Certificate], *, organisation: str = "") -> bytes:
    """Return a PDF with one A4 landscape certificate per page."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(False)
    # Fonts for every script the names, titles and places are written in (Arabic, Devanagari, CJK, ...).
    add_fonts(pdf, [organisation, *(text for c in certificates for text in _texts(c))])
    pdf.set_title("Certificates of participation")
    for certificate in certificates:
        _page(pdf, certificate, organisation)
    return bytes(pdf.output())


def _texts(c: Certificate) -> tuple[str, ...]:
    return (c.name, c.what, c.course_title, c.when, c.place, c.organisers)


def left_out(certificates: list[Certificate]) -> list[Certificate]:
    """Return the certificates whose name has characters no shipped font has: the PDF leaves them out (a certificate
    with a name printed in part, or blank, is worse than none: those are printed by hand)."""
    return [c for c in certificates if missing_characters(c.name)]


def unprintable_names(certificates: list[Certificate]) -> dict[str, str]:
    """Return, by name, the characters of a certificate's text that no shipped font has (they would be left out)."""
    found = {c.name: missing_characters("".join(_texts(c))) for c in certificates}
    return {name: characters for name, characters in found.items() if characters}


def _line(pdf: FPDF, text: str, *, size: int, bold: bool = False, gap: float = 4) -> None:
    text = unicodedata.normalize("NFC", text)  # accents typed as separate marks, printed as one letter
    set_font_for(pdf, text, bold=bold, size=size)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _page(pdf: FPDF, c: Certificate, organisation: str) -> None:
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(32)
    pdf.set_text_color(*ACCENT)
    _line(pdf, "CERTIFICATE OF PARTICIPATION", size=28, bold=True, gap=10)
    pdf.set_text_color(0, 0, 0)
    _line(pdf, "This is to certify that", size=14)
    _line(pdf, c.name, size=26, bold=True, gap=8)
    _line(pdf, f"took part in and completed {c.what} of the capacity building program", size=14)
    _line(pdf, c.course_title, size=17, bold=True)
    _line(pdf, f"{c.when}{', ' + c.place if c.place else ''}", size=13, gap=20)
    pdf.set_y(pdf.h - 48)
    pdf.set_font(MAIN, "", 11)
    pdf.cell(0, 6, "_" * 34, align="C", new_x="LMARGIN", new_y="NEXT")
    signature = unicodedata.normalize("NFC", organisation or c.organisers or "For the organisers")
    set_font_for(pdf, signature, bold=False, size=11)
    pdf.cell(0, 6, signature, align="C")


def certificates_pdf(
    session: Session,
    *,
    course_code: str | None = None,
    module_id: int | None = None,
    by: str | None,
    organisation: str = "",
) -> bytes:
    """Return the certificates PDF for a module (module_id given) or a whole course; raise when nobody qualifies."""
    if module_id is not None:
        module = get_module_by_id(session, module_id)
        what = f"{course_code_of(session, module)} module {module.number}"
        certificates = module_certificates(session, module_id)
    elif course_code is not None:
        certificates, what = course_certificates(session, course_code), f"course {course_code}"
    else:
        raise ProgrammeError("Choose a course or one of its modules for the certificates.")
    if not certificates:
        raise ProgrammeError(
            f"Nobody has completed {what} yet: mark attendance on the Agenda page's Attendance tab (completion "
            "follows the rule on Settings), then try again."
        )
    skipped = left_out(certificates)
    if len(skipped) == len(certificates):
        raise ProgrammeError(
            f"No certificate for {what} can be printed: every name has characters no font of the app has. Print "
            "them by hand."
        )
    printed = [c for c in certificates if c not in skipped]
    audit.record(
        session,
        action="export",
        username=by,
        entity="certificates",
        summary=f"{len(printed)} certificates for {what}"
        + (f" ({len(skipped)} left out: names no font has)" if skipped else ""),
    )
    return render_certificates(printed, organisation=organisation)

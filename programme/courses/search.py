"""Pickers' options at scale: the newest courses or modules matching a few words, and how many match in all.

A database may hold tens of thousands of modules: a page lists the newest few hundred that match what was
typed (course code or title, city, year) rather than every module on every rerun.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Literal, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.courses.catalogue import module_label
from programme.funding.queries import funded_module_ids
from programme.models import Course, Module
from programme.summaries import settle
from programme.summaries.evaluations import MODULES

# A picker lists at most this many options; a find box narrows the rest.
PICKER_LIMIT = 200


class ModuleChoices(NamedTuple):
    """A module picker's options: {module id: label}, newest first, and how many modules match the search."""

    labels: dict[int, str]
    matching: int


# The words of a module's label ("NAT · Module 1 · Mar 2019, Kuala Lumpur") that name no column: typed back into a
# find box, they are not looked for; the number after "Module" (or "M1") is the module's number.
LABEL_WORDS = frozenset({"module", "·", "-", "|"})
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MODULE_NUMBER = re.compile(r"m(\d{1,3})", re.IGNORECASE)


def _words(query: sa.Select, search: str | None, *columns: sa.ColumnElement) -> sa.Select:
    """Every word must appear in one of the columns (case-insensitive); a four-digit word may also be a year, a short
    number (or "M2") the module's number, a month's name its month; the label's own words ("Module", "·") are
    skipped, so that a module's label typed back finds it."""
    for word in (search or "").replace(",", " ").split():
        if word.casefold() in LABEL_WORDS:
            continue
        matches = [column.ilike(f"%{word}%") for column in columns]
        number = _MODULE_NUMBER.fullmatch(word)
        if word.isdigit() and len(word) == 4:
            matches.append(sa.extract("year", Module.start_date) == int(word))
        elif word.isdigit() and len(word) <= 3:
            matches = [Module.number == int(word)]  # "Module 1": not every title or city holding a 1
        elif number:
            matches.append(Module.number == int(number.group(1)))
        elif word.casefold() in MONTHS:
            matches.append(sa.extract("month", Module.start_date) == MONTHS[word.casefold()])
        query = query.where(sa.or_(*matches))
    return query


@depends_on(when={"evaluated": "every_module", "funders": "general", "grants": "general"})
def module_choices(
    session: Session,
    search: str | None = None,
    *,
    course_code: str | None = None,
    course_codes: tuple[str, ...] = (),
    evaluated: bool = False,
    include: int | None = None,
    limit: int = PICKER_LIMIT,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> ModuleChoices:
    """Return the newest `limit` modules matching as {module id: "CODE · Module 4 · Dec 2017, City"}, and how
    many match in all.

    search: words each found in the course code or title, the module title, the city or the year;
    course_code: that course's modules only; course_codes: those courses' modules only (none: every course's);
    evaluated: only modules whose evaluation form has responses;
    include (a module already chosen, or asked for in the address) is listed too, first, if it exists;
    funders, grants: only the modules their grants fund.
    """
    columns = sa.select(Module.id, Course.code, Module.number, Module.start_date, Module.city).join(
        Course, Course.id == Module.course_id
    )
    query = _words(columns, search, Course.code, Course.title, Module.title, Module.city)
    if course_code is not None:
        query = query.where(Course.code == course_code)
    if course_codes:
        query = query.where(Course.code.in_(course_codes))
    if funders or grants:
        query = query.where(Module.id.in_(funded_module_ids(funders, grants)))
    if evaluated:
        # The modules' response counts are kept (summary_eval_module): no look into every module's responses.
        settle(session)
        query = query.where(Module.id.in_(sa.select(MODULES.c.module_id).where(MODULES.c.responses > 0)))
    rows = list(session.execute(query.order_by(Module.start_date.desc(), Course.code, Module.number).limit(limit)))
    # Counting every match is needed only when the list is full.
    matching = len(rows)
    if matching >= limit:
        matching = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    if include is not None and all(row.id != include for row in rows):
        rows = list(session.execute(columns.where(Module.id == include))) + rows
    labels = {int(row.id): module_label(row.code, row.number, row.start_date, row.city) for row in rows}
    return ModuleChoices(labels, matching)


@depends_on(when={"evaluated": "every_module", "funders": "general", "grants": "general"})
def unavailable_module(
    session: Session,
    module_id: int,
    *,
    evaluated: bool = False,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> str | None:
    """Why a picker with these filters cannot open module_id (asked for in the address), in a few words, or None when
    it can: "does not exist", "has no evaluation responses yet", "is not funded by the chosen funder or grant"."""
    if session.get(Module, module_id) is None:
        return "does not exist (it may have been deleted)"
    if evaluated:
        settle(session)
        responses = session.scalar(sa.select(MODULES.c.responses).where(MODULES.c.module_id == module_id))
        if not responses:
            return "has no evaluation responses yet"
    if (funders or grants) and not session.scalar(
        sa.select(Module.id).where(Module.id == module_id, Module.id.in_(funded_module_ids(funders, grants)))
    ):
        return "is not funded by the chosen funder or grant"
    return None


# What a picker opens on, besides the newest module: "next", the module running today or else the next one to start
# (Agenda: planning); "begun", the newest module that has started (Forms and entry: its forms are due or coming in).
Opening = Literal["next", "begun"]
OPENING_WORDS: dict[str, str] = {
    "next": "the module running now or, if none, the next one to start",
    "begun": "the latest module to have started",
}


@depends_on()
def opening_module(session: Session, module_ids: Sequence[int], opens_on: Opening, *, today: date) -> int | None:
    """Return which of module_ids (a picker's options, newest first) the picker opens on: opens_on "next", the
    module running today (the latest to start of those) or else the next to start; "begun", the newest that has
    started. None when none is (the picker opens on the newest): a module planned for next year, with nothing in it
    yet, is not what someone planning this month's module or typing last week's forms comes for."""
    if not module_ids:
        return None
    rows = session.execute(
        sa.select(Module.id, Module.start_date, Module.end_date).where(Module.id.in_(list(module_ids)))
    ).all()
    dates = {int(row.id): (row.start_date, row.end_date) for row in rows}
    listed = [module for module in module_ids if module in dates]  # newest first, as the picker lists them
    started = [module for module in listed if dates[module][0] <= today]
    if opens_on == "begun":
        return started[0] if started else None
    running = [module for module in started if dates[module][1] >= today]
    if running:
        return running[0]
    upcoming = [module for module in listed if dates[module][0] > today]
    return min(upcoming, key=lambda module: dates[module][0]) if upcoming else None  # the first of equals: listed


@depends_on()
def course_choices(
    session: Session, search: str | None = None, *, limit: int = PICKER_LIMIT, keep: tuple[str, ...] = ()
) -> tuple[int, dict[str, str]]:
    """Return how many courses match (code or title) and the newest `limit` of them as {code: title}: the
    course with the latest module first, as module pickers list the latest module first. keep: codes listed
    after them whatever the search (a filter's courses already chosen stay among its options)."""
    query = sa.select(Course.code, Course.title)
    for word in (search or "").split():
        query = query.where(sa.or_(Course.code.ilike(f"%{word}%"), Course.title.ilike(f"%{word}%")))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    # Newest first, as the module pickers list modules: by the course's latest module, then its start year.
    latest = sa.select(sa.func.max(Module.start_date)).where(Module.course_id == Course.id).scalar_subquery()
    newest = query.order_by(latest.desc().nulls_last(), Course.start_year.desc().nulls_last(), Course.code)
    found = {row.code: row.title for row in session.execute(newest.limit(limit))}
    missing = [code for code in keep if code not in found]
    if missing:
        kept = dict(session.execute(sa.select(Course.code, Course.title).where(Course.code.in_(missing))).all())
        found.update((code, kept[code]) for code in missing if code in kept)
    return total, found


@depends_on()
def course_ids(session: Session, codes: tuple[str, ...]) -> tuple[int, ...]:
    """Return the ids of the courses of these codes (an unknown code is left out), in the codes' order."""
    if not codes:
        return ()
    ids = dict(session.execute(sa.select(Course.code, Course.id).where(Course.code.in_(codes))).all())
    return tuple(ids[code] for code in codes if code in ids)

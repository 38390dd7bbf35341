"""A module named by its id, as pages hold it: its course code, number, title, dates and city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.errors import NotFound
from programme.core.words import date_span
from programme.models import Course, Module


@dataclass(frozen=True)
class ModuleRef:
    """What a page shows of a module: "NP-MYS-2016 · Module 4" and what file names are made of."""

    id: int
    course_id: int
    course_code: str
    number: int
    title: str
    start_date: date
    city: str | None
    end_date: date | None = None

    @property
    def heading(self) -> str:
        return f"{self.course_code} · Module {self.number}"

    @property
    def label(self) -> str:
        """The pickers' label: "CODE · Module 4 · Dec 2017, Kuala Lumpur"."""
        where = f", {self.city}" if self.city else ""
        return f"{self.heading} · {self.start_date:%b %Y}{where}"

    @property
    def dates(self) -> str:
        """ "3–5 September 2019": an import's button names the module by its heading and these dates."""
        return date_span(self.start_date, self.end_date or self.start_date)


def module_ref(session: Session, module_id: int) -> ModuleRef:
    """Return the module with this id and its course's code, or raise NotFound."""
    row = session.execute(
        sa.select(
            Module.id,
            Module.course_id,
            Course.code,
            Module.number,
            Module.title,
            Module.start_date,
            Module.city,
            Module.end_date,
        )
        .join(Course, Course.id == Module.course_id)
        .where(Module.id == int(module_id))
    ).one_or_none()
    if row is None:
        raise NotFound(f"There is no module with id {module_id}.")
    return ModuleRef(*row)

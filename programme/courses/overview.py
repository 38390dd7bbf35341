"""What Home shows besides the headline: the latest modules and the next steps still open."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.models import ActionItem, ActionStatus, Course, Module, ModuleStatus, Participation

LATEST_MODULES = 6
# The status said of a module marked delivered with nobody recorded in it (no participant, so no attendance either):
# Home said "delivered" of a module whose list had gone into another module by mistake.
NOTHING_RECORDED = "ended, nothing recorded yet"


@depends_on(every_module=True)  # whether anyone is recorded in each module
def latest_modules(session: Session, *, today: date, limit: int = LATEST_MODULES) -> pd.DataFrame:
    """Return up to limit modules: the next ones to start (at most half), then the most recent ones.

    Columns: course, module (number), title, start_date, end_date, city, status, when ("next" or "past"). status is
    the module's, in words; a module marked delivered with nobody recorded in it (no participant nor attendance) says
    NOTHING_RECORDED instead.
    """
    columns = [
        Course.code.label("course"),
        Module.number.label("module"),
        Module.title,
        Module.start_date,
        Module.end_date,
        Module.city,
        Module.status,
    ]
    recorded = sa.exists().where(Participation.module_id == Module.id).label("recorded")
    base = sa.select(*columns, recorded).join(Course, Course.id == Module.course_id)
    upcoming = session.execute(
        base.where(Module.start_date >= today).order_by(Module.start_date, Course.code).limit(limit)
    ).all()
    past = session.execute(
        base.where(Module.start_date < today).order_by(Module.start_date.desc(), Course.code).limit(limit)
    ).all()
    # Half each when both are there; all of one kind when the other is missing.
    take_upcoming = min(len(upcoming), max((limit + 1) // 2, limit - len(past)))
    rows = [(*row, "next") for row in upcoming[:take_upcoming]]
    rows += [(*row, "past") for row in past[: limit - len(rows)]]
    frame = pd.DataFrame(rows, columns=[*(c.name for c in columns), "recorded", "when"])
    frame["status"] = [
        NOTHING_RECORDED if status == ModuleStatus.DELIVERED and not recorded else getattr(status, "value", status)
        for status, recorded in zip(frame["status"], frame["recorded"], strict=True)
    ]
    return frame.drop(columns="recorded")


def open_next_steps(session: Session, *, today: date) -> dict[str, int]:
    """Return how many next steps are open or in progress, and how many of them are past their due date."""
    still_open = ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    total = session.scalar(sa.select(sa.func.count(ActionItem.id)).where(still_open))
    overdue = session.scalar(sa.select(sa.func.count(ActionItem.id)).where(still_open, ActionItem.due_date < today))
    return {"open": int(total or 0), "overdue": int(overdue or 0)}

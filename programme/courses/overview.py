"""What Home shows besides the headline: the latest modules and the next steps still open."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.core.freshness import depends_on
from programme.models import ActionItem, ActionStatus, Course, Module, ModuleStatus, Participation

LATEST_MODULES = 6
# The status said of a module marked delivered with nobody recorded in it (no participant, so no attendance either):
# Home said "delivered" of a module whose list had gone into another module by mistake.
NOTHING_RECORDED = "ended, nothing recorded yet"
# Said of a module marked delivered whose dates are past, with people on its lists but nobody marked as having come
# (a registration list imported, the attendance sheet not yet): "delivered" claimed what nothing recorded.
ATTENDANCE_NOT_RECORDED = "ended, attendance not recorded"
# Said of a module marked delivered that is running today with nobody marked as having come (a module added while it
# runs is stored as delivered): "ended" would be untrue.
UNDER_WAY = "under way"
# Every status a module is shown with (status_words), in the order the Courses page's filter and `module list
# --status` offer them: they filter on what the modules list says, not on the stored word.
SHOWN_STATUSES = (
    ModuleStatus.PLANNED.value,
    ModuleStatus.CONFIRMED.value,
    UNDER_WAY,
    ModuleStatus.DELIVERED.value,
    ATTENDANCE_NOT_RECORDED,
    NOTHING_RECORDED,
    ModuleStatus.CANCELLED.value,
)


def status_words(
    status: ModuleStatus | str, *, start: date, end: date, today: date, listed: bool, attended: bool
) -> str:
    """Return a module's status as Home and the modules list say it: its own status, except that "delivered"
    follows what is recorded: nobody marked as having come (attended) says UNDER_WAY while the module runs, and
    once its dates are past ATTENDANCE_NOT_RECORDED with someone on its lists (listed), else NOTHING_RECORDED."""
    value = getattr(status, "value", status)
    if value != ModuleStatus.DELIVERED.value or attended:
        return value
    if end >= today:
        return UNDER_WAY if start <= today else value
    return ATTENDANCE_NOT_RECORDED if listed else NOTHING_RECORDED


def shown_status_is(words: str, *, today: date) -> sa.ColumnElement[bool]:
    """Return the condition, over Module, that a module's status in words (status_words) is words; a ProgrammeError
    names the words allowed (SHOWN_STATUSES). The condition reads a module's participations only when it is marked
    delivered."""
    if words not in SHOWN_STATUSES:
        raise ProgrammeError(f"The status must be one of: {', '.join(SHOWN_STATUSES)}.")
    if words not in _DERIVED:
        return Module.status == ModuleStatus(words)
    came = sa.exists().where(Participation.module_id == Module.id, Participation.attended.is_(True))
    listed = sa.exists().where(Participation.module_id == Module.id)
    ended = Module.end_date < today
    condition = {
        # Someone marked as having come, or (nobody yet) a module whose dates are all to come.
        ModuleStatus.DELIVERED.value: sa.or_(came, sa.and_(~ended, Module.start_date > today)),
        UNDER_WAY: sa.and_(~came, ~ended, Module.start_date <= today),
        ATTENDANCE_NOT_RECORDED: sa.and_(~came, ended, listed),
        NOTHING_RECORDED: sa.and_(ended, ~listed),
    }[words]
    return sa.and_(Module.status == ModuleStatus.DELIVERED, condition)


# The words said of a module marked delivered; any other is a module's own status.
_DERIVED = (ModuleStatus.DELIVERED.value, UNDER_WAY, ATTENDANCE_NOT_RECORDED, NOTHING_RECORDED)


def shown_statuses(frame: pd.DataFrame, recorded: Mapping[int, tuple[bool, bool]], *, today: date) -> list[str]:
    """Return each module's status as the modules list says it (status_words), for a frame with module_id, status,
    start_date and end_date (queries.modules_table's) and what recorded_in_modules says of its modules."""
    return [
        status_words(row.status, start=row.start_date, end=row.end_date, today=today, listed=row.module_id in recorded,
                     attended=recorded.get(row.module_id, (False, False))[1])
        for row in frame.itertuples()
    ]  # fmt: skip


@depends_on(modules="module_ids")
def recorded_in_modules(session: Session, module_ids: tuple[int, ...]) -> dict[int, tuple[bool, bool]]:
    """Return {module id: (anyone on its lists, anyone marked as having come)} for the modules with anyone in them."""
    if not module_ids:
        return {}
    came = sa.func.max(sa.case((Participation.attended.is_(True), 1), else_=0))
    found: dict[int, tuple[bool, bool]] = {}
    # In chunks: `module list` asks of every module, more than a statement's bound parameters allow at scale.
    for start in range(0, len(module_ids), _CHUNK):
        rows = session.execute(
            sa.select(Participation.module_id, came)
            .where(Participation.module_id.in_(list(module_ids[start : start + _CHUNK])))
            .group_by(Participation.module_id)
        )
        found.update((int(module), (True, bool(attended))) for module, attended in rows)
    return found


_CHUNK = 900


@depends_on(every_module=True)  # whether anyone is recorded in each module
def latest_modules(session: Session, *, today: date, limit: int = LATEST_MODULES) -> pd.DataFrame:
    """Return up to limit modules: the next ones to start (at most half), then the most recent ones.

    Columns: course, module (number), title, start_date, end_date, city, status, when ("next" or "past"). status is
    the module's, in words; a module marked delivered with nobody recorded in it (no participant nor attendance) says
    what is recorded instead (status_words).
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
    came = sa.exists().where(Participation.module_id == Module.id, Participation.attended.is_(True)).label("came")
    base = sa.select(*columns, recorded, came).join(Course, Course.id == Module.course_id)
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
    frame = pd.DataFrame(rows, columns=[*(c.name for c in columns), "recorded", "came", "when"])
    frame["status"] = [
        status_words(row.status, start=row.start_date, end=row.end_date, today=today, listed=bool(row.recorded),
                     attended=bool(row.came))
        for row in frame.itertuples()
    ]  # fmt: skip
    return frame.drop(columns=["recorded", "came"])


def open_next_steps(session: Session, *, today: date) -> dict[str, int]:
    """Return how many next steps are open or in progress, and how many of them are past their due date."""
    still_open = ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    total = session.scalar(sa.select(sa.func.count(ActionItem.id)).where(still_open))
    overdue = session.scalar(sa.select(sa.func.count(ActionItem.id)).where(still_open, ActionItem.due_date < today))
    return {"open": int(total or 0), "overdue": int(overdue or 0)}

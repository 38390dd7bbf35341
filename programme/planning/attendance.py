"""Who attended a module, day by day, and who completed it under the organisation's rule.

The completion rule (when a participant has "completed" a module) is set by the organisation and shared by every
area that records attendance: imports, merging two people, the attendance grid and the Settings page.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core import edits
from programme.core.errors import NotFound, ProgrammeError
from programme.core.settings import get_setting, set_setting
from programme.core.words import counted
from programme.models import AttendanceDay, Module, Participation, ParticipationRole, Person
from programme.planning.agenda import get_module_by_id, module_days

COMPLETION_RULE_KEY = "completion_rule"


class CompletionRule(StrEnum):
    ALL_DAYS = "attended all days"
    MOST_DAYS = "attended at least 80% of days"
    ANY_DAY = "attended at least one day"


DEFAULT_RULE = CompletionRule.ALL_DAYS
# The share of days the MOST_DAYS rule asks for.
MOST_DAYS_SHARE = 0.8


def completion_rule(session: Session) -> CompletionRule:
    """Return the organisation's completion rule (default: attended all days)."""
    value = get_setting(session, COMPLETION_RULE_KEY, DEFAULT_RULE.value)
    try:
        return CompletionRule(value)
    except ValueError:
        return DEFAULT_RULE


def set_completion_rule(session: Session, rule: CompletionRule) -> None:
    """Change the organisation's completion rule (existing participations are not recomputed here)."""
    set_setting(session, COMPLETION_RULE_KEY, CompletionRule(rule).value)


def is_completed(rule: CompletionRule, *, attended: bool, days_attended: int | None, module_days: int) -> bool:
    """Return whether attendance meets the rule; without day-by-day figures, attending counts as all days."""
    if not attended:
        return False
    days = module_days if days_attended is None else days_attended
    if rule == CompletionRule.ANY_DAY:
        return days >= 1
    if rule == CompletionRule.MOST_DAYS:
        return days >= MOST_DAYS_SHARE * module_days
    return days >= module_days


DAY_COLUMN = "Day {}"


def day_columns(days: int) -> list[str]:
    """Return the grid's per-day column names: "Day 1", "Day 2", ..."""
    return [DAY_COLUMN.format(day) for day in range(1, days + 1)]


def attendance_table(session: Session, module_id: int) -> pd.DataFrame:
    """Return one row per person in the module: name, nationality (to tell namesakes apart), role, attended,
    one column per day, days attended, completed.

    Where no day-by-day record exists, every day shows what is known overall (attended or not); for someone only
    registered (attendance not recorded) attended and the days are empty (None), not unticked.
    """
    module = get_module_by_id(session, module_id)
    days = module_days(module)
    query = (
        sa.select(Participation, Person.full_name, Person.nationality)
        .join(Person, Person.id == Participation.person_id)
        .where(Participation.module_id == module.id)
        .order_by(Participation.role, Person.sort_name)
    )
    rows = session.execute(query).all()
    marks = _day_marks(session, [p.id for p, _, _ in rows])
    records = []
    for participation, full_name, nationality in rows:
        present = marks.get(participation.id)
        record = {
            "participation_id": participation.id,
            "full_name": full_name,
            "nationality": nationality,
            "role": participation.role.value,
            "attended": participation.attended,
        }
        for day, column in enumerate(day_columns(days), start=1):
            record[column] = present.get(day, False) if present is not None else participation.attended
        record["days_attended"] = participation.days_attended
        record["completed"] = participation.completed
        records.append(record)
    columns = [
        "participation_id",
        "full_name",
        "nationality",
        "role",
        "attended",
        *day_columns(days),
        "days_attended",
        "completed",
    ]
    return pd.DataFrame(records, columns=columns)


def _day_marks(session: Session, participation_ids: list[int]) -> dict[int, dict[int, bool]]:
    marks: dict[int, dict[int, bool]] = {}
    if participation_ids:
        query = sa.select(AttendanceDay).where(AttendanceDay.participation_id.in_(participation_ids))
        for mark in session.scalars(query):
            marks.setdefault(mark.participation_id, {})[mark.day] = mark.present
    return marks


def mark_attendance(
    session: Session,
    *,
    participation_id: int,
    days_present: dict[int, bool],
    by: str | None,
    only_given: bool = False,
) -> Participation:
    """Record presence on each day of the module, update attended, days attended and completed; return it.

    only_given: record the days given only, leaving the others as they are (a participant's daily check-in marks
    today; it does not mark the days to come as absent, which would keep a later day's attendance sheet from
    recording them: an import never overwrites a recorded day). Otherwise a day not given is recorded as absent.
    """
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise NotFound("That participation no longer exists; reload the list.")
    module = get_module_by_id(session, participation.module_id)
    total = module_days(module)
    wrong = [day for day in days_present if not 1 <= day <= total]
    if wrong:
        raise ProgrammeError(f"Day {wrong[0]} is not a day of this module ({counted(total, 'day')}).")
    present_days = set()
    for day in range(1, total + 1):
        mark = session.get(AttendanceDay, (participation.id, day))
        if only_given and day not in days_present:
            if mark is not None and mark.present:
                present_days.add(day)
            continue
        present = bool(days_present.get(day, False))
        if present:
            present_days.add(day)
        if mark is None:
            session.add(AttendanceDay(participation_id=participation.id, day=day, present=present))
        else:
            mark.present = present
    participation.days_attended = len(present_days)
    participation.attended = participation.days_attended > 0
    _apply_rule(session, participation, total)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="participation",
        entity_id=participation.id,
        summary=f"attendance: {participation.days_attended} of {total} days",
    )
    return participation


def save_attendance_frame(
    session: Session, *, module_id: int, frame: pd.DataFrame, by: str | None, opened: pd.DataFrame | None = None
) -> int:
    """Apply the edited attendance grid and return how many people's attendance changed.

    Only rows whose attended flag or day ticks differ from what is stored are written, so opening and saving
    the grid does not turn "7 of 10 days" (known without day detail) into ten ticked days.

    opened: the rows as the grid showed them when it was drawn. Then only the ticks the user changed are applied, in
    this transaction, to the attendance as saved now (a colleague's ticks saved meanwhile stay), and a tick that
    someone else also changed since, the other way, saves nothing (GridConflict names the people).
    """
    module = get_module_by_id(session, module_id)
    columns = day_columns(module_days(module))
    stored = attendance_table(session, module.id)
    if opened is not None:
        grid = edits.GridEdits(session)
        frame = edits.grid_onto_now(
            grid,
            opened=opened,
            typed=frame,
            now=stored,
            id_column="participation_id",
            what=lambda row: f"{row.get('full_name') or 'someone'}'s attendance",
            entity="participation",
            entity_id=lambda row: int(row["participation_id"]),
            # The ticks, and (never edited, so never changed) the row's name and id, which name the row in a refusal.
            labels={"attended": "Attended", **{column: column for column in columns}}
            | {"full_name": "Name", "participation_id": "Participation"},
            read=lambda column, value: bool(value) if column == "attended" or column in columns else value,
        )
        grid.check()
    current = stored.set_index("participation_id")
    changed = 0
    for record in frame.to_dict("records"):
        participation_id = int(record["participation_id"])
        if participation_id not in current.index:
            raise ProgrammeError("The list holds someone who is not in this module; reload the page.")
        stored = current.loc[participation_id]
        days = {day: _ticked(record[column]) for day, column in enumerate(columns, start=1)}
        if all(days[day] == _ticked(stored[column]) for day, column in enumerate(columns, start=1)):
            if _ticked(record["attended"]) == _ticked(stored["attended"]):
                continue
            # Only the overall flag changed: all days follow it.
            days = dict.fromkeys(days, _ticked(record["attended"]))
        mark_attendance(session, participation_id=participation_id, days_present=days, by=by)
        changed += 1
    return changed


def _ticked(value: object) -> bool:
    """Return whether a grid cell is ticked; a cell of someone whose attendance is not recorded is empty."""
    return bool(pd.notna(value) and value)


def _apply_rule(session: Session, participation: Participation, total_days: int) -> None:
    if participation.role != ParticipationRole.PARTICIPANT:
        return  # completion is counted for participants; facilitators and observers are not "completing"
    participation.completed = is_completed(
        completion_rule(session),
        attended=participation.attended,
        days_attended=participation.days_attended,
        module_days=total_days,
    )


def _recompute(session: Session, module: Module) -> int:
    total = module_days(module)
    changed = 0
    for participation in session.scalars(sa.select(Participation).where(Participation.module_id == module.id)):
        before = participation.completed
        _apply_rule(session, participation, total)
        changed += participation.completed != before
    session.flush()
    return changed


def recompute_completed(session: Session, *, module_id: int, by: str | None) -> int:
    """Apply the organisation's completion rule to every participant of a module; return how many changed."""
    module = get_module_by_id(session, module_id)
    changed = _recompute(session, module)
    if changed:
        audit.record(
            session,
            action="update",
            username=by,
            entity="module",
            entity_id=module.id,
            summary=f"completion recomputed: {counted(changed, 'participation')} changed",
        )
    return changed


def change_completion_rule(session: Session, *, rule: CompletionRule | str, by: str | None) -> int:
    """Set the organisation's completion rule and apply it to every module; return participations changed."""
    rule = CompletionRule(rule)
    before = completion_rule(session)
    set_completion_rule(session, rule)
    session.flush()
    changed = sum(_recompute(session, module) for module in session.scalars(sa.select(Module).order_by(Module.id)))
    audit.record(
        session,
        action="update",
        username=by,
        entity="setting",
        entity_id=None,
        summary=f"completion rule: '{before.value}' → '{rule.value}'; {counted(changed, 'participation')} changed",
    )
    return changed


SUMMARY_KEYS = ("listed", "registered_only", "attended", "completed")


def attendance_summary(session: Session, module_id: int) -> dict[str, int]:
    """Return the module's lists in four figures: people listed (every role), registered only (attendance not
    recorded), attended (at least one day, or on a participant list) and completed (under the rule)."""
    row = session.execute(
        sa.select(
            sa.func.count(Participation.id),
            sa.func.count(sa.case((Participation.attended.is_(None), Participation.id))),
            sa.func.count(sa.case((Participation.attended.is_(True), Participation.id))),
            sa.func.count(sa.case((Participation.completed.is_(True), Participation.id))),
        ).where(Participation.module_id == module_id)
    ).one()
    return dict(zip(SUMMARY_KEYS, (int(value) for value in row), strict=True))

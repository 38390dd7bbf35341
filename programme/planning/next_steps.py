"""Next steps agreed at a module's end: action items with focal points, due dates and statuses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core import edits
from programme.core.errors import NotFound, ProgrammeError
from programme.courses.catalogue import module_label
from programme.models import (
    ActionFocalPoint,
    ActionItem,
    ActionStatus,
    AgendaSession,
    Course,
    Module,
    Participation,
    Person,
    SessionFacilitator,
)
from programme.people.names import clean_text, sort_name
from programme.planning.agenda import get_module_by_id

# Statuses that still need someone's attention at the next module.
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
ACTION_COLUMNS = ["id", "text", "focal_points", "focal_point_ids", "due_date", "status", "overdue"]


def action_items_table(
    session: Session, module_id: int, *, only_open: bool = False, today: date | None = None
) -> pd.DataFrame:
    """Return a module's action items with their focal points' names, oldest first."""
    today = today or date.today()
    query = sa.select(ActionItem).where(ActionItem.module_id == module_id).order_by(ActionItem.id)
    if only_open:
        query = query.where(ActionItem.status.in_(OPEN_STATUSES))
    items = list(session.scalars(query))
    people = _focal_points(session, [item.id for item in items])
    rows = []
    for item in items:
        named = people.get(item.id, [])
        rows.append(
            {
                "id": item.id,
                "text": item.text,
                "focal_points": "; ".join(name for _, name in named),
                "focal_point_ids": [person_id for person_id, _ in named],
                "due_date": item.due_date,
                "status": item.status.value,
                "overdue": bool(item.due_date and item.due_date < today and item.status in OPEN_STATUSES),
            }
        )
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


# Open next steps listed at most across every module (the oldest due first); the count says how many in all.
OPEN_LISTED = 500


def nothing_open(session: Session, *, overdue_only: bool = False) -> str:
    """Return what "Open in every module" says when no next step is listed: none late, all done, or none recorded."""
    if overdue_only:
        return "No next step is past its due date."
    if session.scalar(sa.select(ActionItem.id).limit(1)) is None:
        return "No next step is recorded in any module yet. Add those agreed at a module on its Next steps tab."
    return "Every next step in every module is done or dropped."


def open_action_items(
    session: Session, *, overdue_only: bool = False, today: date | None = None, limit: int = OPEN_LISTED
) -> tuple[pd.DataFrame, int]:
    """Return the next steps still open or in progress in every module (with the module's label), those past their
    due date first, then by due date (none last) and module; and how many there are in all."""
    today = today or date.today()
    query = (
        sa.select(ActionItem, Course.code, Module.number, Module.start_date, Module.city)
        .join(Module, Module.id == ActionItem.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(ActionItem.status.in_(OPEN_STATUSES))
    )
    if overdue_only:
        query = query.where(ActionItem.due_date < today)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    late = sa.case((ActionItem.due_date < today, 0), else_=1)
    rows = list(
        session.execute(
            query.order_by(
                late, ActionItem.due_date.is_(None), ActionItem.due_date, Module.start_date, ActionItem.id
            ).limit(limit)
        )
    )
    people = _focal_points(session, [row[0].id for row in rows])
    records = []
    for item, code, number, start, city in rows:
        named = people.get(item.id, [])
        records.append(
            {
                "id": item.id,
                "module": module_label(code, number, start, city),
                "text": item.text,
                "focal_points": "; ".join(name for _, name in named),
                "focal_point_ids": [person_id for person_id, _ in named],
                "due_date": item.due_date,
                "status": item.status.value,
                "overdue": bool(item.due_date and item.due_date < today),
            }
        )
    return pd.DataFrame(records, columns=["id", "module", *ACTION_COLUMNS[1:]]), int(total)


def _focal_points(session: Session, item_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    if item_ids:
        query = (
            sa.select(ActionFocalPoint.action_item_id, Person.id, Person.full_name)
            .join(Person, Person.id == ActionFocalPoint.person_id)
            .where(ActionFocalPoint.action_item_id.in_(item_ids))
            .order_by(Person.sort_name)
        )
        for item_id, person_id, name in session.execute(query):
            found.setdefault(item_id, []).append((person_id, name))
    return found


def module_people(session: Session, module_id: int) -> pd.DataFrame:
    """Return the people of a module who can be focal points, by name: those on its lists (participants,
    facilitators...) and those leading its sessions on the agenda, who need not be on a list (role: facilitator or
    resource person). Each person once, with their role on the list if they are on it."""
    listed = (
        sa.select(Person.id.label("person_id"), Person.full_name, Participation.role)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.module_id == module_id, Person.erased_at.is_(None))
    )
    leading = (
        sa.select(Person.id.label("person_id"), Person.full_name, SessionFacilitator.role)
        .join(SessionFacilitator, SessionFacilitator.person_id == Person.id)
        .join(AgendaSession, AgendaSession.id == SessionFacilitator.session_id)
        .where(AgendaSession.module_id == module_id, Person.erased_at.is_(None))
        .order_by(SessionFacilitator.role)  # a facilitator of one session and resource person of another: facilitator
    )
    rows = {}
    for row in [*session.execute(listed).mappings(), *session.execute(leading).mappings()]:
        rows.setdefault(row["person_id"], {**row, "role": getattr(row["role"], "value", row["role"])})
    frame = pd.DataFrame(list(rows.values()), columns=["person_id", "full_name", "role"])
    return frame.sort_values("full_name", key=lambda names: names.map(sort_name), kind="stable", ignore_index=True)


def add_action_item(
    session: Session,
    *,
    module_id: int,
    text: str,
    focal_point_ids: Iterable[int] = (),
    due_date: date | None = None,
    status: ActionStatus | str = ActionStatus.OPEN,
    by: str | None,
) -> ActionItem:
    """Add a next step to a module, with its focal points, and return it."""
    module = get_module_by_id(session, module_id)
    text = clean_text(text)
    if not text:
        raise ProgrammeError("Describe the next step.")
    item = ActionItem(module_id=module.id, text=text, due_date=due_date, status=_status(status))
    session.add(item)
    session.flush()
    _set_focal_points(session, item, focal_point_ids)
    audit.record(
        session,
        action="create",
        username=by,
        entity="action_item",
        entity_id=item.id,
        summary=f"next step of module {module.id}",
    )
    return item


def update_action_item(
    session: Session,
    *,
    item_id: int,
    text: str | None = None,
    focal_point_ids: Iterable[int] | None = None,
    due_date: date | None = None,
    clear_due_date: bool = False,
    status: ActionStatus | str | None = None,
    by: str | None,
    opened_focal_point_ids: Iterable[int] | None = None,
) -> ActionItem:
    """Change a next step (None leaves a field as it is) and return it.

    opened_focal_point_ids: the focal points the form showed when it opened. Then only the form's own changes are
    applied to the focal points saved now (those it added join them, those it removed leave), so that a colleague's
    change saved meanwhile stays instead of being replaced by the form's older list."""
    item = _get_item(session, item_id)
    before = {"status": item.status.value, "due_date": item.due_date, "text": item.text}
    if text is not None:
        if not clean_text(text):
            raise ProgrammeError("Describe the next step.")
        item.text = clean_text(text)
    if due_date is not None or clear_due_date:
        item.due_date = due_date
    if status is not None:
        item.status = _status(status)
    if focal_point_ids is not None:
        wanted = set(focal_point_ids)
        if opened_focal_point_ids is not None:
            opened = set(opened_focal_point_ids)
            now = set(
                session.scalars(sa.select(ActionFocalPoint.person_id).where(ActionFocalPoint.action_item_id == item.id))
            )
            wanted = (now | (wanted - opened)) - (opened - wanted)
        _set_focal_points(session, item, wanted)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="action_item",
        entity_id=item.id,
        summary=f"next step of module {item.module_id}",
        before=before,
        after={"status": item.status.value, "due_date": item.due_date, "text": item.text},
    )
    return item


def delete_action_item(session: Session, *, item_id: int, by: str | None) -> None:
    """Remove a next step and its focal points."""
    item = _get_item(session, item_id)
    audit.record(
        session,
        action="delete",
        username=by,
        entity="action_item",
        entity_id=item.id,
        summary=f"next step of module {item.module_id}",
        before={"text": item.text},
    )
    session.delete(item)
    session.flush()


def previous_module(session: Session, module_id: int) -> Module | None:
    """Return the module of the same course that came just before this one, or None for a first module."""
    module = get_module_by_id(session, module_id)
    return session.scalar(
        sa.select(Module)
        .where(Module.course_id == module.course_id, Module.number < module.number)
        .order_by(Module.number.desc())
        .limit(1)
    )


def next_module(session: Session, module_id: int) -> Module | None:
    """Return the module of the same course that comes just after this one, or None for the last."""
    module = get_module_by_id(session, module_id)
    return session.scalar(
        sa.select(Module)
        .where(Module.course_id == module.course_id, Module.number > module.number)
        .order_by(Module.number)
        .limit(1)
    )


def open_items_for_review(session: Session, module_id: int, *, today: date | None = None) -> pd.DataFrame:
    """Return the previous module's next steps still open or in progress, to review at this module's start."""
    before = previous_module(session, module_id)
    if before is None:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    return action_items_table(session, before.id, only_open=True, today=today)


def count_items(session: Session, module_id: int) -> int:
    """Return how many next steps were agreed at the module (any status)."""
    return int(session.scalar(sa.select(sa.func.count(ActionItem.id)).where(ActionItem.module_id == module_id)) or 0)


def _get_item(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("That next step no longer exists; reload the page.")
    return item


def _status(value: ActionStatus | str) -> ActionStatus:
    try:
        return ActionStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in ActionStatus)
        raise ProgrammeError(f"The status must be one of: {allowed}.") from None


def _set_focal_points(session: Session, item: ActionItem, person_ids: Iterable[int]) -> None:
    wanted = set(person_ids)
    found = set(session.scalars(sa.select(Person.id).where(Person.id.in_(wanted)))) if wanted else set()
    if wanted - found:
        raise ProgrammeError("A focal point chosen is no longer in the registry; reload the page.")
    session.execute(sa.delete(ActionFocalPoint).where(ActionFocalPoint.action_item_id == item.id))
    for person_id in sorted(wanted):
        session.add(ActionFocalPoint(action_item_id=item.id, person_id=person_id))
    session.flush()


# The grid's columns a save writes, as a refusal names them.
ITEM_LABELS = {"text": "Next step", "due_date": "Due", "status": "Status"}


def _grid_values(record: dict) -> dict:
    due = record.get("due_date")
    due = None if due is None or pd.isna(due) else pd.Timestamp(due).date()
    return {"text": clean_text(record.get("text")), "due_date": due, "status": _status(record.get("status")).value}


def save_action_items(
    session: Session, *, frame: pd.DataFrame, by: str | None, opened: pd.DataFrame | None = None
) -> int:
    """Apply edited text, due dates and statuses from an action items table; return how many changed.

    opened: the rows as the grid showed them when it was drawn. Then, in this transaction, only the cells the user
    changed are written (a colleague's save meanwhile stays in the others), and a cell that someone else also changed
    since, to another value, saves nothing (GridConflict names the rows and what is saved now)."""
    grid = edits.GridEdits(session)
    shown = {int(row["id"]): row for row in opened.to_dict("records")} if opened is not None else {}
    changed = 0
    for record in frame.to_dict("records"):
        item = _get_item(session, int(record["id"]))
        values = _grid_values(record)
        now = {"text": item.text, "due_date": item.due_date, "status": item.status.value}
        if item.id in shown:
            values = grid.own_changes(
                item.id,
                opened=_grid_values(shown[item.id]),
                values=values,
                now=now,
                what=f"the next step “{shown[item.id].get('text') or item.text}”",
                entity="action_item",
                entity_id=item.id,
                labels=ITEM_LABELS,
            )
        values = {name: value for name, value in values.items() if value != now[name]}
        if not values:
            continue
        update_action_item(
            session,
            item_id=item.id,
            text=values.get("text"),
            due_date=values.get("due_date"),
            clear_due_date="due_date" in values and values["due_date"] is None,
            status=values.get("status"),
            by=by,
        )
        changed += 1
    grid.check()
    return changed

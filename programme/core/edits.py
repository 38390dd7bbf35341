"""Saving a form over a record that someone else may have saved since the form opened: field by field.

A form remembers the record as it was when it opened (`opened`). At the save, in the save's transaction, each field
is one of:

- not changed in the form (what was typed reads as the value it opened with): what is saved now stays, whoever
  saved it (a colleague's change meanwhile is kept, not put back);
- changed in the form only: the typed value is written;
- changed in the form and by someone else since, to another value: nothing is saved and `EditConflict` names those
  fields with what is saved now, so that the user sees it and decides (the form keeps what they typed).

Values are compared as stored (a country's code, an enum's value): the caller reads what was typed first, and may
say how the form shows a field's value (`shows`: a country's name for its code) for the refusal's sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.models import AuditEntry


@dataclass(frozen=True)
class Merge:
    """A form's fields sorted out against the record as saved now."""

    changed: tuple[str, ...]  # the fields the user changed in the form
    clashes: dict[str, Any]  # of those, the ones someone else changed meanwhile to another value: the value now

    def keeps(self, field: str) -> bool:
        """Whether the field stays as saved now (the user did not change it)."""
        return field not in self.changed


def merge(opened: Mapping[str, Any], typed: Mapping[str, Any], current: Mapping[str, Any]) -> Merge:
    """Return which of typed's fields the user changed since the form opened, and which of those someone else
    changed meanwhile to another value (opened, typed and current hold stored values)."""
    changed = tuple(name for name in typed if not _same(typed[name], opened.get(name)))
    clashes = {
        name: current.get(name)
        for name in changed
        if not _same(current.get(name), opened.get(name)) and not _same(current.get(name), typed[name])
    }
    return Merge(changed, clashes)


def own_changes(
    session: Session,
    *,
    opened: Mapping[str, Any],
    values: Mapping[str, Any],
    now: Mapping[str, Any],
    what: str,
    entity: str,
    entity_id: int,
    labels: Mapping[str, str] | None = None,
    shows: Mapping[str, Callable[[Any], str]] | None = None,
) -> dict[str, Any]:
    """Return those of a save's values the user changed since the form opened (the others stay as saved now), or
    raise EditConflict when someone else changed one of them meanwhile to another value.

    values are as they will be stored (an enum is compared by its value); now is the record as saved now; what
    names the record in the refusal ("this module"); entity and entity_id find who saved it last (the audit trail);
    labels name the fields (default: the field's name in words); shows writes a field's stored value as the form
    shows it (a country's code as its name: {"country": country_name}), for the refusal."""
    mine = merge(opened, {name: getattr(value, "value", value) for name, value in values.items()}, now)
    if mine.clashes:
        raise EditConflict(
            what=what,
            who=last_saved_by(session, entity=entity, entity_id=entity_id),
            clashes=mine.clashes,
            labels=labels or {name: name.replace("_", " ").capitalize() for name in now},
            now=now,
            changed=mine.changed,
            shows=shows,
        )
    return {name: value for name, value in values.items() if name in mine.changed}


def _same(left: Any, right: Any) -> bool:
    blank = (None, "")
    if left in blank and right in blank:
        return True
    return left == right


class EditConflict(ProgrammeError):
    """Someone else saved the fields the user changed since the form opened; nothing was saved.

    `now` is the record as saved now (stored values), `changed` the fields the user changed: the form keeps those as
    typed and shows the others as saved now, so that a second save replaces only what the user meant to change.
    `saved` is the sentence that says who saved what, and what is saved now (a grid's refusal joins one per row)."""

    def __init__(
        self,
        *,
        what: str,
        who: str | None,
        clashes: Mapping[str, Any],
        labels: Mapping[str, str],
        now: Mapping[str, Any],
        changed: tuple[str, ...],
        shows: Mapping[str, Callable[[Any], str]] | None = None,
    ) -> None:
        self.now = dict(now)
        self.changed = changed
        self.clashes = dict(clashes)
        shows = shows or {}
        fields = "; ".join(
            f"{labels.get(name, name)}: {shown(shows[name](value) if name in shows and value else value)}"
            for name, value in clashes.items()
        )
        self.saved = f"{who or 'Someone else'} saved {what} while you were editing it. Now saved: {fields}."
        super().__init__(
            f"{who or 'Someone else'} saved {what} while you were editing it, so nothing was saved. Now saved: "
            f"{fields}. Your changes are still in the form (the fields you did not change show what is saved now): "
            "save again to replace theirs with yours."
        )


class GridConflict(ProgrammeError):
    """Someone else saved rows of a grid in the cells the user changed since the grid was drawn; nothing was saved.

    `rows` holds each refused row's EditConflict by the row's id (what is saved now, the cells that clash)."""

    def __init__(self, rows: Mapping[Any, EditConflict]) -> None:
        self.rows = dict(rows)
        super().__init__(
            " ".join(conflict.saved for conflict in self.rows.values())
            + " Nothing was saved. Your changes are still in the grid: save again to replace theirs with yours."
        )


class GridEdits:
    """A grid's save, row by row in the save's transaction: each row's own changes (own_changes), and one refusal
    (GridConflict) naming every row that someone else changed meanwhile in a cell the user changed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.refused: dict[Any, EditConflict] = {}

    def own_changes(self, row: Any, **row_edit: Any) -> dict[str, Any]:
        """Return the row's values the user changed (own_changes' arguments but the session); none when refused."""
        try:
            return own_changes(self.session, **row_edit)
        except EditConflict as conflict:
            self.refused[row] = conflict
            return {}

    def check(self) -> None:
        """Raise GridConflict when a row was refused (the transaction then saves nothing)."""
        if self.refused:
            raise GridConflict(self.refused)


def shown(value: Any) -> str:
    """A stored value in a sentence: quoted text, a date as written, 'blank' for nothing."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    value = getattr(value, "value", value)
    return f"“{value}”" if isinstance(value, str) else str(value)


def last_saved_by(session: Session, *, entity: str, entity_id: int) -> str | None:
    """Return who made the newest audited change to a record (for an EditConflict's sentence)."""
    return session.scalar(
        sa.select(AuditEntry.username)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def grid_onto_now(
    grid: GridEdits,
    *,
    opened: Any,
    typed: Any,
    now: Any,
    id_column: str,
    what: Callable[[Mapping[str, Any]], str],
    entity: str,
    entity_id: Callable[[Mapping[str, Any]], int],
    labels: Mapping[str, str],
    read: Callable[[str, Any], Any] | None = None,
) -> Any:
    """Return a grid's rows as its save writes them, in the save's transaction: the rows as saved now (now, a pandas
    DataFrame read in this transaction) with the cells the user changed since the grid was drawn (typed, against
    opened); the rows the user deleted gone, those they added at the end. A row someone else removed meanwhile
    stays removed; a cell someone else also changed, to another value, is refused (grid.check() raises).

    what names a row (from the row as drawn), entity and entity_id(row) find who saved it last; read(column, cell)
    gives a cell as compared (a time typed as text as a time), blank cells read as None."""
    import pandas as pd

    def cell(column: str, value: Any) -> Any:
        if not isinstance(value, list | tuple | dict) and pd.isna(value):
            return None
        value = value.item() if hasattr(value, "item") and not isinstance(value, str) else value
        return read(column, value) if read is not None and value is not None else value

    def rows(frame: Any) -> dict[Any, dict[str, Any]]:
        return {
            cell(id_column, record[id_column]): {c: cell(c, record[c]) for c in frame.columns if c in labels}
            for record in frame.to_dict("records")
            if cell(id_column, record.get(id_column)) is not None
        }

    drawn, saved = rows(opened), rows(now)
    typed_ids = {cell(id_column, record.get(id_column)) for record in typed.to_dict("records")}
    result = now[~now[id_column].isin([i for i in drawn if i not in typed_ids])].copy()
    at = {cell(id_column, identity): position for position, identity in enumerate(result[id_column].tolist())}
    added = []
    for record in typed.to_dict("records"):
        identity = cell(id_column, record.get(id_column))
        if identity is None or identity not in drawn:
            added.append(record)
            continue
        if identity not in at:
            continue  # removed meanwhile by someone else: nothing left to change
        values = {c: cell(c, record[c]) for c in typed.columns if c in labels}
        mine = grid.own_changes(
            identity,
            opened=drawn[identity],
            values=values,
            now=saved[identity],
            what=what(drawn[identity]),
            entity=entity,
            entity_id=entity_id(drawn[identity]),
            labels=labels,
        )
        for column, value in mine.items():
            result.iat[at[identity], result.columns.get_loc(column)] = value
    if added:
        result = pd.concat([result, pd.DataFrame(added, columns=typed.columns)], ignore_index=True)
    return result.reset_index(drop=True)

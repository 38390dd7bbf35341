"""What leaves the app with the groups: each download of lists, role cards or members is audited (they name people)."""

from __future__ import annotations

from sqlmodel import Session

from programme.access import audit
from programme.groups.plan import GroupPlan


def record_download(session: Session, *, module_id: int, what: str, plan: GroupPlan, by: str | None) -> None:
    """Record in the audit trail that `what` (e.g. "role cards") of a module's groups was downloaded."""
    audit.record(
        session,
        action="export",
        username=by,
        entity="module",
        entity_id=int(module_id),
        summary=f"{what} of module {module_id}, {sum(len(g.members) for g in plan.groups)} people",
    )

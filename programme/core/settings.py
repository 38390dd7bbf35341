"""Application settings kept in the database (the demo marker, the completion rule)."""

from __future__ import annotations

from sqlmodel import Session

from programme.models import Setting

DEMO_MARKER = "demo_data"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    """Return a setting's value, or default when it is not set."""
    row = session.get(Setting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    """Create or change a setting."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def is_demo(session: Session) -> bool:
    """Return whether the database holds the synthetic demo data."""
    return get_setting(session, DEMO_MARKER) == "yes"

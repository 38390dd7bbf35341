"""Helpers shared by the command modules: the database, dates, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from programme.core import schema
from programme.core.db import make_engine


def ready_engine() -> Engine:
    """Return an engine on DATABASE_URL with the schema upgraded to the newest version."""
    engine = make_engine()
    if not schema.is_up_to_date(engine):
        schema.upgrade(engine)
    return engine


def iso_date(text: str) -> date:
    """argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def print_json(payload: Any) -> None:
    """Write one JSON object to stdout."""
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def command_group(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """Return the sub-commands of a verb shared by several areas (`import`, `export`), creating it once."""
    # Looked up on the parser itself rather than cached by id(): a new parser can reuse a freed object's id,
    # which returned the old parser's group and left the verb missing (or a sub-command registered twice).
    existing = subparsers.choices.get(name)
    if existing is None:
        existing = subparsers.add_parser(name, help=help_text)
        existing.add_subparsers(dest=f"{name}_what", required=True, metavar="WHAT")
    return next(action for action in existing._actions if isinstance(action, argparse._SubParsersAction))

"""Helpers shared by the command modules: the database, a module named by course and number, dates, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core import schema
from programme.core.db import database_url, make_engine, sqlite_path
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import get_module


def ready_engine(*, create: bool = False) -> Engine:
    """Return an engine on DATABASE_URL with the schema upgraded to the newest version.

    A SQLite file that does not exist is made only by the commands that set a database up (create: `demo`,
    `user add`, `course add`; `init` makes one too): any other command refuses it, so that a mistyped path is said
    to be one, not answered with an empty new database's zeros.
    """
    url = database_url()
    path = sqlite_path(url)
    if not create and path is not None and not path.exists():
        raise ProgrammeError(
            f"There is no database at {path}: check DATABASE_URL, or create one with `python -m programme init`."
        )
    engine = make_engine(url)
    if not schema.is_up_to_date(engine):
        schema.upgrade(engine)
    return engine


def module_id(session: Session, course: str | None, number: int | None) -> int | None:
    """Return the id of module NUMBER of course COURSE (the --course and --module options), None without a number.

    The one place where the command line turns the (course code, module number) users type into the module's
    id, which every domain function takes; raise NotFound for an unknown course or module.
    """
    if number is None:
        return None
    if course is None:
        raise ProgrammeError("Give the course as well as the module number.")
    return get_module(session, course, number).id


def iso_date(text: str) -> date:
    """argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def print_json(payload: Any) -> None:
    """Write one JSON object to stdout; a missing value (None, pandas' NaN or NaT) is null, never NaN (not JSON),
    and so is an infinite one."""
    json.dump(_without_nan(payload), sys.stdout, ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write("\n")


def _without_nan(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nan(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def text_or_blank(value: Any) -> str:
    """Return a value for a line of text: '' for a missing one (None, NaN), never "nan"."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else str(value)


def command_group(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """Return the sub-commands of a verb shared by several areas (`import`, `export`), creating it once."""
    # Looked up on the parser itself rather than cached by id(): a new parser can reuse a freed object's id,
    # which returned the old parser's group and left the verb missing (or a sub-command registered twice).
    existing = subparsers.choices.get(name)
    if existing is None:
        existing = subparsers.add_parser(name, help=help_text)
        existing.add_subparsers(dest=f"{name}_what", required=True, metavar="WHAT")
    return next(action for action in existing._actions if isinstance(action, argparse._SubParsersAction))

"""The command line: one clear sentence on stderr and a non-zero exit for every failure."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import sqlalchemy as sa

from programme.cli import (
    access,
    alumni,
    attendance,
    core,
    evaluations,
    forms,
    funding,
    groups,
    participants,
    people,
    planning,
    reports,
    users,
)
from programme.core.db import engines_closed_after
from programme.core.errors import ProgrammeError

log = logging.getLogger("programme")

# Each area's module exposes register(subparsers); its handlers return an exit code.
COMMAND_MODULES = [
    core,
    users,
    access,
    participants,
    people,
    attendance,
    planning,
    evaluations,
    reports,
    groups,
    alumni,
    funding,
    forms,
]


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every area's subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m programme",
        description="Programme Manager: courses, modules, participants, evaluations and reach.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        with engines_closed_after():
            return int(args.handler(args) or 0)
    except ProgrammeError as error:
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    except sa.exc.OperationalError as error:
        # The driver's message can hold the connection string; say what to check instead.
        print(
            "Error: the database could not be reached or used; check DATABASE_URL and that the server is running.",
            file=sys.stderr,
        )
        log.debug("database error: %s", type(error.orig).__name__)
        return 1
    except BrokenPipeError:
        return 0  # the reader (e.g. `head`) stopped early; the command itself succeeded
    except KeyboardInterrupt:
        print("Stopped; nothing more was written.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        print(
            f"Error: something unexpected went wrong ({type(error).__name__}); nothing was saved. "
            "Please report it with the command you ran.",
            file=sys.stderr,
        )
        return 1

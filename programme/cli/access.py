"""Commands that protect the records: backup, restore, forget."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from programme.access.backup import backup, restore
from programme.access.erasure import forget_person
from programme.access.erasure_register import erased_again, unwritten_sentence
from programme.access.restore import head_of, restore_refusal, what_happens
from programme.cli.common import ready_engine
from programme.core.db import make_engine, session_scope

CLI_USER = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    backup_parser = subparsers.add_parser("backup", help="write a consistent copy of the database to OUT")
    backup_parser.add_argument("out", type=Path, metavar="OUT")
    backup_parser.set_defaults(handler=run_backup)

    restore_parser = subparsers.add_parser(
        "restore",
        help="restore a backup into an empty database (a laptop's SQLite backup into a team's PostgreSQL database "
        "too, and a team's dump onto a laptop: carried over row by row; records erased since the backup was made are "
        "erased again, from the register of erasures beside the database)",
    )
    restore_parser.add_argument("source", type=Path, metavar="IN")
    restore_parser.set_defaults(handler=run_restore)

    forget = subparsers.add_parser("forget", help="erase a person's personal data, keeping aggregate figures")
    forget.add_argument("--person", type=int, required=True, metavar="ID")
    forget.set_defaults(handler=run_forget)


def run_backup(args: argparse.Namespace) -> int:
    engine = ready_engine()
    out = backup(engine, args.out, by=CLI_USER)
    print(f"Backup written to {out}.")
    _say_if_unwritten(engine)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    engine = make_engine()
    journey = what_happens(engine, head_of(args.source))
    with session_scope(engine) as session:
        refused = restore_refusal(session) is not None  # then restore() refuses it, audited, and says why
    if journey and not refused:
        print(journey.before, flush=True)
    erased = restore(engine, args.source, by=CLI_USER)
    print("Backup restored; the database is at the newest schema.")
    if journey:
        print(journey.after)
    if erased:
        print(erased_again(erased))
    _say_if_unwritten(engine)
    return 0


def _say_if_unwritten(engine: Engine) -> None:
    """Say on stderr when the register of erasures beside the database lacks lines the database holds."""
    fresh = make_engine(engine.url.render_as_string(hide_password=False))  # a restore replaced the database
    try:
        with session_scope(fresh) as session:
            unwritten = unwritten_sentence(session)
    finally:
        fresh.dispose()
    if unwritten:
        print(unwritten, file=sys.stderr)


def run_forget(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        forget_person(session, person_id=args.person, by=CLI_USER)
    print(f"Person #{args.person}'s personal data was erased; aggregate figures are unchanged.")
    return 0

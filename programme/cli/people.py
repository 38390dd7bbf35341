"""Commands on one person's record: possible duplicates, and merging two records of the same person."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from programme.cli.common import print_json, ready_engine
from programme.core.db import session_scope
from programme.core.errors import ProgrammeError
from programme.people.duplicates import possible_duplicates
from programme.people.merge import merge_people

CLI_USER = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    person = subparsers.add_parser("person", help="a person's record: possible duplicates, merge two records")
    verbs = person.add_subparsers(dest="person_what", required=True, metavar="WHAT")

    merge = verbs.add_parser("merge", help="merge record REMOVE into record KEEP (everything moves to KEEP)")
    merge.add_argument("--keep", type=int, required=True, metavar="ID", help="the record that stays")
    merge.add_argument("--remove", type=int, required=True, metavar="ID", help="the record merged in and removed")
    merge.add_argument("--dry-run", action="store_true", help="say what would move; write nothing")
    merge.add_argument("--json", action="store_true", help="print what moved as one JSON object")
    merge.set_defaults(handler=run_merge)

    duplicates = verbs.add_parser("duplicates", help="list the records that may be the same person as ID")
    duplicates.add_argument("--person", type=int, required=True, metavar="ID")
    duplicates.add_argument("--json", action="store_true", help="print the list as JSON")
    duplicates.set_defaults(handler=run_duplicates)


def _user_error(error: ProgrammeError) -> int:
    print(f"Error: {error}", file=sys.stderr)
    return 2


def run_merge(args: argparse.Namespace) -> int:
    try:
        with session_scope(ready_engine()) as session:
            result = merge_people(session, keep_id=args.keep, remove_id=args.remove, by=CLI_USER, dry_run=args.dry_run)
    except ProgrammeError as error:
        return _user_error(error)
    if args.json:
        print_json({**asdict(result), "dry_run": args.dry_run})
    else:
        print(("Would merge: " if args.dry_run else "Merged: ") + result.summary() + ".")
    return 0


def run_duplicates(args: argparse.Namespace) -> int:
    try:
        with session_scope(ready_engine()) as session:
            found = possible_duplicates(session, args.person)
    except ProgrammeError as error:
        return _user_error(error)
    if args.json:
        print_json({"person": args.person, "duplicates": found.to_dict("records")})
    elif found.empty:
        print(f"No possible duplicates of record {args.person}.")
    else:
        print(found.to_string(index=False))
    return 0

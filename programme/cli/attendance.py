"""`attendance summary`: who is on a module's lists, who only registered, who attended, who completed."""

from __future__ import annotations

import argparse

from programme.cli.common import command_group, module_id, print_json, ready_engine
from programme.core.db import session_scope
from programme.planning.attendance import attendance_summary


def register(subparsers: argparse._SubParsersAction) -> None:
    actions = command_group(subparsers, "attendance", "attendance and completion of a module")
    summary = actions.add_parser(
        "summary", help="people listed, registered only (attendance not recorded), attended and completed"
    )
    summary.add_argument("--course", required=True, help="course code")
    summary.add_argument("--module", required=True, type=int, help="module number")
    summary.add_argument("--json", action="store_true", help="one JSON object on stdout")
    summary.set_defaults(handler=run_summary)


def run_summary(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        figures = attendance_summary(session, module_id(session, args.course, args.module))
    if args.json:
        print_json(figures)
        return 0
    print(f"{args.course} module {args.module}: {figures['listed']} people on the module's lists.")
    print(f"  registered only (attendance not recorded): {figures['registered_only']}")
    print(f"  attended (at least one day): {figures['attended']}")
    print(f"  completed (under the completion rule): {figures['completed']}")
    others = figures["listed"] - figures["registered_only"] - figures["attended"]
    if others:
        print(f"  recorded as absent: {others}")
    return 0

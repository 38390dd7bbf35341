"""Funders and grants from the command line: add a funder or a grant, link a grant, list grants."""

from __future__ import annotations

import argparse

from programme.cli.common import iso_date, module_id, print_json, ready_engine
from programme.core.db import session_scope
from programme.funding import add_funder, add_grant, grants_table, individuals_by_grant, link_course, link_module

CLI_USER = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    funder = subparsers.add_parser("funder", help="funders").add_subparsers(dest="action", required=True)
    funder_add = funder.add_parser("add", help="add a funder")
    funder_add.add_argument("name")
    funder_add.add_argument("--country", help="ISO code or name")
    funder_add.set_defaults(handler=run_funder_add)

    grants = subparsers.add_parser("grants", help="grants and what they fund").add_subparsers(
        dest="action", required=True
    )
    grants_list = grants.add_parser("list", help="every grant with its courses and the individuals it reached")
    grants_list.add_argument(
        "--json", action="store_true", help='a JSON list of {"ref", "funder", "courses", "individuals"}'
    )
    grants_list.set_defaults(handler=run_grants_list)

    grant_add = grants.add_parser("add", help="add a grant of a funder")
    grant_add.add_argument("--funder", required=True, help="the funder's name")
    grant_add.add_argument("--ref", required=True, help="the grant's reference")
    grant_add.add_argument("--title")
    grant_add.add_argument("--start", type=iso_date)
    grant_add.add_argument("--end", type=iso_date)
    grant_add.add_argument("--amount")
    grant_add.add_argument("--currency", help="ISO 4217 code, e.g. EUR")
    grant_add.set_defaults(handler=run_grant_add)

    grant_link = grants.add_parser("link", help="record that a grant funds a course (or one of its modules)")
    grant_link.add_argument("ref")
    grant_link.add_argument("--course", required=True, help="course code")
    grant_link.add_argument("--module", type=int, help="module number (default: the whole course)")
    grant_link.set_defaults(handler=run_grant_link)


def grants_list(session) -> list[dict]:  # type: ignore[no-untyped-def]
    """Return the grants as `grants list --json` prints them: ref, funder, courses (codes), individuals."""
    table = grants_table(session)
    reached = individuals_by_grant(session).set_index("ref")["individuals"]
    result = []
    for ref, funder, courses, modules in zip(table["ref"], table["funder"], table["courses"], table["modules"],
                                             strict=True):  # fmt: skip
        codes = sorted(set(courses) | {label.split(" · ")[0] for label in modules})
        result.append({"ref": ref, "funder": funder, "courses": codes, "individuals": int(reached.get(ref, 0))})
    return result


def run_grants_list(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        grants = grants_list(session)
    if args.json:
        print_json(grants)
        return 0
    if not grants:
        print("No grants recorded yet.")
    for grant in grants:
        print(
            f"{grant['ref']:<16}{grant['individuals']:>6} individuals  {grant['funder']}: {', '.join(grant['courses'])}"
        )
    return 0


def run_funder_add(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        funder = add_funder(session, name=args.name, country=args.country, by=CLI_USER)
        print(f"Funder {funder.name} added.")
    return 0


def run_grant_add(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        grant = add_grant(
            session, funder=args.funder, reference=args.ref, title=args.title, start=args.start, end=args.end,
            amount=args.amount, currency=args.currency, by=CLI_USER,
        )  # fmt: skip
        print(f"Grant {grant.reference} added.")
    return 0


def run_grant_link(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        if args.module is None:
            link_course(session, reference=args.ref, course_code=args.course, by=CLI_USER)
            print(f"Grant {args.ref} now funds {args.course}.")
        else:
            link_module(
                session, reference=args.ref, module_id=module_id(session, args.course, args.module), by=CLI_USER
            )
            print(f"Grant {args.ref} now funds module {args.module} of {args.course}.")
    return 0

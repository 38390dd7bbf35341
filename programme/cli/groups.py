"""`groups make`: balanced role-play and working groups for a module, printed, as JSON, or saved."""

from __future__ import annotations

import argparse
import math

from programme.cli.common import module_id, print_json, ready_engine
from programme.core.db import session_scope
from programme.core.rounding import fixed
from programme.core.words import counted
from programme.groups.plan import GroupPlan
from programme.groups.store import make_module_groups, save_groups

# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"
DEFAULT_SEED = 1
# What each member carries in the JSON output, after the contract's person_id, name, nationality,
# gender, org_type and role.
JSON_MEMBER_FIELDS = [
    "person_id",
    "name",
    "nationality",
    "gender",
    "org_type",
    "role",
    "country_of_work",
    "side",
    "languages",
    "returning",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    groups = subparsers.add_parser("groups", help="role-play and working groups").add_subparsers(
        dest="action", required=True
    )
    make = groups.add_parser("make", help="make balanced groups from a module's participants")
    make.add_argument("--course", required=True, help="course code")
    make.add_argument("--module", required=True, type=int, help="module number")
    how = make.add_mutually_exclusive_group(required=True)
    how.add_argument("--groups", type=int, help="number of groups")
    how.add_argument("--size", type=int, help="group size (sizes differ by at most one)")
    make.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    make.add_argument(
        "--everyone",
        action="store_true",
        help="group everyone on the module's lists (default: once attendance is recorded, only those who came)",
    )
    make.add_argument("--save", action="store_true", help="save the groups, replacing the module's saved groups")
    make.add_argument("--json", action="store_true", help="one JSON object on stdout")
    make.set_defaults(handler=run_make)


def _plain(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return getattr(value, "item", lambda: value)()


def groups_payload(plan: GroupPlan) -> dict:
    """Return the JSON object of the CLI: groups with their members, and the balance."""
    table = plan.members_table()
    explanation = plan.explanation
    groups = []
    for group in plan.groups:
        rows = table[table["group"] == group.name]
        members = [{key: _plain(row.get(key)) for key in JSON_MEMBER_FIELDS} for row in rows.to_dict("records")]
        groups.append({"name": group.name, "members": members})
    return {
        "groups": groups,
        "balance_score": explanation.balance_score,
        "attribute_scores": {key: round(score, 4) for key, score in explanation.attribute_scores.items()},
        "repeated_pairs": [list(pair) for pair in explanation.repeated_pairs],
        "seed": plan.seed,
    }


def _print_plan(plan: GroupPlan) -> None:
    table = plan.members_table()
    for group in plan.groups:
        rows = table[table["group"] == group.name]
        print(f"{group.name} ({counted(len(rows), 'member')})")
        for row in rows.to_dict("records"):
            details = ", ".join(str(_plain(row[key]) or "?") for key in ("nationality", "gender", "org_type"))
            print(f"  {row['role']:<20} {row['name']} ({details})")
        print()
    explanation = plan.explanation
    print(f"Balance score: {fixed(explanation.balance_score)} (1 = as mixed as whole people allow)")
    for row in explanation.scores_table().to_dict("records"):
        if row["weight"] > 0:
            print(f"  {row['attribute']:<24}{fixed(row['score'])}")
    repeats = len(explanation.repeated_pairs)
    print(f"Pairs repeated from earlier modules: {repeats}")


def run_make(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        module = module_id(session, args.course, args.module)
        plan = make_module_groups(
            session,
            module_id=module,
            groups=args.groups,
            size=args.size,
            seed=args.seed,
            everyone=True if args.everyone else None,
        )
        if args.save:
            save_groups(session, module_id=module, plan=plan, by=CLI_USER)
    if args.json:
        print_json({**groups_payload(plan), "saved": bool(args.save)})
        return 0
    _print_plan(plan)
    if args.save:
        print(f"Saved {counted(len(plan.groups), 'group')} for module {args.module} of {args.course}.")
    return 0

"""Command `alumni search`: the directory as a facilitator sees it."""

from __future__ import annotations

import argparse

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.networks import find_network
from programme.alumni.search import DirectoryQuery, search_directory
from programme.cli.common import print_json, ready_engine
from programme.core.db import session_scope
from programme.courses.catalogue import read_country
from programme.models import UserRole

CLI_USER = "command line"
# The command line shows what a facilitator would: listed people, contact fields only where consented.
AS_FACILITATOR = SignedIn(user_id=0, username=CLI_USER, role=UserRole.FACILITATOR)
JSON_FIELDS = (
    "person_id",
    "name",
    "gender",
    "nationality",
    "country_of_work",
    "organisation",
    "org_type",
    "position",
    "email",
    "phone",
    "languages",
    "expertise",
    "courses",
    "years",
    "roles",
    "networks",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    alumni = subparsers.add_parser("alumni", help="the alumni directory").add_subparsers(dest="action", required=True)
    search = alumni.add_parser(
        "search", help="search listed alumni (contact fields only where consented)", description=__doc__
    )
    search.add_argument("query", nargs="?", default="", help="words to find in name, organisation, position, expertise")
    search.add_argument("--country", help="nationality or country of work: ISO code or name")
    search.add_argument("--network", help="alumni network name (or a unique part of it)")
    search.add_argument(
        "--language",
        action="append",
        default=[],
        metavar="LANGUAGE",
        help="a language they speak (repeat for any of several: --language Tetum --language Bahasa)",
    )
    search.add_argument("--json", action="store_true", help="one JSON object with total and results")
    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    engine = ready_engine()
    with session_scope(engine) as session:
        country = read_country(args.country) if args.country else None
        network = find_network(session, args.network) if args.network else None
        query = DirectoryQuery(
            text=args.query or "",
            countries=(country,) if country else (),
            network_ids=(network.id,) if network else (),
            languages=tuple(language.strip() for language in args.language if language.strip()),
        )
        found = search_directory(session, query, user=AS_FACILITATOR, limit=None)
        audit.record(
            session,
            action="export",
            username=CLI_USER,
            entity="person",
            summary=f"alumni directory search on the command line: {found.total} people",
        )
    results = found.results.astype(object).where(found.results.notna(), None)
    records = []
    for row in results.to_dict(orient="records"):
        record = {field: row.get(field) for field in JSON_FIELDS}
        for field in ("courses", "roles", "networks"):
            record[field] = [part for part in (record[field] or "").split(", ") if part]
        records.append(record)
    if args.json:
        print_json({"total": found.total, "results": records})
        return 0
    if not records:
        print("No listed alumni match.")
        return 0
    for record in records:
        contact = " · ".join(str(record[f]) for f in ("organisation", "email", "phone") if record.get(f))
        print(
            f"{record['person_id']:>7}  {record['name']}  ({record['nationality'] or '—'})  {', '.join(record['courses'])}"
        )
        if contact:
            print(f"         {contact}")
    print(f"{found.total} listed alumni.")
    return 0

"""Commands of the foundation: init, demo, course, module, stats, rebuild-summaries (accounts: programme/cli/users.py)."""

from __future__ import annotations

import argparse
import time

from programme import summaries
from programme.cli.common import iso_date, print_json, ready_engine
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.demo import load_demo
from programme.demo.generator import DEMO_SEED
from programme.demo.scale import load_scale
from programme.models import Scope
from programme.reach import registration_totals, stats
from programme.summaries import Changes

# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create or upgrade the database schema")
    init.set_defaults(handler=run_init)

    demo = subparsers.add_parser("demo", help="load the synthetic demo programme into an empty database")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own)")
    demo.add_argument(
        "--people",
        type=int,
        default=None,
        metavar="N",
        help="build a synthetic programme of N people instead, for trying the app at scale",
    )
    demo.set_defaults(handler=run_demo)

    course = subparsers.add_parser("course", help="courses").add_subparsers(dest="action", required=True)
    course_add = course.add_parser("add", help="add a course")
    course_add.add_argument("--code", required=True)
    course_add.add_argument("--title", required=True)
    course_add.add_argument("--scope", default=Scope.REGIONAL.value, choices=[s.value for s in Scope])
    course_add.add_argument("--country", help="host country: ISO code or name")
    course_add.set_defaults(handler=run_course_add)

    module = subparsers.add_parser("module", help="modules").add_subparsers(dest="action", required=True)
    module_add = module.add_parser("add", help="add a module to a course")
    module_add.add_argument("--course", required=True, help="course code")
    module_add.add_argument("--number", required=True, type=int)
    module_add.add_argument("--title", required=True)
    module_add.add_argument("--start", required=True, type=iso_date)
    module_add.add_argument("--end", required=True, type=iso_date)
    module_add.add_argument("--city", required=True)
    module_add.add_argument("--country", required=True, help="ISO alpha-2/alpha-3 code or a name")
    module_add.set_defaults(handler=run_module_add)

    rebuild = subparsers.add_parser(
        "rebuild-summaries",
        help="recompute the dashboards' summary tables from the raw rows (after a restore, to repair)",
    )
    rebuild.add_argument(
        "--check", action="store_true", help="only compare the summaries with the raw rows (exit 1 if they differ)"
    )
    rebuild.add_argument("--json", action="store_true", help="one JSON object on stdout")
    rebuild.set_defaults(handler=run_rebuild_summaries)

    stats_parser = subparsers.add_parser("stats", help="reach figures")
    stats_parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    stats_parser.set_defaults(handler=run_stats)


def run_init(_args: argparse.Namespace) -> int:
    engine = make_engine()
    before = schema.current_revision(engine)
    schema.upgrade(engine)
    after = schema.current_revision(engine)
    if before is None:
        # "Database upgraded to ..." was said of a new, empty database: a new organisation wants its next step.
        print(
            f"Database created (schema {after}). Next: start the app (streamlit run app.py), whose first "
            "screen creates the administrator account, or add one with: python -m programme user add NAME --role admin"
        )
    else:
        print("Database is up to date." if before == after else f"Database upgraded to {after}.")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    if args.people is not None:
        return run_scale_demo(args)
    engine = ready_engine(create=True)
    with session_scope(engine) as session:
        counts = load_demo(session, **({"seed": args.seed} if args.seed is not None else {}))
    print(
        f"Demo loaded: {counts['course']} courses, {counts['module']} modules, {counts['person']} people, "
        f"{counts['participation']} participations, {counts['evaluation_response']} evaluation responses."
    )
    return 0


def run_scale_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    shown = [-1.0]

    def show(share: float, label: str) -> None:
        # A line every five per cent: enough to see it move, few enough to read.
        if share - shown[0] >= 0.05 or share >= 1.0:
            shown[0] = share
            print(f"{share:4.0%}  {label}  ({time.perf_counter() - started:.0f} s)", flush=True)

    with session_scope(ready_engine(create=True)) as session:
        counts = load_scale(
            session, people=args.people, seed=DEMO_SEED if args.seed is None else args.seed, progress=show
        )
        print("Saving…", flush=True)
    print(
        f"Scale demo loaded in {time.perf_counter() - started:.0f} s: {counts['course']:,} courses, "
        f"{counts['module']:,} modules, {counts['agenda_session']:,} sessions, {counts['person']:,} people, "
        f"{counts['participation']:,} participations, {counts['evaluation_response']:,} evaluation responses, "
        f"{counts['evaluation_answer']:,} answers."
    )
    return 0


def run_rebuild_summaries(args: argparse.Namespace) -> int:
    engine = ready_engine()
    started = time.perf_counter()
    rebuilt: Changes | None = None
    if not args.check:
        with session_scope(engine) as session:
            rebuilt = summaries.rebuild(session)
    with session_scope(engine) as session:
        differences = summaries.check(session)
    seconds = round(time.perf_counter() - started, 2)
    wrong = {name: lines for name, lines in differences.items() if lines}
    if args.json:
        print_json(
            {
                "rebuilt": rebuilt is not None,
                "modules": len(rebuilt.modules) if rebuilt else None,
                "summaries": summaries.registered(),
                "differences": wrong,
                "seconds": seconds,
            }
        )
    else:
        if rebuilt is not None:
            print(f"Summaries rebuilt for {len(rebuilt.modules):,} modules in {seconds} s.")
        for name, lines in wrong.items():
            for line in lines[:20]:
                print(f"{name}: {line}")
            if len(lines) > 20:
                print(f"{name}: … and {len(lines) - 20} more differences")
        if not wrong:
            print("Every summary equals the figures computed from the raw rows.")
    return 1 if wrong else 0


def run_course_add(args: argparse.Namespace) -> int:
    with session_scope(ready_engine(create=True)) as session:
        course = add_course(
            session,
            code=args.code,
            title=args.title,
            scope=args.scope,
            country=args.country,
            by=CLI_USER,
        )
        print(f"Course {course.code} added.")
    return 0


def run_module_add(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        module = add_module(
            session,
            course_code=args.course,
            number=args.number,
            title=args.title,
            start=args.start,
            end=args.end,
            city=args.city,
            country=args.country,
            by=CLI_USER,
        )
        print(
            f"Module {module.number} of {args.course} added ({module.start_date} to {module.end_date}, "
            f"{module.city}, {module.country})."
        )
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        lists = registration_totals(session)
        # registered (stats): everyone listed for a module, the funnel's top; on_registration_lists: those on a
        # registration list, and registered_took_part: of them, those who took part in a module they registered for.
        figures = {
            **stats(session),
            "on_registration_lists": lists["registered"],
            "registered_took_part": lists["registered_took_part"],
        }
    if args.json:
        print_json(figures)
        return 0
    for key in (
        "courses",
        "modules",
        "sessions",
        "individuals",
        "participations",
        "countries",
        "groups",
        "evaluation_responses",
        "alumni_networks",
    ):
        print(f"{key.replace('_', ' '):<22}{figures[key]:>8}")
    if figures["registered"]:
        print(
            f"{'on registration lists':<22}{figures['on_registration_lists']:>8}  "
            f"({figures['registered_took_part']} of them took part)"
        )
    return 0

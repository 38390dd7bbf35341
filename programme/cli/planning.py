"""Commands for planning: import an agenda from a spreadsheet; list courses and modules with filters."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from programme.cli.common import command_group, module_id, print_json, ready_engine, text_or_blank
from programme.core.db import session_scope
from programme.core.errors import UnreadableFile
from programme.core.words import counted
from programme.courses.overview import SHOWN_STATUSES, recorded_in_modules, shown_statuses
from programme.courses.queries import CourseFilter, ModuleFilter, courses_table, modules_table
from programme.intake.columns import parse_column_options
from programme.models import Scope
from programme.planning.agenda_import import AGENDA_SYNONYMS, AgendaImportReport, import_agenda

# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"
EXIT_ERRORS = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    imports = command_group(subparsers, "import", "read spreadsheets into the database")
    agenda = imports.add_parser("agenda", help="import a module's agenda from a spreadsheet (.xlsx, .ods, .csv)")
    agenda.add_argument("file", metavar="FILE")
    agenda.add_argument("--course", required=True, help="course code")
    agenda.add_argument("--module", required=True, type=int, help="module number")
    agenda.add_argument("--dry-run", action="store_true", help="check the sheet and report; write nothing")
    agenda.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="read FIELD from the column HEADER instead of the one detected (FIELD= reads it from no column); "
        "repeatable. Fields: " + ", ".join(AGENDA_SYNONYMS),
    )
    agenda.add_argument("--json", action="store_true", help="one JSON object on stdout")
    agenda.set_defaults(handler=run_import_agenda)

    course_list = _actions_of(subparsers, "course").add_parser("list", help="list courses, newest first")
    _filters(course_list, status=False)
    course_list.set_defaults(handler=run_course_list)

    module_list = _actions_of(subparsers, "module").add_parser("list", help="list modules, newest first")
    module_list.add_argument("--course", help="only this course's modules")
    _filters(module_list, status=True)
    module_list.set_defaults(handler=run_module_list)


def _actions_of(subparsers: argparse._SubParsersAction, command: str) -> argparse._SubParsersAction:
    """Return the sub-commands of an existing command (`course`, `module`) to add `list` next to `add`."""
    parser = subparsers.choices[command]
    return next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))


def _filters(parser: argparse.ArgumentParser, *, status: bool) -> None:
    parser.add_argument("--year", type=int, help="running in this year")
    parser.add_argument("--country", help="ISO code or name")
    parser.add_argument("--scope", choices=[s.value for s in Scope])
    if status:
        # The words the modules list says (a module marked delivered with nobody marked as having come is "under
        # way" or "ended, attendance not recorded"), as the Courses page's filter.
        parser.add_argument(
            "--status", choices=SHOWN_STATUSES, help="as the list says it: " + "; ".join(SHOWN_STATUSES)
        )
    parser.add_argument("--json", action="store_true", help="a JSON list on stdout")


def run_import_agenda(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if not path.is_file():
            raise UnreadableFile(f"The file '{args.file}' was not found.")
        data = path.read_bytes()
        chosen = parse_column_options(args.column, example='title="Session title"')
        with session_scope(ready_engine()) as session:
            module = module_id(session, args.course, args.module)
            report = import_agenda(
                session, data=data, filename=path.name, module_id=module, dry_run=args.dry_run, by=CLI_USER,
                columns=chosen,
            )  # fmt: skip
    except UnreadableFile as error:
        if args.json:
            print_json(
                {
                    "rows": 0,
                    "created": 0,
                    "would_create": 0,
                    "errors": [{"row": None, "column": None, "message": str(error)}],
                    "written": False,
                    "dry_run": args.dry_run,
                }
            )
        raise
    if args.json:
        print_json(report.as_json())
    else:
        _print_report(report)
    return EXIT_ERRORS if report.errors else 0


def _print_report(report: AgendaImportReport) -> None:
    # Nothing is said to be created unless it was written: a dry run or a refused run says what the sheet would add.
    new = "new" if report.written else "to add"
    print(
        f"Read {counted(report.rows, 'row')} from '{report.sheet}': {counted(report.sessions, 'session')} "
        f"({report.created} {new}, {report.updated} already on the agenda), "
        f"{counted(report.skipped, 'heading or blank row')} skipped; facilitators: {report.people_matched} found, {report.people_created} {new}."
    )
    if report.columns:  # what each column was read as (--column FIELD=HEADER changes one)
        print("Columns: " + "; ".join(f"{item['header']} → {item['role']}" for item in report.columns) + ".")
    for warning in report.warnings:
        print(f"Warning: {warning}")
    for error in report.errors:
        print(f"Row {error.row}, column '{error.column}': {error.message}", file=sys.stderr)
    if report.errors:
        print(f"Nothing was written: {counted(len(report.errors), 'problem')} to fix in the sheet.", file=sys.stderr)
    elif report.written:
        print("The agenda was saved.")
    else:
        print("Dry run: nothing was written.")


def _year(value: object) -> int | None:
    """Return a course's first or last year as a whole number; None when it has none (no module yet: NaN)."""
    return None if not text_or_blank(value) else int(value)


def run_course_list(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        frame = courses_table(session, CourseFilter(year=args.year, country=args.country, scope=args.scope))
    if args.json:
        records = frame.drop(columns=["course_id"]).to_dict("records")
        for record in records:  # a year, not 2017.0 (the column is float where a course has no module yet)
            record["start_year"], record["end_year"] = _year(record["start_year"]), _year(record["end_year"])
        print_json(records)
        return 0
    if frame.empty:
        print("No course matches.")
    for row in frame.itertuples():
        years = f"{_year(row.start_year) or '?'}–{_year(row.end_year) or '?'}"
        print(
            f"{row.code:<20} {row.scope:<13} {text_or_blank(row.host_country):<4} {years:<10} {counted(row.modules, 'module', 'modules'):>11}  {row.title}"
        )
    return 0


def run_module_list(args: argparse.Namespace) -> int:
    today = date.today()
    with session_scope(ready_engine()) as session:
        chosen = ModuleFilter(
            year=args.year, country=args.country, scope=args.scope, status=args.status, course_code=args.course
        )
        frame = modules_table(session, chosen, today=today)
        recorded = recorded_in_modules(session, tuple(int(module) for module in frame["module_id"]))
    # status: the stored word (kept for scripts); status_shown: what the list says and --status filters on.
    frame["status_shown"] = shown_statuses(frame, recorded, today=today)
    if args.json:
        print_json(frame.to_dict("records"))
        return 0
    if frame.empty:
        print("No module matches.")
    for row in frame.itertuples():
        print(
            f"{row.course:<20} {row.number:>2}  {row.start_date} to {row.end_date}  {text_or_blank(row.city):<16} "
            f"{text_or_blank(row.country):<4} {row.status_shown}"
        )
    return 0

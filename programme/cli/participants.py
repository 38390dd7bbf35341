"""Commands for participant spreadsheets: `import participants` and `export participants`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from programme.access.accounts import SignedIn
from programme.cli.common import command_group, module_id, print_json, ready_engine
from programme.core.db import session_scope
from programme.core.errors import UnreadableFile
from programme.core.words import a_or_an
from programme.courses.catalogue import get_module_by_id
from programme.importing import ImportPlan, apply_plan, build_plan, detect_columns, file_hash, read_participant_sheet
from programme.importing.batches import import_number
from programme.importing.columns import FIELD_LABELS, ColumnMapping
from programme.importing.lists import LIST_KIND_EFFECTS, LIST_KIND_LABELS, ListKind
from programme.importing.own_account import OwnAccountChoice, apply_choice, own_account_rows, require_choice
from programme.importing.pipeline import import_list, worth_piping
from programme.importing.profiles import TOOL_NAMES
from programme.intake.columns import parse_column_options
from programme.models import UserRole
from programme.people.participants import export_participants

# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"
# The command line runs with the database's own access: it exports as an administrator would.
CLI_ACCOUNT = SignedIn(user_id=0, username=CLI_USER, role=UserRole.ADMIN)


def register(subparsers: argparse._SubParsersAction) -> None:
    imports = command_group(subparsers, "import", "import spreadsheets")
    parser = imports.add_parser(
        "participants", help="import a participant list (.xlsx, .xls, .ods, .csv) into a module"
    )
    parser.add_argument("file", help="the spreadsheet or CSV file")
    parser.add_argument("--course", required=True, help="course code")
    parser.add_argument("--module", required=True, type=int, help="module number")
    parser.add_argument("--dry-run", action="store_true", help="check and show what would happen; write nothing")
    parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows when some rows have errors")
    parser.add_argument(
        "--accept-probable", action="store_true", help="take probable matches as the same person (default: new people)"
    )
    parser.add_argument(
        "--list",
        choices=[kind.value for kind in ListKind],
        default=None,
        help="what the list is: "
        + "; ".join(f"{kind.value}: {LIST_KIND_EFFECTS[kind]}" for kind in ListKind)
        + " (default: detected from the columns)",
    )
    parser.add_argument(
        "--tool",
        default=None,
        help="the tool the list comes from, instead of the one detected: " + ", ".join(TOOL_NAMES) + ", or none",
    )
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="read FIELD from the column HEADER instead of the one detected (FIELD= reads it from no column); "
        "repeatable. Fields: " + ", ".join(FIELD_LABELS),
    )
    parser.add_argument(
        "--own-account",
        choices=[choice.value for choice in OwnAccountChoice],
        default=None,
        help="a Zoom meeting's list: the people who joined from your own Zoom account (Guest: No), the host among "
        "them; a Zoom webinar's attendee report: the attendees signed in to your own Zoom account (Is Guest: No); a "
        "Microsoft Teams attendance report: the meeting's organizer and co-organizers (Role): "
        "import them as participants, or leave them out (a list that has them is refused until you say)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run_import)

    exports = command_group(subparsers, "export", "export spreadsheets")
    out = exports.add_parser("participants", help="export participants (consent-aware, formula-safe) to .xlsx or .csv")
    out.add_argument("out", help="OUT.xlsx or OUT.csv")
    out.add_argument("--course", help="only this course")
    out.add_argument("--module", type=int, help="only this module of the course")
    out.set_defaults(handler=run_export)


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise UnreadableFile(f"The file {path} does not exist.")
    try:
        return file.read_bytes()
    except OSError:
        raise UnreadableFile(f"The file {path} could not be opened.") from None


def _overrides(pairs: list[str]) -> dict[str, str | None]:
    """Return {field: header or None} from the --column FIELD=HEADER options."""
    return parse_column_options(pairs, example='email="Email address"')


def run_import(args: argparse.Namespace) -> int:
    data = _read(args.file)
    name = Path(args.file).name
    overrides = _overrides(args.column)
    digest = file_hash(data)
    table = read_participant_sheet(data, name)
    del data  # the file's bytes are not needed once read (a large CSV's bytes are a tenth of its table)
    mapping = detect_columns(table, tool=args.tool, overrides=overrides)
    # The host and colleagues on the organisers' own Zoom account (a Teams meeting's organizers): imported or left out
    # as --own-account says.
    own = own_account_rows(table, mapping)
    choice = require_choice(own, args.own_account)
    if own is not None and choice is not None:
        table, mapping = apply_choice(table, mapping, own, choice)
    engine = ready_engine()
    with session_scope(engine) as session:
        module = get_module_by_id(session, module_id(session, args.course, args.module))
        if args.dry_run or not worth_piping(session, len(table.row_numbers)):
            plan = build_plan(
                session,
                table=table,
                mapping=mapping,
                module=module,
                file_name=name,
                file_hash=digest,
                list_kind=args.list,
                keep_rows=not args.dry_run,  # a dry run reports; its plan need not hold every row
            )
            result = None
        else:  # a long list on SQLite is written while it is validated, with the same outcome (importing.pipeline)
            plan, result = import_list(
                session,
                table=table,
                mapping=mapping,
                module=module,
                file_name=name,
                file_hash=digest,
                username=CLI_USER,
                list_kind=args.list,
                accept_probable=args.accept_probable,
                skip_invalid=args.skip_invalid,
            )
        accepted = {planned.row for planned in plan.probable} if args.accept_probable else set()
        blocked = bool(plan.errors) and not args.skip_invalid
        nothing_valid = plan.counts()["valid"] == 0
        if result is None and not (args.dry_run or blocked or nothing_valid):
            result = apply_plan(
                session, plan=plan, username=CLI_USER, accepted=accepted, skip_invalid=args.skip_invalid
            )
    report = plan.report(accepted, written=result is not None)
    if result is not None:
        with session_scope(engine) as session:
            number = import_number(session, result.batch_id)
        report.update(
            batch_id=result.batch_id,
            import_number=number,  # as the page's Past imports lists it: among the participant imports
            participations=result.participations,
            updated_fields=result.updated_fields,
            attendance_recorded=result.attendance_recorded,
        )
    if args.json:
        print_json(report)
    else:
        _print_summary(plan, report, dry_run=args.dry_run, columns=table.columns)
    return 1 if blocked or nothing_valid else 0


def _print_summary(plan: ImportPlan, report: dict, *, dry_run: bool, columns: Sequence[str] = ()) -> None:
    print(f"{report['file']}: sheet '{report['sheet']}', header on row {report['header_row']}, {report['rows']} rows.")
    if plan.mapping.tool:
        print(f"This looks like {a_or_an(plan.mapping.tool)} export (choose another with --tool).")
    _print_columns(plan.mapping, columns)
    kind = plan.list_kind
    detected = "" if kind != plan.detected_kind else " (detected; choose another with --list)"
    print(f"{LIST_KIND_LABELS[kind]}{detected}: {LIST_KIND_EFFECTS[kind]}.")
    # Nothing is said to be created unless it was written: a dry run or a refused run says what the list would add.
    new = "new people" if report["written"] else "new people to add"
    print(
        f"valid {report['valid']}, {new} {report['would_create']}, matched {report['matched']}, "
        f"repeated in the file {report['repeated']}, probable matches {len(report['probable'])}, "
        f"errors {len(report['errors'])}."
    )
    for item in report["probable"]:
        print(
            f"  row {item['row']}: {item['name']} may be {item['candidate']}, record {item['candidate_id']}: {item['why']}"
        )
    for error in report["errors"]:
        print(f"  row {error['row']}, column '{error['column']}': {error['message']}")
    for warning in plan.warnings:
        print(f"Note: {warning}")
    if report["written"]:
        recorded = report["attendance_recorded"]
        print(
            f"Imported as import {report['import_number']} (Past imports on the Import participants page): "
            f"{report['participations']} participations added"
            + (f"; attendance recorded for {recorded} already in the module." if recorded else ".")
        )
    elif dry_run:
        print("Dry run: nothing was written.")
    else:
        print("Nothing was written: correct the rows with errors, or use --skip-invalid to import the valid rows.")


def _print_columns(mapping: ColumnMapping, columns: Sequence[str]) -> None:
    """Say how each column is read, and which are not read: a "Country" taken as the nationality, or a "Working in"
    left out, is seen before anything is written (--column changes either)."""
    read = [f"'{header}' as {FIELD_LABELS.get(name, name).lower()}" for name, header in mapping.fields.items()] + [
        f"'{header}' as day {day}" for header, day in mapping.days.items()
    ]
    if read:
        print("Columns read: " + "; ".join(read) + ".")
    unread = [column for column in columns if mapping.role(column) == "not used" and not column.startswith("Column ")]
    if unread:
        names = ", ".join(f"'{column}'" for column in unread)
        print(f"Not read: {names} (read one with --column FIELD=HEADER).")


def run_export(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        data, count = export_participants(
            session,
            user=CLI_ACCOUNT,
            file_name=args.out,
            course_code=args.course,
            module_id=module_id(session, args.course, args.module),
        )
    Path(args.out).write_bytes(data)
    print(f"{count} participations exported to {args.out}.")
    return 0

"""Evaluation commands: `import evaluations FILE`, `import test-scores FILE` and `evaluation summary`."""

from __future__ import annotations

import argparse
from pathlib import Path

from programme.cli.common import command_group, module_id, print_json, ready_engine
from programme.core.db import session_scope
from programme.core.errors import UnreadableFile
from programme.core.rounding import fixed
from programme.core.words import a_or_an, counted
from programme.evaluations import import_evaluations, module_summary
from programme.evaluations.columns import COLUMN_ROLES, parse_column_roles
from programme.evaluations.test_scores import STAGES, import_test_scores
from programme.evaluations.wording import quoted_wordings, with_earlier
from programme.intake.columns import ColumnChoiceError, parse_column_options
from programme.intake.tools import PROFILES

# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"
# How many row errors the plain-text output lists before saying how many more there are.
ERRORS_SHOWN = 30


DATE_ORDERS = ("day-first", "month-first")


def register(subparsers: argparse._SubParsersAction) -> None:
    imports = command_group(subparsers, "import", "import a spreadsheet")
    evaluations = imports.add_parser("evaluations", help="import an evaluation export (survey tool, online form)")
    evaluations.add_argument("file", help=".csv, .xlsx, .xls or .ods as exported")
    evaluations.add_argument("--course", required=True, help="course code")
    evaluations.add_argument("--module", required=True, type=int, help="module number")
    evaluations.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    evaluations.add_argument("--labels", help='the scale\'s five labels, lowest first: "Poor, Fair, Good, ..."')
    evaluations.add_argument(
        "--tool",
        help="the survey tool that made the export, when not recognised: "
        + ", ".join(profile.name for profile in PROFILES)
        + ", or none (an unknown name: exit 2)",
    )
    evaluations.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="ROLE=HEADER",
        help="read the column HEADER as ROLE instead of what was detected; repeatable. Roles: "
        + ", ".join(COLUMN_ROLES)
        + " (meta: the tool's own column, not imported)",
    )
    evaluations.add_argument(
        "--date-order",
        choices=DATE_ORDERS,
        help="day and month order of the submission times when no date tells (04/05): without it such dates are "
        "not stored",
    )
    evaluations.add_argument("--json", action="store_true", help="one JSON object on stdout")
    evaluations.set_defaults(handler=run_import)

    tests = imports.add_parser(
        "test-scores", help="import a module's pre- or post-test scores (a Google Forms or Microsoft Forms quiz export)"
    )
    tests.add_argument("file", help=".csv, .xlsx, .xls or .ods as exported")
    tests.add_argument("--course", required=True, help="course code")
    tests.add_argument("--module", required=True, type=int, help="module number")
    tests.add_argument("--stage", required=True, choices=STAGES, help="the test at the start (pre) or end (post)")
    tests.add_argument(
        "--out-of",
        type=float,
        help="the quiz's maximum, for scores written as points alone (Microsoft Forms' Total points)",
    )
    tests.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="score=HEADER",
        help="read the scores from the column HEADER instead of the one detected",
    )
    tests.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    tests.add_argument("--json", action="store_true", help="one JSON object on stdout")
    tests.set_defaults(handler=run_test_scores)

    evaluation = subparsers.add_parser("evaluation", help="evaluation forms and results")
    actions = evaluation.add_subparsers(dest="action", required=True)
    summary = actions.add_parser("summary", help="responses and each question's n and mean for a module")
    summary.add_argument("--course", required=True, help="course code")
    summary.add_argument("--module", required=True, type=int, help="module number")
    summary.add_argument("--json", action="store_true", help="one JSON object on stdout")
    summary.set_defaults(handler=run_summary)


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"There is no file '{path}'.") from None
    except OSError:
        raise UnreadableFile(f"The file '{path}' could not be opened.") from None


def run_import(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    roles = parse_column_roles(args.column)
    with session_scope(ready_engine()) as session:
        result = import_evaluations(
            session,
            data=data,
            filename=args.file,
            module_id=module_id(session, args.course, args.module),
            dry_run=args.dry_run,
            scale_labels=args.labels,
            by=CLI_USER,
            tool_name=args.tool,
            columns=roles,
            month_first=None if args.date_order is None else args.date_order == "month-first",
        )
    if args.json:
        print_json(result.to_json())
    else:
        _print_import(result)
    return 1 if result.errors else 0


def _print_import(result) -> None:
    if result.tool:
        print(f"This looks like {a_or_an(result.tool)} export.")
    for error in result.errors[:ERRORS_SHOWN]:
        print(f"Row {error.row}, column '{error.column}': {error.message}")
    if len(result.errors) > ERRORS_SHOWN:
        print(f"... and {len(result.errors) - ERRORS_SHOWN} more errors.")
    for warning in result.warnings:
        print(f"Note: {warning}")
    if result.errors:
        print(f"Nothing was imported: {counted(len(result.errors), 'error')} in {counted(result.rows, 'row')}.")
    elif not result.written and not result.dry_run and result.created == 0:
        earlier = f" ({result.imported_before})" if result.imported_before else ""
        print(f"Nothing was imported: every response in this file was imported before{earlier}.")
    elif result.dry_run:
        print(
            f"Dry run: {counted(result.created, 'response')} would be imported ({result.skipped} skipped, "
            f"{counted(result.questions_added, 'new question')}); nothing was written."
        )
    else:
        print(
            f"Imported {counted(result.created, 'response')} ({result.skipped} skipped, "
            f"{counted(result.questions_added, 'new question')})."
        )


def run_test_scores(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    chosen = parse_column_options(args.column, example='score="Total points"')
    unknown = sorted(set(chosen) - {"score"})
    if unknown:
        raise ColumnChoiceError(f"'{unknown[0]}' is not a column this import reads; only score=HEADER.")
    with session_scope(ready_engine()) as session:
        result = import_test_scores(
            session,
            data=data,
            filename=args.file,
            module_id=module_id(session, args.course, args.module),
            stage=args.stage,
            out_of=args.out_of,
            score_column=chosen.get("score"),
            dry_run=args.dry_run,
            by=CLI_USER,
        )
    if args.json:
        print_json(result.to_json())
        return 1 if result.errors else 0
    if result.tool:
        print(f"This looks like {a_or_an(result.tool)} export.")
    print(f"Scores read from the column '{result.score_column}'.")
    for error in result.errors[:ERRORS_SHOWN]:
        print(f"Row {error.row}, column '{error.column}': {error.message}")
    if len(result.errors) > ERRORS_SHOWN:
        print(f"... and {len(result.errors) - ERRORS_SHOWN} more errors.")
    for row in result.unmatched:
        who = " / ".join(part for part in (row.name, row.email) if part) or "no name or e-mail"
        print(f"Row {row.row}: {row.status}, not written ({who}): {row.reason}.")
    for warning in result.warnings:
        print(f"Note: {warning}")
    print(result.summary())
    return 1 if result.errors else 0


def run_summary(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        summary = module_summary(session, module_id(session, args.course, args.module))
    if args.json:
        print_json(summary)
        return 0
    average = (
        f"; module average {fixed(summary['mean'])} of {summary['ratings']} ratings ({summary['mean_scale']} questions)"
        if summary["mean"]
        else ""
    )
    print(f"{counted(summary['responses'], 'response')}{average}")
    for question in summary["questions"]:
        mean = fixed(question["mean"]) if question["mean"] is not None else "   -"
        # A 0-10 question's mean is on its own scale, named beside it and left out of the module average.
        scale = f" (scale {question['scale']})" if question["scale"] not in (None, summary["mean_scale"]) else ""
        text = with_earlier(question["text"], quoted_wordings(question["earlier"]))  # a reworded one's answers
        print(f"{mean:>5}  n={question['n']:<4} {text}{scale}")
    return 0

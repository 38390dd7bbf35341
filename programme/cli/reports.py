"""Export commands for partners and funders: the module report, the summary workbook, certificates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from programme.cli.common import command_group, module_id, ready_engine
from programme.core.db import session_scope
from programme.core.errors import ProgrammeError
from programme.reports import (
    certificates_pdf,
    course_certificates,
    funder_report,
    left_out,
    module_certificates,
    module_report,
    summary_workbook,
    unprintable_names,
)

# Who the audit trail names for exports made from the command line.
CLI_USER = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    exports = command_group(subparsers, "export", "write reports, workbooks and lists to files")

    report = exports.add_parser("report", help="the module report as an editable Word file (.docx)")
    report.add_argument("out", metavar="OUT.docx", type=Path)
    report.add_argument("--course", required=True, help="course code")
    report.add_argument("--module", required=True, type=int, help="module number")
    report.set_defaults(handler=run_report)

    summary = exports.add_parser("summary", help="the programme summary workbook with charts (.xlsx)")
    summary.add_argument("out", metavar="OUT.xlsx", type=Path)
    summary.add_argument("--course", help="one course's code (default: every course)")
    summary.set_defaults(handler=run_summary)

    certificates = exports.add_parser(
        "certificates", help="certificates of participation (PDF) for those who completed a module or a course"
    )
    certificates.add_argument("out", metavar="OUT.pdf", type=Path)
    certificates.add_argument("--course", required=True, help="course code")
    certificates.add_argument("--module", type=int, help="module number (default: the whole course)")
    certificates.set_defaults(handler=run_certificates)

    funder = exports.add_parser("funder-report", help="a funder's report on one grant as a Word file (.docx)")
    funder.add_argument("out", metavar="OUT.docx", type=Path)
    funder.add_argument("--grant", required=True, help="the grant's reference")
    funder.set_defaults(handler=run_funder_report)


def _check(path: Path, suffix: str) -> None:
    """Refuse an output path before any work: a wrong suffix or a missing folder."""
    if path.suffix.lower() != suffix:
        raise ProgrammeError(f"The output file must end in {suffix} (got '{path.name}').")
    if not path.parent.exists():
        raise ProgrammeError(f"The folder '{path.parent}' does not exist.")


def run_report(args: argparse.Namespace) -> int:
    _check(args.out, ".docx")
    with session_scope(ready_engine()) as session:
        data = module_report(session, module_id=module_id(session, args.course, args.module), by=CLI_USER)
        args.out.write_bytes(data)
    print(f"Module report written to {args.out}.")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    _check(args.out, ".xlsx")
    with session_scope(ready_engine()) as session:
        data = summary_workbook(session, course_code=args.course)
    args.out.write_bytes(data)
    print(f"Summary workbook written to {args.out}.")
    return 0


def run_certificates(args: argparse.Namespace) -> int:
    _check(args.out, ".pdf")
    with session_scope(ready_engine()) as session:
        module = module_id(session, args.course, args.module)
        data = certificates_pdf(session, course_code=args.course, module_id=module, by=CLI_USER)
        args.out.write_bytes(data)
        if module is None:
            chosen = course_certificates(session, args.course)
        else:
            chosen = module_certificates(session, module)
    skipped = {c.name for c in left_out(chosen)}
    for name, characters in unprintable_names(chosen).items():
        effect = "left out of the PDF" if name in skipped else "printed without them"
        print(f"Warning: no font of the app has the characters {characters} of {name}'s certificate ({effect}).",
              file=sys.stderr)  # fmt: skip
    print(f"Certificates written to {args.out}.")
    return 0


def run_funder_report(args: argparse.Namespace) -> int:
    _check(args.out, ".docx")
    with session_scope(ready_engine()) as session:
        data = funder_report(session, reference=args.grant, by=CLI_USER)
        args.out.write_bytes(data)
    print(f"Funder's report on grant {args.grant} written to {args.out}.")
    return 0

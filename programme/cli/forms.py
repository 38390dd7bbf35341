"""Participants' forms from the command line: open a module's registration or evaluation form, close, list."""

from __future__ import annotations

import argparse
import sys

from programme.cli.common import iso_date, print_json, ready_engine
from programme.core.db import session_scope
from programme.core.words import counted
from programme.courses.catalogue import get_module
from programme.selfservice.labels import LANGUAGES
from programme.selfservice.links import close_forms, list_forms, open_form

CLI_USER = "command line"
KINDS = ("registration", "evaluation", "checkin")


def register(subparsers: argparse._SubParsersAction) -> None:
    forms = subparsers.add_parser("forms", help="forms participants fill in through a link").add_subparsers(
        dest="action", required=True
    )
    opened = forms.add_parser("open", help="open a module's registration or evaluation form for participants")
    _module_arguments(opened)
    opened.add_argument("--kind", required=True, choices=KINDS)
    opened.add_argument("--closes", type=iso_date, help="last day it takes answers (YYYY-MM-DD)")
    opened.add_argument("--base-url", help="the app's address participants reach, e.g. http://192.168.1.20:8501")
    opened.add_argument("--language", default="en", choices=list(LANGUAGES), help="the form's language")
    opened.add_argument("--allow-multiple", action="store_true", help="several submissions per browser session")
    opened.add_argument("--json", action="store_true", help='{"kind", "token", "url", "closes"}')
    opened.set_defaults(handler=run_open)

    closed = forms.add_parser("close", help="close a module's forms (of one kind, or all)")
    _module_arguments(closed)
    closed.add_argument("--kind", choices=KINDS)
    closed.add_argument("--json", action="store_true", help='{"closed": N}')
    closed.set_defaults(handler=run_close)

    listed = forms.add_parser("list", help="a module's forms, open and closed")
    _module_arguments(listed)
    listed.add_argument("--json", action="store_true", help="a JSON list of the forms")
    listed.set_defaults(handler=run_list)


def _module_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", required=True, help="course code")
    parser.add_argument("--module", required=True, type=int, help="module number")


def run_open(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        module = get_module(session, args.course, args.module)
        opened = open_form(
            session,
            module_id=module.id,
            kind=args.kind,
            closes_on=args.closes,
            base_url=args.base_url,
            language=args.language,
            allow_multiple=args.allow_multiple,
            by=CLI_USER,
        )
    if args.json:
        print_json(opened.as_dict())
    else:
        until = f" until {opened.closes}" if opened.closes else ""
        print(f"The {opened.kind} form is open{until}: {opened.url}")
    if opened.note:
        print(opened.note, file=sys.stderr)
    return 0


def run_close(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        module = get_module(session, args.course, args.module)
        closed = close_forms(session, module_id=module.id, kind=args.kind, by=CLI_USER)
    if args.json:
        print_json({"closed": closed})
    else:
        print(f"{counted(closed, 'form')} closed.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        module = get_module(session, args.course, args.module)
        forms = list_forms(session, module.id)
    if args.json:
        print_json(forms)
        return 0
    if not forms:
        print("No forms opened for this module yet.")
    for form in forms:
        state = "open" if form["open"] else "closed"
        print(f"{form['kind']:<13}{state:<8}{form['submissions']:>4} sent  {form['url']}")
    return 0

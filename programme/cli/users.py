"""Accounts on the command line: add, list, unlock, passwd, disable. Whoever can run these on the server
is trusted with the accounts: they are how an admin who cannot sign in gets back in."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from programme.access import accounts
from programme.cli.common import print_json, ready_engine
from programme.core.db import session_scope
from programme.core.errors import ProgrammeError
from programme.models import UserRole

PASSWORD_VARIABLE = "PROGRAMME_PASSWORD"
# Who the audit trail names for changes made from the command line.
CLI_USER = "command line"
# The keys of each account in `user list --json`: scripts depend on them.
LIST_KEYS = ("username", "role", "disabled", "throttled", "throttled_until", "failed_sign_ins", "last_sign_in")


def register(subparsers: argparse._SubParsersAction) -> None:
    user = subparsers.add_parser("user", help="accounts").add_subparsers(dest="action", required=True)
    user_add = user.add_parser("add", help=f"add an account; password from ${PASSWORD_VARIABLE} or a prompt")
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=[r.value for r in UserRole])
    user_add.set_defaults(handler=run_user_add)

    user_list = user.add_parser("list", help="every account: role, disabled, sign-in waits, last sign-in")
    user_list.add_argument("--json", action="store_true", help="one JSON object on stdout")
    user_list.set_defaults(handler=run_user_list)

    unlock = user.add_parser("unlock", help="clear an account's sign-in waits after failed attempts")
    unlock.add_argument("name")
    unlock.set_defaults(handler=run_user_unlock)

    passwd = user.add_parser("passwd", help=f"set an account's password from ${PASSWORD_VARIABLE} or a prompt")
    passwd.add_argument("name")
    passwd.set_defaults(handler=run_user_passwd)

    disable = user.add_parser("disable", help="stop an account from signing in (never the last active admin)")
    disable.add_argument("name")
    disable.set_defaults(handler=run_user_disable)


def _new_password() -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise ProgrammeError(f"Set {PASSWORD_VARIABLE} or run the command in a terminal to type the password.")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != password:
            raise ProgrammeError("The two passwords differ; nothing was saved.")
    return password


def _usage_error(error: ProgrammeError) -> ProgrammeError:
    # The new account commands answer every mistake with exit 2 (`user add` keeps its historical 1).
    error.exit_code = 2
    return error


def run_user_add(args: argparse.Namespace) -> int:
    password = _new_password()
    with session_scope(ready_engine(create=True)) as session:
        accounts.add_user(session, username=args.name, password=password, role=args.role, by=CLI_USER)
    print(f"Account {args.name} ({args.role}) added.")
    return 0


def run_user_list(args: argparse.Namespace) -> int:
    with session_scope(ready_engine()) as session:
        rows = accounts.users_table(session)
    listed = [
        {
            "username": row["username"],
            "role": row["role"],
            "disabled": row["disabled"],
            "throttled": row["throttled"],
            "throttled_until": _iso(row["throttled_until"]),
            "failed_sign_ins": row["failed_sign_ins"],
            "last_sign_in": _iso(row["last_login_at"]),
        }
        for row in rows
    ]
    if args.json:
        print_json({"accounts": listed})
        return 0
    if not listed:
        print("No accounts yet; add one with `python -m programme user add NAME --role admin`.")
        return 0
    width = max(len("username"), *(len(row["username"]) for row in listed))
    print(f"{'username':<{width}}  {'role':<11}  {'state':<28}  last sign-in (UTC)")
    for row in listed:
        state = "disabled" if row["disabled"] else "active"
        if row["throttled"]:
            state += f", waits until {row['throttled_until'][11:16]}"
        last = (row["last_sign_in"] or "never")[:16].replace("T", " ")
        print(f"{row['username']:<{width}}  {row['role']:<11}  {state:<28}  {last}")
    return 0


def run_user_unlock(args: argparse.Namespace) -> int:
    try:
        with session_scope(ready_engine()) as session:
            accounts.unlock_user(session, args.name, by=CLI_USER)
            name = accounts.get_user(session, args.name).username
    except ProgrammeError as error:
        raise _usage_error(error) from None
    print(f"Account {name} can sign in again from every address; its sign-in waits were cleared.")
    return 0


def run_user_passwd(args: argparse.Namespace) -> int:
    try:
        engine = ready_engine()
        with session_scope(engine) as session:  # an unknown name first, before asking for a password
            user = accounts.get_user(session, args.name)
            user_id, name = user.id, user.username
        password = _new_password()
        with session_scope(engine) as session:
            accounts.update_user(session, user_id=user_id, by=CLI_USER, password=password)
    except ProgrammeError as error:
        raise _usage_error(error) from None
    print(f"Password of {name} changed; its sign-in waits were cleared.")
    return 0


def run_user_disable(args: argparse.Namespace) -> int:
    try:
        with session_scope(ready_engine()) as session:
            user = accounts.get_user(session, args.name)
            accounts.update_user(session, user_id=user.id, by=CLI_USER, active=False)
            name = user.username
    except ProgrammeError as error:
        raise _usage_error(error) from None
    print(f"Account {name} is disabled: it can no longer sign in.")
    return 0


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None

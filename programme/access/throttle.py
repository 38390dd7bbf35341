"""Growing waits after failed sign-ins, per (username, client) and per client, instead of a fixed lock.

A fixed lock on an account let anyone who knew a username keep its owner out. Here failures are counted for
the pair (the username typed, the client it came from) and for the client whatever username it typed:

- the first ACCOUNT_FREE_FAILURES failures of a pair (CLIENT_FREE_FAILURES of a client) cost nothing; each
  failure after them makes the next attempt wait twice as long as the last (2, 4, 8 ... seconds), up to
  MAX_WAIT;
- an attempt during a wait is refused without looking at the password, and neither counts nor lengthens
  the wait, so hammering does not push it further;
- a correct sign-in clears its pair; counts older than FORGET_AFTER start again from nothing;
- usernames that have no account are counted exactly like real ones, so the waits say nothing about
  which accounts exist.

Someone elsewhere who types the admin's username only slows down their own client: the admin's own client
keeps its own count. Usernames and client addresses are stored as SHA-256 digests (keyed by a fixed
prefix), never as typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from programme.models import LoginThrottle
from programme.models.base import utcnow

ACCOUNT_FREE_FAILURES = 5
# Higher: an office behind one address has many people who mistype.
CLIENT_FREE_FAILURES = 20
MAX_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)
# The row of a client's failures with any username.
ANY_ACCOUNT = ""
# The client when the app cannot tell (a local session, a test): one shared client.
LOCAL_CLIENT = "local"


@dataclass(frozen=True)
class AccountWait:
    """What the command line and the Accounts page show of an account's recent failures."""

    failures: int
    wait_until: datetime | None


def account_key(username: str) -> str:
    """Return the digest under which failures of a typed username are counted (case-insensitive)."""
    return _digest("account", username.strip().casefold())


def client_key(client: str | None) -> str:
    """Return the digest of a client's address (LOCAL_CLIENT when unknown)."""
    return _digest("client", (client or LOCAL_CLIENT).strip().lower())


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"programme-login:{kind}:{value}".encode()).hexdigest()


def delay_after(failures: int, free: int) -> timedelta | None:
    """Return how long the next attempt must wait after this many failures in a row (None: no wait)."""
    if failures < free:
        return None
    # Capped exponent: 2**10 s is already past MAX_WAIT, and a huge count must not overflow timedelta.
    return min(timedelta(seconds=2 ** min(failures - free + 1, 20)), MAX_WAIT)


def waiting_until(session: Session, username: str, client: str | None, now: datetime | None = None) -> datetime | None:
    """Return until when a sign-in of username from client must wait, or None when it may go ahead now."""
    now = now or utcnow()
    waits = session.scalars(
        sa.select(LoginThrottle.wait_until).where(
            LoginThrottle.account_key.in_([account_key(username), ANY_ACCOUNT]),
            LoginThrottle.client_key == client_key(client),
            LoginThrottle.wait_until > now,
        )
    ).all()
    return max(waits, default=None)


def record_failure(session: Session, username: str, client: str | None, now: datetime | None = None) -> None:
    """Count a failed sign-in for the pair (username, client) and for the client, and set the next waits."""
    now = now or utcnow()
    ckey = client_key(client)
    for akey, free in ((account_key(username), ACCOUNT_FREE_FAILURES), (ANY_ACCOUNT, CLIENT_FREE_FAILURES)):
        row = _row(session, akey, ckey, now)
        if row.last_failure_at < now - FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = delay_after(row.failures, free)
        row.wait_until = now + delay if delay else None
    session.flush()


def record_success(session: Session, username: str, client: str | None) -> None:
    """Forget the failures of the pair (username, client); the client's own count stays and fades."""
    session.execute(
        sa.delete(LoginThrottle).where(
            LoginThrottle.account_key == account_key(username), LoginThrottle.client_key == client_key(client)
        )
    )


def clear_account(session: Session, username: str) -> int:
    """Forget every failure of username, from every client, and those clients' own counts; return rows cleared.

    The command line's `user unlock`: whoever can run it on the server is trusted to let the account in.
    """
    akey = account_key(username)
    clients = sa.select(LoginThrottle.client_key).where(LoginThrottle.account_key == akey).scalar_subquery()
    cleared = session.execute(
        sa.delete(LoginThrottle).where(
            sa.or_(
                LoginThrottle.account_key == akey,
                sa.and_(LoginThrottle.account_key == ANY_ACCOUNT, LoginThrottle.client_key.in_(clients)),
            )
        )
    )
    return int(cleared.rowcount or 0)


def account_waits(session: Session, usernames: list[str], now: datetime | None = None) -> dict[str, AccountWait]:
    """Return, for each username, its recent failures from all clients and the latest wait still running."""
    now = now or utcnow()
    keys = {account_key(name): name for name in usernames}
    rows = session.execute(
        sa.select(LoginThrottle.account_key, LoginThrottle.failures, LoginThrottle.wait_until).where(
            LoginThrottle.account_key.in_(list(keys)), LoginThrottle.last_failure_at >= now - FORGET_AFTER
        )
    ).all()
    waits = {name: AccountWait(failures=0, wait_until=None) for name in usernames}
    for akey, failures, wait_until in rows:
        name = keys[akey]
        current = waits[name]
        running = wait_until if wait_until and wait_until > now else None
        latest = max((w for w in (current.wait_until, running) if w), default=None)
        waits[name] = AccountWait(failures=current.failures + failures, wait_until=latest)
    return waits


def _row(session: Session, akey: str, ckey: str, now: datetime) -> LoginThrottle:
    # Insert-if-missing then lock: two sign-ins at once from the same client must not both insert.
    values = {"account_key": akey, "client_key": ckey, "failures": 0, "last_failure_at": now}
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(LoginThrottle).values(**values)
    session.execute(insert.on_conflict_do_nothing(index_elements=["account_key", "client_key"]))
    return session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.account_key == akey, LoginThrottle.client_key == ckey)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()

"""Browsers that stay signed in across a page reload: a random token in a cookie, and what it stands for here.

Streamlit keeps a sign-in in the browser tab's session, which a reload (F5) or a second tab starts afresh. So a
sign-in also hands the browser a token (a cookie, programme/web/browser_cookie.py). A new session that brings a
token this server issued, still fresh, for an account that is still active with the same password, is signed in
again without the form.

The tokens live in this server process's memory only, as SHA-256 digests: a restart, a sign-out, 30 minutes
without activity or 12 hours since the sign-in forget them, and nothing of them is in the database or its
backups. A password change or a disabled account ends them at the next use (the account's stamp differs; a disable
stays final when the account is enabled again, read from the audit trail's entries about the account since).

A token is tied to the browser it was handed to: a digest of the address it connected from and its User-Agent,
given at the sign-in. Brought by another (a token read by a script injected into the page and replayed from the
attacker's own computer), it is refused and ended. The cookie cannot be HttpOnly while a script sets it
(browser_cookie.py says why); this narrows what a stolen token is worth.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn, still_signed_in
from programme.models import AuditEntry, User

# As a session's own sign-in: 30 minutes without activity end it (programme/web/signin.py).
IDLE_SECONDS = 30 * 60
# However active, a sign-in is asked for again after a working day.
LIFETIME_SECONDS = 12 * 60 * 60


@dataclass
class _Entry:
    user: SignedIn
    stamp: str
    issued: float
    seen: float
    mark: int = 0  # the newest audited change of the account when the token was issued
    client: str = ""  # the digest of the browser it was handed to (client_digest)


def client_digest(address: str | None, user_agent: str | None) -> str:
    """Return what ties a token to one browser: a digest of the address it connects from and its User-Agent (the
    address, behind a reverse proxy, is the proxy's: then the User-Agent alone)."""
    return hashlib.sha256(f"{address or ''}\x00{user_agent or ''}".encode()).hexdigest()


def account_stamp(session: Session, user_id: int) -> str | None:
    """Return a digest of the account's password hash and activity (None: no such account): a token issued under
    one stamp ends when the password changes or the account is disabled."""
    account = session.get(User, user_id)
    if account is None:
        return None
    return hashlib.sha256(f"{account.password_hash}\x00{account.active}".encode()).hexdigest()


def _account_changes(user_id: int) -> sa.Select:
    return sa.select(AuditEntry.id, AuditEntry.after).where(
        AuditEntry.entity == "user", AuditEntry.entity_id == user_id, AuditEntry.action == "update"
    )


def account_mark(session: Session, user_id: int) -> int:
    """Return the id of the account's newest audited change (0: none): what a token's later checks start from."""
    newest = _account_changes(user_id).with_only_columns(sa.func.max(AuditEntry.id))
    return int(session.scalar(newest) or 0)


def disabled_since(session: Session, user_id: int, mark: int) -> bool:
    """Return whether the account was disabled at any moment after the change `mark` (account_mark), even if it was
    enabled again since: its stamp is then as it was, but the disable ended the browsers signed in before it (the
    Accounts page and `user disable` alike, from any process, through the audit trail they both write)."""
    for _, after in session.execute(_account_changes(user_id).where(AuditEntry.id > mark)):
        try:
            if json.loads(after or "{}").get("active") is False:
                return True
        except (ValueError, AttributeError):
            return True  # an entry this code cannot read: end the token rather than guess
    return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RememberedBrowsers:
    """The tokens this server handed to browsers, by digest; safe to use from every session's thread."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_seconds: float = IDLE_SECONDS,
        lifetime_seconds: float = LIFETIME_SECONDS,
    ) -> None:
        self._clock = clock
        self._idle = idle_seconds
        self._lifetime = lifetime_seconds
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def issue(self, session: Session, user: SignedIn, *, client: str = "") -> str:
        """Return a new token standing for this sign-in (the caller hands it to the browser); client: the browser's
        client_digest, which every recall must bring again."""
        stamp = account_stamp(session, user.user_id) or ""
        mark = account_mark(session, user.user_id)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._drop_stale(now)
            self._entries[_digest(token)] = _Entry(
                user=user, stamp=stamp, issued=now, seen=now, mark=mark, client=client
            )
        return token

    def recall(self, session: Session, token: str | None, *, client: str = "") -> SignedIn | None:
        """Return who the token signs in (as the account now stands), or None; an unusable token is forgotten, and
        so is one brought by another browser than the one it was handed to (client: client_digest)."""
        if not token:
            return None
        key = _digest(token)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._stale(entry, now) or not secrets.compare_digest(entry.client, client):
                del self._entries[key]
                return None
        user = still_signed_in(session, entry.user)
        if (
            user is None
            or account_stamp(session, entry.user.user_id) != entry.stamp
            or disabled_since(session, entry.user.user_id, entry.mark)
        ):
            self.forget(token)
            return None
        with self._lock:
            if key in self._entries:
                self._entries[key] = _Entry(
                    user=user, stamp=entry.stamp, issued=entry.issued, seen=now, mark=entry.mark, client=entry.client
                )
        return user

    def touch(self, token: str | None) -> bool:
        """Record activity under the token (a session in use keeps its browser's token fresh); return whether the
        token is still honoured (False once a log-out in any tab, 30 minutes without activity or 12 hours ended it)."""
        if not token:
            return False
        now = self._clock()
        with self._lock:
            entry = self._entries.get(_digest(token))
            if entry is None or self._stale(entry, now):
                return False
            entry.seen = now
            return True

    def forget(self, token: str | None) -> None:
        """End the token (a sign-out)."""
        if token:
            with self._lock:
                self._entries.pop(_digest(token), None)

    def forget_all(self) -> None:
        """End every token (a restore replaced the accounts)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _stale(self, entry: _Entry, now: float) -> bool:
        return now - entry.seen > self._idle or now - entry.issued > self._lifetime

    def _drop_stale(self, now: float) -> None:
        for key in [key for key, entry in self._entries.items() if self._stale(entry, now)]:
            del self._entries[key]


# The server's own: one per process, shared by every browser session it serves.
REMEMBERED = RememberedBrowsers()

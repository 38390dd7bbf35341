"""Local accounts: Argon2 password hashes, sign-in with growing waits after failures, roles."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from programme.access import audit, throttle
from programme.access.passwords import check_password
from programme.core import edits
from programme.core.errors import NotFound, ProgrammeError
from programme.models import User, UserRole
from programme.models.base import utcnow
from programme.people.names import clean_text

_hasher = PasswordHasher()
# Checked for unknown usernames so that a sign-in takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

USERNAME_MAX = 80
# What every refused sign-in shows, whatever the reason (unknown, disabled, wrong password, waiting):
# a different message would tell which usernames exist.
SIGN_IN_REFUSED = (
    "The username or password is not right, or there were too many failed attempts: wait a minute before trying again."
)


class UnknownAccount(NotFound):
    """The command line named an account that does not exist."""

    exit_code = 2


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in: what pages and services need to decide what to show."""

    user_id: int
    username: str
    role: UserRole

    @property
    def can_see_names(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.FACILITATOR)

    @property
    def can_edit(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.FACILITATOR)

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


def hash_password(password: str) -> str:
    """Return an Argon2id hash of password."""
    return _hasher.hash(password)


def check_new_password(password: str, username: str = "") -> None:
    """Raise WeakPassword (a ProgrammeError) with the reason when a new password is too weak to accept."""
    check_password(password, username)


def count_users(session: Session) -> int:
    """Return the number of accounts."""
    return session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def add_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: UserRole | str,
    by: str | None,
) -> User:
    """Create an account and return it; refuse a taken username or a weak password."""
    username = clean_text(username)
    if not username or len(username) > USERNAME_MAX:
        raise ProgrammeError(f"A username needs 1 to {USERNAME_MAX} characters.")
    try:
        role = UserRole(role)
    except ValueError:
        raise ProgrammeError("The role must be admin, facilitator or viewer.") from None
    check_new_password(password, username)
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise ProgrammeError(f"An account named '{username}' already exists.")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="user",
        entity_id=user.id,
        summary=f"account {username} ({role.value})",
    )
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> SignedIn | None:
    """Return who signed in, or None; every refusal looks the same (SIGN_IN_REFUSED) and takes as long.

    client is where the attempt comes from (an IP address; None: this machine). Failures are counted per
    (username, client) and per client (programme/access/throttle.py); an attempt while one of them must wait is
    refused without checking the password, and is not counted.
    """
    now = now or utcnow()
    typed = username.strip()
    user = session.scalar(sa.select(User).where(sa.func.lower(User.username) == typed.lower()))
    if throttle.waiting_until(session, typed, client, now) is not None:
        _verify(_DUMMY_HASH, password)
        _audit_failure(session, user, "attempt during a sign-in wait")
        return None
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        throttle.record_failure(session, typed, client, now)
        _audit_failure(session, None, "unknown or disabled account")
        return None
    if not _verify(user.password_hash, password):
        throttle.record_failure(session, typed, client, now)
        _audit_failure(session, user, "wrong password")
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.record_success(session, typed, client)
    user.last_login_at = now
    audit.record(
        session,
        action="login",
        username=user.username,
        entity="user",
        entity_id=user.id,
    )
    return SignedIn(user_id=user.id, username=user.username, role=user.role)


def _audit_failure(session: Session, user: User | None, summary: str) -> None:
    # Only an existing, active account is named: the trail keeps no username someone merely typed.
    named = user if user is not None and user.active else None
    audit.record(
        session,
        action="login_failed",
        username=named.username if named else None,
        entity="user",
        entity_id=named.id if named else None,
        summary=summary,
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def users_table(session: Session) -> list[dict]:
    """Return every account without password data: role, whether disabled or waiting, last sign-in."""
    rows = session.scalars(sa.select(User).order_by(User.username)).all()
    waits = throttle.account_waits(session, [u.username for u in rows])
    return [
        {
            "id": u.id,
            "username": u.username,
            "role": u.role.value,
            "active": u.active,
            "disabled": not u.active,
            "throttled": waits[u.username].wait_until is not None,
            "throttled_until": waits[u.username].wait_until,
            "failed_sign_ins": waits[u.username].failures,
            "last_login_at": u.last_login_at,
            "created_at": u.created_at,
        }
        for u in rows
    ]


def get_user(session: Session, username: str) -> User:
    """Return the account named username (case-insensitive), or raise UnknownAccount."""
    user = session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise UnknownAccount(f"There is no account named '{clean_text(username)}'.")
    return user


def unlock_user(session: Session, username: str, *, by: str) -> int:
    """Clear the sign-in waits of an account from every client; return how many counts were cleared."""
    user = get_user(session, username)
    cleared = throttle.clear_account(session, user.username)
    audit.record(
        session,
        action="unlock",
        username=by,
        entity="user",
        entity_id=user.id,
        summary=f"account {user.username}: sign-in waits cleared",
    )
    return cleared


def still_signed_in(session: Session, user: SignedIn) -> SignedIn | None:
    """Return the signed-in user as the account now stands (its role as an administrator last set it), or None when
    the account was disabled or removed since the sign-in: asked at every page a session opens, so that a change
    takes effect at the person's next click, not at their next sign-in."""
    account = session.get(User, user.user_id)
    if account is None:
        # The account is gone: a backup without it was restored under the open session, which must not keep its
        # role over the restored organisation's data. user_id 0 is a stand-in with no account (command line, tests).
        return None if user.user_id else user
    if account.username != user.username or not account.active:
        return None
    role = UserRole(account.role)
    return user if role == user.role else replace(user, role=role)


def update_user(
    session: Session,
    *,
    user_id: int,
    by: str,
    role: UserRole | str | None = None,
    active: bool | None = None,
    password: str | None = None,
    opened: dict | None = None,
) -> User:
    """Change an account's role, activity or password; the last active admin cannot be demoted or disabled.

    opened: the account's role and activity as the form showed them when it opened ({"role", "active"}): one the
    form left as it was stays as saved now (another admin's change meanwhile, a disabled account above all, is not
    put back by a password reset); both changed, to other values, saves nothing (EditConflict, core/edits.py).
    """
    user = session.get(User, user_id)
    if user is None:
        raise ProgrammeError("That account no longer exists.")
    before = {"role": user.role.value, "active": user.active}
    if opened is not None:
        typed = {name: value for name, value in (("role", role), ("active", active)) if value is not None}
        mine = edits.own_changes(
            session, opened=opened, values=typed, now=before, what=f"account {user.username}", entity="user",
            entity_id=user.id, labels={"role": "Role", "active": "Active"},
        )  # fmt: skip
        role = role if "role" in mine else None
        active = active if "active" in mine else None
    new_role = UserRole(role) if role is not None else user.role
    new_active = user.active if active is None else active
    if user.role == UserRole.ADMIN and (new_role != UserRole.ADMIN or not new_active):
        # The active admins' rows are locked until the commit: two admins demoting each other at once (on
        # PostgreSQL, where both would count two admins) are taken one after the other, and the second is refused.
        admins = session.scalars(
            sa.select(User.id).where(User.role == UserRole.ADMIN, User.active.is_(True)).with_for_update()
        ).all()
        if len(admins) <= 1:
            raise ProgrammeError("This is the last active administrator; make another admin first.")
    user.role, user.active = new_role, new_active
    if password is not None:
        check_new_password(password, user.username)
        user.password_hash = hash_password(password)
        throttle.clear_account(session, user.username)
    after = {"role": user.role.value, "active": user.active}
    audit.record(
        session,
        action="update",
        username=by,
        entity="user",
        entity_id=user.id,
        summary=f"account {user.username}" + (" (password reset)" if password else ""),
        before=before,
        after=after,
    )
    return user


def authenticate_external(session: Session, email: str | None) -> SignedIn | None:
    """Return the local account whose username is the identity provider's e-mail, or None.

    Single sign-on proves who someone is; the role still comes from an account an admin created.
    """
    if not email:
        return None
    user = session.scalar(sa.select(User).where(sa.func.lower(User.username) == email.strip().lower()))
    if user is None or not user.active:
        audit.record(
            session,
            action="login_failed",
            username=None,
            entity="user",
            summary="single sign-on identity without an active account",
        )
        return None
    user.last_login_at = utcnow()
    audit.record(
        session, action="login", username=user.username, entity="user", entity_id=user.id, summary="single sign-on"
    )
    return SignedIn(user_id=user.id, username=user.username, role=user.role)

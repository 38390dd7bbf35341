"""Local accounts: Argon2 password hashes, sign-in with lockout, roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.models import User, UserRole
from programme.models.base import utcnow

_hasher = PasswordHasher()
# Checked for unknown usernames so that a sign-in takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

# After this many failed sign-ins in a row the account is locked for LOCKOUT_PERIOD.
MAX_FAILED_LOGINS = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
# A password shorter than this is refused: these accounts guard sensitive personal data.
MIN_PASSWORD_LENGTH = 10
USERNAME_MAX = 80


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


def check_new_password(password: str) -> None:
    """Raise ProgrammeError when a new password is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ProgrammeError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


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
    username = username.strip()
    if not username or len(username) > USERNAME_MAX:
        raise ProgrammeError(f"A username needs 1 to {USERNAME_MAX} characters.")
    try:
        role = UserRole(role)
    except ValueError:
        raise ProgrammeError("The role must be admin, facilitator or viewer.") from None
    check_new_password(password)
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


def authenticate(session: Session, username: str, password: str) -> SignedIn | None:
    """Return who signed in, or None; counts failures, locks after MAX_FAILED_LOGINS."""
    user = session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    now = utcnow()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        audit.record(
            session,
            action="login_failed",
            username=None,
            entity="user",
            summary="unknown or inactive account",
        )
        return None
    if user.locked_until and user.locked_until > now:
        _verify(_DUMMY_HASH, password)
        audit.record(
            session,
            action="login_failed",
            username=user.username,
            entity="user",
            entity_id=user.id,
            summary="account locked",
        )
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT_PERIOD
            user.failed_logins = 0
        audit.record(
            session,
            action="login_failed",
            username=user.username,
            entity="user",
            entity_id=user.id,
            summary="wrong password",
        )
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(
        session,
        action="login",
        username=user.username,
        entity="user",
        entity_id=user.id,
    )
    return SignedIn(user_id=user.id, username=user.username, role=user.role)


def is_locked(session: Session, username: str) -> bool:
    """Return whether the account is locked out now."""
    user = session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    return bool(user and user.locked_until and user.locked_until > utcnow())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def users_table(session: Session) -> list[dict]:
    """Return every account without its hash, for the admin page."""
    rows = session.scalars(sa.select(User).order_by(User.username)).all()
    return [
        {
            "id": u.id,
            "username": u.username,
            "role": u.role.value,
            "active": u.active,
            "locked": bool(u.locked_until and u.locked_until > utcnow()),
            "last_login_at": u.last_login_at,
        }
        for u in rows
    ]


def update_user(
    session: Session,
    *,
    user_id: int,
    by: str,
    role: UserRole | str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change an account's role, activity or password; the last active admin cannot be demoted or disabled."""
    user = session.get(User, user_id)
    if user is None:
        raise ProgrammeError("That account no longer exists.")
    before = {"role": user.role.value, "active": user.active}
    new_role = UserRole(role) if role is not None else user.role
    new_active = user.active if active is None else active
    if user.role == UserRole.ADMIN and (new_role != UserRole.ADMIN or not new_active):
        admins = session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.role == UserRole.ADMIN, User.active.is_(True))
        )
        if (admins or 0) <= 1:
            raise ProgrammeError("This is the last active administrator; make another admin first.")
    user.role, user.active = new_role, new_active
    if password is not None:
        check_new_password(password)
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
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

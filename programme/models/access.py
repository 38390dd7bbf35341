"""Accounts, the audit trail, import batches and application settings."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import enum_field, utcnow
from .enums import ImportKind, UserRole


class User(SQLModel, table=True):
    """A local account; passwords are Argon2 hashes, never stored in clear."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    password_hash: str = Field(max_length=300)
    role: UserRole = enum_field(UserRole, default=UserRole.VIEWER)
    active: bool = True
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins of one username from one client (or of any username, account_key ""), and the wait.

    Usernames and client addresses are kept as SHA-256 digests: a password typed into the username box, or
    a visitor's address, is never stored as typed.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (sa.UniqueConstraint("account_key", "client_key", name="uq_login_throttle_account_client"),)

    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=64, index=True)
    client_key: str = Field(max_length=64)
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow)
    wait_until: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what, when: before/after for changes. Never holds passwords."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str | None = Field(default=None, max_length=80, index=True)
    action: str = Field(max_length=40, index=True)
    entity: str | None = Field(default=None, max_length=60, index=True)
    entity_id: int | None = None
    summary: str | None = Field(default=None, max_length=500)
    before: str | None = None
    after: str | None = None


class ImportBatch(SQLModel, table=True):
    """One import of a spreadsheet: what it added, so that it can be undone."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: ImportKind = enum_field(ImportKind, default=ImportKind.PARTICIPANTS)
    file_name: str = Field(max_length=300)
    file_hash: str = Field(max_length=64, index=True)
    module_id: int | None = Field(default=None, foreign_key="module.id", index=True, ondelete="SET NULL")
    username: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    counts: str | None = None
    undone_at: datetime | None = None


class ImportUpdate(SQLModel, table=True):
    """A blank field of an existing person that an import filled, kept to revert it on undo."""

    __tablename__ = "import_update"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=60)
    old_value: str | None = None


class Setting(SQLModel, table=True):
    """A key/value setting: the demo marker, the completion rule, and the like."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str

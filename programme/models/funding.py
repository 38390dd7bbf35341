"""Funders, their grants, and the courses and modules each grant funds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import country_field


class Funder(SQLModel, table=True):
    """A donor: a foundation, a trust, a government agency or a fund."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    country: str | None = country_field()
    notes: str | None = None


class Grant(SQLModel, table=True):
    """One grant of a funder, known by its reference; period, amount and currency as far as known."""

    __tablename__ = "funding_grant"
    __table_args__ = (
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="ck_grant_amount"),
        sa.CheckConstraint("amount IS NULL OR currency IS NOT NULL", name="ck_grant_currency"),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="ck_grant_dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    funder_id: int = Field(foreign_key="funder.id", index=True, ondelete="CASCADE")
    reference: str = Field(max_length=80, unique=True)
    title: str | None = Field(default=None, max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    amount: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2), nullable=True))
    # ISO 4217 code ("EUR", "USD"): amounts in different currencies are never added up.
    currency: str | None = Field(default=None, max_length=3)


class GrantCourse(SQLModel, table=True):
    """A course a grant funds (all its modules)."""

    __tablename__ = "grant_course"

    grant_id: int = Field(foreign_key="funding_grant.id", primary_key=True, ondelete="CASCADE")
    course_id: int = Field(foreign_key="course.id", primary_key=True, index=True, ondelete="CASCADE")


class GrantModule(SQLModel, table=True):
    """A single module a grant funds (when a grant covers part of a course)."""

    __tablename__ = "grant_module"

    grant_id: int = Field(foreign_key="funding_grant.id", primary_key=True, ondelete="CASCADE")
    module_id: int = Field(foreign_key="module.id", primary_key=True, index=True, ondelete="CASCADE")

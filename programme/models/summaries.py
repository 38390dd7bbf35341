"""Bookkeeping for the figures kept as the data changes (programme/summaries/)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """How often one part of the data changed: cached figures about that part are recomputed when it moves.

    scope: "module:<id>" for one module's figures, "people" for figures over individuals, "catalogue" for courses
    and modules themselves. Bumped in the same transaction as the change (programme/summaries/upkeep.py).
    """

    __tablename__ = "data_version"

    scope: str = Field(primary_key=True, max_length=40)
    version: int = 0

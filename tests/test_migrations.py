"""Migrations: an empty database and a populated one both reach head, keeping every row."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.demo import load_demo
from programme.reach import reach_stats as stats  # the figures a database at 0001 can give


def test_empty_database_upgrades_to_head_and_again_is_a_no_op(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert schema.current_revision(engine) is None
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    schema.upgrade(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_populated_database_from_first_migration_to_head_keeps_data(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    schema.upgrade(engine, "0001_initial")
    with session_scope(engine) as session:
        load_demo(session)
        before = stats(session)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        assert stats(session) == before
    assert schema.is_up_to_date(engine)


def test_models_and_migrations_agree(engine) -> None:
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        # The same filter as migrations/env.py: the raw-SQL full-text index is not a model.
        context = MigrationContext.configure(connection, opts={"include_object": schema.include_object})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def _quoted(sql: str) -> set[str]:
    return {value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", sql)}


def test_every_enum_matches_its_check_constraint_in_the_database(engine) -> None:
    """A new enum value without its migration fails here, not at the first insert (autogenerate ignores CHECKs)."""
    inspector = sa.inspect(engine)
    checked = 0
    for table in SQLModel.metadata.sorted_tables:
        constraints = inspector.get_check_constraints(table.name)
        for column in table.columns:
            if not isinstance(column.type, sa.Enum):
                continue
            mentions = [c["sqltext"] for c in constraints if re.search(rf"\b{column.name}\b", c["sqltext"])]
            in_lists = [sql for sql in mentions if re.search(r"\bIN\b|= ANY", sql, re.IGNORECASE)]
            assert in_lists, f"{table.name}.{column.name} has no CHECK constraint listing its values"
            allowed = set().union(*(_quoted(sql) for sql in in_lists))
            assert allowed == set(column.type.enums), (table.name, column.name, allowed ^ set(column.type.enums))
            checked += 1
    assert checked >= 10  # the test saw the enum columns (gender, role, method, organisation type, ...)


def test_a_downgrade_and_upgrade_again_fills_the_reach_per_person_and_year(demo_engine) -> None:
    """The table 0019 makes is filled after the upgrade, also when a downgrade dropped it from a database whose
    summaries were current (the format kept for reach is forgotten both ways)."""
    from alembic import command

    from programme import summaries
    from programme.summaries import upkeep

    config = schema.alembic_config()
    with demo_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016_reach_summaries")
    assert "reach_person_year" not in sa.inspect(demo_engine).get_table_names()
    schema.upgrade(demo_engine)
    with session_scope(demo_engine) as session:
        assert upkeep.stale(session) == []
        assert summaries.check(session)["reach"] == []
        assert session.scalar(sa.text("SELECT count(*) FROM reach_person_year")) > 0

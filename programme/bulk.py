"""Bulk writes of many rows through the DB-API: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

# Rows handed to one executemany call on SQLite: large enough to amortise the call, small enough that
# the converted tuples of one batch stay a few megabytes.
SQLITE_BATCH_ROWS = 50_000
# Page cache while SQLite builds indexes after a bulk load (KiB): bounded, and returned afterwards.
SQLITE_INDEX_CACHE_KIB = 256 * 1024


class Constant:
    """A value repeated on every row of a column (converted once, not per row)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def write_columns(session: Session, table_name: str, columns: Mapping[str, Sequence[Any] | Constant]) -> int:
    """Write one row per position of the column sequences into table_name; return the number of rows.

    Values are plain Python objects (lists, numpy arrays are converted with tolist()); each column's
    SQLAlchemy type prepares them exactly as an ORM insert would (enums to their value, booleans and
    dates to SQLite's storage form, aware datetimes to UTC), so rows written here read back the same.
    """
    table = SQLModel.metadata.tables[table_name]
    connection = session.connection()
    dialect = connection.dialect
    lengths = {len(values) for values in columns.values() if not isinstance(values, Constant)}
    if len(lengths) > 1:
        raise ValueError(f"columns of {table_name} have different lengths: {sorted(lengths)}")
    count = lengths.pop() if lengths else 0
    if count == 0:
        return 0
    prepared = [_prepare(table.c[name], values, dialect, count) for name, values in columns.items()]
    rows = zip(*prepared, strict=True)
    raw = connection.connection.driver_connection
    if dialect.name == "sqlite":
        _executemany(raw, table_name, list(columns), rows)
    else:
        _copy(raw, table_name, list(columns), rows)
    return count


def _prepare(column: sa.Column, values: Sequence[Any] | Constant, dialect: sa.Dialect, count: int) -> Iterable[Any]:
    # The dialect's own form of the type (sqlite's TIME, DATE...) holds the conversion an insert would apply.
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(values, Constant):
        value = values.value
        return itertools.repeat(process(value) if process and value is not None else value, count)
    plain = values.tolist() if hasattr(values, "tolist") else values
    if process is None:
        return plain
    return [None if value is None else process(value) for value in plain]


def _executemany(raw: Any, table_name: str, names: list[str], rows: Iterable[tuple]) -> None:
    # Table and column names come from our own metadata, never from input.
    statement = f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"  # noqa: S608
    cursor = raw.cursor()
    try:
        while batch := list(itertools.islice(rows, SQLITE_BATCH_ROWS)):
            cursor.executemany(statement, batch)
    finally:
        cursor.close()


def _copy(raw: Any, table_name: str, names: list[str], rows: Iterable[tuple]) -> None:
    quoted = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def deferred_indexes(session: Session, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of tables for a bulk load and build them again after it.

    Building an index once over the loaded rows is faster than updating it row by row. The indexes are
    read from the database itself, so that any index a migration added comes back as it was; indexes
    behind primary keys and unique constraints stay, as they check the rows. On both backends the drop
    and the rebuild are part of the load's transaction: a failed load leaves the indexes as they were.
    """
    connection = session.connection()
    definitions = [_index_definitions(connection, table) for table in tables]
    for name, _ in itertools.chain.from_iterable(definitions):
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # sorting millions of keys in memory, not through temporary files
        previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_INDEX_CACHE_KIB}")
    for _, sql in itertools.chain.from_iterable(definitions):
        connection.exec_driver_sql(sql)
    if sqlite:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def _index_definitions(connection: sa.Connection, table: str) -> list[tuple[str, str]]:
    if connection.dialect.name == "sqlite":
        # Automatic indexes (primary keys, unique constraints) have no SQL and cannot be dropped.
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
    else:
        query = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = :table AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.conrelid = (quote_ident(i.tablename))::regclass)"
        )
    return [(name, sql) for name, sql in connection.execute(sa.text(query), {"table": table})]

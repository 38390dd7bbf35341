"""Bulk writes of many rows through the DB-API: multi-row INSERTs on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import enum
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

# Rows in one multi-row INSERT on SQLite (fewer when the bind-parameter limit requires): each statement
# costs one savepoint, which makes FTS5 write out its pending index data, so a statement per row (as
# executemany does) makes a table with a full-text trigger (person) several times slower to fill.
SQLITE_STATEMENT_ROWS = 2_000
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
    raw = connection.connection.driver_connection
    if dialect.name == "sqlite":
        constants = {name: _constant(table.c[name], values, dialect) for name, values in columns.items()}
        constants = {name: value for name, value in constants.items() if value is not _VARYING}
        varying = {
            name: _prepare(table.c[name], values, dialect) for name, values in columns.items() if name not in constants
        }
        _insert_values(raw, table_name, list(columns), constants, varying, count)
    else:
        prepared = [_prepare(table.c[name], values, dialect, count) for name, values in columns.items()]
        _copy(raw, table_name, list(columns), zip(*prepared, strict=True))
    return count


_VARYING = object()


def _constant(column: sa.Column, values: Sequence[Any] | Constant, dialect: sa.Dialect) -> Any:
    if not isinstance(values, Constant):
        return _VARYING
    return next(iter(_prepare(column, values, dialect, 1)))


def _prepare(
    column: sa.Column, values: Sequence[Any] | Constant, dialect: sa.Dialect, count: int = 0
) -> Sequence[Any] | Iterable[Any]:
    # The dialect's own form of the type (sqlite's TIME, DATE...) holds the conversion an insert would apply.
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(values, Constant):
        value = values.value
        return itertools.repeat(process(value) if process and value is not None else value, count)
    plain = values.tolist() if hasattr(values, "tolist") else values
    if process is None:
        return plain
    return _converted(plain, process)


def _converted(values: Sequence[Any], process: Any) -> list[Any]:
    """Return process(value) for each value (None stays None), each distinct value converted once."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # unhashable values: each converted
        return [None if value is None else process(value) for value in values]
    kinds = {value.__class__ for value in distinct if value is not None}
    # Within one of these types equal values are the same value (1 == True == 1.0 mixes types).
    if len(kinds) <= 1 and all(kind in (str, bool, int) or issubclass(kind, enum.Enum) for kind in kinds):
        table = {value: None if value is None else process(value) for value in distinct}
        return list(map(table.__getitem__, values))
    seen: dict[tuple[type, Any], Any] = {}
    result = []
    for value in values:
        if value is None:
            result.append(None)
            continue
        key = (value.__class__, value)
        if key not in seen:
            seen[key] = process(value)
        result.append(seen[key])
    return result


def _insert_values(
    raw: sqlite3.Connection,
    table_name: str,
    names: list[str],
    constants: dict[str, Any],
    varying: dict[str, Sequence[Any]],
    count: int,
) -> None:
    """INSERT ... SELECT from multi-row VALUES: constants bound once a statement, the rest once a cell."""
    positions = iter(range(1, len(varying) + 1))
    selected = ", ".join("?" if name in constants else f"column{next(positions)}" for name in names)
    columns = list(varying.values())
    width = len(columns)
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - len(constants)
    per_statement = max(1, min(SQLITE_STATEMENT_ROWS, limit // width))
    prefix = list(constants.values())
    row = f"({', '.join('?' * width)})"
    # Table and column names come from our own metadata, never from input.
    quoted = ", ".join(f'"{name}"' for name in names)
    head = f'INSERT INTO "{table_name}" ({quoted}) SELECT {selected} FROM (VALUES '  # noqa: S608
    full = head + ", ".join([row] * per_statement) + ")"
    cursor = raw.cursor()
    try:
        for start in range(0, count, per_statement):
            stop = min(count, start + per_statement)
            statement = full if stop - start == per_statement else head + ", ".join([row] * (stop - start)) + ")"
            cells = itertools.chain.from_iterable(zip(*(column[start:stop] for column in columns), strict=True))
            cursor.execute(statement, [*prefix, *cells])
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

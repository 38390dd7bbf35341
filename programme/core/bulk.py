"""Bulk writes of many rows through the DB-API: multi-row INSERTs on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import enum
import itertools
import operator
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
        # A column of one value throughout (the same object: None, a flag, the module's year) is bound once a
        # statement, not once a row: the writing thread, which sets an import's pace, binds and copies fewer cells.
        columns = _same_throughout(columns)
        constants = {name: _constant(table.c[name], values, dialect) for name, values in columns.items()}
        constants = {name: value for name, value in constants.items() if value is not _VARYING}
        varying = {
            name: _prepare(table.c[name], values, dialect) for name, values in columns.items() if name not in constants
        }
        _run(session, lambda: _insert_values(raw, table_name, list(columns), constants, varying, count))
    else:
        prepared = [_prepare(table.c[name], values, dialect, count) for name, values in columns.items()]
        _run(session, lambda: _copy(raw, table_name, list(columns), zip(*prepared, strict=True)))
    return count


def execute_in_order(session: Session, sql: str, parameters: Mapping[str, Any] | None = None) -> None:
    """Execute a statement of our own (no input in its text) after the bulk writes sent before it.

    Within background_writes it joins the queue of writes (the caller does not wait for it); otherwise it runs now.
    """
    connection = session.connection()
    if _WRITER not in session.info:
        connection.execute(sa.text(sql), dict(parameters or {}))
        return
    raw = connection.connection.driver_connection

    def run() -> None:
        cursor = raw.cursor()
        try:
            if connection.dialect.name == "sqlite":
                cursor.execute(sql, dict(parameters or {}))
            else:  # psycopg's named parameters
                cursor.execute(sa.text(sql).compile(dialect=connection.dialect).string, dict(parameters or {}))
        finally:
            cursor.close()

    _run(session, run)


_WRITER = "programme.bulk.writer"
# Writes queued at most before the caller waits for the thread.
WRITES_AHEAD = 8
# Python's switch interval (seconds) while a writing thread runs. The thread takes Python's lock back after each
# statement the database ran without it; the caller, busy with Python, hands it over only once the interval has
# passed (5 ms by default). An import of 50,000 rows runs a few hundred statements, and the thread, which sets the
# pace, waited about a third of a second in all for the lock (its wall time 1.6 s for 1.25 s of its own work).
WRITING_SWITCH_SECONDS = 0.0005


class _SwitchInterval:
    """The switch interval shortened while any writing thread runs, restored when the last one ends (imports may
    run at once on a server's threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.previous = 0.0

    def enter(self) -> None:
        with self.lock:
            if self.running == 0:
                self.previous = sys.getswitchinterval()
                sys.setswitchinterval(min(self.previous, WRITING_SWITCH_SECONDS))
            self.running += 1

    def leave(self) -> None:
        with self.lock:
            self.running -= 1
            if self.running == 0:
                sys.setswitchinterval(self.previous)


_SWITCH = _SwitchInterval()


class _Writer:
    """A second thread running a transaction's bulk writes in order, while the caller prepares the next rows.

    The database does its work (SQLite's inserts and index updates, PostgreSQL's COPY and its triggers) without
    holding Python's lock, so on two cores it overlaps the caller's Python. The connection is used by one thread at
    a time: every other statement of the session waits until the queued writes are done (see background_writes).
    """

    def __init__(self) -> None:
        # Bounded: a caller preparing rows faster than the database writes them waits, rather than holding them all.
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=WRITES_AHEAD)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="bulk-writes", daemon=True)
        self.thread.start()
        _SWITCH.enter()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:  # after a failure the rest is skipped; the caller rolls back
                    job()
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread by wait()
                self.error = error
            finally:
                self.jobs.task_done()

    def wait(self) -> None:
        """Return when every queued write is done; raise the first write's error in the caller's thread."""
        self.jobs.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        try:
            self.jobs.put(None)
            self.thread.join()
        finally:
            _SWITCH.leave()


def _run(session: Session, job: Callable[[], None]) -> None:
    writer = session.info.get(_WRITER)
    if writer is None:
        job()
    else:
        writer.jobs.put(job)


@contextmanager
def background_writes(session: Session) -> Iterator[None]:
    """Run write_columns (and execute_in_order) on a second thread inside the block; wait for them at its end.

    Any other statement the session sends in the block first waits for the writes queued before it, so reads see
    them and the connection is never used by two threads at once. A failed write raises its error at that wait (or
    at the block's end), and the writes queued after it are not run: the caller's transaction is to be rolled back.
    Values handed to write_columns must not change afterwards (they are read by the other thread).
    """
    connection = session.connection()
    if _WRITER in session.info:  # already inside one
        yield
        return
    writer = _Writer()

    def wait_first(*_args: Any) -> None:
        writer.wait()

    session.info[_WRITER] = writer
    sa.event.listen(connection, "before_cursor_execute", wait_first)
    try:
        yield
        writer.wait()
    finally:
        sa.event.remove(connection, "before_cursor_execute", wait_first)
        session.info.pop(_WRITER, None)
        try:
            writer.wait()  # after a failure in the block: let the thread finish before the rollback
        except BaseException:  # noqa: BLE001 - the block's own error is the one raised
            pass
        writer.stop()


_VARYING = object()


def _same_throughout(columns: Mapping[str, Sequence[Any] | Constant]) -> dict[str, Sequence[Any] | Constant]:
    """Return the columns, each whose values are all the first one (identical, not merely equal: 1 and True, or a
    text and an enum member equal to it, are stored differently) as a Constant of it; one column stays a list of
    values (the rows' VALUES need one)."""
    result: dict[str, Sequence[Any] | Constant] = {}
    varying = None
    for name, values in columns.items():
        if isinstance(values, Constant):
            result[name] = values
            continue
        plain = values.tolist() if hasattr(values, "tolist") else values
        first = plain[0]
        if all(map(operator.is_, plain, itertools.repeat(first))):
            result[name] = Constant(first)
            varying = varying or (name, plain)
        else:
            result[name] = plain
            varying = (name, plain)
    if varying is not None and isinstance(result[varying[0]], Constant):  # every column one value: keep one varying
        result[varying[0]] = varying[1]
    return result


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
            cursor.execute(statement, _parameters(prefix, columns, start, stop))
    finally:
        cursor.close()


def _parameters(prefix: list[Any], columns: list[Sequence[Any]], start: int, stop: int) -> list[Any]:
    """Return the prefix, then the cells of the rows from start to stop row by row: each column's slice put in
    place at once (no tuple a row)."""
    width, first = len(columns), len(prefix)
    parameters: list[Any] = [None] * (first + (stop - start) * width)
    parameters[:first] = prefix
    for position, column in enumerate(columns):
        parameters[first + position :: width] = column[start:stop]
    return parameters


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

"""Carry a laptop's records to the team's server (a SQLite backup restored into an empty PostgreSQL database), and
the team's records onto a laptop for a trip (a PostgreSQL backup restored into an empty SQLite database, below).

The SQLite file is checked and upgraded apart, exactly as a SQLite restore does it (a copy in a temporary file:
integrity, Programme Manager's tables, a schema revision this version knows, no trigger or view the app does not
make, then upgraded to the newest schema). Nothing of the file is run on PostgreSQL: only the rows of the app's own
tables are read, column by column as this version's models name them, and every value is checked against what
PostgreSQL stores (SQLite keeps a text longer than its column, a word in a number's column, a 7 for a yes/no): a
value that does not fit refuses the backup with a sentence naming the table, the record and the field.

The rows are written in one transaction that also replaces the database's schema by this version's own (made by
the migrations), tables parents first, each by one COPY fed in batches; the id sequences are set past the rows and
the dashboards' summary tables rebuilt from the copied rows before it commits. On any failure it rolls back: the
database is exactly as it was.
"""

from __future__ import annotations

import contextlib
import decimal
import math
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from programme import summaries
from programme.access import backup as _backup  # noqa: F401 - before restore, which backup imports at its end
from programme.access import restore as restoring
from programme.core import schema
from programme.core.db import make_engine
from programme.core.errors import ProgrammeError
from programme.summaries import upkeep

UNCHANGED = restoring.UNCHANGED
# Rows read from the SQLite file at a time (each table is one COPY on PostgreSQL, fed batch by batch).
BATCH_ROWS = 5_000

_INTEGER_BITS = {"BigInteger": 64, "SmallInteger": 16}


class _Refused(Exception):
    """A value PostgreSQL would not store, said in words (what is wrong with it, never the value itself)."""


def carry_sqlite_into_postgres(engine: Engine, source: Path) -> None:
    """Check and upgrade the SQLite backup apart, then replace the (empty) PostgreSQL database's schema and rows by
    this version's schema and the backup's rows in one transaction; on any failure change nothing."""
    handle, name = tempfile.mkstemp(prefix=restoring.TEMP_PREFIX, suffix=".db")
    os.close(handle)
    copy = Path(name)
    try:
        # Rows breaking a CHECK rule of their table pass SQLite's integrity check here: each row is checked below,
        # and refused with its table, record and field named (or by the same rule on PostgreSQL, named).
        restoring._sqlite_copy(source, copy, rules=False)
        with restoring._disposing(_sqlite_engine(copy)) as checked:
            restoring.check_backup(checked)
            restoring._sqlite_check_objects(copy, restoring.sqlite_revision(copy))  # before the upgrade runs any
            restoring._upgrade(checked)
        restoring._sqlite_check_objects(copy)
        restoring._sqlite_check_integrity(copy, rules=False)
        with contextlib.closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as rows:
            _check_references(rows)
            engine.dispose()
            _write(engine, rows)
    finally:
        restoring._remove(copy)
    engine.dispose()


def _sqlite_engine(path: Path) -> Engine:
    return make_engine(f"sqlite:///{path}")


def copied_tables() -> list[sa.Table]:
    """The app's tables whose rows are carried, parents before children: every model's table but the summaries
    (rebuilt from the copied rows). The search index and the directory are no models' tables: PostgreSQL's own
    triggers fill them as the people and participations are written."""
    kept = {table for tables in upkeep.summary_tables().values() for table in tables}
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in kept]


def _check_references(rows: sqlite3.Connection) -> None:
    """Refuse a file whose rows refer to records it does not hold (SQLite checks references only when asked to)."""
    broken = rows.execute("PRAGMA foreign_key_check").fetchone()
    if broken:
        table, rowid, parent, _ = broken
        raise ProgrammeError(
            f"The backup's table {table}, record {rowid}, refers to a record of table {parent} that the backup does "
            f"not hold; PostgreSQL refuses it. The file is damaged or was changed; {UNCHANGED}."
        )


def _write(engine: Engine, rows: sqlite3.Connection) -> None:
    try:
        with engine.connect() as connection, connection.begin():
            _replace(connection, rows)
            # Leaving the block commits; any exception above rolls the whole transaction back.
    except (psycopg.Error, sa.exc.DBAPIError):
        raise ProgrammeError(
            f"The backup could not be written into the database (it stopped before the end); {UNCHANGED}."
        ) from None


def _replace(connection: sa.Connection, rows: sqlite3.Connection) -> None:
    """In the connection's transaction: this version's schema in place of the database's, the backup's rows in it."""
    try:
        connection.exec_driver_sql(restoring._STILL_EMPTY)
    except sa.exc.DBAPIError:
        raise ProgrammeError(restoring.WRITTEN_MEANWHILE) from None
    connection.exec_driver_sql("DROP SCHEMA public CASCADE")
    connection.exec_driver_sql("CREATE SCHEMA public")
    schema.upgrade_connection(connection)
    for table in reversed(SQLModel.metadata.sorted_tables):  # rows a migration wrote (settings, versions)
        connection.execute(table.delete())
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    with driver.cursor() as cursor:
        for table in copied_tables():
            _copy_table(cursor, rows, table)
            _set_sequence(cursor, table)
    with Session(bind=connection) as session:
        summaries.rebuild(session)
        upkeep.mark_formats(session)
        session.flush()


def _copy_table(cursor: psycopg.Cursor, rows: sqlite3.Connection, table: sa.Table) -> None:
    columns = [column for column in table.columns if column.computed is None]
    checks = [_checker(column) for column in columns]
    keys = [columns.index(column) for column in table.primary_key.columns if column in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    try:
        read = rows.execute(f'SELECT {names} FROM "{table.name}"')  # noqa: S608 - this version's own names
    except sqlite3.Error:
        raise ProgrammeError(
            f"The backup's table {table.name} does not have this version's columns; the file was changed; {UNCHANGED}."
        ) from None
    try:
        with cursor.copy(f'COPY public."{table.name}" ({names}) FROM STDIN') as copy:
            for batch in iter(lambda: read.fetchmany(BATCH_ROWS), []):
                for row in batch:
                    copy.write_row(_checked_row(table, columns, checks, keys, row))
    except ProgrammeError:
        raise
    except psycopg.Error as error:  # a rule of the schema the file's rows break (a unique key...)
        rule = getattr(error.diag, "constraint_name", None)
        raise ProgrammeError(
            f"The backup's rows of table {table.name} break a rule of this version's schema"
            f"{f' ({rule})' if rule else ''}; the file is damaged or was changed; {UNCHANGED}."
        ) from None


def _checked_row(
    table: sa.Table,
    columns: list[sa.Column],
    checks: list[Callable[[object], object]],
    keys: list[int],
    row: tuple,
) -> list[object]:
    try:
        return [check(value) for check, value in zip(checks, row, strict=True)]
    except _Refused:
        pass
    for column, check, value in zip(columns, checks, row, strict=True):  # which field: said in the sentence
        try:
            check(value)
        except _Refused as refused:
            record = ", ".join(str(row[index])[:40] for index in keys) or "?"
            raise ProgrammeError(
                f"The backup cannot be carried into PostgreSQL: table {table.name}, record {record}, field "
                f"{column.name}: {refused}. SQLite kept it, PostgreSQL does not store it: correct it in the app on "
                f"the laptop and make a new backup; {UNCHANGED}."
            ) from None
    raise AssertionError("a refused row whose fields all pass")  # pragma: no cover


def _set_sequence(cursor: psycopg.Cursor, table: sa.Table) -> None:
    if "id" not in table.columns:
        return
    named = f'public."{table.name}"'  # this version's own table names
    sequence = f"pg_get_serial_sequence('{named}', 'id')"
    cursor.execute(
        f"SELECT setval({sequence}, coalesce(max(id), 1), max(id) IS NOT NULL) "  # noqa: S608
        f"FROM {named} WHERE {sequence} IS NOT NULL"
    )


def _checker(column: sa.Column) -> Callable[[object], object]:
    """Return the function that turns a SQLite cell of this column into the value PostgreSQL stores, or refuses it
    (_Refused, saying why). The usual case is tested first: a few million cells pass through these."""
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    convert = _converter(kind)
    nullable = column.nullable
    plain = convert is None  # the value is stored as SQLite holds it, once its kind is checked
    low, high = _range(kind)

    def checked(value: object) -> object:
        if plain and type(value) is int and low <= value < high:  # type: ignore[operator]
            return value
        if value is None:
            if nullable:
                return None
            raise _Refused("it is empty, and this field must be filled")
        if convert is None:
            raise _Refused(_problem(kind, value))
        return convert(value)

    return checked


def _range(kind: sa.types.TypeEngine) -> tuple[int | None, int | None]:
    if isinstance(kind, sa.Integer) and not isinstance(kind, sa.Boolean):
        bits = _INTEGER_BITS.get(type(kind).__name__, 32)
        return -(2 ** (bits - 1)), 2 ** (bits - 1)
    return None, None


def _converter(kind: sa.types.TypeEngine) -> Callable[[object], object] | None:
    """Return the conversion of a cell of this type (None: an integer, kept as it is once its type and range are
    checked)."""
    if isinstance(kind, sa.Boolean):
        return _boolean
    if isinstance(kind, sa.Integer):
        return None
    if isinstance(kind, sa.Float):
        return _float
    if isinstance(kind, sa.Numeric):
        return lambda value: _numeric(value, kind.precision, kind.scale)
    if isinstance(kind, sa.Enum):
        allowed = frozenset(kind.enums)
        return lambda value: _choice(value, allowed)
    if isinstance(kind, sa.String):
        limit = kind.length
        return lambda value: _text(value, limit)
    if isinstance(kind, sa.DateTime):
        aware = bool(kind.timezone)
        return lambda value: _datetime(value, aware)
    if isinstance(kind, sa.Date):
        return _date
    if isinstance(kind, sa.Time):
        return _time
    raise TypeError(f"no check for a column of type {kind!r}: add one to programme/access/carry.py")


def _problem(kind: sa.types.TypeEngine, value: object) -> str:
    if type(value) is int:
        bits = _INTEGER_BITS.get(type(kind).__name__, 32)
        return f"the number is too large for PostgreSQL's column ({bits}-bit)"
    return f"it holds {_what(value)} where a whole number belongs"


def _boolean(value: object) -> bool:
    if value == 1 and type(value) is int:
        return True
    if value == 0 and type(value) is int:
        return False
    raise _Refused(f"it holds {_what(value)} where a yes or no (1 or 0) belongs")


def _float(value: object) -> float:
    if type(value) is float or type(value) is int:
        return float(value)  # type: ignore[arg-type]
    raise _Refused(f"it holds {_what(value)} where a number belongs")


def _numeric(value: object, precision: int | None, scale: int | None) -> decimal.Decimal:
    if type(value) not in (int, float) or (type(value) is float and not math.isfinite(value)):
        raise _Refused(f"it holds {_what(value)} where an amount belongs")
    amount = decimal.Decimal(str(value))
    if precision is not None and abs(amount) >= decimal.Decimal(10) ** (precision - (scale or 0)):
        raise _Refused(f"the amount has more than {precision - (scale or 0)} digits before the decimal point")
    return amount


def _choice(value: object, allowed: frozenset[str]) -> str:
    if value in allowed and isinstance(value, str):
        return value
    raise _Refused(f"it holds {_what(value)}, which is not one of the field's choices ({', '.join(sorted(allowed))})")


def _text(value: object, limit: int | None) -> str:
    if not isinstance(value, str):
        raise _Refused(f"it holds {_what(value)} where a text belongs")
    if limit is not None and len(value) > limit:
        raise _Refused(f"the text is longer than {limit:,} characters ({len(value):,} in the backup)")
    if "\x00" in value:
        raise _Refused("the text holds a NUL character, which PostgreSQL does not store")
    return value


# Dates, times and datetimes are read as the app reads them on SQLite (SQLAlchemy's readers: Python's fromisoformat):
# a value the app reads is carried as the app shows it; one it cannot read is refused.
def _date(value: object) -> date:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise _Refused(f"it holds {_what(value)} where a date belongs")


def _time(value: object) -> time:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return time.fromisoformat(value)
    raise _Refused(f"it holds {_what(value)} where a time of day belongs")


def _datetime(value: object, aware: bool) -> datetime:
    """SQLite keeps the app's datetimes in UTC without an offset; one written with an offset (by hand, or raw SQL) is
    read at that offset, as the app reads it, and carried as the same moment in UTC."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value)
            if moment.utcoffset() is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            return moment.replace(tzinfo=UTC) if aware else moment
    raise _Refused(f"it holds {_what(value)} where a date and time belongs")


def _what(value: object) -> str:
    """Say what kind of value a cell holds, without the value (it may be personal data)."""
    if isinstance(value, str):
        return f"a text of {len(value):,} characters"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return f"the number {value}"
    return "a value of another kind"


# The other way: a team's backup (pg_dump) taken onto a laptop (SQLite), e.g. for a trip. No PostgreSQL server is
# needed: the dump's rows are read from pg_restore's output (the client tool reads the file alone), as a PostgreSQL
# restore reads them, into a new SQLite file made by this version's migrations at the backup's revision; that file is
# then checked, upgraded and put in place exactly as a SQLite backup's copy is.
# COPY's text format: a field's escapes (\t, \n, \\, \ooo, \xhh...) and its empty value.
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_ESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_NULL = "\\N"


def carry_postgres_into_sqlite(engine: Engine, source: Path) -> None:
    """Read a PostgreSQL backup's rows into a new SQLite file at the backup's revision, check and upgrade it there,
    then replace the laptop's (empty) database file by it in one rename; on any failure change nothing."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise ProgrammeError("Restore needs a database file; an in-memory database cannot be replaced.")
    listing = restoring._pg_output(
        ["pg_restore", "--list", str(source)], f"The backup is damaged or not a dump; {UNCHANGED}."
    )
    in_dump = restoring._dumped_tables(listing)
    missing = sorted(restoring.CORE_TABLES - in_dump)
    if missing:
        raise ProgrammeError(
            f"This file is not a backup of Programme Manager (it has no table {missing[0]}); {UNCHANGED}."
        )
    revision = restoring._dumped_revision(source)
    target = Path(database).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=restoring.TEMP_PREFIX, suffix=".db", dir=target.parent)
    os.close(handle)
    copy = Path(name)
    try:
        with restoring._disposing(_sqlite_engine(copy)) as laptop:
            try:
                schema.upgrade(laptop, revision)
            except Exception:  # noqa: BLE001 - a migration failing on an empty file: not this backup's fault
                raise ProgrammeError(f"The schema of the backup's version could not be made; {UNCHANGED}.") from None
            _read_dump(laptop, source, listing, in_dump)
            restoring.check_backup(laptop)
            restoring._upgrade(laptop)
            with Session(laptop) as session:  # from the rows read, whatever the dump's summary tables held
                summaries.rebuild(session)
                upkeep.mark_formats(session)
                session.commit()
        restoring._sqlite_check_objects(copy)
        restoring._sqlite_check_integrity(copy)
        with contextlib.closing(sqlite3.connect(copy)) as rows:
            _check_references(rows)
        restoring._sqlite_switch(engine, copy, target)
    finally:
        restoring._remove(copy)


def _read_dump(laptop: Engine, source: Path, listing: str, in_dump: set[str]) -> None:
    """Write the dump's rows into the new file's own tables (those of the backup's revision), parents first, in one
    transaction; each value is read as its column's type, and one that is not refuses the backup, named. The
    summaries are left out (rebuilt after the upgrade), and the tables the file's own triggers fill."""
    metadata = sa.MetaData()
    metadata.reflect(laptop)
    summary = {table for tables in upkeep.summary_tables().values() for table in tables}  # rebuilt after
    skipped = restoring.TRIGGER_FILLED | summary | {"alembic_version"}
    try:
        with laptop.begin() as connection:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # checked at the commit, whatever the order
            tables = {
                table.name: table
                for table in metadata.sorted_tables
                if table.name not in skipped and table.name in in_dump
            }
            readers = {
                name: {column.name: _reader(column) for column in table.columns} for name, table in tables.items()
            }
            wanted = [(name, set(readers[name])) for name in tables]  # parents first, as sorted_tables gives them
            for name, columns, lines in restoring._tables_rows(source, listing, wanted):
                _write_rows(connection, tables[name], readers[name], columns, lines)
    except sa.exc.IntegrityError:  # at the commit: a reference to a record the dump does not hold
        raise ProgrammeError(
            f"The backup's rows refer to records it does not hold: the file is damaged or was changed; {UNCHANGED}."
        ) from None


def _write_rows(
    connection: sa.Connection,
    table: sa.Table,
    readers: dict[str, Callable[[str], object]],
    columns: list[str],
    lines: list[str],
) -> None:
    """Write a batch of a table's row lines, each value read as its column's type."""
    keys = [column.name for column in table.primary_key.columns]
    batch = [_read_line(table, columns, readers, keys, line) for line in lines]
    try:
        if batch:
            connection.execute(table.insert(), batch)
    except sa.exc.DBAPIError:  # a rule of the schema the dump's rows break (a unique key...)
        raise ProgrammeError(
            f"The backup's rows of table {table.name} break a rule of its schema version; the file is damaged "
            f"or was changed; {UNCHANGED}."
        ) from None


def _read_line(
    table: sa.Table, columns: list[str], readers: dict[str, Callable[[str], object]], keys: list[str], line: str
) -> dict[str, object]:
    fields = line.rstrip("\n").split("\t")
    if len(fields) != len(columns):
        raise ProgrammeError(f"The backup could not be restored: the file is damaged or incomplete; {UNCHANGED}.")
    texts = [None if field == _NULL else _unescape(field) for field in fields]
    row: dict[str, object] = {}
    for name, text in zip(columns, texts, strict=True):
        try:
            row[name] = None if text is None else readers[name](text)
        except (ValueError, ArithmeticError):
            record = ", ".join(str(texts[columns.index(key)])[:40] for key in keys if key in columns) or "?"
            raise ProgrammeError(
                f"The backup cannot be taken onto the laptop: table {table.name}, record {record}, field {name}: "
                f"its value cannot be read as a {type(table.columns[name].type).__name__.lower()}; {UNCHANGED}."
            ) from None
    return row


def _unescape(field: str) -> str:
    if "\\" not in field:
        return field
    return _ESCAPE.sub(_escaped, field)


def _escaped(found: re.Match[str]) -> str:
    code = found.group(1)
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8))
    return _ESCAPED.get(code, code)


def _reader(column: sa.Column) -> Callable[[str], object]:
    """Return the function reading COPY's text of a value of this (reflected SQLite) column's type."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return _pg_boolean
    if isinstance(kind, sa.Integer):
        return int
    if isinstance(kind, sa.Float):
        return float
    if isinstance(kind, sa.Numeric):
        return decimal.Decimal
    if isinstance(kind, sa.DateTime):
        return _pg_datetime
    if isinstance(kind, sa.Date):
        return date.fromisoformat
    if isinstance(kind, sa.Time):
        return time.fromisoformat
    return str


def _pg_boolean(text: str) -> bool:
    if text in ("t", "f"):
        return text == "t"
    raise ValueError(text)


def _pg_datetime(text: str) -> datetime:
    """A timestamp as pg_dump writes it (with its offset for a timestamptz): in UTC without an offset, as the app keeps
    datetimes on SQLite."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.utcoffset() is not None else moment

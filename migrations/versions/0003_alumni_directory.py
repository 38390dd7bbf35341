"""alumni directory: the listed alumni kept in a narrow table by triggers; a covering participation index

Revision ID: 0003_alumni_directory
Revises: 0002_alumni_search
Create Date: 2026-11-25 10:00:00

Who is in the alumni directory depends on two tables: the person (agreed to be listed, not erased) and
their participations (completed at least one module as a participant). Checking that for every candidate
of a search costs a person row and a participation lookup each; at 500,000 people a broad search reads
tens of thousands of them. The table `alumni_directory` holds one row per person in the directory, with
the columns the directory's facets filter on (name, gender, nationality, country of work, languages, and
the organisation only where the person agreed to share it), so that a search reads one narrow row per
candidate, or none.

Triggers keep it current whoever writes (the app, imports, the demo, erasure, deletion): on SQLite row
triggers on person and participation; on PostgreSQL statement triggers with transition tables, so that a
bulk load (COPY of millions of participations) updates it in one statement per load, not per row. The
upgrade fills it from the rows already there.

On SQLite, `person_search_vocab` (an fts5vocab table, no storage of its own) lists the terms of the
full-text index, so that a search can write a long word as the terms it is a prefix of (see
programme.alumni.search).

The index `ix_participation_person_role` (person, role, completed, module) answers "is this person an
alum" and "which modules, in which role" from the index alone; it is a model index (Participation).

These tables are not SQLModel tables: programme.core.schema.include_object keeps them out of autogenerate.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_alumni_directory"
down_revision: str | None = "0002_alumni_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "alumni_directory"
_COLUMNS = "person_id, full_name, gender, nationality, country_of_work, languages, organisation_id"
# A person's row, where they agreed to be listed and were not erased (the caller adds which person).
_ENTRY = """
    SELECT p.id, p.full_name, p.gender, p.nationality, p.country_of_work, p.languages,
        CASE WHEN p.consent_organisation THEN p.organisation_id END
    FROM person AS p WHERE p.consent_listed AND p.erased_at IS NULL
"""
# An alum completed at least one module as a participant (programme.alumni.common.IS_ALUMNUS).
_ALUMNUS = (
    "EXISTS (SELECT 1 FROM participation AS pa WHERE pa.person_id = p.id AND pa.role = 'participant' AND pa.completed)"
)
# The person columns the table copies or depends on: a change to any of them refreshes the row.
_WATCHED = (
    "id, full_name, gender, nationality, country_of_work, languages, organisation_id, consent_organisation, "
    "consent_listed, erased_at"
)
_SQLITE_TRIGGERS = (
    "alumni_directory_person_ai",
    "alumni_directory_person_au",
    "alumni_directory_person_ad",
    "alumni_directory_participation_ai",
    "alumni_directory_participation_au",
    "alumni_directory_participation_ad",
)
_PG_TRIGGERS = {
    "alumni_directory_person_ins": "person",
    "alumni_directory_person_upd": "person",
    "alumni_directory_participation_ins": "participation",
    "alumni_directory_participation_upd": "participation",
    "alumni_directory_participation_del": "participation",
}


def upgrade() -> None:
    op.create_index(
        "ix_participation_person_role", "participation", ["person_id", "role", "completed", "module_id"], unique=False
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL
        raise NotImplementedError(f"The alumni directory table is not available on {dialect}.")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS person_search_vocab")
    elif dialect == "postgresql":
        for trigger, table in _PG_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in (
            "alumni_directory_person_inserted()",
            "alumni_directory_person_updated()",
            "alumni_directory_participation_inserted()",
            "alumni_directory_participation_updated()",
            "alumni_directory_participation_deleted()",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
    op.drop_index("ix_participation_person_role", table_name="participation")


def _create_table(person_id: str) -> None:
    op.execute(
        f"CREATE TABLE {TABLE} ("
        f"person_id {person_id}, "
        "full_name VARCHAR(300) NOT NULL, "
        "gender VARCHAR(40) NOT NULL, "
        "nationality VARCHAR(3), "
        "country_of_work VARCHAR(3), "
        "languages VARCHAR(300), "
        "organisation_id INTEGER)"
    )
    op.execute(f"CREATE INDEX ix_{TABLE}_nationality ON {TABLE} (nationality)")
    op.execute(f"CREATE INDEX ix_{TABLE}_country_of_work ON {TABLE} (country_of_work)")
    op.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) {_ENTRY} AND {_ALUMNUS}")


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_refresh(person_id: str) -> str:
    """Return statements that make person_id's row match the person and their participations."""
    return (
        f"DELETE FROM {TABLE} WHERE person_id = {person_id}; "
        f"INSERT INTO {TABLE} ({_COLUMNS}) {_ENTRY} AND p.id = {person_id} AND {_ALUMNUS}; "
    )


def _upgrade_sqlite() -> None:
    # INTEGER PRIMARY KEY: the row id itself, so a lookup by person is one B-tree search. No foreign key,
    # as for the full-text index: the triggers below remove the row of a deleted person.
    _create_table("INTEGER PRIMARY KEY")
    op.execute("CREATE VIRTUAL TABLE person_search_vocab USING fts5vocab(person_search, 'row')")
    op.execute(f"CREATE TRIGGER alumni_directory_person_ai AFTER INSERT ON person BEGIN {_sqlite_refresh('new.id')}END")
    op.execute(
        f"CREATE TRIGGER alumni_directory_person_au AFTER UPDATE OF {_WATCHED} ON person BEGIN "
        f"DELETE FROM {TABLE} WHERE person_id = old.id; {_sqlite_refresh('new.id')}END"
    )
    op.execute(
        f"CREATE TRIGGER alumni_directory_person_ad AFTER DELETE ON person BEGIN "
        f"DELETE FROM {TABLE} WHERE person_id = old.id; END"
    )
    # A completed participation can only add its person: no lookup of their other participations (which
    # a bulk load writes without indexes).
    op.execute(
        "CREATE TRIGGER alumni_directory_participation_ai AFTER INSERT ON participation "
        "WHEN new.role = 'participant' AND new.completed BEGIN "
        f"INSERT OR IGNORE INTO {TABLE} ({_COLUMNS}) {_ENTRY} AND p.id = new.person_id; END"
    )
    op.execute(
        "CREATE TRIGGER alumni_directory_participation_au AFTER UPDATE OF person_id, role, completed "
        "ON participation WHEN old.person_id IS NOT new.person_id OR old.role IS NOT new.role "
        f"OR old.completed IS NOT new.completed BEGIN {_sqlite_refresh('old.person_id')}"
        f"{_sqlite_refresh('new.person_id')}END"
    )
    op.execute(
        "CREATE TRIGGER alumni_directory_participation_ad AFTER DELETE ON participation "
        f"WHEN old.role = 'participant' AND old.completed BEGIN {_sqlite_refresh('old.person_id')}END"
    )


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_trigger_function(name: str, body: str) -> None:
    op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")


def _pg_refresh(people: str) -> str:
    """Return statements that make the rows of people (a SELECT of person ids) match person and participation."""
    # Semi-joins on the transition tables, not arrays: "= ANY(array)" of a bulk load's 50,000 ids would
    # compare every person with every id.
    return (
        f"DELETE FROM {TABLE} WHERE person_id IN ({people}); "
        f"INSERT INTO {TABLE} ({_COLUMNS}) {_ENTRY} AND p.id IN ({people}) AND {_ALUMNUS}; "
    )


def _upgrade_postgresql() -> None:
    # The foreign key removes the row of a deleted person (and empties the table with TRUNCATE ... CASCADE).
    _create_table("integer PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE")
    # Statement triggers: one refresh per statement, whatever the number of rows (COPY loads millions).
    _pg_trigger_function("alumni_directory_person_inserted", _pg_refresh("SELECT id FROM new_rows"))
    columns = [column.strip() for column in _WATCHED.split(",")]
    changed = f"({', '.join(f'o.{c}' for c in columns)}) IS DISTINCT FROM ({', '.join(f'n.{c}' for c in columns)})"
    _pg_trigger_function(
        "alumni_directory_person_updated",
        _pg_refresh(
            f"SELECT n.id FROM new_rows AS n LEFT JOIN old_rows AS o ON o.id = n.id WHERE o.id IS NULL OR {changed} "
            "UNION SELECT o.id FROM old_rows AS o LEFT JOIN new_rows AS n ON n.id = o.id WHERE n.id IS NULL"
        ),
    )
    # A completed participation can only add its person.
    _pg_trigger_function(
        "alumni_directory_participation_inserted",
        f"INSERT INTO {TABLE} ({_COLUMNS}) {_ENTRY} AND p.id IN (SELECT person_id FROM new_rows "
        "WHERE role = 'participant' AND completed) ON CONFLICT (person_id) DO NOTHING;",
    )
    _pg_trigger_function(
        "alumni_directory_participation_updated",
        _pg_refresh(
            "SELECT unnest(ARRAY[o.person_id, n.person_id]) FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id "
            "WHERE (o.person_id, o.role, o.completed) IS DISTINCT FROM (n.person_id, n.role, n.completed)"
        ),
    )
    _pg_trigger_function(
        "alumni_directory_participation_deleted",
        _pg_refresh("SELECT person_id FROM old_rows WHERE role = 'participant' AND completed"),
    )
    # Deleting a person needs no trigger: the foreign key cascades.
    for trigger, table, event, tables, function in (
        ("alumni_directory_person_ins", "person", "INSERT", "NEW TABLE AS new_rows", "person_inserted"),
        (
            "alumni_directory_person_upd",
            "person",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "person_updated",
        ),
        (
            "alumni_directory_participation_ins",
            "participation",
            "INSERT",
            "NEW TABLE AS new_rows",
            "participation_inserted",
        ),
        (
            "alumni_directory_participation_upd",
            "participation",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "participation_updated",
        ),
        (
            "alumni_directory_participation_del",
            "participation",
            "DELETE",
            "OLD TABLE AS old_rows",
            "participation_deleted",
        ),
    ):
        op.execute(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION alumni_directory_{function}()"
        )

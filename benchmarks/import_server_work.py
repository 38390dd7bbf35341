"""Benchmark: PostgreSQL's own work for the rows an import wrote, table by table, with EXPLAIN ANALYZE.

python benchmarks/import_server_work.py postgresql://.../DB [--runs N]
    DB holds one import of benchmarks/import_participants.py (run it with --url first). In one transaction, rolled
    back at the end: the imported rows are copied into temporary tables, their tables emptied, and the rows inserted
    again table by table in the import's order with EXPLAIN ANALYZE, which reports the time of each table's insert,
    of its foreign-key checks and of its triggers, and the backend's CPU time. Where migration 0026's guarded
    trigger functions are there (as an import does) the search index's and the alumni directory's work is done by
    their statements for the id ranges after the people's and the participations' inserts (printed as "… range").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from programme.core import search_index
from programme.importing import triggers

# The tables an import of new people writes, in its order (the summaries' rows last).
TABLES = ("organisation", "person", "participation", "attendance_day", "reach_person", "reach_person_stage")
TABLES += ("reach_person_year",)
EMPTIED = (*TABLES, "person_search", "alumni_directory")
# The guarded trigger functions whose work follows each table's rows.
REPLAYED = {"person": (search_index.POSTGRESQL, triggers.PERSON.postgresql)}


def backend_cpu(pid: int) -> float:
    """The server process's CPU seconds (this machine's server only)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100


def guarded(cursor: psycopg.Cursor, function: object) -> bool:
    source = cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", (function.function,)).fetchone()  # type: ignore[attr-defined]
    return source is not None and " ".join(source[0].split()) == function.expected  # type: ignore[attr-defined]


def once(url: str) -> dict[str, dict[str, float]]:
    """Return, by table, the seconds of its insert, of each foreign key and trigger, and the backend's CPU."""
    result: dict[str, dict[str, float]] = {}
    with psycopg.connect(url) as connection:
        cursor = connection.cursor()
        pid = cursor.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        for table in TABLES:
            cursor.execute(f"CREATE TEMP TABLE copied_{table} AS SELECT * FROM {table}")  # noqa: S608 - our names
        cursor.execute(f"TRUNCATE {', '.join(EMPTIED)} CASCADE")
        cursor.execute("CHECKPOINT")  # as after createdb: the first change to each page is logged in full
        names = dict(
            cursor.execute(
                "SELECT t.tgname, c.conname FROM pg_trigger AS t JOIN pg_constraint AS c ON c.oid = t.tgconstraint"
            ).fetchall()
        )
        for table in TABLES:
            replayed = [function for function in REPLAYED.get(table, ()) if guarded(cursor, function)]
            for function in replayed:
                cursor.execute("SELECT set_config(%s, 'on', true)", (function.setting,))
            order = "id" if table in ("organisation", "person", "participation") else "1"
            started, cpu = time.perf_counter(), backend_cpu(pid)
            cursor.execute(
                f"EXPLAIN (ANALYZE, FORMAT JSON) INSERT INTO {table} SELECT * FROM copied_{table} ORDER BY {order}"  # noqa: S608
            )
            plan = cursor.fetchone()[0][0]  # type: ignore[index]
            row = {"seconds": time.perf_counter() - started, "cpu": backend_cpu(pid) - cpu}
            for trigger in plan.get("Triggers", []):
                name = names.get(trigger["Trigger Name"], trigger["Trigger Name"])
                row[name] = trigger["Time"] / 1000
            result[table] = row
            if replayed:
                bounds = cursor.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()  # noqa: S608
                started, cpu = time.perf_counter(), backend_cpu(pid)
                for function in replayed:
                    cursor.execute("SELECT set_config(%s, 'off', true)", (function.setting,))
                    for statement in function.for_range:
                        cursor.execute(statement.replace(":first", "%(first)s").replace(":last", "%(last)s"),
                                       dict(zip(("first", "last"), bounds, strict=True)))  # fmt: skip
                result[f"{table} range"] = {"seconds": time.perf_counter() - started, "cpu": backend_cpu(pid) - cpu}
        connection.rollback()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL database holding one import of import_participants.py")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    for _ in range(args.runs):
        result = once(args.url)
        total = sum(row["seconds"] for row in result.values())
        cpu = sum(row["cpu"] for row in result.values())
        print(f"server's work: {total:.2f} s (backend CPU {cpu:.2f} s)")
        for table, row in result.items():
            details = ", ".join(f"{name} {value:.2f}" for name, value in row.items() if name not in ("seconds", "cpu"))
            print(
                f"  {table}: {row['seconds']:.2f} s (CPU {row['cpu']:.2f})" + (f"; of it {details}" if details else "")
            )


if __name__ == "__main__":
    main()

"""The import benchmark's floor copies exactly what the import wrote, so that it times the same database work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks import import_participants as benchmark
from programme.core.search_index import TRIGGER

COUNTED = (*benchmark.WRITTEN, "person_search", "alumni_directory")


def _contents(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        contents = {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in COUNTED
        }
        contents["trigger"] = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
        ).fetchall()
        return contents
    finally:
        connection.close()


def test_the_floor_copies_every_row_the_import_wrote_and_indexes_it_alike(tmp_path: Path) -> None:
    sheet, imported, fresh = tmp_path / "sheet.xlsx", tmp_path / "imported.db", tmp_path / "fresh.db"
    benchmark.write_sheet(sheet, 120)
    benchmark.new_database(f"sqlite:///{imported}")
    counts = benchmark.import_once(f"sqlite:///{imported}", sheet)
    assert counts == {"rows": 120, "created": 120, "participations": 120}

    seconds = benchmark.database_seconds(imported, fresh)

    assert list(seconds) == [*benchmark.WRITTEN, "alumni directory", "search index", "commit"]
    assert all(value >= 0 for value in seconds.values())
    before, after = _contents(imported), _contents(fresh)
    assert len(after["person"]) == 120 and len(after["person_search"]) == 120 and len(after["trigger"]) == 1
    assert after == before


def test_the_parse_is_timed_on_the_same_workbook(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.xlsx"
    benchmark.write_sheet(sheet, 50)
    assert benchmark.parse_seconds(sheet) > 0


def test_the_phases_benchmark_times_the_import_it_makes(tmp_path: Path) -> None:
    from benchmarks import import_phases

    sheet, db = tmp_path / "sheet.xlsx", tmp_path / "phases.db"
    benchmark.write_sheet(sheet, 120)
    benchmark.new_database(f"sqlite:///{db}")

    steps, timings, server = import_phases.import_by_phase(f"sqlite:///{db}", sheet, [])

    assert [name.split(" ")[0] for name, _ in steps] == ["read", "plan", "write", "commit"]
    assert all(seconds >= 0 for _, seconds in steps) and server == 0
    # Every table the import writes in bulk is timed where the writing thread writes it.
    assert {f"writer: rows of {table}" for table in benchmark.WRITTEN if table != "import_batch"} <= set(
        timings.seconds
    )
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("SELECT count(*) FROM person").fetchone() == (120,)
        assert connection.execute("SELECT count(*) FROM participation").fetchone() == (120,)
    finally:
        connection.close()

"""SQLite's planner statistics (programme/core/db.keep_statistics): courses and modules only, kept at upgrades."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from programme.core import schema
from programme.core.db import make_engine
from programme.courses.catalogue import add_course, add_module


def _statistics(engine: sa.Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        present = connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
        if not present:
            return {}
        rows = connection.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1 ORDER BY tbl, idx").all()
    found: dict[str, list[str]] = {}
    for table, stat in rows:
        found.setdefault(table, []).append(stat)
    return found


def test_an_upgrade_analyses_courses_and_modules_once_and_again_when_they_double(
    sqlite_templates: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_templates["demo"], path)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        modules = connection.exec_driver_sql("SELECT count(*) FROM module").scalar()
    assert _statistics(engine) == {}  # the demo is loaded after its upgrade
    schema.upgrade(engine)
    kept = _statistics(engine)
    # Courses and modules only: a sample of the big tables' indexes misleads the planner.
    assert set(kept) == {"course", "module"}
    assert {int(stat.split()[0]) for stat in kept["module"]} == {modules}
    # Unchanged modules: not analysed again (the statistics stay as they were).
    with Session(engine) as session:
        add_course(session, code="STAT", title="Statistics course")
        session.commit()
    schema.upgrade(engine)
    assert _statistics(engine) == kept
    # More than twice the modules: analysed again at the next upgrade.
    with Session(engine) as session:
        for number in range(1, modules + 2):
            day = date(2030, 1, 1) + timedelta(days=number)
            add_module(session, course_code="STAT", number=number, title=f"M{number}", start=day, end=day)
        session.commit()
    schema.upgrade(engine)
    assert {int(stat.split()[0]) for stat in _statistics(engine)["module"]} == {2 * modules + 1}

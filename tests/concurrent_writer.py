"""The writer that tests/test_access.py runs in two spawned processes at once. A module of its own, importing only
the database layer and the models: a spawned child imports the module its target is in, and tests/test_access.py
(through AppTest's support, Streamlit and pandas) took 4.2 s of CPU to import in each child, this 0.9 s."""

from __future__ import annotations

import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.models import Person

WRITES_PER_PROCESS = 40


def write_people(url: str, name: str) -> None:
    engine = make_engine(url)
    for index in range(WRITES_PER_PROCESS):
        with session_scope(engine) as session:
            # Read, then write: the pattern that fails with "database is locked" without care.
            session.scalar(sa.select(sa.func.count()).select_from(Person))
            session.add(Person(full_name=f"{name} {index}", name_key=f"{name} {index}"))

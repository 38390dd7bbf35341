"""The Outcomes tab lists the newest OUTCOME_ROWS outcomes and says how many there are: at scale it sent all 5,003
(0.75 MB) to the browser on every load. Its charts still count every outcome."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.models import Outcome, OutcomeKind, Person, UserRole
from programme.web.alumni_tabs import OUTCOME_ROWS
from tests.apptest_support import run_page

OUTCOMES = OUTCOME_ROWS + 7


def test_outcomes_table_lists_the_newest_and_says_how_many(monkeypatch, sqlite_url: str) -> None:
    with session_scope(make_engine(sqlite_url)) as session:
        alum = Person(full_name="Ana Santos", name_key="ana santos", consent_listed=True)
        session.add(alum)
        session.flush()
        first = date(2020, 1, 1)
        session.add_all(
            Outcome(
                person_id=alum.id, kind=OutcomeKind.OTHER, description=f"Outcome {i}", reported_on=first + timedelta(i)
            )
            for i in range(OUTCOMES)
        )
    with session_scope(make_engine(sqlite_url)) as session:
        counted = session.execute(sa.text("SELECT count(*) FROM outcome")).scalar_one()
        newest = session.execute(sa.text("SELECT max(reported_on) FROM outcome")).scalar_one()
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    app.session_state["alumni_tab"] = "Outcomes"
    app.run()
    assert not app.exception
    listed = app.dataframe[-1].value
    assert len(listed) == OUTCOME_ROWS  # every outcome before
    assert str(listed["reported_on"].iloc[0])[:10] == str(newest)[:10]
    assert any(f"The newest {OUTCOME_ROWS} of {counted} outcomes" in caption.value for caption in app.caption)

"""Submission dates that read two ways (04/05: 4 May or 5 April) are never guessed: not stored, with a warning
that says how to give the order; given the order, they are stored. Expected times written by hand below."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.cli import main
from programme.evaluations import import_evaluations
from programme.intake.times import read_times
from programme.models import Response
from tests.test_evaluations import csv_bytes, make_module

# A form tool's export with no tool's signature: day and month order unknown, every day ≤ 12.
AMBIGUOUS = (
    "Submitted at,How useful was the module overall?\n"
    "04/05/2026 10:00:00,4\n"  # 4 May or 5 April
    "03/03/2026 11:30:00,5\n"  # the same either way: 3 March
    "02/06/2026 09:15:00,3\n"  # 2 June or 6 February
)


def test_a_column_that_reads_two_ways_keeps_only_the_dates_both_readings_agree_on() -> None:
    times = read_times("Submitted at", ["04/05/2026 10:00:00", "03/03/2026 11:30:00", "02/06/2026 09:15:00"])
    assert [m.replace(tzinfo=None) if m else None for m in times.moments] == [None, datetime(2026, 3, 3, 11, 30), None]
    assert len(times.warnings) == 1 and "2 dates that read two ways" in times.warnings[0]
    assert "--date-order" in times.warnings[0]
    # One date with a day above 12 decides the whole column: nothing is left unread.
    decided = read_times("Submitted at", ["04/05/2026 10:00:00", "13/05/2026 10:00:00"])
    assert [m.replace(tzinfo=None) for m in decided.moments] == [datetime(2026, 5, 4, 10), datetime(2026, 5, 13, 10)]
    assert decided.warnings == []


def _stored(session: Session) -> list[datetime | None]:
    times = session.scalars(sa.select(Response.submitted_at).order_by(Response.id)).all()
    return [t.replace(tzinfo=None) if t else None for t in times]


def test_the_import_writes_no_guessed_date_and_says_so(session: Session) -> None:
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(AMBIGUOUS), filename="form.csv", module_id=module.id)
    session.commit()
    assert result.written and result.created == 3  # the answers are not held back by their dates
    assert _stored(session) == [None, datetime(2026, 3, 3, 11, 30), None]
    assert any("read two ways" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("month_first", "expected"),
    [
        (False, [datetime(2026, 5, 4, 10), datetime(2026, 3, 3, 11, 30), datetime(2026, 6, 2, 9, 15)]),
        (True, [datetime(2026, 4, 5, 10), datetime(2026, 3, 3, 11, 30), datetime(2026, 2, 6, 9, 15)]),
    ],
)
def test_given_the_order_every_date_is_stored(session: Session, month_first: bool, expected: list[datetime]) -> None:
    module = make_module(session)
    result = import_evaluations(
        session, data=csv_bytes(AMBIGUOUS), filename="form.csv", module_id=module.id, month_first=month_first
    )
    session.commit()
    assert result.written
    assert _stored(session) == expected
    assert not any("read two ways" in warning for warning in result.warnings)


def test_the_command_line_takes_the_order(monkeypatch, sqlite_url: str, tmp_path, capsys) -> None:
    from programme.core.db import make_engine, session_scope

    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        make_module(session)
    path = tmp_path / "form.csv"
    path.write_bytes(csv_bytes(AMBIGUOUS))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    command = ["import", "evaluations", str(path), "--course", "EV1", "--module", "1", "--json"]
    assert main([*command, "--date-order", "month-first"]) == 0
    assert "read two ways" not in capsys.readouterr().out
    with Session(engine) as session:
        assert _stored(session) == [datetime(2026, 4, 5, 10), datetime(2026, 3, 3, 11, 30), datetime(2026, 2, 6, 9, 15)]
    with pytest.raises(SystemExit) as refused:  # argparse refuses another word, exit 2
        main([*command, "--date-order", "sideways"])
    assert refused.value.code == 2


@pytest.mark.parametrize(
    "text",
    ["12 Apr 2019 15:10:05 GMT+7", "Apr 12, 2019 3:10:05 PM GMT+7", "Friday, April 12, 2019 3:10:05 PM GMT+07:00"],
)
def test_a_zone_written_gmt_plus_is_ahead_of_utc_in_every_layout(text: str) -> None:
    """Outside the numeric layouts, pandas read "GMT+7" the POSIX way (7 hours behind UTC): 14 hours off, and the
    time was then counted as having no zone."""
    times = read_times("Timestamp", [text])
    assert times.moments == [datetime(2019, 4, 12, 8, 10, 5, tzinfo=UTC)]
    assert times.without_zone == 0


@pytest.mark.parametrize("header", ["Marca temporal", "Horodateur", "Carimbo de data/hora"])
def test_google_forms_timestamp_in_the_forms_language_is_the_submission_time(session: Session, header: str) -> None:
    """A Google Form in Spanish, French or Portuguese names its first column "Marca temporal", "Horodateur",
    "Carimbo de data/hora" (public code reading such exports: find_string in the search index). It was imported as a
    text question, each time stored as a comment, and the responses had no submission time."""
    module = make_module(session)
    data = csv_bytes(f"{header},Overall (1-5),Comentarios\n12/04/2019 15:10:05,4,Gracias\n13/04/2019 09:01:00,5,\n")
    result = import_evaluations(session, data=data, filename="respuestas.csv", module_id=module.id)
    assert result.errors == [] and result.created == 2
    assert [plan.column for plan in result.plans if plan.role == "question"] == ["Overall (1-5)", "Comentarios"]
    assert _stored(session) == [datetime(2019, 4, 12, 15, 10, 5), datetime(2019, 4, 13, 9, 1)]

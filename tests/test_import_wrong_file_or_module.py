"""Two mistakes a new organisation made on its first module (wave 11's SQLite journey): the evaluation export put into
Import participants was answered "No header row with recognisable column names was found", and an attendance sheet
imported into next year's module (the picker's wrong line) was taken without a word about its dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from programme.core.db import REPO_ROOT
from programme.core.errors import UnreadableFile
from programme.courses.catalogue import add_course, add_module
from programme.importing import build_plan, detect_mapping, file_hash, read_participant_sheet
from programme.importing.lists import ListKind

# Copies of ../shared/samples/: a KoboToolbox evaluation export (group paths in the headers, _id, _uuid...), an
# online form's registration export and a 3-day attendance sheet.
SAMPLES = REPO_ROOT / "tests" / "data"
EVALUATION = SAMPLES / "evaluation_survey_export.csv"
REGISTRATIONS = SAMPLES / "registrations_online_form.csv"
ATTENDANCE = SAMPLES / "attendance_sheet.xlsx"


def test_an_evaluation_export_given_as_a_participant_list_is_named() -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_participant_sheet(EVALUATION.read_bytes(), EVALUATION.name)
    message = str(refused.value)
    assert "looks like an evaluation export" in message
    assert "Forms and entry" in message
    # The column it names is the export's first rating column, as its header row (read with csv) says.
    first_rating = EVALUATION.read_text(encoding="utf-8").splitlines()[0].split(",")[3]
    assert first_rating.startswith("evaluation/session_1") and f"'{first_rating}'" in message


def test_a_list_without_a_known_header_still_says_so() -> None:
    """A file whose columns name nothing known still gets the usual message; one whose columns are answered in a
    rating scale's words is named an evaluation export."""
    data = b"Alpha,Beta\nx,y\nz,w\n"
    with pytest.raises(UnreadableFile, match="No header row"):
        read_participant_sheet(data, "odd.csv")
    rated = b"Q one,Q two\nVery useful,Useful\nUseful,Extremely useful\n"
    with pytest.raises(UnreadableFile, match="looks like an evaluation export"):
        read_participant_sheet(rated, "rated.csv")


def _plan(session: Session, path, module, kind: ListKind | None = None):  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    table = read_participant_sheet(data, path.name)
    return build_plan(session, table=table, mapping=detect_mapping(table.columns), module=module,
                      file_name=path.name, file_hash=file_hash(data), list_kind=kind)  # fmt: skip


def test_people_who_took_part_in_a_module_not_begun_are_warned_of(session: Session) -> None:
    today = date.today()
    add_course(session, code="MW-KL", title="Migrant workers' rights", by=None)
    held = add_module(session, course_code="MW-KL", number=1, title="Module 1", start=today - timedelta(days=30),
                      end=today - timedelta(days=27), by=None)  # fmt: skip
    ahead = add_module(session, course_code="MW-KL", number=2, title="Module 2", start=today + timedelta(days=300),
                       end=today + timedelta(days=303), by=None)  # fmt: skip
    session.commit()
    start = ahead.start_date
    said = f"This module starts on {start.day} {start:%B %Y}, after today"

    attendance = _plan(session, ATTENDANCE, ahead)
    assert attendance.list_kind == ListKind.ATTENDANCE
    assert any(warning.startswith(said) and "an attendance sheet" in warning for warning in attendance.warnings)
    took_part = _plan(session, REGISTRATIONS, ahead, ListKind.PARTICIPANTS)
    assert any(warning.startswith(said) and "a participant list" in warning for warning in took_part.warnings)
    # Signing up for a module ahead is what registration is for; a module held already is not warned of.
    assert not any("after today" in w for w in _plan(session, REGISTRATIONS, ahead, ListKind.REGISTRATION).warnings)
    assert not any("after today" in w for w in _plan(session, ATTENDANCE, held).warnings)

"""--tool with a name no profile has: exit 2 and one sentence naming the known tools, nothing written (every
import command that takes --tool)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.cli import main
from programme.core.db import make_engine
from programme.importing.profiles import PROFILES as LIST_TOOLS
from programme.intake.tools import PROFILES as SURVEY_TOOLS
from programme.models import Participation, Person, Response

TOOLS = Path(__file__).parent / "data" / "tools"


@pytest.fixture
def db_url(monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """An empty database with course EVT and its Module 1."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["course", "add", "--code", "EVT", "--title", "Evaluation test"]) == 0
    assert main(["module", "add", "--course", "EVT", "--number", "1", "--start", "2019-04-08", "--end", "2019-04-12",
                 "--title", "Module 1", "--city", "Bangkok", "--country", "THA"]) == 0  # fmt: skip
    capsys.readouterr()
    return sqlite_url


def _counts(url: str) -> tuple[int, int, int]:
    with Session(make_engine(url)) as session:
        return tuple(
            session.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Response, Person, Participation)
        )


def _one_sentence_naming(error: str, names: list[str]) -> None:
    assert error.count("\n") == 1 and error.startswith("Error: 'NOSUCH' is not a")
    assert all(name in error for name in names), error


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_import_evaluations_with_an_unknown_tool_exits_2_naming_the_known_ones(
    db_url: str, capsys: pytest.CaptureFixture[str], json_flag: list[str]
) -> None:
    export = str(TOOLS / "google_forms.csv")
    code = main(["import", "evaluations", export, "--course", "EVT", "--module", "1", "--tool", "NOSUCH", *json_flag])
    out, error = capsys.readouterr()
    assert code == 2 and out == ""
    _one_sentence_naming(error, [tool.name for tool in SURVEY_TOOLS])
    assert _counts(db_url) == (0, 0, 0)
    # A known name (any case) and "none" are taken.
    assert main(["import", "evaluations", export, "--course", "EVT", "--module", "1", "--tool", "google forms"]) == 0


def test_import_participants_with_an_unknown_tool_exits_2_naming_the_known_ones(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Email,Nationality\nMaria Santos,maria@example.org,Philippines\n", encoding="utf-8")
    code = main(["import", "participants", str(path), "--course", "EVT", "--module", "1", "--tool", "NOSUCH"])
    out, error = capsys.readouterr()
    assert code == 2 and out == ""
    _one_sentence_naming(error, [tool.name for tool in LIST_TOOLS])
    assert _counts(db_url) == (0, 0, 0)
    assert main(["import", "participants", str(path), "--course", "EVT", "--module", "1", "--tool", "none"]) == 0
    assert _counts(db_url) == (0, 1, 1)


def test_the_same_export_imported_again_names_the_earlier_import_and_writes_no_empty_one(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second run said "Imported 0 responses (5 skipped...)" and recorded an empty import of 0 responses; it now
    writes nothing and names the earlier import: its number, when and by which account (staff's, not personal data)."""
    export = str(TOOLS / "google_forms.csv")
    command = ["import", "evaluations", export, "--course", "EVT", "--module", "1"]
    assert main(command) == 0
    capsys.readouterr()
    responses = _counts(db_url)[0]
    assert main(command) == 0
    out, _ = capsys.readouterr()
    with Session(make_engine(db_url)) as session:
        rows = session.execute(sa.text("SELECT username, created_at FROM import_batch")).all()
    assert len(rows) == 1 and _counts(db_url)[0] == responses > 0
    username, created_at = rows[0]
    moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    assert username == "command line"
    assert "Nothing was imported: every response in this file was imported before (import 1, on " in out, out
    assert f"on {moment:%d %b %Y at %H:%M} UTC from the command line)" in out, out


def test_a_participant_list_imported_again_names_the_earlier_import_in_full(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The note named the earlier import by its number only ("import 1 under Past imports"); it now says when and by
    which account, as the evaluation imports do, in the text and in --json's `imported_before` (added: no key
    renamed)."""
    path = tmp_path / "list.csv"
    path.write_text("Name,Email,Nationality\nMaria Santos,maria@example.org,Philippines\n", encoding="utf-8")
    command = ["import", "participants", str(path), "--course", "EVT", "--module", "1"]
    assert main([*command, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["imported_before"] is None and first["import_number"] == 1
    with Session(make_engine(db_url)) as session:
        created_at = session.execute(sa.text("SELECT created_at FROM import_batch")).scalar_one()
    moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    said = f"import 1, on {moment:%d %b %Y at %H:%M} UTC from the command line"
    assert main([*command, "--dry-run", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported_before"] == said
    assert again["previous_batches"] and again["would_create"] == 0  # the existing keys kept
    assert any(f"({said}, listed under Past imports)" in warning for warning in again["warnings"]), again["warnings"]
    assert main([*command, "--dry-run"]) == 0
    out, _ = capsys.readouterr()
    assert f"Note: This file was imported before ({said}, listed under Past imports)" in out, out

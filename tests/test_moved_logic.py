"""What moved out of the pages into their areas: profile facts, the import preview, reorders, facilitator
means, the undo sentence, a module by id, the groups' descriptions and downloads, and the audited backup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from programme.access.backup import backup_file, copy_database
from programme.alumni.profile import profile_facts
from programme.cli import main
from programme.core.db import is_sqlite, make_engine, session_scope
from programme.core.errors import NotFound, ProgrammeError
from programme.courses.catalogue import add_course, add_module, get_module
from programme.courses.lookup import module_ref
from programme.evaluations.means import facilitator_overview
from programme.evaluations.undo import undo_summary
from programme.groups.exports import record_download
from programme.groups.plan import blank_plan, describe_groups
from programme.importing.preview import PREVIEW_COLUMNS, preview_rows, probable_pairs
from programme.models import AuditEntry
from programme.planning.agenda import day_order, swap_places
from tests.test_groups import people
from tests.test_importing import csv_bytes, plan_for, run_import


def test_profile_facts_name_countries_and_say_what_is_not_shared() -> None:
    person = {
        "nationality": "PHL",
        "country_of_work": "MYS",
        "organisation": None,  # masked: not shared
        "position": "Case worker",
        "email": "ana@example.org",
        "phone": None,
        "languages": None,  # not recorded: left out
        "expertise": "",
    }
    assert profile_facts(person) == {
        "Nationality": "Philippines",
        "Works in": "Malaysia",
        "Organisation": "not shared",
        "Position": "Case worker",
        "E-mail": "ana@example.org",
        "Phone": "not shared",
    }


def test_reorder_swaps_a_session_with_its_neighbour_within_its_day() -> None:
    frame = pd.DataFrame({"id": [11, 12, 13, 21, 22], "day": [1, 1, 1, 2, 2]})
    assert day_order(frame, 12) == [11, 12, 13]
    assert day_order(frame, 22) == [21, 22]
    assert swap_places([11, 12, 13], 12, -1) == [12, 11, 13]
    assert swap_places([11, 12, 13], 12, 1) == [11, 13, 12]
    assert swap_places([11, 12, 13], 11, -1) is None  # the first cannot move earlier
    assert swap_places([21, 22], 22, 1) is None


def test_facilitator_overview_weighs_each_module_by_its_ratings() -> None:
    ratings = pd.DataFrame(
        {
            "facilitator": ["Ana", "Ana", "Ben"],
            "module_id": [1, 2, 1],
            "n": [10, 30, 4],
            "mean": [4.0, 3.0, 5.0],
        }
    )
    overview = facilitator_overview(ratings).set_index("facilitator")
    # Ana: (10 × 4 + 30 × 3) / 40 = 130 / 40 = 3.25, not the plain mean of her two modules (3.5).
    assert overview.loc["Ana", "modules"] == 2 and overview.loc["Ana", "ratings"] == 40
    assert overview.loc["Ana", "mean"] == pytest.approx(3.25)
    assert overview.loc["Ben", "mean"] == pytest.approx(5.0) and overview.loc["Ben", "ratings"] == 4
    assert facilitator_overview(ratings.iloc[0:0]).empty


def test_undo_summary_says_what_was_removed_and_kept() -> None:
    undone = {"responses_removed": 12, "questions_removed": 0, "questions_kept": 3, "form_removed": 1}
    assert undo_summary(7, undone) == (
        "Import 7 undone: 12 responses removed, 3 of its questions kept (other answers use them), "
        "and the form it created."
    )
    plain = {"responses_removed": 1, "questions_removed": 2, "questions_kept": 0, "form_removed": 0}
    assert undo_summary(8, plain) == "Import 8 undone: 1 response removed, 2 questions removed."


def test_describe_groups_changes_several_groups_and_refuses_a_blank_name() -> None:
    plan = blank_plan(people(6, seed=1), groups=2)
    described = describe_groups(plan, {0: {"name": " Delegation A "}, 1: {"exercise": "Lobby the mission"}})
    assert [g.name for g in described.groups] == ["Delegation A", "Group 2"]
    assert described.groups[1].exercise == "Lobby the mission"
    with pytest.raises(ProgrammeError, match="needs a name"):
        describe_groups(plan, {1: {"name": "  "}})


def test_import_preview_tables(sqlite_engine) -> None:
    run_import(sqlite_engine, csv_bytes("Name,Nationality,E-mail\nJohn Smith,Nepal,\n"), "first.csv")
    data = csv_bytes("Name,Nationality,E-mail\nJon Smith,Nepal,\nAna Lim,Malaysia,bad-address\nAna Lim,MYS,\n")
    with session_scope(sqlite_engine) as session:
        plan = plan_for(session, data, "second.csv")
    rows = preview_rows(plan)
    assert list(rows.columns) == PREVIEW_COLUMNS
    assert list(rows["row"]) == [2, 3, 4]
    assert list(rows["status"]) == ["probable", "error", "new"]
    assert rows.loc[0, "match"].startswith("John Smith (") and rows.loc[0, "nationality"] == "Nepal"
    assert "e-mail" in rows.loc[1, "errors"].lower() or "E-mail" in rows.loc[1, "errors"]
    assert len(preview_rows(plan, limit=2)) == 2
    pairs = probable_pairs(plan)
    assert pairs[["row", "name in the sheet", "name recorded"]].values.tolist() == [[2, "Jon Smith", "John Smith"]]
    assert not pairs["same person"].any()


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_templates: dict[str, Path]):
    from tests.test_importing import with_module

    path = tmp_path / "moved.db"
    path.write_bytes(sqlite_templates["empty"].read_bytes())
    engine = make_engine(f"sqlite:///{path}")
    with_module(engine)
    return engine


def test_module_ref_names_a_module_by_its_id(engine) -> None:
    with session_scope(engine) as session:
        add_course(session, code="KL-2017", title="Kuala Lumpur course")
        add_module(session, course_code="KL-2017", number=4, title="Lobbying", start=date(2017, 12, 4),
                   end=date(2017, 12, 8), city="Kuala Lumpur")  # fmt: skip
        module_id = get_module(session, "KL-2017", 4).id
    with session_scope(engine) as session:
        ref = module_ref(session, module_id)
        assert (ref.course_code, ref.number, ref.title) == ("KL-2017", 4, "Lobbying")
        assert ref.heading == "KL-2017 · Module 4"
        assert ref.label == "KL-2017 · Module 4 · Dec 2017, Kuala Lumpur"
        with pytest.raises(NotFound):
            module_ref(session, module_id + 1000)


def _exports(engine) -> list[AuditEntry]:
    with session_scope(engine) as session:
        return list(session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).all())


def test_a_group_download_is_audited(engine) -> None:
    plan = blank_plan(people(4, seed=2), groups=2)
    with session_scope(engine) as session:
        record_download(session, module_id=5, what="role cards", plan=plan, by="facilitator")
    (entry,) = _exports(engine)
    assert (entry.username, entry.entity, entry.entity_id) == ("facilitator", "module", 5)
    assert entry.summary == "role cards of module 5, 0 people"  # blank groups: nobody placed yet


def test_a_backup_is_audited_by_the_app_and_the_command_line(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    data, name = backup_file(engine, by="admin")
    assert data and name.startswith("programme-") and name.endswith(".db" if is_sqlite(engine) else ".dump")
    assert [(e.username, e.entity) for e in _exports(engine)] == [("admin", "backup")]
    copy_database(engine, tmp_path / "quiet.bin")  # a copy of a database, not a backup: nothing recorded
    assert len(_exports(engine)) == 1
    if is_sqlite(engine):  # the command line (one backend is enough for the command's wiring)
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        assert main(["backup", str(tmp_path / "cli.db")]) == 0
        assert [(e.username, e.entity) for e in _exports(engine)][-1] == ("command line", "backup")

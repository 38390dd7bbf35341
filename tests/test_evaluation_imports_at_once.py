"""Two imports of the same evaluation export into one module at the same moment (two colleagues, or the page and the
command line): the second waits for the first and skips what it wrote, on both databases."""

from __future__ import annotations

import csv
import threading
import time
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.evaluations import import_evaluations
from programme.evaluations.apply import apply_evaluations
from programme.evaluations.importing import plan_evaluations
from tests.test_evaluations import SAMPLE, make_module


def test_the_same_export_imported_twice_at_once_is_written_once(engine: Engine) -> None:
    """Seen in a team's journey on PostgreSQL: two imports of a 38-row export at once left 76 responses and two
    forms in the module (each read it before the other committed)."""
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))  # the export's responses, counted by hand
    with Session(engine) as session:
        module_id = make_module(session).id
        session.commit()
    outcome: dict[str, object] = {}

    def second_import() -> None:
        try:
            with Session(engine) as other:
                outcome["second"] = import_evaluations(
                    other, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module_id, by="colleague"
                )
                other.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error

    with Session(engine) as session:
        # The page's Import button: planned and written in one transaction, not yet committed.
        first = apply_evaluations(
            session,
            plan_evaluations(
                session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module_id, writing=True
            ),
            by="admin",
        )
        assert first.created == rows
        worker = threading.Thread(target=second_import)
        worker.start()
        time.sleep(1.5)  # the colleague's import starts while this one is written and not committed
        session.commit()
    worker.join(timeout=120)
    assert not worker.is_alive() and "error" not in outcome, outcome.get("error")
    assert outcome["second"].created == 0 and outcome["second"].skipped == rows
    with engine.connect() as connection:
        forms = connection.scalar(
            sa.text("SELECT count(*) FROM evaluation_form WHERE module_id = :m"), {"m": module_id}
        )
        responses = connection.scalar(
            sa.text(
                "SELECT count(*) FROM evaluation_response r JOIN evaluation_form f ON f.id = r.form_id "
                "WHERE f.module_id = :m"
            ),
            {"m": module_id},
        )
    assert (forms, responses) == (1, rows)


def test_the_page_s_import_after_a_colleague_s_writes_nothing_and_says_why(engine: Engine) -> None:
    """The same journey, the second click: its preview was made before the colleague's import committed, its write
    after. It said "Imported 0 responses." and Past imports kept an empty import of 0 responses, offered for undo."""
    from programme.core.errors import ProgrammeError
    from programme.evaluations.importing import import_from_preview
    from programme.models import ImportBatch

    with Session(engine) as session:
        module_id = make_module(session).id
        session.commit()
    arguments = {"data": SAMPLE.read_bytes(), "filename": SAMPLE.name, "module_id": module_id}
    with Session(engine) as session:
        preview = plan_evaluations(session, **arguments)  # what the button was drawn from
    with Session(engine) as colleague:
        import_evaluations(colleague, **arguments, by="colleague")
        colleague.commit()
    with Session(engine) as session:
        try:
            import_from_preview(session, by="facilitator", **arguments)
        except ProgrammeError as refusal:
            assert "every response in this file was imported meanwhile" in str(refusal)
        else:
            raise AssertionError("an import of nothing new was written")
        session.rollback()
    with engine.connect() as connection:
        batches = connection.scalar(sa.select(sa.func.count()).select_from(ImportBatch.__table__))
        responses = connection.scalar(sa.text("SELECT count(*) FROM evaluation_response"))
    assert preview.created > 0 and (batches, responses) == (1, preview.created)


def _first_import(engine: Engine) -> tuple[int, str, str]:
    """Return the module's only evaluation import: its number (1, the first of its kind), account and time, by SQL."""
    with engine.connect() as connection:
        username, created_at = connection.execute(sa.text("SELECT username, created_at FROM import_batch")).one()
    moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    return 1, username, f"{moment:%d %b %Y at %H:%M} UTC"


def test_the_refusal_at_the_click_names_when_and_by_whom_the_export_was_imported(engine: Engine) -> None:
    """The refusal said "imported meanwhile, by a colleague's import of the same export (listed under Past imports)":
    who and when were only under Past imports. Account names are staff's, not participants' data."""
    from programme.evaluations.importing import ImportedMeanwhile, import_from_preview

    with Session(engine) as session:
        module_id = make_module(session).id
        session.commit()
    arguments = {"data": SAMPLE.read_bytes(), "filename": SAMPLE.name, "module_id": module_id}
    with Session(engine) as colleague:
        import_evaluations(colleague, **arguments, by="amira")
        colleague.commit()
    number, username, when = _first_import(engine)
    assert username == "amira"
    with Session(engine) as session:
        preview = plan_evaluations(session, **arguments)
        assert preview.created == 0 and preview.imported_before == f"import {number}, on {when} by amira"
        try:
            import_from_preview(session, by="facilitator", **arguments)
        except ImportedMeanwhile as refusal:
            said = str(refusal)
        else:
            raise AssertionError("an import of nothing new was written")
    assert "every response in this file was imported meanwhile" in said
    assert f"import {number}, on {when} by amira" in said, said

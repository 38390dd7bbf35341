"""The evaluation import is plan-then-apply: a plan writes nothing, apply writes it in one go; --column changes a
column's role (CLI and plan). Figures computed here by hand from the small files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.cli import main
from programme.core.errors import ProgrammeError
from programme.evaluations import apply_evaluations, module_summary, plan_evaluations
from programme.models import Answer, ImportBatch, Response
from tests.test_evaluations import csv_bytes, make_module
from tests.test_intake_tools import TOOLS

# A sheet typed by hand: "Overall" holds 1-5 ratings, but "Day attended" (1, 2, 3) is no rating at all.
TYPED = "_uuid,Overall,Day attended,Comments\nu1,4,1,Thank you\nu2,5,2,\nu3,3,3,Long days\n"


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(table)) for table in (Response, Answer, ImportBatch)
    )


def test_a_plan_writes_nothing_and_apply_writes_it(session: Session) -> None:
    module = make_module(session)
    data = (TOOLS / "typeform.csv").read_bytes()
    plan = plan_evaluations(session, data=data, filename="typeform.csv", module_id=module.id)
    assert (plan.created, plan.written, plan.errors) == (len(plan.fresh), False, [])
    assert _counts(session) == (0, 0, 0)
    done = apply_evaluations(session, plan, by="tester")
    assert done.written and done.form_id is not None
    assert _counts(session)[0] == plan.created and _counts(session)[2] == 1


def test_apply_refuses_a_plan_with_errors(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,Overall quality\nu1,Very weak\nu2,Strong\nu3,Average\nu4,Weak\n")
    plan = plan_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert plan.unknown_labels == {"Overall quality": ["Very weak", "Strong", "Average", "Weak"]}
    with pytest.raises(ProgrammeError, match="errors to fix"):
        apply_evaluations(session, plan)
    assert _counts(session) == (0, 0, 0)


def test_column_roles_change_what_is_read(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes(TYPED)
    plan = plan_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    roles = {item["header"]: item["role"] for item in plan.columns}
    assert roles == {"_uuid": "response id", "Overall": "rating", "Day attended": "rating", "Comments": "text"}
    chosen = plan_evaluations(
        session, data=data, filename="f.csv", module_id=module.id, columns={"Day attended": "meta"}
    )
    assert {item["header"]: item["role"] for item in chosen.columns}["Day attended"] == "meta"
    apply_evaluations(session, chosen)
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    assert "Day attended" not in summary
    assert (summary["Overall"]["n"], summary["Overall"]["mean"]) == (3, pytest.approx((4 + 5 + 3) / 3))


def test_a_role_for_a_column_the_file_lacks_is_refused(session: Session) -> None:
    module = make_module(session)
    with pytest.raises(ProgrammeError, match="no column 'Nope'"):
        plan_evaluations(
            session, data=csv_bytes(TYPED), filename="f.csv", module_id=module.id, columns={"Nope": "meta"}
        )


@pytest.fixture
def cli_module(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    from programme.core.db import make_engine, session_scope

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        make_module(session, code="EVC")
    return sqlite_url


def test_cli_column_option(cli_module: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "typed.csv"
    path.write_text(TYPED, encoding="utf-8")
    args = ["import", "evaluations", str(path), "--course", "EVC", "--module", "1", "--json", "--dry-run"]
    assert main([*args, "--column", "ignore=Day attended", "--column", "text=Overall"]) == 0
    report = json.loads(capsys.readouterr().out)
    roles = {item["header"]: item["role"] for item in report["columns"]}
    assert (roles["Day attended"], roles["Overall"]) == ("meta", "text")
    assert main([*args, "--column", "colour=Overall"]) == 2
    err = capsys.readouterr().err
    assert "not a column role" in err and "Traceback" not in err
    assert main([*args, "--column", "rating=Missing"]) == 2
    assert "no column 'Missing'" in capsys.readouterr().err

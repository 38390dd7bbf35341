"""The house rules for pages: thin (at most 250 lines), no SQL or ORM, no audit entries of their own, no
try/except around domain calls (ui.action does it), and no code repeated between pages."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlmodel

import programme.models as models

PAGES = sorted((Path(__file__).resolve().parents[1] / "pages").glob("*.py"))
MAX_PAGE_LINES = 250


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_there_are_pages() -> None:
    assert len(PAGES) >= 15


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_is_over_250_lines(page: Path) -> None:
    lines = len(page.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{page.name} has {lines} lines; move widgets to programme/web/, logic to its area"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_pages_import_neither_sqlmodel_nor_sqlalchemy(page: Path) -> None:
    imported = set()
    for node in ast.walk(_tree(page)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"sqlmodel", "sqlalchemy"}, page.name


def _tables() -> set[str]:
    """The names of the ORM tables programme.models exports (what a page must not look up itself)."""
    return {
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, sqlmodel.SQLModel) and hasattr(value, "__table__")
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_pages_neither_import_tables_nor_look_them_up(page: Path) -> None:
    tables = _tables()
    assert {"Module", "Course", "Person"} <= tables  # the check below sees the tables
    for node in ast.walk(_tree(page)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("programme.models"):
            named = {alias.name for alias in node.names} & tables
            assert not named, f"{page.name} imports the table(s) {sorted(named)}: read them through programme/"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            first = node.args[0] if node.args else None
            assert not (isinstance(first, ast.Name) and first.id in tables), f"{page.name}:{node.lineno} ORM look-up"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_pages_write_no_audit_entries(page: Path) -> None:
    """Writes are audited where they happen, in programme/; the Audit trail page only reads it (audit.search)."""
    source = page.read_text(encoding="utf-8")
    calls = set(re.findall(r"\baudit\.(\w+)\(", source))
    assert calls <= {"search"}, f"{page.name} calls audit.{sorted(calls - {'search'})}"
    for node in ast.walk(_tree(page)):
        if isinstance(node, ast.ImportFrom) and node.module == "programme.access.audit":
            assert {alias.name for alias in node.names} <= {"search"}, page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_pages_leave_errors_to_ui_action(page: Path) -> None:
    """A domain call's refusal is shown by ui.action (or ui.attempt), not by a try/except of the page's own."""
    for node in ast.walk(_tree(page)):
        if isinstance(node, ast.ExceptHandler):
            caught = ast.unparse(node.type) if node.type else "everything"
            assert "ProgrammeError" not in caught, f"{page.name}:{node.lineno} catches {caught}"


def test_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The scans above fail on a page that breaks them (so that a pass means something)."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlmodel import Session\nfrom programme.models import Module\nfrom programme.access import audit\n"
        "try:\n    module = db.get(Module, 1)\n    audit.record(db, action='x', username=None)\n"
        "except ProgrammeError:\n    pass\n",
        encoding="utf-8",
    )
    for rule in (
        test_pages_import_neither_sqlmodel_nor_sqlalchemy,
        test_pages_neither_import_tables_nor_look_them_up,
        test_pages_write_no_audit_entries,
        test_pages_leave_errors_to_ui_action,
    ):
        with pytest.raises(AssertionError):
            rule(bad)


def _pairs_between_pages(output: str) -> list[str]:
    rows = [line for line in output.splitlines() if re.match(r"D\d+ ", line)]
    between = []
    for row in rows:
        first, second = re.findall(r"(\S+?\.py):\d+-\d+", row)[:2]
        if first != second:
            between.append(row)
    return between


def test_duplicates_reads_rows_between_two_pages() -> None:
    output = "2 pairs\nD1 a.py:1-9 ~ b.py:3-11 shape\nD2 c.py:1-7 ~ c.py:20-26 shape\n"
    assert _pairs_between_pages(output) == ["D1 a.py:1-9 ~ b.py:3-11 shape"]


@pytest.mark.skipif(shutil.which("duplicates") is None, reason="the duplicates command is not installed here")
def test_no_code_is_repeated_between_pages() -> None:
    pages = PAGES[0].parent
    found = subprocess.run(
        ["duplicates", "--repo", str(pages), "--most", "200", "--seconds", "60"],
        capture_output=True,
        text=True,
        check=False,
        cwd=pages,
    )
    assert "incomplete" not in found.stdout, found.stdout
    assert not _pairs_between_pages(found.stdout), found.stdout

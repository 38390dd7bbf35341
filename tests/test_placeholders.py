"""Streamlit's own words on an empty box ("Choose an option", "Choose options", "Choose or add an option") are not
ours: every selectbox that starts empty and every multiselect says what it is empty for ("Pick a next step",
"All countries", "Any nationality")."""

from __future__ import annotations

import ast

import pytest

from programme.core.db import REPO_ROOT
from programme.models import UserRole
from tests.apptest_support import run_page

SOURCES = sorted([*(REPO_ROOT / "pages").glob("*.py"), *(REPO_ROOT / "programme" / "web").glob("*.py"),
                  REPO_ROOT / "public" / "form.py"])  # fmt: skip
STREAMLIT_WORDS = {"", "Choose an option", "Choose options", "Choose or add an option", "Choose or add options"}


def _starts_empty(call: ast.Call) -> bool:
    """A selectbox with index=None (or taking new options) starts empty; a multiselect always may."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    if name == "multiselect":
        return True
    index = keywords.get("index")
    return name == "selectbox" and (
        (isinstance(index, ast.Constant) and index.value is None) or "accept_new_options" in keywords
    )


def _may_be_none(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.IfExp):
        return _may_be_none(node.body) or _may_be_none(node.orelse)
    return False


def _unworded() -> list[str]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _starts_empty(node):
                placeholder = {keyword.arg: keyword.value for keyword in node.keywords}.get("placeholder")
                if placeholder is None or _may_be_none(placeholder):
                    found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    return found


def test_every_box_that_starts_empty_says_what_for_in_our_words() -> None:
    assert _unworded() == []


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def test_the_reach_filters_say_all_when_empty(demo_db: str) -> None:
    """Drawn: each empty filter says what it holds when nothing is chosen, none says Streamlit's "Choose options"."""
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert not app.exception
    shown = {box.label: box.proto.placeholder for box in app.multiselect}
    assert {shown[label] for label in ("Course", "Module", "Scope", "Country", "Gender", "Organisation type", "Role")} == {
        "All courses", "All modules", "All scopes", "All countries", "All genders", "All organisation types", "All roles"
    }  # fmt: skip
    assert not STREAMLIT_WORDS & set(shown.values()), shown

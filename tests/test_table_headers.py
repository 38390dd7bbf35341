"""Every table a page draws is headed in words ("Times made", "Mean rating"), as a user reads them, never with the
programme's own column keys ("times_made", "org_type") or a bare lower-case key ("session", "n"): on every page and
every tab, as an administrator, on the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from programme.models import UserRole
from programme.web.navigation import PAGES
from tests.apptest_support import run_page

LAZY_TABS = re.compile(r"ui\.lazy_tabs\(.*?key=\"([^\"]+)\"", re.DOTALL)
# A header as a user reads it: it opens with a capital or a figure and holds no underscore.
IN_WORDS = re.compile(r"^[^a-z_][^_]*$")


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _headers(frame) -> list[str]:  # type: ignore[no-untyped-def]
    """A table's headers as shown: the column_config label, else the column's name (hidden columns and those the
    table's column_order leaves out are not shown)."""
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order)
    shown = []
    for column in order or frame.value.columns:
        own = config.get(str(column), {})
        if own.get("hidden"):
            continue
        shown.append(own.get("label", str(column)))
    return shown


def _raw(app, where: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    assert not app.exception, (where, [e.value for e in app.exception])
    return [(where, header) for frame in app.dataframe for header in _headers(frame) if not IN_WORDS.match(header)]


@pytest.mark.parametrize("path", [page.path for page in PAGES])
def test_every_table_on_every_page_and_tab_is_headed_in_words(demo_db: str, path: str) -> None:
    app = run_page(path, UserRole.ADMIN)
    raw = _raw(app, path)
    for key in LAZY_TABS.findall(Path(path).read_text(encoding="utf-8")):
        for label in [tab.label for tab in app.tabs]:
            app.session_state[key] = label
            app.run()
            raw += _raw(app, f"{path} › {label}")
    assert not raw, sorted(set(raw))

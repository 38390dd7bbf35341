"""A download does not run the page again: Streamlit's default (on_click="rerun") reruns the page on each click,
which gives the page's other deferred downloads new file ids, so a second download clicked before the browser
had them fetched nothing ("Deferred file ... not found" in the server's log, and nothing for the user: a team's
journey clicked Reach's Completion and By year tables' .csv one after the other). A download button given no
callback of its own is frontend-only (on_click="ignore"), on every page that offers one on the demo."""

from __future__ import annotations

import pytest

from programme.models import UserRole
from tests.apptest_support import run_page


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _downloads(app) -> list:  # type: ignore[no-untyped-def]
    return [element.proto for element in app.get("download_button")]


@pytest.mark.parametrize(
    ("path", "tab_key", "tabs"),
    [
        ("pages/reach.py", "reach_tab", ["Completion", "By year"]),
        ("pages/reports.py", None, []),
        ("pages/evaluations.py", "evaluations_tab", ["Comments"]),
    ],
)
def test_a_download_does_not_run_the_page_again(demo_db: str, path: str, tab_key: str | None, tabs: list[str]) -> None:
    app = run_page(path, UserRole.ADMIN)
    assert not app.exception
    found = _downloads(app)
    for tab in tabs:
        app.session_state[tab_key] = tab
        app.run()
        assert not app.exception
        found += _downloads(app)
    assert found, path  # the page offers downloads on the demo
    assert [proto.label for proto in found if not proto.ignore_rerun] == []

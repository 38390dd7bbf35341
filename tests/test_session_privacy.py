"""What the browser session keeps of a user's work: no file of people prepared earlier, nothing after signing out."""

from __future__ import annotations

import pytest

from programme.models import UserRole
from tests.apptest_support import run_page


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _search(app, text: str):  # type: ignore[no-untyped-def]
    next(box for box in app.text_input if box.label == "Search").input(text).run()
    assert not app.exception
    return app


def _kept_files(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the session's keys holding a file's bytes (or a tuple with one)."""
    kept = []
    for key, value in app.session_state.to_dict().items():
        if isinstance(value, bytes) or (isinstance(value, tuple) and any(isinstance(v, bytes) for v in value)):
            kept.append(key)
    return kept


def test_an_alumni_export_is_made_on_the_click_and_never_kept_in_the_session(demo_db: str) -> None:
    """A file kept in the session was offered again after the search changed or someone withdrew their consent
    to be listed (with them in it), and to whoever signed in next at that browser."""
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "Uddin")
    for button in [button for button in app.button if button.label == "Prepare the file"]:
        button.click().run()
        assert not app.exception
    assert not _kept_files(app)
    downloads = [element for element in app.download_button if "alumni" in element.label]
    assert [element.label for element in downloads] == ["Download alumni.xlsx"]


def test_signing_out_forgets_the_user_s_searches_and_opened_records(demo_db: str) -> None:
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "Uddin")
    assert app.session_state["search"] == "Uddin"
    next(button for button in app.sidebar.button if button.label == "Log out").click().run()
    assert not app.exception
    assert "signed_in" not in app.session_state
    assert "search" not in app.session_state
    assert [box.label for box in app.text_input] == ["Username", "Password"]


def test_no_table_offers_streamlit_s_own_csv_download() -> None:
    """Seen in Chromium on Participants: the table's toolbar offered "Download as CSV", a file of every listed
    person's e-mail and phone whatever their consent, "=HYPERLINK(...)" cells left as formulas (Streamlit quotes
    only separators), and no audit entry; the page's own export, beside it, is consent-aware, formula-safe and
    audited. The app's configuration turns that download off for every table."""
    import tomllib

    from streamlit import config as streamlit_config

    from programme.core.db import REPO_ROOT

    assert "client.disableDataExport" in streamlit_config._config_options_template  # an option Streamlit reads
    with (REPO_ROOT / ".streamlit" / "config.toml").open("rb") as file:
        assert tomllib.load(file)["client"]["disableDataExport"] is True

"""Running a page with Streamlit's AppTest as a signed-in user."""

from __future__ import annotations

import re
import time

from streamlit.testing.v1 import AppTest

from programme.accounts import SignedIn
from programme.db import REPO_ROOT
from programme.display import WORD_JOINER
from programme.models import UserRole

# A page's first run builds caches and imports plotly; allow for a slow CI machine.
PAGE_TIMEOUT_SECONDS = 60


def run_page(path: str, role: UserRole | None = UserRole.ADMIN, username: str = "tester") -> AppTest:
    """Return the AppTest after one run of the page, signed in with role (or signed out for None)."""
    app = AppTest.from_file(str(REPO_ROOT / path), default_timeout=PAGE_TIMEOUT_SECONDS)
    app.session_state["_apptest"] = True  # run the page file itself, as the tests intend
    if role is not None:
        app.session_state["signed_in"] = SignedIn(user_id=1, username=username, role=role)
        app.session_state["last_seen"] = time.monotonic()
    return app.run()


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown_text(markdown: str) -> str:
    """Return Markdown source as its words read on screen: without the escapes of display.md_text."""
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")

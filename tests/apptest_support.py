"""Running a page with Streamlit's AppTest as a signed-in user."""

from __future__ import annotations

import os
import re
import time

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from programme.access.accounts import SignedIn
from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.models import User, UserRole
from programme.web.display import WORD_JOINER

# A page's first run builds caches and imports plotly; allow for a slow CI machine.
PAGE_TIMEOUT_SECONDS = 60


def run_page(
    path: str,
    role: UserRole | None = UserRole.ADMIN,
    username: str = "tester",
    *,
    account: bool = True,
    address: dict[str, str] | None = None,
) -> AppTest:
    """Return the AppTest after one run of the page, signed in with role (or signed out for None); address: the
    query parameters the page is opened with ({"module": "12"} for ?module=12).

    The signed-in user is a real account of the database at DATABASE_URL (made, or set to the role): every page
    checks the account at each run (a disabled account is signed out). account=False signs in without one.
    """
    app = AppTest.from_file(str(REPO_ROOT / path), default_timeout=PAGE_TIMEOUT_SECONDS)
    app.session_state["_apptest"] = True  # run the page file itself, as the tests intend
    if role is not None:
        user_id = real_account(username, role) if account else None
        app.session_state["signed_in"] = SignedIn(user_id=user_id or 0, username=username, role=role)
        app.session_state["last_seen"] = time.monotonic()
    for name, value in (address or {}).items():
        app.query_params[name] = value
    return app.run()


def real_account(username: str, role: UserRole) -> int | None:
    """Return the id of an active account with this name and role in the DATABASE_URL database (made if missing;
    no password can sign in to it); None when there is no database to hold one yet."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    engine = make_engine(url)
    try:
        if not sa.inspect(engine).has_table(User.__tablename__):
            return None
        with session_scope(engine) as session:
            user = session.scalar(sa.select(User).where(User.username == username))
            if user is None:
                user = User(username=username, password_hash="!", role=role)
                session.add(user)
            user.role, user.active = role, True
            session.flush()
            return int(user.id)
    finally:
        engine.dispose()


def edit_grid(
    app: AppTest,
    key: str,
    *,
    added_rows: list[dict] = (),
    edited_rows: dict | None = None,
    deleted_rows: list[int] = (),
) -> AppTest:
    """Run the page again as if the user had typed into the st.data_editor with this key; return the AppTest.

    AppTest cannot edit a data editor (its Dataframe.set_value raises), so this sends what the browser
    sends: the editor's state as JSON in a string widget value (Streamlit's data_editor, value_type
    "string_value": {"edited_rows": {row: {column: value}}, "added_rows": [{column: value}],
    "deleted_rows": [row]}), with values as the grid's cells give them (a time picker's "09:00:00.000").
    The state is kept for later runs, as in the browser.
    """
    import json

    from streamlit.proto.WidgetStates_pb2 import WidgetState

    editor = next(grid for grid in app.data_editor if grid.key == key)
    state = {"edited_rows": edited_rows or {}, "added_rows": list(added_rows), "deleted_rows": list(deleted_rows)}
    widgets = app._tree.get_widget_states()  # the other widgets' values, as AppTest.run would send them
    widgets.widgets.append(WidgetState(id=editor.proto.id, string_value=json.dumps(state)))
    return app._run(widgets)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown_text(markdown: str) -> str:
    """Return Markdown source as its words read on screen: without the escapes of display.md_text."""
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")

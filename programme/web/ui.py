"""The one Streamlit-aware module: engine cache, the sign-in guard every page calls, shared widgets."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.access import accounts, passwords
from programme.access.accounts import SignedIn
from programme.core import schema
from programme.core.db import database_url, make_engine, read_scope, session_scope
from programme.core.errors import ProgrammeError
from programme.core.freshness import data_version
from programme.core.settings import is_demo
from programme.courses import search as module_search
from programme.models import UserRole
from programme.reach import headline
from programme.web import navigation
from programme.web.display import md_text, readable

# A signed-in session ends after this long without any interaction.
INACTIVITY_TIMEOUT_SECONDS = 30 * 60
_USER_KEY = "signed_in"
_run = threading.local()  # each script run has its own thread: marks runs that came through the navigation
ENTRY_SCRIPT = "streamlit_app.py"
_SEEN_KEY = "last_seen"
_FLASH_KEY = "flash_messages"


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    if not schema.is_up_to_date(engine):
        schema.upgrade(engine)
    return engine


def engine() -> Engine:
    """Return the app's engine, with the schema upgraded on first use."""
    return _engine(database_url())


@contextmanager
def db() -> Iterator[Session]:
    """Yield a database session that commits on success."""
    with session_scope(engine()) as session:
        yield session


T = TypeVar("T")
# Cached figures are also dropped after this long, in case a change came from outside the app.
FIGURES_TTL_SECONDS = 300


# The spinner shows only while a figure is computed (a cache miss): at 500,000 people the first run after a
# change can take tens of seconds.
@st.cache_data(ttl=FIGURES_TTL_SECONDS, show_spinner="Computing the figures…", max_entries=512)
def _cached_call(url: str, version: tuple[int, ...], module: str, name: str, args: tuple, kwargs: tuple) -> Any:
    function = getattr(importlib.import_module(module), name)
    with read_scope(_engine(url)) as session:
        return function(session, *args, **dict(kwargs))


def cached_query(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return function(session, *args, **kwargs), kept until the data changes (see freshness.data_version).

    For read-only query functions of programme/ whose arguments are hashable (ids, filters, the signed-in
    user): a page's option lists and aggregates are computed once, not on every rerun of the script.
    """
    with read_scope(engine()) as session:
        version = data_version(session)
    return _cached_call(
        database_url(), version, function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items()))
    )


def cached_headline() -> dict[str, int]:
    """Return the headline figures, recomputed only when the data changed (they scan every participation)."""
    return cached_query(headline)


def current_user() -> SignedIn | None:
    """Return who is signed in, ending the session after inactivity."""
    user = st.session_state.get(_USER_KEY)
    if user is None:
        return None
    if time.monotonic() - st.session_state.get(_SEEN_KEY, 0) > INACTIVITY_TIMEOUT_SECONDS:
        sign_out(reason="You were signed out after 30 minutes without activity.")
        return None
    st.session_state[_SEEN_KEY] = time.monotonic()
    return user


def sign_out(reason: str | None = None) -> None:
    """Forget the signed-in user."""
    st.session_state.pop(_USER_KEY, None)
    if reason:
        st.session_state["signed_out_reason"] = reason


@contextmanager
def navigation_run() -> Iterator[None]:
    """Mark the current script run as started by streamlit_app.py (not a page address opened directly)."""
    _run.via_navigation = True
    try:
        yield
    finally:
        _run.via_navigation = False


def guard(page_file: str) -> SignedIn:
    """Return the signed-in user, or show the sign-in form and stop the page.

    Every page calls this first, as ui.guard(__file__): a page's address opened directly must meet the sign-in
    form, not data. The role it needs is the one navigation.PAGES declares for it, so it is declared once.
    """
    minimum = navigation.role_for(page_file)
    user = current_user() or _single_sign_on_user()
    if user is None:
        with db() as session:
            has_accounts = accounts.count_users(session) > 0
        if has_accounts:
            _login_form()
        else:
            _first_admin_form()
        st.stop()
    if not getattr(_run, "via_navigation", False) and _running_in_a_server():
        # Opened by its address on a fresh session: continue through the app, with its navigation.
        st.switch_page(ENTRY_SCRIPT)
    if not user.role.at_least(minimum):
        st.error(f"This page needs the {minimum.value} role; you are signed in as {user.role.value}.")
        st.stop()
    _sidebar(user)
    show_flash()
    return user


def flash(message: str, kind: str = "success") -> None:
    """Keep a message to show at the top of the page after the rerun that follows (st.rerun would wipe it).

    kind: success, info or warning. ui.guard (every page) and the sign-in form show the messages, once.
    """
    st.session_state.setdefault(_FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    """Show the messages kept by flash() and forget them."""
    for kind, message in st.session_state.pop(_FLASH_KEY, []):
        {"info": st.info, "warning": st.warning}.get(kind, st.success)(message)


def forget(*keys: str) -> None:
    """Clear widgets (by key) to their defaults on the next run: a form kept as typed until it was saved."""
    for name in keys:
        st.session_state.pop(name, None)


def done(message: str, *, clear: Sequence[str] = ()) -> None:
    """After a successful save: clear the form's widgets, keep the message for the next run, and rerun."""
    forget(*clear)
    flash(message)
    st.rerun()


def tabs(labels: Sequence[str], *, key: str) -> Sequence[Any]:
    """Draw tabs that stay where the user was across reruns (a save, a message above them), unlike plain tabs.

    Every tab's content still runs on each run; use lazy_tabs for tabs whose content is costly.
    """
    return st.tabs(list(labels), key=key, on_change="rerun")


def single_sign_on_configured() -> bool:
    """Return whether the deployment configured an OIDC identity provider ([auth] in secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: the usual offline laptop
        return False


def _single_sign_on_user() -> SignedIn | None:
    if not single_sign_on_configured() or not st.user.is_logged_in:
        return None
    with db() as session:
        user = accounts.authenticate_external(session, st.user.get("email"))
    if user is None:
        st.error("Your organisation account has no Programme Manager account yet; ask an administrator.")
        return None
    st.session_state[_USER_KEY] = user
    st.session_state[_SEEN_KEY] = time.monotonic()
    return user


def _running_in_a_server() -> bool:
    # AppTest runs page files on their own on purpose; only a real server session is redirected.
    return st.runtime.exists() and not st.session_state.get("_apptest", False)


def _login_form() -> None:
    st.title("Programme Manager")
    show_flash()
    reason = st.session_state.pop("signed_out_reason", None)
    if reason:
        st.info(reason)
    if single_sign_on_configured():
        st.button("Sign in with your organisation account", on_click=st.login)
        st.caption("Or sign in with a local account:")
    with st.form("login"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        with db() as session:
            user = accounts.authenticate(session, username, password, client=_client_address())
        if user is None:
            # One message for every refusal: unknown, disabled, wrong password or waiting after failures.
            st.error(accounts.SIGN_IN_REFUSED)
            return
        st.session_state[_USER_KEY] = user
        st.session_state[_SEEN_KEY] = time.monotonic()
        st.rerun()


def _client_address() -> str | None:
    """Return the address the browser connects from (None on this machine): sign-in waits are counted per client."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no connection context (a bare script run): the local client
        return None
    return address if isinstance(address, str) else None  # AppTest hands a stand-in object


def _first_admin_form() -> None:
    st.title("Welcome to Programme Manager")
    st.write("No account exists yet. Create the first administrator account to start.")
    with st.form("first_admin"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password", help=passwords.POLICY)
        repeat = st.text_input("Repeat the password", type="password")
        submitted = st.form_submit_button("Create administrator", type="primary")
    if not submitted:
        return
    if password != repeat:
        st.error("The two passwords differ.")
        return
    try:
        with db() as session:
            if accounts.count_users(session) > 0:
                st.error("An account was created meanwhile; please sign in.")
                return
            accounts.add_user(session, username=username, password=password, role=UserRole.ADMIN, by=username)
    except ProgrammeError as error:
        st.error(str(error))
        return
    flash(f"Administrator account {username} created. Sign in with it to start.")
    st.rerun()


def _sidebar(user: SignedIn) -> None:
    with st.sidebar:
        st.caption(f"Signed in as **{md_text(user.username)}** ({user.role.value})")
        if st.button("Log out", key="logout"):
            sign_out()
            if single_sign_on_configured() and st.user.is_logged_in:
                st.logout()
            st.rerun()
        with db() as session:
            if is_demo(session):
                st.warning("Demo data: synthetic people, not real records.", icon=":material/science:")


def module_picker(
    key: str,
    *,
    label: str = "Module",
    evaluated: bool = False,
    from_address: bool = False,
    empty: str = "There are no modules yet. Add a course and its modules on **Courses and modules** first.",
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> int | None:
    """Draw the module picker every page shares and return the chosen module's id (None: nothing to pick).

    It lists the newest modules (module_search.PICKER_LIMIT) with a find box beside it (course code or title,
    module title, city or year); the choice is kept under `key` across reruns. from_address: the first choice
    comes from the address (?module=ID), and the address follows the choice. evaluated: only modules with
    evaluation responses. empty: what to say when there is no module at all. funders, grants: only the modules
    their grants fund (the module chosen before is then dropped if they do not fund it).
    """
    find, pick = st.columns([1, 2])
    search = find.text_input(
        "Find a module", key=f"{key}_find", placeholder="Course code or title, city or year"
    ).strip()
    chosen = st.session_state.get(key)
    if chosen is None and from_address:
        wanted = st.query_params.get("module", "")
        chosen = int(wanted) if wanted.isdigit() else None
    funding = {"funders": funders, "grants": grants} if funders or grants else {}
    chosen = follow_search(key, search, chosen, evaluated=evaluated, **funding)
    include = None if funding else chosen
    choices = cached_query(module_search.module_choices, search, evaluated=evaluated, include=include, **funding)
    if search and not choices.matching:
        find.warning(f"No module matches '{md_text(search)}': try part of a course code, a title, a city or a year.")
    elif not choices.labels:
        st.info(empty)
    if not choices.labels:
        return None
    ids = list(choices.labels)
    if st.session_state.get(key) not in choices.labels:
        st.session_state[key] = chosen if chosen in choices.labels else ids[0]
    module_id = pick.selectbox(label, ids, format_func=choices.labels.get, key=key)
    if from_address:
        st.query_params["module"] = str(module_id)
    if choices.matching > len(ids):
        pick.caption(
            f"The newest {len(ids):,} of {choices.matching:,} modules{' matching' if search else ''} are listed; "
            "type in **Find a module** to narrow."
        )
    return module_id


def follow_search(
    key: str,
    search: str,
    chosen: int | None,
    *,
    evaluated: bool = False,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> int | None:
    """Return the module to choose under `key`: a new search chooses its first match, unless `chosen` matches it.

    Without this, typing a course code in "Find a module" narrows the list but leaves another course's module
    selected, and the page goes on showing it.
    """
    if search == st.session_state.get(f"{key}_searched", ""):
        return chosen
    st.session_state[f"{key}_searched"] = search
    funding = {"funders": funders, "grants": grants} if funders or grants else {}
    found = cached_query(module_search.module_choices, search, evaluated=evaluated, **funding) if search else None
    if found and found.labels and chosen not in found.labels:
        chosen = st.session_state[key] = next(iter(found.labels))
    return chosen


def lazy_tabs(labels: Sequence[str], *, key: str, keep: Sequence[str] = ()) -> Sequence[Any]:
    """Draw tabs that rerun when the user switches, so that a page runs only the open one (`tab.open`).

    A widget not drawn in a run loses its value; `keep` names the keys of widgets in the tabs whose values
    must survive while their tab is hidden (a search typed in one tab is still there on coming back).
    """
    for name in keep:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]
    return st.tabs(list(labels), key=key, on_change="rerun")


def import_to_undo(imports: pd.DataFrame, *, key: str, describe: Callable[[pd.Series], str], effect: str) -> int | None:
    """Show past imports (a "batch" column, "imported at", "undone at") and a confirmed undo form for the ones
    not yet undone; return the import to undo once the user confirmed it, else None."""
    shown = readable(imports, text=["by", "course", "module"], times=["imported at", "undone at"])
    st.dataframe(shown, hide_index=True, width="stretch", column_config={"batch": "Import"})
    still = imports[imports["undone at"].isna()]
    if still.empty:
        return None
    described = {int(row["batch"]): describe(row) for _, row in still.iterrows()}
    with st.form(key):
        batch_id = st.selectbox("Import to undo", list(described), format_func=described.get, key=f"{key}_batch")
        st.caption(effect)
        sure = st.checkbox("Yes, undo this import", key=f"{key}_sure")
        submitted = st.form_submit_button("Undo import")
    if not submitted:
        return None
    if not sure:
        st.warning("Tick the box to confirm.")
        return None
    return int(batch_id)


def show_error(error: Exception) -> None:
    """Show a user's mistake as a clear message (never a traceback)."""
    st.error(md_text(error) if isinstance(error, ProgrammeError) else "Something went wrong; nothing was saved.")


# Scrolls the app's main area (and the window) to the top: Streamlit keeps the scroll position across reruns.
_SCROLL_TO_TOP = """<script>
for (const area of [window.parent.document.querySelector('[data-testid="stMain"]'),
                    window.parent.document.scrollingElement]) { if (area) { area.scrollTo(0, 0); } }
</script>"""


def scroll_to_top() -> None:
    """Show what replaced the content at the top of the page (a profile opened from a card far down the list)."""
    import streamlit.components.v1 as components

    components.html(_SCROLL_TO_TOP, height=0)

"""Sign-in: the guard every page calls first, the sign-in and first-administrator forms, the sidebar."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st
from sqlmodel import Session

from programme.access import accounts, passwords
from programme.access.accounts import SignedIn
from programme.access.remembered import REMEMBERED, client_digest
from programme.core.errors import ProgrammeError
from programme.core.settings import is_demo
from programme.models import UserRole
from programme.web import browser_cookie, navigation, warmup
from programme.web.engine import db
from programme.web.messages import flash, show_flash
from programme.web.text import md_text

# A signed-in session ends after this long without any interaction.
INACTIVITY_TIMEOUT_SECONDS = 30 * 60
_USER_KEY = "signed_in"
_run = threading.local()  # each script run has its own thread: marks runs that came through the navigation
ENTRY_SCRIPT = "streamlit_app.py"
_SEEN_KEY = "last_seen"
# The token this session's sign-in handed the browser (programme/access/remembered.py), and a sign-out's note that
# the browser should drop its cookie.
_TOKEN_KEY = "sign_in_token"
_EXPIRE_KEY = "sign_in_cookie_expire"
_WRITE_KEY = "sign_in_cookie_write"
_ASKED_KEY = "asked_before_sign_in"  # the page's address opened signed out (requested_page)


def current_user() -> SignedIn | None:
    """Return who is signed in (this session's sign-in, or the browser's from before a reload), ending the session
    after inactivity."""
    user = st.session_state.get(_USER_KEY)
    if user is None:
        return _remembered_user()
    if time.monotonic() - st.session_state.get(_SEEN_KEY, 0) > INACTIVITY_TIMEOUT_SECONDS:
        sign_out(reason="You were signed out after 30 minutes without activity.")
        return None
    st.session_state[_SEEN_KEY] = time.monotonic()
    token = st.session_state.get(_TOKEN_KEY)
    if token and not REMEMBERED.touch(token):
        # The browser's sign-in this session stands on ended elsewhere: a log-out in another tab of this browser
        # (which must not leave this tab signed in on a shared computer), or its 12 hours.
        sign_out(reason="You were signed out: this browser's sign-in ended (a log-out in another tab, or 12 hours).")
        return None
    with db() as session:
        now = accounts.still_signed_in(session, user)
    if now is None:
        sign_out(
            reason="Your account was disabled or is not in this database (a backup was restored); ask an administrator if you need it again."
        )
        return None
    if now != user:
        st.session_state[_USER_KEY] = now  # an administrator changed the role: it applies from this page on
    return now


# What a sign-out keeps of the session: the tests' marker only. The rest was the user's own: their searches, the
# records they opened, files prepared for them, forms half filled.
_KEPT_ON_SIGN_OUT = ("_apptest",)


def sign_out(reason: str | None = None) -> None:
    """Forget the signed-in user and everything their pages kept in the session, so that whoever signs in next
    at this browser (after a log-out or 30 minutes away) finds none of it. The browser's token ends with it."""
    token = st.session_state.get(_TOKEN_KEY)
    REMEMBERED.forget(token)
    for key in list(st.session_state.keys()):
        if key not in _KEPT_ON_SIGN_OUT:
            del st.session_state[key]
    if reason:
        st.session_state["signed_out_reason"] = reason
    if token:
        st.session_state[_EXPIRE_KEY] = True


def sign_out_every_browser() -> None:
    """After a restore: every browser's token ends (the accounts are now the backup's) and this session signs out."""
    REMEMBERED.forget_all()
    sign_out()


def _remembered_user() -> SignedIn | None:
    """Sign in again a browser whose token this server issued and still honours (a reload, a second tab)."""
    token = browser_cookie.token()
    if token is None:
        return None
    with db() as session:
        user = REMEMBERED.recall(session, token, client=_client())
    if user is None:
        return None
    st.session_state[_USER_KEY] = user
    st.session_state[_SEEN_KEY] = time.monotonic()
    st.session_state[_TOKEN_KEY] = token
    return user


def _remember(session: Session, user: SignedIn) -> None:
    """Hand the browser a token for this sign-in, so that a reload keeps it (the cookie is set by guard)."""
    st.session_state[_TOKEN_KEY] = REMEMBERED.issue(session, user, client=_client())
    st.session_state[_WRITE_KEY] = True


@contextmanager
def navigation_run() -> Iterator[None]:
    """Mark the current script run as started by streamlit_app.py (not a page address opened directly); the page
    that runs in it waits for the background imports first (never two threads importing at once: warmup.finish)."""
    warmup.finish()
    _run.via_navigation = True
    try:
        yield
    finally:
        _run.via_navigation = False


def requested_page() -> str | None:
    """Return the page's address the browser asked for in this run ("participants"), before the navigation resolves
    it; None when it asked for none (a click in the app's menu names the page by its script, not its address).

    Signed out, the address asked for is kept until the sign-in (note_requested_page): the run after the Log in
    click names the page by its script only, and a viewer following a link to Accounts met Home without a word."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    asked = getattr(getattr(context, "pages_manager", None), "intended_page_name", None) if context else None
    if _USER_KEY in st.session_state:  # signed in: the address kept from before the sign-in, once
        kept = st.session_state.pop(_ASKED_KEY, None)
        asked = asked or kept
    return asked or None


def note_requested_page() -> None:
    """Signed out: keep the page's address this run asked for, for the first run after the sign-in (requested_page)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    asked = getattr(getattr(context, "pages_manager", None), "intended_page_name", None) if context else None
    if asked:
        st.session_state[_ASKED_KEY] = asked


def open_home_instead() -> None:
    """Let the navigation open Home for this run without Streamlit's "Page not found ... does not seem to exist"
    dialog: the page exists, and the app says instead which role it needs. Where Streamlit has no such intent to
    forget (another version), its dialog shows as before, above the app's sentence."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if callable(getattr(manager, "set_script_intent", None)):
        manager.set_script_intent("", "")


def guard(page_file: str) -> SignedIn:
    """Return the signed-in user, or show the sign-in form and stop the page.

    Every page calls this first, as ui.guard(__file__): a page's address opened directly must meet the sign-in
    form, not data. The role it needs is the one navigation.PAGES declares for it, so it is declared once.
    """
    minimum = navigation.role_for(page_file)
    if not getattr(_run, "via_navigation", False) and _running_in_a_server():
        _through_the_app()
    user = signed_in_user()
    if user is None:
        sign_in_page()
    if not user.role.at_least(minimum):
        st.error(f"This page needs the {minimum.value} role; you are signed in as {user.role.value}.")
        st.stop()
    _sidebar(user)
    token = st.session_state.get(_TOKEN_KEY)
    if st.session_state.pop(_WRITE_KEY, False) and token and _running_in_a_server():
        # The first page after the sign-in only: its frame sets the cookie as it loads (kept on every run, its
        # element container pushed the sidebar's filters down).
        browser_cookie.write(token)
    show_flash()
    return user


def _through_the_app() -> NoReturn:
    """Run this page again through streamlit_app.py (its sign-in, its navigation), keeping its address and query.

    A page's script runs on its own in the first script run after a server start: until the process's first
    st.navigation, Streamlit treats the folder pages/ beside the entry script as its older multipage mode and runs
    the file the address names. The page then drew the sign-in itself, and once signed in switched to the entry
    script, whose address is Home's: a colleague's link (/evaluations?module=12) opened Home. Leaving that mode
    (what st.navigation does at its first call) and rerunning keeps the page's address and query parameters, and the
    entry script's navigation opens it. On another Streamlit version without that mode, the switch as before.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        note_requested_page()  # the rerun names the page by its script only
        st.rerun()
    st.switch_page(ENTRY_SCRIPT)


def signed_in_user() -> SignedIn | None:
    """Return who is signed in: this session's sign-in, the browser's from before a reload, or the organisation's
    single sign-on."""
    return current_user() or _single_sign_on_user()


def sign_in_page() -> NoReturn:
    """Show the sign-in form (the first administrator's on a database without accounts) and stop the run.

    streamlit_app.py draws it itself for a signed-out session, before any page's script runs (so before the pages'
    imports), then the server imports them in the background while the password is typed (programme/web/warmup.py).
    """
    if st.session_state.pop(_EXPIRE_KEY, False):
        browser_cookie.expire()
    with db() as session:
        has_accounts = accounts.count_users(session) > 0
    if has_accounts:
        _login_form()
    else:
        _first_admin_form()
    if _running_in_a_server():
        warmup.start()
    st.stop()


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
        kept = st.checkbox(
            "Stay signed in when the page reloads",
            value=True,
            help="For up to 30 minutes away and 12 hours in all, until you log out or close the browser. "
            "Untick it on a computer others use: whoever opens the app in this browser next would be signed in as you.",
        )
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        with db() as session:
            user = accounts.authenticate(session, username, password, client=client_address())
            if user is not None and kept:
                _remember(session, user)
        if user is None:
            # One message for every refusal: unknown, disabled, wrong password or waiting after failures.
            st.error(accounts.SIGN_IN_REFUSED)
            return
        st.session_state[_USER_KEY] = user
        st.session_state[_SEEN_KEY] = time.monotonic()
        st.rerun()


def client_address() -> str | None:
    """Return the address the browser connects from (None on this machine): sign-in waits are counted per client."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no connection context (a bare script run): the local client
        return None
    return address if isinstance(address, str) else None  # AppTest hands a stand-in object


def _client() -> str:
    """Return the digest that ties a sign-in token to this browser (remembered.client_digest)."""
    try:
        agent = st.context.headers.get("User-Agent")
    except Exception:  # noqa: BLE001 - no connection context (a bare script run)
        agent = None
    return client_digest(client_address(), agent if isinstance(agent, str) else None)


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
        st.error(str(error))  # the password policy's own sentence, as written
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

"""A browser stays signed in across a reload: the token it was handed, what ends it, and the sign-in form's use of it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from programme.access import accounts
from programme.access.remembered import IDLE_SECONDS, LIFETIME_SECONDS, RememberedBrowsers
from programme.models import UserRole
from tests.apptest_support import run_page

PASSWORD = "a-long-enough-password-1"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> RememberedBrowsers:
    return RememberedBrowsers(clock=clock)


def _signed_in(session: Session, username: str = "amina", role: UserRole = UserRole.FACILITATOR):
    accounts.add_user(session, username=username, password=PASSWORD, role=role, by="test")
    user = accounts.authenticate(session, username, PASSWORD)
    assert user is not None
    return user


def test_a_token_signs_in_its_user_and_no_other_token_does(session: Session, store: RememberedBrowsers) -> None:
    user = _signed_in(session)
    token = store.issue(session, user)
    assert store.recall(session, token) == user
    assert store.recall(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.recall(session, None) is None
    assert store.recall(session, "") is None
    # Only digests are kept: the token itself is nowhere in the store.
    assert token not in repr(vars(store))


def test_thirty_minutes_without_activity_end_a_token_and_activity_keeps_it(
    session: Session, store: RememberedBrowsers, clock: Clock
) -> None:
    user = _signed_in(session)
    kept, idle = store.issue(session, user), store.issue(session, user)
    for _ in range(3):  # an hour and a half of use, a click every 20 minutes
        clock.now += 20 * 60
        store.touch(kept)
    assert store.recall(session, kept) == user
    assert store.recall(session, idle) is None
    assert len(store) == 1  # the stale one was dropped when it was asked for


def test_a_token_ends_twelve_hours_after_the_sign_in_however_active(
    session: Session, store: RememberedBrowsers, clock: Clock
) -> None:
    user = _signed_in(session)
    token = store.issue(session, user)
    step = IDLE_SECONDS - 60  # a reload every 29 minutes all day long
    for _ in range(int(LIFETIME_SECONDS // step)):
        clock.now += step
        assert store.recall(session, token) == user
    clock.now = 1000.0 + LIFETIME_SECONDS + 1
    store.touch(token)
    assert store.recall(session, token) is None


def test_a_password_change_or_a_disabled_account_ends_the_token_and_a_role_change_applies(
    session: Session, store: RememberedBrowsers
) -> None:
    admin = _signed_in(session, "admin", UserRole.ADMIN)
    amina, bo, chen = (_signed_in(session, name) for name in ("amina", "bo", "chen"))
    tokens = {user.username: store.issue(session, user) for user in (amina, bo, chen)}
    accounts.update_user(session, user_id=amina.user_id, by=admin.username, password="another-long-password-2")
    accounts.update_user(session, user_id=bo.user_id, by=admin.username, active=False)
    accounts.update_user(session, user_id=chen.user_id, by=admin.username, role=UserRole.VIEWER)
    assert store.recall(session, tokens["amina"]) is None
    assert store.recall(session, tokens["bo"]) is None
    recalled = store.recall(session, tokens["chen"])
    assert recalled is not None and recalled.role is UserRole.VIEWER


def test_a_sign_out_ends_its_token_and_a_restore_ends_every_one(session: Session, store: RememberedBrowsers) -> None:
    user = _signed_in(session)
    first, second, third = (store.issue(session, user) for _ in range(3))
    store.forget(first)
    assert store.recall(session, first) is None
    assert store.recall(session, second) == user
    store.forget_all()
    assert store.recall(session, second) is None and store.recall(session, third) is None


@pytest.fixture
def live_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_the_sign_in_form_hands_a_token_that_a_new_session_of_that_browser_signs_in_with(
    live_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload starts a new session: with the browser's cookie it opens signed in; after a sign-out it does not."""
    from programme.core.db import make_engine, session_scope
    from programme.web import browser_cookie

    engine = make_engine(live_db)
    with session_scope(engine) as session:
        accounts.add_user(session, username="amina", password=PASSWORD, role=UserRole.FACILITATOR, by="test")
    engine.dispose()
    first = run_page("pages/home.py", role=None)
    assert [box.label for box in first.text_input] == ["Username", "Password"]
    first.text_input[0].input("amina")
    first.text_input[1].input(PASSWORD)
    first.button[0].click().run()
    assert not first.exception
    token = first.session_state["sign_in_token"]

    monkeypatch.setattr(browser_cookie, "token", lambda: token)  # the cookie the reload's request carries
    reloaded = run_page("pages/home.py", role=None)
    assert not reloaded.exception
    assert "Username" not in [box.label for box in reloaded.text_input]
    assert reloaded.session_state["signed_in"].username == "amina"

    next(button for button in reloaded.sidebar.button if button.label == "Log out").click().run()
    assert [box.label for box in reloaded.text_input] == ["Username", "Password"]
    again = run_page("pages/home.py", role=None)
    assert [box.label for box in again.text_input] == ["Username", "Password"]
    assert "signed_in" not in again.session_state


def test_a_sign_in_with_the_box_unticked_hands_no_token(live_db: str) -> None:
    """On a computer others use, the next person to open the app in that browser must meet the sign-in form."""
    from programme.core.db import make_engine, session_scope

    engine = make_engine(live_db)
    with session_scope(engine) as session:
        accounts.add_user(session, username="amina", password=PASSWORD, role=UserRole.FACILITATOR, by="test")
    engine.dispose()
    app = run_page("pages/home.py", role=None)
    assert [box.label for box in app.checkbox] == ["Stay signed in when the page reloads"]
    assert app.checkbox[0].value is True  # ticked unless someone unticks it
    app.text_input[0].input("amina")
    app.text_input[1].input(PASSWORD)
    app.checkbox[0].uncheck()
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["signed_in"].username == "amina"
    assert "sign_in_token" not in app.session_state


def test_a_disabled_account_s_token_stays_ended_when_the_account_is_enabled_again(
    session: Session, store: RememberedBrowsers
) -> None:
    """An admin disables an account (a stolen laptop, someone who left) and later enables it again: the browser that
    was signed in before must sign in afresh, whether the disable came from the Accounts page or the command line."""
    admin = _signed_in(session, "admin", UserRole.ADMIN)
    amina = _signed_in(session)
    token = store.issue(session, amina)
    session.commit()
    accounts.update_user(session, user_id=amina.user_id, by=admin.username, active=False)
    session.commit()
    accounts.update_user(session, user_id=amina.user_id, by=admin.username, active=True)
    session.commit()
    assert store.recall(session, token) is None
    # A role change is no disable: that token goes on, with the new role.
    kept = store.issue(session, amina)
    session.commit()
    accounts.update_user(session, user_id=amina.user_id, by=admin.username, role=UserRole.VIEWER)
    session.commit()
    recalled = store.recall(session, kept)
    assert recalled is not None and recalled.role is UserRole.VIEWER


def test_a_log_out_in_one_tab_ends_the_other_tabs_that_token_signed_in(
    live_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tabs of one browser, the second signed in by the first's token: 'Log out' in either leaves neither signed
    in (on a shared computer, the tab left open was still someone's whole sign-in)."""
    from programme.core.db import make_engine, session_scope
    from programme.web import browser_cookie

    engine = make_engine(live_db)
    with session_scope(engine) as session:
        accounts.add_user(session, username="amina", password=PASSWORD, role=UserRole.FACILITATOR, by="test")
    engine.dispose()
    first = run_page("pages/home.py", role=None)
    first.text_input[0].input("amina")
    first.text_input[1].input(PASSWORD)
    first.button[0].click().run()
    token = first.session_state["sign_in_token"]
    monkeypatch.setattr(browser_cookie, "token", lambda: token)
    second = run_page("pages/home.py", role=None)
    assert second.session_state["signed_in"].username == "amina"

    next(button for button in second.sidebar.button if button.label == "Log out").click().run()
    first.run()  # the first tab's next click
    assert not first.exception
    assert "signed_in" not in first.session_state
    assert [box.label for box in first.text_input] == ["Username", "Password"]


def test_the_cookie_is_kept_to_the_app_s_own_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Served under a path (server.baseUrlPath, behind a proxy shared with other sites), the token goes to this app's
    addresses only, not to every application on the host; its expiry names the same path."""
    from streamlit import config

    from programme.web import browser_cookie

    written: list[str] = []
    monkeypatch.setattr(browser_cookie, "_script", lambda cookie, **_: written.append(cookie))
    before = config.get_option("server.baseUrlPath")
    try:
        config.set_option("server.baseUrlPath", "/programme/")
        browser_cookie.write("A" * 43)
        browser_cookie.expire()
        config.set_option("server.baseUrlPath", "")
        browser_cookie.write("B" * 43)
    finally:
        config.set_option("server.baseUrlPath", before)
    assert [cookie.split("; ")[1] for cookie in written] == ["Path=/programme", "Path=/programme", "Path=/"]


def test_a_participant_form_opened_in_a_signed_in_browser_drops_its_cookie(
    live_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A facilitator signs in on the tablet handed round for check-ins and opens the form there: a participant who
    then opens the app's address must meet the sign-in form, not the facilitator's sign-in (the cookie is dropped)."""
    from programme.web import browser_cookie

    written: list[str] = []
    monkeypatch.setattr(browser_cookie, "_script", lambda cookie, **_: written.append(cookie))
    monkeypatch.setattr(browser_cookie, "token", lambda: "T" * 43)
    run_page("public/form.py", role=None)
    assert written and "Max-Age=0" in written[0]
    written.clear()
    monkeypatch.setattr(browser_cookie, "token", lambda: None)  # a participant's own phone: nothing to drop
    run_page("public/form.py", role=None)
    assert written == []


def test_signing_in_and_out_writes_no_deprecation_warning_to_the_log(live_db: str) -> None:
    """Seen in the server's log of a journey: every sign-in and sign-out wrote Streamlit's warning that
    `st.components.v1.html` (which ran the cookie's script) will be removed. The scripts run through st.iframe."""
    import logging

    from programme.core.db import make_engine, session_scope

    engine = make_engine(live_db)
    with session_scope(engine) as session:
        accounts.add_user(session, username="amina", password=PASSWORD, role=UserRole.FACILITATOR, by="test")
    engine.dispose()
    logged: list[str] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record.getMessage())

    logger = logging.getLogger("streamlit.deprecation_util")
    handler = Kept(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        app = run_page("pages/home.py", role=None)
        app.text_input[0].input("amina")
        app.text_input[1].input(PASSWORD)
        app.button[0].click().run()
        assert app.session_state["signed_in"].username == "amina" and "sign_in_token" in app.session_state
        next(button for button in app.sidebar.button if button.label == "Log out").click().run()
        assert not app.exception
    finally:
        logger.removeHandler(handler)
    # Streamlit's words: "Please replace `st.components.v1.html` with `st.iframe`. ... will be removed after ...".
    assert [message for message in logged if "components.v1" in message] == []


def test_a_token_brought_by_another_browser_is_refused_and_ended(session: Session, store: RememberedBrowsers) -> None:
    """The cookie is set by a script, so a script injected into the page could read it: replayed from another
    computer (another address) or another browser (another User-Agent), the token signs no one in, and ends."""
    from programme.access.remembered import client_digest

    user = _signed_in(session)
    office = client_digest("192.0.2.10", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    elsewhere = client_digest("198.51.100.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    other_browser = client_digest("192.0.2.10", "Mozilla/5.0 (Windows NT 10.0) Chrome/140.0")
    token = store.issue(session, user, client=office)
    assert store.recall(session, token, client=office) == user  # a reload in the same browser
    assert store.recall(session, token, client=elsewhere) is None
    assert store.recall(session, token, client=office) is None  # ended: the browser signs in again
    token = store.issue(session, user, client=office)
    assert store.recall(session, token, client=other_browser) is None
    assert len(store) == 0


def test_a_claim_code_stands_for_its_token_once_and_for_a_minute_only(clock: Clock) -> None:
    """app.py's route sets the HttpOnly cookie for the token a claim code stands for (programme/web/cookie_routes.py):
    a code read by someone else is worth nothing once the page used it, or after a minute."""
    from programme.web.cookie_routes import CLAIM_SECONDS, Claims

    claims = Claims(clock=clock)
    code = claims.issue("the-token-of-a-sign-in-0123456789")
    assert code not in repr(vars(claims))  # the codes are kept as digests
    assert claims.redeem(code[:-1] + ("A" if code[-1] != "A" else "B")) is None
    assert claims.redeem(code) == "the-token-of-a-sign-in-0123456789"
    assert claims.redeem(code) is None
    late = claims.issue("another-token-of-a-sign-in-0123456789")
    clock.now += CLAIM_SECONDS + 1
    assert claims.redeem(late) is None


def test_the_cookie_routes_answer_only_the_app_s_own_page() -> None:
    """Another site's page cannot have the browser post a claim (or a sign-out) to the app."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.requests import Request

    from programme.web.cookie_routes import CLAIMS, sign_in

    def request(headers: dict[str, str], body: bytes) -> Request:
        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        raw = [(key.lower().encode(), value.encode()) for key, value in {"host": "app.example.org", **headers}.items()]
        scope = {"type": "http", "method": "POST", "path": "/_programme/sign-in", "headers": raw, "scheme": "https",
                 "server": ("app.example.org", 443), "query_string": b""}  # fmt: skip
        return Request(scope, receive)

    def run(coroutine: object) -> object:
        # In a thread of its own: a test before this one in the same worker may have left an event loop running in
        # this thread (asyncio.run then refuses: it failed so in one CI run).
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coroutine).result()

    code = CLAIMS.issue("the-token-of-a-sign-in-0123456789")
    refused = run(sign_in(request({"Sec-Fetch-Site": "cross-site"}, code.encode())))
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    answered = run(sign_in(request({"Sec-Fetch-Site": "same-origin"}, code.encode())))
    assert answered.status_code == 204
    cookie = answered.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie and "max-age" not in cookie

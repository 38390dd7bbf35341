"""End-to-end in headless Chromium: a facilitator can sign in and open every page; strangers see nothing."""

from __future__ import annotations

import pytest

from programme.web.navigation import PAGES
from tests.browser_support import ADMIN, log_in, open_page, screenshot, wait_for_cookie, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"


def test_login_and_logout(page, live_app: str) -> None:
    log_in(page, live_app)
    assert page.get_by_text("Signed in as").is_visible()
    screenshot(page, "home")
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_label("Username").is_visible()


def test_a_reload_or_a_second_tab_stays_signed_in_until_the_log_out(page, live_app: str) -> None:
    """A reload (F5) starts a new Streamlit session: the browser's sign-in cookie keeps it signed in, with its
    navigation, until it logs out; another browser (a fresh context: no cookie) is asked to sign in."""
    log_in(page, live_app)
    open_page(page, "Participants", "People")
    # A reload before the page's script has set the cookie would sign out, as it should; CI's failure at load 2+.
    wait_for_cookie(page, "programme_sign_in")
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    assert page.url.rstrip("/").endswith("/participants")
    open_page(page, "Courses and modules", "Plan")  # the navigation is there after the reload
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "programme_sign_in")
    assert cookie["sameSite"] == "Strict"
    second = page.context.new_page()
    second.goto(live_app)
    wait_idle(second)
    second.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    stranger = page.context.browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(live_app)
        wait_idle(other)
        other.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    finally:
        stranger.close()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    wait_for_cookie(page, "programme_sign_in", present=False)
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    second.reload()
    wait_idle(second)
    second.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert not second.get_by_role("button", name="Log out").is_visible()


def test_a_password_typed_for_one_account_is_not_carried_to_the_next_account_chosen(page, live_app: str) -> None:
    """Seen in a review: a new password typed for one account stayed in the box (as dots) when the admin chose
    another account, and Save would have set it there. The browser keeps what a form's unkeyed box holds."""
    log_in(page, live_app)
    open_page(page, "Accounts", "Admin")
    box = page.get_by_role("textbox", name="New password (leave blank to keep)")
    box.fill("typed-for-the-first-account")
    page.locator("[data-testid='stSelectbox']").filter(has_text="Account").first.click()
    page.get_by_role("option", name="viewer", exact=True).click()
    wait_idle(page)
    assert page.get_by_role("textbox", name="New password (leave blank to keep)").input_value() == ""


def test_a_wrong_password_is_refused_with_a_message(page, live_app: str) -> None:
    page.goto(live_app)
    wait_idle(page)
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("The username or password is not right").wait_for(timeout=30_000)


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.path.split("/")[-1][:-3])
def test_a_page_address_opened_without_logging_in_meets_the_login_form(page, live_app: str, spec) -> None:
    slug = spec.path.split("/")[-1][:-3]
    page.goto(f"{live_app}/{'' if slug == 'home' else slug}")
    wait_idle(page)
    assert page.get_by_role("button", name="Log in").is_visible()
    assert (
        page.locator("[data-testid='stMetric'], [data-testid='stDataFrame'], [data-testid='stPlotlyChart']").count()
        == 0
    )
    assert page.get_by_text("Page not found").count() == 0  # the address is known: it asks to sign in, no more


def test_every_page_of_the_navigation_opens_without_an_exception(page, live_app: str) -> None:
    log_in(page, live_app)
    for spec in PAGES:
        open_page(page, spec.title, spec.group)
        page.get_by_role("heading", name=spec.title if spec.group else "Programme Manager").first.wait_for(
            timeout=30_000
        )
        screenshot(page, f"page-{spec.path.split('/')[-1][:-3]}")
        assert page.locator(EXCEPTION).count() == 0, f"{spec.path} shows an exception"
        assert page.get_by_text("Signed in as").is_visible(), f"{spec.path} lost the session"


def test_served_by_app_py_the_sign_in_cookie_is_httponly_and_a_reload_stays_signed_in(page, live_app: str) -> None:
    """`streamlit run app.py`, the default (st.App with cookie_routes' routes): the server's answer sets the cookie,
    HttpOnly, so no script in the page can read the token; a reload still signs in; the log-out expires it."""
    from tests.browser_support import default_script

    if default_script() != "app.py":
        pytest.skip("PROGRAMME_TEST_SCRIPT serves streamlit_app.py: the cookie is set by a script there")
    log_in(page, live_app)
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "programme_sign_in")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert "programme_sign_in" not in page.evaluate("document.cookie")
    open_page(page, "Participants", "People")
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    wait_for_cookie(page, "programme_sign_in", present=False)
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)


def test_served_by_streamlit_app_py_the_script_set_cookie_keeps_a_reload_signed_in(page, live_db_url: str) -> None:
    """The fallback, `streamlit run streamlit_app.py` (no routes of ours): the page's script sets the cookie (not
    HttpOnly), a reload still signs in, and the log-out expires it."""
    from tests.browser_support import streamlit_server

    with streamlit_server(live_db_url, "streamlit_app.py") as base:
        log_in(page, base)
        cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "programme_sign_in")
        assert cookie["httpOnly"] is False and cookie["sameSite"] == "Strict"
        assert "programme_sign_in=" in page.evaluate("document.cookie")
        open_page(page, "Participants", "People")
        page.reload()
        wait_idle(page)
        page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
        wait_for_cookie(page, "programme_sign_in", present=False)
        page.reload()
        wait_idle(page)
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)

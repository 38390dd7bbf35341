"""The sign-in cookie: read from the request that opened the session, written and expired by a script in the page.

Streamlit reads cookies (st.context.cookies, those of the request that opened the session) but has no way to
set one; a zero-height component, which runs in a frame of the app's own origin, sets it on the app's page.
The cookie is SameSite=Strict (no other site's page can make the browser send it), Secure over HTTPS, and lives
until the browser closes; what it stands for is programme/access/remembered.py's.

It is not HttpOnly: browsers accept HttpOnly only from a server response's Set-Cookie, and a Streamlit script has
none (st.login's cookie is OIDC's; a Tornado handler is not public API). A script injected into the page could read
it, so the token is tied to the browser it was handed to (remembered.client_digest). st.App (public in Streamlit
1.67, ASGI, custom routes) could set it HttpOnly from a route of ours: README, Access and privacy, says the plan.
"""

from __future__ import annotations

import re

import streamlit as st

from programme.web import page_script

COOKIE = "programme_sign_in"
# secrets.token_urlsafe's alphabet: anything else in the cookie is not a token of ours and is not looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
# A participant's browser on the public forms: a random key (no sign-in, nothing about the person), so that "one
# submission per browser" holds across a reload or a second tab, not only within one page session. Lax: sent when the
# link is opened from a message or a QR code; kept 90 days, beyond any form's life.
FORM_COOKIE = "programme_form_browser"
_FORM_KEY = re.compile(r"[0-9a-f]{32}")
FORM_COOKIE_SECONDS = 90 * 24 * 3600


def _sent(name: str, pattern: re.Pattern[str]) -> str | None:
    """Return the cookie the browser sent when this session opened, if it sent one that matches pattern."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no connection context (AppTest, a bare script run): no cookie
        return None
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def token() -> str | None:
    """Return the sign-in token the browser sent when this session opened, if it sent one."""
    return _sent(COOKIE, _TOKEN)


def form_browser() -> str | None:
    """Return the key the browser keeps for the participants' forms (form_browser_key), if it sent one."""
    return _sent(FORM_COOKIE, _FORM_KEY)


def keep_form_browser(value: str) -> None:
    """Have the browser keep its key for the participants' forms (a zero-height frame in the page)."""
    if not _FORM_KEY.fullmatch(value):
        raise ValueError("not a form browser key")
    _script(f"{FORM_COOKIE}={value}; Path={_path()}; SameSite=Lax; Max-Age={FORM_COOKIE_SECONDS}", sidebar=False)


# What the server's base path (server.baseUrlPath) may hold to be the cookie's Path: anything else keeps "/".
_PATH = re.compile(r"[A-Za-z0-9._~/-]{1,200}")


def write(value: str) -> None:
    """Have the browser keep the token (the sidebar holds the zero-height frame that sets it)."""
    if not _TOKEN.fullmatch(value):
        raise ValueError("not a sign-in token")
    _script(f"{COOKIE}={value}; Path={_path()}; SameSite=Strict")


def expire(*, sidebar: bool = True) -> None:
    """Have the browser drop the token (after a sign-out; a participant's form opened in a signed-in browser)."""
    _script(f"{COOKIE}=; Path={_path()}; SameSite=Strict; Max-Age=0", sidebar=sidebar)


def _path() -> str:
    """The app's own addresses: served under a path (behind a proxy shared with other sites), the token is sent to
    this app only, not to every application on the host."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base and _PATH.fullmatch(base) else "/"


def _script(cookie: str, *, sidebar: bool = True) -> None:
    # cookie holds only the name, the token's alphabet, a path of _PATH's alphabet and fixed attributes: nothing to
    # escape.
    source = (
        "<script>"
        f"const cookie = '{cookie}' + (window.parent.location.protocol === 'https:' ? '; Secure' : '');"
        "window.parent.document.cookie = cookie;"
        "</script>"
    )
    if sidebar:
        with st.sidebar:
            page_script.run_script(source)
    else:
        page_script.run_script(source)

"""The sign-in cookie: read from the request that opened the session, written and expired by a script in the page.

Streamlit reads cookies (st.context.cookies, those of the request that opened the session) but has no way to
set one; a zero-height component, which runs in a frame of the app's own origin, sets it on the app's page.
The cookie is SameSite=Strict (no other site's page can make the browser send it), Secure over HTTPS, and lives
until the browser closes; what it stands for is programme/access/remembered.py's.

Browsers accept HttpOnly only from a server response's Set-Cookie, and a Streamlit script has none (st.login's cookie
is OIDC's; Streamlit's server is not public API). Started as `streamlit run app.py` (the default), Streamlit's public
st.App serves two routes of ours (cookie_routes.py): the frame posts a one-time claim code and the server's answer
sets the cookie HttpOnly. Started as `streamlit run streamlit_app.py`, the frame's script sets it, readable by a script injected into
the page: the token is tied to the browser it was handed to (remembered.client_digest) under both.
"""

from __future__ import annotations

import re

import streamlit as st

from programme.web import cookie_routes, page_script

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
    """Have the browser keep the token (the sidebar holds the zero-height frame that sets it): HttpOnly, through the
    server's route, when app.py mounted it (cookie_routes.py); else set by the frame's script."""
    if not _TOKEN.fullmatch(value):
        raise ValueError("not a sign-in token")
    if cookie_routes.mounted():
        _post(cookie_routes.SIGN_IN, cookie_routes.CLAIMS.issue(value))
        return
    _script(f"{COOKIE}={value}; Path={_path()}; SameSite=Strict")


def expire(*, sidebar: bool = True) -> None:
    """Have the browser drop the token (after a sign-out; a participant's form opened in a signed-in browser)."""
    if cookie_routes.mounted():
        _post(cookie_routes.SIGN_OUT, "", sidebar=sidebar)
        return
    _script(f"{COOKIE}=; Path={_path()}; SameSite=Strict; Max-Age=0", sidebar=sidebar)


def _post(route: str, body: str, *, sidebar: bool = True) -> None:
    """Have the frame post body to one of cookie_routes' routes (body: a claim code, of the token's alphabet)."""
    if body and not _TOKEN.fullmatch(body):
        raise ValueError("not a claim code")
    address = f"{_path().rstrip('/')}{route}"
    source = (
        "<script>"
        "const https = window.parent.location.protocol === 'https:' ? '1' : '0';"
        f"fetch('{address}', {{method: 'POST', body: '{body}', credentials: 'same-origin', "
        "headers: {'X-Programme-Https': https}});"
        "</script>"
    )
    _run(source, sidebar=sidebar)


def cookie_path() -> str:
    """The cookie's Path (the app's own addresses, _path), for cookie_routes.py."""
    return _path()


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
    _run(source, sidebar=sidebar)


def _run(source: str, *, sidebar: bool) -> None:
    if sidebar:
        with st.sidebar:
            page_script.run_script(source)
    else:
        page_script.run_script(source)

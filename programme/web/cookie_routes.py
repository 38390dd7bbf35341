"""The sign-in cookie set by the server, HttpOnly: two routes of ours, mounted through Streamlit's public st.App.

A browser accepts an HttpOnly cookie only from a server response's Set-Cookie; a Streamlit script has no response of
its own. When the app is started as `streamlit run app.py` (app.py: st.App with routes()), a sign-in hands the page
a one-time claim code (60 seconds, used once) instead of the token; the page's frame posts the code to
/_programme/sign-in, whose answer sets the cookie HttpOnly: no script in the page can read the token afterwards.
/_programme/sign-out expires the cookie. Started the old way (`streamlit run
streamlit_app.py`), nothing mounts these routes and browser_cookie.py sets the cookie by script, as before.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

CLAIM_SECONDS = 60
SIGN_IN = "/_programme/sign-in"
SIGN_OUT = "/_programme/sign-out"
# The longest body a claim is read from: a code is 43 characters.
_BODY_LIMIT = 200
_mounted = False


def mounted() -> bool:
    """Return whether this server serves the routes (app.py started it), so the cookie is set HttpOnly by them."""
    return _mounted


class Claims:
    """One-time codes standing for a sign-in token for a minute, by digest; safe to use from every thread."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, seconds: float = CLAIM_SECONDS) -> None:
        self._clock = clock
        self._seconds = seconds
        self._codes: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, token: str) -> str:
        code = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._codes = {key: held for key, held in self._codes.items() if held[1] > now}
            self._codes[_digest(code)] = (token, now + self._seconds)
        return code

    def redeem(self, code: str) -> str | None:
        """Return the token the code stands for, once; None for a code unknown, used or older than a minute."""
        with self._lock:
            held = self._codes.pop(_digest(code), None)
        if held is None or held[1] <= self._clock():
            return None
        return held[0]


CLAIMS = Claims()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _same_origin(request: Request) -> bool:
    """A request from the app's own page: the browser says so (Sec-Fetch-Site), or the Origin is the host's."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


def _cookie(response: Response, request: Request, value: str, *, max_age: int | None) -> None:
    from programme.web.browser_cookie import COOKIE, cookie_path

    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path=cookie_path(),
        # Behind a proxy that ends HTTPS the request reaching here is plain: the page says what it was served over.
        secure=request.url.scheme == "https" or request.headers.get("x-programme-https") == "1",
        httponly=True,
        samesite="strict",
    )


async def sign_in(request: Request) -> Response:
    """Set the sign-in cookie, HttpOnly, for the token a claim code stands for."""
    if not _same_origin(request):
        return Response(status_code=403)
    code = (await request.body())[:_BODY_LIMIT].decode("ascii", errors="replace").strip()
    token = CLAIMS.redeem(code)
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _cookie(response, request, token, max_age=None)  # a session cookie: gone when the browser closes
    return response


async def sign_out(request: Request) -> Response:
    """Expire the browser's cookie (a script cannot: it is HttpOnly). The token itself is ended by the sign-out that
    asks for this (signin.sign_out), not here: a participant's form dropping the cookie leaves open tabs signed in."""
    if not _same_origin(request):
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _cookie(response, request, "", max_age=0)
    return response


def routes() -> list[BaseRoute]:
    """The routes for st.App (app.py), under the server's base path; mounting them switches the cookie to HttpOnly."""
    global _mounted
    from programme.web.browser_cookie import cookie_path

    base = cookie_path().rstrip("/")
    _mounted = True
    return [
        Route(f"{base}{SIGN_IN}", sign_in, methods=["POST"]),
        Route(f"{base}{SIGN_OUT}", sign_out, methods=["POST"]),
    ]

"""In headless Chromium: what the server itself must do, whichever way the app is started (app.py, st.App with our
cookie routes; streamlit_app.py): README's venue network command (every interface), a base path behind a proxy, and
the uploads' limits from .streamlit/config.toml (maxUploadSize 50 MB, XSRF protection)."""

from __future__ import annotations

import http.client
import re
import socket
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.browser_support import (
    choose_module,
    log_in,
    open_page,
    streamlit_server,
    wait_for_cookie,
    wait_idle,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
UPLOAD = "/_stcore/upload_file/"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # .streamlit/config.toml's maxUploadSize, in MB


def _outward_address() -> str | None:
    """This machine's address on its network (not the loopback), if it has one: a UDP 'connect' sends nothing."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("203.0.113.1", 9))  # TEST-NET-3: only picks the outgoing interface
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_app_py_on_every_address_under_a_base_path_keeps_the_httponly_sign_in(page, live_db_url: str) -> None:
    """`streamlit run app.py --server.address 0.0.0.0` (README's venue network) under --server.baseUrlPath: the
    network address answers, the sign-in cookie is HttpOnly on the app's own path, a reload stays signed in and the
    log-out drops it."""
    with streamlit_server(live_db_url, "app.py", address="0.0.0.0", base_path="programme") as base:
        port = urlsplit(base).port
        outward = _outward_address()
        if outward is not None:  # the venue's other computers reach it, not only this one
            with urllib.request.urlopen(f"http://{outward}:{port}/programme/_stcore/health", timeout=10) as answer:
                assert answer.status == 200
        log_in(page, base)
        cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "programme_sign_in")
        assert (cookie["httpOnly"], cookie["path"], cookie["sameSite"]) == (True, "/programme", "Strict")
        assert "programme_sign_in" not in page.evaluate("document.cookie")
        page.reload()
        wait_idle(page)
        page.get_by_role("button", name="Log out").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=TIMEOUT_MS)
        wait_for_cookie(page, "programme_sign_in", present=False)


def _put(url: str, *, cookies: str, xsrf: str | None, body: bytes, length: int | None = None) -> int:
    """PUT a multipart body to the upload address as the page does; length: the Content-Length announced (a body
    larger than it claims is not sent: the server must refuse from the header). Return the answer's status."""
    parts = urlsplit(url)
    boundary = "programme-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    payload = head + body + f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("PUT", parts.path)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(length if length is not None else len(payload)))
        connection.putheader("Cookie", cookies)
        if xsrf is not None:
            connection.putheader("X-Xsrftoken", xsrf)
        connection.endheaders()
        try:
            connection.send(payload if length is None else payload[:1024])
        except OSError:
            pass  # the server may answer and close before reading a body it refuses
        return connection.getresponse().status
    finally:
        connection.close()


def test_an_upload_needs_the_pages_xsrf_token_and_one_over_50_mb_is_refused(page, live_app: str, tmp_path) -> None:
    """On the default script: the page refuses a file over maxUploadSize (50 MB) before sending it, and the server
    refuses an upload without the page's XSRF token, or announcing more than 50 MB; the page's own upload passes."""
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
    with page.expect_request(lambda request: UPLOAD in request.url and request.method == "PUT") as sent:
        uploader.set_input_files({"name": "small.csv", "mimeType": "text/csv", "buffer": b"Name\nAda\n"})
    request = sent.value
    xsrf = request.headers.get("x-xsrftoken")
    assert xsrf, "the page sends its XSRF token with an upload"
    cookies = "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in page.context.cookies())
    wait_idle(page)
    # The page's own way passes (so the refusals below are the server's limits, not a malformed request).
    assert _put(request.url, cookies=cookies, xsrf=xsrf, body=b"Name\nAda\n") in (200, 204)
    assert _put(request.url, cookies=cookies, xsrf=None, body=b"Name\nAda\n") == 403
    assert _put(request.url, cookies=cookies, xsrf="2|0|0|0", body=b"Name\nAda\n") == 403
    assert _put(request.url, cookies=cookies, xsrf=xsrf, body=b"x", length=MAX_UPLOAD_BYTES + 2 * 1024 * 1024) == 413
    # The page itself: a file over 50 MB is refused with Streamlit's sentence, nothing sent.
    big = tmp_path / "big.csv"
    with big.open("wb") as file:
        file.truncate(MAX_UPLOAD_BYTES + 1024 * 1024)
    uploads: list[str] = []
    page.on("request", lambda request: uploads.append(request.url) if UPLOAD in request.url else None)
    uploader.set_input_files(str(big))
    page.get_by_text(re.compile(r"File must be 50(\.0)? ?MB or smaller")).wait_for(timeout=TIMEOUT_MS)
    assert uploads == []


def test_no_table_offers_streamlit_s_own_csv_download_on_the_default_server(page, live_app: str) -> None:
    """.streamlit/config.toml's disableDataExport reaches the page the default script serves: a table's toolbar has
    its search but no "Download as CSV" (every listed person's contact details, unaudited)."""
    log_in(page, live_app)
    open_page(page, "Participants", "People")
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=TIMEOUT_MS)
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.get_by_role("button", name="Search").wait_for(timeout=TIMEOUT_MS)
    assert toolbar.get_by_role("button", name="Download as CSV").count() == 0

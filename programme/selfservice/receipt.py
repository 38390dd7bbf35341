"""A registration's receipt: what shows the participant's check-in code again on their phone after a reload.

The thank-you page's address gets `&receipt=<submission>.<secret>` (st.query_params), so that a reload, or a phone
that dropped the tab, shows the code again on that link only. The secret (128 bits, drawn from the page session's random key) is kept nowhere: the
submission keeps its SHA-256 digest and the code sealed with a key drawn from it (XOR with another digest of the
secret), so that the database alone does not give the code, nor a guessed submission number. The receipt shows the
code while the submission is live (a void clears it) and the code is the participation's current one (a code the
organisers replaced is not shown), also once the form has closed (code_after_closing). Registering again never gives a receipt: it gives no code (registration.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import CheckinCode, FormKind, FormLink, FormSubmission, Participation
from programme.selfservice import checkin, submissions
from programme.selfservice.links import PublicForm, form_of, token_digest

QUERY_PARAMETER = "receipt"


def _digest(secret: str) -> str:
    return hashlib.sha256(f"programme-receipt:{secret}".encode()).hexdigest()


def _key(secret: str, length: int) -> bytes:
    return hashlib.sha256(f"programme-receipt-seal:{secret}".encode()).digest()[:length]


def _secret(browser: str, submission_id: int) -> str:
    """The receipt's secret, drawn from the page session's own random key (kept in the server's session, only its
    digest in the database): the page finds it again when a double tap's second run meets the registration saved."""
    raw = hashlib.sha256(f"programme-receipt-secret:{browser}:{submission_id}".encode()).digest()[:16]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def seal(submission: FormSubmission, code: str, browser: str) -> str:
    """Keep the code sealed with the submission (in its changes) and return the receipt that opens it."""
    secret = _secret(browser, submission.id)
    raw = code.encode()
    sealed = bytes(a ^ b for a, b in zip(raw, _key(secret, len(raw)), strict=True)).hex()
    changes = json.loads(submission.changes) if submission.changes else {}
    changes["receipt"] = {"digest": _digest(secret), "sealed": sealed}
    submission.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)
    return f"{submission.id}.{secret}"


def open_receipt(session: Session, form_token: object, receipt: object) -> str | None:
    """Return the check-in code a receipt shows on its form's link, or None: not a receipt of this link, voided, the
    person erased, or the code replaced since (by the organisers)."""
    number, _, secret = str(receipt or "").partition(".")
    if not number.isdigit() or not secret or not isinstance(form_token, str) or len(number) > 18:
        return None
    submission = session.get(FormSubmission, int(number))
    if submission is None or submission.voided or not submission.changes:
        return None
    link = session.get(FormLink, submission.link_id)
    if link is None or not hmac.compare_digest(link.token_digest, token_digest(form_token)):
        return None
    changes = json.loads(submission.changes)
    kept = changes.get("receipt")
    if not kept or not hmac.compare_digest(kept["digest"], _digest(secret)):
        return None
    sealed = bytes.fromhex(kept["sealed"])
    code = bytes(a ^ b for a, b in zip(sealed, _key(secret, len(sealed)), strict=True)).decode(errors="replace")
    participation_id = changes.get("participation", {}).get("id")
    participation = session.get(Participation, participation_id) if participation_id else None
    current = session.get(CheckinCode, participation_id) if participation is not None else None
    if current is None or current.code_digest != checkin._digest(participation.module_id, code):
        return None
    return code


def code_after_closing(session: Session, form_token: object, receipt: object) -> tuple[PublicForm, str] | None:
    """Return (the registration form, its check-in code) a receipt shows on its link once the form has closed, or None
    (as open_receipt). Registration usually closes before the module, and the code is needed during it (the daily
    check-in): a phone that reloaded the thank-you page at the venue had shown only "This form was closed"."""
    code = open_receipt(session, form_token, receipt)
    if code is None:
        return None
    link = session.scalar(sa.select(FormLink).where(FormLink.token_digest == token_digest(str(form_token))))
    return (form_of(session, link), code) if link is not None and link.kind == FormKind.REGISTRATION else None


def of_browser(session: Session, form_token: object, browser: str) -> str | None:
    """Return the receipt of this page session's latest live registration on the link, or None: a double tap's
    second run finds the registration saved by the first, whose thank-you page it did not get to draw."""
    if not isinstance(form_token, str):
        return None
    link = session.scalar(sa.select(FormLink).where(FormLink.token_digest == token_digest(form_token)))
    if link is None:
        return None
    number = session.scalar(
        sa.select(FormSubmission.id)
        .where(
            FormSubmission.link_id == link.id,
            FormSubmission.browser_key == submissions.digest("browser", browser),
            FormSubmission.voided.is_(False),
        )
        .order_by(FormSubmission.id.desc())
        .limit(1)
    )
    return None if number is None else f"{number}.{_secret(browser, number)}"

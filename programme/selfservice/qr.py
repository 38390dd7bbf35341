"""A form link's QR code, drawn offline with segno (no web service sees the link)."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, *, scale: int = 12) -> bytes:
    """Return the QR code of a link as PNG bytes (error correction M, a quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, *, scale: int = 10) -> str:
    """Return the QR code of a link as SVG markup."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False)
    return buffer.getvalue().decode()

"""Bar charts as PNG images for Word reports (python-docx has no native charts): drawn with Pillow, no browser."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from programme.charts.colours import STRONG
from programme.reports.typefaces import FONTS

WIDTH = 1600  # pixels; placed at 16 cm, so about 250 dpi
BAR_HEIGHT, GAP, MARGIN = 44, 14, 30
LABEL_SHARE = 0.34  # of the width, for the category labels
ROWS_MAX = 20  # more categories make an unreadable chart; the report's table lists every row


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """Return text shortened with an ellipsis to fit width pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_png(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    texts: Sequence[str] | None = None,
    colours: Sequence[str] | None = None,
) -> bytes:
    """Return a horizontal bar chart as PNG bytes: one bar per label, its value (or text) beside it."""
    labels, values = list(labels)[:ROWS_MAX], [float(v) for v in list(values)[:ROWS_MAX]]
    texts = list(texts)[:ROWS_MAX] if texts is not None else [f"{v:,.0f}" for v in values]
    title_font, font = _font(34, bold=True), _font(26)
    top = MARGIN + 60
    height = top + max(1, len(labels)) * (BAR_HEIGHT + GAP) + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, fill="#222222", font=title_font)
    label_width = int(WIDTH * LABEL_SHARE)
    left = MARGIN + label_width + 12
    room = WIDTH - left - MARGIN - 180  # space kept on the right for the value
    largest = max(values, default=0) or 1
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + index * (BAR_HEIGHT + GAP)
        shown = _fit(draw, str(label), font, label_width)
        draw.text((left - 12, y + BAR_HEIGHT / 2), shown, fill="#222222", font=font, anchor="rm")
        length = max(2, int(room * value / largest)) if value > 0 else 0
        colour = colours[index % len(colours)] if colours else STRONG[0]
        if length:
            draw.rectangle((left, y, left + length, y + BAR_HEIGHT), fill=colour)
        draw.text((left + length + 10, y + BAR_HEIGHT / 2), text, fill="#222222", font=font, anchor="lm")
    draw.line((left, top - 6, left, height - MARGIN + 4), fill="#888888", width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

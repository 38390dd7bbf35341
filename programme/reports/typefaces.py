"""The fonts the certificates print with: one per writing system, chosen by the characters of each line.

DejaVu Sans (Latin, Greek, Cyrillic, Vietnamese) is the main font; Noto Sans fonts (SIL Open Font License,
see fonts/LICENSE-Noto.txt) carry Arabic, Devanagari, Bengali, Thai, Lao, Khmer, Myanmar, Sinhala, Tamil, and
Chinese, Japanese and Korean (Khmer, Myanmar, Lao, Sinhala and Tamil from Debian's fonts-noto-core 20201225). A
document loads only the fonts its text needs (the CJK font is large), and fpdf2 shapes the text with
HarfBuzz, so Arabic is joined and right to left and Indic conjuncts are formed.

Reading the names back (checked 6 December 2026, fpdf2 2.8.9, pypdf 7.1.1, poppler's pdftotext 22.12): pypdf's
extract_text() puts U+0000 before each CJK character (the CJK font has CFF outlines, so fpdf2 gives it an embedded
CMap as /Encoding, which pypdf reads as one-byte codes: its issue #2295); pdftotext reads those names exactly. Where
shaping draws one character as several glyphs (Thai SARA AM as NIKHAHIT and SARA AA, a Devanagari conjunct, an Arabic
shadda with kasra), fpdf2 maps the cluster's text to its first glyph and writes no ToUnicode entry for the others:
pypdf then reads their glyph codes as characters (U+0003, U+0009), pdftotext skips them but may put a space there.
Both are the libraries' (no /ActualText in fpdf2); the text given to fpdf2 is the name as stored.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
MAIN = "DejaVu"


@dataclass(frozen=True)
class Typeface:
    family: str
    files: dict[str, str]  # style ("" or "B") → file in fonts/
    ranges: tuple[tuple[int, int], ...]  # the code points it is chosen for

    def covers(self, character: str) -> bool:
        return any(low <= ord(character) <= high for low, high in self.ranges)

    def style(self, wanted: str) -> str:
        """Return the wanted style when the typeface has it, else the one it has (the CJK font is bold only)."""
        return wanted if wanted in self.files else next(iter(self.files))


LATIN = Typeface(MAIN, {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}, ())
SCRIPTS = (
    Typeface(
        "NotoArabic",
        {"": "NotoSansArabic-Regular.ttf", "B": "NotoSansArabic-Bold.ttf"},
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    Typeface(
        "NotoDevanagari",
        {"": "NotoSansDevanagari-Regular.ttf", "B": "NotoSansDevanagari-Bold.ttf"},
        ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    ),
    Typeface("NotoBengali", {"": "NotoSansBengali-Regular.ttf", "B": "NotoSansBengali-Bold.ttf"}, ((0x0980, 0x09FF),)),
    Typeface("NotoThai", {"": "NotoSansThai-Regular.ttf", "B": "NotoSansThai-Bold.ttf"}, ((0x0E00, 0x0E7F),)),
    Typeface("NotoLao", {"": "NotoSansLao-Regular.ttf", "B": "NotoSansLao-Bold.ttf"}, ((0x0E80, 0x0EFF),)),
    Typeface(
        "NotoKhmer",
        {"": "NotoSansKhmer-Regular.ttf", "B": "NotoSansKhmer-Bold.ttf"},
        ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
    ),
    Typeface(
        "NotoMyanmar",
        {"": "NotoSansMyanmar-Regular.ttf", "B": "NotoSansMyanmar-Bold.ttf"},
        ((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)),
    ),
    Typeface("NotoSinhala", {"": "NotoSansSinhala-Regular.ttf", "B": "NotoSansSinhala-Bold.ttf"}, ((0x0D80, 0x0DFF),)),
    Typeface("NotoTamil", {"": "NotoSansTamil-Regular.ttf", "B": "NotoSansTamil-Bold.ttf"}, ((0x0B80, 0x0BFF),)),
    Typeface(
        "NotoCJK",
        {"B": "NotoSansCJKjp-Bold-subset.otf"},
        (
            (0x1100, 0x11FF),  # Hangul jamo
            (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
            (0x3130, 0x318F),  # Hangul compatibility jamo
            (0x31F0, 0x31FF),  # katakana extensions
            (0x3400, 0x9FFF),  # CJK ideographs
            (0xAC00, 0xD7AF),  # Hangul syllables
            (0xF900, 0xFAFF),  # compatibility ideographs
            (0xFF00, 0xFFEF),  # full-width forms
        ),
    ),
)
TYPEFACES = {typeface.family: typeface for typeface in (LATIN, *SCRIPTS)}


def typeface_for(text: str) -> Typeface:
    """Return the typeface for a line: that of the first character in a script the main font lacks."""
    for character in text:
        if character < "\u0600":  # Latin, Greek, Cyrillic, Armenian, Hebrew: the main font has them
            continue
        for typeface in SCRIPTS:
            if typeface.covers(character):
                return typeface
    return LATIN


def add_fonts(pdf: FPDF, texts: Iterable[str]) -> None:
    """Add the main font and the fonts the texts need; turn on text shaping and fallback between them."""
    needed = {typeface_for(text).family for text in texts} | {MAIN}
    families = [family for family in TYPEFACES if family in needed]
    for family in families:
        for style, file in TYPEFACES[family].files.items():
            pdf.add_font(family, style, str(FONTS / file))
    # A line set in one script's font takes any other character (a Latin initial, a comma) from the others.
    pdf.set_fallback_fonts(families, exact_match=False)


def set_font_for(pdf: FPDF, text: str, *, bold: bool, size: float) -> None:
    """Set the font that prints this line: chosen by its script, bold when asked and the typeface has it.

    Lines with characters from Hebrew on are shaped (HarfBuzz): Arabic joined, Arabic and Hebrew right to
    left, Indic conjuncts and vowel signs in place. Latin lines, given in composed form (NFC), need no
    shaping, which would more than double the time a batch of certificates takes.
    """
    typeface = typeface_for(text)
    pdf.set_font(typeface.family, typeface.style("B" if bold else ""), size)
    pdf.set_text_shaping(typeface is not LATIN or any(c >= "\u0590" for c in text))


@functools.cache
def _printable() -> frozenset[int]:
    """Return every code point some shipped font has a glyph for (read once from the fonts' character maps)."""
    points: set[int] = set()
    for typeface in TYPEFACES.values():
        for file in typeface.files.values():
            font = TTFont(FONTS / file, lazy=True)
            points.update(font.getBestCmap())
            font.close()
    return frozenset(points)


def missing_characters(text: str) -> str:
    """Return the characters of a text that no shipped font can print (they would be left out), each once."""
    printable = _printable()
    missing = (
        c for c in text if ord(c) not in printable and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp")
    )
    return "".join(dict.fromkeys(missing))

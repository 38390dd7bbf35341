"""Certificates print names in every script: each name is read back from the PDF's text.

What is compared: the text pypdf extracts from each page against the name, both in Unicode NFKC form (so
Arabic presentation forms, if an extractor gives them, count as the letters they are) with spaces and
control/format characters removed (pypdf puts NULs before CJK characters and splits a cluster with form
feeds; shaped right-to-left text may carry direction marks). So the test shows that every letter of each
name is drawn with a glyph of an embedded font and in the right order; it cannot show how the glyphs look,
which was checked by eye on page images (pdftoppm): Arabic joined and right to left, conjuncts formed.
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from programme.reports.certificates import Certificate, render_certificates, unprintable_names
from programme.reports.typefaces import missing_characters, typeface_for

NAMES = {
    "Latin": "María José Núñez-Żółć",
    "Vietnamese": "Nguyễn Thị Hồng",
    "Arabic": "محمد عبد الله",
    "Devanagari": "अनीता शर्मा क्षत्रिय",
    "Bengali": "রবীন্দ্রনাথ ঠাকুর",
    "Thai": "สมชาย ใจดี",
    # Seen in a journey: Khmer and Burmese names printed as blank certificates (no font had their letters).
    "Khmer": "សុខ ចាន់",
    "Myanmar": "သီတာ ဝင်း",
    "Lao": "ສົມພອນ ແກ້ວ",
    "Sinhala": "කමලා පෙරේරා",
    "Tamil": "கமலா செல்வம்",
    "Japanese": "山田 花子 (やまだ はなこ)",
    "Chinese": "王小明",
    "Korean": "김민준",
}


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] not in "CZ")


@pytest.fixture(scope="module")
def pages() -> list:
    pdf = render_certificates(
        [
            Certificate(name, "Module 1", "Advocacy course", "1–4 May 2024", "Bangkok, Thailand")
            for name in NAMES.values()
        ]
    )
    return PdfReader(io.BytesIO(pdf)).pages


@pytest.mark.parametrize("script", list(NAMES))
def test_each_name_is_printed_in_its_script(pages, script: str) -> None:
    page = pages[list(NAMES).index(script)]
    assert _letters(NAMES[script]) in _letters(page.extract_text())
    assert _letters("Advocacy course") in _letters(page.extract_text())


def test_arabic_runs_right_to_left(pages) -> None:
    # Read in visual order (left to right across the page), a right-to-left name comes out reversed.
    visual = _letters(pages[list(NAMES).index("Arabic")].extract_text(extraction_mode="layout"))
    assert _letters(NAMES["Arabic"])[::-1] in visual
    assert _letters(NAMES["Arabic"]) not in visual


def test_names_in_each_script_get_their_own_font() -> None:
    families = {script: typeface_for(name).family for script, name in NAMES.items()}
    assert families == {
        "Latin": "DejaVu",
        "Vietnamese": "DejaVu",
        "Arabic": "NotoArabic",
        "Devanagari": "NotoDevanagari",
        "Bengali": "NotoBengali",
        "Thai": "NotoThai",
        "Khmer": "NotoKhmer",
        "Myanmar": "NotoMyanmar",
        "Lao": "NotoLao",
        "Sinhala": "NotoSinhala",
        "Tamil": "NotoTamil",
        "Japanese": "NotoCJK",
        "Chinese": "NotoCJK",
        "Korean": "NotoCJK",
    }
    assert all(missing_characters(name) == "" for name in NAMES.values())


def test_latin_only_certificates_embed_no_other_script_font() -> None:
    pdf = render_certificates([Certificate("Ana Thapa", "Module 1", "Course", "1 May 2024", "Kathmandu")])
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in font for font in fonts)


def test_characters_no_font_has_are_named_not_dropped_silently() -> None:
    # U+20B9F 𠮟 (CJK Extension B) and U+13000 (Egyptian hieroglyph) are in none of the shipped fonts.
    certificates = [
        Certificate("𠮟田 花子", "Module 1", "Course", "1 May 2024", ""),
        Certificate("Ana", "Module 1", "Course \U00013000", "1 May 2024", ""),
        Certificate("王小明", "Module 1", "Course", "1 May 2024", ""),
    ]
    assert unprintable_names(certificates) == {"𠮟田 花子": "𠮟", "Ana": "\U00013000"}


def test_a_name_no_font_has_is_left_out_of_the_pdf_not_printed_blank(session) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from programme.core.errors import ProgrammeError
    from programme.courses.catalogue import add_course, add_module
    from programme.models import Participation, Person
    from programme.reports.certificates import certificates_pdf, left_out, module_certificates

    add_course(session, code="CF1", title="Fonts course", by=None)
    module = add_module(session, course_code="CF1", number=1, title="One", start=date(2024, 5, 6),
                        end=date(2024, 5, 8), by=None)  # fmt: skip
    names = ["សុខ ចាន់", "\U00013000 Ana", "သီတာ ဝင်း"]  # Khmer, a hieroglyph no font has, Burmese
    for name in names:
        person = Person(full_name=name, name_key=name)
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module.id, attended=True, completed=True))
    session.commit()
    certificates = module_certificates(session, module.id)
    assert [c.name for c in left_out(certificates)] == ["\U00013000 Ana"]
    pages = PdfReader(io.BytesIO(certificates_pdf(session, module_id=module.id, by="t"))).pages
    printed = sorted(_letters(name) for name in names[::2])
    assert (
        sorted(next(_letters(n) for n in names if _letters(n) in _letters(page.extract_text())) for page in pages)
        == printed
    )  # two pages, one for each name a font has; none blank
    # Nobody printable: refused in one sentence rather than an empty PDF.
    session.query(Participation).filter(Participation.person_id.in_(
        [p.id for p in session.query(Person).filter(Person.full_name != "\U00013000 Ana")]
    )).delete(synchronize_session=False)  # fmt: skip
    session.commit()
    with pytest.raises(ProgrammeError, match="no font of the app has"):
        certificates_pdf(session, module_id=module.id, by="t")

"""People's names: display form, split, and the key that finds the same person twice."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

T = TypeVar("T")

_SPACES = re.compile(r"\s+")
# The same for ASCII text as one byte table: each ASCII character that is not a letter or digit becomes a space.
_ASCII_NOT_ALNUM = bytes(code if chr(code).isalnum() else 32 for code in range(128)) + bytes(range(128, 256))
# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), and the
# invisible direction marks (U+200E, U+200F, U+061C). An override ("\u202e") shows "Ana gpj.exe" as
# "Ana exe.jpg": in a name or any single-line field they only deceive, and the marks make two names that
# look the same differ. Joiners (U+200C, U+200D) and the zero-width space stay: Persian, Indic and Khmer
# writing needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(text: str) -> str:
    """Return text without bidirectional control characters (BIDI_CONTROLS)."""
    return text if text.isascii() else text.translate(_NO_BIDI)


def clean_text(value: object) -> str:
    """Return value as NFC text on one line: whitespace collapsed, bidi controls removed ('' for None/NaN)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):  # NaN from pandas
        return ""
    text = without_bidi_controls(unicodedata.normalize("NFC", str(value)).replace("\u00a0", " "))
    return _SPACES.sub(" ", text).strip()


# The blocks of the scripts (Brahmic and their kin) whose combining marks are letters, not optional accents: vowel
# signs, viramas, nukta, tone marks. A name loses its vowels without them (सीता, Sita, would be स त). Devanagari to
# Sinhala, Thai, Lao, Tibetan, Myanmar, Tagalog to Khmer, Limbu to Lepcha (the Vedic and the general combining
# marks' extensions at U+1AB0 and U+1CD0 aside), Syloti Nagri to Meetei Mayek, and the Brahmic blocks of U+11000.
LETTER_MARK_RANGES = (
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1700, 0x17FF),
    (0x1900, 0x1AAF),
    (0x1B00, 0x1C4F),
    (0xA800, 0xA82F),
    (0xA880, 0xA8FF),
    (0xA900, 0xAAFF),
    (0xABC0, 0xABFF),
    (0x11000, 0x11FFF),
)
# Those blocks' marks (categories Mn, Mc, Me): word characters in fold_words, neither dropped nor parting a word.
LETTER_MARKS = "".join(
    chr(code)
    for first, last in LETTER_MARK_RANGES
    for code in range(first, last + 1)
    if unicodedata.category(chr(code)).startswith("M")
)


@cache
def _dropped_marks() -> dict[int, None]:
    """Every other combining mark (Latin accents, Arabic harakat, Hebrew points...), as a table for translate() that
    drops them: built at the first text that is not ASCII (30 ms). Unicode has no combining mark beyond U+1FFFF (the
    last, U+1E94A, is Adlam's)."""
    kept = frozenset(LETTER_MARKS)
    return dict.fromkeys(code for code in range(0x20000) if unicodedata.combining(chr(code)) and chr(code) not in kept)


def without_optional_marks(text: str) -> str:
    """Return text (NFC) without the combining marks that fold drops: Latin accents, Arabic harakat (U+064B-U+065F,
    U+0670) and hamza marks, Hebrew points, kana voicing marks... (every combining mark but LETTER_MARKS), after
    compatibility decomposition (NFKD), as fold does; the letter marks stay: "مُحَمَّد" is "محمد", "कमला" stays "कमला".
    What the directory's indexes hold and what a query's words are read as (on SQLite the SQL function
    programme_unmarked, registered on every connection: programme.core.db; on PostgreSQL programme_fold)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    if max(text) >= "\u0300":  # the first combining mark
        text = text.translate(_dropped_marks())
    return unicodedata.normalize("NFC", text)


def _character_class(characters: str) -> str:
    """Return characters as the inside of a regular expression's class, in ranges (a shorter class is faster)."""
    runs: list[list[int]] = []
    for code in sorted(map(ord, characters)):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\U{first:08x}" + (f"-\\U{last:08x}" if last > first else "") for first, last in runs)


# A run of characters that are not a letter, a digit or a letter mark: a space. [\W_] is exactly "not
# str.isalnum()", ~5x faster than a test of each character; only a text with a character of the letter marks' blocks
# (U+0900 and after) needs the longer, slower class.
_NOT_ALNUM = re.compile(r"[\W_]+")
# The letter marks as the inside of a regular expression's class ("[...]"), for expressions that find words as these.
LETTER_MARK_CLASS = _character_class(LETTER_MARKS)
_NOT_WORD = re.compile(f"[^\\w{LETTER_MARK_CLASS}]+|_+")


def fold(text: str) -> str:
    """Return text lower-cased, without accents and punctuation, words single-spaced."""
    return " ".join(fold_words(text))


def fold_words(text: str) -> list[str]:
    """Return the words of fold(text): lower case, accents dropped, punctuation a space. The marks of the scripts
    that write vowels and other sounds with them (LETTER_MARK_RANGES: Devanagari, Bengali, Sinhala, Thai, Myanmar,
    Khmer...) are letters there and stay in their word: "कमला" (Kamala) is not "कमल" (Kamal)."""
    if text.isascii():  # most names: casefold() is lower(), and a byte table is faster than the expression
        return text.lower().encode("ascii").translate(_ASCII_NOT_ALNUM).decode("ascii").split()
    text = unicodedata.normalize("NFKD", text)
    highest = max(text)
    if highest >= "\u0300":  # the first combining mark
        text = text.translate(_dropped_marks())
    return (_NOT_WORD if highest >= "\u0900" else _NOT_ALNUM).sub(" ", text.casefold()).split()


# The length of person.sort_name (as full_name's).
SORT_NAME_LENGTH = 300


def sort_name(full_name: str | None) -> str:
    """Return the key people are listed by: fold(full_name), cut to the column's length ("ángela de la Cruz" is
    "angela de la cruz", among the A's). Stored in person.sort_name (migration 0028), compared byte by byte on both
    databases (PostgreSQL's column is COLLATE "C"), so the order is the same on every installation."""
    return fold(full_name or "")[:SORT_NAME_LENGTH]


def by_name(items: Iterable[T], name: Callable[[T], str | None] | None = None) -> list[T]:
    """Return items in the order people are listed (sort_name, then the text itself): a short list of names read
    from the database (networks, funders, topics, partners) sorted here, not by the database's collation, which
    differs between installations (SQLite and a C-collation PostgreSQL put "Zeta" before "abc" and "Ángel" last)."""
    text = name or (lambda item: item)  # type: ignore[assignment,return-value]

    def key(item: T) -> tuple[str, str]:
        value = text(item) or ""
        return sort_name(value), value

    return sorted(items, key=key)


# fold_words' byte table keeping the newline that parts the texts of a column (name_keys).
_ASCII_NOT_ALNUM_BUT_NEWLINE = bytes(10 if code == 10 else byte for code, byte in enumerate(_ASCII_NOT_ALNUM))


def name_keys(texts: list[str]) -> list[str]:
    """Return " ".join(sorted(fold_words(text))) for each text (the name key of a cleaned name, as name_key() without
    display_name), folding the whole column at once when it is ASCII without newlines (cleaned text has none)."""
    joined = "\n".join(texts)
    if not joined.isascii() or joined.count("\n") != len(texts) - 1:
        return [" ".join(sorted(fold_words(text))) for text in texts]
    folded = joined.lower().encode("ascii").translate(_ASCII_NOT_ALNUM_BUT_NEWLINE).decode("ascii").split("\n")
    return [" ".join(sorted(text.split())) for text in folded]


def sort_names(texts: list[str]) -> list[str]:
    """Return sort_name(text) for each cleaned text, folding the whole column at once when it is ASCII without
    newlines (as name_keys)."""
    joined = "\n".join(texts)
    if not joined.isascii() or joined.count("\n") != len(texts) - 1:
        return [sort_name(text) for text in texts]
    folded = joined.lower().encode("ascii").translate(_ASCII_NOT_ALNUM_BUT_NEWLINE).decode("ascii").split("\n")
    return [" ".join(text.split())[:SORT_NAME_LENGTH] for text in folded]


def has_letters(text: str) -> bool:
    """Return whether text holds a letter of any script: "12345" or "+-- 42" is no name (a row number or an ID typed
    in the name column would otherwise become a person)."""
    if text.isascii():  # an ASCII letter is the only ASCII character whose case changes
        return text.lower() != text.upper()
    return any(character.isalpha() for character in text)


# What a part of a name written "Family, Given" is made of: letters of any script (with their combining marks: Thai,
# Devanagari), spaces, and the apostrophes, hyphens and full stops of names (O'Brien, Jean-Paul, Ma. Cristina).
_NAME_PUNCTUATION = frozenset(" .'\u2019\u2018-\u2010\u2011")


def _name_part(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and all(
        ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch) in ("Mn", "Mc") for ch in text
    )


# What follows a name and is no given name: degrees, honours, professional letters and generational suffixes ("Dr Maria
# Santos, PhD", "Jose Rizal, Jr.", "Budi Santoso, S.H.", Indonesian degrees included), compared without full stops.
# Those that are also names or other words ("Ma", "Md" for Mohammed, "Ms", "Se") count only in capitals; a list written
# in capitals ("RAHMAN, MD") is then kept as written, never reordered on a guess.
_AFTER_NAME_ANY_CASE = frozenset(
    "phd dphil mphil edd dba llm llb lld msc bsc mba mpa mph msw msocsc mres bcl jd esq esquire jr jnr sr snr cpa"
    " frcp mrcp frcs facp mbbs mbchb".split()
)
_AFTER_NAME_CAPITALS = frozenset(
    "MA BA MD MS BS AB MFA MEd BEd BL LLD II III IV V RN CBE OBE MBE KC QC SC SJ SAN PE CPA"
    " SH MH SE MM ST MT SPd MPd SSos MSi SKom SAg MAg SPsi MKn SIP SHI SIKom SHum MHum SFarm SKed SKM MKes".split()
)


_AFTER_NAME_FOLDED = _AFTER_NAME_ANY_CASE | {word.lower() for word in _AFTER_NAME_CAPITALS}


def after_name(text: str) -> bool:
    """Return whether a part of a name is only letters that follow a name, not a given name: "PhD", "Ph.D. MA", "Jr.",
    "III", "S.H., M.H." (see _AFTER_NAME_ANY_CASE and _AFTER_NAME_CAPITALS). Initials ("J.R.") are a given name,
    unless they are also a degree's ("M.A.", "S.H."): then the name is kept as written."""
    words = text.replace(",", " ").split()
    return bool(words) and all(_after_name_word(word) for word in words)


_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?")


def _after_name_word(word: str) -> bool:
    bare = word.replace(".", "")
    if bare in _AFTER_NAME_CAPITALS:
        return True
    return not _INITIALS.fullmatch(word) and bare.lower() in _AFTER_NAME_ANY_CASE


def _capitals_after(family: str, given: str) -> bool:
    """Return whether the part after the comma is capitals after a name that is not ("Ram Gurung, GEFONT", "Ana Cruz,
    MSW"): letters after a name or an organisation's initials, not a given name written in a list of capitals
    ("SANTOS, MARIA"); one letter or initials ("Smith, J.R.") stay a given name."""
    words = given.split()
    return (
        given.isupper()
        and not family.isupper()
        and all(len(word.replace(".", "")) > 1 and not _INITIALS.fullmatch(word) for word in words)
    )


def family_given(text: str) -> tuple[str, str] | None:
    """Return (family, given) when a cleaned name is written "Family, Given" ("Santos, Maria"): one comma, a name
    on each side of it. Anything else (two commas, digits, brackets, quotes, "=": '=HYPERLINK("http://x","y")') is
    not a name written that way, and is kept as written; so is a name followed by letters after a comma ("Dr Maria
    Santos, PhD", "Jose Rizal, Jr.": after_name). A given part that ends in such letters ("Dela Cruz, Juan Jr.") keeps
    them at the end: ("Dela Cruz Jr.", "Juan"), read "Juan Dela Cruz Jr."."""
    if text.count(",") != 1:
        return None
    family, given = (part.strip() for part in text.split(","))
    if not (_name_part(family) and _name_part(given)) or after_name(given) or _capitals_after(family, given):
        return None
    words = given.split()
    ending = len(words)
    while ending > 1 and after_name(words[ending - 1]):
        ending -= 1
    if ending < len(words):
        return f"{family} {' '.join(words[ending:])}", " ".join(words[:ending])
    return family, given


def display_name(value: object) -> str:
    """Return "Maria Santos" for "Santos, Maria" (family_given); otherwise the cleaned name as written."""
    text = clean_text(value)
    parts = family_given(text)
    return f"{parts[1]} {parts[0]}" if parts else text


def name_key(value: object) -> str:
    """Return a case-, accent-, punctuation- and order-insensitive key for a name."""
    return " ".join(sorted(fold(display_name(value)).split()))


# What the person table's given_name and family_name columns hold (a full name holds 300).
PART_MAX = 150


def split_name(full_name: str) -> tuple[str, str]:
    """Return (given, family) from a display name; the last word is taken as the family name, before any letters that
    follow a name ("Dr Maria Santos, PhD": "Dr Maria", "Santos"), and a name kept as written "Family, Given" gives its
    two parts. Each is cut to the PART_MAX characters its column holds (the full name keeps them all): a name of one
    300-letter word, or a long given part, would otherwise be refused by PostgreSQL with the whole record."""
    if "," in full_name:  # the import's names seldom: each check only then
        parts = family_given(full_name)
        if parts is not None:
            return parts[1][:PART_MAX].rstrip(), parts[0][:PART_MAX].rstrip()
        if after_name(full_name.split(",", 1)[1]):
            full_name = full_name.split(",", 1)[0]
    words = full_name.split()
    # A set look-up first (any case, no full stops), the exact rule only for a word that may follow a name.
    while len(words) > 2 and words[-1].replace(".", "").lower() in _AFTER_NAME_FOLDED and after_name(words[-1]):
        words.pop()
    if len(words) < 2:
        return full_name[:PART_MAX], ""
    return " ".join(words[:-1])[:PART_MAX].rstrip(), words[-1][:PART_MAX]

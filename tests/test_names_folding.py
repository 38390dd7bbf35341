"""names.fold_words and names.has_letters read ASCII text through a byte table and a case test: the same answers as
the general rules (a per-character rule over the casefolded text, and a per-character isalpha), for any text. The
marks of the scripts that write vowels with them stay in their word (test_names_letter_marks.py)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from programme.people.names import LETTER_MARK_RANGES, fold_words, has_letters, name_keys


def _letter_mark(character: str) -> bool:
    """A mark of the scripts whose marks are letters (names.LETTER_MARK_RANGES): kept in its word."""
    code = ord(character)
    return unicodedata.category(character).startswith("M") and any(
        first <= code <= last for first, last in LETTER_MARK_RANGES
    )


def folded_by_the_rule(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if _letter_mark(ch) or not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() or _letter_mark(ch) else " " for ch in text).split()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_the_rule_says(text: str) -> None:
    assert fold_words(text) == folded_by_the_rule(text)
    assert has_letters(text) == any(character.isalpha() for character in text)


@given(st.text())
def test_any_text_folds_as_the_rule_says(text: str) -> None:
    assert fold_words(text) == folded_by_the_rule(text)
    assert has_letters(text) == any(character.isalpha() for character in text)


# Text in the scripts whose marks are letters (Devanagari to Myanmar), with Latin, accents and punctuation among it.
_INDIC_AND_LATIN = st.characters(min_codepoint=0x0900, max_codepoint=0x109F) | st.characters(max_codepoint=0x036F)


@given(st.text(alphabet=_INDIC_AND_LATIN))
def test_text_with_letter_marks_folds_as_the_rule_says(text: str) -> None:
    assert fold_words(text) == folded_by_the_rule(text)
    assert name_keys([text, "a"]) == [" ".join(sorted(folded_by_the_rule(text))), "a"]


def test_every_ascii_character() -> None:
    for code in range(128):
        character = chr(code)
        assert fold_words(f"a{character}b") == folded_by_the_rule(f"a{character}b")
        assert has_letters(character) == character.isalpha()
    assert fold_words("Santos, MARIA_José") == ["santos", "maria", "jose"]
    assert not has_letters("+-- 42") and has_letters("٣ب")


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127))))
def test_a_column_of_ascii_names_keyed_at_once_is_keyed_as_name_by_name(texts: list[str]) -> None:
    """names.name_keys folds an ASCII column in one piece (newlines part the texts): each key is the rule's, also
    for texts holding newlines (then read one by one)."""
    assert name_keys(texts) == [" ".join(sorted(folded_by_the_rule(text))) for text in texts]


@given(st.lists(st.text()))
def test_a_column_of_any_names_is_keyed_as_name_by_name(texts: list[str]) -> None:
    assert name_keys(texts) == [" ".join(sorted(folded_by_the_rule(text))) for text in texts]

"""names.fold_words and names.has_letters read ASCII text through a byte table and a case test: the same answers as
the general rules (the regular expression over the casefolded text, and a per-character isalpha), for any text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from programme.people.names import fold_words, has_letters

NOT_ALNUM = re.compile(r"[\W_]+")


def folded_by_the_rule(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return NOT_ALNUM.sub(" ", text.casefold()).split()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_the_rule_says(text: str) -> None:
    assert fold_words(text) == folded_by_the_rule(text)
    assert has_letters(text) == any(character.isalpha() for character in text)


@given(st.text())
def test_any_text_folds_as_the_rule_says(text: str) -> None:
    assert fold_words(text) == folded_by_the_rule(text)
    assert has_letters(text) == any(character.isalpha() for character in text)


def test_every_ascii_character() -> None:
    for code in range(128):
        character = chr(code)
        assert fold_words(f"a{character}b") == folded_by_the_rule(f"a{character}b")
        assert has_letters(character) == character.isalpha()
    assert fold_words("Santos, MARIA_José") == ["santos", "maria", "jose"]
    assert not has_letters("+-- 42") and has_letters("٣ب")

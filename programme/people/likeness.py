"""What makes two records look like one person, said in words.

The review lists of probable matches (an import's, a registration's, a person's possible duplicates) showed a
similarity score ("similar name, score 92"), which told a facilitator nothing. They say instead what is alike and
what differs: "similar names: 'Jon' / 'John' (one letter apart); same nationality; e-mails differ".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

from programme.people.countries import to_alpha3
from programme.people.names import clean_text, display_name, fold, fold_words

# The fields compared, as the callers' mappings name them.
FIELDS = ("full_name", "nationality", "email", "organisation")
_NUMBERS = {1: "one", 2: "two", 3: "three"}


def _letters(count: int) -> str:
    return f"{_NUMBERS.get(count, count)} letter{'s' if count != 1 else ''}"


def name_likeness(typed: str, recorded: str) -> str:
    """Return how two names compare, in words: the same, the same in another order, one with a word more, or
    similar (the words that differ and how many letters apart)."""
    first, second = display_name(typed), display_name(recorded)
    if fold(first) == fold(second):
        return "the same name" + ("" if clean_text(first) == clean_text(second) else " (written differently)")
    first_words, second_words = Counter(fold_words(first)), Counter(fold_words(second))
    if first_words == second_words:
        return "the same name, its words in another order"
    only_first, only_second = first_words - second_words, second_words - first_words
    if not only_first or not only_second:
        extra = only_first or only_second
        words = ", ".join(f"'{word}'" for word in _as_written(first if only_first else second, extra))
        count = sum(extra.values())
        return f"the same name, one with {'a word' if count == 1 else f'{count} words'} more ({words})"
    shown_first = " ".join(_as_written(first, only_first))
    shown_second = " ".join(_as_written(second, only_second))
    apart = Levenshtein.distance(" ".join(sorted(only_first.elements())), " ".join(sorted(only_second.elements())))
    return f"similar names: '{shown_first}' / '{shown_second}' ({_letters(apart)} apart)"


def _as_written(name: str, words: Counter[str]) -> list[str]:
    """Return the words of name (as written) whose folded forms are in words, in the name's order."""
    wanted = Counter(words)
    found = []
    for word in clean_text(name).replace(",", " ").split():
        folded = " ".join(fold_words(word))
        if folded and wanted[folded] > 0:
            wanted[folded] -= 1
            found.append(word)
    return found or sorted(words.elements())


def _same(field: str, first: str, second: str) -> bool:
    """Whether two values of a field are the same: countries by their code ("NPL", "Nepal" and "nepal" are one), the
    rest by fold (case, accents and punctuation aside)."""
    if field == "nationality":
        return (to_alpha3(first) or fold(first)) == (to_alpha3(second) or fold(second))
    return fold(first) == fold(second)


def likeness(
    typed: Mapping[str, object],
    recorded: Mapping[str, object],
    *,
    sides: tuple[str, str] = ("in the sheet", "recorded"),
) -> str:
    """Return what two records share and where they differ: the name (name_likeness), the nationality, the e-mail and
    the organisation, each said only when one side has it. sides names where each record comes from ("in the sheet",
    "recorded"; "typed", "recorded"; "on this record", "on the other")."""
    parts = [name_likeness(str(typed.get("full_name") or ""), str(recorded.get("full_name") or ""))]
    for field, word, plural in (
        ("nationality", "nationality", "nationalities"),
        ("email", "e-mail", "e-mails"),
        ("organisation", "organisation", "organisations"),
    ):
        first, second = clean_text(typed.get(field)), clean_text(recorded.get(field))
        if first and second:
            parts.append(f"same {word}" if _same(field, first, second) else f"{plural} differ")
        elif first or second:
            parts.append(f"{word} only {sides[0] if first else sides[1]}")
        elif field == "nationality":
            parts.append("no nationality on either side")
    return "; ".join(parts)

"""One way to read a controlled value (gender, organisation type, role, attendance mark) from what people type.

Each reading goes: exact (the folded text is a known word) → synonyms → word-level rules (a word such as
"lawyers" or "union" in a longer text, when the text's words point to exactly one value) → fuzzy (rapidfuzz,
a high cutoff, for misspellings) → unknown. Unknown is never guessed: the caller decides whether it refuses
the row (a role, an attendance mark) or stores the field as not recorded with a warning (gender, organisation
type). A later intake layer for agendas and evaluations can read its own fields with the same Vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from programme.core.words import a_or_an
from programme.people.names import fold

T = TypeVar("T")

# A typed value this close (rapidfuzz ratio, 0-100) to a known word is taken as it (misspellings).
FUZZY_CUTOFF = 88
# Texts shorter than this are never read fuzzily ("ngo" is not "nhri").
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What a text was read as: the value (None when unknown) and how ("exact", "rule", "fuzzy", "unknown")."""

    value: T | None
    how: str


@dataclass
class Vocabulary(Generic[T]):
    """The words of one controlled field: exact words and synonyms (folded), and word-level rules.

    rules: (words, value): the value when one of the words is a word of the text. When the rules that match
    point to more than one value ("migrant workers union"), the text is unknown: no rule decides.
    """

    words: dict[str, T]
    rules: list[tuple[frozenset[str], T]] = field(default_factory=list)
    fuzzy: bool = True
    _cache: dict[str, Reading[T]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        words: Mapping[str, T],
        rules: Iterable[tuple[Iterable[str], T]] = (),
        *,
        fuzzy: bool = True,
    ) -> Vocabulary[T]:
        return cls(
            words={fold(word): value for word, value in words.items()},
            rules=[(frozenset(fold(word) for word in rule_words), value) for rule_words, value in rules],
            fuzzy=fuzzy,
        )

    def read(self, text: str, extra: Mapping[str, T] | None = None) -> Reading[T]:
        """Return what the text means; extra holds the organisation's own mappings (folded text → value)."""
        key = fold(text)
        if extra and key in extra:
            return Reading(extra[key], "mapped")
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._read(key)
        return cached

    def _read(self, key: str) -> Reading[T]:
        if key in self.words:
            return Reading(self.words[key], "exact")
        words = set(key.split())
        found = {value for rule_words, value in self.rules if words & rule_words}
        if len(found) == 1:
            return Reading(found.pop(), "rule")
        if found:
            return Reading(None, "unknown")  # the words point two ways: nothing is guessed
        if self.fuzzy and len(key) >= FUZZY_MIN_LENGTH:
            best = process.extractOne(key, self.words.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                return Reading(self.words[best[0]], "fuzzy")
        return Reading(None, "unknown")


@dataclass
class UnknownValues:
    """The distinct unknown values met in one column, with their counts (for one warning per column)."""

    column: str
    what: str  # "organisation type"
    counts: dict[str, int] = field(default_factory=dict)
    field_name: str = ""  # the field it is read into ("org_type")

    def add(self, text: str) -> None:
        self.counts[text] = self.counts.get(text, 0) + 1

    def message(self) -> str:
        listed = ", ".join(
            f"'{text}' ({count} {'row' if count == 1 else 'rows'})" for text, count in self.counts.items()
        )
        return (
            f"Not recognised as {a_or_an(self.what)}, so stored as not recorded (the people are imported): {listed}. "
            f"Correct the {self.what} in the sheet, or on the person's page after importing."
        )


@dataclass
class GuessedValues(UnknownValues):
    """The distinct values of one column read as the closest known value (a misspelt country): imported, and named
    in one warning per column so that a wrong reading ("Austrlia" as Austria) is seen and corrected."""

    read_as: dict[str, str] = field(default_factory=dict)  # text → what it was read as

    def guess(self, text: str, value: str, *, language: str = "") -> None:
        """Note text as read as value; language: the language text is value's name in ("French"), if it is one."""
        self.add(text)
        self.read_as[text] = f"{value} (its name in {language})" if language else value
        if language:
            self.in_other_language = True

    in_other_language: bool = False

    @property
    def _reading(self) -> str:
        if self.in_other_language:
            return (
                f"Not {a_or_an(self.what)}'s name in English, so read as the {self.what} it names in another language "
                "or as the closest name"
            )
        return f"Not an exact {self.what} name, so read as the closest one"

    def message(self) -> str:
        listed = ", ".join(
            f"'{text}' as {self.read_as[text]} ({count} {'row' if count == 1 else 'rows'})"
            for text, count in self.counts.items()
        )
        return (
            f"{self._reading}: {listed}. If one is wrong, correct the "
            f"{self.what} in the sheet, or on the person's page after importing."
        )

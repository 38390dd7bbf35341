"""Rating scales: reading "4", "4 - Very good", "Very useful" or "Strongly agree" as a rating from 1 to 5."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from programme.core.errors import ProgrammeError
from programme.core.words import agreeing
from programme.intake.scales import NOT_APPLICABLE, fitting_scales, knows_label, star_rating
from programme.models.evaluations import RATING_MAX, RATING_MIN, ZERO_TO_TEN
from programme.people.names import clean_text, fold

# Shown on charts and on the paper-entry form when a form keeps no labels of its own.
DEFAULT_SCALE_LABELS = ("Poor", "Fair", "Good", "Very good", "Excellent")
SCALE_SIZE = RATING_MAX - RATING_MIN + 1
STANDARD_RANGE = (RATING_MIN, RATING_MAX)

# Answers that mean "no answer": left blank, crossed out, or not applicable.
# N/A, "Don't know" (NOT_APPLICABLE) are no rating either: kept out of n and the mean.
BLANK_ANSWERS = frozenset({"", "-", "--", ".", "none", "nil", "no answer", "skip"}) | NOT_APPLICABLE

# The 5-point label families survey tools and paper forms use, folded (lower case, no accents or punctuation).
_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("poor", "fair", "good", "very good", "excellent"),
    ("very poor", "", "average", "", ""),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    ("", "", "neutral", "", ""),
    ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied", "very satisfied"),
    ("", "", "satisfactory", "", ""),
    ("very bad", "bad", "ok", "", ""),
)
# "Not at all useful" .. "Extremely useful", and the same words for relevance, helpfulness...
_ADJECTIVES = ("useful", "relevant", "helpful", "important", "effective", "interesting", "clear")
_DEGREES: tuple[tuple[str, ...], ...] = (
    ("not at all", "not"),
    ("slightly", "a little", "not very"),
    ("", "moderately", "somewhat", "fairly", "quite"),
    ("very",),
    ("extremely", "highly"),
)


def _standard_labels() -> dict[str, int]:
    labels: dict[str, int] = {}
    for family in _FAMILIES:
        for rating, label in enumerate(family, start=RATING_MIN):
            if label:
                labels[label] = rating
    for adjective in _ADJECTIVES:
        for rating, degrees in enumerate(_DEGREES, start=RATING_MIN):
            for degree in degrees:
                labels[f"{degree} {adjective}".strip()] = rating
    return labels


STANDARD_LABELS = _standard_labels()
# "4", "4.0", "4/5", "4 out of 5", "4 - Very good", "4 (Very good)", "Very good (4)", "Very good - 4".
_LEADING_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)(?:\s*(?:/|out of)\s*(?:5|10))?(?:\s*[-–—:.)(]\s*|\s+|$)(.*)$")
_TRAILING_NUMBER = re.compile(r"^(.*?)\s*[-–—:(]\s*(\d+)\)?$")
# The words that may follow a rating's number besides a whole label: the labels' own words ("4 - Very good",
# "2 (Not very useful)"), stars and points ("4 stars"), a 0-10 question's ends ("10 - Extremely likely"), the ends of
# a scale ("5 = highest"). Any other word makes the answer text: "4 days is too long" is a comment, not a 4.
_SCALE_WORDS = frozenset(
    {word for label in STANDARD_LABELS for word in label.split()}
    | {"star", "stars", "point", "points", "pts", "out", "of", "likely", "unlikely", "highest", "lowest", "best",
       "worst", "great", "ok", "okay", "strongly", "neither", "nor", "or", "somewhat", "completely", "totally",
       "satisfactory", "unsatisfactory", "outstanding", "neutral", "average", "agree", "disagree"}
)  # fmt: skip


# Complete scales, as a form would print them: the importer keeps the one an export's answers use.
NAMED_SCALES: tuple[tuple[str, ...], ...] = (
    ("Not at all useful", "Slightly useful", "Useful", "Very useful", "Extremely useful"),
    ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"),
    DEFAULT_SCALE_LABELS,
)


_NAMED_FOLDED = tuple(frozenset(fold(label) for label in scale) for scale in NAMED_SCALES)


class UnknownAnswer(ValueError):
    """An answer that is not a rating on its question's scale (1-5 or 0-10); its message says what was expected."""


def scale_text(scale: tuple[int, int]) -> str:
    """Return "1-5" or "0-10": how a question's range is named in tables, JSON and on the dashboard."""
    return f"{scale[0]}-{scale[1]}"


def is_zero_to_ten(scale: tuple[int, int] | None) -> bool:
    """Return whether a question's range is 0-10 (its answers are never averaged with 1-5 ones)."""
    return tuple(scale or ()) == ZERO_TO_TEN


def is_blank(value: object) -> bool:
    """Return whether an answer means "no answer" (blank, "-", "N/A")."""
    return _fold(clean_text(value)) in BLANK_ANSWERS


@lru_cache(maxsize=64)
def _custom_labels(labels: tuple[str, ...]) -> dict[str, int]:
    return {fold(label): rating for rating, label in enumerate(labels, start=RATING_MIN) if fold(label)}


# Exports repeat the same few answers thousands of times: fold each once.
_fold = lru_cache(maxsize=4096)(fold)


def read_rating(
    value: object,
    labels: Sequence[str] | None = None,
    *,
    only_labels: bool = False,
    scale: tuple[int, int] = STANDARD_RANGE,
) -> int | None:
    """Return the rating an answer gives on its question's scale, None for a blank one; raise UnknownAnswer otherwise.

    A form's own labels (five, lowest first) are tried before the standard families; with only_labels (the
    scale an import decided for the column) no other family's label is read. A 0-10 question (scale=(0, 10))
    reads numbers only ("9", "10 - Extremely likely"): word labels are the 1-5 scales'.
    """
    text = clean_text(value)
    if is_blank(text):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _in_range(float(value), text, scale)
    if tuple(scale) != STANDARD_RANGE:
        leading = _LEADING_NUMBER.match(text)
        if leading and scale_wording(leading.group(2)):
            return _in_range(float(leading.group(1).replace(",", ".")), text, scale)
        raise UnknownAnswer(f"'{text}' is not a whole number from {scale[0]} to {scale[1]}.")
    stars = star_rating(text)
    if stars is not None:
        return _in_range(float(stars), text)
    custom = _custom_labels(tuple(labels or ()))
    folded = _fold(text)
    if folded in custom:
        return custom[folded]
    if folded in STANDARD_LABELS and not only_labels:
        return STANDARD_LABELS[folded]
    leading = _LEADING_NUMBER.match(text)
    if leading and scale_wording(leading.group(2), custom):
        return _number_with_label(leading.group(1), leading.group(2), text, custom)
    if leading:
        raise UnknownAnswer(
            f"'{text}' begins with a number, but the words after it are no rating label: it is not a rating from "
            f"{RATING_MIN} to {RATING_MAX}."
        )
    trailing = _TRAILING_NUMBER.match(text)
    # "Day - 2" is not a rating: a number after the words counts only when the words are a label.
    known = custom.keys() if only_labels else custom.keys() | STANDARD_LABELS.keys()
    if trailing and fold(trailing.group(1)) in known:
        return _number_with_label(trailing.group(2), trailing.group(1), text, custom)
    raise UnknownAnswer(f"'{text}' is not a rating from {RATING_MIN} to {RATING_MAX} or a label we know.")


def scale_wording(words: str, custom: dict[str, int] | None = None) -> bool:
    """Return whether the words after a rating's number are a scale's: none ("4", "4/5"), a label (the form's own or
    a standard one: "4 - Good", "4 (Agree)", "4. Very good"), or the scale's own words ("4 stars", "5 = highest");
    not a sentence ("4 days is too long")."""
    folded = _fold(words)
    if not folded or folded in (custom or {}) or folded in STANDARD_LABELS or knows_label(words):
        return True
    own = {word for label in (custom or {}) for word in label.split()}
    return all(word in _SCALE_WORDS or word in own for word in folded.split())


# "4 - Muy bueno", "2: Regular": a number, a separator and a few words, as a form's numbered choice would print them.
_NUMBERED_CHOICE = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:[-–—:=(]|\.\s)\s*[^\d\s].*$")
NUMBERED_CHOICE_WORDS = 4


def numbered_choice(value: object, labels: Sequence[str] | None = None) -> bool:
    """Return whether an answer looks like a numbered choice whose words are no label we know ("4 - Muy bueno"): not
    read as a rating (its words are not a scale's), but named in a warning when a column has many."""
    text = clean_text(value)
    return (
        bool(_NUMBERED_CHOICE.match(text))
        and len(text.split()) <= NUMBERED_CHOICE_WORDS + 2
        and not is_rating(text, labels)
    )


def _number_with_label(digits: str, words: str, text: str, custom: dict[str, int]) -> int:
    rating = _in_range(float(digits.replace(",", ".")), text)
    label = fold(words)
    # The label's ratings on the scales that hold it: "Good" is 3 of Poor..Excellent and 4 of Very poor..Excellent.
    ratings = {scale.folded()[label] for scale in fitting_scales([words])}
    if label in STANDARD_LABELS:
        ratings.add(STANDARD_LABELS[label])
    if ratings and rating not in ratings and not custom:
        raise UnknownAnswer(f"'{text}' gives a number and a label that disagree.")
    return rating


def is_rating(value: object, labels: Sequence[str] | None = None, scale: tuple[int, int] = STANDARD_RANGE) -> bool:
    """Return whether an answer reads as a rating (blank answers do not count)."""
    try:
        return read_rating(value, labels, scale=scale) is not None
    except UnknownAnswer:
        return False


def _in_range(number: float, text: str, scale: tuple[int, int] = STANDARD_RANGE) -> int:
    low, high = scale
    if not number.is_integer() or not low <= number <= high:
        raise UnknownAnswer(f"'{text}' is not a whole number from {low} to {high}.")
    return int(number)


def parse_labels(text: str | Sequence[str] | None) -> list[str] | None:
    """Return five scale labels from "Poor, Fair, Good, Very good, Excellent" (or a list); None when empty."""
    if text is None:
        return None
    parts = [clean_text(part) for part in (text.split(",") if isinstance(text, str) else text)]
    parts = [part for part in parts if part]
    if not parts:
        return None
    if len(parts) != SCALE_SIZE:
        raise ProgrammeError(
            f"A scale needs {SCALE_SIZE} labels, lowest first; {len(parts)} {agreeing(len(parts), 'was', 'were')} given."
        )
    return parts


def detect_labels(answers: Iterable[object]) -> list[str] | None:
    """Return the named scale most of the answers' labels belong to, or None when they are numbers only."""
    hits: Counter[int] = Counter()
    for answer in answers:
        folded = _fold(clean_text(answer))
        for index, scale in enumerate(_NAMED_FOLDED):
            if folded in scale:
                hits[index] += 1
    if not hits:
        return None
    return list(NAMED_SCALES[hits.most_common(1)[0][0]])


def answered_in_words(scale_min: int, scale_max: int, uses_form_labels: bool) -> bool:
    """Return whether a rating question is offered with the form's word labels ("Not at all useful" ... "Extremely
    useful"): a 1-5 question answered with them. A 0-10 question, or a 1-5 question imported as numbered ratings
    ("Overall rating (1-5)") or in another scale's words (uses_form_labels false, migration 0021), is offered as
    numbers: its answers were never the form's words, and a paper form or a later respondent should not be shown them.
    """
    return (scale_min, scale_max) == STANDARD_RANGE and bool(uses_form_labels)


def form_labels(scale_labels: str | None) -> list[str]:
    """Return a form's five labels from its stored JSON, or the default ones."""
    if scale_labels:
        try:
            labels = json.loads(scale_labels)
        except ValueError:
            labels = None
        if isinstance(labels, list) and len(labels) == SCALE_SIZE:
            return [str(label) for label in labels]
    return list(DEFAULT_SCALE_LABELS)

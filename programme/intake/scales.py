"""Rating scales decided per column from every label it uses: a scale is taken only when all labels fit it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from programme.people.names import clean_text, fold

# Answers that are no rating at all: not counted in n or the mean (folded: lower case, no punctuation).
NOT_APPLICABLE = frozenset(
    {
        "n a", "na", "not applicable", "does not apply", "don t know", "dont know", "do not know", "i don t know",
        "i do not know", "no opinion", "prefer not to say", "not sure", "unsure", "can t say", "cannot say",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Scale:
    """A named five-point scale, lowest label first."""

    name: str
    labels: tuple[str, ...]

    def folded(self) -> dict[str, int]:
        return {fold(label): rating for rating, label in enumerate(self.labels, start=1)}


# The survey tools' standard five-point scales (SurveyMonkey, Google Forms, Microsoft Forms, Typeform, Kobo
# question libraries). A variant middle label ("Neutral") is a separate entry with the same order.
STANDARD_SCALES: tuple[Scale, ...] = (
    Scale("agreement", ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")),
    Scale("agreement", ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")),
    Scale("agreement", ("Strongly disagree", "Disagree", "Neither agree or disagree", "Agree", "Strongly agree")),
    Scale(
        "satisfaction",
        ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"),
    ),
    Scale("satisfaction", ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied")),
    Scale(
        "usefulness", ("Not at all useful", "Slightly useful", "Moderately useful", "Very useful", "Extremely useful")
    ),
    Scale("usefulness", ("Not at all useful", "Slightly useful", "Useful", "Very useful", "Extremely useful")),
    Scale("usefulness", ("Not at all useful", "Slightly useful", "Somewhat useful", "Very useful", "Extremely useful")),
    Scale(
        "relevance",
        ("Not at all relevant", "Slightly relevant", "Moderately relevant", "Very relevant", "Extremely relevant"),
    ),  # fmt: skip
    Scale("quality", ("Very poor", "Poor", "Average", "Good", "Excellent")),
    Scale("quality", ("Very poor", "Poor", "Fair", "Good", "Excellent")),
    Scale("quality", ("Poor", "Fair", "Good", "Very good", "Excellent")),
)


def _forms_own_scales() -> tuple[Scale, ...]:
    """The participants' own forms' rating scale in each of their other languages (selfservice/labels/*.json: "Faible,
    Passable, Bien, Très bien, Excellent"), read back as the form asks it: a sheet typed from the French form, or a
    partner's form made after it, was "not a scale we know". The app's own five labels, lowest first, so nothing is
    guessed; another language's agreement or quality wording is still asked."""
    from programme.selfservice.labels import LANGUAGES, labels

    english = tuple(labels("en")["scale"])  # type: ignore[call-overload]
    own = []
    for language in LANGUAGES:
        words = tuple(labels(language)["scale"])  # type: ignore[call-overload]
        if language != "en" and words != english and len(words) == len(english):
            own.append(Scale(f"quality ({language})", words))
    return tuple(own)


STANDARD_SCALES += _forms_own_scales()
_FOLDED = tuple((scale, scale.folded()) for scale in STANDARD_SCALES)
# "4", "4 - Very good", "Very good (4)", "4/5", "4 stars", "★★★★": the number is the rating, whatever the words.
_NUMBERED = re.compile(
    r"^\s*\d+(?:[.,]\d+)?\s*(?:(?:/|out of)\s*\d+)?\s*(?:stars?)?(?:\s*[-–—:.)(]\s*.*)?$|^.*[-–—:(]\s*\d+\)?$"
)
_STARS = re.compile(r"^[★⭐☆]+$")


class ScaleProblem(ValueError):
    """A column's labels fit no scale (or several that disagree): the message names them and asks their order."""


def is_not_applicable(value: object) -> bool:
    """Return whether an answer is N/A, "Not applicable", "Don't know": no rating, kept out of n and the mean."""
    return fold(clean_text(value)) in NOT_APPLICABLE


def star_rating(text: str) -> int | None:
    """Return the number of stars in "★★★★" (Google Forms and Typeform rating questions), else None."""
    text = clean_text(text)
    return text.count("★") + text.count("⭐") if _STARS.match(text) else None


# A header that names a 0-10 question: "(0-10)", "0 to 10", "out of 10", "How likely are you to recommend...",
# "Net Promoter Score" (SurveyMonkey's NPS question, Typeform's NPS and opinion scale, Google Forms' 0-10 linear
# scale). A header naming 1-5 ("(1-5)", "out of 5") is not one, whatever else it says.
_ZERO_TO_TEN_HEADER = re.compile(
    r"(?<!\d)0\s*(?:-|–|to)\s*10\b|\bout of 10\b|(?<![\d/])/\s*10\b(?![/\d])|\blikely\b.*\brecommend|\bnet promoter\b"
    r"|\bnps\b",
    re.IGNORECASE,
)
_ONE_TO_FIVE_HEADER = re.compile(r"(?<!\d)1\s*(?:-|–|to)\s*5\b|\bout of 5\b|/\s*5\b", re.IGNORECASE)
ZERO_TO_TEN_ROLE = "rating 0-10"


def number_range(values: Iterable[object]) -> tuple[int, int] | None:
    """Return (lowest, highest) of a column answered with whole numbers only (blanks and N/A left out), else None."""
    numbers = []
    for value in values:
        text = clean_text(value)
        if not fold(text) or fold(text) in NOT_APPLICABLE:
            continue
        if not re.fullmatch(r"\d+(?:\.0)?", text):
            return None
        numbers.append(int(float(text)))
    return (min(numbers), max(numbers)) if numbers else None


def is_zero_to_ten_question(header: str, values: Iterable[object]) -> bool:
    """Return whether a column is a 0-10 question: its header names the range or asks how likely one is to
    recommend (NPS), and every answer is a whole number from 0 to 10."""
    text = clean_text(header)
    if not _ZERO_TO_TEN_HEADER.search(text) or _ONE_TO_FIVE_HEADER.search(text):
        return False
    found = number_range(values)
    return found is not None and 0 <= found[0] and found[1] <= 10


def wrong_scale(column: str, values: Iterable[object]) -> str | None:
    """Return why a column of whole numbers from 0 to 10 (some outside 1-5) is not read until the user says its scale.

    A header that names the 0-10 range or asks how likely one is to recommend is read as 0-10 without asking
    (is_zero_to_ten_question); any other column answered outside 1-5 might be a 1-5 question with typing slips.
    """
    found = number_range(values)
    if found is None or (1 <= found[0] and found[1] <= 5) or not (0 <= found[0] and found[1] <= 10):
        return None
    low, high = found
    return (
        f"Column '{column}' is answered from {low} to {high}, outside 1-5. If it is a 0-10 question, say so "
        f'(--column "{ZERO_TO_TEN_ROLE}={column}", or the role "{ZERO_TO_TEN_ROLE}" on the page): a 0-10 question '
        "keeps its own range and is never averaged with 1-5 ratings. Nothing was imported."
    )


def has_numbers(values: Iterable[object]) -> bool:
    """Return whether some answer is a number ("4", "4 - Good", "4 stars", "★★★★")."""
    return any(_NUMBERED.match(clean_text(value)) or star_rating(clean_text(value)) is not None for value in values)


def column_labels(values: Iterable[object]) -> list[str]:
    """Return the distinct word labels of a column's answers, in first-seen order (numbers, N/A, stars left out)."""
    seen: dict[str, str] = {}
    for value in values:
        text = clean_text(value)
        folded = fold(text)
        if not folded or folded in NOT_APPLICABLE or _NUMBERED.match(text) or star_rating(text) is not None:
            continue
        seen.setdefault(folded, text)
    return list(seen.values())


def fitting_scales(labels: Sequence[str]) -> list[Scale]:
    """Return the standard scales that hold every label (folded), in STANDARD_SCALES order."""
    folded = {fold(label) for label in labels}
    return [scale for scale, mapping in _FOLDED if folded <= mapping.keys()]


def knows_label(text: str) -> bool:
    """Return whether a label belongs to some standard scale."""
    folded = fold(text)
    return any(folded in mapping for _, mapping in _FOLDED)


def resolve_scale(
    column: str,
    labels: Sequence[str],
    *,
    custom: Sequence[str] | None,
    file_labels: Sequence[str] = (),
    numbers: bool = False,
    custom_source: str = "the labels given",
) -> list[str] | None:
    """Return the five labels (lowest first) a column's labels are read by, None for a column of numbers only.

    The labels given by the user or stored with the form come first when they hold every label; then the one
    standard scale that does, or, when several do but rate some label differently, the one that also holds
    every label of the file's other rating columns. Otherwise raise ScaleProblem naming the labels. One stray
    answer among numbers (numbers=True) or known labels is left to the row errors.
    """
    if not labels:
        return None
    folded = {fold(label) for label in labels}
    if custom and folded <= {fold(label) for label in custom}:
        return list(custom)
    known = [label for label in labels if knows_label(label)]
    if len(labels) - len(known) == 1 and not known and numbers:
        return None  # numbers and one stray answer ("=1+5"): the rows that hold it are errors
    if len(known) >= 2 and len(labels) - len(known) == 1:
        # One stray answer among a known scale's labels ("Quite nice"): the rows that hold it are errors.
        labels, folded = known, {fold(label) for label in known}
    fits = fitting_scales(labels)
    if fits and _agree(fits, folded):
        return list(fits[0].labels)
    if fits:
        whole = fitting_scales([*labels, *file_labels])
        if whole and _agree(whole, folded):
            return list(whole[0].labels)
    shown = ", ".join(f"'{label}'" for label in labels)
    if fits:
        reason = f"its labels {shown} belong to several scales that rate them differently"
    else:
        reason = f"its labels {shown} are not a scale we know"
    given = f" ({custom_source} do not hold them all)" if custom else ""
    raise ScaleProblem(
        f"Column '{column}': {reason}{given}. Nothing was imported: give the scale's five labels, lowest first "
        '(--labels "Lowest, ..., Highest", or the order picker on the page).'
    )


def _agree(scales: Sequence[Scale], folded: set[str]) -> bool:
    """Return whether the scales give each label the same rating."""
    readings = {tuple(scale.folded()[label] for label in sorted(folded)) for scale in scales}
    return len(readings) == 1

"""How balanced a split into groups is: per-attribute spread, a 0–1 score, and what it costs to search on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# A participant whose value is missing counts in this category, so that gaps do not cluster in one group.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Attribute:
    """One thing groups are balanced on: a column of the participants table."""

    key: str
    label: str
    # Languages hold several values ("English, Nepali"): each spoken language counts.
    multi: bool = False


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("nationality", "Nationality"),
    Attribute("side", "Origin or destination"),
    Attribute("gender", "Gender"),
    Attribute("org_type", "Organisation type"),
    Attribute("languages", "Language", multi=True),
    Attribute("returning", "Newcomer or returning"),
)
ATTRIBUTE_LABELS = {attribute.key: attribute.label for attribute in ATTRIBUTES}
# Equal weights for the mixes facilitators name first; language and newcomers count half by default.
DEFAULT_WEIGHTS: dict[str, float] = {
    "nationality": 1.0,
    "side": 1.0,
    "gender": 1.0,
    "org_type": 1.0,
    "languages": 0.5,
    "returning": 0.5,
}


def _values(raw: object, multi: bool) -> tuple[str, ...]:
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return (UNKNOWN,)
    if isinstance(raw, (bool, np.bool_)):
        return ("returning" if raw else "newcomer",)
    text = str(getattr(raw, "value", raw)).strip()
    if not text:
        return (UNKNOWN,)
    if not multi:
        return (text,)
    parts = sorted({part.strip().title() for part in text.replace(";", ",").split(",") if part.strip()})
    return tuple(parts) or (UNKNOWN,)


@dataclass(frozen=True)
class Encoded:
    """One attribute of every participant as category numbers, with the category names."""

    attribute: Attribute
    categories: tuple[str, ...]
    # person position -> the category numbers they belong to (one, or several for languages)
    member_of: tuple[tuple[int, ...], ...]
    totals: tuple[int, ...] = field(default=())


def encode(participants: pd.DataFrame, attribute: Attribute) -> Encoded:
    """Return the attribute's categories for each participant (missing column: everyone "unknown")."""
    column = participants[attribute.key] if attribute.key in participants.columns else [None] * len(participants)
    values = [_values(raw, attribute.multi) for raw in column]
    categories = tuple(sorted({value for row in values for value in row}))
    index = {name: number for number, name in enumerate(categories)}
    member_of = tuple(tuple(index[value] for value in row) for row in values)
    totals = [0] * len(categories)
    for row in member_of:
        for category in row:
            totals[category] += 1
    return Encoded(attribute, categories, member_of, tuple(totals))


def ideal(group_size: int, total: int, people: int) -> float:
    """Return the share of a category a group of this size would hold if perfectly mixed."""
    return group_size * total / people if people else 0.0


def counts(encoded: Encoded, groups: Sequence[Sequence[int]]) -> list[list[int]]:
    """Return, per group, how many members fall in each category."""
    table = [[0] * len(encoded.categories) for _ in groups]
    for number, members in enumerate(groups):
        for person in members:
            for category in encoded.member_of[person]:
                table[number][category] += 1
    return table


def squared_gap(encoded: Encoded, groups: Sequence[Sequence[int]]) -> float:
    """Return the sum over groups and categories of (count − ideal count)², 0 for a perfect mix."""
    people = sum(len(members) for members in groups)
    table = counts(encoded, groups)
    return sum(
        (table[number][category] - ideal(len(members), total, people)) ** 2
        for number, members in enumerate(groups)
        for category, total in enumerate(encoded.totals)
    )


def best_possible_gap(encoded: Encoded, sizes: Sequence[int]) -> float:
    """Return a lower bound of squared_gap: each category spread as evenly as whole people allow."""
    people = sum(sizes)
    bound = 0.0
    for total in encoded.totals:
        shares = [ideal(size, total, people) for size in sizes]
        floors = [int(share) for share in shares]
        # The people left over go where the ideal share is closest to one more person.
        extra = total - sum(floors)
        order = sorted(range(len(sizes)), key=lambda g: shares[g] - floors[g], reverse=True)
        counts_ = floors[:]
        for g in order[:extra]:
            counts_[g] += 1
        bound += sum((count - share) ** 2 for count, share in zip(counts_, shares, strict=True))
    return bound


def segregated_gap(encoded: Encoded, sizes: Sequence[int]) -> float:
    """Return squared_gap of the worst split: people sorted by the attribute and cut into groups."""
    order = sorted(range(len(encoded.member_of)), key=lambda person: encoded.member_of[person])
    groups, start = [], 0
    for size in sizes:
        groups.append(order[start : start + size])
        start += size
    return squared_gap(encoded, groups)


@dataclass(frozen=True)
class Scale:
    """An attribute's gap at best and at worst, to turn a gap into a 0–1 score."""

    best: float
    worst: float

    @property
    def span(self) -> float:
        return max(self.worst - self.best, 0.0)

    def score(self, gap: float) -> float:
        """Return 1 for the best spread whole people allow, 0 for groups sorted by the attribute."""
        if self.span <= 1e-9:
            return 1.0
        return min(1.0, max(0.0, 1.0 - (gap - self.best) / self.span))


def scale(encoded: Encoded, sizes: Sequence[int]) -> Scale:
    """Return the best and worst gap of an attribute for these group sizes."""
    return Scale(best_possible_gap(encoded, sizes), segregated_gap(encoded, sizes))


def weighted_score(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Return the weighted mean of the attribute scores (1.0 when nothing is weighted)."""
    used = {key: weight for key, weight in weights.items() if weight > 0 and key in scores}
    total = sum(used.values())
    if total <= 0:
        return 1.0
    return sum(scores[key] * weight for key, weight in used.items()) / total


def pairs_within(groups: Sequence[Iterable[int]], pairs: Iterable[frozenset[int]]) -> list[frozenset[int]]:
    """Return the pairs whose two people share a group."""
    group_of = {person: number for number, members in enumerate(groups) for person in members}
    found = []
    for pair in pairs:
        first, second = tuple(pair)
        if first in group_of and group_of.get(first) == group_of.get(second):
            found.append(pair)
    return found


def spread_table(encoded: Sequence[Encoded], groups: Sequence[Sequence[int]], names: Sequence[str]) -> pd.DataFrame:
    """Return the count of each category of each attribute in each group (long form, zero rows left out)."""
    rows = []
    for item in encoded:
        table = counts(item, groups)
        for number, name in enumerate(names):
            for category, value in enumerate(item.categories):
                if table[number][category]:
                    rows.append(
                        {
                            "group": name,
                            "attribute": item.attribute.label,
                            "value": value,
                            "count": table[number][category],
                        }
                    )
    return pd.DataFrame(rows, columns=["group", "attribute", "value", "count"])

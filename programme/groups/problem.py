"""What a split into groups must respect: the participants, group sizes, weights and pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from programme.core.errors import ProgrammeError
from programme.groups.balance import ATTRIBUTES, DEFAULT_WEIGHTS, Encoded, Scale, encode, scale

Pair = tuple[int, int]
# By default, avoiding a repeated pairing counts as much as one attribute's balance.
DEFAULT_REPEAT_WEIGHT = 1.0


def group_sizes(people: int, *, groups: int | None = None, size: int | None = None) -> tuple[int, ...]:
    """Return the size of each group: K groups, or groups of about S, sizes differing by at most one."""
    if people < 1:
        raise ProgrammeError("There are no participants to put into groups.")
    if (groups is None) == (size is None):
        raise ProgrammeError("Give either a number of groups or a group size, not both.")
    if size is not None:
        if size < 1:
            raise ProgrammeError("A group size must be at least 1.")
        # The number of groups whose size comes closest to the size asked for.
        groups = max(1, round(people / size))
    assert groups is not None
    if groups < 1:
        raise ProgrammeError("The number of groups must be at least 1.")
    if groups > people:
        raise ProgrammeError(f"There are only {people} participants: too few for {groups} groups.")
    base, extra = divmod(people, groups)
    return tuple(base + 1 if number < extra else base for number in range(groups))


def _positions(pairs: Iterable[Pair], position: Mapping[int, int], what: str, strict: bool) -> frozenset:
    found = set()
    for first, second in pairs:
        if first == second:
            continue
        if first not in position or second not in position:
            if strict:
                missing = first if first not in position else second
                raise ProgrammeError(f"Person {missing} named in a {what} pair is not a participant of this module.")
            continue
        found.add(frozenset((position[first], position[second])))
    return frozenset(found)


@dataclass(frozen=True)
class GroupProblem:
    """The participants (by position 0..N−1), the sizes and everything the generator weighs."""

    participants: pd.DataFrame
    person_ids: tuple[int, ...]
    sizes: tuple[int, ...]
    weights: Mapping[str, float]
    encoded: tuple[Encoded, ...]
    scales: Mapping[str, Scale]
    keep_together: frozenset[frozenset[int]]
    keep_apart: frozenset[frozenset[int]]
    previous_pairs: frozenset[frozenset[int]]
    repeat_weight: float

    @property
    def people(self) -> int:
        return len(self.person_ids)

    def position(self, person_id: int) -> int:
        """Return where a person sits in the participants table, or raise a clear error."""
        try:
            return self.person_ids.index(int(person_id))
        except ValueError:
            raise ProgrammeError(f"Person {person_id} is not a participant of this module.") from None

    @property
    def expected_random_repeats(self) -> float:
        """Return how many earlier pairings a split drawn at random would repeat, on average."""
        people = self.people
        if people < 2:
            return 0.0
        together = sum(size * (size - 1) for size in self.sizes) / (people * (people - 1))
        return together * len(self.previous_pairs)


def build_problem(
    participants: pd.DataFrame,
    *,
    groups: int | None = None,
    size: int | None = None,
    weights: Mapping[str, float] | None = None,
    keep_together: Iterable[Pair] = (),
    keep_apart: Iterable[Pair] = (),
    previous_pairs: Iterable[Pair] = (),
    repeat_weight: float = DEFAULT_REPEAT_WEIGHT,
) -> GroupProblem:
    """Return the problem for these participants (a table with a person_id column) and options."""
    if "person_id" not in participants.columns:
        raise ProgrammeError("The participants table needs a person_id column.")
    frame = participants.drop_duplicates("person_id").reset_index(drop=True)
    person_ids = tuple(int(value) for value in frame["person_id"])
    sizes = group_sizes(len(person_ids), groups=groups, size=size)
    chosen = dict(DEFAULT_WEIGHTS if weights is None else {key: weights.get(key, 0.0) for key in DEFAULT_WEIGHTS})
    if any(weight < 0 for weight in chosen.values()) or repeat_weight < 0:
        raise ProgrammeError("Balance weights cannot be negative.")
    position = {person: number for number, person in enumerate(person_ids)}
    together = _positions(keep_together, position, "keep-together", strict=True)
    apart = _positions(keep_apart, position, "keep-apart", strict=True)
    if together & apart:
        first, second = sorted(person_ids[p] for p in next(iter(together & apart)))
        raise ProgrammeError(f"Persons {first} and {second} are asked to be both kept together and kept apart.")
    encoded = tuple(encode(frame, attribute) for attribute in ATTRIBUTES)
    return GroupProblem(
        participants=frame,
        person_ids=person_ids,
        sizes=sizes,
        weights=chosen,
        encoded=encoded,
        scales={item.attribute.key: scale(item, sizes) for item in encoded},
        keep_together=together,
        keep_apart=apart,
        previous_pairs=_positions(previous_pairs, position, "earlier", strict=False),
        repeat_weight=repeat_weight,
    )

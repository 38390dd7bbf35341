"""The generator's search: greedy seeding, then swaps that lower the cost, from a few seeded starts.

The cost adds, for each weighted attribute, its squared gap from a perfect mix scaled so that groups
sorted by the attribute cost 1; earlier pairings repeated, scaled so that a random split costs about the
repeat weight; and a large penalty for each keep-together pair split or keep-apart pair joined.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from programme.groups.problem import GroupProblem

# A broken keep-together or keep-apart pair outweighs any balance gain.
CONSTRAINT_PENALTY = 1000.0
# Seeded starts; the best is kept. Fixed so that the running time is too (see benchmarks/groups.py).
STARTS = 4
# More seeded starts, tried only while a keep-together or keep-apart pair is still broken: swaps alone
# can stall where every single swap breaks another pair, and a fresh start usually walks round it.
EXTRA_STARTS = 60
# Passes over all pairs of people per start; the search usually settles in three or four.
MAX_PASSES = 12
_EPSILON = 1e-9


class _Split:
    """A split being improved: who is where, category counts per group, and the cost of a swap."""

    def __init__(self, problem: GroupProblem) -> None:
        self.problem = problem
        people = problem.people
        self.factors = []  # (member_of, ideal per group and category, weight / span)
        for item in problem.encoded:
            weight = problem.weights.get(item.attribute.key, 0.0)
            span = problem.scales[item.attribute.key].span
            if weight <= 0 or span <= _EPSILON:
                continue
            ideals = [[size * total / people for total in item.totals] for size in problem.sizes]
            self.factors.append((item.member_of, ideals, weight / span))
        expected = problem.expected_random_repeats
        repeat_factor = problem.repeat_weight / expected if expected > _EPSILON else 0.0
        # person -> {other: cost of the two sharing a group}; kept per group in pair_sum for O(1) look-ups.
        self.link: list[dict[int, float]] = [{} for _ in range(people)]
        for pairs, cost in (
            (problem.previous_pairs, repeat_factor),
            (problem.keep_apart, CONSTRAINT_PENALTY),
            (problem.keep_together, -CONSTRAINT_PENALTY),
        ):
            for pair in pairs:
                first, second = tuple(pair)
                self.link[first][second] = self.link[first].get(second, 0.0) + cost
                self.link[second][first] = self.link[second].get(first, 0.0) + cost
        self.pair_sum = [[0.0] * len(problem.sizes) for _ in range(people)]
        self.apart_of: list[set[int]] = [set() for _ in range(people)]
        for pair in problem.keep_apart:
            first, second = tuple(pair)
            self.apart_of[first].add(second)
            self.apart_of[second].add(first)
        self.group_of = [-1] * people
        self.members: list[set[int]] = [set() for _ in problem.sizes]
        self.single = [
            [row[0] for row in member_of] if all(len(row) == 1 for row in member_of) else None
            for member_of, _, _ in self.factors
        ]
        # Per attribute, group and category: members counted minus the ideal count (0 is a perfect mix).
        self.excess = [[[-ideal for ideal in row] for row in ideals] for _, ideals, _ in self.factors]

    # --- placing people -------------------------------------------------------------------------
    def place(self, person: int, group: int) -> None:
        self.group_of[person] = group
        self.members[group].add(person)
        for other, cost in self.link[person].items():
            self.pair_sum[other][group] += cost
        for table, (member_of, _, _) in zip(self.excess, self.factors, strict=True):
            for category in member_of[person]:
                table[group][category] += 1

    def remove(self, person: int) -> None:
        group = self.group_of[person]
        self.members[group].discard(person)
        self.group_of[person] = -1
        for other, cost in self.link[person].items():
            self.pair_sum[other][group] -= cost
        for table, (member_of, _, _) in zip(self.excess, self.factors, strict=True):
            for category in member_of[person]:
                table[group][category] -= 1

    def free(self, group: int) -> int:
        return self.problem.sizes[group] - len(self.members[group])

    # --- costs ----------------------------------------------------------------------------------
    def _pair_cost(self, person: int, group: int, ignore: int = -1) -> float:
        """Cost of the person's pairs with the members of a group (leaving out ignore)."""
        cost = self.pair_sum[person][group]
        if ignore >= 0 and self.group_of[ignore] == group:
            cost -= self.link[person].get(ignore, 0.0)
        return cost

    def adding_cost(self, person: int, group: int) -> float:
        """Return how much the cost grows when person joins group (used while seeding)."""
        cost = self._pair_cost(person, group)
        for table, (member_of, _, factor) in zip(self.excess, self.factors, strict=True):
            for category in member_of[person]:
                cost += factor * (2 * table[group][category] + 1)
        return cost

    def swap_delta(self, first: int, second: int) -> float:
        """Return the change in cost if first and second (in different groups) changed places."""
        one, two = self.group_of[first], self.group_of[second]
        with_first, with_second = self.pair_sum[first], self.pair_sum[second]
        delta = (
            with_first[two]
            - with_first[one]
            + with_second[one]
            - with_second[two]
            - 2 * self.link[first].get(second, 0.0)
        )
        # (x − i)² grows by 2(x − i) + 1 when x gains one and by −2(x − i) + 1 when it loses one.
        for table, (member_of, _, factor), single in zip(self.excess, self.factors, self.single, strict=True):
            from_one, from_two = table[one], table[two]
            if single is not None:  # one value per person: the common case, kept quick
                leaving, arriving = single[first], single[second]
                if leaving != arriving:
                    change = from_two[leaving] - from_one[leaving] + from_one[arriving] - from_two[arriving] + 2
                    delta += 2 * factor * change
                continue
            leaving, arriving = member_of[first], member_of[second]
            if leaving == arriving:
                continue
            change = 0.0
            for category in leaving:
                if category not in arriving:
                    change += from_two[category] - from_one[category] + 1
            for category in arriving:
                if category not in leaving:
                    change += from_one[category] - from_two[category] + 1
            delta += 2 * factor * change
        return delta

    def swap(self, first: int, second: int) -> None:
        one, two = self.group_of[first], self.group_of[second]
        self.remove(first)
        self.remove(second)
        self.place(first, two)
        self.place(second, one)

    def total_cost(self) -> float:
        """Return the cost of the whole split (for comparing starts)."""
        cost = 0.0
        for table, (_, _, factor) in zip(self.excess, self.factors, strict=True):
            cost += factor * sum(gap**2 for row in table for gap in row)
        for person in range(self.problem.people):
            # Each pair is seen from both sides; keep-together pairs count as split, not joined.
            cost += self._pair_cost(person, self.group_of[person]) / 2
        return cost + CONSTRAINT_PENALTY * len(self.problem.keep_together)

    def broken_pairs(self) -> int:
        """Return how many keep-together pairs are split and keep-apart pairs joined."""
        group_of = self.group_of
        split = sum(1 for pair in self.problem.keep_together if len({group_of[person] for person in pair}) > 1)
        joined = sum(1 for pair in self.problem.keep_apart if len({group_of[person] for person in pair}) == 1)
        return split + joined


def _blocks(problem: GroupProblem, rng: random.Random) -> list[list[int]]:
    """Return people in blocks that must stay together (keep-together pairs joined), biggest first."""
    parent = list(range(problem.people))

    def root(person: int) -> int:
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    for pair in problem.keep_together:
        first, second = tuple(pair)
        parent[root(first)] = root(second)
    blocks: dict[int, list[int]] = defaultdict(list)
    for person in range(problem.people):
        blocks[root(person)].append(person)
    ordered = list(blocks.values())
    rng.shuffle(ordered)
    return sorted(ordered, key=len, reverse=True)


def _best_group(split: _Split, people: Sequence[int], rng: random.Random, explore: bool = False) -> int | None:
    """Return the group to place people in: no keep-apart clash, then least added cost.

    A block of several people goes where it fills the group most tightly (best fit), so that the
    blocks still to come find room; the swaps that follow restore the balance around it. When exploring,
    any group without a clash will do (a seeded choice), so that a start can reach splits best fit misses.
    """
    candidates = [group for group in range(len(split.members)) if split.free(group) >= len(people)]
    if not candidates:
        return None
    rng.shuffle(candidates)  # ties go to a seeded choice, not always the first group

    def preference(group: int) -> tuple[float, ...]:
        clashes = sum(1 for person in people for other in split.apart_of[person] if split.group_of[other] == group)
        if explore:
            return (clashes,)
        cost = sum(split.adding_cost(person, group) for person in people)
        tightness = split.free(group) - len(people) if len(people) > 1 else 0
        return (clashes, tightness, cost)

    return min(candidates, key=preference)


def _seed(problem: GroupProblem, rng: random.Random, explore: bool = False) -> _Split:
    """Return a first split: each block into the group where it adds least cost (or any clash-free one)."""
    split = _Split(problem)
    for block in _blocks(problem, rng):
        group = _best_group(split, block, rng, explore)
        if group is not None:
            for person in block:
                split.place(person, group)
            continue
        for person in block:  # no group has room for the whole block: place its members one by one
            split.place(person, _best_group(split, [person], rng))
    return split


def _improve(split: _Split, rng: random.Random) -> None:
    """Swap people between groups while a swap lowers the cost, for at most MAX_PASSES passes."""
    people = list(range(split.problem.people))
    for _ in range(MAX_PASSES):
        rng.shuffle(people)
        improved = False
        for index, first in enumerate(people):
            for second in people[index + 1 :]:
                if split.group_of[first] == split.group_of[second]:
                    continue
                if split.swap_delta(first, second) < -_EPSILON:
                    split.swap(first, second)
                    improved = True
        if not improved:
            return


def search(problem: GroupProblem, seed: int) -> list[list[int]]:
    """Return the best split found from seeded starts: per group, the people's positions.

    STARTS starts always; then, while the best still breaks a pair, up to EXTRA_STARTS more.
    """
    best: tuple[int, float, list[list[int]]] | None = None
    for start in range(STARTS + EXTRA_STARTS):
        if start >= STARTS and best is not None and best[0] == 0:
            break
        rng = random.Random(seed * (STARTS + EXTRA_STARTS) + start)
        split = _seed(problem, rng, explore=start >= STARTS)
        _improve(split, rng)
        found = (split.broken_pairs(), split.total_cost())
        if best is None or found[0] < best[0] or (found[0] == best[0] and found[1] < best[1] - _EPSILON):
            best = (*found, [sorted(members) for members in split.members])
    assert best is not None
    return best[2]

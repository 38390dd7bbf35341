"""Sets of ids in the summaries' statements: runs of consecutive ids as BETWEEN, the rest as IN, in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

# A chunk holds at most this many parameters (a run costs two, a lone id one).
_CHUNK = 5000
# A chunk of ids holds at most this many runs of consecutive ids (each a BETWEEN in the SQL).
_SPANS = 100


@dataclass(frozen=True)
class Chunk:
    """Ids as runs of consecutive ones (first, last): the people of an import are mostly new rows, numbered one
    after another, and a BETWEEN costs neither the statement's building nor the database what 50,000 parameters
    would."""

    runs: tuple[tuple[int, int], ...]

    def __iter__(self) -> Iterator[int]:
        return (i for first, last in self.runs for i in range(first, last + 1))

    def holds(self, value: int) -> bool:
        """Whether the id is one of the chunk's."""
        return any(first <= value <= last for first, last in self.runs)

    def where(self, column: Any) -> Any:
        """The condition that the column holds one of the ids."""
        singles = [first for first, last in self.runs if first == last]
        parts = [column.between(first, last) for first, last in self.runs if first != last]
        if singles:
            parts.append(column.in_(singles))
        return sa.or_(*parts) if len(parts) > 1 else parts[0]


def chunks(ids: Iterable[int]) -> list[Chunk]:
    """The ids in chunks of at most _CHUNK parameters and _SPANS ranges, in order."""
    runs: list[list[int]] = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    chunks: list[Chunk] = []
    current: list[tuple[int, int]] = []
    parameters = spans = 0
    for first, last in runs:
        cost = 1 if first == last else 2
        if current and (parameters + cost > _CHUNK or spans + (first != last) > _SPANS):
            chunks.append(Chunk(tuple(current)))
            current, parameters, spans = [], 0, 0
        current.append((first, last))
        parameters += cost
        spans += first != last
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks

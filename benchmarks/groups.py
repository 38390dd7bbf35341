"""Benchmark: generating balanced groups for 60 participants. Run: python benchmarks/groups.py [RUNS]."""

from __future__ import annotations

import itertools
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from programme.groups.plan import make_groups
from programme.people.corridors import DESTINATION_COUNTRIES, ORIGIN_COUNTRIES, corridor_side

PARTICIPANTS = 60
GROUPS = 8
DEFAULT_RUNS = 15
ORG_TYPES = ["NGO", "trade union", "faith-based", "migrant community organisation", "lawyers/bar", "academia"]


def participants(seed: int) -> pd.DataFrame:
    """Return 60 synthetic participants shaped like a regional course."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, PARTICIPANTS + 1):
        nationality = rng.choice(ORIGIN_COUNTRIES + DESTINATION_COUNTRIES[:5])
        work = rng.choice(DESTINATION_COUNTRIES[:5]) if rng.random() < 0.25 else nationality
        rows.append(
            {
                "person_id": number,
                "nationality": nationality,
                "side": corridor_side(nationality, work),
                "gender": rng.choice(["female", "female", "male", "male", "undisclosed"]),
                "org_type": rng.choice(ORG_TYPES),
                "languages": "English, " + rng.choice(["Nepali", "Bengali", "Malay", "Thai", "Khmer", "Tagalog"]),
                "returning": rng.choice(["newcomer", "returning"]),
            }
        )
    return pd.DataFrame(rows)


def earlier_pairs(seed: int) -> list[tuple[int, int]]:
    """Return the pairs of an earlier module's six groups of ten."""
    ids = list(range(1, PARTICIPANTS + 1))
    random.Random(seed).shuffle(ids)
    return [pair for start in range(0, PARTICIPANTS, 10) for pair in itertools.combinations(ids[start : start + 10], 2)]


def main(runs: int) -> None:
    times, cpu_times, scores = [], [], []
    for seed in range(runs):
        frame, pairs = participants(seed), earlier_pairs(seed)
        started, cpu_started = time.perf_counter(), time.process_time()
        plan = make_groups(
            frame,
            groups=GROUPS,
            previous_pairs=pairs,
            keep_together=[(1, 2), (3, 4)],
            keep_apart=[(5, 6), (7, 8)],
            seed=seed,
        )
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        scores.append(plan.balance_score)
    print(
        f"{PARTICIPANTS} participants into {GROUPS} groups, {runs} runs on {platform.python_version()}, "
        f"{platform.machine()}"
    )
    print(
        f"median {statistics.median(times):.3f} s (CPU {statistics.median(cpu_times):.3f} s), "
        f"slowest {max(times):.3f} s; "
        f"median balance score {statistics.median(scores):.3f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS)

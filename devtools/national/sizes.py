"""How many of everything for a ``--scale`` (1.0 = the national network)."""

from __future__ import annotations

import math
from dataclasses import dataclass

FULL_TICKETS = 1_000_000
FULL_CALLS = 500_000
FULL_POINTS = 1_000
FULL_REGIONS = 30
#: Points carry Zipf-like volumes: weight 1 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT. With 1,000
#: points the busiest carries about 4%, the busiest tenth about 60% and the quietest a few
#: hundred tickets over the two years.
ZIPF_EXPONENT = 1.0
ZIPF_SHIFT = 3
MONTHS = 24


@dataclass(frozen=True)
class Sizes:
    scale: float
    regions: int
    points: int
    tickets: int
    calls: int

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        """Volumes scale linearly. Points and regions scale with the square root, so that a small
        data set still has busy points with real queues (0.01: 100 points in 3 regions, 10,000
        tickets) instead of 1,000 points with ten tickets each."""
        root = math.sqrt(min(scale, 1.0))
        return cls(
            scale=scale,
            regions=max(2, min(FULL_REGIONS, round(FULL_REGIONS * root))),
            points=max(4, min(FULL_POINTS, round(FULL_POINTS * root))),
            tickets=max(1, round(FULL_TICKETS * scale)),
            calls=max(1, round(FULL_CALLS * scale)),
        )


def zipf_weights(count: int) -> list[float]:
    raw = [1.0 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT for rank in range(1, count + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` by ``weights`` exactly (largest remainder), every share at least 1 when
    the total allows."""
    weight_sum = sum(weights)
    shares = [total * w / weight_sum for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    if total >= len(weights):
        for i, c in enumerate(counts):
            if c == 0:
                donor = max(range(len(counts)), key=lambda j: (counts[j], -j))
                counts[donor] -= 1
                counts[i] = 1
    return counts

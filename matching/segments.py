"""Assign a customer to a segment from stated preferences and past choices (pure; the rules are in
docs/matching.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DIMENSIONS = ("price", "quality", "speed", "proximity")

BALANCED = "balanced"
SEGMENTS = {
    "price_sensitive": "Price sensitive",
    "quality_focused": "Quality focused",
    "speed_priority": "Speed priority",
    "local_preference": "Local preference",
    "premium_buyer": "Premium buyer",
    BALANCED: "Balanced",
}
SEGMENT_BY_DIMENSION = {
    "price": "price_sensitive",
    "quality": "quality_focused",
    "speed": "speed_priority",
    "proximity": "local_preference",
}
STRONG = 0.7
WEAK = 0.3
LEAD = 0.1
STATED_WEIGHT = 2.0


@dataclass
class SegmentAssignment:
    segment: str
    reason: str
    interest: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return SEGMENTS[self.segment]


def stated_interest(stated: dict) -> dict[str, float]:
    """Importance 1-5 per dimension -> 0-1; unknown keys and unusable values are ignored."""
    interest = {}
    for dim in DIMENSIONS:
        value = (stated or {}).get(dim)
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue
        if np.isfinite(value):
            interest[dim] = min(1.0, max(0.0, (value - 1.0) / 4.0))
    return interest


def chosen_standing(
    values: np.ndarray, chosen_index: int, directions: np.ndarray, dimensions: list[str]
) -> dict:
    """How good the chosen candidate was per dimension among those shown (0 worst .. 1 best).

    `values` is (candidates, factors); `directions` +1/-1 per factor; `dimensions` per factor.
    Factors of one dimension are averaged; a dimension where all candidates tie is left out.
    """
    values = np.asarray(values, dtype=float)
    oriented = values * np.asarray(directions, dtype=float)
    lo, hi = oriented.min(axis=0), oriented.max(axis=0)
    spread = hi - lo
    standing: dict[str, list[float]] = {}
    for k, dim in enumerate(dimensions):
        if dim not in DIMENSIONS or not np.isfinite(spread[k]) or spread[k] <= 0:
            continue
        standing.setdefault(dim, []).append(float((oriented[chosen_index, k] - lo[k]) / spread[k]))
    return {dim: float(np.mean(v)) for dim, v in standing.items()}


def assign_segment(stated: dict | None, past_standings: list[dict] | None = None) -> SegmentAssignment:
    """Apply the rules in the module docstring."""
    stated_part = stated_interest(stated or {})
    past_standings = past_standings or []
    interest = {}
    for dim in DIMENSIONS:
        seen = [p[dim] for p in past_standings if dim in p]
        n = len(seen)
        if dim in stated_part:
            interest[dim] = (STATED_WEIGHT * stated_part[dim] + sum(seen)) / (STATED_WEIGHT + n)
        elif n:
            interest[dim] = sum(seen) / n
        else:
            interest[dim] = 0.5
    source = "stated preferences" if stated_part else "no stated preferences"
    if past_standings:
        source += f" and {len(past_standings)} past choice{'s' if len(past_standings) != 1 else ''}"
    if interest["quality"] >= STRONG and interest["price"] <= WEAK:
        return SegmentAssignment(
            "premium_buyer",
            f"Quality matters ({interest['quality']:.2f}) and price does not ({interest['price']:.2f}), from {source}.",
            interest,
        )
    ordered = sorted(interest.items(), key=lambda kv: kv[1], reverse=True)
    (top_dim, top), (_, second) = ordered[0], ordered[1]
    if top >= STRONG and top - second >= LEAD:
        return SegmentAssignment(
            SEGMENT_BY_DIMENSION[top_dim],
            f"{top_dim.capitalize()} is the clear priority ({top:.2f}, next {second:.2f}), from {source}.",
            interest,
        )
    return SegmentAssignment(BALANCED, f"No single strong priority, from {source}.", interest)

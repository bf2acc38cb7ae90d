"""Drawing a day's call list (pure: no database). Most places go to the best calibrated scores; a
share goes to leads drawn uniformly at random from below the cut ("exploration"), each with the
probability it had of being drawn, so outcomes from the list can be reweighted into an unbiased
picture of all leads (inverse-probability weighting)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Placement:
    key: Any  # the lead's id
    rank: int  # 1 = first to call
    exploration: bool
    selection_probability: float  # 1 for leads placed by score, places / leads below the cut if explored
    score: float | None


def exploration_places(size: int, share: float) -> int:
    """How many of `size` places are explored at `share` (rounded half up; any share > 0 on a list
    of two or more gets at least one place, and a list always keeps one place by score)."""
    if size <= 0 or not share or not math.isfinite(share) or share <= 0:
        return 0
    places = math.floor(size * min(share, 1.0) + 0.5)
    if size >= 2:
        places = max(1, places)
    return min(places, size - 1) if size >= 2 else 0


def _order(candidates):
    """Best score first; unscored leads last; ties by key so the order never depends on the input's."""
    return sorted(
        candidates,
        key=lambda c: (c[1] is None, -(c[1] if c[1] is not None else 0.0), str(c[0])),
    )


def draw_call_list(candidates, size: int, share: float, rng: random.Random) -> list[Placement]:
    """The day's list from (key, calibrated probability or None) pairs.

    With no more candidates than places everyone is on the list by score (probability 1). Otherwise
    `exploration_places(size, share)` places go to leads drawn uniformly without replacement from the
    leads below the cut (each had places / below of being drawn), and they sit at random ranks among
    the others, so a team that stops halfway down the list still calls some of them."""
    ordered = _order([(key, score) for key, score in candidates])
    if size <= 0 or not ordered:
        return []
    if len(ordered) <= size:
        return [Placement(k, i + 1, False, 1.0, s) for i, (k, s) in enumerate(ordered)]
    explored = exploration_places(size, share)
    cut = size - explored
    top, below = ordered[:cut], ordered[cut:]
    drawn = rng.sample(range(len(below)), explored) if explored else []
    probability = explored / len(below) if explored else 1.0
    picks = [below[i] for i in sorted(drawn)]
    ranks = sorted(rng.sample(range(size), explored)) if explored else []
    placements, top_iter, pick_iter = [], iter(top), iter(picks)
    for position in range(size):
        if position in ranks:
            key, score = next(pick_iter)
            placements.append(Placement(key, position + 1, True, probability, score))
        else:
            key, score = next(top_iter)
            placements.append(Placement(key, position + 1, False, 1.0, score))
    return placements


def weekly_exploration_calls(size: int, share: float, working_days: int = 5) -> int:
    """Calls a week that go to explored leads at these settings (a week of `working_days` lists)."""
    return exploration_places(size, share) * working_days

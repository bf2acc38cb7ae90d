"""Scenario: output feedback's pairwise judgments: the router's regret with ratings and judgments
against ratings alone (a seeded simulation, no database), and the Bradley-Terry board's fit time."""

from __future__ import annotations

import time

import numpy as np

from bench.runner import Row, Stats, below, within
from feedback.pairwise import fit_comparisons, suggest_pairs
from feedback.router import pairwise_regret_study

RATES = [0.5, 0.55, 0.6, 0.62, 0.66]  # five framework-model options with close success rates
FULL_ROUNDS, FULL_SEEDS = 800, 10
BOARD_ITEMS, BOARD_JUDGMENTS = 50, 100_000  # the board fits at most 50 items per kind


def _board_comparisons(rng):
    strengths = rng.normal(0, 1, BOARD_ITEMS)
    left = rng.integers(0, BOARD_ITEMS, BOARD_JUDGMENTS)
    right = (left + 1 + rng.integers(0, BOARD_ITEMS - 1, BOARD_JUDGMENTS)) % BOARD_ITEMS
    wins = rng.random(BOARD_JUDGMENTS) < 1 / (1 + np.exp(-(strengths[left] - strengths[right])))
    counts = {}
    for a, b, w in zip(left.tolist(), right.tolist(), wins.tolist(), strict=True):
        key = (a, b, "a" if w else "b")
        counts[key] = counts.get(key, 0) + 1
    return [(a, b, verdict, n) for (a, b, verdict), n in counts.items()]


def run(ctx) -> list[Row]:
    # Smaller presets: half the tasks and five seeds (about 2 s); the full one takes about 14 s.
    rounds, seeds = (FULL_ROUNDS, range(FULL_SEEDS)) if ctx.full else (FULL_ROUNDS // 2, range(5))
    started = time.perf_counter()
    study = pairwise_regret_study(RATES, rounds, seeds)
    simulated = time.perf_counter() - started
    comparisons = _board_comparisons(np.random.default_rng(5))
    seconds = []
    for _ in range(ctx.runs(3)):
        started = time.perf_counter()
        suggest_pairs(fit_comparisons(comparisons))
        seconds.append(time.perf_counter() - started)
    board = Stats(seconds)
    return [
        Row("14 pairwise judgments (output feedback)", "router regret with ratings and pairwise judgments",
            f"{study['rounds']} tasks x {len(study['seeds'])} seeds, {len(RATES)} options",
            study["mean_with_pairwise"], "lost successes", None, len(study["seeds"]), "ratings alone",
            study["mean_ratings_only"], study["mean_with_pairwise"] / study["mean_ratings_only"],
            ratio_note="regret with judgments / regret with ratings alone",
            ratio_target=within(0.9, "<= 0.9x ratings alone"),
            note=f"lower on {study['seeds_better']} of {len(study['seeds'])} seeds; one judgment per task; "
            f"simulated in {simulated:.1f} s",
            details={k: v for k, v in study.items() if k not in ("ratings_only", "with_pairwise")}),
        Row("14 pairwise judgments (output feedback)", "Bradley-Terry board fit and next pairs",
            f"{BOARD_ITEMS} items, {BOARD_JUDGMENTS:,} judgments", board.median, "s", board.spread,
            len(seconds), target=below(1.0, "< 1 s"), details={"seconds": board.as_dict()}),
    ]  # fmt: skip

"""Scenario: loop 1 learning its preferences (leads.preference_simulation), with and without
near-miss exploration: runs until the kept leads' useful rate stays within 5 points of the best
preferences, and the gap left at the end."""

from __future__ import annotations

import statistics
import time

from bench.runner import Row, at_least, below
from leads.preference_simulation import simulate

FULL_SEEDS = 8
FULL_RUNS = 150
WITHIN_POINTS = 5.0


def _summary(results):
    reached = [r.runs_to_within(WITHIN_POINTS) for r in results]
    found = [r for r in reached if r is not None]
    gaps = [r.final_gap for r in results]
    return reached, found, gaps


def run(ctx) -> list[Row]:
    seeds = list(range(1, ctx.size(FULL_SEEDS, minimum=1) + 1))
    runs = FULL_RUNS if ctx.full else max(20, int(FULL_RUNS * min(1.0, ctx.scale * 5)))
    rows = []
    for share, label in ((0.05, "exploration 5%, at most 3 a run"), (0.0, "no exploration")):
        started = time.perf_counter()
        results = [simulate(runs=runs, exploration_share=share, seed=seed) for seed in seeds]
        elapsed = time.perf_counter() - started
        reached, found, gaps = _summary(results)
        median_runs = statistics.median(found) if found else None
        exploring = share > 0
        rows.append(
            Row(
                "10 preference learning",
                f"runs until within {WITHIN_POINTS:g} points of the best ({label})",
                f"{len(seeds)} seeds x {runs} runs x 200 leads",
                median_runs,
                "runs",
                note=(
                    f"{len(found)} of {len(seeds)} seeds got there (runs: {reached}); median final gap "
                    f"{statistics.median(gaps):.1f} points (best {results[0].best_rate:.0%}, start "
                    f"{results[0].start_rate:.0%}); {elapsed:.1f} s"
                ),
                target=below(runs + 1, f"reached within {runs} runs") if exploring and ctx.full else None,
                details={"runs_to_within": reached, "final_gap_points": gaps, "seeds": seeds, "runs": runs},
            )
        )
        rows.append(
            Row(
                "10 preference learning",
                f"seeds that found the left-out industry ({label})",
                f"{len(seeds)} seeds x {runs} runs",
                sum(r.found("Healthcare") for r in results) / len(results),
                "share",
                target=at_least(0.5, ">= half the seeds") if exploring and ctx.full else None,
                note="with no exploration the left-out industry is never seen, so never found"
                if not exploring
                else "",
                details={"found": [r.found("Healthcare") for r in results]},
            )
        )
    return rows

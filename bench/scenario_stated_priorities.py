"""Stated priorities (issue #18): what learning from customers' stated priorities is worth on
held-out choices, in the pure simulation of matching/stated_simulation.py (no database).

Two figures per seed, as log-likelihood per held-out choice, model with stated priorities minus
the model without them: customers whose statements shift their weights (the gain must be clear)
and customers whose statements are noise (it must not cost more than 0.01).
"""

from __future__ import annotations

import statistics
import time

from bench.runner import Row, Stats, at_least
from matching.stated_simulation import compare

FULL_SESSIONS = 3000  # per seed: half to train, half held out
SEEDS = (0, 1, 2)


def run(ctx) -> list[Row]:
    n = max(ctx.size(FULL_SESSIONS, minimum=600), 600)
    seeds = SEEDS if ctx.full else SEEDS[:2]
    rows = []
    for informative, figure, bound, text in (
        (True, "held-out log-likelihood gain per choice, statements that predict choices", 0.1, ">= +0.10"),
        (False, "held-out log-likelihood gain per choice, statements that are noise", -0.01, ">= -0.01"),
    ):
        started = time.perf_counter()
        results = [compare(n // 2, n - n // 2, informative=informative, seed=seed) for seed in seeds]
        seconds = time.perf_counter() - started
        gains = Stats([r["gain"] for r in results])
        worst = min(gains.values)
        rows.append(
            Row("12 stated priorities (matching)", figure, f"{n:,} sessions x 5, {len(seeds)} seeds",
                worst, "log-lik/choice", None, len(seeds),
                "model without stated priorities", statistics.median(r["log_likelihood_without_stated"] for r in results),
                None, target=at_least(bound, text),
                note=(f"worst seed; median {gains.median:+.4f}; mean chosen rank "
                      f"{statistics.median(r['mean_chosen_rank'] for r in results):.3f} vs "
                      f"{statistics.median(r['mean_chosen_rank_without_stated'] for r in results):.3f} without; "
                      f"{seconds:.1f} s"),
                details={"gains": gains.as_dict(),
                         "log_likelihood": [r["log_likelihood"] for r in results],
                         "log_likelihood_without_stated": [r["log_likelihood_without_stated"] for r in results]})
        )  # fmt: skip
    return rows

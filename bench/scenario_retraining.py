"""Scenario 4: retraining (the `retrain` service the task and command call) on 10,000 and 100,000
outcomes, and how its time grows with the data."""

from __future__ import annotations

import time

from django.utils import timezone

from bench import bulk, lead_data
from bench.runner import Row, below, measure
from leads.services.scoring.retraining import retrain

SIZES = (10_000, 100_000)


def workspace_with_outcomes(ctx, n: int, slug: str, seed: int):
    """A workspace with n leads, each with an outcome (fast inserts)."""
    workspace = ctx.workspace(slug)
    lead_data.insert(workspace, lead_data.generate(n, seed=seed), bulk.Ids(seed), timezone.now())
    return workspace


def run(ctx) -> list[Row]:
    rows, medians = [], {}
    started = time.perf_counter()
    for full_size, runs in zip(SIZES, (ctx.runs(2), 1), strict=True):
        n, reduced = ctx.size(full_size, minimum=600), ""
        if medians:
            # Training grows a little faster than linearly; the small size predicts the large one.
            n_small, small = medians[SIZES[0]]
            budget = max(20.0, ctx.share - (time.perf_counter() - started) - 15)
            n, reduced = ctx.fit(
                ctx.size(full_size, minimum=600), n_small / small / 1.3, budget, minimum=n_small
            )
        workspace = workspace_with_outcomes(ctx, n, f"bench-retrain-{full_size}", seed=full_size)
        bulk.analyze()
        versions = []
        stats = measure(
            lambda ws=workspace, out=versions: out.append(retrain(ws, trigger="command")), runs=runs, warmup=0
        )
        medians[full_size] = (n, stats.median)
        last = versions[-1]
        ctx.shared[f"retrained_{full_size}"] = workspace
        rows.append(
            Row(
                "4 retraining",
                "retrain() incl. reading outcomes, selection, calibration, promotion test",
                f"{n:,} outcomes",
                stats.median,
                "s",
                spread=stats.spread,
                runs=runs,
                target=below(60, "< 60 s") if full_size == 100_000 and n >= full_size else None,
                note=f"chose {last.description or '?'}; {last.decision}"
                + (f"; {reduced}" if reduced else ""),
                details={"seconds": stats.as_dict(), "reason": last.reason},
            )
        )
    (n_small, small), (n_large, large) = medians[SIZES[0]], medians[SIZES[1]]
    rows[-1].reference_name = f"same at {n_small:,}"
    rows[-1].reference = small
    rows[-1].ratio = large / small
    rows[-1].ratio_note = f"for {n_large / n_small:.0f}x the data"
    return rows

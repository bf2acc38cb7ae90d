"""Scenario 8: weight learning (the `learn_weights` service the task runs) on 100,000 choice
sessions, against the pure conditional-logit fit on the same choice set (no database)."""

from __future__ import annotations

import time

import numpy as np

from bench import bulk
from bench.runner import Row, below, measure
from matching import learning
from matching.models import Candidate, Choice, Factor, MatchingSession, Recommendation, WeightVersion
from matching.services.weights import build_choice_set, choice_frame, fit_options, learn_weights

FULL_SESSIONS = 100_000
ALTERNATIVES = 4
FACTORS = [("cost", False), ("quality", True), ("lead_time", False)]
SEGMENTS = ["price_sensitive", "quality_focused", "speed_priority", "balanced"]


def _load(workspace, n_sessions):
    """Sessions with 4 of 12 candidates shown in ranked order, the choice drawn from a logit with
    segment-specific weights and a first-position bonus."""

    ids = bulk.Ids(88)
    rng = np.random.default_rng(88)
    for position, (key, higher) in enumerate(FACTORS):
        Factor.objects.create(workspace=workspace, key=key, label=key.replace("_", " "),
                              higher_is_better=higher, position=position)  # fmt: skip
    base = rng.normal(size=(12, len(FACTORS)))
    candidates = [
        Candidate.objects.create(workspace=workspace, name=f"Provider {i}",
                                 factor_values={k: float(base[i, j]) for j, (k, _) in enumerate(FACTORS)})
        for i in range(12)
    ]  # fmt: skip
    weights = {"price_sensitive": [-2.0, 0.5, -0.3], "quality_focused": [-0.4, 2.0, -0.3],
               "speed_priority": [-0.4, 0.5, -2.0], "balanced": [-1.0, 1.0, -1.0]}  # fmt: skip
    session_ids = ids.many(n_sessions)
    segment = rng.integers(0, len(SEGMENTS), n_sessions)
    shown = np.argsort(rng.random((n_sessions, 12)), axis=1)[:, :ALTERNATIVES]
    values = base[shown] + rng.normal(0, 0.5, size=(n_sessions, ALTERNATIVES, len(FACTORS)))
    w = np.array([weights[SEGMENTS[s]] for s in segment])
    utility = np.einsum("saf,sf->sa", values, w) + np.where(np.arange(ALTERNATIVES) == 0, 0.5, 0.0)
    utility += rng.gumbel(size=utility.shape)
    chosen = utility.argmax(axis=1)
    ws = workspace.id
    bulk.insert(MatchingSession, {"id": session_ids, "workspace": [ws] * n_sessions,
                                  "customer_ref": [f"customer-{i % 5000}" for i in range(n_sessions)],
                                  "segment": [SEGMENTS[s] for s in segment.tolist()]}, ids)  # fmt: skip
    n_rows = n_sessions * ALTERNATIVES
    keys = [k for k, _ in FACTORS]
    flat_values = values.reshape(n_rows, len(FACTORS)).tolist()
    bulk.insert(
        Recommendation,
        {"workspace": [ws] * n_rows, "session": np.repeat(np.array(session_ids, dtype=object), ALTERNATIVES).tolist(),
         "candidate": [candidates[c].id for c in shown.reshape(-1).tolist()],
         "rank": np.tile(np.arange(1, ALTERNATIVES + 1), n_sessions).tolist(),
         "factor_values": [dict(zip(keys, row, strict=True)) for row in flat_values]},
        ids,
    )  # fmt: skip
    bulk.insert(
        Choice,
        {"workspace": [ws] * n_sessions, "session": session_ids,
         "candidate": [candidates[shown[s, chosen[s]]].id for s in range(n_sessions)],
         "chosen_rank": (chosen + 1).tolist()},
        ids,
    )  # fmt: skip
    bulk.analyze()


def run(ctx) -> list[Row]:
    n = ctx.size(FULL_SESSIONS, minimum=300)
    workspace = ctx.workspace("bench-matching")
    _load(workspace, n)
    versions = []

    def forget_versions():
        # learn_weights skips unchanged choices; each run must do the whole fit again.
        WeightVersion.objects.for_workspace(workspace).delete()

    started = time.perf_counter()
    stats = measure(
        lambda: versions.append(learn_weights(workspace)), runs=1, warmup=0, before=forget_versions
    )
    if ctx.runs(2) > 1 and (not ctx.full or time.perf_counter() - started < 0.25 * ctx.share):
        # a second run when the time budget allows it
        more = measure(
            lambda: versions.append(learn_weights(workspace)), runs=1, warmup=0, before=forget_versions
        )
        stats.values.extend(more.values)
    runs = len(stats.values)
    frame, factors = choice_frame(workspace)
    data, _report = build_choice_set(frame, factors)
    higher = [f.higher_is_better for f in factors]
    reference = measure(lambda: learning.fit_choice_model(data, higher, **fit_options()), runs=runs, warmup=0)
    version = versions[-1]
    return [
        Row("8 matching", "learn_weights() incl. reading choices, all segments", f"{n:,} sessions x {ALTERNATIVES}",
            stats.median, "s", stats.spread, runs, "fit_choice_model on the prepared choice set (no DB)",
            reference.median, stats.median / reference.median, target=below(30, "< 30 s"),
            note=f"confidence {version.confidence:.2f}" if version else "no version stored",
            details={"seconds": stats.as_dict(), "reference": reference.as_dict()})
    ]  # fmt: skip

"""Simulated customers with stated priorities, to measure what learning from them is worth (pure,
seeded; used by tests/matching/test_stated_priorities_simulation.py and bench/scenario_stated_priorities.py).

Each customer states an importance 1-5 for some of the factors, then picks one of the candidates
shown by a logit on their own factor weights. When the statements are *informative*, a customer's
weight on a factor grows with what they stated, w_k = base_k + shift * (stated_k - 3) / 2; when they
are *noise*, every customer has the base weights whatever they stated. The choice model is fitted
on a training half with and without the stated priorities and both are scored on the held-out half
(the statements are known when a list is ranked, so held-out sessions keep them).
"""

from __future__ import annotations

import numpy as np

from matching.evaluation import learned_utilities, ranking_metrics
from matching.learning import ChoiceSet, fit_choice_model

FACTORS = ["price", "quality", "speed", "distance"]
HIGHER_IS_BETTER = [False, True, False, False]
BASE_WEIGHTS = np.array([0.8, 0.7, 0.5, 0.3])  # per standard deviation, oriented (higher = better)
SEGMENTS = ("north", "south")


def simulate_choices(
    n_sessions: int,
    *,
    informative: bool,
    shift: float = 0.8,
    alternatives: int = 5,
    stated_share: float = 0.8,
    seed: int = 0,
) -> ChoiceSet:
    """`n_sessions` choices; each session states each factor with probability `stated_share`."""
    rng = np.random.default_rng(seed)
    k = len(FACTORS)
    direction = np.where(HIGHER_IS_BETTER, 1.0, -1.0)
    stated = rng.integers(1, 6, size=(n_sessions, k)).astype(float)
    stated[rng.random((n_sessions, k)) > stated_share] = np.nan
    centred = np.where(np.isfinite(stated), (stated - 3.0) / 2.0, 0.0)
    weights = BASE_WEIGHTS + (shift * centred if informative else np.zeros_like(centred))
    z = rng.normal(size=(n_sessions, alternatives, k))
    utility = np.einsum("sjk,sk->sj", z, weights) + rng.gumbel(size=(n_sessions, alternatives))
    chosen = np.zeros((n_sessions, alternatives), bool)
    chosen[np.arange(n_sessions), utility.argmax(axis=1)] = True
    # raw values a user would see: e.g. a price around 100, lower is better
    values = 100.0 + 20.0 * z * direction
    return ChoiceSet(
        values=values.reshape(-1, k),
        session=np.repeat(np.arange(n_sessions), alternatives),
        chosen=chosen.ravel(),
        factor_names=list(FACTORS),
        segment=np.array([SEGMENTS[s % len(SEGMENTS)] for s in range(n_sessions)], dtype=object),
        session_ids=np.arange(n_sessions),
        stated=stated,
    )


def compare(
    n_train: int = 1500,
    n_test: int = 1500,
    *,
    informative: bool,
    seed: int = 0,
    min_segment_sessions: int = 30,
) -> dict:
    """Held-out figures per choice of the model with and without the stated priorities."""
    data = simulate_choices(n_train + n_test, informative=informative, seed=seed)
    train = np.arange(data.n_sessions) < n_train
    train_data, test_data = data.subset(train), data.subset(~train)
    default = np.full(len(FACTORS), 1.0 / len(FACTORS))
    with_stated = fit_choice_model(train_data, HIGHER_IS_BETTER)
    without = fit_choice_model(train_data.without_stated(), HIGHER_IS_BETTER)
    m_with = ranking_metrics(
        learned_utilities(with_stated, test_data, min_segment_sessions, default), test_data
    )
    m_without = ranking_metrics(
        learned_utilities(without, test_data.without_stated(), min_segment_sessions, default), test_data
    )
    return {
        "informative": informative,
        "train_sessions": n_train,
        "test_sessions": n_test,
        "log_likelihood": m_with["log_likelihood"],
        "log_likelihood_without_stated": m_without["log_likelihood"],
        "gain": m_with["log_likelihood"] - m_without["log_likelihood"],
        "mean_chosen_rank": m_with["mean_chosen_rank"],
        "mean_chosen_rank_without_stated": m_without["mean_chosen_rank"],
        "stated_weights": dict(with_stated.global_weights.stated_weights),
        "stated_se": dict(with_stated.global_weights.stated_se),
        "model": with_stated,
    }

"""Simulation (pure, seeded): the router with ratings and pairwise judgments reaches lower regret
than with ratings alone."""

from feedback.router import pairwise_regret_study

RATES = [0.5, 0.55, 0.6, 0.62, 0.66]  # five options, close together: ratings alone learn slowly


def test_ratings_and_judgments_reach_lower_regret_than_ratings_alone():
    study = pairwise_regret_study(RATES, 400, range(10))
    # Measured: 15.6 -> 12.4 expected lost successes over 400 tasks (-21%), better on 8 of 10 seeds.
    assert study["mean_with_pairwise"] < 0.9 * study["mean_ratings_only"], study
    assert study["seeds_better"] >= 7, study

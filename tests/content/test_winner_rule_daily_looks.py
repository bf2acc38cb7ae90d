"""The winner rule under daily looks, the "no meaningful difference" verdict and the recommended
split, shown by seeded simulation (pure: no database)."""

import numpy as np
import pytest

from content.simulation import (
    NEUTRAL_DAILY_IMPRESSIONS,
    POWER_BUDGET,
    simulate_daily_looks,
    simulate_split_regret,
)
from content.winners import (
    VariantCounts,
    beta_posterior_draws,
    decide_winner,
    prob_best_and_loss,
    recommended_split,
)


def test_equal_variants_looked_at_daily_for_60_days_rarely_ever_get_a_winner():
    looks = simulate_daily_looks([0.05, 0.05], seed=1)
    assert looks.ever_winner() <= 0.05


def test_equal_three_variants_looked_at_daily_rarely_ever_get_a_winner():
    looks = simulate_daily_looks([0.05, 0.05, 0.05], seed=3)
    assert looks.ever_winner() <= 0.05


def test_better_variant_is_found_within_the_budget_in_at_least_90_percent_of_experiments():
    looks = simulate_daily_looks([0.05, 0.06], seed=2)
    assert looks.found(1, budget=POWER_BUDGET) >= 0.90
    assert np.mean(looks.winner == 0) <= 0.01  # the worse one is (almost) never picked


def test_old_rule_would_have_failed_daily_looks():
    """Without the always-valid test (probability to be best alone) equal variants get winners
    far more often than 5% of the time: the reason for the change."""
    looks = simulate_daily_looks([0.05, 0.05], seed=1, threshold=0.95)
    assert looks.ever_winner() <= 0.05  # the new rule
    # the old rule on the same data: a winner as soon as the probability to be best passes 95%
    rng = np.random.default_rng(1)
    daily = rng.binomial(2000, [0.05, 0.05], size=(60, 200, 2)).cumsum(axis=0)
    ever = np.zeros(200, dtype=bool)
    for day in range(60):
        shown = np.full((200, 2), 2000.0 * (day + 1))
        prob_best, _ = prob_best_and_loss(beta_posterior_draws(daily[day], shown, 500, rng))
        ever |= prob_best.max(axis=-1) >= 0.95
    assert ever.mean() > 0.2


def test_equal_variants_with_enough_traffic_are_settled_as_no_meaningful_difference():
    looks = simulate_daily_looks([0.05, 0.05], daily_impressions=NEUTRAL_DAILY_IMPRESSIONS, seed=5)
    assert np.mean(looks.neutral_day > 0) >= 0.9
    assert looks.ever_winner() <= 0.05


def test_a_real_lift_just_outside_the_practical_threshold_is_not_called_neutral():
    looks = simulate_daily_looks([0.05, 0.053], daily_impressions=NEUTRAL_DAILY_IMPRESSIONS, seed=7)
    assert np.mean(looks.neutral_day > 0) <= 0.05


def test_no_meaningful_difference_verdict_says_so_and_asks_for_no_more_impressions():
    counts = [VariantCounts("A", 400_000, 20_000, 900), VariantCounts("B", 400_000, 20_050, 910)]
    decision = decide_winner(counts)
    assert decision.status == "no_meaningful_difference"
    assert decision.winner is None
    assert decision.settled
    assert decision.needs_more_impressions is None
    assert "No meaningful difference on CTR" in decision.reason
    assert -0.05 < decision.lift_low < decision.lift_high < 0.05
    assert all(v.recommended_share is None for v in decision.variants)


def test_a_wider_practical_threshold_settles_sooner():
    counts = [VariantCounts("A", 60_000, 3000, 90), VariantCounts("B", 60_000, 3010, 91)]
    assert decide_winner(counts).status == "no_winner"
    assert decide_winner(counts, practical_lift=0.15).status == "no_meaningful_difference"


def test_running_experiment_recommends_more_traffic_for_the_leader_with_a_floor():
    counts = [VariantCounts("A", 3000, 150, 5), VariantCounts("B", 3000, 175, 6)]
    decision = decide_winner(counts)
    assert decision.status == "no_winner"
    shares = {v.label: v.recommended_share for v in decision.variants}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["B"] > shares["A"] >= 0.10


def test_recommended_split_keeps_the_floor_and_sums_to_one():
    split = recommended_split(np.array([0.999, 0.001, 0.0]), floor=0.1)
    assert split.sum() == pytest.approx(1.0)
    assert split.min() == pytest.approx(0.1)
    assert recommended_split(np.array([0.5, 0.5]), floor=0.9).tolist() == [0.5, 0.5]
    assert recommended_split(np.array([0.0, 0.0]), floor=0.1).tolist() == [0.5, 0.5]


def test_thompson_split_loses_far_fewer_clicks_than_an_equal_split():
    regret = simulate_split_regret([0.05, 0.06], seed=6)
    assert regret.ratio < 0.5

"""The Bayesian winner rule: decisions, reasons, and its error rates shown by simulation."""

import numpy as np
import pytest

from content.winners import (
    VariantCounts,
    decide_winner,
    is_fading,
    pooled_beta_prior,
    sample_ratio_p_value,
    winners_batch,
)

RUNS = 400
IMPRESSIONS = 20_000


def simulate(true_ctrs, seed):
    rng = np.random.default_rng(seed)
    ctrs = np.asarray(true_ctrs)
    impressions = np.full((RUNS, ctrs.size), IMPRESSIONS)
    clicks = rng.binomial(IMPRESSIONS, ctrs, size=impressions.shape)
    return winners_batch(impressions, clicks, seed=seed + 1)


def test_better_of_two_variants_is_picked_in_at_least_95_percent_of_runs():
    winners = simulate([0.05, 0.06], seed=10)
    assert np.mean(winners == 1) >= 0.95
    assert np.mean(winners == 0) <= 0.01


def test_equal_two_variants_declare_a_winner_in_at_most_10_percent_of_runs():
    winners = simulate([0.05, 0.05], seed=20)
    assert np.mean(winners >= 0) <= 0.10


def test_better_of_three_variants_is_picked_in_at_least_95_percent_of_runs():
    winners = simulate([0.05, 0.05, 0.06], seed=30)
    assert np.mean(winners == 2) >= 0.95
    assert np.mean((winners == 0) | (winners == 1)) <= 0.01


def test_equal_three_variants_declare_a_winner_in_at_most_10_percent_of_runs():
    winners = simulate([0.05, 0.05, 0.05], seed=40)
    assert np.mean(winners >= 0) <= 0.10


def test_batch_rule_and_single_decision_agree():
    rng = np.random.default_rng(5)
    for _ in range(20):
        clicks = rng.binomial(IMPRESSIONS, [0.05, 0.057])
        counts = [VariantCounts(lbl, IMPRESSIONS, int(c), 0) for lbl, c in zip("AB", clicks, strict=True)]
        decision = decide_winner(counts, n_draws=20_000, seed=3)
        batch = winners_batch([[IMPRESSIONS] * 2], [clicks], n_draws=20_000, seed=3)[0]
        p = max(decision.prob_best.values())
        if abs(p - 0.95) > 0.01:  # away from the edge, Monte Carlo noise cannot flip it
            assert (decision.winner is not None) == (batch >= 0)


def test_clear_difference_gives_a_winner_with_reason_and_expected_loss():
    decision = decide_winner(
        [
            VariantCounts("primary", 20_000, 1000, 50),
            VariantCounts("A", 20_000, 1300, 60),
        ]
    )
    assert decision.winner == "A"
    assert decision.status == "winner"
    assert decision.prob_best["A"] > 0.99
    assert "A wins on CTR" in decision.reason
    winner = decision.figures_for("A")
    assert winner.expected_loss < decision.figures_for("primary").expected_loss
    assert winner.interval_low < 0.065 < winner.interval_high


def test_same_data_same_decision():
    counts = [VariantCounts("A", 5000, 260, 10), VariantCounts("B", 5000, 240, 12)]
    assert decide_winner(counts).to_dict() == decide_winner(counts).to_dict()


def test_too_few_impressions_says_how_many_more_are_needed():
    decision = decide_winner(
        [VariantCounts("A", 400, 40, 1), VariantCounts("B", 420, 30, 1)],
        min_impressions=1000,
    )
    assert decision.winner is None
    assert decision.status == "insufficient_data"
    assert decision.needs_more_impressions == 600
    assert "needs about 600 more impressions per variant" in decision.reason


def test_close_variants_estimate_more_impressions_needed():
    decision = decide_winner([VariantCounts("A", 2000, 100, 5), VariantCounts("B", 2000, 112, 5)])
    assert decision.winner is None
    assert decision.status == "no_winner"
    assert decision.needs_more_impressions > 2000
    assert f"needs about {decision.needs_more_impressions:,} more" in decision.reason


def test_sample_ratio_mismatch_blocks_the_winner_and_says_why():
    decision = decide_winner([VariantCounts("A", 30_000, 1500, 50), VariantCounts("B", 20_000, 1400, 60)])
    assert decision.srm_flagged
    assert decision.srm_p_value < 0.001
    assert decision.winner is None
    assert decision.status == "sample_ratio_mismatch"
    assert "impression split" in decision.reason


def test_sample_ratio_check_passes_a_fair_split():
    assert sample_ratio_p_value([10_050, 9_950]) > 0.05
    assert sample_ratio_p_value([1000]) is None


def test_conversion_rate_metric_decides_on_conversions_per_click():
    counts = [
        VariantCounts("A", 20_000, 1000, 30),
        VariantCounts("B", 20_000, 1000, 90),
    ]
    assert decide_winner(counts, metric="conversion_rate").winner == "B"
    assert decide_winner(counts, metric="ctr").winner is None


def test_revenue_per_impression_metric_uses_revenue():
    counts = [
        VariantCounts("A", 20_000, 1000, 100, revenue=1000.0),
        VariantCounts("B", 20_000, 1000, 100, revenue=3000.0),
    ]
    decision = decide_winner(counts, metric="revenue_per_impression")
    assert decision.winner == "B"
    assert decision.figures_for("B").posterior_mean == pytest.approx(0.15, rel=0.2)


def test_composite_metric_weights_parts():
    counts = [
        VariantCounts("A", 20_000, 1300, 40, revenue=400.0),
        VariantCounts("B", 20_000, 1000, 100, revenue=1000.0),
    ]
    assert decide_winner(counts, metric="composite", weights={"ctr": 1.0}).winner == "A"
    on_conversions = decide_winner(
        counts,
        metric="composite",
        weights={"conversion_rate": 1.0, "revenue_per_impression": 1.0},
    )
    assert on_conversions.winner == "B"


def test_unknown_metric_is_rejected():
    with pytest.raises(ValueError, match="unknown metric"):
        decide_winner([VariantCounts("A", 1, 0, 0), VariantCounts("B", 1, 0, 0)], metric="likes")


def test_single_variant_has_no_winner():
    decision = decide_winner([VariantCounts("A", 50_000, 3000, 10)])
    assert decision.winner is None
    assert decision.status == "single_variant"


def test_zero_counts_do_not_break_the_rule():
    decision = decide_winner([VariantCounts("A", 0, 0, 0), VariantCounts("B", 0, 0, 0)])
    assert decision.winner is None
    revenue = decide_winner(
        [VariantCounts("A", 5000, 0, 0), VariantCounts("B", 5000, 0, 0)],
        metric="revenue_per_impression",
    )
    assert revenue.winner is None


def test_pooled_prior_is_flat_when_variants_clearly_differ_and_strong_when_alike():
    alpha, beta = pooled_beta_prior(np.array([100, 1000]), np.array([10_000, 10_000]))
    assert alpha + beta < 100
    alpha, beta = pooled_beta_prior(np.array([500, 500]), np.array([10_000, 10_000]))
    assert alpha + beta == pytest.approx(20_000)


def test_fading_winner_is_flagged_only_with_enough_recent_impressions():
    assert is_fading(recent_clicks=30, recent_impressions=1000, winning_low=0.05)
    assert not is_fading(recent_clicks=60, recent_impressions=1000, winning_low=0.05)
    assert not is_fading(recent_clicks=0, recent_impressions=50, winning_low=0.05)

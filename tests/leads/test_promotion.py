"""Champion/challenger: the paired test and the promotion rule."""

import numpy as np
from sklearn.metrics import roc_auc_score

from leads.scoring.promotion import (
    PromotionPolicy,
    auc_interval,
    compare_models,
    decide_promotion,
    delong,
    describe_rule,
    split_newest,
)


def _outcomes(n=400, seed=0):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-2 * signal))).astype(int)
    good = 1 / (1 + np.exp(-2 * signal))
    noisy = 1 / (1 + np.exp(-(2 * signal + rng.normal(0, 3, n))))
    return y, good, noisy


def test_delong_auc_matches_the_usual_auc():
    y, good, noisy = _outcomes()
    aucs, cov = delong(y, [good, noisy])
    assert np.allclose(aucs, [roc_auc_score(y, good), roc_auc_score(y, noisy)])
    assert cov.shape == (2, 2) and cov[0, 0] > 0


def test_delong_variance_agrees_with_a_bootstrap():
    y, good, _ = _outcomes(300, seed=1)
    _, cov = delong(y, [good])
    rng = np.random.default_rng(0)
    boot = []
    for _ in range(300):
        i = rng.integers(0, len(y), len(y))
        boot.append(roc_auc_score(y[i], good[i]))
    assert 0.6 < np.sqrt(cov[0, 0]) / np.std(boot) < 1.6


def test_worse_challenger_is_not_promoted_and_the_reason_says_so():
    y, good, noisy = _outcomes()
    decision = decide_promotion(compare_models(y, noisy, good), PromotionPolicy(), champion_age_days=90)
    assert not decision.promote
    assert decision.reason.startswith("Kept the champion: the challenger is worse")
    assert "AUC" in decision.reason and "Brier" in decision.reason


def test_clearly_better_challenger_is_promoted():
    y, good, noisy = _outcomes()
    decision = decide_promotion(compare_models(y, good, noisy), PromotionPolicy(), champion_age_days=1)
    assert decision.promote
    assert decision.reason.startswith("Promoted: the challenger is better")


def test_equal_challenger_is_kept_out_while_champion_is_young_and_promoted_once_old():
    y, good, _ = _outcomes()
    rng = np.random.default_rng(5)
    twin = np.clip(good + rng.normal(0, 0.01, len(good)), 0, 1)
    comparison = compare_models(y, twin, good)
    young = decide_promotion(comparison, PromotionPolicy(max_champion_age_days=30), 3)
    old = decide_promotion(comparison, PromotionPolicy(max_champion_age_days=30), 45)
    assert not young.promote and "not significantly better" in young.reason
    assert old.promote and "45 days old" in old.reason


def test_too_few_held_out_outcomes_keeps_the_champion():
    y = np.array([1, 0, 0, 1, 0, 0, 0, 0])
    p = np.linspace(0.1, 0.9, 8)
    decision = decide_promotion(compare_models(y, p, p[::-1]), PromotionPolicy(), 100)
    assert not decision.promote
    assert "too few held-out outcomes" in decision.reason


def test_learned_model_replaces_prior_when_not_worse():
    y, good, _ = _outcomes(200, seed=2)
    flat = np.full(len(y), 0.2)
    decision = decide_promotion(compare_models(y, good, flat), PromotionPolicy(), 0, champion_is_prior=True)
    assert decision.promote


def test_no_champion_promotes_the_first_model():
    assert decide_promotion(None, PromotionPolicy(), None).promote


def test_auc_interval_contains_the_auc():
    y, good, _ = _outcomes()
    auc, low, high = auc_interval(y, good)
    assert low < auc < high
    assert auc_interval(np.zeros(10), np.linspace(0, 1, 10)) is None


def test_split_newest_holds_out_the_last_outcomes():
    older, newest = split_newest(100)
    assert list(newest) == list(range(80, 100)) and list(older) == list(range(80))
    older, newest = split_newest(50)
    assert len(newest) == 20 and newest[-1] == 49


def test_rule_in_words_names_the_test_confidence_and_age():
    text = describe_rule(PromotionPolicy(confidence=0.9, max_champion_age_days=14))
    assert "90%" in text and "14 days" in text and "DeLong" in text

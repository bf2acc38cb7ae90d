"""The bandit router: posteriors pooled across tags, recommendations, and its regret."""

import numpy as np

from feedback.router import BanditRouter, simulate_regret


def test_router_without_arms_recommends_nothing():
    assert BanditRouter().recommend(["x"]) is None


def test_router_prefers_the_arm_that_succeeds_on_the_tag():
    router = BanditRouter(seed=1)
    for _ in range(40):
        router.update(["analytical"], ("cot", "sonnet"), True)
        router.update(["analytical"], ("few-shot", "haiku"), False)
    rec = router.recommend(["analytical"])
    assert (rec.framework, rec.model) == ("cot", "sonnet")
    assert rec.confidence > 0.95 and rec.n == 40
    assert "'analytical'" in rec.reasoning and "cot with sonnet" in rec.reasoning
    assert rec.alternatives[0]["framework"] == "cot"


def test_unseen_tag_borrows_from_the_arms_overall_record():
    router = BanditRouter(seed=2)
    for _ in range(50):
        router.update(["email"], ("cot", "sonnet"), True)
        router.update(["email"], ("few-shot", "haiku"), False)
    alpha, beta, n = router.posteriors(["brand-new-tag"])
    means = alpha / (alpha + beta)
    assert means[0] > 0.8 and means[1] < 0.2 and n.tolist() == [0, 0]
    assert "Few ratings on these tags" in router.recommend(["brand-new-tag"]).reasoning


def test_tag_data_overrides_the_pooled_prior_once_plentiful():
    router = BanditRouter(seed=3)
    for _ in range(200):
        router.update(["email"], ("cot", "sonnet"), True)
    for _ in range(100):
        router.update(["poetry"], ("cot", "sonnet"), False)
    alpha, beta, _ = router.posteriors(["poetry"])
    assert alpha[0] / (alpha[0] + beta[0]) < 0.15


def test_thompson_regret_is_under_a_quarter_of_uniform_random():
    true_rates = {
        "analytical": {("cot", "s"): 0.8, ("few-shot", "s"): 0.5, ("zero", "h"): 0.3},
        "creative": {("cot", "s"): 0.35, ("few-shot", "s"): 0.7, ("zero", "h"): 0.45},
        "code": {("cot", "s"): 0.6, ("few-shot", "s"): 0.55, ("zero", "h"): 0.75},
    }
    thompson = np.mean([simulate_regret(true_rates, 2000, seed=s) for s in range(3)])
    uniform = np.mean([simulate_regret(true_rates, 2000, policy="uniform", seed=s) for s in range(3)])
    assert thompson < uniform / 4, (thompson, uniform)

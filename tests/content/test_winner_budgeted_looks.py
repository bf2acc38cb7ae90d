"""The budgeted looks: the error rate spent over the impression budget, recorded per look, so one
look at the budget decides as well as the fixed-sample rule did while daily looks stay honest."""

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse

from content import winners as rule
from content.models import DailyMetric, WinnerDecision, WinnerPolicy
from content.services import winner_job
from content.simulation import simulate_single_look
from tests.content.factories import experiment_with_variants


def _before_daily_looks(true_ctrs, runs, seed):
    """The rule before #18 on the data `simulate_single_look` draws: probability to be best alone."""
    rng = np.random.default_rng(seed)
    ctrs = np.asarray(true_ctrs)
    clicks = rng.binomial(20_000, ctrs, size=(runs, ctrs.size))
    shown = np.full(clicks.shape, 20_000)
    prob_best, _ = rule.prob_best_and_loss(rule.beta_posterior_draws(clicks, shown, 1000, rng))
    return np.where(prob_best.max(axis=-1) >= 0.95, prob_best.argmax(axis=-1), -1)


@pytest.mark.parametrize(
    ("ctrs", "better"),
    [([0.05, 0.06], 1), ([0.05, 0.05], None), ([0.05, 0.05, 0.06], 2), ([0.05, 0.05, 0.05], None)],
)
def test_one_look_at_the_budget_picks_as_often_as_before_with_no_more_false_winners(ctrs, better):
    runs = 5000  # the Monte Carlo error of a share near 99% is then about 0.15 points
    now = simulate_single_look(ctrs, runs=runs, impressions=20_000, seed=99)
    before = _before_daily_looks(ctrs, runs, seed=99)
    if better is None:
        assert np.mean(now >= 0) <= np.mean(before >= 0) + 0.004
        assert np.mean(now >= 0) <= 0.05
    else:
        assert np.mean(now == better) >= np.mean(before == better) - 0.005
        assert np.mean((now >= 0) & (now != better)) <= 0.002


def test_two_variant_boundary_is_the_two_sided_normal_test():
    assert float(rule.budgeted_boundary(0.05, np.ones(2))) == pytest.approx(1.95996, abs=1e-4)
    assert float(rule.budgeted_boundary(0.0, np.ones(2))) == np.inf


@pytest.mark.parametrize("k", [3, 4, 6])
def test_more_variants_keep_the_false_winner_chance_within_the_increment(k):
    rng = np.random.default_rng(k)
    draws = rng.normal(size=(400_000, k))
    top_two = np.sort(draws, axis=1)[:, -2:]
    gap = (top_two[:, 1] - top_two[:, 0]) / np.sqrt(2.0)  # the leader's smallest z over another
    boundary = float(rule.budgeted_boundary(0.04, np.ones(k)))
    assert np.mean(gap > boundary) <= 0.04 + 0.001
    assert boundary < float(rule.budgeted_boundary(0.04 / 2, np.ones(2)))  # tighter than Bonferroni


def test_spending_is_front_loaded_and_never_passes_the_budgeted_share():
    alpha = rule.BUDGETED_SHARE * 0.05
    spent = rule.error_spent(np.array([0.0, 0.1, 0.5, 1.0, 3.0]), alpha)
    assert spent[0] == 0 and spent[3] == pytest.approx(alpha) and spent[4] == pytest.approx(alpha)
    assert spent[2] > alpha / 2  # half the budget may spend more than half


def test_no_spending_left_means_only_the_always_valid_test_can_name_a_winner():
    counts = [rule.VariantCounts("A", 20_000, 1000, 0), rule.VariantCounts("B", 20_000, 1110, 0)]
    first_look = rule.decide_winner(counts)
    assert first_look.winner == "B" and first_look.decided_by_budgeted_look
    assert "budget" in first_look.reason and "standard errors" in first_look.reason
    spent_all = rule.decide_winner(counts, error_spent_before=first_look.error_spent)
    assert spent_all.winner is None and spent_all.status == "no_winner"
    view = rule.decide_winner(counts, error_spent_before=None)
    assert view.winner is None and view.error_spent is None


def _add_day(experiment, impressions, clicks_by_variant, day):
    for post in experiment.posts.all():
        DailyMetric.objects.create(
            workspace=experiment.workspace,
            post=post,
            date=day,
            impressions=impressions,
            clicks=clicks_by_variant[post.variant],
            conversions=0,
            revenue=0,
        )


@pytest.mark.django_db
def test_nightly_looks_record_what_they_spent_and_a_repeat_look_changes_nothing(workspace):
    experiment = experiment_with_variants(workspace, {"A": (4000, 200), "B": (4000, 228)})
    today = dt.date(2026, 12, 1)
    policy = winner_job.get_policy(workspace)
    first = winner_job.decide_experiment(experiment, policy, today)
    assert first.look_impressions == 4000 and first.error_spent_before == 0.0
    assert first.error_spent == pytest.approx(float(rule.error_spent(4000 / 20_000, 0.04)))
    assert first.winner_variant == ""
    # the same data looked at again (a rerun, or a day without new metrics) is the same look
    again = winner_job.decide_experiment(experiment, policy, today + dt.timedelta(days=1))
    assert (again.error_spent_before, again.error_spent) == (first.error_spent_before, first.error_spent)
    assert again.status == first.status
    # more data is a new look that spends only what the budget allows beyond the first
    _add_day(experiment, 12_000, {"A": 600, "B": 700}, dt.date.today())
    later = winner_job.decide_experiment(experiment, policy, today + dt.timedelta(days=2))
    assert later.look_impressions == 16_000
    assert later.error_spent_before == pytest.approx(first.error_spent)
    assert later.error_spent == pytest.approx(float(rule.error_spent(16_000 / 20_000, 0.04)))
    assert later.error_spent <= 0.04


@pytest.mark.django_db
def test_a_view_on_data_the_nightly_job_has_not_looked_at_uses_the_always_valid_test_only(workspace):
    # at one look B would win by the budget (z about 2.5) but not by the always-valid test
    experiment = experiment_with_variants(workspace, {"A": (20_000, 1000), "B": (20_000, 1110)})
    report = winner_job.experiment_report(experiment)
    assert report["status"] == "no_winner" and report["budgeted_look"] is False
    run = winner_job.run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment, run=run)
    assert decision.winner_variant == "B" and "budget" in decision.reason
    report = winner_job.experiment_report(experiment)  # the same data: the recorded look's answer
    assert report["status"] == "winner" and report["winner"] == "B" and report["budgeted_look"] is True


@pytest.mark.django_db
def test_the_policy_page_sets_the_budget_and_refuses_a_bad_one(owner_client, workspace):
    client = owner_client
    url = reverse("content:policy")
    good = {"metric": "ctr", "threshold": "0.95", "min_impressions": "1000", "impression_budget": "50000"}
    good |= {"weight_ctr": "0.5", "weight_conversion_rate": "0.3", "weight_revenue": "0.2"}
    response = client.post(url, good)
    assert response.status_code == 302
    assert WinnerPolicy.objects.get(workspace=workspace).impression_budget == 50_000
    for bad in ("0", "-5", "abc", "1e99", "99999999999"):
        response = client.post(url, good | {"impression_budget": bad})
        assert response.status_code == 200 and "impression_budget" in response.context["form"].errors, bad
        assert WinnerPolicy.objects.get(workspace=workspace).impression_budget == 50_000
    kept = good.copy()
    del kept["impression_budget"]
    assert client.post(url, kept).status_code == 302  # a form without it keeps the saved budget
    assert WinnerPolicy.objects.get(workspace=workspace).impression_budget == 50_000

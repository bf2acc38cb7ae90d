"""Inverse-probability weighting: outcomes of explored leads stand for every lead below the call
list's cut, so retraining, the promotion test and the reported AUC hold over all leads."""

import json
from datetime import date, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from sklearn.metrics import roc_auc_score

from leads.models import CallListEntry, Lead
from leads.scoring.promotion import auc_interval, compare_models, delong, weighted_delong
from leads.scoring.training import inverse_probability_weights
from leads.services.scoring.records import lead_frame
from leads.services.scoring.retraining import retrain, training_data
from tests.leads.training_data import make_leads_with_outcomes


def test_weighted_auc_from_explored_leads_estimates_the_auc_over_all_leads():
    rng = np.random.default_rng(3)
    n = 40000
    score = rng.standard_normal(n)
    won = rng.random(n) < 1 / (1 + np.exp(-(-2 + 1.2 * score)))
    everyone = roc_auc_score(won, score)
    # The team calls the top 10% and explores 5% of the rest at random.
    cut = np.quantile(score, 0.9)
    probability = np.where(score >= cut, 1.0, 0.05)
    called = rng.random(n) < probability
    followed_only = roc_auc_score(won[called], score[called])
    weights = inverse_probability_weights(probability[called])
    auc, low, high = auc_interval(won[called].astype(int), score[called], weights=weights)
    assert abs(followed_only - everyone) > 0.03  # the followed-up leads alone mislead
    assert abs(auc - everyone) < 0.02
    assert low < everyone < high


def test_weighted_delong_is_delong_with_unit_weights_and_sklearn_weighted_auc_otherwise():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    a = y * 0.5 + rng.random(300)
    b = np.round(y * 0.3 + rng.random(300), 1)  # with ties
    aucs, cov = delong(y, [a, b])
    w_aucs, w_cov = weighted_delong(y, [a, b], np.ones(300))
    assert np.allclose(aucs, w_aucs) and np.allclose(cov, w_cov)
    w = rng.uniform(1, 20, 300)
    w_aucs, _ = weighted_delong(y, [a, b], w)
    assert w_aucs[0] == pytest.approx(roc_auc_score(y, a, sample_weight=w))
    assert w_aucs[1] == pytest.approx(roc_auc_score(y, b, sample_weight=w))


def test_comparison_with_weights_says_it_is_over_all_leads():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    p = np.clip(y * 0.3 + rng.random(200) * 0.7, 0, 1)
    w = np.where(rng.random(200) < 0.2, 10.0, 1.0)
    weighted = compare_models(y, p, p[::-1], weights=w)
    assert weighted.weighted and weighted.explored == int((w > 1).sum())
    assert weighted.estimate.startswith("AUC over all leads, inverse-probability weighted, n=200")
    plain = compare_models(y, p, p[::-1], weights=np.ones(200))
    assert not plain.weighted and plain.estimate == "AUC over followed-up leads, n=200"


@pytest.mark.parametrize("bad", [None, "x", float("nan"), 0, -1, 2, "", b"\x00"])
def test_unusable_selection_probabilities_count_as_followed_up(bad):
    weights = inverse_probability_weights([bad, 0.5])
    assert list(weights) == [1.0, 2.0]
    assert inverse_probability_weights([bad, 1.0]) is None  # nothing explored: unweighted training


def test_one_explored_lead_cannot_outweigh_everything():
    assert inverse_probability_weights([1e-12, 1.0]).max() == 1000.0


def _explore(workspace, leads, every=4, probability=0.1):
    """Mark every `every`-th lead as explored on a call list, each on its own day."""
    start = date(2026, 1, 1)
    CallListEntry.objects.bulk_create(
        [
            CallListEntry(
                workspace=workspace,
                lead=lead,
                day=start + timedelta(days=i),
                rank=1,
                exploration=True,
                selection_probability=probability,
            )
            for i, lead in enumerate(leads)
            if i % every == 0
        ]
    )


@pytest.mark.django_db
def test_retraining_weights_explored_outcomes_and_labels_its_auc(workspace, owner_client, api_client):
    leads = make_leads_with_outcomes(workspace, 300, seed=5)
    _explore(workspace, leads)
    _, _, _, probability = training_data(workspace, with_probabilities=True)
    assert sorted(set(probability)) == [0.1, 1.0]
    version = retrain(workspace)
    assert version.decision == "promoted", version.reason
    auc = version.metrics["auc"]
    assert auc["weighted"] is True
    assert auc["estimate"].startswith("AUC over all leads, inverse-probability weighted, n=60")
    assert version.metrics["weighted_outcomes"] == 75
    info = api_client.get("/api/v1/info").json()
    assert info["model_auc"]["estimate"] == auc["estimate"]
    page = owner_client.get(reverse("leads:scoring_status")).content.decode()
    assert "AUC over all leads, inverse-probability weighted, n=60" in page


@pytest.mark.django_db
def test_without_call_list_outcomes_the_auc_is_over_followed_up_leads(workspace, owner_client, api_client):
    make_leads_with_outcomes(workspace, 200, seed=6)
    version = retrain(workspace)
    assert version.metrics["auc"]["weighted"] is False
    assert version.metrics["auc"]["estimate"] == "AUC over followed-up leads, n=40"
    assert (
        api_client.get("/api/v1/info").json()["model_auc"]["estimate"] == "AUC over followed-up leads, n=40"
    )
    assert "over followed-up leads" in owner_client.get(reverse("leads:scoring_status")).content.decode()


@pytest.mark.django_db
def test_an_imported_selection_probability_weights_the_outcome_and_is_never_a_feature(workspace):
    leads = make_leads_with_outcomes(workspace, 40, seed=7)
    Lead.objects.filter(pk=leads[0].pk).update(
        attributes={"region": "north", "selection_probability": "0.25"}
    )
    frame, _, _, probability = training_data(workspace, with_probabilities=True)
    assert "selection_probability" not in frame.columns
    assert "selection_probability" not in lead_frame([Lead.objects.get(pk=leads[0].pk)]).columns
    assert list(inverse_probability_weights(probability)).count(4.0) == 1


@pytest.mark.django_db
def test_evaluate_scoring_reports_the_weighted_auc_when_explored_outcomes_exist(workspace):
    leads = make_leads_with_outcomes(workspace, 240, seed=8)
    out = StringIO()
    call_command(
        "evaluate_scoring",
        "--workspace",
        workspace.slug,
        "--folds",
        "3",
        "--repeats",
        "1",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["auc_ipw"] is None  # nothing explored yet
    _explore(workspace, leads)
    out = StringIO()
    call_command(
        "evaluate_scoring",
        "--workspace",
        workspace.slug,
        "--folds",
        "3",
        "--repeats",
        "1",
        "--json",
        stdout=out,
    )
    ipw = json.loads(out.getvalue())["auc_ipw"]
    assert ipw["explored"] == 60 and ipw["n"] == 240
    assert ipw["estimate"] == "AUC over all leads, inverse-probability weighted, n=240 (60 explored)"

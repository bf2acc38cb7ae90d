"""The dashboard's alerts gather what every loop warns about, each linking to where it is fixed."""

import datetime as dt
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models.scoring import ModelDecision
from leads.services.scoring.retraining import retrain
from leads.services.scoring.scores import score_leads
from tests.analytics.dashboard_html import read_dashboard
from tests.content.factories import (
    DailyMetricFactory,
    MetricImportFactory,
    PostFactory,
    WinnerRunFactory,
    WinningCopyFactory,
)
from tests.feedback.factories import FeedbackReportFactory
from tests.leads.factories import (
    CrmLeadFactory,
    ExecutionFactory,
    LeadImportFactory,
    ScoringModelVersionFactory,
)
from tests.leads.training_data import make_leads_with_outcomes
from tests.matching.factories import WeightVersionFactory

pytestmark = pytest.mark.django_db


def _alerts(client, kind):
    found = [
        alert for alert in read_dashboard(client.get("/").content.decode()).alerts if alert["kind"] == kind
    ]
    assert found, f"no {kind} alert on the dashboard"
    return found


def test_failed_recipe_run_links_to_the_run(owner_client, workspace):
    run = ExecutionFactory(
        recipe__workspace=workspace,
        recipe__agent__workspace=workspace,
        status="failed",
        error="agent timed out",
    )
    (alert,) = _alerts(owner_client, "failed_recipe_run")
    assert "failed: agent timed out" in alert["text"]
    assert alert["href"] == reverse("leads:execution_detail", args=[run.pk])


def test_failed_lead_import_links_to_the_import(owner_client, workspace):
    item = LeadImportFactory(workspace=workspace, status="failed", failure="no header row")
    (alert,) = _alerts(owner_client, "failed_lead_import")
    assert "leads.csv failed: no header row" in alert["text"]
    assert alert["href"] == reverse("leads:import_detail", args=[item.pk])


def test_failed_metric_import_links_to_the_import(owner_client, workspace):
    item = MetricImportFactory(workspace=workspace, status="failed", error="missing column clicks")
    (alert,) = _alerts(owner_client, "failed_metric_import")
    assert "missing column clicks" in alert["text"]
    assert alert["href"] == reverse("content:import", args=[item.pk])


def test_failed_winner_job_links_to_the_run(owner_client, workspace):
    run = WinnerRunFactory(workspace=workspace, status="failed")
    (alert,) = _alerts(owner_client, "failed_winner_job")
    assert alert["href"] == reverse("content:run", args=[run.pk])


def test_failed_retraining_links_to_the_scoring_status(owner_client, workspace):
    ScoringModelVersionFactory(workspace=workspace, decision=ModelDecision.FAILED, reason="only one class")
    (alert,) = _alerts(owner_client, "failed_retraining")
    assert "failed: only one class" in alert["text"]
    assert alert["href"] == reverse("leads:scoring_status")


@pytest.mark.slow
def test_drift_past_psi_two_tenths_links_to_the_scoring_status(owner_client, workspace):
    make_leads_with_outcomes(workspace, 150)
    retrain(workspace)
    shifted = CrmLeadFactory.create_batch(
        40, workspace=workspace, website_visits=60, email_opens=90, days_since_contact=0, industry="Mining"
    )
    score_leads(workspace, shifted)
    (alert,) = _alerts(owner_client, "drift")
    assert "drifted past PSI 0.2" in alert["text"]
    assert "n=40 recent scores" in alert["text"]
    assert alert["href"] == reverse("leads:scoring_status")


def test_fading_winner_links_to_its_brand(owner_client, workspace):
    post = PostFactory(experiment__brand__workspace=workspace)
    WinningCopyFactory(post=post, ctr_low=0.05)
    for days_ago in range(5):
        DailyMetricFactory(
            workspace=workspace,
            post=post,
            date=dt.date.today() - dt.timedelta(days=days_ago),
            impressions=1000,
            clicks=20,
        )
    (alert,) = _alerts(owner_client, "fading_winner")
    assert "is fading: CTR 2.0%" in alert["text"]
    assert "n=5,000 impressions" in alert["text"]
    assert alert["href"] == reverse("content:brand", args=[post.brand.pk])


def test_matching_threshold_links_to_matching_analytics(owner_client, workspace):
    now = timezone.now()
    WeightVersionFactory(workspace=workspace, number=1, confidence=0.3, created_at=now - timedelta(days=9))
    WeightVersionFactory(workspace=workspace, number=2, confidence=0.4, created_at=now - timedelta(days=2))
    (alert,) = _alerts(owner_client, "matching_confidence")
    assert "Learning confidence has stayed below" in alert["text"]
    assert alert["href"] == reverse("matching:analytics")


def test_output_success_drop_links_to_the_report(owner_client, workspace):
    report = FeedbackReportFactory(workspace=workspace, success_rate=0.4, improvement_vs_previous=-25.0)
    report.data.update(previous_success_rate=0.65, previous_total_prompts=40, improvement_vs_previous=-25.0)
    report.save()
    (alert,) = _alerts(owner_client, "output_success_fell")
    assert "fell 25.0 points" in alert["text"]
    assert "65% (n=40) → 40% (n=10)" in alert["text"]
    assert alert["href"] == reverse("feedback:report_detail", args=[report.pk])


def test_quiet_workspace_with_data_says_there_are_no_alerts(owner_client, workspace):
    ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace)
    page = owner_client.get("/").content.decode()
    assert read_dashboard(page).alerts == []
    assert "No alerts:" in page


def test_api_lists_the_same_alerts_with_their_kind_and_link(api_client, workspace):
    item = LeadImportFactory(workspace=workspace, status="failed", failure="no header row")
    alerts = api_client.get("/api/v1/analytics/dashboard").json()["alerts"]
    assert [(a["kind"], a["url"]) for a in alerts] == [
        ("failed_lead_import", reverse("leads:import_detail", args=[item.pk]))
    ]

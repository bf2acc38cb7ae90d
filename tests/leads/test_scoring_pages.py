"""Scoring status and settings pages, rollback button, retrain-now."""

import pytest

from leads.models import ScoringSettings
from leads.services.scoring.retraining import retrain
from leads.services.scoring.scores import score_leads
from leads.tasks.scoring import retrain_workspace
from tests.leads.factories import CrmLeadFactory
from tests.leads.training_data import make_leads_with_outcomes

pytestmark = pytest.mark.django_db


def test_status_page_with_the_prior_explains_itself(owner_client, workspace):
    response = owner_client.get("/leads/scoring/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "prior-1" in html and "published rule" in html
    assert "0 / 50" in html
    assert "No retraining yet" in html


def test_status_page_after_training_shows_registry_calibration_and_drift(owner_client, workspace):
    leads = make_leads_with_outcomes(workspace, 150)
    retrain(workspace)
    score_leads(workspace, leads[:40])
    html = owner_client.get("/leads/scoring/").content.decode()
    assert "v1" in html and "champion" in html
    assert 'data-chart="reliability"' in html and 'data-chart="distribution"' in html
    assert "Population stability index" in html
    assert "Held-out AUC" in html
    assert "What v1 learns from" in html and "Website visits" in html


def test_drift_warning_appears_past_point_two(owner_client, workspace):
    make_leads_with_outcomes(workspace, 150)
    retrain(workspace)
    shifted = CrmLeadFactory.create_batch(
        40, workspace=workspace, website_visits=60, email_opens=90, days_since_contact=0, industry="Mining"
    )
    score_leads(workspace, shifted)
    html = owner_client.get("/leads/scoring/").content.decode()
    assert "Drift: the scores or inputs have moved past PSI 0.2" in html


def test_settings_page_shows_the_rule_in_words_and_saves(owner_client, workspace):
    html = owner_client.get("/leads/scoring/settings/").content.decode()
    assert "DeLong" in html and "95%" in html and "30 days" in html
    response = owner_client.post(
        "/leads/scoring/settings/",
        {
            "retrain_threshold": 20,
            "high_threshold": 0.8,
            "low_threshold": 0.2,
            "promotion_confidence": 0.9,
            "max_champion_age_days": 14,
            "excluded_columns_text": "stage, closed_reason\nstage",
        },
    )
    assert response.status_code == 302
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.retrain_threshold == 20 and row.excluded_columns == ["stage", "closed_reason"]
    assert "90%" in owner_client.get("/leads/scoring/settings/").content.decode()


def test_settings_refuse_low_above_high(owner_client, workspace):
    response = owner_client.post(
        "/leads/scoring/settings/",
        {
            "retrain_threshold": 20,
            "high_threshold": 0.3,
            "low_threshold": 0.6,
            "promotion_confidence": 0.9,
            "max_champion_age_days": 14,
        },
    )
    assert response.status_code == 400
    assert "must not be above" in response.content.decode()


def test_viewer_cannot_change_settings(viewer_client, workspace):
    assert viewer_client.post("/leads/scoring/settings/", {"retrain_threshold": 1}).status_code == 403


def test_rollback_button_makes_an_earlier_version_champion(owner_client, workspace):
    make_leads_with_outcomes(workspace, 150)
    v1 = retrain(workspace)
    make_leads_with_outcomes(workspace, 100, seed=9, start=500, minutes_ago=3)
    ScoringSettings.objects.filter(workspace=workspace).update(max_champion_age_days=0)
    v2 = retrain(workspace)
    assert ScoringSettings.objects.get(workspace=workspace).champion == v2
    response = owner_client.post(f"/leads/scoring/models/{v1.id}/champion/")
    assert response.status_code == 302
    assert ScoringSettings.objects.get(workspace=workspace).champion == v1


def test_retrain_now_queues_one_job(owner_client, workspace, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda *a, **k: sent.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/leads/scoring/retrain/")
        owner_client.post("/leads/scoring/retrain/")
    assert len(sent) == 1

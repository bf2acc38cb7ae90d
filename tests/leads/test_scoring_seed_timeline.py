"""The seed document's timeline, end to end through the API: score, outcome later, the 50th
outcome starts one retraining, the new model is judged against the champion, rollback."""

import json

import pytest

from leads.models import Lead, Outcome, ScoringModelVersion, ScoringSettings
from leads.services.scoring.champion import make_champion
from leads.tasks.scoring import retrain_workspace

pytestmark = pytest.mark.django_db

LEAD_5001 = {
    "lead_id": "LEAD-5001",
    "age": 42,
    "location": "San Francisco",
    "industry": "Technology",
    "email_opens": 25,
    "website_visits": 18,
    "content_downloads": 8,
    "days_since_contact": 2,
    "lead_source": "Webinar",
    "actual_outcome": None,
}


def _score(client, body):
    response = client.post("/api/v1/score", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_seed_timeline(api_client, workspace, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda *args, **kw: sent.append(args[0]))

    # Week 1, Monday: scored with no outcome.
    first = _score(api_client, LEAD_5001)
    assert first["model_version"] == "prior-1" and first["feedback_count"] == 0
    # Week 3, Friday: same lead_id, more engagement, it converted: one lead row, one outcome.
    later = _score(api_client, {**LEAD_5001, "email_opens": 32, "website_visits": 25, "actual_outcome": True})
    assert later["feedback_count"] == 1
    assert Lead.objects.filter(workspace=workspace, external_id="LEAD-5001").count() == 1
    assert Outcome.objects.filter(lead__external_id="LEAD-5001").count() == 1

    # 48 more outcomes: no retraining yet; the 50th (LEAD-5002, lost) queues exactly one.
    for i in range(48):
        won = i % 3 == 0
        _score(
            api_client,
            {
                "lead_id": f"LEAD-6{i:03d}",
                "website_visits": 20 if won else 2,
                "email_opens": 25 if won else 3,
                "days_since_contact": 3 if won else 40,
                "industry": "Technology" if won else "Retail",
                "actual_outcome": won,
            },
        )
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        answer = _score(
            api_client,
            {
                "lead_id": "LEAD-5002",
                "age": 35,
                "location": "Austin",
                "industry": "Healthcare",
                "email_opens": 10,
                "website_visits": 5,
                "content_downloads": 2,
                "days_since_contact": 45,
                "lead_source": "Cold Call",
                "actual_outcome": False,
            },
        )
    assert answer["feedback_count"] == 50  # the user got the score at once; training is queued
    assert sent == [(str(workspace.id), "threshold")]
    info = api_client.get("/api/v1/info").json()
    assert info["retraining_status"]["ready_for_retraining"] is True

    # The worker's retraining: the learned model is judged against the prior on the newest outcomes.
    retrain_workspace.run(str(workspace.id))
    v1 = ScoringModelVersion.objects.get(workspace=workspace, version=1)
    assert v1.decision == "promoted", v1.reason
    assert "replaces the no-outcome prior" in v1.reason or "better" in v1.reason
    settings_row = ScoringSettings.objects.get(workspace=workspace)
    assert settings_row.outcomes_since_training == 0 and not settings_row.retrain_pending
    scored = _score(api_client, LEAD_5001)
    assert scored["model_version"] == "v1" and scored["is_prior"] is False
    make_champion(workspace, v1)  # making the champion champion again changes no score
    assert _score(api_client, LEAD_5001)["conversion_score"] == pytest.approx(scored["conversion_score"])

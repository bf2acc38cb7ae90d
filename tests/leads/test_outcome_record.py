"""Outcomes from every channel count once; the threshold queues exactly one retraining."""

import json

import pytest
from celery.exceptions import Retry
from django.db import connection

from leads.models import Outcome, ScoringSettings
from leads.services.outcomes import record_outcome
from leads.tasks.scoring import retrain_workspace
from tests.leads.factories import CrmLeadFactory
from tests.leads.training_data import make_leads_with_outcomes
from workspaces.locks import acquire_lease, release_lease

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Retraining tasks actually sent to the broker (after commit)."""
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda *a, **k: sent.append((a, k)))
    return sent


def test_put_feedback_records_the_outcome_in_the_seed_shape(api_client, workspace):
    lead = CrmLeadFactory(workspace=workspace, external_id="LEAD-12345")
    response = api_client.put("/api/v1/feedback/LEAD-12345?outcome=true")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "message": "Feedback recorded",
        "lead_id": "LEAD-12345",
        "outcome": True,
        "changed": True,
        "total_feedback": 1,
    }
    assert Outcome.objects.get(lead=lead).won is True
    assert api_client.put("/api/v1/feedback/LEAD-12345?outcome=false").json()["outcome"] is False
    assert Outcome.objects.filter(lead=lead).count() == 1


def test_put_feedback_finds_a_lead_by_its_own_id_too(api_client, workspace):
    lead = CrmLeadFactory(workspace=workspace, external_id=None)
    response = api_client.put(f"/api/v1/feedback/{lead.id}?outcome=false")
    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True and Outcome.objects.get(lead=lead).won is False


def test_the_same_outcome_put_again_is_answered_as_already_recorded(api_client, workspace):
    CrmLeadFactory(workspace=workspace, external_id="LEAD-7")
    api_client.put("/api/v1/feedback/LEAD-7?outcome=true")
    body = api_client.put("/api/v1/feedback/LEAD-7?outcome=true").json()
    assert body["message"] == "Feedback already recorded" and body["changed"] is False
    assert body["total_feedback"] == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_feedback_for_unknown_lead_is_404_and_bad_outcome_is_422(api_client, workspace):
    assert api_client.put("/api/v1/feedback/NOPE?outcome=true").status_code == 404
    CrmLeadFactory(workspace=workspace, external_id="L1")
    assert api_client.put("/api/v1/feedback/L1?outcome=maybe").status_code == 422
    assert api_client.put("/api/v1/feedback/L1").status_code == 422


def test_another_workspaces_lead_is_not_found(outsider_api_client, workspace):
    CrmLeadFactory(workspace=workspace, external_id="LEAD-1")
    assert outsider_api_client.put("/api/v1/feedback/LEAD-1?outcome=true").status_code == 404


def test_crm_webhook_sent_twice_counts_once(api_client, workspace, django_capture_on_commit_callbacks):
    CrmLeadFactory(workspace=workspace, external_id="CRM-9")
    event = {"lead_id": "CRM-9", "outcome": "won", "event_id": "evt_1", "reason": "signed", "deal_value": 5}
    for _ in range(2):
        response = api_client.post(
            "/api/v1/webhooks/crm/outcome", data=json.dumps(event), content_type="application/json"
        )
        assert response.status_code == 200
    assert response.json()["changed"] is False and response.json()["total_feedback"] == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1
    outcome = Outcome.objects.get(lead__external_id="CRM-9")
    assert outcome.won and outcome.reason == "signed" and outcome.source == "webhook"


def test_crm_webhook_refuses_an_unknown_outcome_word(api_client, workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-9")
    response = api_client.post(
        "/api/v1/webhooks/crm/outcome",
        data=json.dumps({"lead_id": "CRM-9", "outcome": "meh"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "outcome" in response.json()["errors"]
    assert not Outcome.objects.exists()


def test_fiftieth_outcome_queues_exactly_one_retraining(
    api_client, workspace, queued, django_capture_on_commit_callbacks
):
    leads = CrmLeadFactory.create_batch(51, workspace=workspace)
    with django_capture_on_commit_callbacks(execute=True):
        for lead in leads[:49]:
            record_outcome(workspace, lead, lead.email_opens % 2 == 0, source="api")
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.put(f"/api/v1/feedback/{leads[49].external_id}?outcome=true")
    assert response.status_code == 200
    assert len(queued) == 1
    assert queued[0][0][0] == (str(workspace.id), "threshold")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.put(f"/api/v1/feedback/{leads[50].external_id}?outcome=false")
    assert len(queued) == 1
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.outcomes_since_training == 51 and row.retrain_pending


def test_same_outcome_again_does_not_count(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    record_outcome(workspace, lead, True, source="page")
    _, changed = record_outcome(workspace, lead, True, source="api")
    assert not changed
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_retrain_task_trains_and_clears_the_pending_flag(workspace, queued):
    make_leads_with_outcomes(workspace, 120)
    ScoringSettings.objects.update_or_create(
        workspace=workspace, defaults={"retrain_pending": True, "outcomes_since_training": 120}
    )
    result = retrain_workspace.run(str(workspace.id))
    assert result.startswith("v1")
    row = ScoringSettings.objects.get(workspace=workspace)
    assert not row.retrain_pending and row.outcomes_since_training == 0 and row.champion.version == 1


def test_retrain_task_while_another_retraining_holds_the_lock_tries_again_later(workspace):
    holder = acquire_lease(f"retrain:{workspace.id}", 60)
    try:
        with pytest.raises(Retry):
            retrain_workspace.run(str(workspace.id))
    finally:
        release_lease(f"retrain:{workspace.id}", holder)


def test_total_feedback_counts_the_workspaces_outcomes_through_new_repeated_and_changed_puts(
    api_client, workspace, other_workspace
):
    for key in ("A", "B", "C"):
        CrmLeadFactory(workspace=workspace, external_id=key)
    CrmLeadFactory(workspace=other_workspace, external_id="A")  # another workspace's: not counted
    totals = [
        api_client.put(f"/api/v1/feedback/{key}?outcome={value}").json()["total_feedback"]
        for key, value in (("A", "true"), ("B", "false"), ("A", "true"), ("A", "false"), ("C", "true"))
    ]
    assert totals == [1, 2, 2, 2, 3]
    assert Outcome.objects.for_workspace(workspace).count() == 3


@pytest.mark.django_db(transaction=True)  # as in production: the request's statements commit alone
def test_a_new_outcome_over_the_api_takes_four_statements_on_postgresql(
    api_client, workspace, django_assert_max_num_queries
):
    CrmLeadFactory(workspace=workspace, external_id="LEAD-Q")
    api_client.put("/api/v1/feedback/LEAD-Q?outcome=true")  # the token's last use is written once
    CrmLeadFactory(workspace=workspace, external_id="LEAD-R")
    # PostgreSQL: the token, the lead, the outcome with its retraining counter (one statement), and
    # the count after it (counted once the outcome is committed, so the last of simultaneous
    # requests reports them all). SQLite writes the outcome and the counter in a transaction.
    with django_assert_max_num_queries(4 if connection.vendor == "postgresql" else 7):
        body = api_client.put("/api/v1/feedback/LEAD-R?outcome=false").json()
    assert body["total_feedback"] == 2 and body["changed"] is True

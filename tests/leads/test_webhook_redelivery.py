"""A CRM redelivering any earlier event changes nothing: every event id a workspace received is
remembered (for the retention period), not only the last one."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from leads.models import Outcome, ScoringSettings, WebhookEvent
from leads.services.outcomes import find_lead, record_webhook_event
from leads.tasks.webhooks import delete_old_webhook_events
from tests.concurrency import run_together
from tests.leads.factories import CrmLeadFactory

URL = "/api/v1/webhooks/crm/outcome"


def _deliver(client, event_id, outcome, lead_id="CRM-1", **extra):
    body = {"lead_id": lead_id, "outcome": outcome, "event_id": event_id}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


@pytest.mark.django_db
def test_an_older_event_redelivered_does_not_flip_the_outcome_back(api_client, workspace):
    lead = CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    assert _deliver(api_client, "evt-1", "won").json()["status"] == "recorded"
    assert _deliver(api_client, "evt-2", "lost").json()["status"] == "recorded"
    response = _deliver(api_client, "evt-1", "won")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "duplicate" and body["changed"] is False
    assert body["detail"].startswith("Event evt-1 was already received on ")
    assert body["outcome"] is False
    assert Outcome.objects.get(lead=lead).won is False
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 2


@pytest.mark.django_db
def test_a_redelivery_by_idempotency_key_header_is_a_duplicate_too(api_client, workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    body = {"lead_id": "CRM-1", "outcome": "won"}
    for expected in ("recorded", "duplicate"):
        response = api_client.post(
            URL, data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="del-7"
        )
        assert response.json()["status"] == expected


@pytest.mark.django_db
def test_a_new_event_with_the_same_outcome_is_answered_unchanged_not_duplicate(api_client, workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    _deliver(api_client, "evt-1", "won")
    body = _deliver(api_client, "evt-2", "won").json()
    assert (body["status"], body["changed"]) == ("unchanged", False)


@pytest.mark.django_db
def test_event_ids_are_remembered_per_workspace(api_client, outsider_api_client, workspace, other_workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    CrmLeadFactory(workspace=other_workspace, external_id="CRM-1")
    assert _deliver(api_client, "evt-1", "won").json()["status"] == "recorded"
    assert _deliver(outsider_api_client, "evt-1", "won").json()["status"] == "recorded"


@pytest.mark.django_db
def test_an_event_for_an_unknown_lead_is_not_remembered(api_client, workspace):
    assert _deliver(api_client, "evt-1", "won").status_code == 404
    CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    assert _deliver(api_client, "evt-1", "won").json()["status"] == "recorded"


@pytest.mark.django_db
def test_an_event_whose_outcome_could_not_be_written_is_not_remembered(api_client, workspace):
    lead = CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    with mock.patch("leads.services.outcomes.record_outcome", side_effect=OperationalError("gone")):
        with pytest.raises(OperationalError):
            record_webhook_event(workspace, lead, True, event_id="evt-1")
    assert not WebhookEvent.objects.filter(event_id="evt-1").exists()
    assert _deliver(api_client, "evt-1", "won").json()["status"] == "recorded"


@pytest.mark.django_db
def test_event_ids_older_than_the_retention_are_deleted_and_recent_ones_kept(workspace, settings):
    settings.LEADS_WEBHOOK_EVENT_RETENTION_DAYS = 90
    now = timezone.now()
    WebhookEvent.objects.create(workspace=workspace, event_id="old", received_at=now - timedelta(days=91))
    WebhookEvent.objects.create(workspace=workspace, event_id="recent", received_at=now - timedelta(days=89))
    assert delete_old_webhook_events.run() == 1
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_a_retention_set_below_thirty_days_still_keeps_thirty(workspace, settings):
    settings.LEADS_WEBHOOK_EVENT_RETENTION_DAYS = 3
    now = timezone.now()
    WebhookEvent.objects.create(workspace=workspace, event_id="old", received_at=now - timedelta(days=31))
    WebhookEvent.objects.create(workspace=workspace, event_id="recent", received_at=now - timedelta(days=20))
    assert delete_old_webhook_events.run() == 1
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == ["recent"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_deliveries_of_one_event_store_it_once(workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    # Each delivery looks its lead up before any of them writes, as twenty web workers would.
    leads = [find_lead(workspace, "CRM-1") for _ in range(20)]
    # Half say won, half lost: whichever delivery stores the event decides, the rest are no-ops.
    results = run_together(
        [
            lambda lead=lead, won=(i % 2 == 0): record_webhook_event(workspace, lead, won, event_id="evt-1")
            for i, lead in enumerate(leads)
        ]
    )
    assert sum(result.duplicate_of is None for result in results) == 1
    assert WebhookEvent.objects.filter(workspace=workspace, event_id="evt-1").count() == 1
    first = next(result for result in results if result.duplicate_of is None)
    assert Outcome.objects.get(lead__external_id="CRM-1").won is first.outcome.won
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1

"""Simultaneous outcomes on PostgreSQL: one outcome per lead, a correct counter, one retraining."""

import pytest

from leads.models import Outcome, ScoringSettings
from leads.services.outcomes import find_lead, record_outcome
from leads.tasks.scoring import retrain_workspace
from tests.concurrency import run_together
from tests.leads.factories import CrmLeadFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_outcomes_for_one_lead_leave_one_outcome_and_count_once(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    run_together([lambda: record_outcome(workspace, lead, True, source="api")] * 20)
    assert Outcome.objects.filter(lead=lead).count() == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_twenty_simultaneous_webhook_deliveries_with_one_key_count_once(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    run_together(
        [lambda: record_outcome(workspace, lead, False, source="webhook", idempotency_key="evt-1")] * 20
    )
    assert Outcome.objects.filter(lead=lead).count() == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_two_threshold_crossings_at_once_start_one_retraining(workspace, monkeypatch):
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda *a, **k: sent.append(a))
    ScoringSettings.objects.create(workspace=workspace, retrain_threshold=3)
    leads = CrmLeadFactory.create_batch(6, workspace=workspace)
    record_outcome(workspace, leads[0], True, source="api")
    record_outcome(workspace, leads[1], False, source="api")
    run_together(
        [lambda lead=lead: record_outcome(workspace, lead, True, source="api") for lead in leads[2:]]
    )
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 6
    assert len(sent) == 1


def _record_by_id(workspace, lead_id, won):
    """What the API does: find the lead by the CRM's id (with its outcome), then record."""
    return record_outcome(workspace, find_lead(workspace, lead_id), won, source="api")


def test_twenty_simultaneous_first_outcomes_by_crm_id_leave_one_outcome_and_count_once(workspace):
    lead = CrmLeadFactory(workspace=workspace, external_id="CRM-20")
    results = run_together([lambda: _record_by_id(workspace, "CRM-20", True)] * 20)
    assert Outcome.objects.filter(lead=lead).count() == 1
    assert sum(changed for _, changed in results) == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_simultaneous_won_and_lost_for_one_lead_count_each_change(workspace):
    CrmLeadFactory(workspace=workspace, external_id="CRM-WL")
    results = run_together(
        [lambda won=won: _record_by_id(workspace, "CRM-WL", won) for won in (True, False) * 5]
    )
    changes = sum(changed for _, changed in results)
    assert Outcome.objects.filter(lead__external_id="CRM-WL").count() == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == changes >= 1


def test_threshold_crossed_by_simultaneous_first_outcomes_by_crm_id_starts_one_retraining(
    workspace, monkeypatch
):
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda *a, **k: sent.append(a))
    ScoringSettings.objects.create(workspace=workspace, retrain_threshold=3)
    leads = CrmLeadFactory.create_batch(8, workspace=workspace)
    run_together([lambda lead=lead: _record_by_id(workspace, lead.external_id, True) for lead in leads])
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.outcomes_since_training == 8 and row.retrain_pending
    assert Outcome.objects.filter(workspace=workspace).count() == 8
    assert len(sent) == 1

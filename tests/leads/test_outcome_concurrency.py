"""Simultaneous outcomes on PostgreSQL: one outcome per lead, a correct counter, one retraining."""

import threading

import pytest
from django.db import connection

from leads.models import Outcome, ScoringSettings
from leads.services.outcomes import record_outcome
from leads.tasks.scoring import retrain_workspace
from tests.leads.factories_loop2 import CrmLeadFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _run_together(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_twenty_simultaneous_outcomes_for_one_lead_leave_one_outcome_and_count_once(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    _run_together([lambda: record_outcome(workspace, lead, True, source="api")] * 20)
    assert Outcome.objects.filter(lead=lead).count() == 1
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_twenty_simultaneous_webhook_deliveries_with_one_key_count_once(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    _run_together(
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
    _run_together(
        [lambda lead=lead: record_outcome(workspace, lead, True, source="api") for lead in leads[2:]]
    )
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 6
    assert len(sent) == 1

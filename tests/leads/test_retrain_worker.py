"""The outcome that crosses the threshold returns at once; a real worker retrains on queue `ml`."""

import pytest

from leads.models import ScoringModelVersion, ScoringSettings
from tests.leads.factories import CrmLeadFactory
from tests.leads.training_data import make_leads_with_outcomes


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_threshold_outcome_returns_at_once_and_the_worker_promotes_a_model(
    live_worker, workspace, api_client
):
    make_leads_with_outcomes(workspace, 120)
    ScoringSettings.objects.create(workspace=workspace, retrain_threshold=1)
    lead = CrmLeadFactory(workspace=workspace, external_id="LAST")
    response = api_client.put("/api/v1/feedback/LAST?outcome=true")
    assert response.status_code == 200
    assert not ScoringModelVersion.objects.filter(workspace=workspace).exists()
    version = live_worker.wait_for(
        lambda: ScoringModelVersion.objects.filter(workspace=workspace).first(),
        timeout=120,
        message="the retraining to finish",
    )
    assert version.decision == "promoted", version.reason
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.champion_id == version.id and not row.retrain_pending and row.outcomes_since_training == 0
    body = api_client.post(
        "/api/v1/score", data={"lead_id": lead.external_id}, content_type="application/json"
    ).json()
    assert body["model_version"] == "v1" and body["is_prior"] is False

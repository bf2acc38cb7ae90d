"""Retraining: a challenger against the champion on the newest outcomes, the registry, rollback."""

import numpy as np
import pytest

from leads.models import LeadScore, Outcome, ScoringModelVersion, ScoringSettings
from leads.services.scoring import champion
from leads.services.scoring.champion import make_champion, serving_model
from leads.services.scoring.retraining import retrain
from leads.services.scoring.scores import score_leads
from tests.leads.training_data import make_leads_with_outcomes
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_first_model_replaces_the_prior_and_is_registered_with_its_metrics(workspace):
    make_leads_with_outcomes(workspace, 200)
    version = retrain(workspace)
    assert version.decision == "promoted", version.reason
    assert "replaces the no-outcome prior" in version.reason or "better" in version.reason
    assert version.training_rows == 200 and version.positives == Outcome.objects.filter(won=True).count()
    assert version.data_hash and version.artifact_name and version.features["numeric"]
    assert "website_visits" in version.features["numeric"]
    assert version.metrics["held_out"]["n"] == 40
    assert version.metrics["auc"]["low"] < version.metrics["auc"]["value"] < version.metrics["auc"]["high"]
    settings_row = ScoringSettings.objects.get(workspace=workspace)
    assert settings_row.champion == version and settings_row.outcomes_since_training == 0
    assert serving_model(workspace)[2] == "v1"
    assert AuditEvent.objects.filter(workspace=workspace, action="scoring.model_promoted").exists()


def test_worse_challenger_is_not_promoted_and_the_reason_is_stored(workspace):
    leads = make_leads_with_outcomes(workspace, 300, seed=1)
    champion = retrain(workspace)
    assert champion.decision == "promoted"
    # Outcomes learned since then are noise for all but the newest: the challenger learns nothing.
    rng = np.random.default_rng(7)
    outcomes = list(Outcome.objects.filter(lead__in=leads[:240]))
    for outcome in outcomes:
        outcome.won = bool(rng.uniform() < 0.4)
    Outcome.objects.bulk_update(outcomes, ["won"])
    challenger = retrain(workspace)
    assert challenger.decision == "kept"
    assert challenger.reason.startswith("Kept the champion")
    assert "AUC" in challenger.reason
    assert ScoringSettings.objects.get(workspace=workspace).champion == champion
    assert serving_model(workspace)[2] == "v1"


def test_rollback_restores_the_earlier_versions_scores(workspace, owner):
    leads = make_leads_with_outcomes(workspace, 150, seed=2)
    v1 = retrain(workspace)
    probe = leads[0]
    first = score_leads(workspace, [probe])[0]
    make_leads_with_outcomes(workspace, 150, seed=3, start=1000, minutes_ago=5)
    ScoringSettings.objects.filter(workspace=workspace).update(max_champion_age_days=0)
    v2 = retrain(workspace)
    assert v2.decision == "promoted", v2.reason
    second = score_leads(workspace, [probe])[0]
    assert second.model_version == "v2" and second.probability != first.probability
    make_champion(workspace, v1, user=owner)
    third = score_leads(workspace, [probe])[0]
    assert third.model_version == "v1"
    assert third.probability == pytest.approx(first.probability, abs=1e-12)
    assert LeadScore.objects.filter(lead=probe).count() == 3
    assert AuditEvent.objects.filter(action="scoring.model_rolled_back", actor=owner).exists()


def test_corrupt_champion_artifact_is_detected_and_the_previous_version_serves(workspace, settings):
    make_leads_with_outcomes(workspace, 150, seed=4)
    v1 = retrain(workspace)
    make_leads_with_outcomes(workspace, 100, seed=5, start=1000, minutes_ago=5)
    ScoringSettings.objects.filter(workspace=workspace).update(max_champion_age_days=0)
    v2 = retrain(workspace)
    assert v2.decision == "promoted"
    path = settings.MODEL_ARTIFACTS_DIR / v2.artifact_name
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    champion._model_cache.clear()
    model, version, label = serving_model(workspace)
    assert label == "v1" and version == v1


def test_too_few_outcomes_records_a_failed_training_with_the_reason(workspace):
    make_leads_with_outcomes(workspace, 3, seed=6)
    version = retrain(workspace)
    assert version.decision == "failed"
    assert "need at least" in version.reason
    assert serving_model(workspace)[2] == "prior-1"
    assert ScoringModelVersion.objects.filter(workspace=workspace).count() == 1

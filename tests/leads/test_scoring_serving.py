"""Scoring one lead fast: the row scorer gives the model's own numbers and factors, and the factors
say what the model does."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leads.models import Lead, LeadScore
from leads.scoring.explanations import explain
from leads.scoring.features import prepare_frame
from leads.scoring.prior import PriorModel
from leads.scoring.serving import compile_scorer
from leads.scoring.training import ScoringModel, _boosted_trees_pipeline, train_scoring_model
from leads.services.scoring.champion import serving_model
from leads.services.scoring.records import lead_frame
from leads.services.scoring.retraining import retrain
from tests.leads.training_data import make_leads_with_outcomes

TELCO = Path(__file__).resolve().parent.parent / "data" / "telco_churn.csv"
MESSY = [None, "", " ", " 7 ", "12", "n/a", 3, 4.5, True, float("inf"), "Month-to-month ", "never seen"]


@pytest.fixture(scope="module")
def telco():
    frame = pd.read_csv(TELCO, dtype=str, keep_default_na=False).head(1200)
    y = (frame.pop("churn") == "Yes").astype(int).to_numpy()
    records = frame.replace({"": None}).to_dict("records")
    rng = np.random.default_rng(0)
    for record in records[:150]:  # the values a CRM sends: blanks, numbers as text or not, typos
        for column in ("tenure", "contract", "monthly_charges", "payment_method"):
            record[column] = MESSY[rng.integers(len(MESSY))]
    return pd.DataFrame(records).replace({"": np.nan}), y, records


@pytest.fixture(scope="module")
def models(telco):
    frame, y, _ = telco
    linear = train_scoring_model(frame, y)  # small data: a logistic regression wins
    x = prepare_frame(frame, linear.spec)
    trees = ScoringModel(
        spec=linear.spec,
        pipeline=_boosted_trees_pipeline(linear.spec, len(y), 0).fit(x, y),
        calibrator=linear.calibrator,
        name="gradient-boosted trees",
        selection={},
        n_train=len(y),
        positives=int(y.sum()),
        reference=linear.reference,
        reference_frame=linear.reference_frame,
    )
    return {"linear": linear, "trees": trees, "prior": PriorModel()}


def reference_score(model, record):
    """The straightforward computation: a one-row frame, prepare_frame, predict_proba, explain."""
    frame = pd.DataFrame([record]).replace({"": np.nan})
    return model.predict_proba(frame)[0], explain(model, frame)[0]


@pytest.mark.parametrize("kind", ["linear", "trees", "prior"])
def test_row_scorer_gives_the_models_own_scores_and_factors(models, telco, kind):
    model = models[kind]
    scorer = compile_scorer(model)
    assert scorer is not None
    _, _, records = telco
    for record in records[:150:3] + records[600:640]:
        expected_p, expected_factors = reference_score(model, record)
        (p,), (factors,) = scorer.score([record])
        assert p == expected_p
        assert factors == expected_factors


def test_row_scorer_scores_a_batch_as_each_lead_alone(models, telco):
    _, _, records = telco
    scorer = compile_scorer(models["trees"])
    batch = scorer.predict(records[150:450])
    alone = np.array([reference_score(models["trees"], r)[0] for r in records[150:450]])
    np.testing.assert_array_equal(batch, alone)


def test_changing_the_top_positive_factor_to_its_typical_value_lowers_the_score(models, telco):
    model = models["trees"]
    scorer = compile_scorer(model)
    _, _, records = telco
    checked = 0
    for record in records[300:400]:
        (p,), (factors,) = scorer.score([record])
        if not factors["positive"]:
            continue
        top = factors["positive"][0]
        moved = {**record, top["feature"]: model.reference[top["feature"]]}
        (p_moved,) = model.predict_proba(pd.DataFrame([moved]).replace({"": np.nan}))
        assert p_moved < p
        assert p - p_moved == pytest.approx(top["effect"], abs=1e-4)
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_api_score_is_the_champions_score_of_the_stored_lead(api_client, workspace):
    make_leads_with_outcomes(workspace, 200, seed=11)
    assert retrain(workspace).decision == "promoted"
    body = {
        "lead_id": "NEW-1",
        "industry": "Technology",
        "website_visits": 11,
        "email_opens": 20,
        "days_since_contact": 3,
        "attributes": {"region": "north"},
    }
    response = api_client.post("/api/v1/score", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    model, version, label = serving_model(workspace)
    lead = Lead.objects.get(workspace=workspace, external_id="NEW-1")
    frame = lead_frame([lead])
    assert answer["model_version"] == label == "v1"
    assert answer["conversion_score"] == round(float(model.predict_proba(frame)[0]), 6)
    assert answer["top_positive_factors"] == explain(model, frame)[0]["positive"]
    # Many visits, recently contacted: what the outcomes were made of pushes this lead up.
    assert answer["top_positive_factors"][0]["feature"] in {"website_visits", "days_since_contact"}
    stored = LeadScore.objects.get(lead=lead)
    assert stored.model == version and stored.factors["negative"] == answer["top_negative_factors"]

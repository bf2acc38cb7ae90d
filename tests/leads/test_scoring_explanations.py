"""Per-lead factors: what pushed a lead's score up or down."""

import numpy as np
import pandas as pd

from leads.scoring.display import display_score, risk_category
from leads.scoring.explanations import explain
from leads.scoring.prior import PriorModel, describe_prior
from leads.scoring.training import train_scoring_model


def test_prior_scores_engaged_recent_leads_higher_and_says_why():
    prior = PriorModel()
    leads = pd.DataFrame(
        [
            {"email_opens": 25, "website_visits": 18, "content_downloads": 8, "days_since_contact": 2},
            {"email_opens": 0, "website_visits": 0, "content_downloads": 0, "days_since_contact": 90},
        ]
    )
    hot, cold = prior.predict_proba(leads)
    assert hot > 0.5 > 0.2 > cold
    factors = explain(prior, leads)
    assert factors[0]["positive"][0]["feature"] == "content_downloads"
    assert {f["feature"] for f in factors[1]["negative"]} >= {"days_since_contact"}
    assert factors[1]["positive"] == []


def test_prior_with_no_data_gives_the_base_rate():
    p = PriorModel().predict_proba(pd.DataFrame([{"industry": "Tech"}]))
    assert abs(p[0] - 0.2) < 1e-9
    assert "20%" in describe_prior()


def test_learned_model_names_the_driving_feature():
    rng = np.random.default_rng(0)
    n = 500
    visits = rng.poisson(4, n).astype(float)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(visits - 4)))).astype(int)
    frame = pd.DataFrame({"website_visits": visits, "region": rng.choice(["N", "S"], n)})
    model = train_scoring_model(frame, y)
    lead = pd.DataFrame([{"website_visits": 12.0, "region": "N"}])
    factors = explain(model, lead)[0]
    assert factors["positive"][0]["feature"] == "website_visits"
    assert factors["positive"][0]["value"] == 12
    assert factors["positive"][0]["effect"] > 0.1


def test_display_score_and_risk_category():
    assert display_score(0.0) == 1 and display_score(1.0) == 99 and display_score(0.873) == 87
    assert display_score(float("nan")) == 50
    assert risk_category(0.8) == "high" and risk_category(0.5) == "medium" and risk_category(0.1) == "low"
    assert risk_category(0.5, high=0.4, low=0.2) == "high"

"""The training procedure: candidates, selection, calibration, robustness to messy input."""

import numpy as np
import pandas as pd
import pytest

from leads.scoring.features import infer_feature_spec
from leads.scoring.training import TrainingError, train_scoring_model


def synthetic_leads(n=600, seed=0):
    rng = np.random.default_rng(seed)
    visits = rng.poisson(4, n)
    source = rng.choice(["Webinar", "Referral", "Cold Call"], n)
    noise = rng.normal(0, 1, n)
    logit = -2 + 0.45 * visits + np.where(source == "Referral", 1.0, 0.0) + noise * 0.3
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(n)],
            "website_visits": visits.astype(float),
            "lead_source": source,
            "noise": noise,
        }
    )
    frame.loc[::25, "website_visits"] = np.nan
    return frame, y


def test_training_below_a_thousand_outcomes_uses_sigmoid_calibration():
    frame, y = synthetic_leads()
    model = train_scoring_model(frame, y)
    assert model.calibrator.method == "sigmoid"
    assert model.n_train == 600 and model.positives == int(y.sum())
    assert set(model.selection) >= {"logistic regression (C=1)", "gradient-boosted trees"}
    assert "lead_id" in model.spec.excluded


def test_scores_are_probabilities_that_rank_converters_higher():
    frame, y = synthetic_leads(800)
    model = train_scoring_model(frame.iloc[:600], y[:600])
    p = model.predict_proba(frame.iloc[600:])
    assert np.all((p >= 0) & (p <= 1))
    assert p[y[600:] == 1].mean() > p[y[600:] == 0].mean() + 0.1
    # Calibrated: mean score close to the observed rate.
    assert abs(p.mean() - y[600:].mean()) < 0.08


def test_scoring_accepts_unseen_categories_missing_columns_and_extra_columns():
    frame, y = synthetic_leads()
    model = train_scoring_model(frame, y)
    lead = pd.DataFrame([{"lead_source": "Carrier pigeon", "unexpected": "x"}])
    p = model.predict_proba(lead)
    assert p.shape == (1,) and 0 < p[0] < 1


def test_training_with_one_class_only_is_refused_with_a_reason():
    frame, _ = synthetic_leads(50)
    with pytest.raises(TrainingError, match="won"):
        train_scoring_model(frame, np.zeros(50, dtype=int))


def test_training_with_no_usable_columns_is_refused():
    frame = pd.DataFrame({"lead_id": [f"L{i}" for i in range(40)]})
    with pytest.raises(TrainingError, match="no usable columns"):
        train_scoring_model(frame, np.arange(40) % 2)


def test_tiny_training_set_still_trains():
    frame, y = synthetic_leads(30, seed=3)
    model = train_scoring_model(frame, y)
    assert model.predict_proba(frame).shape == (30,)


@pytest.mark.slow
def test_training_on_a_hundred_thousand_rows_takes_under_a_minute():

    rng = np.random.default_rng(5)
    n = 100_000
    frame = pd.DataFrame(
        {
            "visits": rng.poisson(4, n).astype(float),
            "days": rng.integers(0, 90, n),
            "spend": np.round(rng.lognormal(3, 1, n), 2),
            "source": rng.choice(["Webinar", "Referral", "Cold Call", "Organic", "Ads"], n),
            "region": rng.choice([f"r{i}" for i in range(40)], n),
        }
    )
    logit = -1.5 + 0.3 * (frame["visits"] - 4) - 0.02 * frame["days"] + (frame["source"] == "Referral") * 1.0
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = train_scoring_model(frame, y)
    assert model.calibrator.method == "isotonic"
    assert max(model.selection.values()) > 0.7


def test_rare_outcomes_in_a_large_table_do_not_break_leak_checks():
    rng = np.random.default_rng(1)
    n = 12_000
    frame = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b"], n)})
    y = np.zeros(n, dtype=int)
    y[:25] = 1

    spec = infer_feature_spec(frame, y)
    assert spec.numeric == ["x"] and spec.categorical == ["c"]

"""Calibration costs no ranking: isotonic steps would tie leads the model ranks apart (and lower
the AUC); the calibrated score keeps the raw order within a step, so its AUC is the raw one."""

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from leads.scoring.evaluation import evaluate_procedure
from leads.scoring.training import Calibrator, train_scoring_model


def _draw(rng, n):
    """A raw score that ranks finely (the conversion probability is the score itself)."""
    raw = rng.random(n)
    return raw, (rng.random(n) < raw).astype(int)


def test_plain_isotonic_steps_cost_auc_on_new_leads_and_the_calibrator_does_not():
    rng = np.random.default_rng(1)
    raw, y = _draw(rng, 1000)  # what the calibration is fitted on
    new_raw, new_y = _draw(rng, 20000)  # the leads it then scores
    steps = IsotonicRegression(out_of_bounds="clip").fit(raw, y).predict(new_raw)
    raw_auc = roc_auc_score(new_y, new_raw)
    assert len(np.unique(steps)) < len(new_raw) / 20  # many leads share a step
    assert roc_auc_score(new_y, steps) < raw_auc - 0.002  # the ties cost AUC
    calibrator = Calibrator.fit(raw, y)
    assert calibrator.method == "isotonic"
    calibrated = calibrator.transform(new_raw)
    assert len(np.unique(calibrated)) == len(np.unique(new_raw))  # no ties
    assert roc_auc_score(new_y, calibrated) == raw_auc
    assert np.max(np.abs(calibrated - steps)) < 0.002  # the probability barely moves
    assert calibrator.check["auc_calibrated"] == calibrator.check["auc_raw"]


def test_a_reversed_sigmoid_is_not_used_to_calibrate():
    rng = np.random.default_rng(1)
    raw = rng.random(300)
    y = (rng.random(300) < 0.8 - 0.6 * raw).astype(int)  # the raw score ranks backwards
    calibrator = Calibrator.fit(raw, y)
    assert calibrator.method == "isotonic"  # a sigmoid with a negative slope would reverse the list
    assert roc_auc_score(y, calibrator.transform(raw)) == roc_auc_score(y, raw)


def test_cross_validation_reports_calibrated_and_uncalibrated_auc_and_keeps_the_better():
    rng = np.random.default_rng(2)
    raw, y = _draw(rng, 2600)
    frame = pd.DataFrame({"signal": raw, "noise": rng.random(len(y))})
    result = evaluate_procedure(frame, y, folds=2)
    calibration = result["calibration"]
    assert result["model"].endswith("isotonic calibration")
    assert calibration["auc_isotonic_steps_without_tiebreak"] < calibration["auc_uncalibrated"]
    assert result["auc"] >= result["auc_uncalibrated"] - 1e-9
    assert result["auc"] == calibration["auc_calibrated"]


def test_weighted_training_keeps_the_ranking_too():
    rng = np.random.default_rng(3)
    raw, y = _draw(rng, 1500)
    frame = pd.DataFrame({"signal": raw})
    weights = np.where(rng.random(len(y)) < 0.2, 8.0, 1.0)
    model = train_scoring_model(frame, y, sample_weight=weights)
    assert model.sample_weighted
    scores = model.predict_proba(frame)
    raw_scores = model.raw_proba(frame)
    assert roc_auc_score(y, scores, sample_weight=weights) == roc_auc_score(
        y, raw_scores, sample_weight=weights
    )

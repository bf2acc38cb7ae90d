"""Cross-validated quality of the learned weights, including the bar on real fishing choices."""

from pathlib import Path

import numpy as np
import pandas as pd

from matching.evaluation import cross_validate, ranking_metrics
from matching.learning import ChoiceSet, choice_set_from_frame

DATA = Path(__file__).resolve().parents[1] / "data" / "fishing_choices.csv"


def test_learned_model_meets_the_bar_on_real_fishing_choices():
    data, _ = choice_set_from_frame(pd.read_csv(DATA))
    result = cross_validate(data, folds=5)
    assert result["sessions"] == 1182
    assert result["learned"]["mean_chosen_rank"] <= 1.82
    assert result["learned"]["log_likelihood"] >= -1.06
    assert result["learned"]["log_likelihood"] > result["default"]["log_likelihood"]


def test_ranking_metrics_count_ties_fairly():
    data = ChoiceSet(
        values=np.zeros((6, 1)),
        session=np.array([0, 0, 0, 1, 1, 1]),
        chosen=np.array([True, False, False, False, False, True]),
        factor_names=["x"],
    )
    m = ranking_metrics(np.array([1.0, 1.0, 0.0, 3.0, 2.0, 1.0]), data)
    assert m["top1"] == 0.25  # half a hit in session 0, none in session 1
    assert m["mean_chosen_rank"] == (1.5 + 3) / 2
    assert m["log_likelihood"] < 0


def test_cross_validation_rejects_too_few_sessions():
    data = ChoiceSet(
        values=np.zeros((4, 1)),
        session=np.array([0, 0, 1, 1]),
        chosen=np.array([1, 0, 0, 1], bool),
        factor_names=["x"],
    )
    try:
        cross_validate(data, folds=5)
    except ValueError as e:
        assert "fold" in str(e)
    else:
        raise AssertionError("expected ValueError")

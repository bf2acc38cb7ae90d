"""The quality bar on real, messy data: IBM's Telco churn sample (see tests/data/README.md)."""

from pathlib import Path

import pandas as pd

from leads.scoring.evaluation import evaluate_procedure

DATA = Path(__file__).resolve().parent.parent / "data" / "telco_churn.csv"


def test_cross_validated_auc_on_telco_data_reaches_the_bar():
    frame = pd.read_csv(DATA)
    y = (frame.pop("churn") == "Yes").astype(int)
    result = evaluate_procedure(frame, y, folds=5)
    assert result["n"] == 7043 and result["positives"] == 1869
    assert result["auc"] >= 0.84, result
    assert 0 < result["brier"] < 0.16
    assert result["auc_std"] < 0.05

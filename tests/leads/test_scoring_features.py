"""Column inference: what a conversion model may use, and why the rest is left out."""

import numpy as np
import pandas as pd

from leads.scoring.features import MISSING_CATEGORY, infer_feature_spec, prepare_frame


def _frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "lead_id": [f"L-{i}" for i in range(n)],
            "email": [f"p{i}@example.com" for i in range(n)],
            "row": np.arange(1, n + 1),
            "email_opens": rng.integers(0, 30, n),
            "charges": [" " if i % 17 == 0 else f"{v:.2f}" for i, v in enumerate(rng.uniform(10, 99, n))],
            "industry": rng.choice(["Tech", "Retail", "Health"], n),
            "notes": ["called them and they said they would think about it " + str(i) for i in range(n)],
            "created": pd.date_range("2024-01-01", periods=n).strftime("%Y-%m-%d"),
            "constant": ["x"] * n,
            "empty": [None] * n,
        }
    )


def test_identifiers_contact_details_and_row_numbers_are_excluded():
    spec = infer_feature_spec(_frame())
    assert spec.excluded["lead_id"].startswith("identifier")
    assert spec.excluded["email"].startswith("identifier")
    assert spec.excluded["row"] == "row number or sequential identifier"


def test_numeric_text_with_blanks_is_numeric():
    spec = infer_feature_spec(_frame())
    assert "charges" in spec.numeric
    assert "email_opens" in spec.numeric
    x = prepare_frame(_frame(), spec)
    assert np.isnan(x["charges"].iloc[0])
    assert x["charges"].iloc[1] > 0


def test_free_text_dates_constant_and_empty_columns_are_excluded():
    spec = infer_feature_spec(_frame())
    assert spec.excluded["notes"] == "free text"
    assert spec.excluded["created"] == "date or time"
    assert spec.excluded["constant"] == "constant"
    assert spec.excluded["empty"] == "always empty"
    assert spec.categorical == ["industry"]


def test_column_excluded_in_settings_is_left_out_whatever_its_name_case():
    spec = infer_feature_spec(_frame(), excluded_columns=["Industry"])
    assert "industry" not in spec.columns
    assert spec.excluded["industry"] == "excluded in the scoring settings"


def test_column_that_separates_outcomes_perfectly_is_excluded_as_a_leak():
    frame = _frame()
    y = np.array([i % 3 == 0 for i in range(len(frame))], dtype=int)
    frame["stage"] = np.where(y == 1, "Closed Won", "Closed Lost")
    spec = infer_feature_spec(frame, y)
    assert spec.excluded["stage"].startswith("leaks the outcome")
    assert "email_opens" in spec.numeric


def test_prepare_frame_treats_absent_columns_inf_and_none_as_missing():
    spec = infer_feature_spec(_frame())
    lead = pd.DataFrame([{"email_opens": float("inf"), "industry": None}])
    x = prepare_frame(lead, spec)
    assert list(x.columns) == spec.columns
    assert np.isnan(x["email_opens"].iloc[0])
    assert np.isnan(x["charges"].iloc[0])
    assert x["industry"].iloc[0] == MISSING_CATEGORY


def test_boolean_and_mixed_case_yes_no_columns_are_usable():
    frame = pd.DataFrame({"flag": [True, False] * 30, "answer": ["Yes", "No", "yes"] * 20})
    spec = infer_feature_spec(frame)
    assert spec.numeric == ["flag"]
    assert spec.categorical == ["answer"]

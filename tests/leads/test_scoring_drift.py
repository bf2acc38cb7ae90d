"""PSI: stable populations score near zero, shifted ones past the warning line."""

import numpy as np
import pandas as pd

from leads.scoring.drift import PSI_WARNING, categorical_psi, feature_drift, numeric_psi


def test_same_distribution_has_small_psi():
    rng = np.random.default_rng(0)
    assert numeric_psi(rng.normal(size=5000), rng.normal(size=5000)) < 0.02


def test_shifted_distribution_is_flagged():
    rng = np.random.default_rng(0)
    assert numeric_psi(rng.normal(size=5000), rng.normal(1, 1, 5000)) > PSI_WARNING


def test_missing_values_count_as_their_own_bin():
    ref = np.r_[np.arange(100.0), [np.nan] * 0]
    cur = np.r_[np.arange(50.0), [np.nan] * 50]
    assert numeric_psi(ref, cur) > PSI_WARNING


def test_categorical_psi_sees_new_levels():
    assert categorical_psi(["a"] * 50 + ["b"] * 50, ["a"] * 50 + ["b"] * 50) < 1e-9
    assert categorical_psi(["a"] * 50 + ["b"] * 50, ["c"] * 100) > PSI_WARNING


def test_feature_drift_sorts_columns_by_psi():
    ref = pd.DataFrame({"x": np.arange(100.0), "s": ["a", "b"] * 50})
    cur = pd.DataFrame({"x": np.arange(100.0) + 60, "s": ["a", "b"] * 50})
    drift = feature_drift(ref, cur, ["x"], ["s"])
    assert list(drift) == ["x", "s"] and drift["x"] > PSI_WARNING


def test_empty_inputs_give_no_psi():
    assert numeric_psi([], [1.0]) is None
    assert categorical_psi(["a"], []) is None

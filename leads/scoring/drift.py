"""Population stability index (PSI): how far scores or inputs have moved since training."""

from __future__ import annotations

import numpy as np
import pandas as pd

PSI_WARNING = 0.2  # the usual rule of thumb: above 0.2 the population has shifted materially
_EPS = 1e-4


def _psi_from_shares(expected: np.ndarray, actual: np.ndarray) -> float:
    expected = np.clip(expected, _EPS, None)
    actual = np.clip(actual, _EPS, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def numeric_psi(reference, current, bins: int = 10) -> float | None:
    """PSI over quantile bins of the reference; missing values form their own bin."""
    ref = pd.to_numeric(pd.Series(reference), errors="coerce").replace([np.inf, -np.inf], np.nan)
    cur = pd.to_numeric(pd.Series(current), errors="coerce").replace([np.inf, -np.inf], np.nan)
    if len(ref) == 0 or len(cur) == 0:
        return None
    present = ref.dropna().to_numpy()
    edges = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])) if len(present) else []

    def shares(values: pd.Series) -> np.ndarray:
        v = values.to_numpy(dtype=float)
        nan = np.isnan(v)
        counts = np.bincount(np.searchsorted(edges, v[~nan], side="right"), minlength=len(edges) + 1)
        return np.append(counts, nan.sum()) / len(v)

    return _psi_from_shares(shares(ref), shares(cur))


def categorical_psi(reference, current) -> float | None:
    ref = pd.Series(reference).astype(str)
    cur = pd.Series(current).astype(str)
    if len(ref) == 0 or len(cur) == 0:
        return None
    levels = sorted(set(ref) | set(cur))
    expected = ref.value_counts(normalize=True).reindex(levels, fill_value=0).to_numpy()
    actual = cur.value_counts(normalize=True).reindex(levels, fill_value=0).to_numpy()
    return _psi_from_shares(expected, actual)


def feature_drift(reference: pd.DataFrame, current: pd.DataFrame, numeric, categorical) -> dict:
    """PSI per feature column, highest first."""
    result = {}
    for column in numeric:
        if column in reference and column in current:
            result[column] = numeric_psi(reference[column], current[column])
    for column in categorical:
        if column in reference and column in current:
            result[column] = categorical_psi(reference[column], current[column])
    result = {k: v for k, v in result.items() if v is not None}
    return dict(sorted(result.items(), key=lambda kv: -kv[1]))

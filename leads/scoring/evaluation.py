"""Stratified K-fold cross-validation of the exact training procedure (features included)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from .training import TrainingError, train_scoring_model


def evaluate_procedure(
    frame: pd.DataFrame,
    y,
    folds: int = 5,
    excluded_columns: tuple[str, ...] | list[str] = (),
    random_state: int = 0,
) -> dict:
    """Mean and spread of AUC and Brier over folds; every fold re-runs feature inference and training."""
    y = np.asarray(y, dtype=int)
    n, positives = len(y), int(y.sum())
    if folds < 2:
        raise TrainingError("need at least 2 folds")
    if min(positives, n - positives) < folds:
        raise TrainingError(
            f"need at least {folds} won and {folds} lost outcomes for {folds}-fold "
            f"cross-validation (have {positives} won, {n - positives} lost)"
        )
    frame = frame.reset_index(drop=True)
    aucs, briers, chosen = [], [], Counter()
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    for train_idx, test_idx in splitter.split(frame, y):
        model = train_scoring_model(frame.iloc[train_idx], y[train_idx], excluded_columns, random_state)
        p = model.predict_proba(frame.iloc[test_idx])
        aucs.append(float(roc_auc_score(y[test_idx], p)))
        briers.append(float(brier_score_loss(y[test_idx], p)))
        chosen[model.description] += 1
    return {
        "auc": float(np.mean(aucs)),
        "auc_std": float(np.std(aucs, ddof=1)),
        "brier": float(np.mean(briers)),
        "brier_std": float(np.std(briers, ddof=1)),
        "n": n,
        "positives": positives,
        "folds": folds,
        "fold_auc": aucs,
        "model": chosen.most_common(1)[0][0],
        "models_chosen": dict(chosen),
    }


def reliability_table(y, p, bins: int = 10) -> list[dict]:
    """Calibration check: per score band, mean predicted vs observed conversion rate, with n."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    band = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = band == b
        n = int(mask.sum())
        if n == 0:
            continue
        rows.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": n,
                "predicted": float(p[mask].mean()),
                "observed": float(y[mask].mean()),
                "won": int(y[mask].sum()),
            }
        )
    return rows


def score_histogram(p, bins: int = 10) -> list[dict]:
    """Counts of scores per band of width 1/bins."""
    p = np.asarray(p, dtype=float)
    p = p[np.isfinite(p)]
    counts, edges = np.histogram(np.clip(p, 0, 1), bins=bins, range=(0, 1))
    return [{"low": float(edges[i]), "high": float(edges[i + 1]), "n": int(c)} for i, c in enumerate(counts)]

"""Stratified K-fold cross-validation of the exact training procedure (features included)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import RepeatedStratifiedKFold

from .training import TrainingError, inverse_probability_weights, train_scoring_model, weighted_auc

DEFAULT_SEED = 0


def canonical_order(frame: pd.DataFrame, y: np.ndarray, weight=None) -> np.ndarray:
    """A row order that depends only on the rows' content, not on the order they arrive in (outcomes
    recorded at the same moment come back from the database in any order): the same data then fall
    into the same folds on every run."""
    keyed = frame.astype(str).assign(_outcome=np.asarray(y))
    if weight is not None:
        keyed["_weight"] = np.asarray(weight, dtype=float)
    hashes = pd.util.hash_pandas_object(keyed, index=False).to_numpy()
    return np.argsort(hashes, kind="stable")


def _spread(values) -> dict:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return {"mean": None, "sd": None, "low": None, "high": None}
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return {"mean": float(values.mean()), "sd": sd, "low": float(values.min()), "high": float(values.max())}


def evaluate_procedure(
    frame: pd.DataFrame,
    y,
    folds: int = 5,
    excluded_columns: tuple[str, ...] | list[str] = (),
    random_state: int = DEFAULT_SEED,
    repeats: int = 1,
    selection_probability=None,
) -> dict:
    """Mean and spread of AUC and Brier over folds; every fold re-runs feature inference and training.

    Reproducible: rows are put in an order given by their content, folds and models are seeded by
    `random_state`, so the same data give the same figures on every run. With `repeats` > 1 the
    K-fold split is repeated with different shuffles and the spread of the per-repeat AUC is reported.
    Besides the calibrated model's AUC (what is served) it reports the raw model's AUC and what
    isotonic steps without the tie-break would score. With `selection_probability` (one per outcome,
    missing = 1), training is inverse-probability weighted and the weighted AUC over all leads is
    reported beside the plain AUC over the followed-up ones."""
    y = np.asarray(y, dtype=int)
    n, positives = len(y), int(y.sum())
    if folds < 2:
        raise TrainingError("need at least 2 folds")
    if repeats < 1:
        raise TrainingError("need at least 1 repeat")
    if min(positives, n - positives) < folds:
        raise TrainingError(
            f"need at least {folds} won and {folds} lost outcomes for {folds}-fold "
            f"cross-validation (have {positives} won, {n - positives} lost)"
        )
    weight = inverse_probability_weights(selection_probability)
    order = canonical_order(frame, y, weight)
    frame = frame.iloc[order].reset_index(drop=True)
    y = y[order]
    if weight is not None:
        weight = weight[order]
    aucs, raw_aucs, step_aucs, ipw_aucs, briers, chosen = [], [], [], [], [], Counter()
    per_repeat: list[list[float]] = [[] for _ in range(repeats)]
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=random_state)
    for index, (train_idx, test_idx) in enumerate(splitter.split(frame, y)):
        train_weight = None if weight is None else weight[train_idx]
        model = train_scoring_model(
            frame.iloc[train_idx], y[train_idx], excluded_columns, random_state, sample_weight=train_weight
        )
        raw = model.raw_proba(frame.iloc[test_idx])
        p = model.calibrator.transform(raw)
        y_test = y[test_idx]
        auc = weighted_auc(y_test, p)
        aucs.append(auc)
        per_repeat[index // folds].append(auc)
        raw_aucs.append(weighted_auc(y_test, raw))
        step_aucs.append(weighted_auc(y_test, model.calibrator.steps_only(raw)))
        if weight is not None:
            ipw_aucs.append(weighted_auc(y_test, p, weight[test_idx]))
        briers.append(float(brier_score_loss(y_test, p)))
        chosen[model.description] += 1
    first = aucs[:folds]
    result = {
        "auc": float(np.mean(aucs)),
        "auc_std": float(np.std(first, ddof=1)),
        "brier": float(np.mean(briers)),
        "brier_std": float(np.std(briers[:folds], ddof=1)),
        "n": n,
        "positives": positives,
        "folds": folds,
        "repeats": repeats,
        "seed": random_state,
        "fold_auc": first,
        "model": chosen.most_common(1)[0][0],
        "models_chosen": dict(chosen),
        # The spread of the whole figure over re-shuffled K-fold splits (one value per repeat).
        "auc_repeats": _spread([np.mean(r) for r in per_repeat]),
        "calibration": {
            "auc_calibrated": float(np.mean(aucs)),
            "auc_uncalibrated": float(np.nanmean(raw_aucs)),
            "auc_isotonic_steps_without_tiebreak": float(np.nanmean(step_aucs)),
        },
        "auc_uncalibrated": float(np.nanmean(raw_aucs)),
        "auc_ipw": None,
    }
    if weight is not None:
        explored = int((weight > 1).sum())
        result["auc_ipw"] = {
            "value": float(np.nanmean(ipw_aucs)),
            "n": n,
            "explored": explored,
            "estimate": f"AUC over all leads, inverse-probability weighted, n={n} ({explored} explored)",
        }
    return result


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

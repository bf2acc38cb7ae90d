"""K-fold cross-validation, by session, of the default weights against the learned choice model."""

from __future__ import annotations

import numpy as np

from matching.learning import ChoiceSet, Standardiser, centred_stated, fit_choice_model


def ranking_metrics(utility: np.ndarray, data: ChoiceSet) -> dict:
    """top1, mean chosen rank and mean log-likelihood per session of the given utilities.

    Ties are counted fairly: a chosen candidate tied with t others for a place gets the average
    of those ranks, and a share 1/(t+1) of a top-1 hit.
    """
    starts, sizes = data.starts, data.sizes
    u = np.nan_to_num(np.asarray(utility, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    chosen_u = np.repeat(u[data.chosen], sizes)
    higher = np.add.reduceat((u > chosen_u + 1e-12).astype(float), starts)
    tied = np.add.reduceat((np.abs(u - chosen_u) <= 1e-12).astype(float), starts) - 1.0
    rank = 1.0 + higher + tied / 2.0
    top1 = np.where(higher == 0, 1.0 / (tied + 1.0), 0.0)
    top = np.maximum.reduceat(u, starts)
    log_sum = top + np.log(np.add.reduceat(np.exp(u - np.repeat(top, sizes)), starts))
    log_lik = u[data.chosen] - log_sum
    n = len(starts)
    return {
        "top1": float(top1.mean()) if n else 0.0,
        "mean_chosen_rank": float(rank.mean()) if n else 0.0,
        "log_likelihood": float(log_lik.mean()) if n else 0.0,
        "sessions": int(n),
    }


def learned_utilities(
    model, data: ChoiceSet, min_segment_sessions: int, default_weights: np.ndarray
) -> np.ndarray:
    """Ranking utilities on `data` as the product ranks: the session's segment weights past the
    minimum sample size, else the global weights, else the defaults; position is left out. A
    session's stated priorities (known when it is ranked; not the "what mattered most" answers,
    given with the choice) move its weights by the model's stated weights."""
    z = model.standardiser.transform(data.values)
    feature_factor = model.standardiser.feature_factor
    centred = centred_stated(data.stated, None, (data.n_sessions, len(model.standardiser.names)))
    row_centred = centred[data.session][:, feature_factor]
    segments = data.segment if data.segment is not None else np.full(data.n_sessions, "", dtype=object)
    u = np.empty(len(z))
    alt_names = np.array(data.alternative_names, dtype=object) if data.alternative is not None else None
    row_segment = np.asarray(segments, dtype=object)[data.session]
    for label in set(row_segment.tolist()):
        rows = row_segment == label
        weights = model.weights_for(label, min_segment_sessions)
        if weights is None:
            u[rows] = z[rows] @ default_weights
            continue
        names = model.standardiser.feature_names
        u[rows] = z[rows] @ weights.weight_vector(names)
        if weights.stated_weights:
            u[rows] += (z[rows] * row_centred[rows]) @ weights.stated_vector(names)
        if alt_names is not None and weights.alternative_effects:
            u[rows] += weights.effect_vector(alt_names[data.alternative[rows]])
    return u


def cross_validate(
    data: ChoiceSet,
    higher_is_better=None,
    default_weights=None,
    *,
    folds: int = 5,
    seed: int = 0,
    min_segment_sessions: int = 30,
    **fit_options,
) -> dict:
    """Hold out each fold of sessions in turn, fit on the rest with `fit_choice_model`, and score
    the held-out sessions with the default weights and with the learned model.

    Default weights are per standardised, oriented factor (all equal when not given); both are
    standardised with the training fold's statistics. Metrics are averaged over all held-out
    sessions. When the sessions carry stated priorities (or "what mattered most" answers), the
    learned model is also fitted and scored without them: `learned` then holds
    `..._without_stated` figures beside its own.
    """
    n = data.n_sessions
    folds = int(folds)
    if folds < 2:
        raise ValueError("folds must be at least 2")
    if n < folds:
        raise ValueError(f"{n} usable sessions: need at least one per fold ({folds})")
    k = len(data.factor_names)
    if higher_is_better is None:
        higher_is_better = [True] * k
    if default_weights is None:
        default_weights = np.full(k, 1.0 / k)
    default_weights = np.asarray(default_weights, dtype=float)
    assignment = np.random.default_rng(seed).permutation(n) % folds
    default_u = np.empty(len(data.values))
    learned_u = np.empty(len(data.values))
    has_stated = data.stated is not None or data.answered is not None
    without_u = np.empty(len(data.values)) if has_stated else learned_u
    per_fold = []
    for fold in range(folds):
        test = assignment == fold
        train_data, test_data = data.subset(~test), data.subset(test)
        model = fit_choice_model(train_data, higher_is_better, **fit_options)
        test_rows = test[data.session]
        std = Standardiser.fit(train_data.values, data.factor_names, higher_is_better)
        default_u[test_rows] = std.transform(test_data.values) @ default_weights
        learned_u[test_rows] = learned_utilities(model, test_data, min_segment_sessions, default_weights)
        if has_stated:
            plain = fit_choice_model(train_data.without_stated(), higher_is_better, **fit_options)
            without_u[test_rows] = learned_utilities(
                plain, test_data.without_stated(), min_segment_sessions, default_weights
            )
        per_fold.append(
            {
                "fold": fold + 1,
                "sessions": int(test.sum()),
                **_only_metrics(ranking_metrics(learned_u[test_rows], test_data)),
            }
        )
    learned = _only_metrics(ranking_metrics(learned_u, data))
    for key, value in _only_metrics(ranking_metrics(without_u, data)).items():
        learned[f"{key}_without_stated"] = value
    return {
        "folds": folds,
        "sessions": n,
        "default": _only_metrics(ranking_metrics(default_u, data)),
        "learned": learned,
        "learned_by_fold": per_fold,
    }


def _only_metrics(m: dict) -> dict:
    return {key: round(m[key], 4) for key in ("top1", "mean_chosen_rank", "log_likelihood")}

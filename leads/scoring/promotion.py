"""Champion/challenger: paired comparison on the newest held-out outcomes and the promotion rule.

AUC is compared with DeLong's paired test (both models scored on the same outcomes, so their
errors are correlated and a paired test is far more sensitive than two separate intervals);
Brier score with a paired normal interval on the per-outcome differences.

With weights (inverse selection probabilities: explored leads from below the call list's cut count
for all the leads they stand for), both become estimates over all leads rather than over the
followed-up ones: a weighted AUC with DeLong's placements weighted and its variance linearised, a
weighted mean Brier difference with its weighted standard error. Without weights the numbers are
exactly the unweighted ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import norm, rankdata

MIN_HELD_OUT_PER_CLASS = 5


@dataclass
class PromotionPolicy:
    confidence: float = 0.95
    max_champion_age_days: float = 30.0
    min_per_class: int = MIN_HELD_OUT_PER_CLASS


@dataclass
class Comparison:
    n: int
    positives: int
    auc_challenger: float | None = None
    auc_champion: float | None = None
    auc_diff: float | None = None
    auc_diff_low: float | None = None  # one-sided lower bound at the confidence level
    auc_diff_high: float | None = None  # one-sided upper bound
    auc_p_better: float | None = None  # p-value of "challenger AUC is not higher"
    brier_challenger: float | None = None
    brier_champion: float | None = None
    brier_diff: float | None = None  # challenger minus champion: negative is better
    brier_diff_low: float | None = None
    brier_diff_high: float | None = None
    confidence: float = 0.95
    weighted: bool = False  # inverse-probability weighted: an estimate over all leads
    explored: int = 0  # held-out outcomes of explored leads (selection probability below 1)

    @property
    def estimate(self) -> str:
        return auc_estimate_words(self.n, self.weighted, self.explored)

    @property
    def testable(self) -> bool:
        return self.auc_diff is not None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Decision:
    promote: bool
    reason: str
    comparison: Comparison | None


def split_newest(n: int, share: float = 0.2, minimum: int = 20, keep_for_training: float = 0.6):
    """Index arrays (older, newest) for n outcomes already sorted oldest first."""
    held = max(int(round(n * share)), min(minimum, n))
    held = min(held, int(n * (1 - keep_for_training)))
    held = max(held, 0)
    cut = n - held
    return np.arange(cut), np.arange(cut, n)


def delong(y, predictions: list) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several score vectors on the same outcomes and their DeLong covariance matrix."""
    y = np.asarray(y, dtype=int)
    scores = np.vstack([np.asarray(p, dtype=float) for p in predictions])
    pos, neg = scores[:, y == 1], scores[:, y == 0]
    m, n = pos.shape[1], neg.shape[1]
    k = scores.shape[0]
    aucs = np.empty(k)
    v01 = np.empty((k, m))
    v10 = np.empty((k, n))
    for i in range(k):
        tx = rankdata(pos[i])
        ty = rankdata(neg[i])
        tz = rankdata(np.concatenate([pos[i], neg[i]]))
        aucs[i] = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
        v01[i] = (tz[:m] - tx) / n
        v10[i] = 1.0 - (tz[m:] - ty) / m
    s01 = np.atleast_2d(np.cov(v01))
    s10 = np.atleast_2d(np.cov(v10))
    return aucs, s01 / m + s10 / n


def _weighted_placements(pos, neg, w_pos, w_neg):
    """Per positive, the weighted share of negatives it outranks (ties count half); per negative,
    the weighted share of positives that outrank it."""
    order = np.argsort(neg, kind="stable")
    neg_sorted, cum = neg[order], np.concatenate([[0.0], np.cumsum(w_neg[order])])
    below = cum[np.searchsorted(neg_sorted, pos, side="left")]
    at_or_below = cum[np.searchsorted(neg_sorted, pos, side="right")]
    v10 = (below + at_or_below) / 2 / cum[-1]
    order = np.argsort(pos, kind="stable")
    pos_sorted, cum = pos[order], np.concatenate([[0.0], np.cumsum(w_pos[order])])
    total = cum[-1]
    above = total - cum[np.searchsorted(pos_sorted, neg, side="right")]
    at_or_above = total - cum[np.searchsorted(pos_sorted, neg, side="left")]
    v01 = (above + at_or_above) / 2 / total
    return v10, v01


def weighted_delong(y, predictions: list, weights) -> tuple[np.ndarray, np.ndarray]:
    """Weighted AUCs of several score vectors on the same outcomes and their covariance: DeLong's
    placements weighted, the variance of each weighted mean linearised (with unit weights it is
    DeLong's, up to the usual n / (n - 1))."""
    y = np.asarray(y, dtype=int)
    w = np.asarray(weights, dtype=float)
    w_pos, w_neg = w[y == 1], w[y == 0]
    m, n = len(w_pos), len(w_neg)
    k = len(predictions)
    aucs = np.empty(k)
    d10 = np.empty((k, m))
    d01 = np.empty((k, n))
    for i, p in enumerate(predictions):
        p = np.asarray(p, dtype=float)
        v10, v01 = _weighted_placements(p[y == 1], p[y == 0], w_pos, w_neg)
        aucs[i] = float(np.sum(w_pos * v10) / w_pos.sum())
        d10[i] = w_pos * (v10 - aucs[i]) / w_pos.sum()
        d01[i] = w_neg * (v01 - aucs[i]) / w_neg.sum()
    cov = d10 @ d10.T * m / max(m - 1, 1) + d01 @ d01.T * n / max(n - 1, 1)
    return aucs, cov


def auc_estimate_words(n: int, weighted: bool, explored: int = 0) -> str:
    """Which AUC a figure is: over all leads (weighted by the explored ones) or over followed-up ones."""
    if weighted:
        return f"AUC over all leads, inverse-probability weighted, n={n} ({explored} explored)"
    return f"AUC over followed-up leads, n={n}"


def _usable_weights(weights, n: int):
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if len(w) != n or np.all(w == 1.0):
        return None
    return w


def auc_interval(y, p, confidence: float = 0.95, weights=None) -> tuple[float, float, float] | None:
    """AUC with its two-sided DeLong interval, or None when one class is missing; weighted (an
    estimate over all leads) when inverse-probability weights are given."""
    y = np.asarray(y, dtype=int)
    if min(y.sum(), len(y) - y.sum()) < 2:
        return None
    w = _usable_weights(weights, len(y))
    aucs, cov = delong(y, [p]) if w is None else weighted_delong(y, [p], w)
    z = norm.ppf(0.5 + confidence / 2)
    se = float(np.sqrt(max(cov[0, 0], 0.0)))
    return float(aucs[0]), max(0.0, aucs[0] - z * se), min(1.0, aucs[0] + z * se)


def _mean_and_se(values: np.ndarray, w) -> tuple[float, float]:
    if w is None:
        se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
        return float(values.mean()), se
    mean = float(np.sum(w * values) / w.sum())
    n = len(values)
    se = float(np.sqrt(np.sum((w * (values - mean)) ** 2) * n / max(n - 1, 1)) / w.sum()) if n > 1 else 0.0
    return mean, se


def brier_interval(y, p, confidence: float = 0.95, weights=None) -> tuple[float, float, float]:
    err = (np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2
    z = norm.ppf(0.5 + confidence / 2)
    mean, se = _mean_and_se(err, _usable_weights(weights, len(err)))
    return mean, max(0.0, mean - z * se), mean + z * se


def compare_models(y, p_challenger, p_champion, confidence: float = 0.95, weights=None) -> Comparison:
    """Paired comparison of two models' scores on the same outcomes; with inverse-probability
    weights (some outcomes from explored leads), every figure estimates what holds over all leads."""
    y = np.asarray(y, dtype=int)
    p_ch = np.asarray(p_challenger, dtype=float)
    p_cm = np.asarray(p_champion, dtype=float)
    w = _usable_weights(weights, len(y))
    z = norm.ppf(confidence)  # one-sided bounds: we ask "better?" and "worse?" separately
    result = Comparison(n=len(y), positives=int(y.sum()), confidence=confidence)
    result.weighted = w is not None
    result.explored = 0 if w is None else int((w > 1).sum())
    diff = (p_ch - y) ** 2 - (p_cm - y) ** 2
    if len(y):
        result.brier_challenger = _mean_and_se((p_ch - y) ** 2, w)[0]
        result.brier_champion = _mean_and_se((p_cm - y) ** 2, w)[0]
    if len(y) >= 2:
        result.brier_diff, se = _mean_and_se(diff, w)
        result.brier_diff_low = result.brier_diff - z * se
        result.brier_diff_high = result.brier_diff + z * se
    if min(result.positives, result.n - result.positives) >= 2:
        aucs, cov = delong(y, [p_ch, p_cm]) if w is None else weighted_delong(y, [p_ch, p_cm], w)
        var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
        se = float(np.sqrt(max(var, 0.0)))
        d = float(aucs[0] - aucs[1])
        result.auc_challenger, result.auc_champion = float(aucs[0]), float(aucs[1])
        result.auc_diff = d
        result.auc_diff_low, result.auc_diff_high = d - z * se, d + z * se
        result.auc_p_better = float(norm.sf(d / se)) if se > 0 else (0.0 if d > 0 else 1.0)
    return result


def _pct(x: float) -> str:
    return f"{x:+.3f}"


def _auc_words(c: Comparison) -> str:
    over = " over all leads (inverse-probability weighted)" if c.weighted else ""
    return (
        f"AUC{over} {c.auc_challenger:.3f} vs {c.auc_champion:.3f} "
        f"(difference {_pct(c.auc_diff)}, {int(c.confidence * 100)}% bounds "
        f"{_pct(c.auc_diff_low)} to {_pct(c.auc_diff_high)}, DeLong p={c.auc_p_better:.3f})"
    )


def _brier_words(c: Comparison) -> str:
    return f"Brier {c.brier_challenger:.3f} vs {c.brier_champion:.3f}"


def decide_promotion(
    comparison: Comparison | None,
    policy: PromotionPolicy,
    champion_age_days: float | None,
    champion_is_prior: bool = False,
) -> Decision:
    """Promote the challenger, or keep the champion; the reason is stated in words."""
    if comparison is None:
        return Decision(True, "No champion yet: the first trained model becomes the champion.", None)
    c = comparison
    held = f"on the newest {c.n} outcomes ({c.positives} won)"
    if c.weighted:
        held = f"on the newest {c.n} outcomes ({c.positives} won, {c.explored} of them explored)"
    won, lost = c.positives, c.n - c.positives
    if min(won, lost) < policy.min_per_class or not c.testable:
        return Decision(
            False,
            f"Kept the champion: too few held-out outcomes to compare ({won} won, {lost} lost "
            f"among the newest; need at least {policy.min_per_class} of each).",
            c,
        )
    auc_better = c.auc_diff_low > 0
    auc_worse = c.auc_diff_high < 0
    brier_better = c.brier_diff_high is not None and c.brier_diff_high < 0
    brier_worse = c.brier_diff_low is not None and c.brier_diff_low > 0
    words = f"{_auc_words(c)}, {_brier_words(c)} {held}"
    if (auc_better and not brier_worse) or (brier_better and not auc_worse):
        which = "higher AUC" if auc_better and not brier_worse else "lower Brier score"
        return Decision(True, f"Promoted: the challenger is better ({which}). {words}.", c)
    not_worse = not auc_worse and not brier_worse
    if not_worse and champion_is_prior:
        return Decision(
            True,
            f"Promoted: the learned model replaces the no-outcome prior and is not worse. {words}.",
            c,
        )
    if not_worse and champion_age_days is not None and champion_age_days >= policy.max_champion_age_days:
        return Decision(
            True,
            f"Promoted: the champion is {champion_age_days:.0f} days old (limit "
            f"{policy.max_champion_age_days:.0f}) and the challenger is not worse. {words}.",
            c,
        )
    if auc_worse or brier_worse:
        return Decision(False, f"Kept the champion: the challenger is worse. {words}.", c)
    age = "" if champion_age_days is None else f" and the champion is {champion_age_days:.0f} days old"
    return Decision(
        False,
        f"Kept the champion: the challenger is not significantly better{age}. {words}.",
        c,
    )


def describe_rule(policy: PromotionPolicy) -> str:
    """The promotion rule in words, for the settings page."""
    conf = int(round(policy.confidence * 100))
    return (
        "After each retraining, the new model (challenger) and the current champion score the same "
        "newest outcomes, which the challenger did not train on. The challenger is promoted when it "
        f"is better with {conf}% confidence: its AUC is higher by DeLong's paired test and its Brier "
        "score is not significantly worse, or its Brier score is lower by a paired test and its AUC "
        "is not significantly worse. It is also promoted when it is not significantly worse on either "
        f"measure and the champion is at least {policy.max_champion_age_days:.0f} days old, or the "
        "champion is still the no-outcome prior. Otherwise the champion stays and the reason is "
        f"recorded. A comparison needs at least {policy.min_per_class} won and "
        f"{policy.min_per_class} lost outcomes among the newest."
    )

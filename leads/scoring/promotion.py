"""Champion/challenger: paired comparison on the newest held-out outcomes and the promotion rule.

AUC is compared with DeLong's paired test (both models scored on the same outcomes, so their
errors are correlated and a paired test is far more sensitive than two separate intervals);
Brier score with a paired normal interval on the per-outcome differences.
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


def auc_interval(y, p, confidence: float = 0.95) -> tuple[float, float, float] | None:
    """AUC with its two-sided DeLong interval, or None when one class is missing."""
    y = np.asarray(y, dtype=int)
    if min(y.sum(), len(y) - y.sum()) < 2:
        return None
    aucs, cov = delong(y, [p])
    z = norm.ppf(0.5 + confidence / 2)
    se = float(np.sqrt(max(cov[0, 0], 0.0)))
    return float(aucs[0]), max(0.0, aucs[0] - z * se), min(1.0, aucs[0] + z * se)


def brier_interval(y, p, confidence: float = 0.95) -> tuple[float, float, float]:
    err = (np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2
    z = norm.ppf(0.5 + confidence / 2)
    se = float(err.std(ddof=1) / np.sqrt(len(err))) if len(err) > 1 else 0.0
    return float(err.mean()), max(0.0, err.mean() - z * se), err.mean() + z * se


def compare_models(y, p_challenger, p_champion, confidence: float = 0.95) -> Comparison:
    """Paired comparison of two models' scores on the same outcomes."""
    y = np.asarray(y, dtype=int)
    p_ch = np.asarray(p_challenger, dtype=float)
    p_cm = np.asarray(p_champion, dtype=float)
    z = norm.ppf(confidence)  # one-sided bounds: we ask "better?" and "worse?" separately
    result = Comparison(n=len(y), positives=int(y.sum()), confidence=confidence)
    diff = (p_ch - y) ** 2 - (p_cm - y) ** 2
    result.brier_challenger = float(np.mean((p_ch - y) ** 2)) if len(y) else None
    result.brier_champion = float(np.mean((p_cm - y) ** 2)) if len(y) else None
    if len(y) >= 2:
        se = float(diff.std(ddof=1) / np.sqrt(len(diff)))
        result.brier_diff = float(diff.mean())
        result.brier_diff_low = result.brier_diff - z * se
        result.brier_diff_high = result.brier_diff + z * se
    if min(result.positives, result.n - result.positives) >= 2:
        aucs, cov = delong(y, [p_ch, p_cm])
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
    return (
        f"AUC {c.auc_challenger:.3f} vs {c.auc_champion:.3f} "
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

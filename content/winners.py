"""Bayesian winner decisions for ad-copy experiments (pure numpy/scipy, no Django; the method is in
docs/content.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import special, stats

METRICS = ("ctr", "conversion_rate", "revenue_per_impression", "composite")
METRIC_LABELS = {
    "ctr": "CTR",
    "conversion_rate": "conversion rate",
    "revenue_per_impression": "revenue per impression",
    "composite": "weighted composite",
}
DEFAULT_COMPOSITE_WEIGHTS = {
    "ctr": 0.5,
    "conversion_rate": 0.3,
    "revenue_per_impression": 0.2,
}

DEFAULT_THRESHOLD = 0.95
DEFAULT_MIN_IMPRESSIONS = 1000
DEFAULT_SRM_ALPHA = 0.001
DEFAULT_DRAWS = 20_000
# A difference smaller than this relative lift does not matter to the workspace ("no meaningful
# difference"); the policy can change it.
DEFAULT_PRACTICAL_LIFT = 0.05
# The always-valid test mixes over true differences with this spread, relative to the experiment's
# level (10% of a 5% CTR = 0.5 points): its boundary is near its lowest for the lifts ad copy shows.
MIXTURE_RELATIVE_SD = 0.10
# Thompson sampling's recommended split never starves a variant below this share.
DEFAULT_SPLIT_FLOOR = 0.10
# The impressions per variant a workspace means to spend to find a real difference: the budgeted
# looks spread their share of the error rate over it (the always-valid test has no budget).
DEFAULT_IMPRESSION_BUDGET = 20_000
# The share of the error rate (1 - threshold) the budgeted looks may spend; the always-valid test
# gets the rest, so the two together never name a false winner more often than the error rate.
BUDGETED_SHARE = 0.8


@dataclass(frozen=True)
class VariantCounts:
    """What one variant of an experiment collected (summed over its posts and days)."""

    label: str
    impressions: int
    clicks: int
    conversions: int
    revenue: float = 0.0


@dataclass
class VariantFigures:
    label: str
    impressions: int
    clicks: int
    conversions: int
    revenue: float
    ctr: float
    conversion_rate: float
    revenue_per_impression: float
    posterior_mean: float
    interval_low: float
    interval_high: float
    prob_best: float
    expected_loss: float
    # Thompson sampling's share of traffic for a running experiment (None once settled)
    recommended_share: float | None = None


@dataclass
class Decision:
    """The outcome for one experiment, with the figures behind it and the reason in words."""

    metric: str
    winner: str | None
    # "winner", "no_meaningful_difference", "no_winner", "insufficient_data",
    # "sample_ratio_mismatch", "single_variant"
    status: str
    reason: str
    threshold: float
    min_impressions: int
    variants: list[VariantFigures] = field(default_factory=list)
    srm_p_value: float | None = None
    srm_flagged: bool = False
    needs_more_impressions: int | None = None
    practical_lift: float = DEFAULT_PRACTICAL_LIFT
    # the always-valid 95% (1 - error rate) interval of the leader's relative lift over the runner-up
    leader: str | None = None
    compared: str | None = None
    lift_low: float | None = None
    lift_high: float | None = None
    # the budgeted look: share of the budget seen (min impressions per variant / budget), the error
    # spent before this look and after it, and whether this look's test is what named the winner
    information: float | None = None
    error_spent_before: float | None = None
    error_spent: float | None = None
    decided_by_budgeted_look: bool = False

    @property
    def settled(self) -> bool:
        """A winner or no meaningful difference: the experiment needs no more impressions."""
        return self.status in ("winner", "no_meaningful_difference")

    @property
    def prob_best(self) -> dict[str, float]:
        return {v.label: v.prob_best for v in self.variants}

    def figures_for(self, label: str) -> VariantFigures | None:
        return next((v for v in self.variants if v.label == label), None)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["prob_best"] = self.prob_best
        return data


# --- posteriors -------------------------------------------------------------------------------


def pooled_beta_prior(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes Beta prior per experiment, fitted by moments across its variants.

    Arrays have shape (..., K): the last axis holds the variants of one experiment. Returns the
    prior's (alpha, beta) with shape (...,). The prior strength lies between 2 (a flat Beta(1, 1))
    and the experiment's total trials (when the variants differ no more than noise would make them).
    """
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    total_trials = trials.sum(axis=-1)
    pooled = np.divide(
        successes.sum(axis=-1),
        total_trials,
        out=np.zeros_like(total_trials),
        where=total_trials > 0,
    )
    safe_trials = np.maximum(trials, 1.0)
    rates = successes / safe_trials
    k = trials.shape[-1]
    observed_var = rates.var(axis=-1, ddof=1) if k > 1 else np.zeros_like(pooled)
    sampling_var = (pooled * (1 - pooled))[..., None] / safe_trials
    between_var = observed_var - sampling_var.mean(axis=-1)
    spread = pooled * (1 - pooled)
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = np.where(between_var > 0, spread / between_var - 1.0, np.inf)
    strength = np.clip(strength, 2.0, np.maximum(total_trials, 2.0))
    alpha = 1.0 + pooled * (strength - 2.0)
    beta = 1.0 + (1.0 - pooled) * (strength - 2.0)
    return alpha, beta


def beta_posterior_draws(
    successes: np.ndarray, trials: np.ndarray, n_draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Posterior draws of each variant's rate, shape (..., K, n_draws)."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    alpha0, beta0 = pooled_beta_prior(successes, trials)
    a = alpha0[..., None] + successes
    b = beta0[..., None] + (trials - successes)
    return rng.beta(a[..., None], b[..., None], size=a.shape + (n_draws,))


def revenue_per_impression_draws(
    impressions: np.ndarray,
    conversions: np.ndarray,
    revenue: np.ndarray,
    n_draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Posterior draws of revenue per impression = P(conversion per impression) x mean order value.

    Conversions per impression get the pooled Beta posterior; order values are modelled as
    exponential with a Gamma prior on their rate (conjugate), centred on the experiment's pooled
    average order value, so a variant with few conversions is not judged on one lucky sale.
    """
    impressions = np.asarray(impressions, dtype=float)
    conversions = np.asarray(conversions, dtype=float)
    revenue = np.maximum(np.asarray(revenue, dtype=float), 0.0)
    conv_rate = beta_posterior_draws(conversions, impressions, n_draws, rng)
    total_conv = conversions.sum(axis=-1, keepdims=True)
    pooled_value = np.divide(
        revenue.sum(axis=-1, keepdims=True),
        total_conv,
        out=np.zeros_like(total_conv),
        where=total_conv > 0,
    )
    if not np.any(pooled_value > 0):
        return np.zeros_like(conv_rate)
    prior_shape = 2.0
    prior_rate = np.maximum(pooled_value, 1e-9) * (prior_shape - 1.0)  # prior mean value = pooled
    shape = prior_shape + conversions
    rate = prior_rate + revenue
    value_rate = rng.gamma(shape[..., None], 1.0 / rate[..., None], size=shape.shape + (n_draws,))
    return conv_rate / value_rate


def metric_draws(
    counts: Sequence[VariantCounts],
    metric: str,
    n_draws: int,
    rng: np.random.Generator,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Posterior draws (K, n_draws) of the metric the decision optimises."""
    impressions = np.array([c.impressions for c in counts], dtype=float)
    clicks = np.array([c.clicks for c in counts], dtype=float)
    conversions = np.array([c.conversions for c in counts], dtype=float)
    revenue = np.array([c.revenue for c in counts], dtype=float)
    if metric == "ctr":
        return beta_posterior_draws(clicks, impressions, n_draws, rng)
    if metric == "conversion_rate":
        return beta_posterior_draws(conversions, clicks, n_draws, rng)
    if metric == "revenue_per_impression":
        return revenue_per_impression_draws(impressions, conversions, revenue, n_draws, rng)
    if metric == "composite":
        weights = dict(weights or DEFAULT_COMPOSITE_WEIGHTS)
        total = np.zeros((len(counts), n_draws))
        for name, weight in weights.items():
            if name not in METRICS or name == "composite" or weight <= 0:
                continue
            draws = metric_draws(counts, name, n_draws, rng)
            scale = draws.mean()
            if scale > 0:  # each part relative to the experiment's average, so units don't matter
                total += weight * draws / scale
        return total
    raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def prob_best_and_loss(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From draws (..., K, D): probability each variant is best and expected loss of choosing it."""
    top = draws.max(axis=-2, keepdims=True)
    is_top = draws == top
    # ties (e.g. no revenue anywhere) share the draw instead of crediting the first variant
    prob_best = (is_top / is_top.sum(axis=-2, keepdims=True)).mean(axis=-1)
    loss = (top - draws).mean(axis=-1)
    return prob_best, loss


# --- honest under daily looks: the always-valid test ----------------------------------------


def beta_posterior_moments(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact mean and variance of each variant's rate under a flat Beta(1, 1) prior.

    The always-valid test reads these rather than the pooled posterior: pooling pulls alike
    variants together, which is right for the probability to be best but would make "no
    meaningful difference" come too early (measured: 12% of experiments with a true 6% lift
    called neutral with pooling, see content/simulation.py).
    """
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    a = 1.0 + successes
    b = 1.0 + (trials - successes)
    total = a + b
    return a / total, a * b / (total**2 * (total + 1.0))


def always_valid_half_width(variance, scale, alpha):
    """Half-width of the always-valid confidence sequence of a difference (normal mixture SPRT).

    The mixture sequential probability ratio test (Robbins; Johari et al. 2017, "Peeking at A/B
    tests") with a normal mixture of spread `scale` over the true difference rejects "no difference"
    the first time the interval excludes zero, and the chance that this EVER happens while the
    variants are equal, however often one looks, is at most `alpha`. Inputs broadcast; a variance
    or scale of zero gives an infinite half-width (nothing can be said).
    """
    variance = np.asarray(variance, dtype=float)
    tau2 = np.asarray(scale, dtype=float) ** 2
    ok = (variance > 0) & (tau2 > 0)
    v = np.where(ok, variance, 1.0)
    t = np.where(ok, tau2, 1.0)
    width2 = v * (v + t) / t * (np.log((v + t) / v) + 2.0 * np.log(1.0 / alpha))
    return np.where(ok, np.sqrt(width2), np.inf)


def leader_bounds(means, variances, leader, alpha):
    """The always-valid interval of (leader - each variant), shape (..., K); the leader vs itself is 0.

    Arrays have shape (..., K); `leader` has shape (...). The error rate is split over the K - 1
    comparisons (Bonferroni), so the chance of a false winner stays at most `alpha`.
    """
    means = np.asarray(means, dtype=float)
    variances = np.asarray(variances, dtype=float)
    k = means.shape[-1]
    lead = np.asarray(leader)[..., None]
    lead_mean = np.take_along_axis(means, lead, axis=-1)
    lead_var = np.take_along_axis(variances, lead, axis=-1)
    diff = lead_mean - means
    scale = MIXTURE_RELATIVE_SD * means.mean(axis=-1, keepdims=True)
    half = always_valid_half_width(lead_var + variances, scale, alpha / max(k - 1, 1))
    is_lead = np.arange(k) == lead
    return np.where(is_lead, 0.0, diff - half), np.where(is_lead, 0.0, diff + half)


def sequential_verdicts(means, variances, alpha, practical_lift):
    """Per experiment (shape (..., K) inputs): the leader, whether the always-valid test says it
    beats every other variant, and whether every difference is surely within +/- practical_lift
    (relative to the other variant's level): "no meaningful difference"."""
    means = np.asarray(means, dtype=float)
    leader = means.argmax(axis=-1)
    low, high = leader_bounds(means, variances, leader, alpha)
    is_lead = np.arange(means.shape[-1]) == leader[..., None]
    beats = np.all(is_lead | (low > 0), axis=-1)
    margin = practical_lift * means
    within = np.all(is_lead | ((low > -margin) & (high < margin)), axis=-1)
    return leader, beats, within & (means.max(axis=-1) > 0)


# --- budgeted looks: the error rate spent over the impression budget ------------------------


def error_spent(information, alpha):
    """How much of `alpha` the looks may have spent once `information` (the share of the
    impression budget seen, 0-1) is in: Lan and DeMets' Pocock-type spending function
    alpha * ln(1 + (e - 1) t), which lets an early look spend almost as much as a late one."""
    t = np.clip(np.asarray(information, dtype=float), 0.0, 1.0)
    return alpha * np.log1p((np.e - 1.0) * t)


def _both_above(c, rho):
    """P(X > c and Y > c) for standard normals with correlation rho (Owen's T function)."""
    a = np.sqrt(np.clip((1.0 - rho) / (1.0 + rho), 0.0, None))
    return stats.norm.sf(c) - 2.0 * special.owens_t(c, a)


def _tightest_correlations(variances):
    """Per variant i of shape (..., K): the smallest correlation, under equal means, between two of
    its z-scores over other variants (v_i / sqrt((v_i + v_j)(v_i + v_k)), j != k)."""
    v = np.maximum(np.asarray(variances, dtype=float), 0.0)
    k = v.shape[-1]
    pairs = [(j, m) for j in range(k) for m in range(j + 1, k)]
    result = np.full(v.shape, 1.0)
    for i in range(k):
        vi = v[..., i]
        for j, m in pairs:
            if i in (j, m):
                continue
            denominator = np.sqrt((vi + v[..., j]) * (vi + v[..., m]))
            rho = np.divide(vi, denominator, out=np.full_like(vi, 0.5), where=denominator > 0)
            result[..., i] = np.minimum(result[..., i], rho)
    return result


def budgeted_boundary(increment, variances):
    """The z-score the leader must pass over every other variant at a look that spends `increment`
    of the error rate; infinite when it spends none.

    With equal true rates, variant i beats every other one only if it beats two of them, whose two
    z-scores are correlated: the chance that some variant does is at most the sum over i of
    P(both above c), which the boundary c sets to `increment` (exact for two variants, where it is
    the two-sided test; for more, tighter than splitting the error over each comparison)."""
    increment = np.asarray(increment, dtype=float)
    variances = np.asarray(variances, dtype=float)
    k = variances.shape[-1]
    level = np.clip(increment, 1e-300, 1.0)
    if k <= 2:
        return np.where(increment > 0, stats.norm.isf(np.clip(level / 2.0, 1e-300, 0.5)), np.inf)
    rho = _tightest_correlations(variances)
    low = np.zeros(np.shape(level) if np.ndim(level) else rho.shape[:-1])
    high = stats.norm.isf(np.clip(level / k, 1e-300, 0.5)) + low  # the union bound's boundary
    for _ in range(50):  # the bound falls as c grows: bisect for the smallest c within the increment
        middle = (low + high) / 2.0
        over = _both_above(middle[..., None], rho).sum(axis=-1) > level
        low, high = np.where(over, middle, low), np.where(over, high, middle)
    return np.where(increment > 0, high, np.inf)


def budgeted_beats(means, variances, leader, increment):
    """Whether the leader beats every other variant in this look's fixed-sample test.

    Each look of an experiment spends the increase of `error_spent` since its last look, so by the
    union bound the chance that any look names a false winner stays within the budgeted share of
    the error rate, however many looks there are and wherever they fall. Returns (beats, the
    leader's smallest z-score over another variant, the boundary it had to pass)."""
    means = np.asarray(means, dtype=float)
    variances = np.asarray(variances, dtype=float)
    k = means.shape[-1]
    lead = np.asarray(leader)[..., None]
    diff = np.take_along_axis(means, lead, axis=-1) - means
    se = np.sqrt(np.take_along_axis(variances, lead, axis=-1) + variances)
    is_lead = np.arange(k) == lead
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(is_lead | ~(se > 0), np.inf, diff / np.where(se > 0, se, 1.0))
    z_min = z.min(axis=-1)
    boundary = budgeted_boundary(increment, variances)
    return np.isfinite(z_min) & (z_min > boundary), z_min, boundary


def recommended_split(prob_best, floor: float = DEFAULT_SPLIT_FLOOR) -> np.ndarray:
    """Thompson sampling's traffic split: each variant's probability to be best, with a floor.

    The Monte Carlo share of posterior draws in which a variant is best is the share of traffic
    Thompson sampling gives it; every variant keeps at least `floor` (so a late bloomer can still
    show itself) and the rest is shared in proportion to the probabilities.
    """
    prob_best = np.asarray(prob_best, dtype=float)
    k = prob_best.shape[-1]
    floor = min(max(float(floor), 0.0), 1.0 / k)
    total = prob_best.sum(axis=-1, keepdims=True)
    share = np.divide(prob_best, total, out=np.full_like(prob_best, 1.0 / k), where=total > 0)
    return floor + (1.0 - k * floor) * share


# --- checks -----------------------------------------------------------------------------------


def sample_ratio_p_value(
    impressions: Sequence[float], expected_share: Sequence[float] | None = None
) -> float | None:
    """Chi-square goodness-of-fit p-value of the impression split (equal split unless given)."""
    observed = np.asarray(impressions, dtype=float)
    if observed.size < 2 or observed.sum() <= 0:
        return None
    share = (
        np.full(observed.size, 1.0 / observed.size)
        if expected_share is None
        else np.asarray(expected_share, dtype=float) / np.sum(expected_share)
    )
    return float(stats.chisquare(observed, f_exp=share * observed.sum()).pvalue)


def verdicts_batch(
    impressions: np.ndarray,
    successes: np.ndarray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_impressions: int = DEFAULT_MIN_IMPRESSIONS,
    practical_lift: float = DEFAULT_PRACTICAL_LIFT,
    budget: int = DEFAULT_IMPRESSION_BUDGET,
    error_spent_before=0.0,
    n_draws: int = 4000,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The decision rule for many experiments at once on a Beta-Binomial rate (CTR-like).

    impressions and successes have shape (R, K); `error_spent_before` (scalar or shape (R,)) is
    what each experiment's earlier looks spent (0 for a first look). Returns the winner's index per
    row (-1 for none) and whether the row's verdict is "no meaningful difference". `decide_winner`
    applies the same rule to one experiment and explains it. The tests are exact and cheap, so the
    posterior draws (for the probability to be best) are only made for the rows they let through.
    """
    impressions = np.atleast_2d(np.asarray(impressions, dtype=float))
    successes = np.atleast_2d(np.asarray(successes, dtype=float))
    alpha = 1.0 - threshold
    budgeted_alpha = BUDGETED_SHARE * alpha
    means, variances = beta_posterior_moments(successes, impressions)
    leader, always_valid, _ = sequential_verdicts(means, variances, alpha - budgeted_alpha, practical_lift)
    _, _, within = sequential_verdicts(means, variances, alpha, practical_lift)
    information = impressions.min(axis=-1) / budget
    increment = error_spent(information, budgeted_alpha) - np.asarray(error_spent_before, dtype=float)
    budgeted, _, _ = budgeted_beats(means, variances, leader, increment)
    enough = impressions.min(axis=-1) >= min_impressions
    candidates = np.flatnonzero(enough & (always_valid | budgeted))
    winner = np.full(impressions.shape[0], -1)
    if candidates.size:
        rng = np.random.default_rng(seed)
        draws = beta_posterior_draws(successes[candidates], impressions[candidates], n_draws, rng)
        prob_best, _ = prob_best_and_loss(draws)
        top = prob_best.argmax(axis=-1)
        ok = (prob_best.max(axis=-1) >= threshold) & (top == leader[candidates])
        winner[candidates[ok]] = top[ok]
    return winner, enough & within & (winner < 0)


def winners_batch(impressions: np.ndarray, successes: np.ndarray, **options) -> np.ndarray:
    """The winner's index per row (-1 for none) under the decision rule; see `verdicts_batch`."""
    return verdicts_batch(impressions, successes, **options)[0]


# --- the decision ---------------------------------------------------------------------------


def _probability(p: float) -> str:
    return ">99.9%" if p >= 0.9995 else f"{p:.1%}"


def _loss(loss: float, metric: str) -> str:
    if metric in ("ctr", "conversion_rate"):
        points = loss * 100
        if points < 0.001:
            return f"under 0.001 percentage points of {METRIC_LABELS[metric]}"
        return f"{points:.3f} percentage points of {METRIC_LABELS[metric]}"
    if metric == "revenue_per_impression":
        return f"{loss:.4g} revenue per impression"
    return f"{loss:.3g} (composite units: 1 = the experiment's average)"


def _round_up_nicely(n: float) -> int:
    if n <= 0:
        return 0
    magnitude = 10 ** max(math.floor(math.log10(n)) - 1, 0)
    return int(math.ceil(n / magnitude) * magnitude)


def _more_impressions_needed(z_now: float, z_target: float, current: float):
    """Rough impressions per variant still needed for the leader to pass the always-valid test.

    The z-score of the leader over the runner-up grows with the square root of the sample, so the
    sample needed scales with (z_target / z_now)^2.
    """
    if not z_now > 0.1:
        return None  # no visible difference yet: any estimate would be a guess
    factor = (z_target / z_now) ** 2
    if factor > 1000:
        return None
    return _round_up_nicely(max(current * factor - current, current * 0.1))


def metric_moments(counts: Sequence[VariantCounts], metric: str, draws: np.ndarray):
    """Posterior mean and variance of each variant's metric: exact for the Beta rates, else from draws."""
    impressions = np.array([c.impressions for c in counts], dtype=float)
    clicks = np.array([c.clicks for c in counts], dtype=float)
    conversions = np.array([c.conversions for c in counts], dtype=float)
    if metric == "ctr":
        return beta_posterior_moments(clicks, impressions)
    if metric == "conversion_rate":
        return beta_posterior_moments(conversions, clicks)
    return draws.mean(axis=-1), draws.var(axis=-1)


def _lift(value: float) -> str:
    return f"{value:+.1%}"


def decide_winner(
    counts: Sequence[VariantCounts],
    *,
    metric: str = "ctr",
    threshold: float = DEFAULT_THRESHOLD,
    min_impressions: int = DEFAULT_MIN_IMPRESSIONS,
    weights: Mapping[str, float] | None = None,
    srm_alpha: float = DEFAULT_SRM_ALPHA,
    expected_share: Sequence[float] | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    practical_lift: float = DEFAULT_PRACTICAL_LIFT,
    split_floor: float = DEFAULT_SPLIT_FLOOR,
    check_sample_ratio: bool = True,
    budget: int = DEFAULT_IMPRESSION_BUDGET,
    error_spent_before: float | None = 0.0,
) -> Decision:
    """Decide one experiment: a winner only when the evidence is enough, else why not.

    `error_spent_before` is what the experiment's earlier looks spent of the budgeted error (0 at a
    first look); None makes no budgeted look, so only the always-valid test can name a winner (for
    views between the recorded looks, which must not spend error the record does not know of)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    counts = list(counts)
    base = {
        "metric": metric,
        "threshold": threshold,
        "min_impressions": min_impressions,
        "error_spent_before": error_spent_before,
        "error_spent": error_spent_before,
    }
    label = METRIC_LABELS[metric]
    if len(counts) < 2:
        return Decision(
            winner=None,
            status="single_variant",
            reason="Only one variant: there is nothing to compare it with.",
            variants=[_figures(c, None, None, None, None, None) for c in counts],
            practical_lift=practical_lift,
            **base,
        )

    rng = np.random.default_rng(seed)
    draws = metric_draws(counts, metric, n_draws, rng, weights)
    prob_best, loss = prob_best_and_loss(draws)
    low, high = np.percentile(draws, [2.5, 97.5], axis=-1)
    split = recommended_split(prob_best, split_floor)
    figures = [
        _figures(c, draws[i].mean(), low[i], high[i], prob_best[i], loss[i], split[i])
        for i, c in enumerate(counts)
    ]
    order = np.argsort(-prob_best, kind="stable")
    leader = counts[order[0]]
    p_leader = float(prob_best[order[0]])
    impressions = [c.impressions for c in counts]
    # a team that steers traffic by the recommended split does not plan an equal one
    srm_p = sample_ratio_p_value(impressions, expected_share) if check_sample_ratio else None
    srm_flagged = srm_p is not None and srm_p < srm_alpha
    base.update(variants=figures, srm_p_value=srm_p, srm_flagged=srm_flagged, practical_lift=practical_lift)

    # the always-valid test: honest however often anyone looks, with the error rate's unbudgeted
    # share; the intervals shown and "no meaningful difference" use the whole error rate (1 - threshold)
    alpha = 1.0 - threshold
    budgeted_alpha = BUDGETED_SHARE * alpha
    means, variances = metric_moments(counts, metric, draws)
    mean_leader, always_valid, _ = sequential_verdicts(
        means, variances, alpha - budgeted_alpha, practical_lift
    )
    _, _, within = sequential_verdicts(means, variances, alpha, practical_lift)
    bound_low, bound_high = leader_bounds(means, variances, np.asarray(order[0]), alpha)
    # the budgeted look: this look spends what the spending function allows beyond the earlier looks
    information = min(c.impressions for c in counts) / budget if budget > 0 else 0.0
    spent_now = float(error_spent(information, budgeted_alpha))
    increment = 0.0 if error_spent_before is None else max(spent_now - error_spent_before, 0.0)
    budgeted, z_min, boundary = budgeted_beats(means, variances, mean_leader, increment)
    base["information"] = information
    runner = order[1]
    level = means[runner]
    if level > 0 and np.isfinite(bound_low[runner]):
        base.update(
            leader=counts[order[0]].label,
            compared=counts[runner].label,
            lift_low=float(bound_low[runner] / level),
            lift_high=float(bound_high[runner] / level),
        )

    fewest = min(impressions)
    if fewest < min_impressions:
        short = [c.label for c in counts if c.impressions < min_impressions]
        need = _round_up_nicely(min_impressions - fewest)
        return Decision(
            winner=None,
            status="insufficient_data",
            reason=(
                f"No winner yet: every variant needs at least {min_impressions:,} impressions "
                f"({', '.join(short)} below); needs about {need:,} more impressions per variant."
            ),
            needs_more_impressions=need,
            **base,
        )
    if srm_flagged:
        split_text = ", ".join(f"{c.label} {c.impressions:,}" for c in counts)
        return Decision(
            winner=None,
            status="sample_ratio_mismatch",
            reason=(
                f"No winner: the impression split ({split_text}) is far from the planned split "
                f"(chi-square p = {srm_p:.2g} < {srm_alpha:g}), so the variants were not shown "
                "to comparable audiences. Check the delivery settings before trusting any result."
            ),
            **base,
        )
    interval = ""
    if base.get("lift_low") is not None:
        interval = (
            f"the lift of {base['leader']} over {base['compared']} is between {_lift(base['lift_low'])} and "
            f"{_lift(base['lift_high'])} (always-valid {1 - alpha:.0%} interval)"
        )
    if error_spent_before is not None:
        base["error_spent"] = error_spent_before + increment  # this look tested: it spends its share
    beats = bool(always_valid) or bool(budgeted)
    if p_leader >= threshold and beats and int(mean_leader) == int(order[0]):
        for f in figures:
            f.recommended_share = None
        if bool(always_valid):
            evidence = interval
        else:
            evidence = (
                f"at this look ({min(information, 1.0):.0%} of the {budget:,}-impression budget per variant) "
                f"it leads every other variant by {float(z_min):.1f} standard errors, past this look's "
                f"boundary of {float(boundary):.2f} (the looks so far have spent {base['error_spent']:.2%} of the "
                f"{budgeted_alpha:.0%} error rate the budget allows)"
            )
        return Decision(
            winner=leader.label,
            status="winner",
            reason=(
                f"{leader.label} wins on {label}: probability to be best {_probability(p_leader)} "
                f"(threshold {threshold:.0%}); {evidence}; expected loss of shipping it "
                f"{_loss(float(loss[order[0]]), metric)}."
            ),
            decided_by_budgeted_look=not bool(always_valid),
            **base,
        )
    if bool(within):
        for f in figures:
            f.recommended_share = None
        return Decision(
            winner=None,
            status="no_meaningful_difference",
            reason=(
                f"No meaningful difference on {label}: {interval}, inside the +/-{practical_lift:.0%} "
                "this workspace counts as no difference. The experiment is settled: it needs no "
                "more impressions, ship whichever copy you prefer."
            ),
            **base,
        )
    var_diff = float(variances[order[0]] + variances[runner])
    diff = float(means[order[0]] - means[runner])
    z_now = diff / math.sqrt(var_diff) if var_diff > 0 else 0.0
    half = float(
        always_valid_half_width(
            var_diff, MIXTURE_RELATIVE_SD * means.mean(), (alpha - budgeted_alpha) / (len(counts) - 1)
        )
    )
    z_target = half / math.sqrt(var_diff) if var_diff > 0 else 0.0
    if error_spent_before is not None and information < 1.0:  # the budget's last look may pass sooner
        z_target = min(z_target, float(budgeted_boundary(budgeted_alpha - base["error_spent"], variances)))
    z_target = max(stats.norm.ppf(threshold), z_target)
    need = _more_impressions_needed(z_now, z_target, float(np.mean(impressions)))
    so_far = f"; {interval}" if interval else ""
    if need is None:
        reason = (
            f"No winner yet: the leader {leader.label} is best with probability {_probability(p_leader)} "
            f"(threshold {threshold:.0%}){so_far}; the variants perform alike on {label} so far."
        )
    else:
        reason = (
            f"No winner yet: the leader {leader.label} is best with probability {_probability(p_leader)} "
            f"(threshold {threshold:.0%}){so_far}; needs about {need:,} more impressions per variant."
        )
    return Decision(
        winner=None,
        status="no_winner",
        reason=reason,
        needs_more_impressions=need,
        **base,
    )


def _figures(c: VariantCounts, mean, low, high, prob_best, loss, share=None) -> VariantFigures:
    def rate(num, den):
        return float(num) / float(den) if den else 0.0

    def num(x):
        return None if x is None else float(x)

    return VariantFigures(
        label=c.label,
        impressions=int(c.impressions),
        clicks=int(c.clicks),
        conversions=int(c.conversions),
        revenue=float(c.revenue),
        ctr=rate(c.clicks, c.impressions),
        conversion_rate=rate(c.conversions, c.clicks),
        revenue_per_impression=rate(c.revenue, c.impressions),
        posterior_mean=num(mean),
        interval_low=num(low),
        interval_high=num(high),
        prob_best=num(prob_best),
        expected_loss=num(loss),
        recommended_share=num(share),
    )


def is_fading(
    recent_clicks: int,
    recent_impressions: int,
    winning_low: float,
    min_impressions: int = 100,
) -> bool:
    """A winner fades when its recent CTR falls below the lower end of its winning interval.

    Too few recent impressions say nothing either way, so they never flag.
    """
    if recent_impressions < min_impressions or winning_low is None:
        return False
    return recent_clicks / recent_impressions < winning_low

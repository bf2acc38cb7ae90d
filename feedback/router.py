"""A contextual bandit (Thompson sampling on Beta posteriors per tag and framework-model pair)
that recommends a framework and model for a task's tags, optionally joined by the pairwise
judgments' Bradley-Terry strengths; see docs/feedback.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.special import digamma, polygamma

from feedback.pairwise import Z95, BradleyTerryFit, fit_bradley_terry

Arm = tuple[str, str]


@dataclass
class Recommendation:
    framework: str
    model: str
    confidence: float  # posterior probability that this arm is the best for these tags
    expected_success: float  # posterior mean
    interval: tuple[float, float]  # 95% credible interval
    n: int  # ratings for this arm on these tags
    exploring: bool  # True when the sampled arm is not the current best estimate
    reasoning: str
    alternatives: list[dict] = field(default_factory=list)
    pairwise_comparisons: int = 0  # judgments between framework-model pairs that weighed in

    def as_dict(self) -> dict:
        return {
            "framework": self.framework,
            "model": self.model,
            "confidence": self.confidence,
            "expected_success": self.expected_success,
            "interval": list(self.interval),
            "n": self.n,
            "exploring": self.exploring,
            "reasoning": self.reasoning,
            "alternatives": self.alternatives,
            "pairwise_comparisons": self.pairwise_comparisons,
        }


class BanditRouter:
    """Counts of successes and failures per (tag, arm) and per arm over all tags."""

    def __init__(self, arms=(), *, pool_strength: float = 10.0, seed=None):
        self.pool_strength = float(pool_strength)
        self.rng = np.random.default_rng(seed)
        self.arms: list[Arm] = list(dict.fromkeys(tuple(a) for a in arms))
        self.tag_counts: dict[tuple[str, Arm], np.ndarray] = defaultdict(lambda: np.zeros(2))
        self.arm_counts: dict[Arm, np.ndarray] = defaultdict(lambda: np.zeros(2))
        self.pairwise: BradleyTerryFit | None = None
        self.pairwise_scale = 1.0

    def use_pairwise(self, fit: BradleyTerryFit | None, scale: float = 1.0) -> None:
        """Let the judgments' strengths of (framework, model) pairs weigh in (None: ratings only).
        ``scale``: strength units per unit of log-odds of success (1: the same scale)."""
        self.pairwise = fit if fit is not None and fit.total > 0 else None
        self.pairwise_scale = float(scale)
        for arm in fit.items if self.pairwise else ():
            self.add_arm(arm)

    def add_arm(self, arm: Arm) -> None:
        arm = tuple(arm)
        if arm not in self.arms:
            self.arms.append(arm)

    def update(self, tags, arm: Arm, success: bool, weight: float = 1.0) -> None:
        """Record one rated output: its tags, the arm used and whether it succeeded."""
        arm = tuple(arm)
        self.add_arm(arm)
        column = 0 if success else 1
        self.arm_counts[arm][column] += weight
        for tag in set(tags):
            self.tag_counts[(tag, arm)][column] += weight

    @classmethod
    def from_records(cls, records, **kwargs) -> BanditRouter:
        """Build from (tags, framework, model, success) tuples; rows without both are skipped."""
        router = cls(**kwargs)
        for tags, framework, model, success in records:
            if framework and model:
                router.update(tags, (framework, model), bool(success))
        return router

    def posteriors(self, tags) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(alpha, beta, n_on_tags) arrays over ``self.arms`` for a task with ``tags``."""
        tags = list(dict.fromkeys(tags))
        k = len(self.arms)
        alpha, beta, n_tag = np.ones(k), np.ones(k), np.zeros(k)
        for i, arm in enumerate(self.arms):
            s_all, f_all = self.arm_counts[arm]
            pooled_mean = (s_all + 1) / (s_all + f_all + 2)
            if not tags:
                alpha[i] += s_all
                beta[i] += f_all
                n_tag[i] = s_all + f_all
                continue
            s = sum(self.tag_counts[(t, arm)][0] for t in tags if (t, arm) in self.tag_counts)
            f = sum(self.tag_counts[(t, arm)][1] for t in tags if (t, arm) in self.tag_counts)
            strength = min(self.pool_strength, s_all + f_all)
            alpha[i] += s + strength * pooled_mean
            beta[i] += f + strength * (1 - pooled_mean)
            n_tag[i] = s + f
        return alpha, beta, n_tag

    def choose(self, tags) -> Arm | None:
        """One Thompson draw: the arm whose sampled success rate is highest."""
        if not self.arms:
            return None
        alpha, beta, _ = self.posteriors(tags)
        if self.pairwise is None:
            return self.arms[int(np.argmax(self.rng.beta(alpha, beta)))]
        return self.arms[int(np.argmax(self._combined_draws(alpha, beta, 1)[:, 0]))]

    def _pairwise_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """(H, H mu) over ``self.arms``: the judgments' Fisher information about the arms' strengths
        and its product with the estimated strengths, on the log-odds-of-success scale."""
        k = len(self.arms)
        information, target = np.zeros((k, k)), np.zeros(k)
        fit, scale = self.pairwise, self.pairwise_scale
        at = [self.arms.index(tuple(item)) for item in fit.items]
        information[np.ix_(at, at)] = fit.information * scale**2
        target[at] = (fit.information @ fit.strength) * scale
        return information, target

    def _combined_draws(self, alpha, beta, draws: int) -> np.ndarray:
        """Thompson draws of each arm's log-odds of success from the ratings and the judgments:
        a draw l_r from each arm's Beta posterior (as its logit) and a draw from the judgments'
        Gaussian likelihood of strength differences are merged by their precisions,
        l = (D + H)^-1 (D l_r + H mu + H^1/2 z), D = 1 / Var(logit p) of the Beta (trigamma sum),
        H the Fisher information of the judgments, mu their strengths, z standard normal. If both
        parts were Gaussian this is an exact draw of the combined posterior (perturb and combine);
        an arm without judgments keeps its Beta draw, and H only speaks of differences, so the
        judgments move arms against each other but never the overall success level."""
        k = len(self.arms)
        samples = self.rng.beta(alpha[:, None], beta[:, None], size=(k, draws))
        samples = np.clip(samples, 1e-12, 1 - 1e-12)
        ratings = np.log(samples) - np.log1p(-samples)
        precision = 1.0 / (polygamma(1, alpha) + polygamma(1, beta))
        information, target = self._pairwise_terms()
        values, vectors = np.linalg.eigh(information)
        root = vectors * np.sqrt(np.clip(values, 0, None))
        noise = root @ self.rng.standard_normal((k, draws))
        right = precision[:, None] * ratings + target[:, None] + noise
        return np.linalg.solve(np.diag(precision) + information, right)

    def _combined_mean(self, alpha, beta) -> np.ndarray:
        precision = 1.0 / (polygamma(1, alpha) + polygamma(1, beta))
        information, target = self._pairwise_terms()
        mean = digamma(alpha) - digamma(beta)  # E[logit p] under Beta(alpha, beta)
        return np.linalg.solve(np.diag(precision) + information, precision * mean + target)

    def recommend(self, tags, *, draws: int = 4000) -> Recommendation | None:
        """Thompson choice for ``tags`` with its confidence, reasoning and the alternatives."""
        if not self.arms:
            return None
        tags = list(dict.fromkeys(tags))
        alpha, beta, n_tag = self.posteriors(tags)
        samples = self.rng.beta(alpha[:, None], beta[:, None], size=(len(self.arms), draws))
        mean = alpha / (alpha + beta)
        low = np.quantile(samples, 0.025, axis=1)
        high = np.quantile(samples, 0.975, axis=1)
        if self.pairwise is None:
            p_best = np.bincount(np.argmax(samples, axis=0), minlength=len(self.arms)) / draws
            chosen = int(np.argmax(self.rng.beta(alpha, beta)))
            best = int(np.argmax(mean))
        else:
            combined = self._combined_draws(alpha, beta, draws)
            p_best = np.bincount(np.argmax(combined, axis=0), minlength=len(self.arms)) / draws
            chosen = int(np.argmax(self._combined_draws(alpha, beta, 1)[:, 0]))
            best = int(np.argmax(self._combined_mean(alpha, beta)))

        alternatives = [
            {
                "framework": self.arms[i][0],
                "model": self.arms[i][1],
                "expected_success": float(mean[i]),
                "interval": [float(low[i]), float(high[i])],
                "n": int(n_tag[i]),
                "n_all_tags": int(self.arm_counts[self.arms[i]].sum()),
                "probability_best": float(p_best[i]),
            }
            for i in np.argsort(-mean)
        ]
        comparisons = 0
        if self.pairwise is not None:
            comparisons = int(round(self.pairwise.total))
            for alternative in alternatives:
                alternative.update(self._pairwise_figures((alternative["framework"], alternative["model"])))
        framework, model = self.arms[chosen]
        scope = ", ".join(f"'{t}'" for t in tags) if tags else "all tags"
        reasoning = (
            f"{framework} with {model}: expected success {mean[chosen]:.0%} on {scope} "
            f"(95% credible interval {low[chosen]:.0%}-{high[chosen]:.0%}, "
            f"{int(n_tag[chosen])} ratings on these tags, "
            f"{int(self.arm_counts[self.arms[chosen]].sum())} over all tags); "
            f"probability it is the best of {len(self.arms)} options: {p_best[chosen]:.0%}."
        )
        if n_tag[chosen] < self.pool_strength and tags:
            reasoning += " Few ratings on these tags, so its record over all tags weighs in."
        if self.pairwise is not None:
            figures = self._pairwise_figures(self.arms[chosen])
            if figures["pairwise_comparisons"]:
                reasoning += (
                    f" {comparisons} pairwise judgments between these options weigh in: its strength is "
                    f"{figures['pairwise_strength']:+.2f} against the average option (95% interval "
                    f"{figures['pairwise_interval'][0]:+.2f} to {figures['pairwise_interval'][1]:+.2f}, "
                    f"{figures['pairwise_comparisons']} comparisons)."
                )
            else:
                reasoning += f" {comparisons} pairwise judgments between other options weigh in; none compares this one yet."
        if chosen != best:
            bf, bm = self.arms[best]
            reasoning += (
                f" Exploring: {bf} with {bm} has the higher estimate ({mean[best]:.0%}), "
                "but this option could still be better and a rating of it will tell."
            )
        return Recommendation(
            framework=framework,
            model=model,
            confidence=float(p_best[chosen]),
            expected_success=float(mean[chosen]),
            interval=(float(low[chosen]), float(high[chosen])),
            n=int(n_tag[chosen]),
            exploring=chosen != best,
            reasoning=reasoning,
            alternatives=alternatives,
            pairwise_comparisons=comparisons,
        )

    def _pairwise_figures(self, arm: Arm) -> dict:
        fit = self.pairwise
        i = fit.index(arm)
        n = 0 if i is None else int(round(fit.comparisons[i]))
        if not n:
            return {"pairwise_strength": None, "pairwise_interval": None, "pairwise_comparisons": 0}
        sd = float(np.sqrt(fit.covariance[i, i]))
        strength = float(fit.strength[i])
        return {
            "pairwise_strength": strength,
            "pairwise_interval": [strength - Z95 * sd, strength + Z95 * sd],
            "pairwise_comparisons": n,
        }


def simulate_regret(
    true_rates: dict[str, dict[Arm, float]],
    rounds: int,
    *,
    policy: str = "thompson",
    seed: int = 0,
    pool_strength: float = 10.0,
) -> float:
    """Cumulative expected regret of a policy against fixed true success rates per tag."""
    rng = np.random.default_rng(seed)
    tags = list(true_rates)
    arms = list(next(iter(true_rates.values())))
    router = BanditRouter(arms, pool_strength=pool_strength, seed=seed + 1)
    regret = 0.0
    for _ in range(rounds):
        tag = tags[rng.integers(len(tags))]
        rates = true_rates[tag]
        arm = router.choose([tag]) if policy == "thompson" else arms[rng.integers(len(arms))]
        regret += max(rates.values()) - rates[arm]
        router.update([tag], arm, rng.random() < rates[arm])
    return regret


def simulate_pairwise_regret(
    true_rates: list[float],
    rounds: int,
    *,
    use_pairwise: bool,
    seed: int = 0,
    judgments_per_round: int = 1,
    tie_share: float = 0.2,
    pool_strength: float = 10.0,
) -> float:
    """Cumulative expected regret (in successes) of the router over ``rounds`` tasks against fixed
    true success rates. Every round the router picks an option and its output is rated (success
    with the option's rate); with ``use_pairwise`` a judge also compares that output with one of
    another option, ``judgments_per_round`` times: a tie with ``tie_share``, else the chosen one
    wins with the Bradley-Terry chance on the options' log-odds of success (the common scale the
    router assumes), and the router uses the refitted strengths from the next round on."""
    rng = np.random.default_rng(seed)
    rates = np.asarray(true_rates, dtype=float)
    k = len(rates)
    logits = np.log(rates) - np.log1p(-rates)
    arms = [(f"option-{i}", "model") for i in range(k)]
    router = BanditRouter(arms, pool_strength=pool_strength, seed=seed + 1)
    wins, fit, regret = np.zeros((k, k)), None, 0.0
    for _ in range(rounds):
        i = arms.index(router.choose([]))
        regret += rates.max() - rates[i]
        router.update([], arms[i], bool(rng.random() < rates[i]))
        if not use_pairwise:
            continue
        for _ in range(judgments_per_round):
            j = (i + 1 + int(rng.integers(k - 1))) % k
            if rng.random() < tie_share:
                wins[i, j] += 0.5
                wins[j, i] += 0.5
            elif rng.random() < 1 / (1 + np.exp(-(logits[i] - logits[j]))):
                wins[i, j] += 1
            else:
                wins[j, i] += 1
        fit = fit_bradley_terry(arms, wins, start=None if fit is None else fit.strength)
        router.use_pairwise(fit)
    return regret


def pairwise_regret_study(true_rates, rounds: int, seeds, **kwargs) -> dict:
    """Regret with ratings alone and with ratings and judgments over several seeds (the test's and
    the benchmark's figure): per seed, the means and the mean relative reduction."""
    alone = [
        simulate_pairwise_regret(true_rates, rounds, use_pairwise=False, seed=s, **kwargs) for s in seeds
    ]
    both = [simulate_pairwise_regret(true_rates, rounds, use_pairwise=True, seed=s, **kwargs) for s in seeds]
    return {
        "rates": list(true_rates),
        "rounds": rounds,
        "seeds": list(seeds),
        "ratings_only": alone,
        "with_pairwise": both,
        "mean_ratings_only": float(np.mean(alone)),
        "mean_with_pairwise": float(np.mean(both)),
        "reduction": 1 - float(np.mean(both)) / float(np.mean(alone)),
        "seeds_better": int(sum(b < a for a, b in zip(alone, both, strict=True))),
    }

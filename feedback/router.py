"""A contextual bandit (Thompson sampling on Beta posteriors per tag and framework-model pair)
that recommends a framework and model for a task's tags; see docs/feedback.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

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
        }


class BanditRouter:
    """Counts of successes and failures per (tag, arm) and per arm over all tags."""

    def __init__(self, arms=(), *, pool_strength: float = 10.0, seed=None):
        self.pool_strength = float(pool_strength)
        self.rng = np.random.default_rng(seed)
        self.arms: list[Arm] = list(dict.fromkeys(tuple(a) for a in arms))
        self.tag_counts: dict[tuple[str, Arm], np.ndarray] = defaultdict(lambda: np.zeros(2))
        self.arm_counts: dict[Arm, np.ndarray] = defaultdict(lambda: np.zeros(2))

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
        return self.arms[int(np.argmax(self.rng.beta(alpha, beta)))]

    def recommend(self, tags, *, draws: int = 4000) -> Recommendation | None:
        """Thompson choice for ``tags`` with its confidence, reasoning and the alternatives."""
        if not self.arms:
            return None
        tags = list(dict.fromkeys(tags))
        alpha, beta, n_tag = self.posteriors(tags)
        samples = self.rng.beta(alpha[:, None], beta[:, None], size=(len(self.arms), draws))
        p_best = np.bincount(np.argmax(samples, axis=0), minlength=len(self.arms)) / draws
        mean = alpha / (alpha + beta)
        low = np.quantile(samples, 0.025, axis=1)
        high = np.quantile(samples, 0.975, axis=1)
        chosen = int(np.argmax(self.rng.beta(alpha, beta)))
        best = int(np.argmax(mean))

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
        )


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

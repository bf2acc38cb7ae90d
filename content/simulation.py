"""Simulations of the winner rule and the traffic split (pure numpy, seeded): the figures the policy
page, the tests and `make bench` state come from here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from content.winners import (
    DEFAULT_MIN_IMPRESSIONS,
    DEFAULT_PRACTICAL_LIFT,
    DEFAULT_SPLIT_FLOOR,
    DEFAULT_THRESHOLD,
    beta_posterior_draws,
    prob_best_and_loss,
    recommended_split,
    verdicts_batch,
)

# The setting the policy page states: two variants, 2,000 impressions each per day, 60 daily looks.
DAILY_IMPRESSIONS = 2000
DAYS = 60
RUNS = 400
# Within this many impressions per variant the better of 5% vs 6% CTR must be found (15 days).
POWER_BUDGET = 30_000
# The practical threshold's simulation needs more traffic: +/-5% of a 5% CTR is a quarter point.
NEUTRAL_DAILY_IMPRESSIONS = 10_000


@dataclass
class DailyLooks:
    """What the rule said over the days, per simulated experiment."""

    winner: np.ndarray  # index of the first variant declared the winner, -1 for none
    winner_day: np.ndarray  # 1-based day of that first winner, 0 for none
    neutral_day: np.ndarray  # first day the verdict was "no meaningful difference", 0 for none
    daily_impressions: int

    @property
    def runs(self) -> int:
        return self.winner.size

    def ever_winner(self) -> float:
        return float(np.mean(self.winner >= 0))

    def found(self, best: int, budget: int | None = None) -> float:
        """Share of experiments whose first winner is `best`, within `budget` impressions per variant."""
        hit = self.winner == best
        if budget is not None:
            hit &= self.winner_day * self.daily_impressions <= budget
        return float(np.mean(hit))

    def median_impressions_to_winner(self) -> float | None:
        days = self.winner_day[self.winner >= 0]
        return float(np.median(days) * self.daily_impressions) if days.size else None


def monte_carlo_interval(share: float, runs: int) -> tuple[float, float]:
    """95% normal interval of a simulated share (the Monte Carlo error of `runs` experiments)."""
    half = 1.96 * np.sqrt(max(share * (1 - share), 1.0 / runs) / runs)
    return max(0.0, share - half), min(1.0, share + half)


def simulate_daily_looks(
    true_rates,
    *,
    runs: int = RUNS,
    days: int = DAYS,
    daily_impressions: int = DAILY_IMPRESSIONS,
    threshold: float = DEFAULT_THRESHOLD,
    min_impressions: int = DEFAULT_MIN_IMPRESSIONS,
    practical_lift: float = DEFAULT_PRACTICAL_LIFT,
    n_draws: int = 2000,
    seed: int = 0,
) -> DailyLooks:
    """The nightly job on `runs` experiments: every day each variant gets `daily_impressions` more
    impressions at its true rate and the rule looks at the running totals. An experiment stops at
    its first winner (that copy ships); a "no meaningful difference" verdict is recorded but the
    looks go on, so a later false winner would still count."""
    rates = np.asarray(true_rates, dtype=float)
    rng = np.random.default_rng(seed)
    daily = rng.binomial(daily_impressions, rates, size=(days, runs, rates.size))
    clicks = np.cumsum(daily, axis=0)
    winner = np.full(runs, -1)
    winner_day = np.zeros(runs, dtype=int)
    neutral_day = np.zeros(runs, dtype=int)
    for day in range(days):
        active = np.flatnonzero(winner < 0)
        if active.size == 0:
            break
        impressions = np.full((active.size, rates.size), float(daily_impressions * (day + 1)))
        found, neutral = verdicts_batch(
            impressions,
            clicks[day, active],
            threshold=threshold,
            min_impressions=min_impressions,
            practical_lift=practical_lift,
            n_draws=n_draws,
            seed=seed + 1 + day,
        )
        new = found >= 0
        winner[active[new]] = found[new]
        winner_day[active[new]] = day + 1
        first_neutral = neutral & (neutral_day[active] == 0)
        neutral_day[active[first_neutral]] = day + 1
    return DailyLooks(winner, winner_day, neutral_day, daily_impressions)


def simulate_single_look(true_rates, *, runs: int = RUNS, impressions: int = 20_000, seed: int = 0):
    """The rule looking once at `impressions` per variant (the fixed-sample simulation)."""
    rates = np.asarray(true_rates, dtype=float)
    rng = np.random.default_rng(seed)
    shown = np.full((runs, rates.size), impressions)
    clicks = rng.binomial(impressions, rates, size=shown.shape)
    return verdicts_batch(shown, clicks, seed=seed + 1)[0]


@dataclass
class SplitRegret:
    """Clicks lost against always showing the best variant, per experiment (mean over runs)."""

    thompson: float
    equal: float
    runs: int
    impressions: int

    @property
    def ratio(self) -> float:
        return self.thompson / self.equal if self.equal else float("nan")


def simulate_split_regret(
    true_rates,
    *,
    runs: int = 200,
    days: int = DAYS,
    daily_impressions: int = DAILY_IMPRESSIONS,
    floor: float = DEFAULT_SPLIT_FLOOR,
    n_draws: int = 500,
    seed: int = 0,
) -> SplitRegret:
    """Regret of steering each day's traffic by the recommended split against an equal split.

    Each day the experiment has `daily_impressions` per variant in total to give out; the
    recommended split is computed from the running totals (the same pooled Beta posteriors as the
    decision) and the next day's impressions follow it. Regret = expected clicks lost against
    showing only the best variant.
    """
    rates = np.asarray(true_rates, dtype=float)
    k = rates.size
    rng = np.random.default_rng(seed)
    total = daily_impressions * k
    shown = np.zeros((runs, k))
    clicks = np.zeros((runs, k))
    gap = rates.max() - rates
    regret = np.zeros(runs)
    for _day in range(days):
        draws = beta_posterior_draws(clicks, shown, n_draws, rng)
        prob_best, _ = prob_best_and_loss(draws)
        split = recommended_split(prob_best, floor)
        today = rng.multinomial(total, split)
        clicks += rng.binomial(today, rates)
        shown += today
        regret += today @ gap
    equal = days * daily_impressions * gap.sum()  # an equal split loses this, in expectation
    return SplitRegret(float(regret.mean()), float(equal), runs, days * total)

"""Simulations of the winner rule and the traffic split (pure numpy, seeded): the figures the policy
page, the tests and `make bench` state come from here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from content.winners import (
    BUDGETED_SHARE,
    DEFAULT_IMPRESSION_BUDGET,
    DEFAULT_MIN_IMPRESSIONS,
    DEFAULT_PRACTICAL_LIFT,
    DEFAULT_SPLIT_FLOOR,
    DEFAULT_THRESHOLD,
    beta_posterior_draws,
    error_spent,
    prob_best_and_loss,
    recommended_split,
    verdicts_batch,
)

# The setting the policy page states: two variants, 2,000 impressions each per day, 60 daily looks.
DAILY_IMPRESSIONS = 2000
DAYS = 60
RUNS = 400
# Within this many impressions per variant the better of 5% vs 6% CTR must be found (10 days):
# the default impression budget the looks spend their error over.
POWER_BUDGET = DEFAULT_IMPRESSION_BUDGET
# The budget the policy page stated before the looks spent their error over one (for comparison).
EARLIER_BUDGET = 30_000
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
    budget: int = POWER_BUDGET,
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
    spent = np.zeros(runs)  # what each experiment's looks have spent of the budgeted error so far
    budgeted_alpha = BUDGETED_SHARE * (1.0 - threshold)
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
            budget=budget,
            error_spent_before=spent[active],
            n_draws=n_draws,
            seed=seed + 1 + day,
        )
        if daily_impressions * (day + 1) >= min_impressions:  # a look that tested spends its share
            spent[active] = np.maximum(spent[active], error_spent(impressions[:, 0] / budget, budgeted_alpha))
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


def policy_figures() -> dict:
    """Every figure the policy page states, from the seeded simulations (a few seconds)."""
    null = simulate_daily_looks([0.05, 0.05], seed=1)
    better = simulate_daily_looks([0.05, 0.06], seed=2)
    null3 = simulate_daily_looks([0.05, 0.05, 0.05], seed=3)
    better3 = simulate_daily_looks([0.05, 0.05, 0.06], seed=4)
    alike = simulate_daily_looks([0.05, 0.05], daily_impressions=NEUTRAL_DAILY_IMPRESSIONS, seed=5)
    close = simulate_daily_looks([0.05, 0.053], daily_impressions=NEUTRAL_DAILY_IMPRESSIONS, seed=7)
    regret = simulate_split_regret([0.05, 0.06], seed=6)
    regret3 = simulate_split_regret([0.05, 0.05, 0.06], runs=100, seed=8)
    # one look at the budget: the fixed-sample simulations the rule met before daily looks
    single = simulate_single_look([0.05, 0.06], impressions=POWER_BUDGET, seed=10)
    single_null = simulate_single_look([0.05, 0.05], impressions=POWER_BUDGET, seed=20)
    single3 = simulate_single_look([0.05, 0.05, 0.06], impressions=POWER_BUDGET, seed=30)
    single3_null = simulate_single_look([0.05, 0.05, 0.05], impressions=POWER_BUDGET, seed=40)
    settled = alike.neutral_day[alike.neutral_day > 0]
    return {
        "runs": RUNS,
        "days": DAYS,
        "daily_impressions": DAILY_IMPRESSIONS,
        "budget": POWER_BUDGET,
        "false_winner": null.ever_winner(),
        "false_winner_three": null3.ever_winner(),
        "found_within_budget": better.found(1, POWER_BUDGET),
        "found_within_budget_three": better3.found(2, POWER_BUDGET),
        "earlier_budget": EARLIER_BUDGET,
        "found_within_earlier_budget": better.found(1, EARLIER_BUDGET),
        "found_within_earlier_budget_three": better3.found(2, EARLIER_BUDGET),
        "wrong_winner": float(np.mean(better.winner == 0)),
        "median_impressions_to_winner": better.median_impressions_to_winner(),
        "neutral_daily_impressions": NEUTRAL_DAILY_IMPRESSIONS,
        "neutral_when_equal": float(np.mean(alike.neutral_day > 0)),
        "neutral_median_impressions": float(np.median(settled) * NEUTRAL_DAILY_IMPRESSIONS)
        if settled.size
        else None,
        "neutral_when_lift_6_percent": float(np.mean(close.neutral_day > 0)),
        "regret_runs": regret.runs,
        "regret_thompson": regret.thompson,
        "regret_equal": regret.equal,
        "regret_ratio": regret.ratio,
        "regret_ratio_three": regret3.ratio,
        "single_look_found": float(np.mean(single == 1)),
        "single_look_false_winner": float(np.mean(single_null >= 0)),
        "single_look_found_three": float(np.mean(single3 == 2)),
        "single_look_false_winner_three": float(np.mean(single3_null >= 0)),
    }


# What policy_figures() gives (tests/content/test_winner_policy_figures.py checks they still do),
# so pages show them without running the simulations on every request.
STATED = {
    "runs": 400,
    "days": 60,
    "daily_impressions": 2000,
    "budget": 20000,
    "false_winner": 0.015,
    "false_winner_three": 0.0225,
    "found_within_budget": 0.94,
    "found_within_budget_three": 0.96,
    "earlier_budget": 30000,
    "found_within_earlier_budget": 0.97,
    "found_within_earlier_budget_three": 0.965,
    "wrong_winner": 0.0,
    "median_impressions_to_winner": 8000.0,
    "neutral_daily_impressions": 10000,
    "neutral_when_equal": 0.965,
    "neutral_median_impressions": 220000.0,
    "neutral_when_lift_6_percent": 0.0,
    "regret_runs": 200,
    "regret_thompson": 275.94,
    "regret_equal": 1200.0,
    "regret_ratio": 0.230,
    "regret_ratio_three": 0.325,
    "single_look_found": 0.9875,
    "single_look_false_winner": 0.04,
    "single_look_found_three": 0.9875,
    "single_look_false_winner_three": 0.0125,
}


def stated_figures() -> dict:
    """The stated figures with their Monte Carlo intervals, for the policy page."""
    figures = dict(STATED)
    for key in (
        "false_winner",
        "found_within_budget",
        "neutral_when_equal",
        "neutral_when_lift_6_percent",
        "single_look_found",
        "single_look_false_winner",
    ):
        figures[f"{key}_interval"] = monte_carlo_interval(STATED[key], STATED["runs"])
    return figures

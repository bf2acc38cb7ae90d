"""Scenario: the content winner rule under daily looks, its "no meaningful difference" verdict and
the recommended split's regret, from the seeded simulations of content/simulation.py (pure, no
database; the same figures the policy page states)."""

from __future__ import annotations

import time

from bench.runner import Row, at_least, below
from content.simulation import monte_carlo_interval, policy_figures

SCENARIO = "13 winner rule (content)"


def _share(value: float, runs: int) -> str:
    low, high = monte_carlo_interval(value, runs)
    return f"95% Monte Carlo interval {100 * low:.1f}-{100 * high:.1f}%"


def run(ctx) -> list[Row]:
    started = time.perf_counter()
    f = policy_figures()
    seconds = time.perf_counter() - started
    setting = f"{f['runs']} experiments, {f['days']} daily looks, {f['daily_impressions']:,} impressions/variant/day"
    return [
        Row(SCENARIO, "equal variants (5% vs 5% CTR) ever given a winner", setting,
            100 * f["false_winner"], "%", target=below(5.0001, "at most 5%"),
            note=f"{_share(f['false_winner'], f['runs'])}; three equal variants "
            f"{100 * f['false_winner_three']:.1f}%; the old rule (probability to be best alone): about 38%"),
        Row(SCENARIO, f"5% vs 6% CTR: better one found within {f['budget']:,} impressions/variant", setting,
            100 * f["found_within_budget"], "%", target=at_least(90, "at least 90%"),
            note=f"{_share(f['found_within_budget'], f['runs'])}; worse one named {100 * f['wrong_winner']:.1f}%; "
            f"median {f['median_impressions_to_winner']:,.0f} impressions/variant; three variants "
            f"{100 * f['found_within_budget_three']:.1f}%; within {f['earlier_budget']:,}: "
            f"{100 * f['found_within_earlier_budget']:.1f}% (three {100 * f['found_within_earlier_budget_three']:.1f}%)"),
        Row(SCENARIO, f"one look at {f['budget']:,} impressions/variant: 5% vs 6% CTR picked",
            f"{f['runs']} experiments (the tests' fixed-sample simulation)", 100 * f["single_look_found"], "%",
            target=at_least(98.75, "no worse than before daily looks (98.75%)"),
            note=f"{_share(f['single_look_found'], f['runs'])}; equal variants given a winner "
            f"{100 * f['single_look_false_winner']:.2f}% (before 5.75%); three variants picked "
            f"{100 * f['single_look_found_three']:.2f}% (before 98.75%), false {100 * f['single_look_false_winner_three']:.2f}% (before 1.0%)"),
        Row(SCENARIO, "equal variants settled as 'no meaningful difference' (+/-5%)",
            f"{f['runs']} experiments, {f['days']} daily looks, {f['neutral_daily_impressions']:,} impressions/variant/day",
            100 * f["neutral_when_equal"], "%",
            note=f"median after {f['neutral_median_impressions']:,.0f} impressions/variant; a real 6% lift wrongly "
            f"settled {100 * f['neutral_when_lift_6_percent']:.1f}%"),
        Row(SCENARIO, "recommended split's regret vs an equal split (5% vs 6% CTR)",
            f"{f['regret_runs']} experiments, {f['days']} days", 100 * f["regret_ratio"], "%",
            target=below(100, "below the equal split"),
            note=f"{f['regret_thompson']:.0f} vs {f['regret_equal']:.0f} clicks lost; three variants "
            f"{100 * f['regret_ratio_three']:.0f}%; Thompson sampling, 10% floor; all figures in {seconds:.1f} s"),
    ]  # fmt: skip

"""Scenario: loop 2 learning from its own call list (leads.scoring.simulation), 20 rounds of scoring,
calls, outcomes and retraining: the model's AUC over all leads when the team follows only the top of
the list, with 10% exploration and inverse-probability weights, and trained on a random sample of
the same size. Writes the AUC-per-round chart to bench/call_list_learning.svg.

`python -m bench.scenario_call_list_learning` redraws the chart at the full seeds (no database)."""

from __future__ import annotations

import statistics
import time
from html import escape
from pathlib import Path

from bench.runner import Row, at_least, below
from leads.scoring.simulation import ARMS, SimulationSettings, simulate_call_list_learning

FULL_SEEDS = 8
ROUNDS = 20
WITHIN = 0.02  # the bar: with exploration and weights, within 0.02 of a random sample
CHART = Path(__file__).resolve().parent / "call_list_learning.svg"
COLOURS = {
    "top only": "#c0392b",
    "exploration + IPW": "#1f6fb2",
    "exploration, unweighted": "#9b59b6",
    "random sample": "#2e8b57",
}
LABELS = {
    "top only": "(a) top of the list only",
    "exploration + IPW": "(b) 10% exploration + IPW",
    "exploration, unweighted": "exploration, unweighted",
    "random sample": "(c) random sample, same size",
}


def simulate(seeds: list[int]) -> list:
    return [simulate_call_list_learning(SimulationSettings(rounds=ROUNDS, seed=seed)) for seed in seeds]


def median_curves(results) -> dict[str, list[float]]:
    return {arm: [statistics.median(r.auc[arm][i] for r in results) for i in range(ROUNDS)] for arm in ARMS}


def chart_svg(curves: dict[str, list[float]], ceiling: float, seeds: int) -> str:
    """A line chart of AUC per round, one line per arm, drawn as plain SVG (no plotting library)."""
    width, height, left, right, top, bottom = 760, 420, 64, 228, 44, 52
    values = [v for curve in curves.values() for v in curve] + [ceiling]
    low = min(values) - 0.01
    high = max(values) + 0.005
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + plot_w * i / (ROUNDS - 1)

    def y(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">Model AUC over all leads, per round '
        f"(median of {seeds} seeds)</text>",
        f'<text x="{left}" y="36" fill="#555">Simulated truth; the team calls 200 of 2,000 new leads a round</text>',
    ]
    step = 0.01
    tick = round(low / step) * step
    while tick <= high:
        if tick >= low:
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e5e5"/>'
                f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.2f}</text>'
            )
        tick += step
    for i in range(0, ROUNDS, 2):
        parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{i + 1}</text>')
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle">round (after its retraining)</text>'
        f'<text x="16" y="{top + plot_h / 2}" transform="rotate(-90 16 {top + plot_h / 2})" '
        'text-anchor="middle">AUC</text>'
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{y(ceiling):.1f}" y2="{y(ceiling):.1f}" stroke="#555" '
        'stroke-dasharray="5 4"/>'
    )
    for arm, curve in curves.items():
        dash = ' stroke-dasharray="2 3"' if arm == "exploration, unweighted" else ""
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(curve))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{COLOURS[arm]}" stroke-width="2.2"{dash}/>'
        )
    legend_x = left + plot_w + 16
    entries = [(LABELS[arm], COLOURS[arm], arm == "exploration, unweighted") for arm in curves]
    entries.append(("true probabilities (ceiling)", "#555", True))
    for k, (label, colour, dashed) in enumerate(entries):
        ly = top + 14 + k * 22
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2.2"{dash}/><text x="{legend_x + 30}" y="{ly + 4}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def run(ctx) -> list[Row]:
    seeds = list(range(ctx.size(FULL_SEEDS, minimum=2)))
    started = time.perf_counter()
    results = simulate(seeds)
    elapsed = time.perf_counter() - started
    curves = median_curves(results)
    finals = {arm: [round(r.final(arm), 4) for r in results] for arm in ARMS}
    if ctx.full:
        CHART.write_text(chart_svg(curves, statistics.median(r.best_auc for r in results), len(seeds)))
    size = f"{len(seeds)} seeds x {ROUNDS} rounds x 2,000 leads, 200 calls"
    loss = [c - a for a, c in zip(finals["top only"], finals["random sample"], strict=True)]
    gap = [abs(b - c) for b, c in zip(finals["exploration + IPW"], finals["random sample"], strict=True)]
    rows = [
        Row(
            "11 call list learning",
            f"AUC over all leads after {ROUNDS} rounds: {LABELS[arm]}",
            size,
            statistics.median(finals[arm]),
            "AUC",
            note=f"per seed {finals[arm]}" + (f"; {elapsed:.1f} s for all arms" if arm == ARMS[0] else ""),
            details={"curve_median": curves[arm], "final_per_seed": finals[arm], "seeds": seeds},
        )
        for arm in ARMS
    ]
    rows.append(
        Row(
            "11 call list learning",
            "AUC lost by following only the top (random sample minus top only)",
            size,
            100 * statistics.median(loss),
            "AUC points",
            note=f"smallest loss over seeds {min(loss):.3f} AUC",
            target=at_least(1.5, ">= 1.5 points on the median") if ctx.full else None,
            details={"per_seed": loss},
        )
    )
    rows.append(
        Row(
            "11 call list learning",
            "largest gap to the random sample with 10% exploration + IPW",
            size,
            100 * max(gap),
            "AUC points",
            note=f"median gap {statistics.median(gap):.3f} AUC; chart: bench/call_list_learning.svg",
            target=below(100 * WITHIN + 1e-9, f"<= {100 * WITHIN:g} points on every seed"),
            details={"per_seed": gap},
        )
    )
    return rows


if __name__ == "__main__":
    found = simulate(list(range(FULL_SEEDS)))
    CHART.write_text(
        chart_svg(median_curves(found), statistics.median(r.best_auc for r in found), FULL_SEEDS)
    )
    for arm in ARMS:
        print(f"{LABELS[arm]:32s}", [round(r.final(arm), 3) for r in found])
    print(f"chart: {CHART}")

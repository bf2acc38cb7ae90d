"""Measuring: warm-up, repeated runs, median and spread, references, ratios, targets, the table."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Stats:
    """Repeated measurements of one quantity (seconds, or anything measured per run)."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def spread(self) -> float:
        """Half the min-max range relative to the median (0.05 = +-5%)."""
        if not self.values or self.median == 0:
            return 0.0
        return (self.high - self.low) / 2 / abs(self.median)

    def as_dict(self) -> dict:
        return {
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "spread": self.spread,
            "runs": len(self.values),
            "values": self.values,
        }


def measure(
    work: Callable[[], object],
    *,
    runs: int = 3,
    warmup: int = 1,
    before: Callable[[], object] | None = None,
) -> Stats:
    """Seconds per call of ``work``: ``warmup`` untimed calls, then ``runs`` timed ones.

    ``before`` runs untimed ahead of every call (to reset state so each run does the same work).
    """
    for _ in range(warmup):
        if before:
            before()
        work()
    seconds = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Stats(seconds)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass
class Target:
    """A bar from the issue: ``value <op> bound`` (op is "<", "<=" or ">="), on the row's value or
    on its ratio to the reference (``of="ratio"``)."""

    op: str
    bound: float
    text: str
    of: str = "value"

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.op == "<":
            return value < self.bound
        return value <= self.bound if self.op == "<=" else value >= self.bound


def below(bound: float, text: str) -> Target:
    return Target("<", bound, text)


def at_least(bound: float, text: str) -> Target:
    return Target(">=", bound, text)


def within(times: float, text: str) -> Target:
    """At most `times` the reference (the row's ratio says which way is worse)."""
    return Target("<=", times, text, of="ratio")


@dataclass
class Row:
    """One figure of the table: what was measured, its value, reference, ratio and target."""

    scenario: str
    figure: str
    size: str
    value: float | None
    unit: str
    spread: float | None = None
    runs: int | None = None
    reference_name: str = ""
    reference: float | None = None
    ratio: float | None = None  # value / reference, or as described in ratio_note
    ratio_note: str = ""
    target: Target | None = None
    ratio_target: Target | None = None  # a second bar, on the ratio to the reference
    note: str = ""
    details: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        verdicts = []
        for target in (self.target, self.ratio_target):
            if target is None:
                continue
            met = target.met(self.ratio if target.of == "ratio" else self.value)
            verdicts.append(f"{target.text}: {'not measured' if met is None else 'met' if met else 'MISSED'}")
        return "; ".join(verdicts)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["target"] = None if self.target is None else asdict(self.target)
        data["ratio_target"] = None if self.ratio_target is None else asdict(self.ratio_target)
        data["verdict"] = self.verdict
        return data


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s" and value < 1:
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.2f} {unit}".strip()


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| scenario | figure | size | value (median, ±half range, runs) | reference (same run) | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        value = _number(row.value, row.unit)
        if row.value is not None and row.runs:
            value += f" (±{row.spread:.0%}, n={row.runs})" if row.spread is not None else f" (n={row.runs})"
        if row.note:
            value += f"; {row.note}"
        reference = (
            "" if not row.reference_name else f"{row.reference_name}: {_number(row.reference, row.unit)}"
        )
        ratio = "" if row.ratio is None else f"{row.ratio:,.2f}x"
        if row.ratio is not None and not row.ratio_note:
            ratio += " the reference's time" if row.unit in ("s", "ms") else ""
        if row.ratio_note:
            ratio = f"{ratio} {row.ratio_note}".strip()
        cells = [row.scenario, row.figure, row.size, value, reference, ratio, row.verdict]
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


def write_results(path, setup: dict, rows: list[Row], elapsed: float) -> None:
    payload = {"setup": setup, "elapsed_seconds": elapsed, "rows": [row.as_dict() for row in rows]}
    with open(path, "w") as handle:
        json.dump(payload, handle, indent=2, default=str)

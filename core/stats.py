"""Rates shown to people: successes out of n with a 95% Wilson interval (pure: no Django inside)."""

import math
from dataclasses import dataclass, field
from statistics import NormalDist

# Below this many observations a rate is flagged as resting on few data.
SMALL_SAMPLE = 30


def wilson_interval(successes, n, confidence=0.95):
    """Wilson score interval for a binomial proportion; (0.0, 1.0) when there is no data."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if n == 0:
        return (0.0, 1.0)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1; say so rather than a rounding residue.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return (low, high)


@dataclass(frozen=True)
class Rate:
    """``successes`` out of ``n``: the rate (``None`` without data, never 0) and its 95% Wilson
    interval ``low``..``high`` (fractions; the whole range 0..1 when n is 0).

    ``Rate(3, 10)`` validates the counts (ValueError for impossible ones) and turns numpy integers
    into plain ints, so ``as_dict()`` is JSON-ready.
    """

    successes: int
    n: int
    low: float = field(init=False)
    high: float = field(init=False)

    def __post_init__(self):
        successes, n = int(self.successes), int(self.n)
        low, high = wilson_interval(successes, n)
        object.__setattr__(self, "successes", successes)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "low", float(low))
        object.__setattr__(self, "high", float(high))

    @property
    def value(self) -> float | None:
        return self.successes / self.n if self.n else None

    @property
    def rate(self) -> float | None:
        """The value under the name templates (``_stat.html``) and JSON answers use."""
        return self.value

    @property
    def small_sample(self) -> bool:
        return self.n < SMALL_SAMPLE

    def as_dict(self) -> dict:
        """``{"successes", "n", "rate", "low", "high"}``: the shape JSON answers and charts carry."""
        return {
            "successes": self.successes,
            "n": self.n,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
        }

    def percent(self) -> dict:
        """``{"value", "n", "interval"}`` in percent with one decimal (value and interval ``None``
        without data): the seed's performance API."""

        def pct(x):
            return None if x is None else round(100 * x, 1)

        interval = None if self.value is None else [pct(self.low), pct(self.high)]
        return {"value": pct(self.value), "n": self.n, "interval": interval}


def difference_interval(successes, n, earlier_successes, earlier_n, confidence=0.95):
    """Interval of the difference of two proportions (Newcombe's hybrid score method, from the two
    Wilson intervals): how sure a change in points is."""
    p1, p2 = successes / n, earlier_successes / earlier_n
    low1, high1 = wilson_interval(successes, n, confidence)
    low2, high2 = wilson_interval(earlier_successes, earlier_n, confidence)
    difference = p1 - p2
    return (
        difference - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2),
        difference + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2),
    )

"""Confidence intervals for the rates shown to people (pure: no Django inside)."""

import math
from statistics import NormalDist


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


def rate_with_interval(successes, n, confidence=0.95):
    """A rate as the pages show it: value, n and its interval (value None when n is 0)."""
    low, high = wilson_interval(successes, n, confidence)
    return {
        "successes": successes,
        "n": n,
        "rate": successes / n if n else None,
        "low": low,
        "high": high,
    }


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

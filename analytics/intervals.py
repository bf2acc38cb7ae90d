"""Confidence intervals for the rates shown to people."""

import math

from scipy.stats import norm


def wilson_interval(successes, n, confidence=0.95):
    """Wilson score interval for a proportion; (0.0, 1.0) when there is no data."""
    if n <= 0:
        return (0.0, 1.0)
    if successes < 0 or successes > n:
        raise ValueError(f"successes must be within 0..n, got {successes} of {n}")
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half_width), min(1.0, centre + half_width))


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

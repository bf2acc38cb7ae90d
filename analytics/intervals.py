"""Moved to core.stats; this re-export goes once no module imports it."""

from core.stats import Rate, difference_interval, wilson_interval  # noqa: F401


def rate_with_interval(successes, n):
    """Moved: use ``core.stats.Rate(successes, n)`` (``.as_dict()`` gives this dict)."""
    return Rate(successes, n).as_dict()

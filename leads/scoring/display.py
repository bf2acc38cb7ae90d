"""How a probability is shown: a 1-99 score and a high/medium/low risk category."""

from __future__ import annotations

import math

DEFAULT_HIGH = 0.7
DEFAULT_LOW = 0.3


def display_score(probability: float) -> int:
    """1..99: never 0 or 100, a model is never certain."""
    if probability is None or not math.isfinite(probability):
        return 50
    return int(min(99, max(1, round(probability * 100))))


def risk_category(probability: float, high: float = DEFAULT_HIGH, low: float = DEFAULT_LOW) -> str:
    """'high' at or above `high` (likely to convert), 'low' below `low`, else 'medium'."""
    if probability >= high:
        return "high"
    if probability < low:
        return "low"
    return "medium"

"""Agent and recipe performance figures from raw counts: rates with their n and a Wilson interval
(pure); the definitions are in docs/leads.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.stats import SMALL_SAMPLE, Rate


@dataclass(frozen=True)
class PerformanceCounts:
    """Raw counts for one agent or one recipe."""

    execution_count: int = 0
    successful_executions: int = 0
    failed_executions: int = 0
    total_leads_generated: int = 0
    total_leads_kept: int = 0
    leads_with_feedback: int = 0
    total_leads_useful: int = 0
    leads_converted: int = 0
    quality_score_sum: float = 0.0
    quality_score_n: int = 0
    response_time_ms_sum: float = 0.0
    response_time_n: int = 0


def _mean(total: float, n: int) -> float | None:
    if n <= 0 or not math.isfinite(total):
        return None
    return total / n


def summarize_performance(counts: PerformanceCounts) -> dict[str, Any]:
    """The seed's performance fields plus n and a 95% interval beside every rate."""
    finished = counts.successful_executions + counts.failed_executions
    success = Rate(counts.successful_executions, finished)
    conversion = Rate(counts.leads_converted, counts.leads_with_feedback)
    useful = Rate(counts.total_leads_useful, counts.leads_with_feedback)
    quality = _mean(counts.quality_score_sum, counts.quality_score_n)
    response = _mean(counts.response_time_ms_sum, counts.response_time_n)
    success_pct, conversion_pct, useful_pct = (
        success.percent(),
        conversion.percent(),
        useful.percent(),
    )
    return {
        "execution_count": counts.execution_count,
        "successful_executions": counts.successful_executions,
        "failed_executions": counts.failed_executions,
        "success_rate": success_pct["value"],
        "success_rate_n": success.n,
        "success_rate_interval": success_pct["interval"],
        "avg_lead_quality": None if quality is None else round(quality, 3),
        "avg_lead_quality_n": counts.quality_score_n,
        "conversion_rate": conversion_pct["value"],
        "conversion_rate_n": conversion.n,
        "conversion_rate_interval": conversion_pct["interval"],
        "leads_converted": counts.leads_converted,
        "useful_rate": useful_pct["value"],
        "useful_rate_n": useful.n,
        "useful_rate_interval": useful_pct["interval"],
        "avg_response_time_ms": None if response is None else round(response),
        "avg_response_time_n": counts.response_time_n,
        "total_leads_generated": counts.total_leads_generated,
        "total_leads_kept": counts.total_leads_kept,
        "total_leads_useful": counts.total_leads_useful,
        "small_sample": min(success.n, conversion.n) < SMALL_SAMPLE,
    }


def performance_rates(counts: PerformanceCounts) -> dict[str, Rate]:
    """The rates of ``summarize_performance`` as ``Rate`` objects, for pages."""
    finished = counts.successful_executions + counts.failed_executions
    return {
        "success": Rate(counts.successful_executions, finished),
        "conversion": Rate(counts.leads_converted, counts.leads_with_feedback),
        "useful": Rate(counts.total_leads_useful, counts.leads_with_feedback),
    }

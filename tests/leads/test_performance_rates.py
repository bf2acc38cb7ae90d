"""Performance figures from counts: Wilson intervals, rates on no data, the seed's fields."""

import math

import pytest

from core.stats import Rate, wilson_interval
from leads.performance import PerformanceCounts, summarize_performance


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_stays_inside_zero_and_one_at_the_extremes():
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and 0 < high < 0.5
    low, high = wilson_interval(5, 5)
    assert 0.5 < low < 1 and high == 1.0


def test_wilson_interval_narrows_with_more_data():
    few = wilson_interval(1, 2)
    many = wilson_interval(500, 1000)
    assert (many[1] - many[0]) < (few[1] - few[0])


def test_wilson_interval_without_data_is_the_whole_range():
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(("successes", "n"), [(3, 2), (-1, 4), (0, -1)])
def test_impossible_counts_are_rejected(successes, n):
    with pytest.raises(ValueError):
        wilson_interval(successes, n)


def test_rate_on_no_data_is_none_not_zero():
    empty = Rate(0, 0)
    assert empty.value is None
    assert empty.percent() == {"value": None, "n": 0, "interval": None}


def test_rate_in_percent_carries_n_and_interval():
    assert Rate(13, 15).percent() == {"value": 86.7, "n": 15, "interval": [62.1, 96.3]}


def test_summary_has_the_seed_fields_computed_from_counts():
    counts = PerformanceCounts(
        execution_count=16,
        successful_executions=13,
        failed_executions=2,
        total_leads_generated=52,
        total_leads_kept=40,
        leads_with_feedback=20,
        total_leads_useful=12,
        leads_converted=9,
        quality_score_sum=15.6,
        quality_score_n=20,
        response_time_ms_sum=15 * 487,
        response_time_n=15,
    )
    summary = summarize_performance(counts)
    assert summary["execution_count"] == 16
    assert summary["success_rate"] == 86.7
    assert summary["success_rate_n"] == 15  # the running execution is not finished
    assert summary["conversion_rate"] == 45.0
    assert summary["conversion_rate_n"] == 20
    low, high = summary["conversion_rate_interval"]
    assert low < 45.0 < high
    assert summary["useful_rate"] == 60.0
    assert summary["avg_lead_quality"] == 0.78
    assert summary["avg_response_time_ms"] == 487
    assert summary["total_leads_useful"] == 12
    assert summary["small_sample"] is True


def test_summary_without_any_data_reports_nothing_as_zero():
    summary = summarize_performance(PerformanceCounts())
    assert summary["success_rate"] is None
    assert summary["conversion_rate"] is None
    assert summary["avg_lead_quality"] is None
    assert summary["avg_response_time_ms"] is None
    assert summary["execution_count"] == 0


def test_summary_ignores_a_non_finite_quality_sum():
    summary = summarize_performance(PerformanceCounts(quality_score_sum=math.nan, quality_score_n=3))
    assert summary["avg_lead_quality"] is None

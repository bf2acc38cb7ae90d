"""Improvement reports: ISO week and calendar month bounds, totals, change, performers."""

from datetime import date, datetime

import pytest

from feedback.analysis import entries_frame
from feedback.reports import build_report, period_bounds, previous_period, success_rate_fell


def test_weekly_period_is_the_iso_week():
    label, start, end = period_bounds("weekly", date(2026, 11, 25))
    assert (label, start, end) == ("2026-W48", date(2026, 11, 23), date(2026, 11, 30))


def test_iso_week_across_new_year_belongs_to_the_right_year():
    label, start, _ = period_bounds("weekly", date(2027, 1, 1))
    assert label == "2026-W53" and start == date(2026, 12, 28)


def test_monthly_period_is_the_calendar_month():
    assert period_bounds("monthly", date(2026, 2, 14)) == (
        "2026-02",
        date(2026, 2, 1),
        date(2026, 3, 1),
    )
    assert previous_period("monthly", date(2026, 1, 10))[0] == "2025-12"


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        period_bounds("daily", date(2026, 1, 1))


def _frame(good, bad, framework="cot", day=datetime(2026, 11, 24, 10)):
    rows = [
        {"prompt": "p", "rating": 5, "thumbs": 1, "tags": ["a"], "framework": framework, "model": "m"}
        for _ in range(good)
    ] + [
        {"prompt": "p", "rating": 2, "thumbs": -1, "tags": ["b"], "framework": "few-shot", "model": "m"}
        for _ in range(bad)
    ]
    frame = entries_frame(rows)
    frame["created_at"] = day
    return frame


def test_report_has_totals_rates_and_change_in_points():
    label, start, end = period_bounds("weekly", date(2026, 11, 25))
    report = build_report("weekly", label, start, end, _frame(6, 4), _frame(8, 2))
    assert report["period"] == "2026-W48"
    assert report["start_date"] == "2026-11-23" and report["end_date"] == "2026-11-29"
    assert report["total_prompts"] == 10
    assert report["success_rate"] == pytest.approx(0.6)
    assert report["avg_rating"] == pytest.approx(3.8)
    assert report["improvement_vs_previous"] == pytest.approx(-20.0)
    assert success_rate_fell(report)
    assert any("fell 20.0 points" in item for item in report["action_items"])


def test_report_names_top_performers_and_problem_areas():
    label, start, end = period_bounds("weekly", date(2026, 11, 25))
    report = build_report("weekly", label, start, end, _frame(10, 10), _frame(0, 0))
    assert report["top_performers"][0]["name"] in {"cot", "a"}
    assert {p["name"] for p in report["problem_areas"]} & {"few-shot", "b"}
    assert report["improvement_vs_previous"] is None
    assert not success_rate_fell(report)


def test_daily_series_covers_every_day_of_the_period():
    label, start, end = period_bounds("weekly", date(2026, 11, 25))
    report = build_report("weekly", label, start, end, _frame(3, 1), _frame(0, 0))
    assert len(report["daily"]) == 7
    tuesday = report["daily"][1]
    assert tuesday["date"] == "2026-11-24" and tuesday["n"] == 4
    assert report["daily"][0]["n"] == 0 and report["daily"][0]["success_rate"] is None


def test_empty_period_reports_zero_and_asks_for_ratings():
    label, start, end = period_bounds("monthly", date(2026, 11, 25))
    report = build_report("monthly", label, start, end, _frame(0, 0), _frame(0, 0))
    assert report["total_prompts"] == 0 and report["success_rate"] is None
    assert "rate more outputs" in report["action_items"][0]

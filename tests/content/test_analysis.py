"""Variant performance figures and daily series."""

import datetime as dt

import pandas as pd

from content.analysis import daily_series, variant_performance


def frame():
    d1, d2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    return pd.DataFrame(
        [
            (d1, "primary", "p1", 1000, 50, 5, 100.0),
            (d2, "primary", "p1", 1000, 30, 3, 60.0),
            (d1, "A", "p2", 2000, 200, 10, 300.0),
            (d1, "A", "p3", 0, 0, 0, 0.0),
        ],
        columns=[
            "date",
            "variant",
            "post_id",
            "impressions",
            "clicks",
            "conversions",
            "revenue",
        ],
    )


def test_variant_totals_and_pooled_rates():
    perf = variant_performance(frame())
    assert perf["primary"]["total_impressions"] == 2000
    assert perf["primary"]["avg_ctr"] == 0.04
    assert perf["primary"]["avg_conversion_rate"] == 0.1
    assert perf["A"]["posts"] == 2
    assert perf["A"]["avg_revenue_per_post"] == 150.0


def test_daily_series_leaves_gaps_for_days_without_impressions():
    series = daily_series(frame())
    assert series["dates"] == ["2026-03-01", "2026-03-02"]
    assert series["variants"]["primary"]["ctr"] == [0.05, 0.03]
    assert series["variants"]["A"]["ctr"] == [0.1, None]


def test_empty_frame_gives_empty_results():
    empty = pd.DataFrame(
        columns=[
            "date",
            "variant",
            "post_id",
            "impressions",
            "clicks",
            "conversions",
            "revenue",
        ]
    )
    assert variant_performance(empty) == {}
    assert daily_series(empty) == {"dates": [], "variants": {}}

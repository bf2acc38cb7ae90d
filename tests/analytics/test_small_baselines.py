"""Changes against the previous period: no percentages against a tiny baseline, rates in points
with their sign, interval and earlier n."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.figures import MIN_BASELINE, Figure
from tests.analytics.dashboard_html import read_dashboard
from tests.leads.factories import ExecutionFactory


def _count(value, previous):
    return Figure(key="k", loop="leads", title="Leads", kind="count", value=value, n=3, previous=previous)


def _rate(hits, n, previous_hits, previous_n):
    return Figure(
        key="r",
        loop="leads",
        title="Useful",
        kind="rate",
        value=hits / n,
        n=n,
        previous=previous_hits / previous_n,
        previous_n=previous_n,
        previous_hits=previous_hits,
    )


def test_count_against_a_baseline_of_one_shows_the_absolute_change():
    figure = _count(13, 1)
    assert figure.change_display == "+12 (from 1) vs previous period"
    assert "%" not in figure.change_display


def test_count_from_nothing_is_new_not_a_percentage():
    assert _count(5, 0).change_display == "new: none in the previous period"


def test_count_falling_below_a_small_baseline_keeps_its_sign():
    assert _count(2, 9).change_display == "−7 (from 9) vs previous period"


def test_count_against_a_large_enough_baseline_is_relative():
    figure = _count(150, 100)
    assert MIN_BASELINE <= 100
    assert figure.change_display == "+50% (from 100) vs previous period"


def test_rate_change_is_in_points_with_sign_interval_and_earlier_n():
    figure = _rate(60, 100, 40, 100)
    text = figure.change_display
    assert text.startswith("+20.0 points vs previous period (95% CI +")
    assert text.endswith("earlier n=100")
    low, high = figure.change["interval"]
    assert low < 20 < high


def test_rate_change_against_a_tiny_earlier_sample_has_a_wide_interval():
    figure = _rate(50, 100, 1, 2)
    low, high = figure.change["interval"]
    assert high - low > 50
    assert figure.change_display.endswith("earlier n=2")


@pytest.mark.django_db
def test_dashboard_shows_plus_twelve_from_one_not_twelve_hundred_percent(owner_client, workspace):
    for days_ago, generated in ((40, 1), (3, 13)):
        ExecutionFactory(
            recipe__workspace=workspace,
            recipe__agent__workspace=workspace,
            leads_generated=generated,
            leads_kept=0,
            created_at=timezone.now() - timedelta(days=days_ago),
        )
    page = owner_client.get("/?days=30").content.decode()
    cards = {card["key"]: card for card in read_dashboard(page).cards}

    assert cards["leads_generated"]["change"] == "+12 (from 1) vs previous period"
    assert "1200%" not in page

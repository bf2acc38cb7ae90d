"""The content loop's demo data: metrics, winners and a fading one, seeded once."""

import pytest

from content import demo
from content.models import DailyMetric, WinningCopy
from content.summaries import dashboard_cards

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_metrics_winners_and_a_fading_one(workspace, owner):
    demo.seed(workspace, owner)
    assert DailyMetric.objects.for_workspace(workspace).count() > 200
    winners = WinningCopy.objects.for_workspace(workspace)
    assert winners.filter(variant="A", experiment__name="spring-beans").exists()
    cards = dashboard_cards(workspace)
    assert cards[0]["value"] == winners.count()
    demo.seed(workspace, owner)  # seeding twice adds nothing
    assert WinningCopy.objects.for_workspace(workspace).count() == winners.count()

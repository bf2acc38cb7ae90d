"""Demo data, dashboard cards and the low-confidence alert."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import demo
from matching.models import MatchingSession, WeightVersion
from matching.performance import matching_analytics
from matching.summaries import dashboard_cards
from tests.matching.factories import WeightVersionFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_ranked_chosen_sessions_and_learned_weights(workspace, owner):
    demo.seed(workspace, owner)
    assert MatchingSession.objects.for_workspace(workspace).count() == 120
    version = WeightVersion.objects.for_workspace(workspace).get()
    assert version.n_sessions > 80
    assert version.segments["all"]["weights"]["quality_score"] > 0
    titles = [c["title"] for c in dashboard_cards(workspace)]
    assert "Matching conversion (30 days)" in titles


def test_confidence_below_threshold_for_seven_days_raises_an_alert(workspace):
    now = timezone.now()
    WeightVersionFactory(workspace=workspace, number=1, confidence=0.3, created_at=now - timedelta(days=9))
    WeightVersionFactory(workspace=workspace, number=2, confidence=0.4, created_at=now - timedelta(days=2))
    alerts = matching_analytics(workspace)["alerts"]
    assert [a["metric"] for a in alerts] == ["confidence"]


def test_recent_low_confidence_is_not_yet_an_alert(workspace):
    now = timezone.now()
    WeightVersionFactory(workspace=workspace, number=1, confidence=0.8, created_at=now - timedelta(days=9))
    WeightVersionFactory(workspace=workspace, number=2, confidence=0.4, created_at=now - timedelta(days=2))
    assert matching_analytics(workspace)["alerts"] == []


def test_analytics_page_shows_learned_weights_with_intervals(owner_client, workspace, owner):
    demo.seed(workspace, owner)
    body = owner_client.get("/matching/analytics/").content.decode()
    assert "Learned weights (v1)" in body
    assert "All segments" in body
    assert "quality score" in body
    assert "Price sensitive 0." in body  # confidence per segment in the history table

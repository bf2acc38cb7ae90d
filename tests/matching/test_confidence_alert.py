"""The low-confidence alert: raised after seven days below the threshold, not before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.performance import matching_analytics
from tests.matching.factories import WeightVersionFactory

pytestmark = pytest.mark.django_db


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

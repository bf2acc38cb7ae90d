"""The dashboard's alert when the output success rate fell."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.services import reports
from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_alert_when_the_success_rate_fell(owner_client, workspace):
    last_week = timezone.now() - timedelta(days=7)
    two_weeks = timezone.now() - timedelta(days=14)
    for i in range(10):
        FeedbackEntryFactory(workspace=workspace, rating=5, created_at=two_weeks)
        FeedbackEntryFactory(workspace=workspace, rating=5 if i < 3 else 1, created_at=last_week)
    reports.write_report(workspace, "weekly", last_week.date())
    body = owner_client.get(reverse("analytics:dashboard")).content.decode()
    assert "Output success rate fell 70.0 points" in body

"""The reports page: a report written from the page, with its chart and JSON export; viewers kept out."""

import pytest
from django.urls import reverse

from feedback.models import FeedbackReport
from tests.feedback.mixed import mixed_entries
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_writing_a_report_from_the_page_opens_it_with_chart_and_export(owner_client, workspace):
    mixed_entries(workspace, n=3)
    response = owner_client.post(reverse("feedback:reports"), {"period": "weekly"}, follow=True)
    report = FeedbackReport.objects.get()
    body = response.content.decode()
    assert report.total_prompts == 6
    event = AuditEvent.objects.get(action="feedback.report_written")
    assert event.actor.username == "olivia" and event.target == f"weekly {report.period}"
    assert 'data-chart="chart-daily"' in body and "Export JSON" in body
    export = owner_client.get(reverse("feedback:report_json", args=[report.pk]))
    assert export["Content-Type"] == "application/json"
    assert export.json()["total_prompts"] == 6


def test_viewer_cannot_write_a_report(viewer_client):
    response = viewer_client.post(reverse("feedback:reports"), {"period": "weekly"})
    assert response.status_code == 403

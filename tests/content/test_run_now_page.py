"""Run now from the page: the job queued and its status shown."""

import pytest
from django.urls import reverse

from content.models import WinnerRun

pytestmark = pytest.mark.django_db


def test_run_now_queues_the_job_and_shows_its_status(
    owner_client, workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(reverse("content:run_now"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Queued" in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert len(callbacks) == 1
    assert WinnerRun.objects.get().status == "queued"

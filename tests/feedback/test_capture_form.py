"""The capture form: an entry saved and shown, a missing rating, viewers kept out."""

import pytest
from django.urls import reverse

from feedback.models import FeedbackEntry

pytestmark = pytest.mark.django_db


def test_form_captures_an_entry_and_shows_its_output_page(teammate_client, workspace):
    response = teammate_client.post(
        reverse("feedback:entry_create"),
        {
            "prompt": "Explain quantum computing",
            "output": "Qubits...",
            "rating": "5",
            "thumbs": "up",
            "tags": "Technical, Explanation",
            "framework": "chain-of-thought",
            "model": "claude-sonnet-5",
        },
    )
    entry = FeedbackEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:entry_detail", args=[entry.pk])
    assert entry.tags == ["technical", "explanation"] and entry.framework == "chain-of-thought"


def test_form_without_a_rating_shows_the_error_beside_the_field(teammate_client):
    response = teammate_client.post(
        reverse("feedback:entry_create"), {"prompt": "p", "output": "o", "thumbs": "none"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not FeedbackEntry.objects.exists()


def test_viewer_cannot_open_the_capture_form(viewer_client):
    assert viewer_client.get(reverse("feedback:entry_create")).status_code == 403

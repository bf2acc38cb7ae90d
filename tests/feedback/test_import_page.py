"""The import page: a CSV file or a pasted JSON-lines batch, the bad line shown, nothing chosen."""

import io

import pytest
from django.urls import reverse

from feedback.models import FeedbackEntry
from tests.import_steps import preview_values

pytestmark = pytest.mark.django_db


def test_import_page_reports_the_count(teammate_client):
    upload = io.BytesIO(b"prompt,output,rating\nA,B,5\nC,D,1\n")
    upload.name = "feedback.csv"
    preview = teammate_client.post(reverse("feedback:import"), {"file": upload})
    response = teammate_client.post(reverse("feedback:import_confirm"), preview_values(preview), follow=True)
    assert "2 stored, 0 updated, 0 skipped" in response.content.decode()


def test_import_page_shows_the_bad_line(teammate_client):
    upload = io.BytesIO(b"prompt,output,rating\nA,B,5\nC,D,8\n")
    upload.name = "feedback.csv"
    preview = teammate_client.post(reverse("feedback:import"), {"file": upload})
    values = {**preview_values(preview), "all_or_nothing": "on"}
    response = teammate_client.post(reverse("feedback:import_confirm"), values, follow=True)
    assert "<td>3</td><td>rating</td>" in response.content.decode()
    assert not FeedbackEntry.objects.exists()


def test_a_pasted_json_lines_batch_is_imported(teammate_client, workspace):
    text = (
        '{"prompt": "A", "output": "B", "rating": 5, "tags": ["Code Review"]}\n'
        '{"prompt": "C", "output": "D", "rating": 2, "thumbs": "down"}\n'
    )
    preview = teammate_client.post(reverse("feedback:import"), {"text": text})
    response = teammate_client.post(reverse("feedback:import_confirm"), preview_values(preview), follow=True)
    assert "2 stored, 0 updated, 0 skipped" in response.content.decode()
    assert FeedbackEntry.objects.get(prompt="A").tags == ["code-review"]


def test_import_without_file_or_text_says_so(teammate_client):
    response = teammate_client.post(reverse("feedback:import"), {"text": "  "})
    assert "Choose a file or paste a batch." in response.content.decode()

"""The entries page: the list with its success rate, the tag filter (htmx) and an output's page."""

import pytest
from django.urls import reverse

from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db


def test_index_lists_entries_with_the_success_rate(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt="Explain quantum computing", rating=5)
    response = owner_client.get(reverse("feedback:index"))
    assert response.status_code == 200
    assert "Explain quantum computing" in response.content.decode()
    assert "n=1" in response.content.decode()


def test_index_filters_by_tag_as_an_htmx_fragment(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt="Review my code", tags=["code-review"])
    FeedbackEntryFactory(workspace=workspace, prompt="Write a poem", tags=["creative"])
    response = owner_client.get(reverse("feedback:index"), {"tag": "Code Review"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="entry-table">')
    assert "Review my code" in body and "Write a poem" not in body


def test_output_page_shows_prompt_output_and_widget(owner_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, prompt="Explain X", output="X is...")
    body = owner_client.get(reverse("feedback:entry_detail", args=[entry.pk])).content.decode()
    assert "Explain X" in body and "X is..." in body and 'id="rating-widget"' in body

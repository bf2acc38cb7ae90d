"""The suggestions page: rule-based without a key, last month's on opening, too little data."""

import pytest
from django.urls import reverse

from tests.feedback.mixed import mixed_entries

pytestmark = pytest.mark.django_db


def test_suggestions_page_is_rule_based_without_a_key(owner_client, workspace):
    mixed_entries(workspace)
    response = owner_client.get(
        reverse("feedback:suggestions"),
        {"days": 30, "limit": 5, "framework": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "No Anthropic API key is configured" in body and "rule-based" in body
    assert "Evidence:" in body


def test_suggestions_page_opens_with_last_months_suggestions(owner_client, workspace):
    mixed_entries(workspace)
    body = owner_client.get(reverse("feedback:suggestions")).content.decode()
    assert "From 24 rated outputs over 30 days" in body


def test_suggestions_page_with_no_feedback_says_insufficient(owner_client):
    body = owner_client.get(reverse("feedback:suggestions")).content.decode()
    assert "Insufficient feedback data: 0 rated outputs, at least 5 needed." in body

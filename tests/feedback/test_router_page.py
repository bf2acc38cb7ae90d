"""The router page: a recommendation with its confidence and reasoning."""

import pytest
from django.urls import reverse

from tests.feedback.mixed import mixed_entries

pytestmark = pytest.mark.django_db


def test_router_page_recommends_with_confidence_and_reasoning(owner_client, workspace):
    mixed_entries(workspace)
    response = owner_client.get(reverse("feedback:route"), {"tags": "Analytical"})
    body = response.content.decode()
    assert "Recommended: <strong>cot</strong> with <strong>sonnet</strong>" in body
    assert "probability it is the best" in body

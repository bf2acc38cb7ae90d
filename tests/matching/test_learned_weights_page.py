"""The analytics page's learned weights, with intervals per segment."""

import pytest

from matching import demo

pytestmark = pytest.mark.django_db


def test_analytics_page_shows_learned_weights_with_intervals(owner_client, workspace, owner):
    demo.seed(workspace, owner)
    body = owner_client.get("/matching/analytics/").content.decode()
    assert "Learned weights (v1)" in body
    assert "All segments" in body
    assert "quality score" in body
    assert "Price sensitive 0." in body  # confidence per segment in the history table

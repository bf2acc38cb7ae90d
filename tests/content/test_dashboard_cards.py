"""The content loop's dashboard cards."""

import pytest

from content.summaries import dashboard_cards

pytestmark = pytest.mark.django_db


def test_cards_before_any_run(workspace):
    cards = dashboard_cards(workspace)
    assert cards[1]["value"] == "–" and cards[0]["value"] == 0

"""The analytics page and dashboard cards: figures with their n, intervals and alerts."""

import pytest
from django.urls import reverse

from matching.services.sessions import record_choice, start_session
from matching.summaries import dashboard_cards
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db


def make_sessions(workspace, chosen_ranks, satisfaction=None):
    for rank in chosen_ranks:
        session = start_session(workspace, stated_preferences={"price": 5})
        if rank is not None:
            rec = session.recommendations.get(rank=rank)
            record_choice(workspace, session, candidate_id=rec.candidate_id, satisfaction=satisfaction)


def test_page_shows_conversion_rank_and_satisfaction_with_n(owner_client, workspace):
    provider_workspace(workspace)
    make_sessions(workspace, [1, 2, 1, None], satisfaction=5)
    body = owner_client.get(reverse("matching:analytics")).content.decode()
    assert "75%" in body  # 3 of 4 sessions converted
    assert "n=4" in body
    assert "1.33" in body  # mean chosen rank (1 + 2 + 1) / 3
    assert "Price sensitive" in body
    assert 'data-chart="matching-conversion"' in body


def test_low_conversion_and_satisfaction_raise_alerts(owner_client, workspace):
    provider_workspace(workspace)
    make_sessions(workspace, [3, None, None, None], satisfaction=2)
    body = owner_client.get(reverse("matching:analytics")).content.decode()
    assert 'data-metric="conversion"' in body
    assert 'data-metric="satisfaction"' in body
    assert 'data-metric="chosen_rank"' in body
    cards = dashboard_cards(workspace)
    assert sum(1 for c in cards if c["title"].startswith("Alert: ")) == 3


def test_no_alerts_without_data(owner_client, workspace):
    body = owner_client.get(reverse("matching:analytics")).content.decode()
    assert 'role="alert"' not in body
    assert "No sessions in this period" in body

"""The loop 1 demo shows near-miss exploration: near misses with feedback, and a suggestion with its
evidence on the preferences page."""

import pytest

from leads.demo import seed_preferences
from leads.models import Lead

pytestmark = pytest.mark.django_db


def test_demo_has_judged_near_misses_and_a_suggestion_on_the_preferences_page(workspace, owner, owner_client):
    seed_preferences(workspace, owner)
    near = Lead.objects.for_workspace(workspace).exclude(exploration_criterion="")
    assert near.filter(feedback__isnull=False).distinct().count() >= 20
    page = owner_client.get("/leads/preferences/").content.decode()
    assert "Healthcare leads were useful" in page and "add Healthcare?" in page
    run = near.first().execution
    assert "exploration: failed industry" in owner_client.get(f"/leads/executions/{run.id}/").content.decode()

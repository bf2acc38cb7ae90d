"""The matching loop's demo data: ranked, chosen sessions, learned weights and its dashboard card."""

import pytest

from matching import demo
from matching.models import MatchingSession, WeightVersion
from matching.summaries import dashboard_cards

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_ranked_chosen_sessions_and_learned_weights(workspace, owner):
    demo.seed(workspace, owner)
    assert MatchingSession.objects.for_workspace(workspace).count() == 120
    version = WeightVersion.objects.for_workspace(workspace).get()
    assert version.n_sessions > 80
    assert version.segments["all"]["weights"]["quality_score"] > 0
    titles = [c["title"] for c in dashboard_cards(workspace)]
    assert "Matching conversion (30 days)" in titles

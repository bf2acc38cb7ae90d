"""Loop 2 demo data and dashboard cards."""

import pytest

from leads.demo import seed_scoring
from leads.models import Lead, LeadScore, Outcome, ScoringSettings
from leads.summaries import scoring_cards

pytestmark = pytest.mark.django_db


def test_demo_seeds_outcomes_a_champion_and_scores_quickly(workspace, owner):
    seed_scoring(workspace, owner)
    # 500 closed leads, and three outcomes recorded from today's call list.
    assert Outcome.objects.filter(workspace=workspace).count() == 503
    assert Outcome.objects.filter(workspace=workspace, lead__call_list_entries__isnull=False).count() == 3
    assert ScoringSettings.objects.get(workspace=workspace).champion is not None
    scored = LeadScore.objects.filter(workspace=workspace, model_version="v1")
    assert scored.values("lead").distinct().count() == 100
    seed_scoring(workspace, owner)  # a second run adds nothing
    assert Lead.objects.filter(workspace=workspace).count() == 600
    cards = scoring_cards(workspace)
    assert cards[0]["value"] == "v1" and "AUC" in cards[0]["detail"]
    assert cards[1]["value"] == 503 and "95% CI" in cards[1]["detail"]


def test_cards_with_nothing_yet(workspace):
    cards = scoring_cards(workspace)
    assert cards[0]["value"] == "prior-1" and cards[1]["detail"] == "no outcomes yet"


def test_admin_lists_scoring_models(admin_client, workspace, owner):
    seed_scoring(workspace, owner)
    for name in ["outcome", "leadscore", "scoringmodelversion", "scoringsettings", "leadimport"]:
        assert admin_client.get(f"/admin/leads/{name}/").status_code == 200

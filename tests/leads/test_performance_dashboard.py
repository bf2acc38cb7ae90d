"""Loop 1's dashboard cards: rates with n and interval, nothing when there is no run yet."""

import pytest

from leads.summaries import preference_cards
from tests.leads.factories import (
    AgentFactory,
    ExecutionFactory,
    KeptLeadFactory,
    LeadFeedbackFactory,
    RecipeFactory,
)

pytestmark = pytest.mark.django_db


def test_no_cards_before_any_run(workspace):
    assert preference_cards(workspace) == []


def test_cards_count_runs_kept_leads_and_conversions(workspace, owner):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace))
    ok = ExecutionFactory(recipe=recipe, leads_generated=10, leads_kept=2)
    ExecutionFactory(recipe=recipe, status="failed", leads_generated=0, leads_kept=0)
    converted, other = KeptLeadFactory(execution=ok), KeptLeadFactory(execution=ok)
    LeadFeedbackFactory(lead=converted, user=owner, conversion_status="converted")
    LeadFeedbackFactory(lead=other, user=owner, conversion_status="not_interested")
    cards = {card["title"]: card for card in preference_cards(workspace)}
    assert cards["Lead runs succeeding"]["value"] == "50%"
    assert cards["Lead runs succeeding"]["n"] == 2
    assert "95% CI" in cards["Lead runs succeeding"]["detail"]
    assert cards["Generated leads kept by preferences"]["value"] == "2 of 10"
    assert (cards["Kept leads converted"]["value"], cards["Kept leads converted"]["n"]) == ("50%", 2)

"""A run's near misses are judged to teach the preferences: they do not grade the agent or recipe."""

import pytest

from analytics.entities import agents_table
from analytics.periods import period_from
from leads.services.performance import agent_performance, conversion_breakdown, performance_counts
from tests.leads.factories import ExecutionFactory, KeptLeadFactory, LeadFeedbackFactory

pytestmark = pytest.mark.django_db


def test_feedback_on_near_misses_leaves_agent_and_recipe_figures_to_the_kept_leads(workspace):
    execution = ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace)
    for useful in (True, True, False):
        LeadFeedbackFactory(lead__execution=execution, useful=useful, conversion_status="converted")
    for _ in range(4):  # near misses, all judged not useful
        LeadFeedbackFactory(
            lead=KeptLeadFactory(execution=execution, exploration_criterion="industry", keep_probability=0.1),
            useful=False,
            conversion_status="not_interested",
        )
    counts = performance_counts(workspace, agent=execution.agent)
    assert (counts.leads_with_feedback, counts.total_leads_useful, counts.leads_converted) == (3, 2, 3)
    shown = agent_performance(workspace, execution.agent)
    assert (shown["conversion_rate_n"], shown["leads_converted"]) == (3, 3)
    assert conversion_breakdown(workspace, recipe=execution.recipe)["not_interested"] == 0
    table = agents_table(workspace, period_from({}))
    row = next(r for r in table.rows if r["id"] == execution.agent.pk)
    assert (row["useful_rate_n"], row["useful_rate"]) == (3, pytest.approx(2 / 3))


def test_the_execution_api_says_which_leads_are_near_misses_and_their_chance(api_client, workspace):
    execution = ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace)
    kept = KeptLeadFactory(execution=execution, rank=1, keep_probability=1.0)
    near = KeptLeadFactory(
        execution=execution, rank=2, exploration_criterion="industry", keep_probability=0.25
    )
    body = api_client.get(f"/api/v1/executions/{execution.id}").json()
    shown = {row["lead_id"]: (row["exploration_criterion"], row["keep_probability"]) for row in body["leads"]}
    assert shown == {str(kept.id): ("", 1.0), str(near.id): ("industry", 0.25)}

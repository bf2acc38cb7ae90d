"""Agent and recipe figures (API and pages) match a direct recomputation from the raw rows."""

import random

import pytest

from core.stats import wilson_interval
from leads.models import Execution, Lead, LeadFeedback
from tests.leads.factories import (
    AgentFactory,
    ExecutionFactory,
    KeptLeadFactory,
    LeadFeedbackFactory,
    RecipeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(workspace, owner, teammate):
    """A random but fixed history: two recipes of one agent, runs of every status, mixed feedback."""
    rng = random.Random(4)
    agent = AgentFactory(workspace=workspace, name="Hunter")
    other_agent = AgentFactory(workspace=workspace, name="Other")
    recipes = [RecipeFactory(agent=agent, name=f"R{i}") for i in range(2)]
    users = [owner, teammate]
    for _ in range(9):
        recipe = rng.choice(recipes)
        status = rng.choice(["succeeded", "succeeded", "partial", "failed", "running"])
        execution = ExecutionFactory(
            recipe=recipe, status=status, duration_ms=rng.randint(100, 900) if status != "running" else None,
            leads_generated=rng.randint(0, 50), leads_kept=rng.randint(0, 5),
        )  # fmt: skip
        if status in ("succeeded", "partial"):
            for _ in range(rng.randint(1, 4)):
                lead = KeptLeadFactory(execution=execution)
                for user in rng.sample(users, rng.randint(0, 2)):
                    LeadFeedbackFactory(
                        lead=lead, user=user, useful=rng.choice([True, False, None]),
                        conversion_status=rng.choice(["pending", "interested", "not_interested", "converted"]),
                        quality_score=rng.choice([None, 0.2, 0.6, 1.0]),
                    )  # fmt: skip
    ExecutionFactory(recipe=RecipeFactory(agent=other_agent), status="failed")
    return agent, recipes


def recompute(executions):
    """The figures straight from the rows, in plain Python."""
    executions = list(executions)
    successful = sum(e.status in ("succeeded", "partial") for e in executions)
    failed = sum(e.status == "failed" for e in executions)
    leads = list(Lead.objects.filter(execution__in=executions))
    feedback = list(LeadFeedback.objects.filter(lead__in=leads))
    judged = {f.lead_id for f in feedback}
    converted = {f.lead_id for f in feedback if f.conversion_status == "converted"}
    useful = {f.lead_id for f in feedback if f.useful is True}
    scores = [f.quality_score for f in feedback if f.quality_score is not None]
    durations = [e.duration_ms for e in executions if e.status != "running" and e.duration_ms is not None]
    return {
        "execution_count": len(executions),
        "successful_executions": successful,
        "failed_executions": failed,
        "success_rate": round(100 * successful / (successful + failed), 1),
        "success_rate_n": successful + failed,
        "success_rate_interval": [
            round(100 * x, 1) for x in wilson_interval(successful, successful + failed)
        ],
        "conversion_rate": round(100 * len(converted) / len(judged), 1) if judged else None,
        "conversion_rate_n": len(judged),
        "total_leads_useful": len(useful),
        "avg_lead_quality": round(sum(scores) / len(scores), 3) if scores else None,
        "avg_response_time_ms": round(sum(durations) / len(durations)) if durations else None,
        "total_leads_generated": sum(e.leads_generated for e in executions),
    }


def test_agent_performance_api_matches_the_rows(api_client, history):
    agent, _ = history
    body = api_client.get(f"/api/v1/agents/{agent.id}/performance").json()
    expected = recompute(Execution.objects.filter(agent=agent))
    assert {key: body[key] for key in expected} == expected
    assert body["agent_id"] == str(agent.id)


def test_recipe_conversions_api_matches_the_rows(api_client, history):
    _, recipes = history
    for recipe in recipes:
        body = api_client.get(f"/api/v1/analytics/recipes/{recipe.id}/conversions").json()
        expected = recompute(Execution.objects.filter(recipe=recipe))
        assert {key: body[key] for key in expected} == expected
        statuses = LeadFeedback.objects.filter(execution__recipe=recipe)
        assert sum(body["conversion_status_counts"].values()) == statuses.count()


def test_all_agents_are_listed(api_client, workspace, history):
    body = api_client.get("/api/v1/analytics/agents", {"customer_id": workspace.slug}).json()
    assert sorted(a["agent_name"] for a in body["agents"]) == ["Hunter", "Other"]
    other = next(a for a in body["agents"] if a["agent_name"] == "Other")
    assert other["success_rate"] == 0.0 and other["success_rate_n"] == 1
    assert other["conversion_rate"] is None


def test_analytics_for_another_customer_is_not_found(api_client, other_workspace):
    assert (
        api_client.get("/api/v1/analytics/agents", {"customer_id": str(other_workspace.id)}).status_code
        == 404
    )


def test_agent_page_shows_the_same_figures_with_n_and_interval(owner_client, history):
    agent, _ = history
    expected = recompute(Execution.objects.filter(agent=agent))
    page = owner_client.get(f"/leads/agents/{agent.id}/").content.decode()
    low, high = wilson_interval(expected["successful_executions"], expected["success_rate_n"])
    assert f"n={expected['success_rate_n']}, 95% CI {round(100 * low)}–{round(100 * high)}%" in page
    assert f"{expected['total_leads_generated']} generated" in page
    assert 'data-chart="agent-recipe-conversions"' in page


def test_feedback_moves_the_agent_and_recipe_figures(api_client, workspace):
    lead = KeptLeadFactory(
        execution=ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
    )
    agent_url = f"/api/v1/agents/{lead.execution.agent_id}/performance"
    before = api_client.get(agent_url).json()
    assert before["conversion_rate"] is None and before["conversion_rate_n"] == 0
    api_client.post(
        "/api/v1/leads/feedback",
        {"execution_id": str(lead.execution_id), "lead_id": str(lead.id), "useful": True,
         "conversion_status": "converted", "quality_score": 0.9},
        content_type="application/json",
    )  # fmt: skip
    after = api_client.get(agent_url).json()
    assert (after["conversion_rate"], after["conversion_rate_n"]) == (100.0, 1)
    assert after["total_leads_useful"] == 1
    assert after["avg_lead_quality"] == 0.9
    recipe = api_client.get(f"/api/v1/analytics/recipes/{lead.execution.recipe_id}/conversions").json()
    assert recipe["conversion_status_counts"]["converted"] == 1

"""The seed's end-to-end flow with a real worker and a stub agent on 127.0.0.1: 5 leads -> 1 kept."""

import pytest

from tests.leads.factories import AgentFactory, RecipeFactory
from tests.leads.stub_agent import Reply, stub_agent
from tests.leads.test_filtering import SEED_LEADS

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEED_PREFERENCES = {
    "preferred_industries": ["SaaS", "AI"],
    "min_engagement_score": 0.7,
    "geographic_focus": ["San Francisco", "New York"],
    "seniority_levels": ["founder", "CEO"],
}


def wait_until_finished(live_worker, api_client, execution_id):
    def finished():
        body = api_client.get(f"/api/v1/executions/{execution_id}").json()
        return body if body["status"] in ("succeeded", "partial", "failed") else None

    return live_worker.wait_for(finished, timeout=60, message="the execution to finish")


def test_seed_flow_preferences_run_feedback_figures(live_worker, api_client, workspace):
    agent = AgentFactory(workspace=workspace, source="http", name="Hunter")
    with stub_agent({"/leads": Reply.leads(SEED_LEADS)}) as stub:
        recipe = RecipeFactory(agent=agent, name="AI startup founders", endpoint_url=stub.url())
        response = api_client.post(
            f"/api/v1/users/{workspace.id}/preferences", SEED_PREFERENCES, content_type="application/json"
        )
        assert response.status_code == 200
        started = api_client.post(
            "/api/v1/recipes/execute-async",
            {"customer_id": str(workspace.id), "recipe_id": str(recipe.id),
             "input_data": {"search_query": "AI startup founders"}},
            content_type="application/json",
        ).json()  # fmt: skip
        execution = wait_until_finished(live_worker, api_client, started["execution_id"])
    assert stub.requests == [{"search_query": "AI startup founders"}]
    assert execution["status"] == "succeeded", execution["error"]
    assert [lead["name"] for lead in execution["leads"]] == ["Sarah Chen"]
    assert (execution["filtering_impact"]["generated"], execution["filtering_impact"]["kept"]) == (5, 1)

    before = api_client.get(f"/api/v1/agents/{agent.id}/performance").json()
    assert before["execution_count"] == 1 and before["success_rate"] == 100.0
    assert before["conversion_rate_n"] == 0

    feedback = api_client.post(
        "/api/v1/leads/feedback",
        {"execution_id": execution["execution_id"], "lead_name": "Sarah Chen", "useful": True,
         "relevant": True, "conversion_status": "converted", "quality_score": 0.9},
        content_type="application/json",
    )  # fmt: skip
    assert feedback.status_code == 200

    after = api_client.get(f"/api/v1/agents/{agent.id}/performance").json()
    assert (after["conversion_rate"], after["conversion_rate_n"]) == (100.0, 1)
    assert after["total_leads_useful"] == 1 and after["avg_lead_quality"] == 0.9
    recipe_figures = api_client.get(f"/api/v1/analytics/recipes/{recipe.id}/conversions").json()
    assert recipe_figures["conversion_status_counts"]["converted"] == 1
    assert recipe_figures["total_leads_kept"] == 1


def test_agent_error_becomes_a_failed_execution_in_the_worker(live_worker, api_client, workspace):
    agent = AgentFactory(workspace=workspace, source="http")
    with stub_agent({"/leads": Reply(status=500, body=b"{}")}) as stub:
        recipe = RecipeFactory(agent=agent, endpoint_url=stub.url())
        started = api_client.post(f"/api/v1/recipes/{recipe.id}/execute", {}, content_type="application/json")
        execution = wait_until_finished(live_worker, api_client, started.json()["execution_id"])
    assert execution["status"] == "failed"
    assert "HTTP 500" in execution["error"]
    figures = api_client.get(f"/api/v1/agents/{agent.id}/performance").json()
    assert (figures["failed_executions"], figures["success_rate"]) == (1, 0.0)

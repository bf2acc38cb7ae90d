"""POST /api/v1/recipes/{recipe_id}/execute, the seed's /recipes/execute-async, GET /executions/{id}."""

import pytest

from leads.models import Execution
from leads.services.execution_worker import run_execution
from tests.leads.factories import AgentFactory, RecipeFactory
from tests.leads.test_filtering import SEED_LEADS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_recipe(workspace):
    return RecipeFactory(agent=AgentFactory(workspace=workspace, source="demo"))


def test_execute_queues_the_worker_task(api_client, demo_recipe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post(
            f"/api/v1/recipes/{demo_recipe.id}/execute",
            {"input_data": {"search_query": "fintech CFOs"}},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert len(callbacks) == 1
    execution = Execution.objects.get(pk=body["execution_id"])
    assert execution.input_data == {"search_query": "fintech CFOs"}
    assert execution.token is not None


def test_execute_async_takes_the_seed_body(api_client, demo_recipe, workspace):
    response = api_client.post(
        "/api/v1/recipes/execute-async",
        {
            "customer_id": str(workspace.id),
            "recipe_id": str(demo_recipe.id),
            "input_data": {"search_query": "x"},
        },
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Execution.objects.filter(pk=response.json()["execution_id"]).exists()


def test_execute_async_for_another_customer_is_not_found(api_client, demo_recipe, other_workspace):
    response = api_client.post(
        "/api/v1/recipes/execute-async",
        {"customer_id": str(other_workspace.id), "recipe_id": str(demo_recipe.id)},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Execution.objects.exists()


def test_an_unknown_recipe_is_not_found(api_client):
    response = api_client.post(
        "/api/v1/recipes/9b2f3c9e-0000-4000-8000-000000000000/execute", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_an_http_recipe_without_url_is_a_400(api_client, workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="http"), endpoint_url="")
    response = api_client.post(f"/api/v1/recipes/{recipe.id}/execute", {}, content_type="application/json")
    assert response.status_code == 400
    assert "endpoint_url" in response.json()["errors"]
    assert not Execution.objects.exists()


def test_a_push_agent_needs_leads(api_client, workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    response = api_client.post(f"/api/v1/recipes/{recipe.id}/execute", {}, content_type="application/json")
    assert response.status_code == 400
    assert "leads" in response.json()["errors"]


def test_too_many_pushed_leads_are_refused(api_client, workspace, settings):
    settings.LEADS_MAX_GENERATED_PER_EXECUTION = 3
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    response = api_client.post(
        f"/api/v1/recipes/{recipe.id}/execute", {"leads": SEED_LEADS}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "At most 3 leads" in response.json()["errors"]["leads"][0]


def test_read_only_token_cannot_run_a_recipe(readonly_api_client, demo_recipe):
    response = readonly_api_client.post(
        f"/api/v1/recipes/{demo_recipe.id}/execute", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_execution_state_and_kept_leads_are_readable(api_client, workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    created = api_client.post(
        f"/api/v1/recipes/{recipe.id}/execute", {"leads": SEED_LEADS}, content_type="application/json"
    ).json()
    run_execution(created["execution_id"])
    body = api_client.get(f"/api/v1/executions/{created['execution_id']}").json()
    assert body["status"] == "succeeded"
    assert body["leads_generated"] == 5
    assert [lead["name"] for lead in body["leads"]][:1] == ["Sarah Chen"]
    assert body["filtering_impact"]["kept"] == 5


def test_agents_are_listed_with_their_recipes(api_client, demo_recipe):
    body = api_client.get("/api/v1/agents").json()
    assert body[0]["recipes"] == [{"recipe_id": str(demo_recipe.id), "name": demo_recipe.name}]


def test_nul_characters_in_pushed_leads_are_refused_with_the_field_named(api_client, workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    leads = [{"name": "Sa\u0000rah", "title": "CEO"}]
    refused = api_client.post(
        f"/api/v1/recipes/{recipe.id}/execute", {"leads": leads}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert "leads.0.name" in refused.json()["errors"]
    assert not Execution.objects.filter(recipe=recipe).exists()


def test_agents_and_recipes_can_be_created_through_the_api(api_client, workspace, settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]  # an on-premises agent
    agent = api_client.post(
        "/api/v1/agents", {"name": "Hunter", "source": "http"}, content_type="application/json"
    )
    assert agent.status_code == 201, agent.content
    recipe = api_client.post(
        f"/api/v1/agents/{agent.json()['id']}/recipes",
        {
            "name": "AI founders",
            "input_data": {"search_query": "AI founders"},
            "endpoint_url": "http://127.0.0.1:8999/x",
        },
        content_type="application/json",
    )
    assert recipe.status_code == 201, recipe.content
    listed = api_client.get("/api/v1/agents").json()
    assert listed[0]["recipes"] == [{"recipe_id": recipe.json()["id"], "name": "AI founders"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "x", "endpoint_url": ""}, "endpoint_url"), ({"name": "x", "endpoint_url": "ftp://a/b"}, "endpoint_url"),
     ({"name": "", "endpoint_url": "http://a.example/x"}, "name"),
     ({"name": "x", "endpoint_url": "http://a.example/x", "demo_lead_count": 0}, "demo_lead_count")],
)  # fmt: skip
def test_bad_recipes_are_refused_per_field(api_client, workspace, body, field):
    agent = AgentFactory(workspace=workspace, source="http")
    response = api_client.post(f"/api/v1/agents/{agent.id}/recipes", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_duplicate_or_unknown_source_agents_are_refused(api_client, workspace):
    AgentFactory(workspace=workspace, name="Hunter")
    response = api_client.post(
        "/api/v1/agents", {"name": "hunter", "source": "rss"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "source"}

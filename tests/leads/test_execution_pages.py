"""Run recipe button, the execution page and its live status fragment, agents and recipes pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.models import Agent, Execution, Recipe
from leads.services.execution_worker import run_execution
from tests.leads.factories import AgentFactory, RecipeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_recipe(workspace):
    return RecipeFactory(agent=AgentFactory(workspace=workspace, source="demo"), name="AI founders")


def test_run_recipe_button_queues_and_opens_the_execution(
    owner_client, demo_recipe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(f"/leads/recipes/{demo_recipe.id}/run/")
    execution = Execution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/leads/executions/{execution.id}/"
    assert len(callbacks) == 1
    assert execution.requested_by is not None


def test_queued_execution_page_polls_for_its_status(owner_client, demo_recipe):
    owner_client.post(f"/leads/recipes/{demo_recipe.id}/run/")
    execution = Execution.objects.get()
    page = owner_client.get(f"/leads/executions/{execution.id}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Queued" in page


def test_status_fragment_shows_the_finished_run_and_stops_polling(owner_client, demo_recipe):
    owner_client.post(f"/leads/recipes/{demo_recipe.id}/run/")
    execution = Execution.objects.get()
    run_execution(execution.id)
    response = owner_client.get(f"/leads/executions/{execution.id}/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="execution-status"')
    assert "<html" not in fragment
    assert "Succeeded" in fragment
    assert "every 1s" not in fragment
    assert "Kept leads" in fragment
    assert "generated" in fragment


def test_failed_execution_page_says_why(owner_client, workspace):
    recipe = RecipeFactory(
        agent=AgentFactory(workspace=workspace, source="http"), endpoint_url="http://127.0.0.1:9/x"
    )
    owner_client.post(f"/leads/recipes/{recipe.id}/run/")
    execution = Execution.objects.get()
    run_execution(execution.id)
    page = owner_client.get(f"/leads/executions/{execution.id}/").content.decode()
    assert "Why it failed" in page
    assert "The agent could not be reached" in page


def test_viewer_cannot_run_a_recipe(viewer_client, demo_recipe):
    assert viewer_client.post(f"/leads/recipes/{demo_recipe.id}/run/").status_code == 403
    assert not Execution.objects.exists()


def test_an_agent_and_a_recipe_are_created_from_the_pages(owner_client, workspace, settings):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.1"]  # an on-premises agent
    response = owner_client.post(
        "/leads/agents/new/", {"name": "Hunter", "source": "http", "description": ""}
    )
    agent = Agent.objects.get(workspace=workspace)
    assert response["Location"] == f"/leads/agents/{agent.id}/"
    response = owner_client.post(
        f"/leads/agents/{agent.id}/",
        {
            "name": "AI founders",
            "input_data": '{"search_query": "AI founders"}',
            "endpoint_url": "http://127.0.0.1:8999/leads",
        },
    )
    recipe = Recipe.objects.get(agent=agent)
    assert response["Location"] == f"/leads/recipes/{recipe.id}/"
    assert recipe.input_data == {"search_query": "AI founders"}


def test_http_recipe_without_url_shows_the_error_beside_the_field(owner_client, workspace):
    agent = AgentFactory(workspace=workspace, source="http")
    response = owner_client.post(
        f"/leads/agents/{agent.id}/", {"name": "x", "input_data": "{}", "endpoint_url": ""}
    )
    assert response.status_code == 400
    assert "needs the URL" in response.content.decode()
    assert not Recipe.objects.exists()


def test_duplicate_agent_name_is_refused(owner_client, workspace):
    AgentFactory(workspace=workspace, name="Hunter")
    response = owner_client.post("/leads/agents/new/", {"name": "hunter", "source": "demo"})
    assert response.status_code == 400
    assert "exists already" in response.content.decode()


def test_agents_page_lists_agents_with_their_rates(owner_client, demo_recipe):
    page = owner_client.get("/leads/agents/").content.decode()
    assert demo_recipe.agent.name in page
    assert "no data yet (n=0)" in page


def test_a_csv_uploaded_on_the_recipe_page_is_run(
    owner_client, workspace, django_capture_on_commit_callbacks
):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="csv"))
    upload = SimpleUploadedFile("leads.csv", b"name,title\nSarah Chen,CEO\n", content_type="text/csv")
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(f"/leads/recipes/{recipe.id}/run/", {"file": upload})
    execution = Execution.objects.get()
    assert response["Location"] == f"/leads/executions/{execution.id}/"
    assert execution.source == "csv" and execution.pushed_leads[0]["name"] == "Sarah Chen"
    assert len(callbacks) == 1


def test_a_bad_csv_is_reported_on_the_recipe_page(owner_client, workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="csv"))
    upload = SimpleUploadedFile("leads.csv", "name\nJosé\n".encode("utf-16"), content_type="text/csv")
    response = owner_client.post(f"/leads/recipes/{recipe.id}/run/", {"file": upload}, follow=True)
    assert "not UTF-8" in response.content.decode()
    assert not Execution.objects.exists()


def test_agent_and_recipe_can_be_edited(owner_client, demo_recipe):
    agent = demo_recipe.agent
    response = owner_client.post(f"/leads/agents/{agent.id}/edit/", {"name": "Renamed", "source": "demo"})
    assert response.status_code == 302
    response = owner_client.post(
        f"/leads/recipes/{demo_recipe.id}/edit/",
        {"name": "Fintech CFOs", "input_data": '{"search_query": "CFO"}', "demo_lead_count": "12"},
    )
    assert response.status_code == 302
    demo_recipe.refresh_from_db()
    assert (demo_recipe.agent.name, demo_recipe.name, demo_recipe.demo_lead_count) == (
        "Renamed",
        "Fintech CFOs",
        12,
    )
    assert demo_recipe.input_data == {"search_query": "CFO"}


def test_recipe_input_must_be_a_json_object(owner_client, demo_recipe):
    response = owner_client.post(
        f"/leads/recipes/{demo_recipe.id}/edit/",
        {"name": "x", "input_data": "[1, 2]", "demo_lead_count": "5"},
    )
    assert response.status_code == 400
    assert "Give a JSON object" in response.content.decode()

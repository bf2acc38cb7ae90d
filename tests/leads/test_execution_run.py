"""Running a recipe: the worker's job against a local stub agent, its failure paths, and re-runs."""

import json

import pytest

from leads.models import Execution, Lead
from leads.services.execution_worker import run_execution
from leads.services.executions import start_execution
from leads.services.preferences import update_preferences
from tests.leads.factories import AgentFactory, RecipeFactory
from tests.leads.stub_agent import Reply, stub_agent
from tests.leads.test_filtering import SEED_LEADS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_agents_allowed(settings):
    """The stub agent listens on 127.0.0.1, which agents may only use when the operator allows it."""
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.0/8"]


SEED_PREFERENCES = {
    "preferred_industries": ["SaaS", "AI"],
    "min_engagement_score": 0.7,
    "geographic_focus": ["San Francisco", "New York"],
    "seniority_levels": ["founder", "CEO"],
}


@pytest.fixture
def http_recipe(workspace):
    agent = AgentFactory(workspace=workspace, source="http", name="Hunter")
    return RecipeFactory(agent=agent, name="AI startup founders", endpoint_url="http://127.0.0.1:9/leads")


def run_against(agent, recipe, workspace, path="/leads"):
    recipe.endpoint_url = agent.url(path)
    recipe.save()
    execution = start_execution(workspace, recipe)
    run_execution(execution.id)
    execution.refresh_from_db()
    return execution


def test_seed_case_keeps_exactly_the_matching_lead(workspace, http_recipe):
    update_preferences(workspace, SEED_PREFERENCES)
    with stub_agent({"/leads": Reply.leads(SEED_LEADS)}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert agent.requests == [{"search_query": "AI startup founders"}]
    assert execution.status == "succeeded"
    assert (execution.leads_generated, execution.leads_kept) == (5, 1)
    assert [lead.name for lead in execution.leads.all()] == ["Sarah Chen"]
    impact = execution.filtering_impact
    assert impact["failed"] == {"engagement": 1, "industry": 2, "location": 1, "seniority": 1}
    assert execution.duration_ms is not None and execution.progress == 100
    assert execution.preferences_used["min_engagement_score"] == 0.7


def test_agent_server_error_fails_the_execution_with_the_reason(workspace, http_recipe):
    with stub_agent({"/leads": Reply(status=500, body=b"oops")}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert execution.status == "failed"
    assert "HTTP 500" in execution.error
    assert execution.finished_at is not None
    assert not Lead.objects.filter(execution=execution).exists()


def test_malformed_json_fails_the_execution_with_the_reason(workspace, http_recipe):
    with stub_agent({"/leads": Reply(body=b"[{not json")}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert execution.status == "failed"
    assert "not valid JSON" in execution.error


def test_agent_timeout_fails_the_execution_with_the_reason(workspace, http_recipe, settings):
    settings.LEADS_AGENT_TIMEOUT = 0.3
    with stub_agent({"/leads": Reply.leads(SEED_LEADS, delay=1.2)}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert execution.status == "failed"
    assert "timeout" in execution.error


def test_ten_thousand_leads_make_a_partial_execution(workspace, http_recipe, settings):
    settings.LEADS_MAX_GENERATED_PER_EXECUTION = 5000
    update_preferences(workspace, {"max_leads_per_execution": 20})
    leads = [{"name": f"Lead {i}", "quality_score": (i % 100) / 100} for i in range(10_000)]
    with stub_agent({"/leads": Reply.leads(leads)}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert execution.status == "partial"
    assert execution.leads_generated == 5000
    assert execution.leads_kept == 20
    assert "10000 leads" in execution.warnings[0]
    assert execution.filtering_impact["received"] == 10_000


def test_running_a_finished_execution_again_changes_nothing(workspace, http_recipe):
    with stub_agent({"/leads": Reply.leads(SEED_LEADS)}) as agent:
        execution = run_against(agent, http_recipe, workspace)
        assert run_execution(execution.id) is None
    assert Lead.objects.filter(execution=execution).count() == 5
    assert len(agent.requests) == 1


def test_demo_agent_generates_and_filters(workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="demo"), demo_lead_count=40)
    update_preferences(workspace, {"min_engagement_score": 0.5})
    execution = start_execution(workspace, recipe)
    run_execution(execution.id)
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert execution.leads_generated == 40
    assert all(lead.engagement_score >= 0.5 for lead in execution.leads.all())
    assert execution.leads_kept == execution.leads.count()


def test_pushed_leads_are_filtered_like_generated_ones(workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    update_preferences(workspace, SEED_PREFERENCES)
    execution = start_execution(workspace, recipe, leads=json.loads(json.dumps(SEED_LEADS)))
    run_execution(execution.id)
    execution.refresh_from_db()
    assert execution.source == "push"
    assert [lead.name for lead in execution.leads.all()] == ["Sarah Chen"]


def test_a_csv_upload_runs_the_recipe_on_the_file(workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="csv"))
    content = b"name,title,industry,engagement_score\nA,CEO,SaaS,0.9\nB,Engineer,SaaS,0.9\n"
    update_preferences(workspace, {"seniority_levels": ["ceo"]})
    execution = start_execution(workspace, recipe, csv_content=content)
    run_execution(execution.id)
    execution.refresh_from_db()
    assert [lead.name for lead in execution.leads.all()] == ["A"]


def test_an_unexpected_error_is_recorded_on_the_row(workspace, http_recipe, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("leads.services.execution_worker.filter_leads", explode)
    with stub_agent({"/leads": Reply.leads(SEED_LEADS)}) as agent:
        execution = run_against(agent, http_recipe, workspace)
    assert execution.status == "failed"
    assert "disk on fire" in execution.error
    assert Execution.objects.filter(pk=execution.pk).exists()

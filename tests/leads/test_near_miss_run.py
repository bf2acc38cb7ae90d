"""Near-miss exploration in a recipe run: the worker keeps a few leads that failed exactly one
criterion, marked with it and their chance; the run page and the leads list say so; they take
feedback like any lead; the filtering impact keeps its documented counts."""

import pytest

from leads.models import Execution, Lead, PreferenceSet
from leads.services.execution_worker import run_execution
from leads.services.executions import start_execution
from leads.services.preferences import update_preferences
from tests.leads.factories import AgentFactory, RecipeFactory

pytestmark = pytest.mark.django_db


def _leads(count):
    # Every second lead is in Retail (fails the industry only), every lead else meets both criteria.
    return [
        {"name": f"Lead {i}", "industry": "Retail" if i % 2 else "SaaS", "engagement_score": 0.9,
         "quality_score": round(i / count, 3)}
        for i in range(count)
    ]  # fmt: skip


def _run(workspace, leads):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="push"))
    execution = start_execution(workspace, recipe, leads=leads)
    run_execution(execution.id)
    return Execution.objects.get(pk=execution.pk)


def test_a_run_keeps_a_few_near_misses_marked_with_the_criterion_and_their_chance(workspace):
    update_preferences(workspace, {"preferred_industries": ["SaaS"], "min_engagement_score": 0.5})
    execution = _run(workspace, _leads(120))
    impact = execution.filtering_impact
    assert (impact["generated"], impact["matched"], impact["kept"]) == (120, 60, 60)
    assert impact["generated"] == impact["matched"] + impact["removed_by_criteria"]
    assert execution.leads_kept == 60 and (impact["near_misses"], impact["explored"]) == (60, 3)
    explored = list(execution.leads.exclude(exploration_criterion=""))
    assert len(explored) == 3
    assert {lead.industry for lead in explored} == {"Retail"}
    assert {lead.exploration_criterion for lead in explored} == {"industry"}
    assert {lead.keep_probability for lead in explored} == {3 / 60}
    assert set(
        execution.leads.filter(exploration_criterion="").values_list("keep_probability", flat=True)
    ) == {1.0}
    assert sorted(lead.rank for lead in explored) == [61, 62, 63]


def test_the_share_is_a_setting_and_zero_turns_exploration_off(workspace):
    update_preferences(workspace, {"preferred_industries": ["SaaS"], "exploration_share": 0})
    execution = _run(workspace, _leads(120))
    assert execution.filtering_impact["explored"] == 0
    assert not execution.leads.exclude(exploration_criterion="").exists()


def test_small_runs_carry_their_share_to_the_next_run(workspace):
    update_preferences(workspace, {"preferred_industries": ["SaaS"]})
    first = _run(workspace, _leads(20))  # 10 near misses: half a lead owed
    assert first.filtering_impact["explored"] == 0
    assert PreferenceSet.objects.get(workspace=workspace).exploration_credit == pytest.approx(0.5)
    second = _run(workspace, _leads(20))
    assert second.filtering_impact["explored"] == 1
    assert Lead.objects.get(execution=second, exploration_criterion="industry").keep_probability == 0.1


def test_run_page_and_leads_list_show_near_misses_and_take_their_feedback(workspace, owner_client):
    update_preferences(workspace, {"preferred_industries": ["SaaS"]})
    execution = _run(workspace, _leads(120))
    page = owner_client.get(f"/leads/executions/{execution.id}/").content.decode()
    assert page.count("exploration: failed industry") == 3
    assert "plus <strong data-explored-count>3</strong> near misses kept for exploration" in page
    assert "3 of these leads were kept for exploration" in page and "5% chance" in page
    # The leads list, 25 a page: the near misses come after the 60 kept leads of the run, on page 3.
    assert owner_client.get("/leads/?page=3").content.decode().count("exploration: failed industry") == 3
    near = execution.leads.exclude(exploration_criterion="").first()
    response = owner_client.post(f"/leads/{near.id}/feedback/", {"useful": "true"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert near.feedback.get().useful is True


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("exploration_share", "0.9", "At most 0.5"),
        ("exploration_share", "nan", "Enter a number"),
        ("exploration_share", "abc", "number"),
        ("exploration_max_per_run", "-1", "at least 0"),
        ("exploration_max_per_run", "1000", "At most 100"),
        ("exploration_max_per_run", "1000000000", "at most 10,000,000"),
        ("exploration_max_per_run", "2.5", "whole number"),
    ],
)
def test_hostile_exploration_settings_are_refused_with_the_field_named(
    owner_client, workspace, field, value, message
):
    response = owner_client.post("/leads/preferences/", {field: value})
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_the_api_reads_and_sets_the_exploration_settings(api_client, workspace):
    body = api_client.get("/api/v1/users/acme/preferences").json()
    assert (body["exploration_share"], body["exploration_max_per_run"]) == (0.05, 3)
    response = api_client.post("/api/v1/users/acme/preferences", {"exploration_share": 0.1},
                               content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["exploration_share"] == 0.1
    assert response.json()["exploration_max_per_run"] == 3
    bad = api_client.post("/api/v1/users/acme/preferences", {"exploration_share": 2},
                          content_type="application/json")  # fmt: skip
    assert bad.status_code in (400, 422) and "exploration_share" in bad.content.decode()

"""The run_recipe command: same pipeline as the worker, impact printed, failures reported."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leads.models import Execution
from leads.services.preferences import update_preferences
from tests.leads.factories import AgentFactory, RecipeFactory

pytestmark = pytest.mark.django_db


def test_run_recipe_prints_the_filtering_impact(workspace, tmp_path):
    RecipeFactory(agent=AgentFactory(workspace=workspace, source="csv"), name="Imported list")
    update_preferences(workspace, {"seniority_levels": ["CEO"]})
    path = tmp_path / "leads.csv"
    path.write_text("name,title\nSarah Chen,CEO\nTom Price,Engineer\n")
    out = StringIO()
    call_command(
        "run_recipe",
        "--workspace",
        workspace.slug,
        "--recipe",
        "Imported list",
        "--csv",
        str(path),
        stdout=out,
    )
    text = out.getvalue()
    assert "succeeded" in text
    assert "generated 2, matched 1, kept 1" in text
    assert "seniority: 1 failed it, 1 removed by it alone" in text
    assert [lead.name for lead in Execution.objects.get().leads.all()] == ["Sarah Chen"]


def test_a_failing_agent_is_reported_with_the_reason(workspace):
    RecipeFactory(
        agent=AgentFactory(workspace=workspace, source="http"),
        name="Remote",
        endpoint_url="http://127.0.0.1:9/x",
    )
    out = StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("run_recipe", "--workspace", workspace.slug, "--recipe", "Remote", stdout=out)
    assert "reason: The agent could not be reached" in out.getvalue()
    assert Execution.objects.get().status == "failed"


def test_an_unknown_recipe_lists_the_known_ones(workspace):
    RecipeFactory(agent=AgentFactory(workspace=workspace), name="AI founders")
    with pytest.raises(CommandError, match="Recipes: AI founders"):
        call_command("run_recipe", "--workspace", workspace.slug, "--recipe", "Nope")


def test_a_missing_workspace_is_created_and_said(db):
    out = StringIO()
    with pytest.raises(CommandError, match="No recipe"):
        call_command("run_recipe", "--workspace", "brand-new", "--recipe", "x", stdout=out)
    assert "Created workspace brand-new" in out.getvalue()

"""The leads list opens on the leads recipe runs kept; CRM imports are one choice away, without
a column of "not from a recipe run"."""

import pytest

from leads.models import Lead
from tests.leads.factories import AgentFactory, ExecutionFactory, KeptLeadFactory, RecipeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(workspace):
    execution = ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
    return KeptLeadFactory(execution=execution, name="Sarah Chen")


def test_default_list_shows_recipe_leads_when_there_are_any(owner_client, workspace, kept):
    Lead.objects.create(workspace=workspace, name="Crm Person", source="Webinar")
    page = owner_client.get("/leads/").content.decode()
    assert "Sarah Chen" in page and "Crm Person" not in page
    assert '<option value="kept" selected>' in page


def test_without_any_run_the_default_list_shows_imported_leads_without_a_feedback_column(
    owner_client, workspace
):
    Lead.objects.create(workspace=workspace, name="Crm Person", source="Webinar")
    page = owner_client.get("/leads/").content.decode()
    assert "Crm Person" in page
    assert "Your feedback" not in page
    assert "Not from a recipe run" not in page
    assert page.count("record a lead's won/lost outcome on its own page") == 1


def test_mixed_list_explains_missing_feedback_once(owner_client, workspace, kept):
    for i in range(3):
        Lead.objects.create(workspace=workspace, name=f"Crm Person {i}", source="Webinar")
    page = owner_client.get("/leads/?kind=all").content.decode()
    assert "Your feedback" in page and "Crm Person 0" in page
    assert page.count("have no one-click feedback") == 1
    assert "Not from a recipe run" not in page

"""One-click feedback on a kept lead (htmx fragment), and the leads list."""

import pytest

from leads.models import Lead, LeadFeedback
from tests.leads.factories import (
    AgentFactory,
    ExecutionFactory,
    KeptLeadFactory,
    LeadFeedbackFactory,
    RecipeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(workspace):
    return KeptLeadFactory(
        execution=ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace))),
        name="Sarah Chen",
    )


def click(client, lead, **values):
    return client.post(f"/leads/{lead.id}/feedback/", values, HTTP_HX_REQUEST="true")


def test_marking_useful_answers_the_updated_controls_only(owner_client, owner, lead):
    response = click(owner_client, lead, useful="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<form id="feedback-{lead.id}"')
    assert "<html" not in fragment
    assert 'value="true" class="small" aria-pressed="true">Useful' in fragment
    assert "1 useful" in fragment
    feedback = LeadFeedback.objects.get(lead=lead, user=owner)
    assert feedback.useful is True
    assert feedback.lead_data["name"] == "Sarah Chen"


def test_each_click_edits_the_same_feedback(owner_client, owner, lead):
    click(owner_client, lead, useful="true")
    click(owner_client, lead, conversion_status="converted")
    click(owner_client, lead, quality_score="0.8")
    click(owner_client, lead, useful="false")
    feedback = LeadFeedback.objects.get(lead=lead)
    assert (feedback.useful, feedback.conversion_status, feedback.quality_score) == (False, "converted", 0.8)


def test_two_teammates_each_have_their_own_feedback(owner_client, teammate_client, lead):
    click(owner_client, lead, useful="true")
    response = click(teammate_client, lead, useful="false")
    assert LeadFeedback.objects.filter(lead=lead).count() == 2
    assert "1 useful, 1 not useful" in response.content.decode()


def test_a_note_over_1000_characters_is_refused_in_the_fragment(owner_client, lead):
    response = click(owner_client, lead, feedback_text="x" * 1001)
    assert response.status_code == 400
    assert "At most 1000 characters" in response.content.decode()
    assert not LeadFeedback.objects.exists()


def test_an_unknown_conversion_status_is_refused(owner_client, lead):
    response = click(owner_client, lead, conversion_status="maybe")
    assert response.status_code == 400
    assert not LeadFeedback.objects.exists()


def test_without_htmx_the_click_redirects_back_to_the_run(owner_client, lead):
    response = owner_client.post(f"/leads/{lead.id}/feedback/", {"relevant": "true"})
    assert response.status_code == 302
    assert response["Location"] == f"/leads/executions/{lead.execution_id}/"


def test_viewer_cannot_give_feedback(viewer_client, lead):
    assert click(viewer_client, lead, useful="true").status_code == 403
    assert not LeadFeedback.objects.exists()


def test_leads_list_shows_kept_leads_with_my_feedback(owner_client, owner, lead):
    LeadFeedbackFactory(lead=lead, user=owner, useful=True)
    page = owner_client.get("/leads/").content.decode()
    assert "Sarah Chen" in page
    assert 'aria-pressed="true">Useful' in page
    filtered = owner_client.get(f"/leads/?execution={lead.execution_id}").content.decode()
    assert "Sarah Chen" in filtered
    assert owner_client.get("/leads/?execution=not-a-uuid").status_code == 200


def test_leads_list_can_show_only_leads_i_have_not_judged(owner_client, owner, lead):
    other = KeptLeadFactory(execution=lead.execution, name="Tom Price")
    LeadFeedbackFactory(lead=lead, user=owner, useful=True)
    page = owner_client.get("/leads/?todo=1").content.decode()
    assert "Tom Price" in page and "Sarah Chen" not in page
    by_recipe = owner_client.get(f"/leads/?recipe={other.execution.recipe_id}").content.decode()
    assert "Tom Price" in by_recipe and "Sarah Chen" in by_recipe


def test_leads_list_also_shows_imported_leads_without_feedback_controls(owner_client, workspace, lead):
    imported = Lead.objects.create(workspace=workspace, name="Crm Person", source="Webinar")
    page = owner_client.get("/leads/?kind=all").content.decode()
    assert "Crm Person" in page and "Sarah Chen" in page
    assert f'id="feedback-{imported.id}"' not in page
    assert f'id="feedback-{lead.id}"' in page
    kept_only = owner_client.get("/leads/?kind=kept").content.decode()
    assert "Crm Person" not in kept_only and "Sarah Chen" in kept_only
    assert "Sarah Chen" not in owner_client.get("/leads/?kind=other").content.decode()

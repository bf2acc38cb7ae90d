"""POST /api/v1/leads/feedback and GET /api/v1/executions/{execution_id}/feedback."""

import pytest

from leads.models import LeadFeedback
from tests.leads.factories import AgentFactory, ExecutionFactory, KeptLeadFactory, RecipeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(workspace):
    execution = ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
    return KeptLeadFactory(execution=execution, name="Sarah Chen")


SEED_FEEDBACK = {
    "lead_name": "Sarah Chen",
    "useful": True,
    "relevant": True,
    "conversion_status": "interested",
    "quality_score": 0.9,
    "feedback_text": "Great fit! Already interested",
}


def post(client, body):
    return client.post("/api/v1/leads/feedback", body, content_type="application/json")


def test_seed_feedback_by_lead_name_is_recorded(api_client, lead):
    response = post(api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lead_id"] == str(lead.id)
    assert body["conversion_status"] == "interested"
    assert body["given_by"].startswith("API token")
    feedback = LeadFeedback.objects.get()
    assert feedback.quality_score == 0.9 and feedback.useful is True


def test_posting_again_with_the_same_token_updates_the_feedback(api_client, lead):
    post(api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK})
    post(
        api_client,
        {"execution_id": str(lead.execution_id), "lead_id": str(lead.id), "conversion_status": "converted"},
    )
    feedback = LeadFeedback.objects.get()
    assert feedback.conversion_status == "converted"
    assert feedback.feedback_text == "Great fit! Already interested"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quality_score": 1.5}, "quality_score"),
        ({"conversion_status": "maybe"}, "conversion_status"),
        ({"feedback_text": "x" * 1001}, "feedback_text"),
        ({"lead_name": "Nobody"}, "lead_name"),
    ],
)
def test_bad_feedback_is_refused_per_field(api_client, lead, change, field):
    response = post(api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not LeadFeedback.objects.exists()


def test_an_execution_of_another_workspace_is_refused(outsider_api_client, lead):
    response = post(outsider_api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK})
    assert response.status_code == 400
    assert "execution_id" in response.json()["errors"]


def test_execution_feedback_lists_what_was_given(api_client, lead):
    post(api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK})
    body = api_client.get(f"/api/v1/executions/{lead.execution_id}/feedback").json()
    assert [(f["lead_name"], f["useful"], f["quality_score"]) for f in body] == [("Sarah Chen", True, 0.9)]


def test_read_only_token_cannot_give_feedback(readonly_api_client, lead):
    response = post(readonly_api_client, {"execution_id": str(lead.execution_id), **SEED_FEEDBACK})
    assert response.status_code == 403


def test_nul_characters_in_feedback_are_refused_with_the_field_named(api_client, lead):
    body = {"execution_id": str(lead.execution_id), **SEED_FEEDBACK, "lead_name": "Sarah Chen",
            "feedback_text": "fine\u0000"}  # fmt: skip
    response = post(api_client, body)
    assert response.status_code == 422
    assert "feedback_text" in response.json()["errors"]
    assert not LeadFeedback.objects.exists()

"""The seed's /api/v1/feedback-learning/ routes."""

import pytest

from matching.models import Choice, Interaction, MatchingSession
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db

BASE = "/api/v1/feedback-learning"


def start(client, **body):
    return client.post(f"{BASE}/start-session", body, content_type="application/json")


def test_start_session_answers_the_ranked_list(api_client, workspace):
    provider_workspace(workspace)
    response = start(api_client, customer_ref="dina", complexity="low", stated_preferences={"price": 5})
    assert response.status_code == 201
    data = response.json()
    assert data["segment"] == "price_sensitive"
    assert data["weights_source"] == "defaults"
    assert [r["rank"] for r in data["recommendations"]] == [1, 2, 3, 4]
    assert data["recommendations"][0]["explanation"].startswith("Ranked 1 of 4 candidates.")
    assert "price" in data["recommendations"][0]["contributions"]


def test_record_choice_and_interaction(api_client, workspace):
    provider_workspace(workspace)
    data = start(api_client).json()
    second = data["recommendations"][1]
    response = api_client.post(
        f"{BASE}/record-interaction",
        {
            "session_id": data["session_id"],
            "candidate_id": second["candidate_id"],
            "interaction_type": "expanded",
            "time_spent_seconds": 12.5,
            "viewed_explanation_level": "detailed",
            "expanded_sections": ["factors"],
            "helpful_rating": 4,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    response = api_client.post(
        f"{BASE}/record-choice",
        {
            "session_id": data["session_id"],
            "chosen_candidate_id": second["candidate_id"],
            "reasoning": "closer",
            "important_factors": ["price"],
            "decision_time_seconds": 40,
            "satisfaction": 5,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["chosen_rank"] == 2
    choice = Choice.objects.get()
    assert choice.satisfaction == 5 and choice.important_factors == ["price"]
    assert Interaction.objects.get().helpful_rating == 4


def test_choice_of_a_candidate_not_shown_is_rejected(api_client, workspace):
    provider_workspace(workspace)
    data = start(api_client).json()
    response = api_client.post(
        f"{BASE}/record-choice",
        {"session_id": data["session_id"], "chosen_candidate_id": data["session_id"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "candidate_id" in response.json()["errors"]


def test_bad_input_answers_field_errors_not_500(api_client, workspace):
    provider_workspace(workspace)
    assert start(api_client, complexity="extreme").status_code == 400
    assert start(api_client, stated_preferences={"price": 9}).status_code == 400
    data = start(api_client).json()
    response = api_client.post(
        f"{BASE}/record-interaction",
        {"session_id": data["session_id"], "interaction_type": "liked"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = api_client.post(
        f"{BASE}/record-interaction",
        {"session_id": data["session_id"], "interaction_type": "viewed", "time_spent_seconds": "nan"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    response = api_client.post(
        f"{BASE}/record-choice", {"session_id": "not-a-uuid"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_another_workspaces_session_is_not_found(api_client, outsider_api_client, workspace):
    provider_workspace(workspace)
    data = start(api_client).json()
    response = outsider_api_client.post(
        f"{BASE}/record-choice", {"session_id": data["session_id"]}, content_type="application/json"
    )
    assert response.status_code == 404


def test_read_only_token_cannot_start_a_session(readonly_api_client, workspace):
    provider_workspace(workspace)
    assert start(readonly_api_client).status_code == 403
    assert not MatchingSession.objects.exists()


def test_analytics_and_health(api_client, workspace):
    provider_workspace(workspace)
    data = start(api_client).json()
    api_client.post(
        f"{BASE}/record-choice",
        {"session_id": data["session_id"], "chosen_candidate_id": data["recommendations"][0]["candidate_id"]},
        content_type="application/json",
    )
    start(api_client)
    figures = api_client.get(f"{BASE}/analytics").json()
    assert figures["overall"]["sessions"] == 2
    assert figures["overall"]["conversion"]["successes"] == 1
    assert figures["overall"]["conversion"]["n"] == 2
    assert figures["overall"]["chosen_rank"]["mean"] == 1
    assert any(a["metric"] == "conversion" for a in figures["alerts"])
    health = api_client.get(f"{BASE}/health").json()
    assert health["status"] == "ok"
    assert health["sessions"] == 2 and health["sessions_with_choice"] == 1

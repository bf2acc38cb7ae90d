"""The JSON API under /api/v1/prompt-feedback/."""

import pytest

from feedback.models import FeedbackEntry, FeedbackReport
from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/prompt-feedback"


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_post_entry_stores_it_and_answers_the_stable_id(api_client, workspace):
    response = _post(
        api_client,
        "/entries",
        {
            "prompt": "Explain quantum computing in simple terms",
            "output": "Quantum computing uses quantum mechanics...",
            "rating": 5,
            "thumbs_up": True,
            "tags": ["technical", "Code Review"],
            "context": {"framework": "chain-of-thought", "model": "claude-sonnet-4", "confidence": 0.9},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    entry = FeedbackEntry.objects.get(workspace=workspace)
    assert body["feedback_id"] == str(entry.pk)
    assert body["thumbs"] == "up" and body["tags"] == ["technical", "code-review"]
    assert body["framework"] == "chain-of-thought" and body["model"] == "claude-sonnet-4"
    assert api_client.get(f"{BASE}/entries/{entry.pk}").json()["rating"] == 5


def test_post_entry_with_a_bad_rating_answers_400_with_the_field(api_client):
    response = _post(api_client, "/entries", {"prompt": "p", "output": "o", "rating": 9})
    assert response.status_code == 400
    assert "rating" in response.json()["errors"]


def test_post_entry_without_a_rating_answers_422(api_client):
    response = _post(api_client, "/entries", {"prompt": "p", "output": "o"})
    assert response.status_code == 422
    assert "rating" in response.json()["errors"]


def test_read_only_token_cannot_post(readonly_api_client):
    response = _post(readonly_api_client, "/entries", {"prompt": "p", "output": "o", "rating": 3})
    assert response.status_code == 403
    assert not FeedbackEntry.objects.exists()


def test_without_a_token_the_api_answers_401(client):
    assert client.get(f"{BASE}/entries").status_code == 401


def test_batch_stores_all_or_nothing(api_client, workspace):
    good = {"prompt": "p", "output": "o", "rating": 4, "thumbs": "down"}
    response = _post(api_client, "/entries/batch", {"entries": [good, good]})
    assert response.status_code == 201 and response.json()["created"] == 2
    response = _post(api_client, "/entries/batch", {"entries": [good, {"prompt": "p"}]})
    assert response.status_code == 400
    assert "entries.1.output" in response.json()["errors"]
    assert FeedbackEntry.objects.filter(workspace=workspace).count() == 2


def test_entry_list_filters_by_normalised_tag(api_client, workspace):
    FeedbackEntryFactory(workspace=workspace, tags=["code-review"], prompt="review")
    FeedbackEntryFactory(workspace=workspace, tags=["creative"], prompt="poem")
    rows = api_client.get(f"{BASE}/entries", {"tag": "Code Review"}).json()
    assert [r["prompt"] for r in rows] == ["review"]


def test_another_workspaces_entry_is_404(api_client, other_workspace):
    entry = FeedbackEntryFactory(workspace=other_workspace)
    assert api_client.get(f"{BASE}/entries/{entry.pk}").status_code == 404


def test_analysis_with_too_few_entries_answers_409_with_count(api_client, workspace):
    FeedbackEntryFactory.create_batch(2, workspace=workspace)
    response = api_client.get(f"{BASE}/analysis", {"days": 7, "min_samples": 5})
    assert response.status_code == 409
    assert "2 entries, at least 5 needed" in response.json()["detail"]


def test_analysis_answers_rates_with_intervals(api_client, workspace):
    FeedbackEntryFactory.create_batch(6, workspace=workspace, rating=5, framework="cot")
    body = api_client.get(f"{BASE}/analysis", {"days": 7, "min_samples": 5}).json()
    assert body["total_feedback"] == 6 and body["success_rate"] == 1.0
    assert body["framework_performance"]["cot"]["n"] == 6
    assert len(body["success_interval"]) == 2


def test_analysis_with_absurd_days_answers_400(api_client):
    assert api_client.get(f"{BASE}/analysis", {"days": 10**9}).status_code == 400


def test_reports_can_be_written_listed_and_read(api_client, workspace):
    FeedbackEntryFactory.create_batch(3, workspace=workspace, rating=5)
    response = _post(api_client, "/reports", {"period": "monthly"})
    assert response.status_code == 201
    body = response.json()
    for key in ("period", "start_date", "end_date", "total_prompts", "avg_rating", "success_rate",
                "improvement_vs_previous"):  # fmt: skip
        assert key in body
    assert body["total_prompts"] == 3
    assert api_client.get(f"{BASE}/reports").json()[0]["report_id"] == body["report_id"]
    assert api_client.get(f"{BASE}/reports/{body['report_id']}").status_code == 200
    assert FeedbackReport.objects.count() == 1


def test_unknown_period_answers_400(api_client):
    assert _post(api_client, "/reports", {"period": "daily"}).status_code == 400


def test_suggestions_fall_back_to_rules_without_a_key(api_client, workspace):
    FeedbackEntryFactory.create_batch(6, workspace=workspace)
    body = api_client.get(f"{BASE}/suggestions", {"days": 7}).json()
    assert body["source"] == "rules" and body["suggestions"]


def test_route_recommends_framework_and_model_with_confidence(api_client, workspace):
    for _ in range(15):
        FeedbackEntryFactory(
            workspace=workspace, tags=["email"], framework="few-shot", model_name="sonnet", rating=5
        )
        FeedbackEntryFactory(
            workspace=workspace, tags=["email"], framework="zero-shot", model_name="haiku", rating=1
        )
    body = api_client.get(f"{BASE}/route", {"tags": "Email"}).json()
    rec = body["recommendation"]
    assert (rec["framework"], rec["model"]) == ("few-shot", "sonnet")
    assert 0.9 < rec["confidence"] <= 1 and body["reasoning"]
    assert len(rec["alternatives"]) == 2


def test_openapi_schema_lists_the_feedback_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/prompt-feedback/entries", "/api/v1/prompt-feedback/route",
                 "/api/v1/prompt-feedback/reports/{report_id}"):  # fmt: skip
        assert path in paths

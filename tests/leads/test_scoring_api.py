"""POST /api/v1/score (single and batch) and GET /api/v1/info, in the seed's words."""

import json

import pytest

from leads.models import Lead, LeadScore, Outcome

pytestmark = pytest.mark.django_db

SEED_LEAD = {
    "lead_id": "LEAD-5001",
    "age": 42,
    "location": "San Francisco",
    "industry": "Technology",
    "email_opens": 25,
    "website_visits": 18,
    "content_downloads": 8,
    "days_since_contact": 2,
    "lead_source": "Webinar",
    "actual_outcome": None,
}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_scoring_a_new_lead_answers_the_seed_fields_with_the_prior(api_client, workspace):
    response = post(api_client, "/api/v1/score", SEED_LEAD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lead_id"] == "LEAD-5001"
    assert 0 < body["conversion_score"] < 1
    assert body["conversion_score"] > 0.5  # a very engaged, recent lead
    assert body["display_score"] == round(body["conversion_score"] * 100)
    assert body["risk_category"] in {"high", "medium", "low"}
    assert body["model_version"] == "prior-1" and body["is_prior"] is True
    assert body["timestamp"]
    assert body["top_positive_factors"][0]["feature"] in {
        "content_downloads",
        "website_visits",
        "email_opens",
    }
    lead = Lead.objects.get(workspace=workspace, external_id="LEAD-5001")
    assert lead.source == "Webinar" and lead.attributes == {"age": 42}
    assert LeadScore.objects.filter(lead=lead).count() == 1


def test_same_lead_id_later_with_actual_outcome_updates_one_lead_and_records_the_outcome(
    api_client, workspace
):
    post(api_client, "/api/v1/score", SEED_LEAD)
    later = {**SEED_LEAD, "email_opens": 32, "days_since_contact": 16, "actual_outcome": True}
    body = post(api_client, "/api/v1/score", later).json()
    assert body["outcome_recorded"] is True and body["feedback_count"] == 1
    assert Lead.objects.filter(workspace=workspace, external_id="LEAD-5001").count() == 1
    lead = Lead.objects.get(workspace=workspace, external_id="LEAD-5001")
    assert lead.email_opens == 32
    assert Outcome.objects.get(lead=lead).won is True
    assert LeadScore.objects.filter(lead=lead).count() == 2
    again = post(api_client, "/api/v1/score", later).json()
    assert again["outcome_recorded"] is False and again["feedback_count"] == 1


def test_batch_scores_a_list(api_client, workspace):
    leads = [{**SEED_LEAD, "lead_id": f"L-{i}", "email_opens": i} for i in range(5)]
    response = post(api_client, "/api/v1/score/batch", {"leads": leads})
    assert response.status_code == 200
    assert [item["lead_id"] for item in response.json()] == [f"L-{i}" for i in range(5)]
    assert Lead.objects.filter(workspace=workspace).count() == 5


def test_batch_also_takes_a_bare_list(api_client, workspace):
    leads = [{**SEED_LEAD, "lead_id": f"B-{i}"} for i in range(3)]
    response = post(api_client, "/api/v1/score/batch", leads)
    assert response.status_code == 200, response.content
    assert len(response.json()) == 3


def test_batch_with_a_bad_item_names_it_and_writes_nothing(api_client, workspace):
    leads = [{**SEED_LEAD, "lead_id": "OK-1"}, {**SEED_LEAD, "lead_id": "BAD", "email_opens": -1}]
    response = post(api_client, "/api/v1/score/batch", {"leads": leads})
    assert response.status_code == 422
    assert not Lead.objects.filter(workspace=workspace).exists()


def test_info_reports_counts_and_readiness(api_client, workspace):
    post(api_client, "/api/v1/score", {**SEED_LEAD, "actual_outcome": False})
    body = api_client.get("/api/v1/info").json()
    assert body["model_version"] == "prior-1"
    assert body["total_leads_scored"] == 1
    assert body["feedback_samples_collected"] == 1
    status = body["retraining_status"]
    assert status["feedback_count"] == 1 and status["retraining_threshold"] == 50
    assert status["ready_for_retraining"] is False


@pytest.mark.parametrize(
    "change, field",
    [
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"email_opens": "many"}, "email_opens"),
        ({"email_opens": -3}, "email_opens"),
        ({"engagement_score": 7.5}, "engagement_score"),
        ({"lead_id": ""}, "lead_id"),
        ({"email": "not-an-email"}, "email"),
        ({"attributes": {"nested": {"a": 1}}}, "attributes.nested"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(api_client, workspace, change, field):
    response = post(api_client, "/api/v1/score", {**SEED_LEAD, **change})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert any(key.startswith(field.split(".")[0]) for key in errors), errors
    assert not Lead.objects.filter(workspace=workspace).exists()


def test_nan_and_infinity_are_refused(api_client, workspace):
    for raw in [
        '{"lead_id": "X", "engagement_score": NaN}',
        '{"lead_id": "X", "email_opens": Infinity}',
        '{"lead_id": "X", "attributes": {"a": NaN}}',
    ]:
        response = api_client.post("/api/v1/score", data=raw, content_type="application/json")
        assert response.status_code in (400, 422), (raw, response.content)
    assert not Lead.objects.filter(workspace=workspace).exists()


def test_ten_megabyte_body_is_refused_without_writing(api_client, workspace):
    body = json.dumps({**SEED_LEAD, "attributes": {"blob": "x" * (10 * 1024 * 1024)}})
    response = api_client.post("/api/v1/score", data=body, content_type="application/json")
    assert response.status_code == 413
    assert not Lead.objects.filter(workspace=workspace).exists()


def test_read_only_token_cannot_score(readonly_api_client, workspace):
    assert post(readonly_api_client, "/api/v1/score", SEED_LEAD).status_code == 403


def test_batch_over_the_limit_is_refused(api_client, settings):
    settings.LEADS_SCORE_BATCH_MAX = 2
    leads = [{**SEED_LEAD, "lead_id": f"L-{i}"} for i in range(3)]
    response = post(api_client, "/api/v1/score/batch", {"leads": leads})
    assert response.status_code == 400
    assert "At most 2" in response.json()["errors"]["leads"][0]

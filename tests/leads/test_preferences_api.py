"""GET/POST /api/v1/users/{workspace}/preferences: the seed's route, scoped by the token."""

import pytest

from leads.models import PreferenceRevision, PreferenceSet
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db

SEED_BODY = {
    "preferred_industries": ["SaaS", "AI", "B2B"],
    "min_engagement_score": 0.7,
    "company_size_range": {"min": 10, "max": 500},
    "geographic_focus": ["San Francisco", "New York"],
    "seniority_levels": ["founder", "CEO"],
}


def url(workspace_key):
    return f"/api/v1/users/{workspace_key}/preferences"


def test_preferences_are_empty_before_anything_is_set(api_client, workspace):
    response = api_client.get(url(workspace.id))
    assert response.status_code == 200
    body = response.json()
    assert body["preferred_industries"] == []
    assert body["min_engagement_score"] is None
    assert body["company_size_range"] == {"min": None, "max": None}


def test_seed_example_is_saved_and_read_back(api_client, workspace):
    response = api_client.post(url(workspace.id), SEED_BODY, content_type="application/json")
    assert response.status_code == 200, response.content
    body = api_client.get(url(workspace.slug)).json()
    assert body["preferred_industries"] == ["SaaS", "AI", "B2B"]
    assert body["min_engagement_score"] == 0.7
    assert body["company_size_range"] == {"min": 10, "max": 500}
    assert body["seniority_levels"] == ["founder", "CEO"]
    assert body["max_leads_per_execution"] is None


def test_fields_not_sent_keep_their_value_and_null_clears(api_client, workspace):
    api_client.post(url(workspace.slug), SEED_BODY, content_type="application/json")
    api_client.post(
        url(workspace.slug),
        {"max_leads_per_execution": 10, "min_engagement_score": None},
        content_type="application/json",
    )
    body = api_client.get(url(workspace.slug)).json()
    assert body["max_leads_per_execution"] == 10
    assert body["min_engagement_score"] is None
    assert body["preferred_industries"] == ["SaaS", "AI", "B2B"]


def test_another_workspace_is_not_found(api_client, other_workspace):
    assert api_client.get(url(other_workspace.id)).status_code == 404
    response = api_client.post(url(other_workspace.slug), SEED_BODY, content_type="application/json")
    assert response.status_code == 404
    assert not PreferenceSet.objects.filter(workspace=other_workspace).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"min_engagement_score": 1.5}, "min_engagement_score"),
        ({"lead_quality_threshold": -0.1}, "lead_quality_threshold"),
        ({"company_size_range": {"min": 500, "max": 10}}, "company_size_max"),
        ({"max_leads_per_execution": 0}, "max_leads_per_execution"),
        ({"max_leads_per_execution": 2.5}, "max_leads_per_execution"),
        ({"company_size_range": {"min": -3}}, "company_size_min"),
    ],
)
def test_bad_values_are_refused_per_field_and_nothing_is_saved(api_client, workspace, body, field):
    response = api_client.post(url(workspace.slug), {**SEED_BODY, **body}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_wrong_types_are_a_422_with_the_field(api_client, workspace):
    response = api_client.post(
        url(workspace.slug), {"preferred_industries": "SaaS", "min_engagement_score": "high"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert "min_engagement_score" in response.json()["errors"]


def test_read_only_token_cannot_change_preferences(readonly_api_client, workspace):
    response = readonly_api_client.post(url(workspace.slug), SEED_BODY, content_type="application/json")
    assert response.status_code == 403


def test_a_change_is_kept_in_history_and_audit(api_client, workspace):
    api_client.post(url(workspace.slug), SEED_BODY, content_type="application/json")
    api_client.post(url(workspace.slug), {"min_engagement_score": 0.5}, content_type="application/json")
    revisions = list(PreferenceRevision.objects.for_workspace(workspace))
    assert len(revisions) == 2
    assert revisions[0].changed == {"min_engagement_score": [0.7, 0.5]}
    assert revisions[0].token is not None
    assert AuditEvent.objects.filter(workspace=workspace, action="leads.preferences_changed").count() == 2

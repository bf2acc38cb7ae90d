"""The lead preferences page: form with errors beside fields, history, viewers refused."""

import pytest

from leads.models import PreferenceSet

pytestmark = pytest.mark.django_db

VALID = {
    "preferred_industries": "SaaS, AI\nB2B",
    "min_engagement_score": "0.7",
    "company_size_min": "10",
    "company_size_max": "500",
    "geographic_focus": "San Francisco, New York",
    "seniority_levels": "founder, CEO",
    "lead_quality_threshold": "",
    "max_leads_per_execution": "10",
}


def test_saving_the_form_sets_preferences_and_shows_history(owner_client, workspace, owner):
    response = owner_client.post("/leads/preferences/", VALID)
    assert response.status_code == 302
    saved = PreferenceSet.objects.get(workspace=workspace)
    assert saved.preferred_industries == ["SaaS", "AI", "B2B"]
    assert saved.geographic_focus == ["San Francisco", "New York"]
    assert saved.company_size_min == 10
    assert saved.lead_quality_threshold is None
    page = owner_client.get("/leads/preferences/").content.decode()
    assert owner.username in page
    assert "Preferred industries: – → <strong>SaaS, AI, B2B</strong>" in page
    assert 'value="0.7"' in page


def test_an_out_of_range_score_is_shown_beside_its_field_and_not_saved(owner_client, workspace):
    response = owner_client.post("/leads/preferences/", {**VALID, "min_engagement_score": "1.7"})
    assert response.status_code == 400
    assert "Must be between 0 and 1." in response.content.decode()
    assert response.context["form"].errors["min_engagement_score"]
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_min_above_max_is_refused(owner_client, workspace):
    response = owner_client.post("/leads/preferences/", {**VALID, "company_size_min": "900"})
    assert response.status_code == 400
    assert "at least the minimum" in response.context["form"].errors["company_size_max"][0]


def test_a_viewer_sees_but_cannot_save(viewer_client, workspace):
    assert viewer_client.get("/leads/preferences/").status_code == 200
    assert viewer_client.post("/leads/preferences/", VALID).status_code == 403
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/leads/preferences/")
    assert response.status_code == 302
    assert "/login" in response["Location"]

"""The lead page: score history, factors, one-click Won / Lost with htmx."""

import pytest

from leads.models import Outcome, ScoringSettings
from leads.services.scoring.scores import score_leads
from tests.leads.factories import CrmLeadFactory

pytestmark = pytest.mark.django_db


def test_lead_page_shows_score_history_and_factors(owner_client, workspace):
    lead = CrmLeadFactory(
        workspace=workspace, email_opens=25, website_visits=18, content_downloads=8, days_since_contact=2
    )
    score_leads(workspace, [lead])
    score_leads(workspace, [lead])
    response = owner_client.get(f"/leads/{lead.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Score history" in html and "prior-1" in html
    assert "no-outcome prior" in html
    assert "Pushing the score up" in html and "Content downloads" in html
    assert 'data-chart="score-history"' in html


def test_won_click_with_htmx_records_the_outcome_and_answers_the_fragment(teammate_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    response = teammate_client.post(
        f"/leads/{lead.id}/outcome/", {"won": "true", "reason": "signed"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="outcome"' in html
    assert "Recorded: <strong>Won</strong>" in html and "signed" in html
    outcome = Outcome.objects.get(lead=lead)
    assert outcome.won and outcome.source == "page"
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_lost_click_without_htmx_redirects_back(owner_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    response = owner_client.post(f"/leads/{lead.id}/outcome/", {"won": "false"})
    assert response.status_code == 302 and response.url == f"/leads/{lead.id}/"
    assert Outcome.objects.get(lead=lead).won is False


def test_bad_outcome_value_shows_an_error_and_records_nothing(owner_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    response = owner_client.post(f"/leads/{lead.id}/outcome/", {"won": "maybe"}, HTTP_HX_REQUEST="true")
    assert "field-error" in response.content.decode()
    assert not Outcome.objects.exists()


def test_viewer_cannot_record_an_outcome(viewer_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    assert viewer_client.post(f"/leads/{lead.id}/outcome/", {"won": "true"}).status_code == 403
    assert "Won</button>" not in viewer_client.get(f"/leads/{lead.id}/").content.decode()


def test_score_now_adds_to_the_history(owner_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    response = owner_client.post(f"/leads/{lead.id}/score/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="scores"' in response.content.decode()
    assert lead.scores.count() == 1


def test_anonymous_visitor_is_sent_to_login(client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    assert client.get(f"/leads/{lead.id}/").status_code == 302

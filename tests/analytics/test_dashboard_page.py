from datetime import timedelta

import pytest
from django.utils import timezone

from tests.leads.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(workspace):
    ExecutionFactory(
        recipe__workspace=workspace,
        recipe__agent__workspace=workspace,
        leads_generated=11,
        created_at=timezone.now() - timedelta(days=2),
    )
    ExecutionFactory(
        recipe__workspace=workspace,
        recipe__agent__workspace=workspace,
        leads_generated=40,
        created_at=timezone.now() - timedelta(days=20),
    )


def _generated(page):
    marker = 'data-figure="leads_generated"'
    card = page.split(marker, 1)[1]
    return card.split("data-value>", 1)[1].split("<", 1)[0]


def test_dashboard_shows_each_loop_with_its_figures(owner_client, runs):
    page = owner_client.get("/").content.decode()
    for loop in ("Leads", "Content", "Matching", "Output feedback"):
        assert f"<h2>{loop}</h2>" in page
    assert _generated(page) == "51"
    assert "n=2" in page


def test_period_selector_changes_the_figures_and_stays_in_the_url(owner_client, runs):
    page = owner_client.get("/?days=7").content.decode()
    assert _generated(page) == "11"
    assert '<option value="7" selected>' in page
    assert "/analytics/agents/?days=7" in page


def test_period_change_through_htmx_answers_the_figures_fragment(owner_client, runs):
    response = owner_client.get("/?days=7", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="figures">')
    assert "<html" not in page
    assert _generated(page) == "11"


def test_custom_range(owner_client, runs):
    day = (timezone.now() - timedelta(days=20)).date().isoformat()
    page = owner_client.get(f"/?start={day}&end={day}").content.decode()
    assert _generated(page) == "40"


def test_bad_period_shows_a_message_and_the_default(owner_client, runs):
    page = owner_client.get("/?start=2026-13-01&end=x").content.decode()
    assert "Give the first day as YYYY-MM-DD." in page
    assert _generated(page) == "51"


def test_dashboard_api_has_the_same_figures(api_client, runs):
    response = api_client.get("/api/v1/analytics/dashboard?days=7")
    assert response.status_code == 200
    figures = {f["key"]: f for f in response.json()["figures"]}
    assert figures["leads_generated"]["value"] == 11
    assert figures["leads_generated"]["n"] == 1


def test_dashboard_api_rejects_a_bad_period(api_client):
    response = api_client.get("/api/v1/analytics/dashboard?days=12")
    assert response.status_code == 400
    assert "days" in response.json()["errors"]


def test_failed_run_is_listed_as_an_alert(owner_client, workspace):
    ExecutionFactory(
        recipe__workspace=workspace,
        recipe__agent__workspace=workspace,
        status="failed",
        error="agent timed out after 10 s",
    )
    page = owner_client.get("/").content.decode()
    assert "failed: agent timed out after 10 s" in page

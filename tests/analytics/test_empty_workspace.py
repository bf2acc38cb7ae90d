"""An empty workspace gets a path to each loop's first step instead of empty charts; a figure with one
point shows its value, with none no chart at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.analytics.dashboard_html import read_dashboard
from tests.leads.factories import ExecutionFactory, LeadFeedbackFactory

pytestmark = pytest.mark.django_db

FIRST_STEPS = {
    ("leads", reverse("leads:preferences")),
    ("leads", reverse("leads:import_start")),
    ("content", reverse("content:upload")),
    # Sessions start from the form on the matching page.
    ("matching", reverse("matching:index") + "#start-form"),
    ("feedback", reverse("feedback:entry_create")),
}


def test_empty_workspace_shows_get_started_with_each_loops_first_step(owner_client):
    page = owner_client.get("/").content.decode()
    read = read_dashboard(page)

    assert "Get started" in page
    assert {(step["loop"], step["href"]) for step in read.first_steps} == FIRST_STEPS


def test_empty_workspace_draws_no_chart_and_no_empty_figure(owner_client):
    read = read_dashboard(owner_client.get("/").content.decode())
    assert read.canvases == 0
    assert read.cards == []


def test_empty_workspace_period_change_still_answers_get_started(owner_client):
    page = owner_client.get("/?days=7", HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="figures">')
    assert "Get started" in page
    assert "<canvas" not in page


def test_every_first_step_opens_for_the_owner(owner_client):
    for _, url in FIRST_STEPS:
        assert owner_client.get(url.split("#")[0]).status_code == 200, url


def _run(workspace, days_ago, generated=5):
    return ExecutionFactory(
        recipe__workspace=workspace,
        recipe__agent__workspace=workspace,
        leads_generated=generated,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_loop_without_data_shows_its_first_step_beside_the_others_figures(owner_client, workspace):
    _run(workspace, 2)
    _run(workspace, 5)
    read = read_dashboard(owner_client.get("/").content.decode())

    assert "leads_generated" in [card["key"] for card in read.cards]
    assert {step["loop"] for step in read.first_steps} == {"content", "matching", "feedback"}
    assert "matching_conversion" not in [card["key"] for card in read.cards]


def test_figure_with_no_observations_has_no_chart(owner_client, workspace):
    _run(workspace, 2)
    _run(workspace, 5)
    page = owner_client.get("/").content.decode()
    useful = page.split('data-figure="useful_rate"', 1)[1].split("</article>", 1)[0]
    generated = page.split('data-figure="leads_generated"', 1)[1].split("</article>", 1)[0]

    assert "<canvas" not in useful
    assert "<canvas" in generated


def test_figure_with_one_point_shows_its_value_not_a_dot(owner_client, workspace):
    run = _run(workspace, 2)
    LeadFeedbackFactory(lead__execution=run, useful=True, created_at=run.created_at)
    LeadFeedbackFactory(lead__execution=run, useful=False, created_at=run.created_at)
    page = owner_client.get("/").content.decode()
    cards = {card["key"]: card for card in read_dashboard(page).cards}
    useful = page.split('data-figure="useful_rate"', 1)[1].split("</article>", 1)[0]

    assert "<canvas" not in useful
    assert "has data: 50% (n=2)" in cards["useful_rate"]["single-point"]


def test_empty_workspace_still_says_why_a_period_was_refused(owner_client):
    response = owner_client.get("/?days=12")
    assert response.status_code == 400
    assert "Choose 7, 30 or 90 days" in response.content.decode()

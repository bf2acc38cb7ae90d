"""Each measure is on the dashboard once, computed once: the page, its parts and the API agree,
and every figure says what its n counts and which period it covers."""

import re

import pytest

from tests.analytics.dashboard_html import read_dashboard
from tests.leads.factories import ExecutionFactory
from tests.reliability.world import seed_demo_data
from tests.workspaces.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(workspace):
    membership = MembershipFactory(workspace=workspace, role="owner")
    seed_demo_data(workspace, membership.user)
    return workspace


@pytest.mark.slow
def test_every_measure_is_shown_once_with_its_n_and_period(owner_client, demo, api_client):
    page = owner_client.get("/?days=30").content.decode()
    cards = read_dashboard(page).cards
    keys = [card["key"] for card in cards]

    assert len(keys) == len(set(keys)), f"a measure is shown twice: {keys}"
    assert "highlights" not in page
    for card in cards:
        assert card.get("n", "").startswith("n="), card
        assert card.get("covers") in ("last 30 days", "now"), card

    api = {f["key"]: f for f in api_client.get("/api/v1/analytics/dashboard?days=30").json()["figures"]}
    assert set(api) == set(keys)
    for card in cards:
        figure = api[card["key"]]
        assert card["value"] == figure["display"], card["key"]
        assert card["n"].split()[0] == f"n={figure['n']:,}", card["key"]
        if figure["kind"] != "text":
            assert card["change"] == figure["change_display"], card["key"]


@pytest.mark.slow
def test_generated_and_kept_leads_are_labelled_and_agree(owner_client, demo):
    cards = {card["key"]: card for card in read_dashboard(owner_client.get("/").content.decode()).cards}
    generated, kept = cards["leads_generated"], cards["leads_kept"]

    assert "before the preference filter" in generated["detail"]
    # The kept card's share is of the very number the generated card shows.
    assert re.search(r"of the ([\d,]+) generated", kept["detail"]).group(1) == generated["value"]
    assert generated["n"] == kept["n"]


def test_a_workspace_without_a_model_names_the_prior_one_way(owner_client, workspace):
    ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace, leads_generated=3)
    page = owner_client.get("/").content.decode()
    cards = {card["key"]: card for card in read_dashboard(page).cards}

    assert cards["scoring_model"]["value"] == "No model yet: scores use the prior"
    assert "prior-1" not in page
    assert "prior (no model yet)" not in page

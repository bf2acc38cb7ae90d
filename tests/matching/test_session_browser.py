"""In a real browser: open a session, expand an explanation, compare, choose."""

import time

import pytest

from matching.models import Choice, Interaction
from matching.services.sessions import start_session
from tests.browser import login
from tests.matching.factories import provider_workspace


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_a_session_expand_an_explanation_and_choose(browser_page, live_server, workspace, teammate):
    provider_workspace(workspace)
    session = start_session(workspace, customer_ref="fran", stated_preferences={"price": 5})
    second = session.recommendations.get(rank=2)
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/matching/sessions/{session.id}/")
    assert page.get_by_test_id("segment").inner_text() == "Price sensitive"

    item = page.locator(f"#rec-{second.id}")
    item.get_by_role("button", name="Why this rank?").click()
    page.wait_for_selector(f"text=Why {second.candidate.name} is ranked 2")
    assert Interaction.objects.filter(interaction_type="expanded", recommendation=second).exists()

    item.get_by_role("button", name=f"Choose {second.candidate.name}").click()
    page.wait_for_selector("[data-testid=chosen]")
    assert f"Chosen: {second.candidate.name} (ranked 2)" in page.get_by_test_id("chosen").inner_text()
    assert Choice.objects.get(session=session).candidate == second.candidate

    page.get_by_label("Satisfaction (1-5)").select_option("5")
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_selector("text=satisfaction 5/5")
    assert Choice.objects.get(session=session).satisfaction == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leaving_the_page_records_how_long_the_list_was_viewed(
    browser_page, live_server, workspace, teammate
):
    provider_workspace(workspace)
    session = start_session(workspace, customer_ref="gus")
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/matching/sessions/{session.id}/")
    page.wait_for_timeout(1500)
    page.goto(f"{live_server.url}/matching/")  # leaving the page sends the beacon
    deadline = time.monotonic() + 10
    while (
        time.monotonic() < deadline
        and not Interaction.objects.filter(session=session, interaction_type="viewed").exists()
    ):
        time.sleep(0.2)
    viewed = Interaction.objects.get(session=session, interaction_type="viewed")
    assert 1.4 <= viewed.time_spent_seconds < 60

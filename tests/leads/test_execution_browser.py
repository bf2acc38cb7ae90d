"""In a real browser: set preferences, run a recipe, watch its status change, mark a lead useful in place."""

import pytest

from leads.models import LeadFeedback
from tests.browser import login
from tests.leads.factories import AgentFactory, RecipeFactory
from tests.leads.stub_agent import Reply, stub_agent
from tests.leads.test_filtering import SEED_LEADS

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_preferences_run_status_and_one_click_feedback(
    browser_page, live_server, live_worker, workspace, owner
):
    page = browser_page
    with stub_agent({"/leads": Reply.leads(SEED_LEADS, delay=0.5)}) as stub:
        recipe = RecipeFactory(
            agent=AgentFactory(workspace=workspace, source="http", name="Hunter"),
            name="AI startup founders",
            endpoint_url=stub.url(),
        )
        login(page, live_server, owner)

        page.goto(f"{live_server.url}/leads/preferences/")
        page.get_by_label("Preferred industries").fill("SaaS, AI")
        page.get_by_label("Min engagement score").fill("0.7")
        page.get_by_label("Geographic focus").fill("San Francisco, New York")
        page.get_by_label("Seniority levels").fill("founder, CEO")
        page.get_by_role("button", name="Save preferences").click()
        page.wait_for_selector("text=Preferences saved.")

        page.goto(f"{live_server.url}/leads/recipes/{recipe.id}/")
        page.get_by_role("button", name="Run recipe").click()
        page.wait_for_url("**/leads/executions/**")
        first_status = page.locator("[data-execution-status]").inner_text()
        assert first_status in ("Queued", "Running")
        page.wait_for_selector("[data-execution-status]:has-text('Succeeded')", timeout=60000)

    assert "5 generated" in page.locator("#execution-status").inner_text()
    page.evaluate("window.__sameDocument = true")
    lead_controls = page.locator("form[data-lead='Sarah Chen']")
    lead_controls.get_by_role("button", name="Useful", exact=True).click()
    page.wait_for_selector("form[data-lead='Sarah Chen'] button[aria-pressed='true']:has-text('Useful')")
    assert page.evaluate("window.__sameDocument") is True  # no page reload
    assert "1 useful" in page.locator("form[data-lead='Sarah Chen']").inner_text()
    assert LeadFeedback.objects.get(user=owner).useful is True

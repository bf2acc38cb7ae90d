"""In a real browser: the preferences page shows a suggestion with its evidence; one click applies it
and the change appears in the history."""

import pytest

from leads.services.preferences import update_preferences
from tests.browser import login
from tests.leads.test_preference_suggestions import PREFS, _judged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_click_applies_a_suggestion_into_the_history(browser_page, live_server, workspace, owner):
    update_preferences(workspace, PREFS, actor=owner)
    _judged(workspace, owner, "SaaS", 40, 0.35)
    _judged(workspace, owner, "Fintech", 40, 0.35)
    _judged(workspace, owner, "Retail", 42, 0.6, criterion="industry", probability=0.05)
    page = browser_page
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/leads/preferences/")
    suggestion = page.locator("[data-suggestion='add:industry:retail']")
    assert "Retail leads were useful 62% of the time (n=42" in suggestion.inner_text()
    suggestion.get_by_role("button", name="Add Retail").click()
    page.wait_for_selector("text=Applied: Add Retail.")
    assert page.get_by_label("Preferred industries").input_value() == "SaaS, Fintech, Retail"
    assert (
        "SaaS, Fintech → SaaS, Fintech, Retail"
        in page.locator("table[data-csv='preference-history']").inner_text()
    )
    assert page.locator("[data-suggestion]").count() == 0

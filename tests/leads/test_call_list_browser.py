"""In a real browser: the call list marks its explored rows and one click records Won in place."""

import pytest

from leads.models import Outcome
from tests.browser import login
from tests.leads.test_call_list import _scored_leads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_call_list_marks_exploration_and_records_won_in_place(browser_page, live_server, workspace, owner):
    _scored_leads(workspace, 30)
    page = browser_page
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/leads/")
    page.get_by_role("link", name="Call list").click()
    page.wait_for_selector("h1:has-text('Call list for')")
    assert page.locator("tr.explored").count() == 2
    assert "drawn at random" in page.locator("#exploration-note").inner_text()
    page.evaluate("window.__sameDocument = true")
    first = page.locator("table.call-list tbody tr").first
    name = first.locator("a").first.inner_text()
    first.get_by_role("button", name="Won").click()
    page.wait_for_selector("table.call-list tbody tr:first-child strong.status-succeeded")
    assert page.evaluate("window.__sameDocument") is True  # no page reload
    assert Outcome.objects.get(lead__name=name).won is True

"""In a real browser: Rank candidates opens the session page as its own page, not inside the form."""

import pytest

from matching.models import MatchingSession
from tests.browser import login
from tests.matching.factories import provider_workspace


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rank_candidates_shows_the_session_page_with_one_site_header(
    browser_page, live_server, workspace, owner
):
    provider_workspace(workspace)
    page = browser_page
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/matching/")
    page.get_by_label("Customer").fill("erin")
    page.get_by_role("button", name="Rank").click()
    page.wait_for_selector("h1:text('Recommendations for erin')")
    session = MatchingSession.objects.get(workspace=workspace)
    assert page.url.endswith(f"/matching/sessions/{session.id}/")
    assert page.locator("header.site-header").count() == 1
    assert page.locator("#start-form").count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_empty_rank_form_shows_the_errors_beside_the_fields(browser_page, live_server, workspace, owner):
    provider_workspace(workspace)
    page = browser_page
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/matching/")
    page.get_by_role("button", name="Rank").click()
    page.wait_for_selector("#start-form .field-error")
    assert page.locator("#start-form .field-error").count() == 2
    assert page.locator("header.site-header").count() == 1
    assert not MatchingSession.objects.exists()
